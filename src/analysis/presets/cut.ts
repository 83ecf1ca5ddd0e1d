// The cut of a preset: which functions and calls of the real call graph a preset shows.
// The milestone legs (chain.ts) are the main path; each side branch (rows.ts) adds the
// first call off it, collapsed into one node (or drawn open); the callees that move the skb
// get nodes of their own; `--depth` and `--expand` add more. Annotation (annotate.ts) then
// reads the cut: it never adds a function.
//
// Invariants: every hop between two milestones is kept; nothing is added twice.

import type { Graph } from '../index/graph';
import type { ExecContext } from '../graph-json';
import { classifyStage, findSkbLife, findSkbOp } from '../knowledge';
import { QueryError } from '../query/query';
import { type Chain, foreignCall, offPath } from './chain';
import type { PresetContext } from './context';
import { type Driver, reachedRole } from './drivers';
import {
  HELPER_STAGES_EXCLUDED,
  HELPERS_EXCLUDED,
  ROLE_NAMES,
  WIDEN_LIMIT,
  type BranchRow,
  type Direction,
  type DriverRole,
} from './rows';
import { type CallPath, bestPathFrom, forwardPath } from './search';

/** A collapsed node's hidden part. */
export interface Hidden {
  nodes: number[];
  edges: number[];
}

/** The graph being assembled: nodes and edges in insertion order, plus what is collapsed. */
export class Cut {
  readonly nodes = new Set<number>();
  readonly edges = new Set<number>();
  /** Nodes reached as main-path milestones (not branches or helpers). */
  readonly main = new Set<number>();
  readonly collapsed = new Map<number, Hidden>();
  /** Driver roles, for stages and notes. */
  readonly roles = new Map<number, DriverRole>();
  /** Context forced by the walk (roots). */
  readonly rootContext = new Map<number, ExecContext | undefined>();

  add(nodes: readonly number[], edges: readonly number[]): void {
    for (const n of nodes) this.nodes.add(n);
    for (const e of edges) this.edges.add(e);
  }
}

/** What to cut beyond the walked chain. */
export interface CutOptions {
  branches: readonly BranchRow[];
  /** 1 shows the focused path; N adds N-1 levels of callees. */
  depth: number;
  /** Nodes to open: id or function name. */
  expand: readonly string[];
}

/** Cuts the preset's graph from the walked chain. */
export function cutGraph(
  ctx: PresetContext,
  driver: Driver,
  direction: Direction,
  chain: Chain,
  options: CutOptions,
): Cut {
  const cut = new Cut();
  for (const leg of chain.order) {
    cut.add(leg.path.nodes, leg.path.edges);
    for (const n of leg.path.nodes) cut.main.add(n);
  }
  for (const r of chain.roots) cut.rootContext.set(r.node, r.context);
  assignRoles(ctx.graph, driver, chain, cut);

  // Side branches: the first call off the main path, collapsed (or the path drawn open).
  for (const b of options.branches) addBranch(ctx, driver, chain, cut, b, options.depth);
  // Callees that move the skb get nodes of their own (eth_type_trans, ip_rcv_core).
  addHelpers(ctx, driver, direction, cut);
  if (options.depth > 1) widen(ctx.graph, driver, cut, options.depth - 1);
  for (const spec of options.expand) expand(ctx.graph, cut, spec, options.depth);
  return cut;
}

/** Driver roles of the functions on the walk: registered ones, and the driver's own on each leg. */
function assignRoles(g: Graph, driver: Driver, chain: Chain, cut: Cut): void {
  for (const [n, role] of chain.roles) cut.roles.set(n, role);
  for (const leg of chain.order) {
    const own = leg.path.nodes.filter((n) => !cut.roles.has(n) && driver.owns(g.file(n)));
    if (leg.row.handsToStack) {
      // The first function after the poll cleans the ring; the one calling the stack hands off.
      const [first] = own;
      const last = own[own.length - 1];
      if (first !== undefined) cut.roles.set(first, 'rx-clean');
      if (last !== undefined && last !== first) cut.roles.set(last, 'rx-handoff');
    } else if (leg.row.schedulesNapi) for (const n of own) cut.roles.set(n, 'irq');
  }
}

