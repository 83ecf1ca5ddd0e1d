// The annotated packet-path presets: `netpaths ingress|egress --driver NAME`. A preset is a
// focused graph cut from the real call graph: the milestone paths (chain.ts), the side
// branches collapsed into one node each, the helpers that move the skb, and on every node a
// stage, an execution context and a note; plus the skb timeline and netfilter markers.
//
// Invariants: pure (files are read through `ReadText`); every hop between two milestones is
// kept; every indirect edge keeps its `via`; node and edge order follow the packet.

import type { Graph } from '../index/graph';
import type { ExecContext, GraphEdge, GraphJson, GraphNode, SkbOp, Stage } from '../graph-json';
import { DEFERRED_MECHANISMS } from '../index/kernel-idioms';
import {
  STAGES,
  classifyStage,
  findSkbOp,
  functionNote,
  hooksInvokedBy,
  scanHookCalls,
  skbOpEffect,
  type HookCallSite,
} from '../knowledge';
import { QueryError, edgeArgs, edgeJson, nodeJson } from '../query/query';
import { type Chain, foreignCall, offPath, walkChain } from './chain';
import type { PresetContext } from './context';
import { type Driver, findDriver, reachedRole, unknownDriverMessage } from './drivers';
import {
  DRIVER_HELPER_NOTE,
  EGRESS,
  EGRESS_BRANCHES,
  HELPER_STAGES_EXCLUDED,
  HELPERS_EXCLUDED,
  INGRESS,
  INGRESS_BRANCHES,
  INGRESS_LEGACY,
  ROLE_NAMES,
  ROLE_NOTES,
  ROLE_STAGES,
  STAGE_FALLBACK_NOTE,
  WIDEN_LIMIT,
  type BranchRow,
  type Direction,
  type DriverRole,
  type MilestoneRow,
} from './rows';
import { bestPathFrom, forwardPath } from './search';

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

/** A collapsed node's hidden part. */
interface Hidden {
  nodes: number[];
  edges: number[];
}

