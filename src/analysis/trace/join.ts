// The join: a trace's events on the static graph. Each event's function is mapped to its
// definition, and each packet's functions are joined in order:
// - where the tracer gave nesting (function_graph, stacks, `func <-parent`), an event is
//   joined from the function that called it;
// - otherwise from an earlier function of the same packet, among the last LOOKBACK: the
//   nearest one that calls it, else the one the fewest calls away (the nearest of equals).
//   A tracer lists calls as they happen and a function returns before the next is called,
//   so `ip_local_deliver` after `ip_rcv_finish, ip_route_input_slow, fib_validate_source`
//   joins `ip_rcv_finish`, which reached it through `dst_input`.
// A call edge between the two is `observed`; otherwise the best static path under `path`'s
// ranking (bestPaths) within `maxGap` calls, whose hops are `inferred`; beyond that a `gap`.
// A drop ends its packet's path: the free's own work after it is listed, not drawn.

import type {
  GraphEdge,
  GraphJson,
  GraphNode,
  TraceDrop,
  TraceLink,
  TraceStep,
  TraceSummary,
} from '../graph-json';
import type { Graph } from '../index/graph';
import { fileTier } from '../index/kernel-layout';
import { bestPaths } from '../query/paths';
import { edgeJson, nodeJson } from '../query/query';
import type { DropReasons } from './dropreason';
import { findDropReason } from './dropreason';
import type { TraceEvent, TraceRead } from './events';
import { FORMAT_TITLES } from './events';
import type { TraceName } from './names';
import { Reach } from './reach';
import { FREE_WORK } from './skb-life';

export interface JoinOptions {
  /** The most calls an inferred join may take (`--max-gap`). */
  maxGap: number;
  /** The tree's drop reasons (dropreason.ts), for the meaning of each drop. */
  dropReasons?: DropReasons;
  /** The inputs' names, in the order read. */
  inputNames?: readonly string[];
}

/** The default of `--max-gap`. */
export const DEFAULT_MAX_GAP = 8;
/** How many earlier functions of a packet an event may be joined from. */
export const LOOKBACK = 24;
/** How many paths a join on one stack looks through for one without a deferral. */
const SYNCHRONOUS_TRIES = 4;

const UNDEFINED_REASON =
  'not defined in the indexed tree (another kernel version, a module outside the indexed scope, or generated code)';

/** Why a printed name is no function to look up. */
function notSymbolReason(fn: TraceName): string {
  if (/^0x[0-9a-f]+$/i.test(fn.raw)) return 'an address without a symbol name';
  if (/\((?:tc|xdp)\)$/.test(fn.raw)) return 'a BPF program, not a kernel function';
  return 'not a C function name';
}

/** Whether a file belongs to a module the trace names (`[ixgbe]`, `[virtio_net]`). */
function inModule(file: string, module: string): boolean {
  const norm = (s: string): string => s.replace(/-/g, '_');
  const m = norm(module);
  const parts = file.split('/');
  const base = norm((parts[parts.length - 1] ?? '').replace(/\.[ch]$/, ''));
  return base === m || parts.slice(0, -1).some((p) => norm(p) === m);
}

type Resolved = { nodes: number[] } | { reason: string };

/** The outcome of joining one function to another. */
interface Join {
  link: TraceLink;
  /** Graph edges of the join, in call order (one for `observed`, the path's for `inferred`). */
  edges: number[];
  /** The functions between, in call order (inferred ones). */
  through: number[];
}

class TraceJoin {
  private readonly reach: Reach;
  private readonly resolved = new Map<string, Resolved>();
  private readonly pairs = new Map<string, Join | null>();
  /** Pairs joined only through a deferral, which one stack cannot hold. */
  private readonly deferredOnly = new Set<string>();
  private readonly ids = new Map<number, string>();
  private readonly calls = new Map<number, boolean>();
  private readonly distances = new Map<number, number | undefined>();
  /** The node each event was mapped to (by seq). */
  private readonly chosen = new Map<number, number>();

  constructor(
    private readonly graph: Graph,
    private readonly options: JoinOptions,
  ) {
    this.reach = new Reach(graph, options.maxGap);
  }

  nodeId(n: number): string {
    let id = this.ids.get(n);
    if (id === undefined) {
      id = this.graph.nodeId(n);
      this.ids.set(n, id);
    }
    return id;
  }

