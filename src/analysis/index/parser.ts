// Loading web-tree-sitter and the C grammar. Invariant: web-tree-sitter is loaded in this
// file only, and only through `require`, so there is one copy of it per thread (an
// `import` elsewhere would load the ESM build beside it, never initialised).

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TreeSitter from 'web-tree-sitter';

// eslint-disable-next-line @typescript-eslint/consistent-type-imports
const ts = require('web-tree-sitter') as typeof import('web-tree-sitter');

/** The folder holding the pinned WASM files: grammars/ at the package root. */
export function grammarsDir(): string {
  for (let dir = __dirname, i = 0; i < 6; i++, dir = dirname(dir)) {
    const candidate = join(dir, 'grammars');
    if (existsSync(join(candidate, 'tree-sitter-c.wasm'))) return candidate;
  }
  throw new Error('grammars/tree-sitter-c.wasm not found: run `npm run build` first');
}

export interface CParser {
  parser: TreeSitter.Parser;
  language: TreeSitter.Language;
  query(source: string): TreeSitter.Query;
}

let loaded: Promise<CParser> | undefined;

/** One parser per thread, created on first use. */
export function loadCParser(): Promise<CParser> {
  loaded ??= (async () => {
    const dir = grammarsDir();
    await ts.Parser.init({ locateFile: (name: string) => join(dir, name) });
    const language = await ts.Language.load(join(dir, 'tree-sitter-c.wasm'));
    const parser = new ts.Parser();
    parser.setLanguage(language);
    return { parser, language, query: (source: string) => new ts.Query(language, source) };
  })();
  return loaded;
}
