// The condition evaluator: what a configuration makes of a preprocessor condition (`#if`,
// `#ifdef`, `#elif` ... over `CONFIG_` options) or of a C condition that names options
// (`if (IS_ENABLED(CONFIG_RPS) && ...)`). Three-valued: a part it cannot decide (a macro
// that is not an option, an architecture macro, a C expression such as `skb->len`) is
// unknown, and an unknown condition keeps both branches. `false && unknown` is false and
// `true || unknown` true, as in C.
//
// The C preprocessor's rules, which the kernel's kconfig.h builds on: `=y` defines
// `CONFIG_X` as 1; `=m` defines `CONFIG_X_MODULE` and leaves `CONFIG_X` undefined; an
// undefined name is 0 in `#if`. IS_ENABLED is y or m, IS_BUILTIN y, IS_MODULE m,
// IS_REACHABLE y, or m from a file built into a module.

import { DECIDED_MACROS } from '../index/kernel-idioms';
import type { KernelConfig } from './dotconfig';

/** What a condition is in a configuration. */
export type Truth = 'true' | 'false' | 'unknown';

/** What a condition is evaluated against: the configuration, and whether the file is built as a module (undefined: unknown). */
export interface EvalContext {
  config: KernelConfig;
  module: boolean | undefined;
}

type Node =
  | { k: 'num'; v: number }
  | { k: 'unknown' }
  | { k: 'id'; name: string }
  | { k: 'defined'; name: string }
  | { k: 'call'; name: string; arg: string | undefined }
  | { k: 'not' | 'neg' | 'inv'; a: Node }
  | { k: 'bin'; op: string; a: Node; b: Node }
  | { k: 'cond'; c: Node; a: Node; b: Node };

/** A parsed condition, evaluated as often as configurations are applied. */
export type Condition = Node;

const TOKEN =
  /\s*(?:(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|([A-Za-z_]\w*)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(&&|\|\||==|!=|<=|>=|<<|>>|->|[-+*/%<>!~&|^?:(),]|\S))/y;

interface Token {
  /** 'num', 'id', 'str', an operator, or 'junk' for what no condition of ours holds (`->`, `.`, `[`). */
  t: string;
  text: string;
}

const OPERATORS = new Set([
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '<<',
  '>>',
  '-',
  '+',
  '*',
  '/',
  '%',
  '<',
  '>',
  '!',
  '~',
  '&',
  '|',
  '^',
  '?',
  ':',
  '(',
  ')',
  ',',
]);

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m; m = TOKEN.exec(text)) {
    if (m[1] !== undefined) out.push({ t: 'num', text: m[1] });
    else if (m[2] !== undefined) out.push({ t: 'id', text: m[2] });
    else if (m[3] !== undefined) out.push({ t: 'str', text: m[3] });
    else if (m[4] !== undefined) out.push({ t: OPERATORS.has(m[4]) ? m[4] : 'junk', text: m[4] });
    if (TOKEN.lastIndex >= text.length) break;
  }
  return out;
}

const BINARY: Record<string, number> = {
  '||': 2,
  '&&': 3,
  '|': 4,
  '^': 5,
  '&': 6,
  '==': 7,
  '!=': 7,
  '<': 8,
  '>': 8,
  '<=': 8,
  '>=': 8,
  '<<': 9,
  '>>': 9,
  '+': 10,
  '-': 10,
  '*': 11,
  '/': 11,
  '%': 11,
};