function calleesWithin(graph: Graph, from: number, depth: number, limit = 24): Hidden {
  const nodes: number[] = [];
  const edges: number[] = [];
  const seen = new Set<number>([from]);
  let frontier = [from];
  for (let d = 0; d < depth && frontier.length > 0 && nodes.length < limit; d++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const e of graph.outgoing(n)) {
        const m = graph.to(e);
        if (seen.has(m) || nodes.length >= limit) continue;
        seen.add(m);
        nodes.push(m);
        edges.push(e);
        next.push(m);
      }
    }
    frontier = next;
  }
  return { nodes, edges };
}

/** A side branch: the path from the main path to the row's target, and what lies beyond it. */
function addBranch(
  ctx: PresetContext,
  driver: Driver,
  chain: Chain,
  cut: Cut,
  row: BranchRow,
  depth: number,
): void {
  const path = branchPath(ctx, driver, chain, cut, row);
  if (!path) return;
  const off = offPath(path, cut.nodes);
  if (!off) return;
  const target = path.nodes[path.nodes.length - 1] as number;
  if (row.role) cut.roles.set(target, row.role);
  const beyond = beyondTarget(ctx, row, target, depth);
  if (row.open) {
    cut.add(off.nodes, off.edges);
    setCollapsed(cut, target, beyond);
  } else {
    const head = off.nodes[0] as number;
    cut.add([head], off.edges.slice(0, 1));
    setCollapsed(cut, head, {
      nodes: [...off.nodes.slice(1), ...beyond.nodes],
      edges: [...off.edges.slice(1), ...beyond.edges],
    });
  }
}

/** The shortest path from the legs the branch may leave to a target not yet drawn. */
function branchPath(
  ctx: PresetContext,
  driver: Driver,
  chain: Chain,
  cut: Cut,
  row: BranchRow,
): CallPath | undefined {
  const g = ctx.graph;
  const legs = row.from
    ? row.from.map((id) => chain.legs.get(id)).filter((l) => l !== undefined)
    : chain.order;
  const sources = [...new Set(legs.flatMap((l) => l.path.nodes))];
  if (sources.length === 0) return undefined;
  const targets = row.names
    ? ctx.named(row.names)
    : row.role
      ? reachedRole(
          g,
          driver,
          sources.filter((s) => driver.owns(g.file(s))),
          row.role as 'refill' | 'tx-clean',
        )
      : [];
  const fresh = targets.filter((t) => !cut.nodes.has(t));
  if (fresh.length === 0) return undefined;
  const map = ctx.distances(fresh, row.hops);
  const path = bestPathFrom(g, map, sources);
  const foreign = foreignCall(g, driver);
  if (path?.edges.some(foreign))
    return forwardPath(
      g,
      path.nodes[0] as number,
      new Set(fresh),
      row.hops,
      ctx.enter,
      foreign,
      map,
    );
  return path;
}

/** What a branch's target opens onto: paths to the row's `expand` names, else its callees. */
function beyondTarget(ctx: PresetContext, row: BranchRow, target: number, depth: number): Hidden {
  const g = ctx.graph;
  if (!row.expand) return calleesWithin(g, target, depth);
  const beyond: Hidden = { nodes: [], edges: [] };
  const ends: (number | undefined)[] = [];
  for (const x of row.expand) {
    const start = x.from === undefined ? target : ends[x.from];
    const p =
      start === undefined
        ? undefined
        : bestPathFrom(g, ctx.distances(ctx.named(x.names), x.hops), [start]);
    ends.push(p?.nodes[p.nodes.length - 1]);
    if (p) {
      beyond.nodes.push(...p.nodes.slice(1));
      beyond.edges.push(...p.edges);
    }
  }
  return beyond;
}

function setCollapsed(cut: Cut, node: number, hidden: Hidden): void {
  const nodes = [...new Set(hidden.nodes)].filter((n) => n !== node);
  if (nodes.length === 0 && hidden.edges.length === 0) return;
  cut.collapsed.set(node, { nodes, edges: [...new Set(hidden.edges)] });
}

