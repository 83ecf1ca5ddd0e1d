// Where the kernel backs a knowledge row: a file, a definition in it (a function, a macro,
// an enum constant, a struct or a struct member) and the text that definition must hold for
// the row to be true (`pskb_may_pull_reason` must call `__pskb_pull_tail`). A citation
// names the definition, never a line number, so it survives the tree moving; the line is
// found at run time in the user's own tree (locateCitation), and a citation whose
// definition is gone or no longer holds its text says why. Pure: file text comes in.

import { NOT_FOUND, maskCode, matchingBracket } from '../index/c-text';

export interface Citation {
  /** The file, relative to the kernel root. */
  file: string;
  /**
   * The definition: a function, macro or enum constant by name (`pskb_may_pull_reason`), a
   * struct (`struct sk_buff`) or one of its members (`sk_buff.head`).
   */
  symbol: string;
  /**
   * Text the definition must contain for the row to hold, compared with runs of white
   * space folded: a call (`__pskb_pull_tail`), a test (`len > skb->len`), a store.
   */
  holds?: readonly string[];
}

/** Where a citation stands in one tree. */
export interface CitedPlace {
  file: string;
  symbol: string;
  /** 1-based line of the definition's name. */
  line: number;
  /** 1-based last line of the definition. */
  endLine: number;
  /** 1-based line of each `holds` text found, in the order of `holds`. */
  holdLines: number[];
}

/** A citation located in a tree, or why it does not hold there. */
export type CitationCheck =
  { ok: true; place: CitedPlace } | { ok: false; reason: string; place?: CitedPlace };

/** Reads a file of the kernel tree (relative path); undefined when it cannot. */
export type ReadSource = (file: string) => string | undefined;

/** Files already masked, keyed by their text: a check of every row reads few files many times. */
const masked = new Map<string, { text: string; depth: Int32Array; lineStarts: number[] }>();

function prepared(text: string): { text: string; depth: Int32Array; lineStarts: number[] } {
  let p = masked.get(text);
  if (!p) {
    const m = maskCode(text);
    // Brace depth before each character, so a definition is told from a call inside a body.
    const depth = new Int32Array(m.length + 1);
    let d = 0;
    for (let i = 0; i < m.length; i++) {
      depth[i] = d;
      const c = m.charCodeAt(i);
      if (c === 123) d++;
      else if (c === 125 && d > 0) d--;
    }
    depth[m.length] = d;
    const lineStarts = [0];
    for (let i = m.indexOf('\n'); i >= 0; i = m.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    p = { text: m, depth, lineStarts };
    if (masked.size > 64) masked.clear();
    masked.set(text, p);
  }
  return p;
}

function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Skips white space and attribute-like words with their arguments (`__releases(x)`, `__acquires(y)`). */
function skipAttributes(m: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < m.length && /\s/.test(m[i] as string)) i++;
    const word = /^(?:__\w+|\w+_ONCE)\b/.exec(m.slice(i, i + 64));
    if (!word) return i;
    i += word[0].length;
    while (i < m.length && /\s/.test(m[i] as string)) i++;
    if (m[i] === '(') {
      const close = matchingBracket(m, i);
      if (close === NOT_FOUND) return i;
      i = close + 1;
    }
  }
}

