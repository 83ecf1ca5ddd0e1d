// Source rewriting before parsing. Invariant: the output has exactly the length of the
// input and a newline wherever the input has one, so every line, column and byte offset
// the parser reports is an offset into the user's file.

import {
  BLANKED_ANNOTATIONS,
  BLANKED_ANNOTATIONS_WITH_ARGS,
  DEFINING_MACROS,
} from './kernel-idioms';

const escape = (s: string): string => s.replace(/[$]/g, '\\$');

const plainPattern = new RegExp(`\\b(?:${BLANKED_ANNOTATIONS.map(escape).join('|')})\\b(?!\\s*\\()`, 'g');
const withArgsPattern = new RegExp(
  `\\b(?:${BLANKED_ANNOTATIONS_WITH_ARGS.map(escape).join('|')})\\s*\\(`,
  'g',
);

/** A replacement of `text[from, to)`: by `head` then spaces, newlines kept. */
interface Edit {
  from: number;
  to: number;
  head?: string;
  tail?: string;
}

function apply(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  edits.sort((a, b) => a.from - b.from);
  const out: string[] = [];
  let at = 0;
  for (const e of edits) {
    if (e.from < at) continue; // Overlapping edits: the first one wins.
    out.push(text.slice(at, e.from));
    const head = e.head ?? '';
    const tail = e.tail ?? '';
    const middle = text.slice(e.from + head.length, e.to - tail.length).replace(/[^\n]/g, ' ');
    out.push(head, middle, tail);
    at = e.to;
  }
  out.push(text.slice(at));
  return out.join('');
}

/** Index just past the parenthesis that closes the one at `open`, or -1. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) {
      depth--;
      if (depth === 0) return i + 1;
    } else if (c === 59 /* ; */ && depth > 0 && i - open > 4096) {
      return -1;
    }
  }
  return -1;
}

/**
 * Blanks annotation macros and rewrites defining macros such as SYSCALL_DEFINEn so that
 * tree-sitter-c sees ordinary C. Returns the input itself when nothing matched.
 */
export function preprocess(text: string): string {
  const edits: Edit[] = [];

  withArgsPattern.lastIndex = 0;
  for (let m = withArgsPattern.exec(text); m; m = withArgsPattern.exec(text)) {
    // Skip the definition of the macro itself (`#define __printf(a, b) ...`).
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#\s*define\s/.test(text.slice(lineStart, m.index))) continue;
    const open = m.index + m[0].length - 1;
    const end = closingParen(text, open);
    if (end < 0) continue;
    edits.push({ from: m.index, to: end });
    withArgsPattern.lastIndex = end;
  }

  plainPattern.lastIndex = 0;
  for (let m = plainPattern.exec(text); m; m = plainPattern.exec(text)) {
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    if (/^\s*#\s*(?:define|undef|ifdef|ifndef)\s*$/.test(text.slice(lineStart, m.index))) continue;
    edits.push({ from: m.index, to: m.index + m[0].length });
  }

  for (const { macro, prefix } of DEFINING_MACROS) {
    const global = new RegExp(macro.source, 'g');
    for (let m = global.exec(text); m; m = global.exec(text)) {
      const e = rewriteDefiningMacro(text, m.index, m[0].length, prefix);
      if (e) edits.push(e);
    }
  }
  return apply(text, edits);
}

/**
 * `SYSCALL_DEFINE3(socket, int, family, int, type, int, protocol)` becomes
 * `long    sys_socket(                                          )`: the same length, the
 * name on the same line, and an empty parameter list the parser accepts.
 */
function rewriteDefiningMacro(
  text: string,
  start: number,
  macroLength: number,
  prefix: string,
): Edit | undefined {
  const open = start + macroLength;
  if (text[open] !== '(') return undefined;
  const close = closingParen(text, open);
  if (close < 0) return undefined;
  const nameMatch = /^\(\s*(\w+)/.exec(text.slice(open, Math.min(close, open + 200)));
  if (!nameMatch?.[1]) return undefined;
  // A defining macro is followed by a body; a use inside `#define` is not a definition.
  const lineStart = text.lastIndexOf('\n', start) + 1;
  if (/^\s*#/.test(text.slice(lineStart, start))) return undefined;
  const head = `long ${prefix}${nameMatch[1]}(`;
  if (head.length > close - start - 1) return undefined;
  return { from: start, to: close, head, tail: ')' };
}
