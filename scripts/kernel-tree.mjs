// Whether a folder is a Linux source tree, by the one rule NetPaths' indexer uses
// (src/analysis/index/kernel-tree.json), for the scripts that cannot import TypeScript:
//
//   node scripts/kernel-tree.mjs DIR    exit 0 when DIR is one; else one line on stderr, exit 1
//
// scripts/bench.mjs imports kernelTreeProblem; scripts/kernel.sh runs this file. Its
// answers are those of kernelTreeProblem in src/analysis/index/walk.ts (a unit test
// compares them).
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RULE = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.url)), '../src/analysis/index/kernel-tree.json'),
    'utf8',
  ),
);

/** `a`, `a and no b`, `a, no b and no c`. */
function listOf(paths) {
  const last = paths.at(-1);
  return paths.length > 1 ? `${paths.slice(0, -1).join(', no ')} and no ${last}` : last;
}

/** What `dir` lacks to be a kernel tree (`it has no net/core/dev.c`), or undefined. */
export function kernelTreeProblem(dir) {
  try {
    if (!statSync(dir).isDirectory()) return 'it is not a folder';
  } catch (e) {
    return `it cannot be read (${e.code ?? e.message})`;
  }
  const missing = [];
  const notFiles = [];
  for (const path of RULE.required) {
    let isFile;
    try {
      isFile = statSync(join(dir, path)).isFile();
    } catch {
      isFile = undefined;
    }
    if (isFile === undefined) missing.push(path);
    else if (!isFile) notFiles.push(path);
  }
  const parts = [
    ...(missing.length > 0 ? [`it has no ${listOf(missing)}`] : []),
    ...notFiles.map((p) => `its ${p} is not a file`),
  ];
  return parts.length > 0 ? parts.join(', and ') : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir || process.argv.length > 3) {
    process.stderr.write('usage: node scripts/kernel-tree.mjs DIR\n');
    process.exit(2);
  }
  const problem = kernelTreeProblem(dir);
  if (problem !== undefined) {
    process.stderr.write(`${dir} is not a Linux kernel tree: ${problem}\n`);
    process.exit(1);
  }
}