/** Where a part the parser cannot read ends: these at bracket depth 0. */
const BOUNDARIES = new Set(['&&', '||', ')', '?', ':', ',']);

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  parse(): Node {
    const node = this.ternary();
    // Anything left over (a stray `)`) leaves the whole condition undecided.
    return this.at < this.tokens.length ? { k: 'unknown' } : node;
  }

  private ternary(): Node {
    const c = this.binary(1);
    if (this.peek()?.t !== '?') return c;
    this.at++;
    const a = this.ternary();
    if (this.peek()?.t !== ':') return this.skip();
    this.at++;
    return { k: 'cond', c, a, b: this.ternary() };
  }

  private binary(min: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.peek()?.t ?? '';
      const prec = BINARY[op];
      if (prec === undefined || prec < min) return left;
      this.at++;
      left = { k: 'bin', op, a: left, b: this.binary(prec + 1) };
    }
  }

  private unary(): Node {
    const t = this.peek();
    if (t?.t === '!' || t?.t === '-' || t?.t === '~' || t?.t === '+') {
      this.at++;
      const a = this.unary();
      return t.t === '+' ? a : { k: t.t === '!' ? 'not' : t.t === '-' ? 'neg' : 'inv', a };
    }
    const p = this.primary();
    // A primary followed by what no condition holds (`skb->len`, `a[i]`, `f(x).y`) is C we do not evaluate.
    const next = this.peek();
    if (next && (next.t === 'junk' || next.t === '(' || next.t === 'id' || next.t === 'num'))
      return this.skip();
    return p;
  }

  private primary(): Node {
    const t = this.peek();
    if (!t) return { k: 'unknown' };
    if (t.t === 'num') {
      this.at++;
      return { k: 'num', v: numberOf(t.text) };
    }
    if (t.t === '(') {
      this.at++;
      const inner = this.ternary();
      if (this.peek()?.t !== ')') return this.skip();
      this.at++;
      return inner;
    }
    if (t.t !== 'id') return this.skip();
    this.at++;
    if (t.text === 'defined') {
      const paren = this.peek()?.t === '(';
      if (paren) this.at++;
      const name = this.peek();
      if (name?.t !== 'id') return this.skip();
      this.at++;
      if (paren) {
        if (this.peek()?.t !== ')') return this.skip();
        this.at++;
      }
      return { k: 'defined', name: name.text };
    }
    if (this.peek()?.t === '(') {
      // A function-like macro: its argument when it is one name (IS_ENABLED(CONFIG_X)).
      this.at++;
      const first = this.tokens[this.at];
      const single = first?.t === 'id' && this.tokens[this.at + 1]?.t === ')';
      this.closeParen();
      return { k: 'call', name: t.text, arg: single ? first.text : undefined };
    }
    return { k: 'id', name: t.text };
  }

  /** Skips past the `)` that closes an opened `(`. */
  private closeParen(): void {
    for (let depth = 1; this.at < this.tokens.length;) {
      const t = (this.tokens[this.at++] as Token).t;
      if (t === '(') depth++;
      else if (t === ')' && --depth === 0) return;
    }
  }

  /** An unreadable part: skipped to the next boundary at its depth, and unknown. */
  private skip(): Node {
    for (let depth = 0; this.at < this.tokens.length; this.at++) {
      const t = (this.tokens[this.at] as Token).t;
      if (depth === 0 && BOUNDARIES.has(t)) break;
      if (t === '(' || (t === 'junk' && (this.tokens[this.at] as Token).text === '[')) depth++;
      else if (t === ')' || (t === 'junk' && (this.tokens[this.at] as Token).text === ']')) depth--;
    }
    return { k: 'unknown' };
  }
}

function numberOf(text: string): number {
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  return Number(text);
}

/** Parses a condition; never throws (what it cannot read is unknown). */
export function parseCondition(text: string): Condition {
  return new Parser(tokenize(text)).parse();
}

/** The value of `CONFIG_X` as a macro: a number, 0 when undefined, undefined when not a number (a string). */
function optionValue(config: KernelConfig, name: string): number | undefined {
  const v = config.values.get(name);
  if (v === undefined) return config.values.get(moduleBase(name) ?? '') === 'm' ? 1 : 0;
  if (v === 'y') return 1;
  if (v === 'm') return 0;
  if (v.startsWith('"')) return undefined;
  return numberOf(v);
}

/** `CONFIG_X` for `CONFIG_X_MODULE`, else undefined. */
function moduleBase(name: string): string | undefined {
  return name.endsWith('_MODULE') ? name.slice(0, -7) : undefined;
}

function isDefined(ctx: EvalContext, name: string): number | undefined {
  if (name.startsWith('CONFIG_')) {
    const v = ctx.config.values.get(name);
    if (v !== undefined) return v === 'm' ? 0 : 1;
    return ctx.config.values.get(moduleBase(name) ?? '') === 'm' ? 1 : 0;
  }
  const decided = DECIDED_MACROS.get(name);
  if (decided === 'defined') return 1;
  if (decided === 'undefined') return 0;
  if (decided === 'module') return ctx.module === undefined ? undefined : ctx.module ? 1 : 0;
  return undefined;
}

