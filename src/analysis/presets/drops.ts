// The drop points of a preset: on every drawn function, each place the packet can be freed
// as a drop, with its reason. The calls that drop are a table (drop-calls.ts) and their
// sites are edges of the graph; the reason argument, the `goto drop` jumps that lead to a
// drop and the value the reason variable holds at each are read from the function's text
// through the presets' body reader (body-flow.ts, c-body.ts, c-text.ts). What a reason
// means comes from the tree's own include/net/dropreason-core.h (trace/dropreason.ts).
//
// A drop call the function reaches by falling through its statements is a drop point at
// its own line. A drop call in the code after the last return, reached only by jumps (the
// kernel's `drop:` / `discard:` pattern), is a drop point at each forward `goto` of the
// normal flow that leads to it: the reason there is what the reason variable holds after
// the jump, followed through the label's code (`csum_error: reason = ...; drop: ...`).
// When the text does not tell one reason (a value a call returns, a parameter, several
// values on several ways), the point says so instead of guessing.

import type { DropPoint, GraphJson } from '../graph-json';
import { NOT_FOUND, splitArguments } from '../index/c-text';
import { DROP_REASON_HEADER, type DropReasons, readDropReasons } from '../trace/dropreason';
import { BodyReader, type StatementGraph } from './body-flow';
import type { Stmt } from './c-body';
import type { Range } from './body-flow';
import { QueryError } from '../query/query';
import type { PresetContext } from './context';
import { findDriver, unknownDriverMessage } from './drivers';
import type { Direction } from './rows';
import { DROP_CALLS, type DropCall, NOT_DROPS, REASON_PREFIX } from './drop-calls';

export type { DropPoint } from '../graph-json';

const BY_NAME = new Map<string, DropCall>(DROP_CALLS.map((r) => [r.name, r]));

/**
 * What the reason variable may hold at a point: reasons in short form (`NO_SOCKET`), and
 * values the text does not tell, each as `?` and a few words on where it comes from.
 */
type Values = ReadonlySet<string>;

const UNKNOWN = '?';

/** Per graph: the readers of files and the header's reasons, made once. */
interface Readers {
  files: Map<string, BodyReader | undefined>;
  reasons: DropReasons | undefined;
  /** Drop points of functions some call drops in (nf_hook_slow), by node. */
  inside: Map<number, DropPoint[]>;
}

const READERS = new WeakMap<PresetContext, Readers>();

function readers(ctx: PresetContext): Readers {
  let r = READERS.get(ctx);
  if (!r) {
    const header = ctx.readText?.(DROP_REASON_HEADER);
    r = {
      files: new Map(),
      reasons: header === undefined ? undefined : readDropReasons(header),
      inside: new Map(),
    };
    READERS.set(ctx, r);
  }
  return r;
}

function bodyReader(ctx: PresetContext, file: string): BodyReader | undefined {
  const r = readers(ctx);
  if (!r.files.has(file)) {
    const text = ctx.readText?.(file);
    r.files.set(file, text === undefined ? undefined : new BodyReader(text));
  }
  return r.files.get(file);
}

/** Adds `drops` to every node of a preset that has drop points (the preset's one hook). */
export function addDrops(ctx: PresetContext, json: GraphJson): void {
  const g = ctx.graph;
  const drawn = new Map<string, number>();
  for (const node of json.nodes)
    for (const n of g.lookup(node.name)) if (g.nodeId(n) === node.id) drawn.set(node.id, n);
  const drawnNodes = new Set(drawn.values());
  for (const node of json.nodes) {
    const n = drawn.get(node.id);
    if (n === undefined) continue;
    const drops = dropPoints(ctx, n, drawnNodes);
    if (drops.length > 0) node.drops = drops;
  }
}

/**
 * The drop points of function `n`, by line. A call to a function some drop calls happen
 * in (NF_HOOK) counts only when that function is not drawn itself (`drawn`): then its
 * own drops show on it.
 */
