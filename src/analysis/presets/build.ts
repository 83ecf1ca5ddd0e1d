// The annotated packet-path presets: `netpaths ingress|egress --driver NAME`. A preset is a
// focused graph cut from the real call graph: the milestone paths (chain.ts), the side
// branches collapsed into one node each and the helpers that move the skb (cut.ts), and on
// every node a stage, an execution context and a note, plus the skb timeline and netfilter
// markers (annotate.ts).
//
// Invariants: pure (files are read through `ReadText`); every hop between two milestones is
// kept; every indirect edge keeps its `via`; node and edge order follow the packet.

import { addVerdicts } from './verdicts';
import type { GraphJson } from '../graph-json';
import { QueryError } from '../query/query';
import { annotate } from './annotate';
import { walkChain } from './chain';
import type { PresetContext } from './context';
import { cutGraph } from './cut';
import { addDrops } from './drops';
import { addWakeEdges } from './wakes';
import { type Driver, findDriver, unknownDriverMessage } from './drivers';
import type { BranchRow, Direction, MilestoneRow } from './rows';
import {
  DEFAULT_ROUTE,
  type Route,
  findRoute,
  routeDirection,
  routeIds,
  routeNeeds,
} from './routes';
import { drawnRoutes } from './route-coverage';
import {
  BACKLOG_RECEIVE,
  EGRESS,
  EGRESS_BRANCHES,
  INGRESS,
  INGRESS_BRANCHES,
  NAPI_RECEIVE,
} from './segments';

export type { Direction } from './rows';

export interface PresetOptions {
  /** Collapsed nodes to open (or any node, to show its callees): id or function name. */
  expand?: readonly string[];
  /** How far to widen: 1 (default) shows the focused path; N adds N-1 levels of callees. */
  depth?: number;
  /** The route (routes.ts): `tcp4` when absent. */
  route?: string;
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
 * Whether a driver's receive part is the backlog route's (BACKLOG_RECEIVE): a driver without
 * a NAPI poll whose IRQ handler reaches the backlog's hand-off (netif_rx()) before any NAPI
 * schedule; one whose poll is registered by a library elsewhere keeps the NAPI route and
 * says so.
 */
export function takesBacklog(ctx: PresetContext, driver: Driver): boolean {
  if (driver.poll.length > 0 || driver.irq.length === 0) return false;
  // netif_rx() itself schedules the backlog NAPI, so compare: which does the handler reach first?
  const nearest = (row: MilestoneRow | undefined): number => {
    const map = ctx.distances(ctx.named(row?.names ?? []), row?.hops ?? 8);
    return Math.min(...driver.irq.map((r) => map.get(r.node) ?? Infinity));
  };
  const backlog = nearest(BACKLOG_RECEIVE.find((r) => r.handsToStack));
  return backlog < Infinity && backlog < nearest(NAPI_RECEIVE.find((r) => r.schedulesNapi));
}

/** Each route's ingress rows after each receive part, composed once. */
const composed = new Map<string, readonly MilestoneRow[]>();

/**
 * The milestones a driver's preset walks on a route (default tcp4): on ingress the driver's
 * receive part (NAPI, or the backlog's: takesBacklog) and then the route's rows.
 */
export function milestonesFor(
  ctx: PresetContext,
  direction: Direction,
  driver: Driver,
  route: Route = requireRoute(DEFAULT_ROUTE),
): readonly MilestoneRow[] {
  const rows = routeDirection(route, direction);
  if (direction === 'egress' || rows.driverReceive === false) return rows.rows;
  const backlog = takesBacklog(ctx, driver);
  const key = `${route.id}:${backlog ? 'backlog' : 'napi'}`;
  let list = composed.get(key);
  if (!list) {
    list = [...(backlog ? BACKLOG_RECEIVE : NAPI_RECEIVE), ...rows.rows];
    composed.set(key, list);
  }
  return list;
}

/** The route with this id, or the one-line error that lists the routes. */
export function requireRoute(id: string): Route {
  const route = findRoute(id);
  if (!route)
    throw new QueryError(
      `unknown route '${id}' (routes: ${routeIds()}; netpaths routes lists them)`,
    );
  return route;
}

/** Looks the driver up or fails with the CLI's one-line message. */
export function requireDriver(ctx: PresetContext, name: string): Driver {
  const driver = findDriver(ctx.drivers(), name);
  if (!driver) throw new QueryError(unknownDriverMessage(ctx.drivers(), name));
  return driver;
}

/**
 * What a driver lacks to draw one direction of a route at all (a transmit row needs an
 * ndo_start_xmit, the driver's receive part a NAPI poll or an IRQ handler), in one phrase.
 */
export function routeLack(driver: Driver, route: Route, direction: Direction): string | undefined {
  const needs = routeNeeds(route, direction);
  if (needs.xmit && driver.xmit.length === 0)
    return `${driver.name} registers no ndo_start_xmit: no ${direction} path to draw`;
  if (needs.receive && driver.poll.length === 0 && driver.irq.length === 0)
    return `${driver.name} registers no NAPI poll and no IRQ handler: no ${direction} path to draw`;
  return undefined;
}

/** `; e1000e draws tcp4, udp4 completely`: said after an error about an asked-for route. */
function drawnClause(ctx: PresetContext, driver: Driver): string {
  const drawn = drawnRoutes(ctx, driver);
  return drawn.length > 0
    ? `; ${driver.name} draws ${routeIds(drawn)} completely`
    : `; ${driver.name} draws no route completely`;
}

/** Builds the preset graph for one driver, direction and route: walk, cut, annotate. */
export function buildPreset(
  ctx: PresetContext,
  driverName: string,
  direction: Direction,
  options: PresetOptions = {},
): GraphJson {
  const driver = requireDriver(ctx, driverName);
  const asked = options.route !== undefined;
  const route = findRoute(options.route ?? DEFAULT_ROUTE);
  if (!route)
    throw new QueryError(
      `unknown route '${options.route ?? ''}' (routes: ${routeIds()})${drawnClause(ctx, driver)}`,
    );
  const lack = routeLack(driver, route, direction);
  if (lack !== undefined)
    throw new QueryError(asked ? `${lack} on route ${route.id}${drawnClause(ctx, driver)}` : lack);
  const chain = walkChain(ctx, milestonesFor(ctx, direction, driver, route), driver);
  const gate = routeDirection(route, direction).gate;
  if (gate && !chain.legs.has(gate.row)) {
    const row = milestonesFor(ctx, direction, driver, route).find((r) => r.id === gate.row);
    const why = chain.missing.find((m) => row !== undefined && m.includes(row.label));
    throw new QueryError(
      `${driver.name}: ${gate.says}${why ? ` (${why})` : ''}, so no ${direction} path on route ${route.id}${drawnClause(ctx, driver)}`,
    );
  }
  if (chain.order.length === 0)
    throw new QueryError(
      `no ${direction} path for driver ${driver.name}${asked ? ` on route ${route.id}` : ''}: ${chain.missing.join('; ') || 'nothing found'}${asked ? drawnClause(ctx, driver) : ''}`,
    );
  options.onReport?.(chain.missing, chain.remarks);
  const cut = cutGraph(ctx, driver, direction, chain, {
    branches: routeDirection(route, direction).branches,
    depth: options.depth ?? 1,
    expand: options.expand ?? [],
  });
  const json = annotate(ctx, driver, direction, chain, cut);
  if (route.id !== DEFAULT_ROUTE) json.title = `${driver.name} ${direction} ${route.id}`;
  addWakeEdges(ctx.graph, chain, json);
  addVerdicts(ctx, json);
  addDrops(ctx, json);
  return json;
}
