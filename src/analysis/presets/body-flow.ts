// The control flow of one function body, read from its source (c-body.ts): which of its
// calls can both run in one pass through it. The call graph has no control flow: it knows
// that i40e_clean_rx_irq calls i40e_build_skb and i40e_construct_skb, not that it calls one
// or the other. Two calls exclude each other when neither can reach the other: the arms of
// an if/else, a switch or a `?:`, a branch that returns or jumps past the other.
//
// One pass: a loop's body is not taken to come round again (two rounds of an RX loop are
// two packets), so a loop joins its body to what follows it. A backward `goto` (a retry)
// is followed. Pure: the caller reads the file.

import { type Stmt, type Token, Parser, findBody, maskC, tokenize, upperBound } from './c-body';

export interface Range {
  start: number;
  end: number;
}

/** A call site: 1-based line and column, as the graph records them. */
export interface Site {
  line: number;
  col: number;
}

/** What parts two calls: the arms of an if/else, a switch or a `?:`, or a jump past one. */
export type PartingKind = 'if-else' | 'switch' | 'ternary' | 'jump';

/** Which calls of one body exclude each other. Items are lists of sites (a callee called twice). */
export interface BodyFlow {
  /** Can no site of item `i` run in the same pass as a site of item `j`? */
  exclusive(i: number, j: number): boolean;
  /** What parts items `i` and `j` (exclusive ones), and the line where it is. */
  parting(i: number, j: number): { kind: PartingKind; line: number };
}

/** A file's text, masked once, whose function bodies can be asked about. */
export class BodyReader {
  private readonly masked: string;
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    this.masked = maskC(text);
    for (let i = this.masked.indexOf('\n'); i >= 0; i = this.masked.indexOf('\n', i + 1))
      this.lineStarts.push(i + 1);
  }

  /** The masked text (comments, literals and preprocessor lines blanked; offsets kept). */
  get text(): string {
    return this.masked;
  }

  /** Offset of 1-based `line` and `col`. */
  offset(line: number, col = 1): number {
    return (this.lineStarts[line - 1] ?? this.masked.length) + col - 1;
  }

  /** 1-based line of `offset`. */
  lineOf(offset: number): number {
    return upperBound(this.lineStarts, offset);
  }

  /**
   * The statement graph of the function whose definition starts on `defLine`, with its
   * body's extent; undefined when no body starts there.
   */
  statements(defLine: number): { graph: StatementGraph; body: Range } | undefined {
    const from = this.lineStarts[defLine - 1];
    if (from === undefined) return undefined;
    const body = findBody(this.masked, from);
    if (!body) return undefined;
    const tokens = tokenize(this.masked, body.start + 1, body.end - 1);
    return {
      graph: new StatementGraph(new Parser(tokens, body.end - 1).block(0, tokens.length)),
      body,
    };
  }

  /** The flow of the function whose definition starts on `defLine`; undefined when no body starts there. */
  flow(defLine: number, items: readonly (readonly Site[])[]): BodyFlow | undefined {
    const from = this.lineStarts[defLine - 1];
    if (from === undefined) return undefined;
    const body = findBody(this.masked, from);
    if (!body) return undefined;
    const tokens = tokenize(this.masked, body.start + 1, body.end - 1);
    const stmts = new Parser(tokens, body.end - 1).block(0, tokens.length);
    const offsets = items.map((sites) =>
      sites.map((s) => (this.lineStarts[s.line - 1] ?? Infinity) + s.col - 1),
    );
    return new Flow(stmts, ternaries(tokens), offsets, (o) => upperBound(this.lineStarts, o));
  }
}

/** A `cond ? a : b`: its `?` and its two arms. */
interface Ternary {
  at: number;
  arms: [Range, Range];
}

interface Context {
  /** Where `break` and `continue` go. */
  brk?: number;
  cont?: number;
  /** The case labels of the innermost switch, as they are made. */
  cases?: number[];
}

/**
 * The body as a graph of statements: one node per simple statement, condition or loop
 * head, each with the successors a pass through the body may take. A `goto` goes to its
 * label (or to the end when the label is missing); a loop's body runs once or not at all.
 */