/** Does `n` call an skb operation that moves data, len or tail, or checks the linear length? */
function movesSkb(g: Graph, n: number): boolean {
  for (const e of g.outgoing(n)) {
    const op = findSkbOp(g.name(g.to(e)));
    if (
      op &&
      (op.effect.data || op.effect.len || op.effect.tail || op.lenMeaning === 'linear-bytes')
    )
      return true;
  }
  return false;
}

/** Does `n` allocate an skb or free one after use (SKB_LIFE, drops aside)? */
function allocatesOrFrees(g: Graph, n: number): boolean {
  for (const e of g.outgoing(n)) {
    const row = findSkbLife(g.name(g.to(e)));
    if (row && !row.drop && (row.life === 'alloc' || row.life === 'free')) return true;
  }
  return false;
}

/**
 * Callees that move the skb, and the driver's own that allocate or free one (e1000e's TX
 * completion frees what the NIC has sent in e1000_put_txbuf): nodes of their own, so the
 * skb timeline shows where the packet's life begins and ends.
 */
function addHelpers(ctx: PresetContext, driver: Driver, direction: Direction, cut: Cut): void {
  const g = ctx.graph;
  // The driver's functions that allocate or free skbs, with every drawn call to them: the
  // free in e1000_put_txbuf belongs to the TX completion as much as to e1000_tx_map's error path.
  const life = new Set<number>();
  for (const v of [...cut.main]) {
    if (findSkbOp(g.name(v))) continue;
    for (const e of g.outgoing(v)) {
      const c = g.to(e);
      if (life.has(c) && g.kind(e) === 'direct') cut.add([], [e]);
      // Direct calls only: a pointer call's other targets belong to other drivers or protocols.
      if (
        cut.nodes.has(c) ||
        g.kind(e) !== 'direct' ||
        ctx.enter(c) > 0 ||
        HELPERS_EXCLUDED.has(g.name(c))
      )
        continue;
      const name = g.name(c);
      // An interrupt handler on the egress path (its TX completion) receives too: tulip_interrupt calls tulip_rx.
      if (direction === 'egress' && driver.owns(g.file(c)) && ROLE_NAMES['rx-clean'].test(name))
        continue;
      const stage = classifyStage(name, g.file(c))?.stage;
      const op = findSkbOp(name);
      const own = driver.owns(g.file(c));
      const moves = op
        ? stage !== undefined && !HELPER_STAGES_EXCLUDED.has(stage)
        : (own || (stage !== undefined && !HELPER_STAGES_EXCLUDED.has(stage))) && movesSkb(g, c);
      if (!moves && own && allocatesOrFrees(g, c)) life.add(c);
      if (moves || life.has(c)) cut.add([c], [e]);
    }
  }
}

/** `--depth N`: N more levels of callees around the main path, packet-path functions only. */
function widen(g: Graph, driver: Driver, cut: Cut, levels: number): void {
  let frontier = [...cut.main];
  let added = 0;
  for (let d = 0; d < levels && frontier.length > 0 && added < WIDEN_LIMIT; d++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const e of g.outgoing(n)) {
        const m = g.to(e);
        if (cut.nodes.has(m) || added >= WIDEN_LIMIT) continue;
        const stage = classifyStage(g.name(m), g.file(m))?.stage;
        if (!driver.owns(g.file(m)) && (stage === undefined || HELPER_STAGES_EXCLUDED.has(stage)))
          continue;
        cut.add([m], [e]);
        next.push(m);
        added++;
      }
    }
    frontier = next;
  }
}

/** `--expand NODE`: opens a collapsed node, or shows any node's callees. */
function expand(g: Graph, cut: Cut, spec: string, depth: number): void {
  const matches = [...cut.nodes].filter(
    (n) => g.nodeId(n) === spec || g.name(n) === spec || `${g.file(n)}:${g.name(n)}` === spec,
  );
  if (matches.length === 0) throw new QueryError(`no node ${spec} in this preset to expand`);
  for (const n of matches) {
    const hidden = cut.collapsed.get(n);
    if (hidden) {
      cut.collapsed.delete(n);
      cut.add(hidden.nodes, hidden.edges);
    } else {
      const c = calleesWithin(g, n, depth, 40);
      cut.add(c.nodes, c.edges);
    }
  }
}