/** The graph being assembled: nodes and edges in insertion order, plus what is collapsed. */
class Cut {
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

/** Builds the preset graph for one driver and direction. */
export function buildPreset(
  ctx: PresetContext,
  driverName: string,
  direction: Direction,
  options: PresetOptions = {},
): GraphJson {
  const g = ctx.graph;
  const driver = requireDriver(ctx, driverName);
  const depth = options.depth ?? 1;
  const rows = PRESET_ROWS[direction];
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

  const cut = new Cut();
  for (const leg of chain.order) {
    cut.add(leg.path.nodes, leg.path.edges);
    for (const n of leg.path.nodes) cut.main.add(n);
  }
  for (const r of chain.roots) cut.rootContext.set(r.node, r.context);
  assignRoles(g, driver, chain, cut);

  // Side branches: the first call off the main path, collapsed (or the path drawn open).
  for (const b of rows.branches) addBranch(ctx, driver, chain, cut, b, depth);
  // Callees that move the skb get nodes of their own (eth_type_trans, ip_rcv_core).
  addHelpers(ctx, driver, direction, cut);
  if (depth > 1) widen(g, driver, cut, depth - 1);
  for (const spec of options.expand ?? []) expand(g, cut, spec, depth);

  return annotate(ctx, driver, direction, chain, cut);
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

function addBranch(
  ctx: PresetContext,
  driver: Driver,
  chain: Chain,
  cut: Cut,
  row: BranchRow,
  depth: number,
): void {
  const g = ctx.graph;
  const legs = row.from
    ? row.from.map((id) => chain.legs.get(id)).filter((l) => l !== undefined)
    : chain.order;
  const sources = [...new Set(legs.flatMap((l) => l.path.nodes))];
  if (sources.length === 0) return;
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
  if (fresh.length === 0) return;
  const map = ctx.distances(fresh, row.hops);
  let path = bestPathFrom(g, map, sources);
  const foreign = foreignCall(g, driver);
  if (path?.edges.some(foreign))
    path = forwardPath(
      g,
      path.nodes[0] as number,
      new Set(fresh),
      row.hops,
      ctx.enter,
      foreign,
      map,
    );
  if (!path) return;
  const off = offPath(path, cut.nodes);
  if (!off) return;
  const target = path.nodes[path.nodes.length - 1] as number;
  if (row.role) cut.roles.set(target, row.role);
  // What the target opens onto: paths to the expand names, else its callees.
  const beyond: Hidden = { nodes: [], edges: [] };
  if (row.expand) {
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
  } else {
    const c = calleesWithin(g, target, depth);
    beyond.nodes.push(...c.nodes);
    beyond.edges.push(...c.edges);
  }
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

function addHelpers(ctx: PresetContext, driver: Driver, direction: Direction, cut: Cut): void {
  const g = ctx.graph;
  for (const v of [...cut.main]) {
    if (findSkbOp(g.name(v))) continue;
    for (const e of g.outgoing(v)) {
      const c = g.to(e);
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
      const worthy = op
        ? stage !== undefined && !HELPER_STAGES_EXCLUDED.has(stage)
        : (driver.owns(g.file(c)) || (stage !== undefined && !HELPER_STAGES_EXCLUDED.has(stage))) &&
          movesSkb(g, c);
      if (worthy) cut.add([c], [e]);
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

// ---------------------------------------------------------------------------------------
// Annotation.

const STAGE_INFO = new Map(STAGES.map((s) => [s.id, s]));

function annotate(
  ctx: PresetContext,
  driver: Driver,
  direction: Direction,
  chain: Chain,
  cut: Cut,
): GraphJson {
  const g = ctx.graph;
  const order = packetOrder(g, chain, cut);
  const context = contexts(g, chain, cut, order);
  const stage = stages(g, driver, direction, cut, order);

  const nodes: GraphNode[] = order.map((n) => {
    const node = nodeJson(g, n);
    node.stage = stage.get(n) ?? 'core';
    const c = context.get(n);
    if (c) node.context = c;
    node.note = noteFor(g, chain, cut, n, node.stage);
    const hidden = cut.collapsed.get(n);
    if (hidden) {
      const count = hidden.nodes.filter((h) => !cut.nodes.has(h)).length;
      if (count > 0) node.collapsed = { hidden: count };
    }
    return node;
  });
  const position = new Map(order.map((n, i) => [n, i]));
  const edges: GraphEdge[] = [...cut.edges]
    .filter((e) => cut.nodes.has(g.from(e)) && cut.nodes.has(g.to(e)))
    .sort(
      (a, b) =>
        (position.get(g.from(a)) ?? 0) - (position.get(g.from(b)) ?? 0) ||
        g.edgeLine(a) - g.edgeLine(b),
    )
    .map((e) => edgeJson(g, e));
  const json: GraphJson = { title: `${driver.name} ${direction}`, nodes, edges };
  json.skb = timeline(g, chain, cut);
  json.markers = markers(ctx, order);
  return json;
}

/**
 * Call order of two call sites in one body: by line; on one line the later column first,
 * since `napi_skb_finish(napi, skb, dev_gro_receive(napi, skb))` runs the inner call first.
 */
function byCallOrder(g: Graph, a: number, b: number): number {
  return g.edgeLine(a) - g.edgeLine(b) || g.edgeCol(b) - g.edgeCol(a);
}

/** Outgoing drawn edges of a node in call order. */
function drawnOut(g: Graph, cut: Cut, n: number): number[] {
  const out: number[] = [];
  for (const e of g.outgoing(n)) if (cut.edges.has(e) && cut.nodes.has(g.to(e))) out.push(e);
  return out.sort((a, b) => byCallOrder(g, a, b));
}

/**
 * The order a packet meets the functions: a depth-first walk from the roots that follows
 * each function's calls in source order, so a branch called before the main continuation
 * (the poll's TX clean before its RX clean) comes first.
 */
function packetOrder(g: Graph, chain: Chain, cut: Cut): number[] {
  const order: number[] = [];
  const seen = new Set<number>();
  const visit = (n: number): void => {
    const stack: { n: number; out: number[]; i: number }[] = [];
    const push = (m: number): void => {
      seen.add(m);
      order.push(m);
      stack.push({ n: m, out: drawnOut(g, cut, m), i: 0 });
    };
    push(n);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { n: number; out: number[]; i: number };
      if (top.i >= top.out.length) {
        stack.pop();
        continue;
      }
      const m = g.to(top.out[top.i++] as number);
      if (!seen.has(m)) push(m);
    }
  };
  for (const r of chain.roots) if (!seen.has(r.node)) visit(r.node);
  for (const n of cut.nodes) if (!seen.has(n)) visit(n);
  return order;
}

/** Where the handler of an async edge runs, by the mechanism its `via` names first (`work ...`). */
function deferredContext(via: string | undefined): ExecContext {
  const label = via?.split(' ', 1)[0];
  return DEFERRED_MECHANISMS.find((m) => m.label === label)?.runsIn ?? 'softirq';
}

/**
 * Execution contexts from the path: a root's own (the IRQ handler's hardirq, tcp_sendmsg's
 * process), carried along calls and switched by an async edge to where its handler runs
 * (softirq; a work item in process context).
 * Main-path edges are followed first, so a branch never decides a main-path function.
 */
function contexts(
  g: Graph,
  chain: Chain,
  cut: Cut,
  order: readonly number[],
): Map<number, ExecContext> {
  const out = new Map<number, ExecContext>();
  const mainEdges = new Set(chain.order.flatMap((l) => l.path.edges));
  const spread = (edgeOk: (e: number) => boolean): void => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const n of order) {
        const c = out.get(n);
        if (!c) continue;
        for (const e of drawnOut(g, cut, n)) {
          if (!edgeOk(e)) continue;
          const m = g.to(e);
          if (out.has(m)) continue;
          out.set(m, g.kind(e) === 'async' ? deferredContext(g.via(e)) : c);
          changed = true;
        }
      }
    }
  };
  for (const r of chain.roots) {
    const c = r.context ?? classifyStage(g.name(r.node), g.file(r.node))?.context;
    if (c && !out.has(r.node)) out.set(r.node, c);
  }
  spread((e) => mainEdges.has(e));
  spread(() => true);
  for (const n of order) {
    if (out.has(n)) continue;
    const c = classifyStage(g.name(n), g.file(n))?.context;
    if (c) out.set(n, c);
  }
  return out;
}

function stages(
  g: Graph,
  driver: Driver,
  direction: Direction,
  cut: Cut,
  order: readonly number[],
): Map<number, Stage> {
  const out = new Map<number, Stage>();
  for (const n of order) {
    const role = cut.roles.get(n);
    if (role) out.set(n, ROLE_STAGES[role]);
    else if (!driver.owns(g.file(n))) {
      const s = classifyStage(g.name(n), g.file(n))?.stage;
      if (s) out.set(n, s);
    }
  }
  // The rest inherit from their caller on the drawing (driver helpers, unclassified core code).
  for (let pass = 0; pass < 3; pass++) {
    for (const n of order) {
      if (out.has(n)) continue;
      for (const e of g.incoming(n)) {
        const s = cut.edges.has(e) ? out.get(g.from(e)) : undefined;
        if (s) {
          out.set(n, s);
          break;
        }
      }
    }
  }
  for (const n of order)
    if (!out.has(n))
      out.set(
        n,
        driver.owns(g.file(n)) ? (direction === 'ingress' ? 'driver-rx' : 'driver-tx') : 'core',
      );
  return out;
}

function noteFor(g: Graph, chain: Chain, cut: Cut, n: number, stage: Stage): string {
  const name = g.name(n);
  const role = cut.roles.get(n);
  if (role) {
    const site = chain.sites.get(n);
    const text = ROLE_NOTES[role];
    return site ? text.replace('SITE', site) : text.replace(/,? registered SITE/, '');
  }
  const known = functionNote(name)?.note ?? classifyStage(name, g.file(n))?.note;
  if (known) return known;
  const op = findSkbOp(name);
  if (op) return `${op.summary[0]?.toUpperCase() ?? ''}${op.summary.slice(1)}.`;
  const info = STAGE_INFO.get(stage);
  if (stage.startsWith('driver-'))
    return DRIVER_HELPER_NOTE.replace(
      'SIDE',
      stage === 'driver-irq'
        ? 'interrupt handling'
        : stage === 'driver-rx'
          ? 'receive path'
          : 'transmit path',
    );
  return STAGE_FALLBACK_NOTE.replace('STAGE', info?.label ?? stage).replace(
    'NOTE',
    info?.note ?? 'on the packet path.',
  );
}

/** The skb timeline: every skb operation the drawn functions call, in packet order. */
function timeline(g: Graph, chain: Chain, cut: Cut): SkbOp[] {
  const ops: SkbOp[] = [];
  const seen = new Set<number>();
  const visit = (start: number): void => {
    // Depth-first in call order: a function's operations and the calls it makes, by line.
    const stack: {
      items: { line: number; col: number; e: number; op: boolean }[];
      i: number;
      n: number;
    }[] = [];
    const push = (n: number): void => {
      seen.add(n);
      const items: { line: number; col: number; e: number; op: boolean }[] = [];
      if (!findSkbOp(g.name(n))) {
        for (const e of g.outgoing(n)) {
          const c = g.to(e);
          const isOp = findSkbOp(g.name(c)) !== undefined;
          if (isOp || (cut.edges.has(e) && cut.nodes.has(c)))
            items.push({ line: g.edgeLine(e), col: g.edgeCol(e), e, op: isOp });
        }
      }
      items.sort((a, b) => a.line - b.line || b.col - a.col);
      stack.push({ items, i: 0, n });
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.i >= top.items.length) {
        stack.pop();
        continue;
      }
      const item = top.items[top.i++] as { line: number; col: number; e: number; op: boolean };
      if (item.op) {
        ops.push(skbOp(g, item.e));
        continue;
      }
      const c = g.to(item.e);
      if (!seen.has(c)) push(c);
    }
  };
  for (const r of chain.roots) if (!seen.has(r.node)) visit(r.node);
  for (const n of cut.nodes) if (!seen.has(n)) visit(n);
  return ops;
}

function skbOp(g: Graph, e: number): SkbOp {
  const from = g.from(e);
  const op = g.name(g.to(e));
  const row = findSkbOp(op);
  const args = edgeArgs(g, e);
  const given = row?.lenArg !== undefined ? args?.[row.lenArg] : undefined;
  const len = given ?? row?.fixedLen ?? '';
  return {
    node: g.nodeId(from),
    op,
    len,
    file: g.file(from),
    line: g.edgeLine(e),
    effect: skbOpEffect(op, given) ?? '',
  };
}

/** Netfilter hook points the drawn functions run, read from their source when it can be. */
function markers(ctx: PresetContext, order: readonly number[]): { node: string; label: string }[] {
  const g = ctx.graph;
  const scanned = new Map<string, HookCallSite[] | undefined>();
  const out: { node: string; label: string }[] = [];
  for (const n of order) {
    const file = g.file(n);
    const name = g.name(n);
    if (!scanned.has(file)) {
      const text = /^(?:net|include)\//.test(file) ? ctx.readText?.(file) : undefined;
      scanned.set(file, text === undefined ? undefined : scanHookCalls(text));
    }
    const sites = scanned.get(file);
    const hooks = sites
      ? sites.filter((s) => s.function === name).map((s) => s.hook)
      : hooksInvokedBy(name)
          .filter((r) => r.file === file)
          .map((r) => r.hook);
    for (const hook of new Set(hooks)) out.push({ node: g.nodeId(n), label: hook });
  }
  return out;
}
