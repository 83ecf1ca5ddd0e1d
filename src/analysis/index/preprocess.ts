// Source rewriting before parsing. Invariant: the output has exactly the length of the
// input and a newline wherever the input has one, so every line, column and byte offset
// the parser reports is an offset into the user's file.

import { NOT_FOUND, lineEnd, maskComments, matchingBracket, skipCommentOrLiteral } from './c-text';
import {
  BLANKED_ANNOTATIONS,
  BLANKED_ANNOTATIONS_WITH_ARGS,
  DEFINING_MACROS,
  INLINE_ASM,
  ITERATOR_MACRO,
  LOOP_CLOSER_MACRO,
} from './kernel-idioms';

const escape = (s: string): string => s.replace(/[$]/g, '\\$');

const plainPattern = new RegExp(
  `\\b(?:${BLANKED_ANNOTATIONS.map(escape).join('|')})\\b(?!\\s*\\()`,
  'g',
);
const withArgsPattern = new RegExp(
  `\\b(?:${BLANKED_ANNOTATIONS_WITH_ARGS.map(escape).join('|')})\\s*\\(`,
  'g',
);

const asmPattern = new RegExp(
  `\\b(?:${INLINE_ASM.keywords.join('|')})(?:\\s+(?:${INLINE_ASM.qualifiers.join('|')})\\b)*\\s*\\(`,
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
    // A backslash that continues a #define line stays, or the rest of the macro would become code.
    const middle = text
      .slice(e.from + head.length, e.to - tail.length)
      .replace(/[^\n\\]|\\(?!\n)/g, ' ');
    out.push(head, middle, tail);
    at = e.to;
  }
  out.push(text.slice(at));
  return out.join('');
}

/**
 * A `;` this far past an opening parenthesis gives the search for its closing one up: an
 * annotation or macro left open would otherwise send every search to the end of the file.
 */
const SEMICOLON_LIMIT = 4096;

/** Index just past the parenthesis that closes the one at `open`, or NOT_FOUND (see SEMICOLON_LIMIT). */
function closingParen(text: string, open: number): number {
  const close = matchingBracket(text, open, { semicolonLimit: SEMICOLON_LIMIT });
  return close === NOT_FOUND ? NOT_FOUND : close + 1;
}

/**
 * Blanks annotation macros and rewrites defining macros such as SYSCALL_DEFINEn so that
 * tree-sitter-c sees ordinary C. Returns the input itself when nothing matched. The
 * offsets of the `#if` lines of groups kept at their first branch alone go to
 * `firstOnly` when given (the conditions recorded in the facts leave those groups out).
 */