function evalNode(n: Node, ctx: EvalContext): number | undefined {
  switch (n.k) {
    case 'num':
      return Number.isFinite(n.v) ? n.v : undefined;
    case 'unknown':
      return undefined;
    case 'id':
      if (n.name.startsWith('CONFIG_')) return optionValue(ctx.config, n.name);
      return DECIDED_MACROS.has(n.name) ? isDefined(ctx, n.name) : undefined;
    case 'defined':
      return isDefined(ctx, n.name);
    case 'call':
      return evalCall(n.name, n.arg, ctx);
    case 'not': {
      const a = evalNode(n.a, ctx);
      return a === undefined ? undefined : a === 0 ? 1 : 0;
    }
    case 'neg':
    case 'inv': {
      const a = evalNode(n.a, ctx);
      return a === undefined ? undefined : n.k === 'neg' ? -a : ~a;
    }
    case 'cond': {
      const c = evalNode(n.c, ctx);
      if (c !== undefined) return evalNode(c !== 0 ? n.a : n.b, ctx);
      const a = evalNode(n.a, ctx);
      return a !== undefined && a === evalNode(n.b, ctx) ? a : undefined;
    }
    case 'bin':
      return evalBinary(n.op, n.a, n.b, ctx);
  }
}

function evalCall(name: string, arg: string | undefined, ctx: EvalContext): number | undefined {
  if (arg === undefined || !arg.startsWith('CONFIG_')) return undefined;
  const v = ctx.config.values.get(arg);
  const builtin = v === 'y' || v === '1';
  const module = v === 'm';
  switch (name) {
    case 'IS_ENABLED':
      return builtin || module ? 1 : 0;
    case 'IS_BUILTIN':
      return builtin ? 1 : 0;
    case 'IS_MODULE':
      return module ? 1 : 0;
    case 'IS_REACHABLE':
      if (builtin) return 1;
      if (!module) return 0;
      return ctx.module === undefined ? undefined : ctx.module ? 1 : 0;
    default:
      return undefined;
  }
}

function evalBinary(op: string, an: Node, bn: Node, ctx: EvalContext): number | undefined {
  const a = evalNode(an, ctx);
  if (op === '&&' && a === 0) return 0;
  if (op === '||' && a !== undefined && a !== 0) return 1;
  const b = evalNode(bn, ctx);
  if (op === '&&') return b === 0 ? 0 : a === undefined || b === undefined ? undefined : 1;
  if (op === '||')
    return b !== undefined && b !== 0 ? 1 : a === undefined || b === undefined ? undefined : 0;
  if (a === undefined || b === undefined) return undefined;
  switch (op) {
    case '==':
      return a === b ? 1 : 0;
    case '!=':
      return a !== b ? 1 : 0;
    case '<':
      return a < b ? 1 : 0;
    case '>':
      return a > b ? 1 : 0;
    case '<=':
      return a <= b ? 1 : 0;
    case '>=':
      return a >= b ? 1 : 0;
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return b === 0 ? undefined : Math.trunc(a / b);
    case '%':
      return b === 0 ? undefined : a % b;
    case '<<':
      return a * 2 ** b;
    case '>>':
      return Math.floor(a / 2 ** b);
    case '&':
      return a & b;
    case '|':
      return a | b;
    case '^':
      return a ^ b;
    default:
      return undefined;
  }
}

/** What `condition` is in the context. */
export function evaluate(condition: Condition, ctx: EvalContext): Truth {
  const v = evalNode(condition, ctx);
  return v === undefined ? 'unknown' : v !== 0 ? 'true' : 'false';
}

/** Parses and evaluates in one go (tests and explanations; the resolver keeps parsed conditions). */
export function evaluateText(text: string, ctx: EvalContext): Truth {
  return evaluate(parseCondition(text), ctx);
}

/** The options a condition's text names (`CONFIG_X_MODULE` names `CONFIG_X` too). */
export function optionsOf(text: string, into: Set<string>): void {
  const re = /\bCONFIG_\w+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    into.add(m[0]);
    const base = moduleBase(m[0]);
    if (base) into.add(base);
  }
}