  /** The definitions a printed name may be: filtered by the file and module the trace names. */
  resolve(fn: TraceName, site?: { file: string; line: number }): Resolved {
    const key = `${fn.raw}\u0000${site ? `${site.file}:${site.line}` : ''}`;
    let r = this.resolved.get(key);
    if (r) return r;
    r = this.resolveUncached(fn, site);
    this.resolved.set(key, r);
    return r;
  }

  private resolveUncached(fn: TraceName, site?: { file: string; line: number }): Resolved {
    if (!fn.symbol) return { reason: notSymbolReason(fn) };
    let nodes = this.graph.lookup(fn.name);
    if (nodes.length === 0) return { reason: UNDEFINED_REASON };
    if (site) {
      const inFile = nodes.filter((n) => this.graph.file(n) === site.file);
      const before = inFile.filter((n) => this.graph.line(n) <= site.line);
      if (before.length > 0) {
        const line = Math.max(...before.map((n) => this.graph.line(n)));
        nodes = before.filter((n) => this.graph.line(n) === line);
      } else if (inFile.length > 0) nodes = inFile;
    }
    if (fn.module) {
      const module = fn.module;
      const ofModule = nodes.filter((n) => inModule(this.graph.file(n), module));
      if (ofModule.length > 0) nodes = ofModule;
    }
    return { nodes };
  }

  /** Whether `from` calls `to`, asked once per pair: a trace asks again and again. */
  hasEdge(from: number, to: number): boolean {
    const key = from * this.graph.nodeCount + to;
    let known = this.calls.get(key);
    if (known === undefined) {
      known = false;
      for (const e of this.graph.outgoing(from)) if (this.graph.to(e) === to) known = true;
      this.calls.set(key, known);
    }
    return known;
  }

  /**
   * Picks one definition for each event with several: the one a neighbouring event (the
   * caller, the previous or next event of its packet) connects to, then the kernel that
   * runs here before other architectures and tools/, then a function before a macro.
   */
  choose(events: readonly TraceEvent[], candidates: Map<number, number[]>): void {
    const bySeq = new Map(events.map((e) => [e.seq, e]));
    events.forEach((e, i) => {
      const c = candidates.get(e.seq);
      if (!c || c.length === 0) return;
      if (c.length === 1) {
        this.chosen.set(e.seq, c[0] as number);
        return;
      }
      const parent = e.parent !== undefined ? bySeq.get(e.parent) : undefined;
      const prev = parent ?? events[i - 1];
      const before = prev ? this.chosen.get(prev.seq) : undefined;
      const next = events[i + 1];
      const after = next ? candidates.get(next.seq) : undefined;
      const score = (n: number): number =>
        (before !== undefined && this.hasEdge(before, n) ? 4 : 0) +
        (after?.some((m) => this.hasEdge(n, m)) ? 2 : 0) -
        fileTier(this.graph.file(n)) * 0.1 -
        (this.graph.isMacro(n) ? 0.05 : 0);
      let best = c[0] as number;
      for (const n of c) if (score(n) > score(best)) best = n;
      this.chosen.set(e.seq, best);
    });
  }

  fileOf(n: number): string {
    return this.graph.file(n);
  }

  node(seq: number): number | undefined {
    return this.chosen.get(seq);
  }

  /**
   * Joins `from` to `to`: a call edge, else the best path within the limit, else null. A
   * `synchronous` join (the two were on one stack) takes no deferred call: of the best
   * paths, the first without one.
   */
  join(from: number, to: number, how: { line?: number; synchronous?: boolean } = {}): Join | null {
    const key = `${from},${to},${how.line ?? ''},${how.synchronous ? 's' : ''}`;
    if (this.pairs.has(key)) return this.pairs.get(key) ?? null;
    let found: Join | null = null;
    const direct = this.edge(from, to, how.line);
    if (direct !== undefined) found = { link: 'observed', edges: [direct], through: [] };
    else if (from !== to && this.reach.distance(from, to) !== undefined) {
      found = this.inferred(from, to, 1, how.synchronous ?? false);
      if (!found && how.synchronous) found = this.inferred(from, to, SYNCHRONOUS_TRIES, true);
      if (!found) this.deferredOnly.add(`${from},${to}`);
    }
    this.pairs.set(key, found);
    return found;
  }

