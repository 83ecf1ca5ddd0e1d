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
  BH_DISABLE_CALLS,
  BH_ENABLE_CALLS,
  STAGES,
  bhRegion,
  classifyStage,
  definitionText,
  inBhRegion,
  type BhRegion,
  type BodyCall,
  findSkbOp,
  formatSource,
  functionNote,
  locateSource,
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
import {
  driverWork,
  parseFunctionMacro,
  receiveWork,
  transmitWork,
  type FunctionMacro,
  type WorkFinding,
} from './driver-work';
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
  const context = contexts(ctx, chain, cut, order);
  const stage = stages(g, driver, direction, chain, cut, order);
  const work = workReader(ctx, driver);

  const nodes: GraphNode[] = order.map((n) => {
    const node = nodeJson(g, n);
    node.stage = stage.get(n) ?? 'core';
    const c = context.get(n);
    if (c) {
      node.context = c.context;
      if (c.reason) node.contextReason = c.reason;
    }
    node.note = noteFor(g, chain, cut, n, node.stage, work);
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

/** A node's context and the reason for it (the call and line that decide it). */
interface ContextFinding {
  context: ExecContext;
  reason?: string;
}

const CONTEXT_TITLES: Readonly<Record<ExecContext, string>> = {
  hardirq: 'hard IRQ',
  softirq: 'softirq',
  process: 'process context',
  'bh-disabled': 'bottom halves disabled',
};

/** How strict a context is: several of them on one function combine to the strictest. */
const STRICTNESS: Readonly<Record<ExecContext, number>> = {
  process: 0,
  softirq: 1,
  'bh-disabled': 2,
  hardirq: 3,
};

/** The region of a body where bottom halves are disabled, from its calls in the graph. */
function bhRegionOf(g: Graph, n: number): BhRegion | undefined {
  const calls: BodyCall[] = [];
  for (const e of g.outgoing(n)) {
    const name = g.name(g.to(e));
    if (BH_DISABLE_CALLS.has(name) || BH_ENABLE_CALLS.has(name))
      calls.push({ name, line: g.edgeLine(e) });
  }
  return bhRegion(calls);
}

/**
 * Execution contexts found from the code. Each drawn function collects the contexts it is
 * entered in along the drawn calls: a root's own (the IRQ handler's hard IRQ, tcp_sendmsg's
 * process context), an async edge's handler's (softirq; a work item in process context),
 * and bottom halves disabled for a call its caller makes after a `local_bh_disable()` or
 * `rcu_read_lock_bh()` (BH_DISABLE_CALLS). A function that disables them itself is labelled
 * so by that call. Several contexts on one function combine to the strictest (a qdisc run
 * from __dev_queue_xmit and from net_tx_action has bottom halves disabled either way), and
 * the reason names each. Functions no drawn call reaches take their stage's usual context.
 */
function contexts(
  ctx: PresetContext,
  chain: Chain,
  cut: Cut,
  order: readonly number[],
): Map<number, ContextFinding> {
  const g = ctx.graph;
  const found = new Map<number, Map<ExecContext, string>>();
  const add = (n: number, c: ExecContext, reason: string): boolean => {
    let m = found.get(n);
    if (!m) found.set(n, (m = new Map<ExecContext, string>()));
    if (m.has(c)) return false;
    m.set(c, reason);
    return true;
  };
  const regions = new Map<number, BhRegion | undefined>();
  const regionOf = (n: number): BhRegion | undefined => {
    if (!regions.has(n)) regions.set(n, bhRegionOf(g, n));
    return regions.get(n);
  };
  const bhReason = (n: number, r: BhRegion): string =>
    `bottom halves disabled by ${r.disable.name}() at ${g.file(n)}:${r.disable.line} in ${g.name(n)}`;

  for (const r of chain.roots) {
    const c = r.context ?? classifyStage(g.name(r.node), g.file(r.node))?.context;
    if (c) add(r.node, c, `${g.name(r.node)} starts the path in ${CONTEXT_TITLES[c]}`);
  }
  // What the drawn calls pass on of a long reason: the softirq chain once, then its entry.
  const relay = new Map<string, string>();
  /** One pass over the drawn calls; true when a function gained a context. */
  const propagateOnce = (): boolean => {
    let changed = false;
    for (const n of order) {
      const here = found.get(n);
      if (!here) continue;
      for (const e of drawnOut(g, cut, n)) {
        const m = g.to(e);
        if (g.kind(e) === 'async') {
          const via = g.via(e)?.split(':', 1)[0] ?? 'deferred';
          const reason = `${via} raised by ${g.name(n)} at ${g.file(n)}:${g.edgeLine(e)}`;
          changed = add(m, deferredContext(g.via(e)), reason) || changed;
          continue;
        }
        const region = regionOf(n);
        for (const [c, reason] of [...here]) {
          const off = c === 'process' && inBhRegion(region, g.edgeLine(e)) && region;
          changed =
            (off
              ? add(m, 'bh-disabled', bhReason(n, off))
              : add(m, c, relay.get(reason) ?? reason)) || changed;
        }
      }
    }
    return changed;
  };
  const propagate = (): void => {
    let again = true;
    while (again) again = propagateOnce();
  };
  propagate();
  // Then the softirq the drawing does not show: where the call graph also reaches a drawn
  // function, entered only in process context or with bottom halves off, from a softirq.
  const drawnSoftirq = (n: number): boolean =>
    found.get(n)?.has('softirq') === true || found.get(n)?.has('hardirq') === true;
  for (const [n, reason, short] of softirqEntries(ctx, cut, order, drawnSoftirq)) {
    add(n, 'softirq', reason);
    relay.set(reason, short);
  }
  propagate();

  const out = new Map<number, ContextFinding>();
  for (const n of order) {
    const m = found.get(n);
    if (!m) {
      // No drawn call brings it a context: its stage rule's, with the place that backs it.
      const rule = classifyStage(g.name(n), g.file(n));
      if (rule?.context)
        out.set(n, {
          context: rule.context,
          reason: `${CONTEXT_TITLES[rule.context]} by its stage rule: ${formatSource(
            locateSource(rule.source, ctx.readText),
          )}`,
        });
      continue;
    }
    // A function entered in process context that disables bottom halves itself, and whose
    // drawn continuation runs inside that region (__dev_queue_xmit, not a brief _bh lock).
    const own = regionOf(n);
    const through = drawnOut(g, cut, n).some((e) => inBhRegion(own, g.edgeLine(e)));
    if (m.has('process') && own && through && !m.has('bh-disabled')) {
      m.set(
        'bh-disabled',
        `bottom halves disabled by its own ${own.disable.name}() at ${g.file(n)}:${own.disable.line}`,
      );
      m.delete('process');
    }
    const entries = [...m].sort((a, b) => STRICTNESS[b[0]] - STRICTNESS[a[0]]);
    const [first] = entries;
    if (!first) continue;
    let context = first[0];
    // Entered both from process and from softirq: it must be written as bottom-half code.
    if (context === 'softirq' && m.has('process')) context = 'bh-disabled';
    out.set(n, { context, reason: entries.map(([, r]) => r).join('; ') });
  }
  return out;
}

/**
 * The drawn functions the call graph also reaches from a networking softirq's handler
 * (PresetContext.softirqReach) where the drawing does not show it (`drawnSoftirq` false):
 * each one no drawn caller of which is reached, with the chain from the handler, each call with its line
 * (`entered from NET_RX softirq: net_rx_action → napi_poll (net/core/dev.c:7048) ⇢ ...`,
 * ⇢ for a call through a pointer), and the shorter reason its drawn callees inherit.
 */
function softirqEntries(
  ctx: PresetContext,
  cut: Cut,
  order: readonly number[],
  drawnSoftirq: (n: number) => boolean,
): [node: number, reason: string, short: string][] {
  const g = ctx.graph;
  const reach = ctx.softirqReach();
  const out: [number, string, string][] = [];
  for (const n of order) {
    if (!reach.has(n) || drawnSoftirq(n)) continue;
    let drawnCallerReached = false;
    for (const e of g.incoming(n))
      if (cut.edges.has(e) && cut.nodes.has(g.from(e)) && reach.has(g.from(e)))
        drawnCallerReached = true;
    if (drawnCallerReached) continue;
    const found = ctx.softirqChain(n);
    if (!found || found.edges.length === 0) continue;
    const hops = found.edges.map(
      (e) =>
        `${g.kind(e) === 'indirect' ? '⇢' : '→'} ${g.name(g.to(e))} (${g.file(g.from(e))}:${g.edgeLine(e)})`,
    );
    const label = found.entry.label;
    out.push([
      n,
      `entered from ${label}: ${found.entry.name} ${hops.join(' ')}`,
      `entered from ${label} through ${g.name(n)}`,
    ]);
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
  // Rows that name their lane (rows.ts `lane`): the functions their paths add, but for the
  // driver's role functions, which keep their stage (an XDP run's path passes the RX clean).
  for (const leg of chain.order) {
    const lane = leg.row.lane;
    if (lane === undefined) continue;
    const added = leg.row.root || leg.restarted ? leg.path.nodes : leg.path.nodes.slice(1);
    for (const n of added) if (!out.has(n) && !cut.roles.has(n)) out.set(n, lane);
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

/** What a drawn driver function does, read from its body (and, for the fields it fills in the skb, its own helpers'). */
type WorkOf = (n: number) => WorkFinding[] | undefined;

function workReader(ctx: PresetContext, driver: Driver): WorkOf {
  const g = ctx.graph;
  const cache = new Map<number, WorkFinding[] | undefined>();
  const macroCache = new Map<number, FunctionMacro | undefined>();
  const macroOf = (m: number): FunctionMacro | undefined => {
    if (!macroCache.has(m)) {
      const text = ctx.readText?.(g.file(m));
      const def = text === undefined ? undefined : definitionText(text, g.name(m));
      macroCache.set(m, def ? parseFunctionMacro(def.body) : undefined);
    }
    return macroCache.get(m);
  };
  /** The driver's own function-like macros a body calls, and those they call in turn. */
  const macrosCalledBy = (n: number): Map<string, FunctionMacro> => {
    const out = new Map<string, FunctionMacro>();
    const visit = (from: number, depth: number): void => {
      for (const e of g.outgoing(from)) {
        const m = g.to(e);
        if (!g.isMacro(m) || !driver.owns(g.file(m)) || out.has(g.name(m))) continue;
        const macro = macroOf(m);
        if (!macro) continue;
        out.set(macro.name, macro);
        if (depth < 3) visit(m, depth + 1);
      }
    };
    visit(n, 0);
    return out;
  };
  const own = (n: number): WorkFinding[] | undefined => {
    if (!cache.has(n)) {
      const text = ctx.readText?.(g.file(n));
      const def = text === undefined ? undefined : definitionText(text, g.name(n));
      cache.set(n, def ? driverWork(def.body, def.firstLine, macrosCalledBy(n)) : undefined);
    }
    return cache.get(n);
  };
  return (n) => {
    const found = own(n);
    if (!found) return undefined;
    // What the function does through helpers of the driver's own: the skb fields a hand-off
    // helper fills (ixgbe_rx_checksum), the doorbell a transmit function rings through a
    // helper (rtl8169_doorbell).
    const wanted = (kind: WorkFinding['kind']): boolean =>
      !found.some((x) => x.kind === kind) &&
      ((RECEIVE_FIELDS.has(kind) && found.some((f) => RECEIVE_FIELDS.has(f.kind))) ||
        (kind === 'doorbell' && found.some((f) => TRANSMIT_KINDS.has(f.kind))));
    const more: WorkFinding[] = [];
    for (const e of g.outgoing(n)) {
      const m = g.to(e);
      if (g.isMacro(m) || !driver.owns(g.file(m))) continue;
      for (const f of own(m) ?? [])
        if (wanted(f.kind) && !more.some((x) => x.kind === f.kind))
          more.push({ ...f, what: `${g.name(m)}: ${f.what}` });
    }
    return [...found, ...more];
  };
}

/** Work that shows a transmit function: its doorbell may be rung by a helper it calls. */
const TRANSMIT_KINDS: ReadonlySet<string> = new Set(['bql', 'xmit-more', 'descriptors', 'dma-map']);

const RECEIVE_FIELDS: ReadonlySet<string> = new Set([
  'hash',
  'checksum',
  'vlan',
  'rx-queue',
  'protocol',
]);

function capital(s: string): string {
  return `${s[0]?.toUpperCase() ?? ''}${s.slice(1)}`;
}

/** `calls e1000_tx_map, e1000_tx_queue and writel`: what a function with no telling work calls. */
function callsText(g: Graph, n: number): string | undefined {
  const names: string[] = [];
  for (const e of [...g.outgoing(n)].sort((a, b) => byCallOrder(g, a, b))) {
    const name = g.name(g.to(e));
    if (!names.includes(name)) names.push(name);
  }
  if (names.length === 0) return undefined;
  const shown = names.slice(0, 4);
  const rest = names.length - shown.length;
  return `it calls ${shown.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

function noteFor(g: Graph, chain: Chain, cut: Cut, n: number, stage: Stage, work: WorkOf): string {
  const name = g.name(n);
  const role = cut.roles.get(n);
  const findings = stage.startsWith('driver-') || role ? work(n) : undefined;
  const tx = findings && transmitWork(findings);
  const rx = findings && receiveWork(findings);
  if (role) {
    const site = chain.sites.get(n);
    const text = ROLE_NOTES[role];
    const base = site ? text.replace('SITE', site) : text.replace(/,? registered SITE/, '');
    // The transmit and hand-off roles say what the body does, read from it.
    // Read but showing no transmit work: say what it calls; not read: the role's note.
    const calls = findings ? callsText(g, n) : undefined;
    if (role === 'xmit')
      return tx || calls ? base.replace(/: [^:]*$/, `: ${tx ?? calls ?? ''}.`) : base;
    if (role === 'tx-ring')
      return tx
        ? `${capital(tx)}.`
        : calls
          ? `A step of the driver's TX ring work, found by its name: ${calls}.`
          : base;
    if (role === 'rx-handoff') return rx ? `${capital(rx)}.` : base;
    return base;
  }
  const known = functionNote(name)?.note ?? classifyStage(name, g.file(n))?.note;
  if (known) return known;
  const op = findSkbOp(name);
  if (op) return `${op.summary[0]?.toUpperCase() ?? ''}${op.summary.slice(1)}.`;
  const info = STAGE_INFO.get(stage);
  if (stage.startsWith('driver-')) {
    const did = stage === 'driver-tx' ? (tx ?? rx) : (rx ?? tx);
    const helper = DRIVER_HELPER_NOTE.replace(
      'SIDE',
      stage === 'driver-irq'
        ? 'interrupt handling'
        : stage === 'driver-rx'
          ? 'receive path'
          : 'transmit path',
    );
    const calls = callsText(g, n);
    return did ? `${capital(did)}.` : calls ? `${helper.replace(/\.$/, '')}: ${calls}.` : helper;
  }
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