export class StatementGraph {
  readonly succ: number[][] = [];
  /** Each node's statement (or condition, or loop head); the end node has none. */
  readonly ranges: (Range | undefined)[] = [];
  /** The statement each node stands for (an `if` or loop node: that if or loop). */
  readonly stmts: (Stmt | undefined)[] = [];
  readonly labels = new Map<string, number>();
  readonly gotos: { from: number; label: string }[] = [];
  /** The node a pass through the body starts at, and the one past its last statement. */
  readonly entry: number;
  readonly end: number;

  constructor(stmts: readonly Stmt[]) {
    this.end = this.node(undefined, undefined, []);
    this.entry = this.sequence(stmts, this.end, {});
    for (const g of this.gotos) this.succ[g.from] = [this.labels.get(g.label) ?? this.end];
  }

  /** The node whose statement, condition or head holds `offset` (the innermost). */
  nodeAt(offset: number): number | undefined {
    let best: number | undefined;
    this.ranges.forEach((r, n) => {
      if (
        r &&
        within(offset, r) &&
        (best === undefined || r.start >= (this.ranges[best] as Range).start)
      )
        best = n;
    });
    return best;
  }

  private node(range: Range | undefined, stmt: Stmt | undefined, succ: number[]): number {
    this.ranges.push(range);
    this.stmts.push(stmt);
    this.succ.push(succ);
    return this.succ.length - 1;
  }

  /** Builds `stmts` in order, the last going on to `next`; returns the first's node. */
  private sequence(stmts: readonly Stmt[], next: number, ctx: Context): number {
    let entry = next;
    for (let i = stmts.length - 1; i >= 0; i--) entry = this.build(stmts[i] as Stmt, entry, ctx);
    return entry;
  }

  private build(s: Stmt, next: number, ctx: Context): number {
    switch (s.kind) {
      case 'block':
        return this.sequence(s.body, next, ctx);
      case 'if': {
        const then = this.sequence(s.body.slice(0, 1), next, ctx);
        const otherwise = this.sequence(s.body.slice(1, 2), next, ctx);
        return this.node(s.head, s, [then, otherwise]);
      }
      case 'loop':
        return s.isSwitch ? this.switchOf(s, next, ctx) : this.loop(s, next, ctx);
      case 'return':
        return this.node(s, s, []);
      case 'goto': {
        const id = this.node(s, s, []);
        this.gotos.push({ from: id, label: s.label ?? '' });
        return id;
      }
      case 'jump':
        return this.node(s, s, [(s.label === 'break' ? ctx.brk : ctx.cont) ?? next]);
      case 'label': {
        const id = this.node(s, s, [next]);
        this.labels.set(s.label ?? '', id);
        return id;
      }
      case 'case': {
        const id = this.node(s, s, [next]);
        ctx.cases?.push(id);
        return id;
      }
      default:
        return this.node(s, s, [next]);
    }
  }

  /** A loop in one pass: its head may run the body once or skip it; either way it goes on. */
  private loop(s: Stmt, next: number, ctx: Context): number {
    const tail = s.tail ? this.node(s.tail, s, [next]) : next;
    const body = this.sequence(s.body, tail, { ...ctx, brk: next, cont: tail });
    return this.node(s.head, s, [body, tail]);
  }

  /** A switch goes to one of its cases, or past them all. */
  private switchOf(s: Stmt, next: number, ctx: Context): number {
    const cases: number[] = [];
    const body = this.sequence(s.body, next, { ...ctx, brk: next, cases });
    return this.node(s.head, s, cases.length > 0 ? [...cases, next] : [body, next]);
  }
}

/** Which calls of the body exclude each other, read from its statement graph. */
class Flow implements BodyFlow {
  private readonly graph: StatementGraph;
  private readonly reached = new Map<number, Set<number>>();

  constructor(
    private readonly stmts: readonly Stmt[],
    private readonly ternaries: readonly Ternary[],
    private readonly offsets: readonly (readonly number[])[],
    private readonly lineOf: (offset: number) => number,
  ) {
    this.graph = new StatementGraph(stmts);
  }

