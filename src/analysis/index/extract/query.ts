// The tree-sitter query extraction runs on every chunk of every file, kept in
// extract.scm beside this file. The bundles get its text from the build (esbuild's
// `define` of NETPATHS_EXTRACT_QUERY in scripts/build.mjs, as for the build hash), so a
// packaged NetPaths reads no file for it; run from source (tsx, the tests) it is read from
// the file. The file lies under src/analysis/index, so it is part of the index version.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

declare const NETPATHS_EXTRACT_QUERY: string | undefined;

/** The captures extraction works from; ordered by position in the file. */
export const EXTRACT_QUERY: string =
  typeof NETPATHS_EXTRACT_QUERY === 'string'
    ? NETPATHS_EXTRACT_QUERY
    : readFileSync(join(__dirname, 'extract.scm'), 'utf8');
