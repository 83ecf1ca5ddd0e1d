// `netpaths drivers`: every driver with its entry points and whether its ingress and egress
// paths can be drawn completely, partially or not at all, and why.

import type { Graph } from '../index/graph';
import { walkChain } from './chain';
import type { PresetContext } from './context';
import { type Driver, reachedRole, txCompletion } from './drivers';
import { milestonesFor } from './build';
import { drawnRoutes } from './route-coverage';
import { DEFAULT_ROUTE } from './routes';
import { type DeviceKind, deviceKinds } from './device-kind';
import { ETHERNET_DRIVERS_DIR } from '../index/kernel-layout';

export type Completeness = 'complete' | 'partial' | 'none';

/** One row of `netpaths drivers --format json`. Node lists hold JSON node ids (`FILE:NAME`). */
export interface DriverSummary {
  name: string;
  dir: string;
  irq: string[];
  poll: string[];
  xmit: string[];
  refill: string[];
  txClean: string[];
  ingress: Completeness;
  egress: Completeness;
  /** The routes (routes.ts) whose ingress and egress it draws completely, in the table's order. */
  routes: string[];
  /** Why a path is partial or missing, and other remarks; empty when there is nothing to say. */
  why: string;
  /** Other names `--driver` accepts. */
  aliases: string[];
  /** Whether it drives a device or a virtual one (device-kind.ts); set by listDrivers. */
  device?: DeviceKind;
  /** With a kernel configuration: built in (`y`), a module (`m`, and which) or not built (`n`). */
  built?: 'y' | 'm' | 'n';
  module?: string;
}

function ids(g: Graph, nodes: Iterable<number>): string[] {
  return [...new Set([...nodes].map((n) => g.nodeId(n)))];
}

/** A driver's entry points alone, without walking its paths: cheap enough for a side bar of every driver. */
export type DriverEntryPoints = Pick<
  DriverSummary,
  'name' | 'dir' | 'irq' | 'poll' | 'xmit' | 'refill' | 'txClean' | 'aliases'
>;

export function entryPoints(ctx: PresetContext, driver: Driver): DriverEntryPoints {
  const g = ctx.graph;
  const polls = driver.poll.map((r) => r.node);
  return {
    name: driver.name,
    dir: driver.dir,
    irq: ids(
      g,
      driver.irq.map((r) => r.node),
    ),
    poll: ids(g, polls),
    xmit: ids(
      g,
      driver.xmit.map((r) => r.node),
    ),
    refill: ids(g, reachedRole(g, driver, polls, 'refill')),
    txClean: ids(g, txCompletion(g, driver)),
    aliases: driver.aliases,
  };
}

/** Summarises one driver: its entry points and how far its paths go. */
export function summarise(ctx: PresetContext, driver: Driver): DriverSummary {
  const g = ctx.graph;
  const polls = driver.poll.map((r) => r.node);
  const why: string[] = [];
  const irq = driver.irq.map((r) => r.node);
  let ingress: Completeness = 'none';
  if (polls.length === 0 && driver.irq.length === 0)
    why.push('ingress: no NAPI poll and no IRQ handler registered');
  else {
    const chain = walkChain(ctx, milestonesFor(ctx, 'ingress', driver), driver);
    ingress = chain.missing.length === 0 ? 'complete' : 'partial';
    // The handler the path starts from, when found another way (a field of the driver's own, a bus).
    const used = chain.order.find((l) => l.row.root && l.row.role === 'irq')?.end;
    if (used !== undefined && !irq.includes(used)) irq.push(used);
    for (const m of chain.missing) why.push(`ingress: ${m}`);
    for (const r of chain.remarks) why.push(`ingress: ${r}`);
  }
  let egress: Completeness = 'none';
  if (driver.xmit.length === 0) why.push('egress: no ndo_start_xmit registered');
  else {
    const chain = walkChain(ctx, milestonesFor(ctx, 'egress', driver), driver);
    egress = chain.missing.length === 0 ? 'complete' : 'partial';
    for (const m of chain.missing) why.push(`egress: ${m}`);
  }
  // The default route's walks are the two above: the other routes are walked here.
  const known = new Map([
    [DEFAULT_ROUTE, { ingress: ingress === 'complete', egress: egress === 'complete' }],
  ]);
  return {
    name: driver.name,
    dir: driver.dir,
    irq: ids(g, irq),
    poll: ids(g, polls),
    xmit: ids(
      g,
      driver.xmit.map((r) => r.node),
    ),
    refill: ids(g, reachedRole(g, driver, polls, 'refill')),
    txClean: ids(g, txCompletion(g, driver)),
    ingress,
    egress,
    routes: drawnRoutes(ctx, driver, known).map((r) => r.id),
    why: why.join('; '),
    aliases: driver.aliases,
  };
}

export function listDrivers(ctx: PresetContext): DriverSummary[] {
  const drivers = ctx.drivers();
  const list = drivers.map((d) => summarise(ctx, d));
  const kinds = deviceKinds(ctx.graph, drivers, list);
  return list.map((summary, i) => ({ ...summary, device: kinds[i] ?? 'hardware' }));
}

/** How many drivers under `prefix` (default drivers/net/ethernet/) have each completeness. */
export function countDrivers(
  list: readonly DriverSummary[],
  prefix = ETHERNET_DRIVERS_DIR,
): { total: number; complete: number; partial: number; none: number } {
  const mine = list.filter((d) => `${d.dir}/`.startsWith(prefix));
  return {
    total: mine.length,
    complete: mine.filter((d) => d.ingress === 'complete').length,
    partial: mine.filter((d) => d.ingress === 'partial').length,
    none: mine.filter((d) => d.ingress === 'none').length,
  };
}