export function preprocess(text: string, firstOnly?: number[]): string {
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

  asmPattern.lastIndex = 0;
  for (let m = asmPattern.exec(text); m; m = asmPattern.exec(text)) {
    const open = m.index + m[0].length - 1;
    const end = closingParen(text, open);
    if (end < 0) continue;
    // `asm volatile(""    )`: still an asm statement or label wherever the original stood,
    // and never a whitespace-only #define value, which tree-sitter-c misreads.
    let at = open + 1;
    while (at + 1 < end - 1 && (text.charCodeAt(at) === 10 || text.charCodeAt(at + 1) === 10)) at++;
    if (end - 1 - at < 2) continue;
    edits.push({ from: open + 1, to: at }, { from: at, to: end - 1, head: '""' });
    asmPattern.lastIndex = end;
  }

  for (const { macro, prefix } of DEFINING_MACROS) {
    const global = new RegExp(macro.source, 'g');
    for (let m = global.exec(text); m; m = global.exec(text)) {
      const e = rewriteDefiningMacro(text, m.index, m[0].length, prefix);
      if (e) edits.push(e);
    }
  }
  edits.push(
    ...conditionalEdits(text, firstOnly),
    ...iteratorEdits(text),
    ...fileScopeMacroEdits(text),
    ...macroRunEdits(text),
    ...loneMacroEdits(text),
  );
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

// ---- conditionals inside constructs ------------------------------------------------
// tree-sitter-c accepts `#if` groups only where whole declarations, statements, fields
// or enumerators stand. Elsewhere a group wrecks the tree around it and the function it
// sits in is lost: `iowrite32(` / `#else` / `iowrite32be(` in an argument list, a
// function head split by `#ifdef`, `#ifdef CONFIG_NET_POLL_CONTROLLER` inside an ops
// table's initializer. Such a group is rewritten the way one configuration would see it:
//   - in an initializer list every branch stays and only the directive lines are blanked,
//     so the bindings of all configurations are kept (`.ndo_x = a, .ndo_x = b,` parses);
//   - inside parentheses or brackets, and where the first branch leaves a construct open
//     (a function head, `if (a) {`), the first branch stays and the others are blanked.

/** One `#if` group being scanned. */
interface Group {
  /** [start, end) of each directive line of the group, `#if` first. */
  lines: [number, number][];
  context: 'expression' | 'initializer' | 'other';
  /** Bracket stack when the group opened; each branch starts from it. */
  stack: number[];
  /** Start of the first `#elif`/`#else` line, or -1. */
  elseAt: number;
  /** Bracket stack and last significant character at the end of the first branch. */
  firstStack?: number[];
  firstLast: number;
  /** Last significant character before the group. */
  before: number;
}

// Bracket stack entries: the opening character, or INITIALIZER_BRACE for `= {`.
const INITIALIZER_BRACE = -123;

/**
 * Whether the first branch leaves a construct open that the code after the group closes:
 * `if (a) {` inside a function, or a function head followed by its body, or a function
 * head before the group followed by one body in each branch. At the top level
 * only the latter counts, since there a branch may hold something other than C (the
 * assembler of `#ifdef __ASSEMBLY__`).
 */
function isSplit(group: Group, text: string, after: number): boolean {
  const first = group.firstStack ?? group.stack;
  if (group.stack.length > 0 && first.length !== group.stack.length) return true;
  // A function head followed by a body for each configuration (rpcrdma_is_bcall in
  // net/sunrpc/xprtrdma/rpc_rdma.c: `f(...)` `#if X` `{ ... }` `#else` `{ ... }` `#endif`).
  if (group.stack.length === 0 && group.before === 41 /* ) */ && first.length === 0) {
    const opened = (group.lines[0] as [number, number])[1];
    if (/\S/.exec(text.slice(opened, opened + 200))?.[0] === '{') return true;
  }
  if (first.length !== group.stack.length || group.firstLast !== 41 /* ) */) return false;
  const next = /\S/.exec(text.slice(after, after + 200));
  return next?.[0] === '{';
}

/** A `#define` or `#undef` on the line after one ending in `{` or `,`: perhaps inside an initializer. */
const directiveInList = /[{,][ \t]*\n[ \t]*#[ \t]*(?:define|undef)\b/;

/**
 * Edits that make the `#if` groups standing inside constructs parseable (see above), and
 * blank the `#define` and `#undef` lines of an X-macro table inside an initializer
 * (`= {\n#define x(t, n) #t,\n\tBCH_COUNTERS()\n#undef x\n}`), where tree-sitter-c
 * allows no directive either.
 */
export function conditionalEdits(text: string, firstOnly?: number[]): Edit[] {
  const edits: Edit[] = [];
  if (!/#[ \t]*if/.test(text) && !directiveInList.test(text)) return edits;
  let stack: number[] = [];
  let last = 0; // Last significant character outside comments, literals and directives.
  const groups: Group[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12) continue;
    if (lineStart && c === 35 /* # */) {
      const start = text.lastIndexOf('\n', i) + 1;
      const end = lineEnd(text, i);
      const word = /^#[ \t]*(\w*)/.exec(text.slice(i, Math.min(end, i + 40)))?.[1] ?? '';
      if (
        (word === 'define' || word === 'undef') &&
        stack[stack.length - 1] === INITIALIZER_BRACE
      ) {
        edits.push({ from: start, to: end });
      } else if (word === 'if' || word === 'ifdef' || word === 'ifndef') {
        const top = stack[stack.length - 1];
        const context =
          top === 40 || top === 91
            ? 'expression'
            : top === INITIALIZER_BRACE
              ? 'initializer'
              : 'other';
        groups.push({
          lines: [[start, end]],
          context,
          stack: [...stack],
          elseAt: -1,
          firstLast: last,
          before: last,
        });
      } else if (word === 'elif' || word === 'else' || word === 'elifdef' || word === 'elifndef') {
        const group = groups[groups.length - 1];
        if (group) {
          group.lines.push([start, end]);
          if (group.elseAt < 0) {
            group.elseAt = start;
            group.firstStack = stack;
            group.firstLast = last;
          }
          stack = [...group.stack];
          last = group.before;
        }
      } else if (word === 'endif') {
        const group = groups.pop();
        if (group) {
          group.lines.push([start, end]);
          if (group.elseAt < 0) {
            group.firstStack = stack;
            group.firstLast = last;
          }
          if (group.context === 'initializer') {
            for (const [from, to] of group.lines) edits.push({ from, to });
          } else if (group.context === 'expression' || isSplit(group, text, end)) {
            firstOnly?.push((group.lines[0] as [number, number])[0]);
            edits.push({
              from: (group.lines[0] as [number, number])[0],
              to: (group.lines[0] as [number, number])[1],
            });
            edits.push(
              group.elseAt >= 0 ? { from: group.elseAt, to: end } : { from: start, to: end },
            );
          } else if ((group.firstStack ?? stack).length !== group.stack.length) {
            // An unbalanced branch left as it is: what follows is read from before the group.
            group.firstStack = group.stack;
            group.firstLast = group.before;
          }
          stack = group.firstStack ?? stack;
          last = group.firstLast;
        }
      }
      i = end - 1;
      continue;
    }
    lineStart = false;
    const resume = c === 47 || c === 34 || c === 39 ? skipCommentOrLiteral(text, i) : i;
    if (resume > i) {
      // A comment, or a literal (which counts as a significant character).
      if (c !== 47 /* / */) last = c;
      i = resume - 1;
    } else {
      if (c === 40 || c === 91) stack.push(c);
      else if (c === 123 /* { */) {
        const top = stack[stack.length - 1];
        stack.push(
          last === 61 /* = */ || (top === INITIALIZER_BRACE && (last === 44 || last === 123))
            ? INITIALIZER_BRACE
            : 123,
        );
      } else if (c === 41 || c === 93 || c === 125) stack.pop();
      last = c;
    }
  }
  return edits;
}

// ---- iterator macros ---------------------------------------------------------------

const iteratorCandidate = /for_each|_walk|do_each|while_each/g;

const isWordChar = (c: number): boolean =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;

/** Whether `at` lies on a directive line, continuation lines of a `#define` included. */
function onDirectiveLine(text: string, at: number): boolean {
  let start = text.lastIndexOf('\n', at - 1) + 1;
  while (start >= 2 && text.charCodeAt(start - 2) === 92 /* \\ */)
    start = text.lastIndexOf('\n', start - 2) + 1;
  return /^[ \t]*#/.test(text.slice(start, start + 64));
}

/**
 * Rewrites uses of iterator macros that stand where a statement starts and are followed
 * by their loop body into `while (...)` of the same length (see ITERATOR_MACRO). Calls of
 * functions with such names (`idr_for_each(&idr, fn, data);`) are left alone.
 */
export function iteratorEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  iteratorCandidate.lastIndex = 0;
  for (let m = iteratorCandidate.exec(text); m; m = iteratorCandidate.exec(text)) {
    let from = m.index;
    let to = from + m[0].length;
    while (from > 0 && isWordChar(text.charCodeAt(from - 1))) from--;
    while (to < text.length && isWordChar(text.charCodeAt(to))) to++;
    iteratorCandidate.lastIndex = to;
    const name = text.slice(from, to);
    // A loop closer (LOOP_CLOSER_MACRO) stands after the loop's `}` and before a `;`.
    const closer = LOOP_CLOSER_MACRO.test(name);
    if (!(closer || ITERATOR_MACRO.test(name)) || !/^\s*\(/.test(text.slice(to, to + 80))) continue;
    // Before it: the end of a statement, a block's brace, a condition's `)`, a label or a comment.
    let p = from - 1;
    while (p >= 0 && /\s/.test(text.charAt(p))) p--;
    const before = text.charAt(p);
    const word = /(?:^|\W)(else|do)$/.test(text.slice(Math.max(0, p - 5), p + 1));
    if (
      closer
        ? before !== '}'
        : !(
            p < 0 ||
            ';{}):'.includes(before) ||
            (before === '/' && text.charAt(p - 1) === '*') ||
            word
          )
    )
      continue;
    const close = closingParen(text, text.indexOf('(', to));
    if (close < 0) continue;
    // After it: the loop body, never the `;` or operator of an ordinary call.
    const next = /\S/.exec(text.slice(close, close + 400))?.[0] ?? '';
    if (closer ? next !== ';' : !/[A-Za-z_{(*/+-]/.test(next)) continue;
    if (onDirectiveLine(text, from)) continue;
    edits.push({ from, to, head: 'while' });
  }
  return edits;
}

// ---- macro uses without a semicolon -----------------------------------------------------

const fileScopeCandidate = /^_*[A-Z][A-Z0-9_]*[ \t]*\(/gm;
/** An indented line of two or more macro uses and nothing else: `N(UP) N(DOWN)` in a `switch`. */
const macroRun = /^[ \t]+(?:_*[A-Z][A-Z0-9_]*\([^()\n]*\)[ \t]*){2,}$/;
/** Where such a line may be: one macro use after another (cheaper to find than the lines). */
const macroRunCandidate = /\)[ \t]+_*[A-Z][A-Z0-9_]*\(/g;

/**
 * Blanks a macro use that stands alone at the start of a line at file scope, with no `;`
 * after it and no body or initializer on the next line: `BTF_ID_FLAGS(func, fn, flags)`
 * tables and `_PCI_NOP_ALL(write,)` in include/linux/pci.h. tree-sitter-c reads such a use
 * together with the declaration after it, and that declaration, often a function, is lost.
 * A use followed by `{` (a defining macro such as `SYSCALL_DEFINE3(...)`) is left alone.
 */
export function fileScopeMacroEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  fileScopeCandidate.lastIndex = 0;
  for (let m = fileScopeCandidate.exec(text); m; m = fileScopeCandidate.exec(text)) {
    const from = m.index;
    const close = closingParen(text, from + m[0].length - 1);
    if (close < 0) continue;
    fileScopeCandidate.lastIndex = close;
    const eol = lineEnd(text, close);
    if (/\S/.test(maskComments(text.slice(close, eol)))) continue;
    const next = /\S/.exec(text.slice(eol, eol + 400))?.[0] ?? '';
    if (
      next === '{' ||
      next === ';' ||
      next === '=' ||
      next === ',' ||
      next === ')' ||
      next === '\\'
    )
      continue;
    if (onDirectiveLine(text, from)) continue;
    edits.push({ from, to: close });
  }
  return edits;
}

const loneMacro = /^[ \t]+_*[A-Z][A-Z0-9_]*(?:\([^()\n]*\))?[ \t]*$/gm;

/**
 * Blanks a statement macro used without a semicolon, alone on an indented line between
 * statements: lib/siphash.c's `PREAMBLE(len)` and `POSTAMBLE` (the parser lost the 17
 * functions that use them). The line before (past blank, comment and preprocessor lines)
 * ends a statement or opens a block, not an initializer (`= {`, where an object-like macro
 * stands for designated entries); the line after starts a statement, not an operator's
 * other operand, an entry or the macro's arguments on a line of their own.
 */
export function loneMacroEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  loneMacro.lastIndex = 0;
  for (let m = loneMacro.exec(text); m; m = loneMacro.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (onDirectiveLine(text, start)) continue;
    const before = previousCodeLine(text, start);
    if (!(/[;}]$/.test(before) || (before.endsWith('{') && !/=\s*\{$/.test(before)))) continue;
    const next = /\S/.exec(text.slice(end, end + 200))?.[0] ?? '';
    if ('.[=,;()?:&|+-*/<>'.includes(next)) continue;
    edits.push({ from: start, to: end });
  }
  return edits;
}

/** The line before `lineStart` that holds code, trimmed, its comments blanked; '' at the start. */
function previousCodeLine(text: string, lineStart: number): string {
  for (let end = lineStart - 1; end > 0;) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = maskComments(text.slice(start, end)).trim();
    end = start - 1;
    if (line === '' || line.startsWith('#') || line.startsWith('*')) continue;
    return line;
  }
  return '';
}

/**
 * Blanks an indented line that holds two or more macro uses and nothing else, outside a
 * `#define`: net/core/dev.c builds netdev_cmd_to_name's `switch` from `N(UP) N(DOWN)`
 * lines of `case` labels. Without semicolons they are no C, and the function after is lost.
 */
export function macroRunEdits(text: string): Edit[] {
  const edits: Edit[] = [];
  macroRunCandidate.lastIndex = 0;
  for (let m = macroRunCandidate.exec(text); m; m = macroRunCandidate.exec(text)) {
    const start = text.lastIndexOf('\n', m.index) + 1;
    const end = lineEnd(text, start);
    macroRunCandidate.lastIndex = end;
    if (macroRun.test(text.slice(start, end)) && !onDirectiveLine(text, start))
      edits.push({ from: start, to: end });
  }
  return edits;
}
