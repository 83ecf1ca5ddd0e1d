// The annotated packet-path presets: `netpaths ingress|egress --driver NAME`. A preset is a
// focused graph cut from the real call graph: the milestone paths (chain.ts), the side
// branches collapsed into one node each and the helpers that move the skb (cut.ts), and on
// every node a stage, an execution context and a note, plus the skb timeline and netfilter
// markers (annotate.ts).
//
// Invariants: pure (files are read through `ReadText`); every hop between two milestones is
// kept; every indirect edge keeps its `via`; node and edge order follow the packet.

import type { GraphJson } from '../graph-json';
import { QueryError } from '../query/query';
import { annotate } from './annotate';
import { walkChain } from './chain';
import type { PresetContext } from './context';
import { cutGraph } from './cut';
import { addDrops } from './drops';
import { type Driver, findDriver, unknownDriverMessage } from './drivers';
import {
  EGRESS,
  EGRESS_BRANCHES,
  INGRESS,
  INGRESS_BRANCHES,
  INGRESS_LEGACY,
  type BranchRow,
  type Direction,
  type MilestoneRow,
} from './rows';

export type { Direction } from './rows';

export interface PresetOptions {
  /** Collapsed nodes to open (or any node, to show its callees): id or function name. */
  expand?: readonly string[];
  /** How far to widen: 1 (default) shows the focused path; N adds N-1 levels of callees. */
  depth?: number;
  /** Told what the path lacks (`missing`, empty when complete) and other remarks. */
  onReport?: (missing: readonly string[], remarks: readonly string[]) => void;
}

export const PRESET_ROWS: Readonly<
  Record<Direction, { milestones: readonly MilestoneRow[]; branches: readonly BranchRow[] }>
> = {
  ingress: { milestones: INGRESS, branches: INGRESS_BRANCHES },
  egress: { milestones: EGRESS, branches: EGRESS_BRANCHES },
};

/**
 * The milestones a driver's preset walks. A driver without a NAPI poll whose IRQ handler
 * reaches the backlog route's hand-off (netif_rx()) before any NAPI schedule takes the
 * backlog route (INGRESS_LEGACY); one whose poll is registered by a library elsewhere keeps
 * the NAPI route and says so.
 */
export function milestonesFor(
  ctx: PresetContext,
  direction: Direction,
  driver: Driver,
): readonly MilestoneRow[] {
  if (direction === 'egress') return EGRESS;
  if (driver.poll.length > 0 || driver.irq.length === 0) return INGRESS;
  // netif_rx() itself schedules the backlog NAPI, so compare: which does the handler reach first?
  const nearest = (row: MilestoneRow | undefined): number => {
    const map = ctx.distances(ctx.named(row?.names ?? []), row?.hops ?? 8);
    return Math.min(...driver.irq.map((r) => map.get(r.node) ?? Infinity));
  };
  const backlog = nearest(INGRESS_LEGACY.find((r) => r.handsToStack));
  return backlog < Infinity && backlog < nearest(INGRESS.find((r) => r.schedulesNapi))
    ? INGRESS_LEGACY
    : INGRESS;
}

/** Looks the driver up or fails with the CLI's one-line message. */
export function requireDriver(ctx: PresetContext, name: string): Driver {
  const driver = findDriver(ctx.drivers(), name);
  if (!driver) throw new QueryError(unknownDriverMessage(ctx.drivers(), name));
  return driver;
}

/** Builds the preset graph for one driver and direction: walk, cut, annotate. */
export function buildPreset(
  ctx: PresetContext,
  driverName: string,
  direction: Direction,
  options: PresetOptions = {},
): GraphJson {
  const driver = requireDriver(ctx, driverName);
  if (direction === 'egress' && driver.xmit.length === 0)
    throw new QueryError(`${driver.name} registers no ndo_start_xmit: no egress path to draw`);
  if (direction === 'ingress' && driver.poll.length === 0 && driver.irq.length === 0)
    throw new QueryError(
      `${driver.name} registers no NAPI poll and no IRQ handler: no ingress path to draw`,
    );
  const chain = walkChain(ctx, milestonesFor(ctx, direction, driver), driver);
  if (chain.order.length === 0)
    throw new QueryError(
      `no ${direction} path for driver ${driver.name}: ${chain.missing.join('; ') || 'nothing found'}`,
    );
  options.onReport?.(chain.missing, chain.remarks);
  const cut = cutGraph(ctx, driver, direction, chain, {
    branches: PRESET_ROWS[direction].branches,
    depth: options.depth ?? 1,
    expand: options.expand ?? [],
  });
  const json = annotate(ctx, driver, direction, chain, cut);
  addDrops(ctx, json);
  return json;
}
