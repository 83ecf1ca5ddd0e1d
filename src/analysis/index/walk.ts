// The walk stage: which files of a kernel tree are indexed. Symbolic links are never
// followed (no loops, nothing outside the tree); unreadable folders are reported, not fatal.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import KERNEL_TREE from './kernel-tree.json';

export interface SourceFile {
  /** Relative to the kernel root, `/`-separated. */
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: SourceFile[];
  /** Folders that could not be read, with the reason. */
  problems: string[];
}

const SKIPPED_DIRS = new Set(['.git', '.pc', 'node_modules']);

/**
 * The folder given as the kernel is not one. Its message says what is wrong; each shell
 * adds how to point at another folder (the CLI: --kernel; the extension: a setting).
 */
export class NotKernelTreeError extends Error {}

/** `a`, `a and no b`, `a, no b and no c`. */
function listOf(paths: string[]): string {
  const last = paths[paths.length - 1] ?? '';
  return paths.length > 1 ? `${paths.slice(0, -1).join(', no ')} and no ${last}` : last;
}

/**
 * What is missing for `root` to be a Linux source tree by the one rule of kernel-tree.json
 * (every path it names is a file), as the end of a sentence: `it has no net/core/dev.c`;
 * `undefined` when nothing is. Does not check that `root` itself is a readable folder.
 */
export function kernelTreeProblem(root: string): string | undefined {
  const missing: string[] = [];
  const notFiles: string[] = [];
  for (const path of KERNEL_TREE.required) {
    let isFile: boolean | undefined;
    try {
      isFile = statSync(join(root, path)).isFile();
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

/** Throws a one-line `NotKernelTreeError` unless `root` is a Linux source tree (kernel-tree.json). */
export function assertKernelTree(root: string): void {
  let isDir = false;
  try {
    isDir = statSync(root).isDirectory();
  } catch (e) {
    throw new NotKernelTreeError(
      `cannot read ${root}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    );
  }
  if (!isDir) throw new NotKernelTreeError(`${root} is not a folder`);
  const problem = kernelTreeProblem(root);
  if (problem !== undefined)
    throw new NotKernelTreeError(`${root} does not look like a Linux kernel tree: ${problem}`);
}

/** Lists the `.c` and `.h` files under `root`, narrowed by `scope` globs when given. */
export function walkTree(root: string, scope: string[] = []): WalkResult {
  const matchers = scope.map((g) => picomatch(g, { dot: true }));
  // A glob such as `net/core/**` also admits its folder prefix, so the walk can prune early.
  const inScope = (path: string): boolean => matchers.length === 0 || matchers.some((m) => m(path));
  const files: SourceFile[] = [];
  const problems: string[] = [];
  const stack: string[] = [''];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch (e) {
      problems.push(`${dir || '.'}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      continue;
    }
    for (const entry of entries) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(path);
      } else if (entry.isFile() && /\.[ch]$/.test(entry.name) && inScope(path)) {
        try {
          const st = statSync(join(root, path));
          files.push({ path, size: st.size, mtimeMs: st.mtimeMs });
        } catch (e) {
          problems.push(`${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
        }
      }
    }
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}