export function dropPoints(
  ctx: PresetContext,
  n: number,
  drawn: ReadonlySet<number> = new Set(),
): DropPoint[] {
  const g = ctx.graph;
  const calls: { e: number; row: DropCall }[] = [];
  for (const e of g.outgoing(n)) {
    const row = BY_NAME.get(g.name(g.to(e)));
    if (!row || g.kind(e) !== 'direct') continue;
    if (row.dropsIn !== undefined && drawn.has(g.to(e))) continue;
    calls.push({ e, row });
  }
  if (calls.length === 0) return [];
  const file = g.file(n);
  const reader = bodyReader(ctx, file);
  const body = reader?.statements(g.line(n));
  const out: DropPoint[] = [];
  const seen = new Set<string>();
  const add = (p: DropPoint): void => {
    const key = `${p.line} ${p.reason} ${p.how}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(p);
  };
  for (const { e, row } of calls) {
    const line = g.edgeLine(e);
    const callee = g.name(g.to(e));
    if (row.dropsIn !== undefined) {
      for (const p of insideDrops(ctx, row.dropsIn))
        add({
          ...p,
          file,
          line,
          how: `${callee}: in ${row.dropsIn}, ${p.how} of ${p.file}`,
        });
      continue;
    }
    if (!reader || !body) {
      for (const p of points(ctx, file, line, reasonOfRow(row), callee)) add(p);
      continue;
    }
    const head = { start: reader.offset(g.line(n)), end: body.body.start };
    const site = new Site(reader, body.graph, head, callee, line, g.edgeCol(e));
    for (const f of site.points(row))
      for (const p of points(ctx, file, f.line, f.values, f.how)) add(p);
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The drop points of the function named `name` that tell their reason (nf_hook_slow's NF_DROP). */
function insideDrops(ctx: PresetContext, name: string): DropPoint[] {
  const r = readers(ctx);
  const out: DropPoint[] = [];
  for (const m of ctx.graph.lookup(name)) {
    let points = r.inside.get(m);
    if (!points) {
      // Set first: a function that drops inside itself does not recurse.
      r.inside.set(m, []);
      points = dropPoints(ctx, m, new Set([m])).filter((p) => p.known);
      r.inside.set(m, points);
    }
    out.push(...points);
  }
  return out;
}

/** The reason of a call whose function text cannot be read: the row's, if it gives one. */
function reasonOfRow(row: DropCall): Values {
  return new Set([row.reason ?? `${UNKNOWN}the function's text could not be read`]);
}

/**
 * The drop points of one place from the values its reason may have there: one per reason
 * the source tells (two ways to one jump may carry two), and one `?` point that says what
 * the source does not tell.
 */
function points(
  ctx: PresetContext,
  file: string,
  line: number,
  values: Values,
  how: string,
): DropPoint[] {
  const out: DropPoint[] = [];
  const unknown: string[] = [];
  for (const v of [...values].sort()) {
    if (v.startsWith(UNKNOWN)) {
      unknown.push(v.slice(UNKNOWN.length));
      continue;
    }
    const meaning = readers(ctx).reasons?.byName.get(`${REASON_PREFIX}${v}`)?.meaning;
    out.push({ reason: v, known: true, file, line, note: meaning ?? '', how });
  }
  if (unknown.length > 0)
    out.push({
      reason: UNKNOWN,
      known: false,
      file,
      line,
      note: `The source does not tell the reason here: ${unknown.join('; or ')}.`,
      how,
    });
  return out;
}

/** A reason as written: `SKB_DROP_REASON_X` (X), SKB_CONSUMED, SKB_NOT_DROPPED_YET; else undefined. */
export function reasonConstant(text: string): string | undefined {
  const t = text.trim();
  const m = /^SKB_DROP_REASON_(\w+)$/.exec(t);
  if (m) return m[1];
  if (t === 'SKB_CONSUMED') return 'CONSUMED';
  if (t === 'SKB_NOT_DROPPED_YET') return 'NOT_DROPPED_YET';
  return undefined;
}

/** A drop point found in one body, before its reason's meaning is looked up. */
interface Found {
  line: number;
  values: Values;
  how: string;
}

/** One drop call in a function's body: where it is, what its reason holds on each way to it. */
class Site {
  private readonly text: string;
  private main: Set<number> | undefined;

  constructor(
    private readonly reader: BodyReader,
    private readonly graph: StatementGraph,
    /** The function's head: from its definition's line to its body's `{`. */
    private readonly head: Range,
    private readonly callee: string,
    private readonly line: number,
    private readonly col: number,
  ) {
    this.text = reader.text;
  }

  /** The drop points this call makes: at itself, or at each jump that leads to it. */
  points(row: DropCall): Found[] {
    const call = this.callAt();
    if (call === undefined) return [];
    const node = this.graph.nodeAt(call.at);
    const fixed = row.reason ?? reasonConstant(call.reasonText ?? '');
    if (fixed !== undefined && NOT_DROPS.has(fixed)) return [];
    const variable =
      fixed === undefined && call.reasonText !== undefined && /^[A-Za-z_]\w*$/.test(call.reasonText)
        ? call.reasonText
        : undefined;
    const constant: Values | undefined =
      fixed !== undefined
        ? new Set([fixed])
        : variable === undefined
          ? new Set([`${UNKNOWN}the reason is the expression \`${call.reasonText ?? ''}\``])
          : undefined;
    const how = `${this.callee} at line ${this.line}`;
    if (node === undefined) return [{ line: this.line, values: constant ?? new Set(), how }];
    const flow = variable === undefined ? undefined : new ReasonFlow(this, variable);
    const valuesAt = (n: number, from: { start: number; values: Values }): Values =>
      constant ?? (flow as ReasonFlow).at(n, from);
    const main = this.mainFlow();
    const out: Found[] = [];
    const jumps = new Set<number>();
    for (const jump of this.graph.gotos) {
      const label = this.graph.labels.get(jump.label);
      if (label === undefined || !this.dropsAfter(jump.from, label, node, main)) continue;
      jumps.add(jump.from);
      const values = valuesAt(node, {
        start: label,
        values: constant ?? (flow as ReasonFlow).before(jump.from),
      });
      const goto = this.graph.ranges[jump.from] as Range;
      out.push({ line: this.reader.lineOf(goto.start), values, how: `goto ${jump.label}: ${how}` });
    }
    // The call itself, reached without those jumps: its values on the ways that fall through.
    if (main.has(node))
      out.push({
        line: this.line,
        values:
          constant ?? (flow as ReasonFlow).at(node, { start: this.graph.entry, blocked: jumps }),
        how,
      });
    return out.filter((f) => f.values.size > 0);
  }

  /**
   * Does the forward `goto` at node `from` of the normal flow jump to a drop at `node`? A
   * label in the code only jumps reach (after the last return) drops when it leads to the
   * call; a label in the normal flow only when every way from it goes through the call
   * (`bad_dev: stats; kfree_skb_reason(...); return`), not when it merely rejoins code that
   * drops later on some way.
   */
  private dropsAfter(
    from: number,
    label: number,
    node: number,
    main: ReadonlySet<number>,
  ): boolean {
    const goto = this.graph.ranges[from];
    const target = this.graph.ranges[label];
    if (!goto || !target || target.start < goto.start || !main.has(from)) return false;
    return main.has(label) ? this.always(label, node) : this.reaches(label, node, main);
  }

  /** Does every forward way from `start` go through `node` before the function ends? */
  private always(start: number, node: number): boolean {
    const seen = new Set<number>();
    const todo = [start];
    while (todo.length > 0) {
      const n = todo.pop() as number;
      if (n === node || seen.has(n)) continue;
      seen.add(n);
      const next = this.forward(n);
      if (next.length === 0) return false;
      todo.push(...next);
    }
    return seen.size > 0;
  }

  /** The call's offset and its reason argument's text (trimmed; undefined when absent). */
  private callAt(): { at: number; reasonText?: string } | undefined {
    const row = BY_NAME.get(this.callee);
    const lineStart = this.reader.offset(this.line);
    const lineEnd = this.reader.offset(this.line + 1);
    const wanted = this.reader.offset(this.line, this.col);
    const re = new RegExp(`\\b${this.callee}\\s*\\(`, 'g');
    re.lastIndex = lineStart;
    let best: RegExpExecArray | undefined;
    for (let m = re.exec(this.text); m && m.index < lineEnd; m = re.exec(this.text))
      if (!best || Math.abs(m.index - wanted) < Math.abs(best.index - wanted)) best = m;
    if (!best) return undefined;
    const open = best.index + best[0].length - 1;
    const { args, close } = splitArguments(this.text, open);
    const arg = row?.reasonArg === undefined ? undefined : args[row.reasonArg];
    const reasonText =
      close === NOT_FOUND || !arg
        ? undefined
        : this.text.slice(arg.from, arg.to).replace(/\s+/g, ' ').trim();
    return { at: best.index, ...(reasonText !== undefined ? { reasonText } : {}) };
  }

  /** Nodes a pass reaches from the body's start without a jump: the normal flow. */
  private mainFlow(): Set<number> {
    if (this.main) return this.main;
    const jumps = new Set(this.graph.gotos.map((j) => j.from));
    const seen = new Set<number>();
    const todo = [this.graph.entry];
    while (todo.length > 0) {
      const n = todo.pop() as number;
      if (seen.has(n)) continue;
      seen.add(n);
      if (!jumps.has(n)) todo.push(...(this.graph.succ[n] ?? []));
    }
    this.main = seen;
    return seen;
  }

  /** Does the code from `label` reach `node` by the code only jumps reach (not the normal flow)? */
  private reaches(label: number, node: number, main: ReadonlySet<number>): boolean {
    const seen = new Set<number>();
    const todo = [label];
    while (todo.length > 0) {
      const n = todo.pop() as number;
      if (n === node) return true;
      if (seen.has(n) || main.has(n)) continue;
      seen.add(n);
      todo.push(...this.forward(n));
    }
    return false;
  }

  /**
   * Successors of `n`, without a jump back into the normal flow (`goto lookup`: a retry is
   * not a way to the drop). A jump back within the code after the return is one: its labels
   * share one tail (`discard_and_relse: ...; goto discard_it;` with discard_it above).
   */
  forward(n: number): number[] {
    const succ = this.graph.succ[n] ?? [];
    const at = this.graph.ranges[n]?.start ?? 0;
    if (this.graph.stmts[n]?.kind !== 'goto') return succ;
    const main = this.mainFlow();
    return succ.filter((s) => !main.has(s) || (this.graph.ranges[s]?.start ?? Infinity) > at);
  }

  get statementGraph(): StatementGraph {
    return this.graph;
  }

  /** The text of node `n`'s statement (its condition, for an if). */
  source(n: number): string {
    const r = this.graph.ranges[n];
    return r ? this.text.slice(r.start, r.end).replace(/\s+/g, ' ') : '';
  }

  stmt(n: number): Stmt | undefined {
    return this.graph.stmts[n];
  }

  /** The function's head, its parameters with it. */
  params(): string {
    return this.text.slice(this.head.start, this.head.end);
  }
}

/**
 * What the reason variable holds at each statement: a forward pass over the statement
 * graph. An assignment sets it (`v = SKB_DROP_REASON_X`, SKB_DR_SET, SKB_DR_INIT, SKB_DR;
 * SKB_DR_OR sets it when unset); a value the text does not tell is kept as such (a call's
 * result, `&v` handed to a callee, a parameter); `if (v == SKB_DROP_REASON_X)` keeps on
 * each arm the values it can have there.
 */
class ReasonFlow {
  private readonly into = new Map<number, Set<string>>();

  constructor(
    private readonly site: Site,
    private readonly v: string,
  ) {
    const start = new RegExp(`\\b${v}\\b`).test(site.params())
      ? `${UNKNOWN}\`${v}\` is the caller's`
      : `${UNKNOWN}\`${v}\` is not set on the way`;
    const g = site.statementGraph;
    this.run(g.entry, new Set([start]), this.into, (n) => site.forward(n));
  }

  /** What `v` holds on entering node `n`. */
  before(n: number): Values {
    return this.into.get(n) ?? new Set();
  }

  /**
   * What `v` holds on entering `n`: on any way through the body, or, given `from`, on the
   * ways from node `from.start` entered with `from.values` (forward jumps only).
   */
  at(n: number, from?: { start: number; values?: Values; blocked?: ReadonlySet<number> }): Values {
    if (!from) return this.before(n);
    const into = new Map<number, Set<string>>();
    const blocked = from.blocked ?? new Set<number>();
    const values = from.values ?? this.into.get(from.start);
    this.run(from.start, new Set(values), into, (m) =>
      blocked.has(m) ? [] : this.site.forward(m),
    );
    return into.get(n) ?? new Set();
  }

  private run(
    start: number,
    values: Set<string>,
    into: Map<number, Set<string>>,
    next: (n: number) => number[],
  ): void {
    into.set(start, values);
    const todo = [start];
    while (todo.length > 0) {
      const n = todo.pop() as number;
      const out = this.transfer(n, into.get(n) ?? new Set());
      next(n).forEach((s, arm) => {
        const add = out.arms?.[arm] ?? out.all;
        const have = into.get(s);
        if (!have) {
          // An arm no value takes (the test excludes them all) is not followed.
          if (add.size === 0) return;
          into.set(s, new Set(add));
          todo.push(s);
          return;
        }
        const size = have.size;
        for (const x of add) have.add(x);
        if (have.size > size) todo.push(s);
      });
    }
  }

  /** What `v` holds after node `n`; for an `if` that tests it, per arm (then, else). */
  private transfer(n: number, values: Set<string>): { all: Set<string>; arms?: Set<string>[] } {
    const stmt = this.site.stmt(n);
    const text = this.site.source(n);
    const v = this.v;
    if (stmt?.kind === 'if') {
      const test = new RegExp(
        `^if \\(\\s*(?:unlikely\\()?\\s*${v}\\s*(==|!=)\\s*(\\w+)\\s*\\)?\\s*\\)$`,
      ).exec(text.trim());
      const r = test ? reasonConstant(test[2] as string) : undefined;
      if (!test || r === undefined) return { all: assigned(text, v, values) };
      const equal = new Set([...values].filter((x) => x === r || x.startsWith(UNKNOWN)));
      const other = new Set([...values].filter((x) => x !== r));
      return { all: values, arms: test[1] === '==' ? [equal, other] : [other, equal] };
    }
    if (stmt?.kind !== 'expr' && stmt?.kind !== 'return') return { all: values };
    return { all: assigned(text, v, values) };
  }
}

/** What `v` holds after the statement `text`, given what it held before. */
export function assigned(text: string, v: string, values: Values): Set<string> {
  const set = (x: string): Set<string> => new Set([x]);
  const macro = new RegExp(
    `\\b(SKB_DR_SET|SKB_DR_INIT|SKB_DR_OR)\\(\\s*${v}\\s*,\\s*(\\w+)\\s*\\)`,
  ).exec(text);
  if (macro) {
    const r = macro[2] as string;
    if (macro[1] !== 'SKB_DR_OR') return set(r);
    return new Set(
      [...values].map((x) => (x === 'NOT_SPECIFIED' || x === 'NOT_DROPPED_YET' ? r : x)),
    );
  }
  if (new RegExp(`\\bSKB_DR\\(\\s*${v}\\s*\\)`).test(text)) return set('NOT_SPECIFIED');
  const assign = new RegExp(`(?<![\\w.>])${v}\\s*=(?!=)\\s*([^;]*)`).exec(text);
  if (assign) {
    const rhs = (assign[1] as string).trim();
    const r = reasonConstant(rhs);
    if (r !== undefined) return set(r);
    const call = /^(\w+)\s*\(/.exec(rhs);
    return set(`${UNKNOWN}\`${v}\` is ${call ? `what ${call[1]}() returns` : `set to \`${rhs}\``}`);
  }
  const setter = callTaking(text, v);
  if (setter) return set(`${UNKNOWN}\`${v}\` is set by ${setter}()`);
  return new Set(values);
}

const NOT_CALLS: ReadonlySet<string> = new Set([
  'if',
  'while',
  'for',
  'switch',
  'return',
  'sizeof',
]);

/**
 * The function whose argument list holds `&v` in `text` (the innermost call still open at
 * `&v`): `if (tcp_add_backlog(sk, skb, &drop_reason))` is tcp_add_backlog, not `if`.
 */
function callTaking(text: string, v: string): string | undefined {
  const at = new RegExp(`&\\s*${v}\\b`).exec(text)?.index;
  if (at === undefined) return undefined;
  const open: (string | undefined)[] = [];
  for (let i = 0; i < at; i++) {
    if (text[i] === '(') {
      const name = /(\w+)\s*$/.exec(text.slice(0, i))?.[1];
      open.push(name && !NOT_CALLS.has(name) ? name : undefined);
    } else if (text[i] === ')') open.pop();
  }
  return open.reverse().find((n) => n !== undefined);
}

/** A drop point of `netpaths drops`: the path and function it is on, in path order. */
export interface ListedDrop extends DropPoint {
  direction: Direction;
  /** The node id and name of the function it is in. */
  node: string;
  function: string;
}

/** Every drop point of a driver's ingress and egress paths, and why a path could not be drawn. */
export interface DropList {
  driver: string;
  drops: ListedDrop[];
  /** One line per path that could not be drawn. */
  problems: string[];
}

/** The drop points of a driver's paths, each path in packet order (`netpaths drops`). */
export function listDrops(
  ctx: PresetContext,
  driverName: string,
  build: (direction: Direction) => GraphJson,
): DropList {
  if (!findDriver(ctx.drivers(), driverName))
    throw new QueryError(unknownDriverMessage(ctx.drivers(), driverName));
  const list: DropList = { driver: driverName, drops: [], problems: [] };
  for (const direction of ['ingress', 'egress'] as const) {
    let json: GraphJson;
    try {
      json = build(direction);
    } catch (e) {
      // A path the driver does not have (no ndo_start_xmit) is a remark, not a failure.
      if (!(e instanceof QueryError)) throw e;
      list.problems.push(e.message);
      continue;
    }
    for (const node of json.nodes)
      for (const d of node.drops ?? [])
        list.drops.push({ direction, node: node.id, function: node.name, ...d });
  }
  return list;
}

/** `netpaths drops` as text: per path, each function with its drop points. */
export function formatDropList(list: DropList): string {
  const out: string[] = [];
  for (const direction of ['ingress', 'egress'] as const) {
    const drops = list.drops.filter((d) => d.direction === direction);
    if (drops.length === 0) continue;
    out.push(`== ${list.driver} ${direction}: ${drops.length} drop points ==`);
    let fn = '';
    for (const d of drops) {
      if (d.node !== fn) {
        fn = d.node;
        out.push(`  ${d.function}`);
      }
      out.push(`    ${d.reason.padEnd(16)}  ${d.file}:${d.line}  (${d.how})`);
      if (d.note) out.push(`      ${d.note}`);
    }
    out.push('');
  }
  for (const p of list.problems) out.push(`(${p})`);
  return `${out.join('\n').trimEnd()}\n`;
}