  /** The best of up to `tries` paths (the first without a deferral when `synchronous`). */
  private inferred(from: number, to: number, tries: number, synchronous: boolean): Join | null {
    const best = bestPaths(this.graph, [from], new Set([to]), {
      maxDepth: this.options.maxGap,
      paths: tries,
    });
    let at = 0;
    for (const path of best.paths) {
      const edges = best.edges.slice(at, at + path.length - 1);
      at += path.length - 1;
      if (synchronous && edges.some((e) => this.graph.kind(e) === 'async')) continue;
      return { link: 'inferred', edges, through: path.slice(1, -1) };
    }
    return null;
  }

  /** Why `from` and `to` are not joined: for the gap's text. */
  gapReason(from: number, to: number): string {
    return this.deferredOnly.has(`${from},${to}`)
      ? `no call path within ${this.options.maxGap} calls on one stack (only through a deferral)`
      : `no call path within ${this.options.maxGap} calls`;
  }

  /** Calls apart, for ranking the functions an event may be joined from. */
  distance(from: number, to: number): number | undefined {
    if (this.hasEdge(from, to)) return 1;
    if (from === to) return undefined;
    const key = from * this.graph.nodeCount + to;
    if (!this.distances.has(key)) this.distances.set(key, this.reach.distance(from, to));
    return this.distances.get(key);
  }

  /** The call edge from `from` to `to`: at `line` when the trace says where, else a plain call first. */
  private edge(from: number, to: number, line?: number): number | undefined {
    let best: number | undefined;
    for (const e of this.graph.outgoing(from)) {
      if (this.graph.to(e) !== to) continue;
      if (line !== undefined && this.graph.edgeLine(e) === line) return e;
      if (
        best === undefined ||
        (this.graph.kind(e) === 'direct' && this.graph.kind(best) !== 'direct')
      )
        best = e;
    }
    return best;
  }
}

/** The events of each packet, packets in the order they first appear. */
function packetsOf(events: readonly TraceEvent[]): Map<string, TraceEvent[]> {
  const packets = new Map<string, TraceEvent[]>();
  for (const e of events) {
    let list = packets.get(e.packet);
    if (!list) packets.set(e.packet, (list = []));
    list.push(e);
  }
  return packets;
}

/** What the trace and the tree say about a drop. */
function dropNote(
  reasons: DropReasons | undefined,
  printed: string,
  where: string | undefined,
): string {
  const at = where ? `dropped in ${where}` : '';
  if (printed === '') return at || 'the tracer gave no reason';
  const reason = reasons ? findDropReason(reasons, printed) : undefined;
  const meaning = reason
    ? reason.meaning || `${reason.name} has no description in ${reasons?.file ?? ''}`
    : reasons
      ? `${printed} is not a reason of ${reasons.file}`
      : 'the tree has no include/net/dropreason-core.h';
  return at ? `${at}: ${meaning}` : meaning;
}

/** The definitions of the events' functions, and the names the tree does not define. */
interface Mapped {
  candidates: Map<number, number[]>;
  unmatched: Map<string, string>;
  names: Set<string>;
  matched: Set<string>;
}

function mapEvents(t: TraceJoin, events: readonly TraceEvent[]): Mapped {
  const m: Mapped = {
    candidates: new Map(),
    unmatched: new Map(),
    names: new Set(),
    matched: new Set(),
  };
  for (const e of events) {
    m.names.add(e.fn.name);
    const r = t.resolve(e.fn, e.site);
    if ('reason' in r) {
      if (!m.unmatched.has(e.fn.raw)) m.unmatched.set(e.fn.raw, r.reason);
    } else {
      m.candidates.set(e.seq, r.nodes);
      m.matched.add(e.fn.name);
    }
  }
  return m;
}

/** The JSON of a joined trace as it is built: each function, call, gap, step and drop once. */
class Joined {
  readonly nodes = new Map<number, GraphNode>();
  readonly edges = new Map<number, GraphEdge>();
  readonly gaps = new Map<string, GraphEdge>();
  readonly steps: TraceStep[] = [];
  readonly drops: TraceDrop[] = [];

  constructor(
    private readonly graph: Graph,
    private readonly t: TraceJoin,
  ) {}

  /** A function an event hit. */
  observe(n: number, seq: number): void {
    let node = this.nodes.get(n);
    if (!node) this.nodes.set(n, (node = nodeJson(this.graph, n)));
    if (node.observed) node.observed.count++;
    else node.observed = { count: 1, first: seq };
  }

