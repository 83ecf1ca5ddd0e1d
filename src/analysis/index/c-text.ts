// The one scanner of C text read outside tree-sitter: where a comment or a string or
// character literal ends, which bracket closes another, how a bracketed list splits into
// arguments, and the text with its comments (and literals) masked. Preprocessing, the
// chunker, extraction's macro readers, the netfilter and kernel-doc readers and the hovers
// all go through it, so `'"'`, `"a\<newline>b"` and a `//` inside a string mean one thing
// everywhere.
//
// C reads comments and literals this way: a backslash-newline joins two lines anywhere, so
// it continues a `//` comment and a literal; escapes inside literals are a backslash and
// the character after it; a literal left open at the end of its line is a stray quote,
// which a compiler reads up to that line's end (it happens in `#error` text and `#if 0`
// prose), and a block comment left open runs to the end of the text. Offsets are indexes
// into the text (UTF-16 code units), and a "not found" is always NOT_FOUND.

/** What a search returns when the text holds no answer: an unclosed comment, literal or bracket. */
export const NOT_FOUND = -1;

const NEWLINE = 10;
const CR = 13;
const DQUOTE = 34;
const SQUOTE = 39;
const STAR = 42;
const COMMA = 44;
const SLASH = 47;
const SEMICOLON = 59;
const BACKSLASH = 92;

/** The closing bracket of each opening one, by character code: `(` `[` `{`. */
const CLOSE_OF = new Map([
  [40, 41],
  [91, 93],
  [123, 125],
]);
/** The opening bracket of each closing one, by character code: `)` `]` `}`. */
const OPEN_OF = new Map([...CLOSE_OF].map(([open, close]) => [close, open]));

/** Index just past the `*\/` that closes the block comment opening at `at`, or NOT_FOUND. */
export function blockCommentEnd(text: string, at: number): number {
  const close = text.indexOf('*/', at + 2);
  return close < 0 ? NOT_FOUND : close + 2;
}

/** Index of the newline that ends the line comment opening at `at` (a backslash-newline continues it), or the text's length. */
export function lineCommentEnd(text: string, at: number): number {
  for (let nl = text.indexOf('\n', at + 2); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
    const last = text.charCodeAt(nl - 1) === CR ? nl - 2 : nl - 1;
    if (last < at + 2 || text.charCodeAt(last) !== BACKSLASH) return nl;
  }
  return text.length;
}

/** Index just past the quote that closes the string or character literal opening at `at`, past escapes and backslash-newlines; NOT_FOUND when a newline or the text's end comes first (or no quote stands at `at`). */
export function literalEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  if (quote !== DQUOTE && quote !== SQUOTE) return NOT_FOUND;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === NEWLINE) return NOT_FOUND;
    // The escaped character, a newline included (a backslash-newline, CR LF too).
    if (c === BACKSLASH) i += Math.max(1, joinedLines(text, i));
  }
  return NOT_FOUND;
}

/** How many characters after the backslash at `at` a backslash-newline joins: 1 for LF, 2 for CR LF, else 0. */
function joinedLines(text: string, at: number): number {
  const next = text.charCodeAt(at + 1);
  if (next === NEWLINE) return 1;
  return next === CR && text.charCodeAt(at + 2) === NEWLINE ? 2 : 0;
}

/** Whether a comment or a literal may open at the character `c` (a slash or a quote). */
function mayOpen(c: number): boolean {
  return c === SLASH || c === DQUOTE || c === SQUOTE;
}

/**
 * Where code resumes after the comment or literal opening at `at`: past its end, at the
 * newline of a line comment or of a stray quote's line, at the text's end for a block
 * comment never closed; `at` itself when neither opens there.
 */
export function skipCommentOrLiteral(text: string, at: number): number {
  const c = text.charCodeAt(at);
  if (c === DQUOTE || c === SQUOTE) {
    const end = literalEnd(text, at);
    if (end !== NOT_FOUND) return end;
    const nl = text.indexOf('\n', at);
    return nl < 0 ? text.length : nl;
  }
  if (c !== SLASH) return at;
  const next = text.charCodeAt(at + 1);
  if (next === SLASH) return lineCommentEnd(text, at);
  if (next !== STAR) return at;
  const end = blockCommentEnd(text, at);
  return end === NOT_FOUND ? text.length : end;
}

/** End of the logical line at `at`: its newline (or the text's end), past backslash-newlines, comments and literals. */
export function lineEnd(text: string, at: number): number {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) return i;
    if (c === BACKSLASH) i += joinedLines(text, i);
    else if (mayOpen(c)) i = Math.max(i, skipCommentOrLiteral(text, i) - 1);
  }
  return text.length;
}

export interface BracketOptions {
  /** Search no further than this index. */
  end?: number;
  /**
   * Give up at a `;` more than this many characters after the opening bracket: a bracket
   * that a macro leaves open would otherwise send every search to the end of the text.
   */
  semicolonLimit?: number;
}

