// The parse stage for one file: read, guard, preprocess, parse, extract. Used by the
// parse workers and, for a single file, directly by tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Query } from 'web-tree-sitter';
import { Extractor, objectMacros } from './extract';
import type { FileFacts } from './facts';
import type { CParser } from './parser';
import { commentEnd, preprocess } from './preprocess';

export interface ParseLimits {
  /** Files larger than this are recorded as skipped. */
  maxBytes: number;
  /** A parse taking longer than this is abandoned and the file recorded as skipped. */
  timeoutMs: number;
  /** Headers larger than this that hold no braces and no calling macros are not parsed. */
  dataHeaderBytes: number;
  /** The smallest chunk parsed on its own (see `chunks`). */
  chunkLines: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 8 * 1024 * 1024,
  timeoutMs: 20_000,
  dataHeaderBytes: 256 * 1024,
  chunkLines: 100,
};

function emptyFacts(path: string, skipped?: string): FileFacts {
  const facts: FileFacts = {
    path,
    funcs: [],
    calls: { ints: new Int32Array(0), strings: [], chains: [], extras: [] },
    stores: [],
    structs: [],
    typedefs: {},
    globals: {},
    includes: [],
    errors: 0,
  };
  if (skipped) facts.skipped = skipped;
  return facts;
}

/** Parses `text` as the file `path` (relative to the kernel root). Never throws on bad C. */
export function extractFacts(
  path: string,
  text: string,
  cparser: CParser,
  query: Query,
  limits = DEFAULT_LIMITS,
): FileFacts {
  // Machine-generated register headers (a third of the tree's bytes) hold only object-like
  // #defines: nothing a call graph needs, and the costliest files to parse.
  if (
    text.length > limits.dataHeaderBytes &&
    path.endsWith('.h') &&
    !text.includes('{') &&
    !/#\s*define\s+\w+\([^)]*\)[^\n]*\w\s*\(/.test(text)
  ) {
    return emptyFacts(path);
  }
  const source = preprocess(text);
  const deadline = Date.now() + limits.timeoutMs;
  let timedOut = false;
  const options = {
    progressCallback: (): boolean => {
      if (Date.now() > deadline) timedOut = true;
      return timedOut;
    },
  };
  const macros = objectMacros(text);
  const extractor = new Extractor(path, query, macros.initializers);
  for (const chunk of chunks(source, limits.chunkLines)) {
    const tree = cparser.parser.parse(chunk.text, null, options);
    if (!tree)
      return emptyFacts(
        path,
        timedOut ? `parse timed out after ${limits.timeoutMs} ms` : 'parser returned no tree',
      );
    try {
      extractor.add(tree, chunk.firstRow);
    } finally {
      tree.delete();
    }
  }
  const facts = extractor.finish(cparser.parser);
  if (macros.fields) facts.fieldMacros = macros.fields;
  return facts;
}

/**
 * Splits a file into chunks that end at a line starting with `}` (the end of a function,
 * struct or initializer in kernel style), each at least `minLines` long. Parsing chunks
 * apart bounds the damage of tree-sitter's error recovery: one unparsable macro use (a
 * switch of `N(UP) N(DOWN)` in net/core/dev.c) can otherwise swallow the rest of a file.
 *
 * Such a line ends a chunk only where it closes every brace opened before it: a block
 * written at column 0 inside a function (drivers/net/ethernet/seeq/ether3.c, `ether3_rx`)
 * must not cut the function in two. Braces are counted outside comments, string and
 * character literals and preprocessor lines; of the branches of an `#if`, each starts at
 * the depth of the `#if`, so `#ifdef X` `f(int a) {` `#else` `f(void) {` `#endif` opens one.
 */
