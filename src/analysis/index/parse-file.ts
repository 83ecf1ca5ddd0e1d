// The parse stage for one file: read, guard, preprocess, parse, extract. Used by the
// parse workers and, for a single file, directly by tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Query } from 'web-tree-sitter';
import { Extractor, objectMacros } from './extract';
import type { FileFacts } from './facts';
import { emptyFacts } from './facts';
import type { CParser } from './parser';
import { lineEnd, skipCommentOrLiteral } from './c-text';
import { recordConditions } from './conditions';
import { preprocess } from './preprocess';

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

function skippedFacts(path: string, skipped: string): FileFacts {
  return { ...emptyFacts(path), skipped };
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
  const firstOnly: number[] = [];
  const source = preprocess(text, firstOnly);
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
      return skippedFacts(
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
  const conditions = recordConditions(text, firstOnly);
  if (conditions) facts.conditions = conditions;
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
  /** Where code resumes after a comment, literal or preprocessor line begun on an earlier line. */
  let resume = 0;
  const n = text.length;
  for (let at = 0; at < n;) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = n;
    /** The line starts outside comments, literals and preprocessor lines. */
    const fresh = at >= resume;
    const hash = fresh ? directiveAt(text, at, end) : -1;
    if (hash >= 0) {
      // A preprocessor line, continuations and comments included: its braces do not count.
      const word = /^#\s*(\w+)/.exec(text.slice(hash, Math.min(end, hash + 24)))?.[1];
      if (word === 'if' || word === 'ifdef' || word === 'ifndef') ifs.push(depth);
      else if (word === 'else' || word === 'elif' || word === 'elifdef' || word === 'elifndef')
        depth = ifs.at(-1) ?? depth;
      else if (word === 'endif') ifs.pop();
      resume = lineEnd(text, hash) + 1;
    } else if (resume < end) {
      const counted = countBraces(text, Math.max(at, resume), end, depth);
      depth = counted.depth;
      resume = counted.resume;
    }
    if (fresh && hash < 0 && text.charCodeAt(at) === 125 /* } */) {
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

/** Index of the `#` that opens a preprocessor line in [at, end) after blanks, or -1. */
function directiveAt(text: string, at: number, end: number): number {
  let i = at;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i < end && text.charCodeAt(i) === 35 /* # */ ? i : -1;
}

/**
 * Counts the braces of [from, end), a line of code, outside comments and literals, from
 * `depth` (never below 0); `resume` is past a comment or literal that runs on beyond the
 * line (`"...\` goes on: tools/testing/selftests/bpf holds C source in strings).
 */
function countBraces(
  text: string,
  from: number,
  end: number,
  depth: number,
): { depth: number; resume: number } {
  let d = depth;
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) d++;
    else if (c === 125 /* } */) d = Math.max(0, d - 1);
    else if (c === 47 /* / */ || c === 34 /* " */ || c === 39 /* ' */) {
      const skipped = skipCommentOrLiteral(text, i);
      if (skipped > end) return { depth: d, resume: skipped };
      i = Math.max(i, skipped - 1);
    }
  }
  return { depth: d, resume: end };
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
    return skippedFacts(path, `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length > limits.maxBytes)
    return skippedFacts(path, `larger than ${limits.maxBytes} bytes`);
  if (bytes.indexOf(0) >= 0) return skippedFacts(path, 'binary (contains NUL bytes)');
  return extractFacts(path, bytes.toString('utf8'), cparser, query, limits);
}