  /** The calls of a join, and the functions it inferred; a call observed once stays observed. */
  record(j: Join): void {
    for (const n of j.through) if (!this.nodes.has(n)) this.nodes.set(n, nodeJson(this.graph, n));
    for (const e of j.edges) {
      const known = this.edges.get(e);
      if (known) {
        if (j.link === 'observed') known.trace = 'observed';
        continue;
      }
      this.edges.set(e, { ...edgeJson(this.graph, e), trace: j.link });
    }
  }

  /** A gap: no call of the source, so no call site (README, JSON output). */
  gap(from: number, to: number): void {
    const key = `${from},${to}`;
    if (this.gaps.has(key)) return;
    this.gaps.set(key, {
      from: this.t.nodeId(from),
      to: this.t.nodeId(to),
      kind: 'direct',
      file: '',
      line: 0,
      via: `gap: ${this.t.gapReason(from, to)}`,
      trace: 'gap',
    });
  }
}

/** Joins one packet's events, in order, into `out`. */
function joinPacket(
  t: TraceJoin,
  events: readonly TraceEvent[],
  bySeq: ReadonlyMap<number, TraceEvent>,
  out: Joined,
  reasons: DropReasons | undefined,
): void {
  const window: { node: number; seq: number }[] = [];
  let dropped = false;
  for (const e of events) {
    const step: TraceStep = { event: e.seq, packet: e.packet, name: e.fn.raw, at: e.at };
    if (e.cpu !== undefined) step.cpu = e.cpu;
    if (e.time !== undefined) step.time = e.time;
    out.steps.push(step);
    const n = t.node(e.seq);
    // A drop ends the packet's path: the free's own work after it is listed, not drawn.
    if (n === undefined || (dropped && FREE_WORK.has(e.fn.name))) continue;
    step.node = t.nodeId(n);
    out.observe(n, e.seq);
    const link = joinEvent(t, e, n, window, bySeq, (c, seq) => out.observe(c, seq));
    if (link?.join) {
      out.record(link.join);
      step.from = {
        node: t.nodeId(link.from),
        link: link.join.link,
        through: link.join.through.map((x) => t.nodeId(x)),
      };
    } else if (link) {
      out.gap(link.from, n);
      step.from = { node: t.nodeId(link.from), link: 'gap', through: [] };
    }
    if (e.drop) {
      dropped = true;
      const where = e.drop.in && e.drop.in.name !== e.fn.name ? e.drop.in.name : undefined;
      const note = dropNote(reasons, e.drop.reason, where);
      step.drop = { reason: e.drop.reason, note };
      out.drops.push({
        node: step.node,
        reason: e.drop.reason,
        note,
        event: e.seq,
        packet: e.packet,
      });
    }
    const old = window.findIndex((w) => w.node === n);
    if (old >= 0) window.splice(old, 1);
    window.unshift({ node: n, seq: e.seq });
    if (window.length > LOOKBACK) window.pop();
  }
}

/** The top-level `trace` of the JSON: what was read, matched and skipped. */
function summary(
  read: TraceRead,
  packets: ReadonlyMap<string, TraceEvent[]>,
  mapped: Mapped,
  steps: TraceStep[],
  inputNames: readonly string[],
): TraceSummary {
  const formats = new Set(read.inputs.flatMap((i) => (i.format ? [FORMAT_TITLES[i.format]] : [])));
  const first = read.skipped.first;
  return {
    format: [...formats].join(', '),
    events: read.events.length,
    functions: mapped.names.size,
    matched: mapped.matched.size,
    unmatched: [...mapped.unmatched].map(([name, reason]) => ({ name, reason })),
    packets: [...packets].map(([id, list]) => ({
      id,
      events: list.length,
      first: list[0]?.seq ?? 0,
      last: list[list.length - 1]?.seq ?? 0,
    })),
    steps,
    inputs: read.inputs.map((i, k) => {
      const input: TraceSummary['inputs'][number] = {
        name: inputNames[k] ?? `input ${k + 1}`,
        lines: i.lines,
      };
      if (i.format) input.format = FORMAT_TITLES[i.format];
      if (i.problem) input.problem = i.problem;
      return input;
    }),
    skipped: {
      lines: read.skipped.lines,
      frames: read.skipped.frames,
      events: read.skipped.events,
      ...(first
        ? { first: `${inputNames[first.at.input] ?? ''}:${first.at.line}: ${first.text}` }
        : {}),
    },
    notes: read.notes,
  };
}

