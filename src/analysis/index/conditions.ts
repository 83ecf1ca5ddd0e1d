// The conditions a file's code sits under, recorded with its facts so that a kernel
// configuration can be applied when the graph is resolved, never by parsing again:
//   - each branch of a preprocessor group (`#if`, `#ifdef`, `#ifndef`, `#elif`, `#else`)
//     whose condition a configuration may decide (it names a `CONFIG_` option, a macro of
//     DECIDED_MACROS, or nothing but numbers: `#if 0`);
//   - the body and the `else` of a C `if` whose condition names a `CONFIG_` option
//     (`if (IS_ENABLED(CONFIG_RPS)) { ... }`): the calls in a branch a configuration
//     makes false are dead in that kernel.
// A condition is kept as text (the expression, not its truth), evaluated by
// src/analysis/config/condition.ts. A group that preprocessing keeps at its first branch
// alone (where C allows no `#if`, see preprocess.ts) is recorded as no condition at all:
// its first branch stands for every configuration, as the facts hold nothing else.

import type { ConditionFacts } from './facts';
import { REGION_WIDTH, WHOLE_LINE } from './facts';
import { NOT_FOUND, lineEnd, maskComments, matchingBracket } from './c-text';
import { DECIDED_MACROS } from './kernel-idioms';

const DECIDED = new RegExp(`\\b(?:CONFIG_\\w+|${[...DECIDED_MACROS.keys()].join('|')})\\b`);
const IDENTIFIER = /[A-Za-z_]\w*/;

/** Whether a configuration may decide a condition: it names an option or a decided macro, or no name at all. */
function decidable(condition: string): boolean {
  return DECIDED.test(condition) || !IDENTIFIER.test(condition.replace(/\b\d\w*/g, ''));
}

/** One condition region, by offsets into the text (inclusive), before it becomes lines and columns. */
interface Region {
  from: number;
  to: number;
  /** The from/to offsets cover whole lines. */
  lines: boolean;
  condition: string;
  label: string;
  /** Offset of the directive or `if` that opens it. */
  at: number;
}

/** The conditions of `text` (see the head of this file); undefined when there are none. */
export function recordConditions(
  text: string,
  firstOnly: readonly number[] = [],
): ConditionFacts | undefined {
  const hasIf = text.includes('#if') || text.includes('# if');
  const hasConfig = text.includes('CONFIG_');
  if (!hasIf && !hasConfig) return undefined;
  const masked = maskComments(text, { literals: true });
  const regions: Region[] = [];
  if (hasIf) directiveRegions(masked, new Set(firstOnly), regions);
  if (hasConfig) ifRegions(masked, regions);
  if (regions.length === 0) return undefined;
  return encode(text, regions);
}

const clean = (s: string): string => s.replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
const shorten = (s: string): string => (s.length > 100 ? `${s.slice(0, 97)}...` : s);

interface OpenGroup {
  /** The conditions of the branches so far. */
  conditions: string[];
  /** The first directive as written, for labels. */
  head: string;
  /** Where the branch being read starts (past its directive line), its condition and label. */
  branchFrom: number;
  branchCondition: string;
  branchLabel: string;
  branchAt: number;
  skipped: boolean;
}

/** Branch regions of the preprocessor groups. */
function directiveRegions(masked: string, firstOnly: Set<number>, out: Region[]): void {
  const stack: OpenGroup[] = [];
  const re = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/gm;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const start = m.index;
    const end = lineEnd(masked, start);
    const word = m[1] as string;
    const rest = clean(masked.slice(m.index + m[0].length, end));
    re.lastIndex = end;
    const directive = shorten(clean(masked.slice(start, end)));
    const close = (group: OpenGroup): void => {
      if (group.skipped || group.branchFrom > start - 1) return;
      if (decidable(group.branchCondition))
        out.push({
          from: group.branchFrom,
          to: start - 1,
          lines: true,
          condition: group.branchCondition,
          label: group.branchLabel,
          at: group.branchAt,
        });
    };
    if (word === 'if' || word === 'ifdef' || word === 'ifndef') {
      const own =
        word === 'if' ? rest : word === 'ifdef' ? `defined(${rest})` : `!defined(${rest})`;
      stack.push({
        conditions: [own],
        head: directive,
        branchFrom: end + 1,
        branchCondition: own,
        branchLabel: directive,
        branchAt: start,
        skipped: firstOnly.has(start),
      });
      continue;
    }
    const group = stack[stack.length - 1];
    if (!group) continue;
    close(group);
    if (word === 'endif') {
      stack.pop();
      continue;
    }
    const own =
      word === 'elif'
        ? rest
        : word === 'elifdef'
          ? `defined(${rest})`
          : word === 'elifndef'
            ? `!defined(${rest})`
            : undefined;
    const before = group.conditions.map((c) => `!(${c})`);
    group.branchCondition = [...before, ...(own === undefined ? [] : [`(${own})`])].join(' && ');
    if (own !== undefined) group.conditions.push(own);
    group.branchFrom = end + 1;
    group.branchLabel = `${directive} of ${group.head}`;
    group.branchAt = start;
  }
}

