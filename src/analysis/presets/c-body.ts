// Just enough C to follow a function body's control flow, read from its source text:
// comments, literals and preprocessor lines masked and the body's braces found by the one
// C scanner (c-text.ts), its tokens parsed into statements (blocks, if/else, loops and
// switches, jumps, labels). Bad or unusual C never throws: a statement that cannot be read
// is taken as an expression.

import { NOT_FOUND, blank, lineEnd, maskCode, matchingBracket } from '../index/c-text';
import type { Range } from './body-flow';

export interface Token {
  text: string;
  at: number;
}

/** A statement of the body, with its extent as offsets of the text. */
export interface Stmt extends Range {
  kind: 'block' | 'if' | 'loop' | 'return' | 'goto' | 'jump' | 'label' | 'case' | 'expr';
  /** A block's statements, a loop's body, an if's then and else. */
  body: Stmt[];
  /** An if's condition; a loop's head (`for (...)`, `while (...)`, `switch (...)`, a macro's `(...)`). */
  head?: Range;
  /** A do-while's `while (...)` after its body. */
  tail?: Range;
  /** A goto's target, a label's name, `break` or `continue`. */
  label?: string;
  /** A loop that is a `switch`: its cases are its branches, a `break` leaves it. */
  isSwitch?: boolean;
  /** Index of the token after the statement. */
  next: number;
}