export function chunks(text: string, minLines: number): { text: string; firstRow: number }[] {
  const out: { text: string; firstRow: number }[] = [];
  let start = 0;
  let startRow = 0;
  let row = 0;
  let depth = 0;
  /** The depth at each open `#if`. */
  const ifs: number[] = [];
  let inComment = false;
  /** The quote of a string literal continued on the next line, or 0. */
  let quote = 0;
  /** Where the open comment ends, at its star-slash (-1: nowhere). */
  let openCommentEnd = -1;
  /** The line continues a preprocessor line (a `#define` body). */
  let inDirective = false;
  const n = text.length;
  for (let at = 0; at < n;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = n;
    // A preprocessor line, or the continuation of one: its braces do not count.
    let directive: boolean = inDirective;
    /** The line starts outside comments and preprocessor lines. */
    const fresh = !inDirective && !inComment && quote === 0;
    let i = at;
    if (quote !== 0) {
      // A string continued from the line before, which ended in a backslash.
      const close = literalEnd(text, i, end, quote);
      if (close < end || text.charCodeAt(end - 1) !== 92) quote = 0;
      i = close + 1;
    }
    if (fresh) {
      while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      if (text.charCodeAt(i) === 35 /* # */) {
        directive = true;
        const word = /^#\s*(\w+)/.exec(text.slice(i, Math.min(end, i + 24)))?.[1];
        if (word === 'if' || word === 'ifdef' || word === 'ifndef') ifs.push(depth);
        else if (word === 'else' || word === 'elif' || word === 'elifdef' || word === 'elifndef')
          depth = ifs.at(-1) ?? depth;
        else if (word === 'endif') ifs.pop();
      }
    }
    inDirective = directive && end > at && text.charCodeAt(end - 1) === 92; /* \\ */
    for (; i < end; i++) {
      if (inComment) {
        if (openCommentEnd < 0 || openCommentEnd >= end) break;
        i = openCommentEnd + 1;
        inComment = false;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === 47 /* / */) {
        const d = text.charCodeAt(i + 1);
        if (d === 47) break;
        if (d === 42) {
          inComment = true;
          openCommentEnd = commentEnd(text, i + 2);
          i++;
        }
      } else if (directive) {
        continue;
      } else if (c === 34 /* " */ || c === 39 /* ' */) {
        i = literalEnd(text, i + 1, end, c);
        // `"...\` goes on to the next line (tools/testing/selftests/bpf: C source in strings).
        if (i >= end && text.charCodeAt(end - 1) === 92) quote = c;
      } else if (c === 123 /* { */) {
        depth++;
      } else if (c === 125 /* } */ && depth > 0) {
        depth--;
      }
    }
    if (fresh && !directive && text.charCodeAt(at) === 125 /* } */) {
      // A `}` line followed by a blank line ends a function in kernel style even when the
      // count says otherwise: an `#if 0` around an unbalanced `if (x) {` (drivers/atm/iphase.c).
      if (depth > 0 && blankLine(text, end + 1)) depth = 0;
      if (depth === 0 && row - startRow + 1 >= minLines) {
        out.push({ text: text.slice(start, end), firstRow: startRow });
        start = end + 1;
        startRow = row + 1;
      }
    }
    at = end + 1;
    row++;
  }
  if (start < n) out.push({ text: text.slice(start), firstRow: startRow });
  return out;
}

/** Index of the quote `q` that closes a literal from `from`, past escapes; `to` when the line ends first. */
function literalEnd(text: string, from: number, to: number, q: number): number {
  let i = from;
  for (; i < to && text.charCodeAt(i) !== q; i++) if (text.charCodeAt(i) === 92 /* \\ */) i++;
  return i;
}

/** Whether the line starting at `at` holds only blanks (or the text ends there). */
function blankLine(text: string, at: number): boolean {
  for (let i = at; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) return true;
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

/** Reads and parses one file under `root`; unreadable, binary or huge files become skipped facts. */
export function parseFile(
  root: string,
  path: string,
  cparser: CParser,
  query: Query,
  limits = DEFAULT_LIMITS,
): FileFacts {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, path));
  } catch (e) {
    return emptyFacts(path, `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length > limits.maxBytes)
    return emptyFacts(path, `larger than ${limits.maxBytes} bytes`);
  if (bytes.indexOf(0) >= 0) return emptyFacts(path, 'binary (contains NUL bytes)');
  return extractFacts(path, bytes.toString('utf8'), cparser, query, limits);
}