/** The body and `else` of each C `if` whose condition names an option. */
function ifRegions(masked: string, out: Region[]): void {
  const re = /\bif\s*\(/g;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchingBracket(masked, open);
    if (close === NOT_FOUND) continue;
    const condition = masked.slice(open + 1, close);
    if (!condition.includes('CONFIG_')) continue;
    const text = clean(condition);
    const body = skipBlanks(masked, close + 1);
    const bodyEnd = statementEnd(masked, body, 0);
    if (bodyEnd === NOT_FOUND) continue;
    const label = shorten(`if (${text})`);
    out.push({ from: body, to: bodyEnd, lines: false, condition: text, label, at: m.index });
    const next = skipBlanks(masked, bodyEnd + 1);
    if (/^else\b/.test(masked.slice(next, next + 5))) {
      const elseBody = skipBlanks(masked, next + 4);
      const elseEnd = statementEnd(masked, elseBody, 0);
      if (elseEnd !== NOT_FOUND)
        out.push({
          from: elseBody,
          to: elseEnd,
          lines: false,
          condition: `!(${text})`,
          label: `else of ${label}`,
          at: next,
        });
    }
  }
}

function skipBlanks(text: string, at: number): number {
  let i = at;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  return i;
}

/** The offset of the last character of the C statement starting at `at`, or NOT_FOUND. */
function statementEnd(text: string, at: number, depth: number): number {
  if (depth > 20 || at >= text.length) return NOT_FOUND;
  const c = text.charAt(at);
  if (c === '{') return matchingBracket(text, at);
  const word = /^[A-Za-z_]\w*/.exec(text.slice(at, at + 10))?.[0];
  if (word === 'if' || word === 'for' || word === 'while' || word === 'switch') {
    const open = skipBlanks(text, at + word.length);
    if (text.charAt(open) !== '(') return plainEnd(text, at);
    const close = matchingBracket(text, open);
    if (close === NOT_FOUND) return NOT_FOUND;
    const end = statementEnd(text, skipBlanks(text, close + 1), depth + 1);
    if (word !== 'if' || end === NOT_FOUND) return end;
    const next = skipBlanks(text, end + 1);
    if (!/^else\b/.test(text.slice(next, next + 5))) return end;
    return statementEnd(text, skipBlanks(text, next + 4), depth + 1);
  }
  if (word === 'do') {
    const end = statementEnd(text, skipBlanks(text, at + 2), depth + 1);
    return end === NOT_FOUND ? end : plainEnd(text, end + 1);
  }
  return plainEnd(text, at);
}

/** The `;` that ends a simple statement (outside brackets), or NOT_FOUND. */
function plainEnd(text: string, at: number): number {
  let depth = 0;
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 || c === 91 || c === 123) depth++;
    else if (c === 41 || c === 93 || c === 125) {
      if (--depth < 0) return NOT_FOUND;
    } else if (c === 59 /* ; */ && depth === 0) return i;
  }
  return NOT_FOUND;
}

/** Regions as lines and columns (1-based), their texts shared in one table. */
function encode(text: string, regions: Region[]): ConditionFacts {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const texts: string[] = [];
  const ids = new Map<string, number>();
  const id = (s: string): number => {
    let i = ids.get(s);
    if (i === undefined) {
      i = texts.length;
      texts.push(s);
      ids.set(s, i);
    }
    return i;
  };
  const ints = new Int32Array(regions.length * REGION_WIDTH);
  regions.forEach((r, k) => {
    const from = lineOf(r.from);
    const to = lineOf(r.to);
    const o = k * REGION_WIDTH;
    ints[o] = from + 1;
    ints[o + 1] = r.lines ? 0 : r.from - (starts[from] as number) + 1;
    ints[o + 2] = to + 1;
    ints[o + 3] = r.lines ? WHOLE_LINE : r.to - (starts[to] as number) + 1;
    ints[o + 4] = id(r.condition);
    ints[o + 5] = id(r.label);
    ints[o + 6] = lineOf(r.at) + 1;
  });
  return { texts, regions: ints };
}