/** Number of entries of the sorted `list` that are <= `value`. */
export function upperBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((list[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The text with comments, the insides of string and character literals and preprocessor
 * lines (with their backslash continuations) blanked to spaces by the one C scanner
 * (c-text.ts): same length, newlines kept, so offsets and lines stay those of the file.
 */
export function maskC(text: string): string {
  const masked = maskCode(text);
  const parts: string[] = [];
  let copied = 0;
  for (const m of masked.matchAll(/^[ \t]*#/gm)) {
    const end = lineEnd(masked, m.index);
    parts.push(masked.slice(copied, m.index), blank(masked.slice(m.index, end)));
    copied = end;
  }
  parts.push(masked.slice(copied));
  return parts.join('');
}

/**
 * The braces of the body of the function whose definition starts at `from`: its `{` and
 * one past its `}`. Its parameter list opens on that line, and no `;` comes before the `{`
 * (a declaration has no body).
 */
export function findBody(masked: string, from: number): Range | undefined {
  let depth = 0;
  let sawParams = false;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (c === '\n' && !sawParams && depth === 0) return undefined;
    if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) sawParams = true;
    } else if (c === ';' && depth === 0) return undefined;
    else if (c === '{' && depth === 0) {
      if (!sawParams) return undefined;
      const close = matchingBracket(masked, i);
      return close === NOT_FOUND ? undefined : { start: i, end: close + 1 };
    }
  }
  return undefined;
}

export function tokenize(masked: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  const word = /[A-Za-z0-9_$]/;
  let i = from;
  while (i < to) {
    const c = masked[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\\') {
      i++;
    } else if (word.test(c)) {
      let j = i + 1;
      while (j < to && word.test(masked[j] as string)) j++;
      tokens.push({ text: masked.slice(i, j), at: i });
      i = j;
    } else {
      tokens.push({ text: c, at: i });
      i++;
    }
  }
  return tokens;
}

export const OPEN: Readonly<Record<string, string>> = { '(': ')', '[': ']', '{': '}' };

/** A statement parser over the body's tokens: enough C to find branches, loops and jumps. */
export class Parser {
  constructor(
    private readonly tokens: readonly Token[],
    private readonly bodyEnd: number,
  ) {}

  private text(i: number): string | undefined {
    return this.tokens[i]?.text;
  }

  private at(i: number): number {
    return this.tokens[i]?.at ?? this.bodyEnd;
  }

  /** Offset just past token `i`. */
  private after(i: number): number {
    const t = this.tokens[i];
    return t ? t.at + t.text.length : this.bodyEnd;
  }

  /** Index of the token closing the bracket opened at `i` (or the last token). */
  private closing(i: number): number {
    const open = this.text(i) as string;
    const close = OPEN[open];
    let depth = 0;
    for (let j = i; j < this.tokens.length; j++) {
      const t = this.text(j);
      if (t === open) depth++;
      else if (t === close && --depth === 0) return j;
    }
    return this.tokens.length - 1;
  }

  /** Statements from token `i` up to token `end` (exclusive). */
  block(i: number, end: number): Stmt[] {
    const out: Stmt[] = [];
    while (i < end) {
      const s = this.statement(i, end);
      out.push(s);
      i = Math.max(s.next, i + 1);
    }
    return out;
  }

  private stmt(kind: Stmt['kind'], first: number, last: number, extra: Partial<Stmt> = {}): Stmt {
    return {
      kind,
      start: this.at(first),
      end: this.after(last),
      body: [],
      next: last + 1,
      ...extra,
    };
  }

  private statement(i: number, end: number): Stmt {
    if (i >= end) return this.stmt('expr', i, i);
    const t = this.text(i);
    const next = this.text(i + 1);
    switch (t) {
      case '{': {
        const close = Math.min(this.closing(i), end);
        return this.stmt('block', i, close, { body: this.block(i + 1, close) });
      }
      case 'if':
        return this.ifStatement(i, end);
      case 'for':
      case 'while':
      case 'switch': {
        if (next !== '(') break;
        const close = this.closing(i + 1);
        const inner = this.statement(close + 1, end);
        return this.stmt('loop', i, inner.next - 1, {
          body: [inner],
          head: { start: this.at(i), end: this.after(close) },
          isSwitch: t === 'switch',
        });
      }
      case 'do': {
        const inner = this.statement(i + 1, end);
        const last = this.until(';', inner.next, end);
        return this.stmt('loop', i, last, {
          body: [inner],
          head: { start: this.at(i), end: this.after(i) },
          tail: { start: this.at(inner.next), end: this.after(last) },
        });
      }
      case 'return':
        return this.stmt('return', i, this.until(';', i, end));
      case 'goto':
        return this.stmt('goto', i, this.until(';', i, end), { label: next ?? '' });
      case 'break':
      case 'continue':
        return this.stmt('jump', i, this.until(';', i, end), { label: t });
      case 'case':
        return this.stmt('case', i, this.until(':', i, end));
      case 'default':
        if (next === ':') return this.stmt('case', i, i + 1);
        break;
    }
    if (t !== undefined && /^[A-Za-z_]\w*$/.test(t) && next === ':' && this.text(i + 2) !== ':')
      return this.stmt('label', i, i + 1, { label: t });
    return this.expression(i, end);
  }

  private ifStatement(i: number, end: number): Stmt {
    if (this.text(i + 1) !== '(') return this.expression(i, end);
    const close = this.closing(i + 1);
    const then = this.statement(close + 1, end);
    const body = [then];
    let last = then.next - 1;
    if (this.text(then.next) === 'else' && then.next < end) {
      const otherwise = this.statement(then.next + 1, end);
      body.push(otherwise);
      last = otherwise.next - 1;
    }
    return this.stmt('if', i, last, {
      body,
      head: { start: this.at(i), end: this.after(close) },
    });
  }

  /** An expression statement, to its `;`; an iterator macro (`list_for_each(...) {`) is a loop. */
  private expression(i: number, end: number): Stmt {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const t = this.text(j) as string;
      if (t === '{' && depth === 0 && j > i && this.text(j - 1) === ')') {
        const inner = this.statement(j, end);
        return this.stmt('loop', i, inner.next - 1, {
          body: [inner],
          head: { start: this.at(i), end: this.after(j - 1) },
        });
      }
      if (t in OPEN) depth++;
      else if (t === ')' || t === ']' || t === '}') {
        if (depth === 0) return this.stmt('expr', i, Math.max(i, j - 1));
        depth--;
      } else if (t === ';' && depth === 0) return this.stmt('expr', i, j);
    }
    return this.stmt('expr', i, end - 1);
  }

  /** Index of the first `token` at bracket depth 0 from `i` (or the last index before `end`). */
  private until(token: string, i: number, end: number): number {
    let depth = 0;
    for (let j = i; j < end; j++) {
      const t = this.text(j) as string;
      if (t in OPEN) depth++;
      else if (t === ')' || t === ']' || t === '}') depth--;
      else if (t === token && depth <= 0) return j;
    }
    return end - 1;
  }
}
