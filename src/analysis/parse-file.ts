// The parse stage for one file: read, guard, preprocess, parse, extract. Used by the
// parse workers and, for a single file, directly by tests.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Query } from 'web-tree-sitter';
import { Extractor, objectMacros } from './extract';
import type { FileFacts } from './facts';
import type { CParser } from './parser';
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

function emptyFacts(path: string, skipped?: string): FileFacts {
  const facts: FileFacts = { path, funcs: [], calls: { ints: new Int32Array(0), strings: [], chains: [], extras: [] }, stores: [], structs: [], typedefs: {}, globals: {}, includes: [], errors: 0 };
  if (skipped) facts.skipped = skipped;
  return facts;
}

/** Parses `text` as the file `path` (relative to the kernel root). Never throws on bad C. */
export function extractFacts(path: string, text: string, cparser: CParser, query: Query, limits = DEFAULT_LIMITS): FileFacts {
  // Machine-generated register headers (a third of the tree's bytes) hold only object-like
  // #defines: nothing a call graph needs, and the costliest files to parse.
  if (text.length > limits.dataHeaderBytes && path.endsWith('.h') && !text.includes('{') && !/#\s*define\s+\w+\([^)]*\)[^\n]*\w\s*\(/.test(text)) {
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
    if (!tree) return emptyFacts(path, timedOut ? `parse timed out after ${limits.timeoutMs} ms` : 'parser returned no tree');
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
 */
export function chunks(text: string, minLines: number): { text: string; firstRow: number }[] {
  const out: { text: string; firstRow: number }[] = [];
  let start = 0;
  let startRow = 0;
  let row = 0;
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    if (text.charCodeAt(at) === 125 /* } */ && row - startRow + 1 >= minLines && text.charCodeAt(at - 2) !== 92 /* \\ */) {
      out.push({ text: text.slice(start, end), firstRow: startRow });
      start = end + 1;
      startRow = row + 1;
    }
    at = end + 1;
    row++;
  }
  if (start < text.length) out.push({ text: text.slice(start), firstRow: startRow });
  return out;
}

/** Reads and parses one file under `root`; unreadable, binary or huge files become skipped facts. */
export function parseFile(root: string, path: string, cparser: CParser, query: Query, limits = DEFAULT_LIMITS): FileFacts {
  let bytes: Buffer;
  try {
    bytes = readFileSync(join(root, path));
  } catch (e) {
    return emptyFacts(path, `unreadable: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (bytes.length > limits.maxBytes) return emptyFacts(path, `larger than ${limits.maxBytes} bytes`);
  if (bytes.indexOf(0) >= 0) return emptyFacts(path, 'binary (contains NUL bytes)');
  return extractFacts(path, bytes.toString('utf8'), cparser, query, limits);
}