/** The span [start, end) of a definition of `symbol` in masked text, with the offset of its name. */
function findDefinition(
  p: { text: string; depth: Int32Array },
  symbol: string,
): { name: number; start: number; end: number } | undefined {
  const m = p.text;
  const struct = /^struct\s+(\w+)$/.exec(symbol);
  const member = /^(\w+)\.(\w+)$/.exec(symbol);
  if (struct || member) {
    const name = (struct?.[1] ?? member?.[1]) as string;
    const re = new RegExp(`\\bstruct\\s+${escapeRe(name)}\\s*\\{`, 'g');
    for (let hit = re.exec(m); hit; hit = re.exec(m)) {
      if (p.depth[hit.index] !== 0) continue;
      const open = hit.index + hit[0].length - 1;
      const close = matchingBracket(m, open);
      if (close === NOT_FOUND) continue;
      if (struct) return { name: hit.index, start: hit.index, end: close + 1 };
      const field = member?.[2] as string;
      const body = m.slice(open, close);
      // `type field;`, `type field:3,`, `type field[N];`, `type (*field)(...)`.
      const fre = new RegExp(
        `(?:\\(\\s*\\*\\s*${escapeRe(field)}\\s*\\)|\\b${escapeRe(field)}\\b(?=\\s*(?:\\[[^\\]]*\\]\\s*)?(?::\\s*\\w+\\s*)?(?:__\\w+(?:\\([^)]*\\))?\\s*)*[;,]))`,
      );
      const f = fre.exec(body);
      if (!f) return undefined;
      const at = open + f.index;
      const lineStart = m.lastIndexOf('\n', at) + 1;
      const lineEnd = m.indexOf('\n', at);
      return { name: at, start: lineStart, end: lineEnd < 0 ? m.length : lineEnd };
    }
    return undefined;
  }
  // A macro: `#define NAME` with its continuation lines.
  const define = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${escapeRe(symbol)}\\b`, 'm').exec(m);
  if (define) {
    let end = define.index;
    for (;;) {
      const nl = m.indexOf('\n', end);
      if (nl < 0) {
        end = m.length;
        break;
      }
      end = nl;
      if (
        m.charCodeAt(nl - 1) !== 92 &&
        !(m.charCodeAt(nl - 1) === 13 && m.charCodeAt(nl - 2) === 92)
      )
        break;
      end = nl + 1;
    }
    return { name: define.index + define[0].length - symbol.length, start: define.index, end };
  }
  // A function: the name at brace depth 0, followed by its parameters and a body.
  // Conditional code can leave the brace count off (`#if A { #else { #endif`), so a body
  // opening in column 0, the kernel's style for functions, counts at any depth.
  const re = new RegExp(`\\b${escapeRe(symbol)}\\s*\\(`, 'g');
  for (let hit = re.exec(m); hit; hit = re.exec(m)) {
    const before = m.slice(Math.max(0, hit.index - 2), hit.index);
    if (/->|\.$/.test(before)) continue;
    const open = hit.index + hit[0].length - 1;
    const close = matchingBracket(m, open);
    if (close === NOT_FOUND) continue;
    const body = skipAttributes(m, close + 1);
    if (m[body] !== '{') continue;
    if (p.depth[hit.index] !== 0 && m[body - 1] !== '\n') continue;
    const end = matchingBracket(m, body);
    if (end === NOT_FOUND) continue;
    return { name: hit.index, start: hit.index, end: end + 1 };
  }
  // An enum constant or an initialised variable: `NAME,` `NAME =` inside an enum at depth 1.
  const en = new RegExp(`(?:^|[\\s,{])(${escapeRe(symbol)})\\s*(?:=[^,}]*)?[,}]`, 'gm');
  for (let hit = en.exec(m); hit; hit = en.exec(m)) {
    const at = hit.index + hit[0].indexOf(symbol);
    if (p.depth[at] !== 1) continue;
    const open = m.lastIndexOf('{', at);
    if (!/\benum\b[^;{}]*$/.test(m.slice(Math.max(0, open - 80), open))) continue;
    const lineEnd = m.indexOf('\n', at);
    return { name: at, start: at, end: lineEnd < 0 ? m.length : lineEnd };
  }
  return undefined;
}

/**
 * The definition of `symbol` in a file's text, as written (comments kept): its text and the
 * line it starts on; undefined when the file does not define it.
 */
export function definitionText(
  text: string,
  symbol: string,
): { body: string; firstLine: number } | undefined {
  const p = prepared(text);
  const def = findDefinition(p, symbol);
  if (!def) return undefined;
  return { body: text.slice(def.start, def.end), firstLine: lineOf(p.lineStarts, def.start) };
}

/** The text with runs of white space folded to one space. */
function fold(s: string): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  let space = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (/\s/.test(c)) {
      if (!space && text.length > 0) {
        text += ' ';
        offsets.push(i);
      }
      space = true;
    } else {
      text += c;
      offsets.push(i);
      space = false;
    }
  }
  return { text, offsets };
}

/**
 * Finds a citation in one file's text: the line of its definition, and of each text it must
 * hold. A `holds` text is looked for in the definition with comments and literals masked,
 * white space folded, so a comment that names a call does not make the row hold.
 */
export function locateCitation(text: string, cite: Citation): CitationCheck {
  const p = prepared(text);
  const def = findDefinition(p, cite.symbol);
  if (!def) return { ok: false, reason: `${cite.symbol} is not defined in ${cite.file}` };
  const place: CitedPlace = {
    file: cite.file,
    symbol: cite.symbol,
    line: lineOf(p.lineStarts, def.name),
    endLine: lineOf(p.lineStarts, Math.max(def.start, def.end - 1)),
    holdLines: [],
  };
  const body = fold(p.text.slice(def.start, def.end));
  for (const h of cite.holds ?? []) {
    const at = body.text.indexOf(fold(h).text);
    if (at < 0)
      return {
        ok: false,
        reason: `${cite.symbol} (${cite.file}:${place.line}) does not contain \`${h}\``,
        place,
      };
    place.holdLines.push(lineOf(p.lineStarts, def.start + (body.offsets[at] as number)));
  }
  return { ok: true, place };
}

/** Finds a citation in a tree through `read`: undefined reasons become a missing file. */
export function checkCitation(read: ReadSource, cite: Citation): CitationCheck {
  const text = read(cite.file);
  if (text === undefined) return { ok: false, reason: `${cite.file} is not in the tree` };
  return locateCitation(text, cite);
}

/** `include/linux/skbuff.h:2798 (pskb_may_pull_reason)`: how a located citation is shown. */
export function formatPlace(place: CitedPlace): string {
  return `${place.file}:${place.line} (${place.symbol})`;
}

/** `include/linux/skbuff.h (pskb_may_pull_reason)`: a citation shown without a tree. */
export function formatCitation(cite: Citation): string {
  return `${cite.file} (${cite.symbol})`;
}