  exclusive(i: number, j: number): boolean {
    const a = this.offsets[i] ?? [];
    const b = this.offsets[j] ?? [];
    return (
      a.length > 0 && b.length > 0 && a.every((x) => b.every((y) => this.sitesExclusive(x, y)))
    );
  }

  parting(i: number, j: number): { kind: PartingKind; line: number } {
    const a = this.offsets[i]?.[0] ?? 0;
    const b = this.offsets[j]?.[0] ?? 0;
    const t = this.ternaryParting(a, b);
    if (t) return { kind: 'ternary', line: this.lineOf(t.at) };
    // The innermost statement that holds both: its arms (if/else, switch), or a jump in it.
    let list: readonly Stmt[] = this.stmts;
    let common: Stmt | undefined;
    let parent: Stmt | undefined;
    for (;;) {
      const holds = list.find((s) => within(a, s) && within(b, s));
      if (!holds) break;
      parent = common;
      common = holds;
      list = holds.body;
    }
    // A switch's cases lie in its block.
    const chooser = common?.kind === 'block' && parent?.isSwitch ? parent : common;
    if (chooser?.kind === 'if' && chooser.body.length === 2)
      return { kind: 'if-else', line: this.lineOf(chooser.start) };
    if (chooser?.kind === 'loop' && chooser.isSwitch)
      return { kind: 'switch', line: this.lineOf(chooser.start) };
    const first = list.find((s) => within(Math.min(a, b), s));
    return { kind: 'jump', line: this.lineOf((first ?? common)?.start ?? Math.min(a, b)) };
  }

  private sitesExclusive(x: number, y: number): boolean {
    const nx = this.graph.nodeAt(x);
    const ny = this.graph.nodeAt(y);
    if (nx === undefined || ny === undefined) return false;
    if (nx === ny) return this.ternaryParting(x, y) !== undefined;
    return !this.reach(nx).has(ny) && !this.reach(ny).has(nx);
  }

  private ternaryParting(x: number, y: number): Ternary | undefined {
    return this.ternaries.find(
      (t) =>
        (within(x, t.arms[0]) && within(y, t.arms[1])) ||
        (within(y, t.arms[0]) && within(x, t.arms[1])),
    );
  }

  private reach(from: number): Set<number> {
    let seen = this.reached.get(from);
    if (seen) return seen;
    seen = new Set<number>();
    const todo = [...(this.graph.succ[from] ?? [])];
    while (todo.length > 0) {
      const n = todo.pop() as number;
      if (seen.has(n)) continue;
      seen.add(n);
      todo.push(...(this.graph.succ[n] ?? []));
    }
    this.reached.set(from, seen);
    return seen;
  }
}

function within(offset: number, r: Range): boolean {
  return offset >= r.start && offset < r.end;
}

/** Every `cond ? a : b` of the body. The GNU `x ?: y` has one arm and is not one. */
function ternaries(tokens: readonly Token[]): Ternary[] {
  const out: Ternary[] = [];
  const open = new Set(['(', '[', '{']);
  const close = new Set([')', ']', '}']);
  tokens.forEach((t, q) => {
    if (t.text !== '?' || tokens[q + 1]?.text === ':') return;
    let depth = 0;
    let nested = 0;
    let colon = -1;
    let end = -1;
    for (let j = q + 1; j < tokens.length && end < 0; j++) {
      const x = tokens[j]?.text as string;
      if (open.has(x)) depth++;
      else if (close.has(x)) {
        if (depth === 0) end = j;
        depth--;
      } else if (depth === 0 && x === '?') nested++;
      else if (depth === 0 && x === ':') {
        if (nested > 0) nested--;
        else if (colon < 0) colon = j;
        else end = j;
      } else if (depth === 0 && colon >= 0 && (x === ',' || x === ';')) end = j;
    }
    const before = tokens[colon];
    const after = tokens[colon + 1];
    const last = tokens[end];
    if (!before || !after || !last) return;
    out.push({
      at: t.at,
      arms: [
        { start: t.at + 1, end: before.at },
        { start: after.at, end: last.at },
      ],
    });
  });
  return out;
}
