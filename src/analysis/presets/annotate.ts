// The annotation of a preset: reads the cut (cut.ts) and writes the graph JSON with, on
// every node, a stage, an execution context and a note; the skb timeline (skb-timeline.ts)
// and the netfilter hook points. It adds no function.
//
// Invariants: node and edge order follow the packet (a depth-first walk from the roots in
// call order); every indirect edge keeps its `via`; files are read through `ReadText` only.

import type { Graph } from '../index/graph';
import type { ExecContext, GraphEdge, GraphJson, GraphNode, Stage } from '../graph-json';
import { DEFERRED_MECHANISMS } from '../index/kernel-idioms';
import {
  STAGES,
  classifyStage,
  findSkbOp,
  functionNote,
  hooksInvokedBy,
  scanHookCalls,
  type HookCallSite,
} from '../knowledge';
import { edgeJson, nodeJson } from '../query/query';
import type { Chain } from './chain';
import type { PresetContext } from './context';
import type { Cut } from './cut';
import type { Driver } from './drivers';
import {
  DRIVER_HELPER_NOTE,
  ROLE_NOTES,
  ROLE_STAGES,
  STAGE_FALLBACK_NOTE,
  type Direction,
} from './rows';
import { skbTimeline } from './skb-timeline';

const STAGE_INFO = new Map(STAGES.map((s) => [s.id, s]));

export function annotate(
  ctx: PresetContext,
  driver: Driver,
  direction: Direction,
  chain: Chain,
  cut: Cut,
): GraphJson {
  const g = ctx.graph;
  const order = packetOrder(g, chain, cut);
  const context = contexts(g, chain, cut, order);
  const stage = stages(g, driver, direction, chain, cut, order);

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
  json.skb = skbTimeline(ctx, chain, cut);
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
  chain: Chain,
  cut: Cut,
  order: readonly number[],
): Map<number, Stage> {
  const out = new Map<number, Stage>();
  // Rows that name their lane (rows.ts `lane`): the functions their paths add.
  for (const leg of chain.order) {
    const lane = leg.row.lane;
    if (lane === undefined) continue;
    const added = leg.row.root || leg.restarted ? leg.path.nodes : leg.path.nodes.slice(1);
    for (const n of added) if (!out.has(n)) out.set(n, lane);
  }
  for (const n of order) {
    if (out.has(n)) continue;
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