/** Joins the events read from a trace with the graph: the JSON every output format renders. */
export function joinTrace(graph: Graph, read: TraceRead, options: JoinOptions): GraphJson {
  const t = new TraceJoin(graph, options);
  const packets = packetsOf(read.events);
  const mapped = mapEvents(t, read.events);
  for (const events of packets.values()) t.choose(events, mapped.candidates);
  const out = new Joined(graph, t);
  const bySeq = new Map(read.events.map((e) => [e.seq, e]));
  for (const events of packets.values()) joinPacket(t, events, bySeq, out, options.dropReasons);
  return {
    nodes: [...out.nodes.values()],
    edges: [...out.edges.values(), ...out.gaps.values()],
    trace: summary(read, packets, mapped, out.steps, options.inputNames ?? []),
    drops: out.drops,
  };
}

/**
 * How one event joins its packet: from its caller (nesting, a named caller) or from the
 * earlier function that calls it or is the fewest calls away; undefined for the first.
 */
function joinEvent(
  t: TraceJoin,
  e: TraceEvent,
  n: number,
  window: readonly { node: number; seq: number }[],
  bySeq: ReadonlyMap<number, TraceEvent>,
  observe: (n: number, seq: number) => void,
): { from: number; join: Join | null } | undefined {
  // Nesting decides: the caller the tracer printed, or the nearest one the tree defines.
  const callers = nestedCallers(t, e, bySeq);
  const up = callers[0];
  if (up) {
    const parent = t.node(up.seq) as number;
    if (parent === n) return undefined;
    // A function inlined into its caller calls the functions its caller passed it
    // (NF_HOOK's okfn): the graph has that call from the caller, one frame out.
    const calling = callers.find((c) => t.hasEdge(t.node(c.seq) as number, n));
    if (calling) {
      const from = t.node(calling.seq) as number;
      return { from, join: t.join(from, n, { line: placeIn(t, calling, from) }) };
    }
    return {
      from: parent,
      join: t.join(parent, n, { line: placeIn(t, up, parent), synchronous: true }),
    };
  }
  // The tracer showed this event's callers, and none the tree defines: nothing joins it.
  if (e.nested || e.parent !== undefined) return undefined;
  if (e.caller) {
    const r = t.resolve(e.caller);
    const caller = 'nodes' in r ? (r.nodes.find((c) => t.hasEdge(c, n)) ?? r.nodes[0]) : undefined;
    if (caller !== undefined && caller !== n) {
      observe(caller, e.seq);
      return { from: caller, join: t.join(caller, n, { synchronous: true }) };
    }
  }
  const earlier = window.filter((w) => w.node !== n);
  if (earlier.length === 0) return undefined;
  const calling = earlier.find((w) => t.hasEdge(w.node, n));
  if (calling) return { from: calling.node, join: t.join(calling.node, n) };
  let best: { node: number; d: number } | undefined;
  for (const w of earlier) {
    const d = t.distance(w.node, n);
    if (d !== undefined && (best === undefined || d < best.d)) best = { node: w.node, d };
  }
  if (best) return { from: best.node, join: t.join(best.node, n) };
  return { from: (earlier[0] as { node: number }).node, join: null };
}

/**
 * The callers the tracer nested an event in, the nearest the tree defines first, then,
 * while that one is an `[inline]` frame, the frames it was inlined into.
 */
function nestedCallers(
  t: TraceJoin,
  e: TraceEvent,
  bySeq: ReadonlyMap<number, TraceEvent>,
): TraceEvent[] {
  const out: TraceEvent[] = [];
  let up = e.parent !== undefined ? bySeq.get(e.parent) : undefined;
  while (up) {
    if (t.node(up.seq) !== undefined) {
      out.push(up);
      if (!up.inline) break;
    }
    up = up.parent !== undefined ? bySeq.get(up.parent) : undefined;
  }
  return out;
}

/** A stack frame's place is where it made the call: it picks among calls to the callee. */
function placeIn(t: TraceJoin, frame: TraceEvent, node: number): number | undefined {
  return frame.site && frame.site.file === t.fileOf(node) ? frame.site.line : undefined;
}