/** Index of the bracket that closes the `(`, `[` or `{` at `open`, brackets in comments and literals not counted; NOT_FOUND when unbalanced. */
export function matchingBracket(text: string, open: number, options: BracketOptions = {}): number {
  const opener = text.charCodeAt(open);
  const closer = CLOSE_OF.get(opener);
  if (closer === undefined) return NOT_FOUND;
  const end = Math.min(options.end ?? text.length, text.length);
  const semicolonLimit = options.semicolonLimit ?? Number.POSITIVE_INFINITY;
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === opener) depth++;
    else if (c === closer) {
      if (--depth === 0) return i;
    } else if (mayOpen(c)) i = Math.max(i, skipCommentOrLiteral(text, i) - 1);
    else if (c === SEMICOLON && i - open > semicolonLimit) return NOT_FOUND;
  }
  return NOT_FOUND;
}

/**
 * Index of the bracket that opens the `)`, `]` or `}` at `close`, reading the text forward
 * from `from` (a point outside comments and literals) so that brackets in comments and
 * literals do not count; NOT_FOUND when none does, or when `close` lies in a comment or literal.
 */
export function openingBracket(text: string, close: number, from = 0): number {
  const closer = text.charCodeAt(close);
  const opener = OPEN_OF.get(closer);
  if (opener === undefined) return NOT_FOUND;
  const opens: number[] = [];
  for (let i = from; i < close; i++) {
    const c = text.charCodeAt(i);
    if (c === opener) opens.push(i);
    else if (c === closer) opens.pop();
    else if (mayOpen(c)) {
      const resume = skipCommentOrLiteral(text, i);
      if (resume > close) return NOT_FOUND;
      i = Math.max(i, resume - 1);
    }
  }
  return opens.at(-1) ?? NOT_FOUND;
}

/** One argument of a bracketed list: `text.slice(from, to)`, untrimmed. */
export interface ArgumentSpan {
  from: number;
  to: number;
}

/** The arguments of a bracketed list, and where it closes. */
export interface ArgumentList {
  /** Each argument ended by a comma outside nested brackets or by the closing bracket. */
  args: ArgumentSpan[];
  /** Index of the bracket that closes the list, or NOT_FOUND when the text (or `end`) comes first. */
  close: number;
}

/** Splits the list opening at `open` at its top-level commas (commas in nested brackets, comments and literals do not count), up to `end`. */
export function splitArguments(text: string, open: number, end = text.length): ArgumentList {
  const args: ArgumentSpan[] = [];
  const stop = Math.min(end, text.length);
  let depth = 0;
  let from = open + 1;
  for (let i = from; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (CLOSE_OF.has(c)) depth++;
    else if (OPEN_OF.has(c)) {
      if (depth === 0) {
        args.push({ from, to: i });
        return { args, close: i };
      }
      depth--;
    } else if (c === COMMA && depth === 0) {
      args.push({ from, to: i });
      from = i + 1;
    } else if (mayOpen(c)) i = Math.max(i, skipCommentOrLiteral(text, i) - 1);
  }
  return { args, close: NOT_FOUND };
}

export interface MaskOptions {
  /** Also blank what stands between the quotes of each literal (the quotes stay); a stray quote's literal is blanked to its line's end. */
  literals?: boolean;
}

/** Spaces for every character of `s` but newlines. */
export function blank(s: string): string {
  if (!s.includes('\n')) return ' '.repeat(s.length);
  return s
    .split('\n')
    .map((line) => ' '.repeat(line.length))
    .join('\n');
}

/** The last texts `maskCode` masked, and what it made of them. */
const MASKED_CODE = new Map<string, string>();
const MASKED_CODE_LIMIT = 32;

/**
 * `maskComments(text, { literals: true })`, kept for the last few texts: a query reads the
 * same files for its notes, its hooks and its statement graphs. For the analysis of a few
 * files at a time; the indexer masks each file once and calls maskComments.
 */
export function maskCode(text: string): string {
  let masked = MASKED_CODE.get(text);
  if (masked === undefined) {
    masked = maskComments(text, { literals: true });
    if (MASKED_CODE.size >= MASKED_CODE_LIMIT) MASKED_CODE.clear();
    MASKED_CODE.set(text, masked);
  }
  return masked;
}

/** The text with each comment (and, with `literals`, each literal's inside) replaced by spaces, newlines kept, so every offset and line stays where it was. */
export function maskComments(text: string, options: MaskOptions = {}): string {
  const parts: string[] = [];
  let copied = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!mayOpen(c)) continue;
    const resume = skipCommentOrLiteral(text, i);
    if (resume === i) continue;
    if (c === SLASH) {
      parts.push(text.slice(copied, i), blank(text.slice(i, resume)));
      copied = resume;
    } else if (options.literals) {
      // The closing quote stays; a stray quote's line has none.
      const end = literalEnd(text, i);
      const inside = end === NOT_FOUND ? resume : end - 1;
      parts.push(text.slice(copied, i + 1), blank(text.slice(i + 1, inside)));
      copied = inside;
    }
    i = resume - 1;
  }
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}
