// The walk stage: which files of a kernel tree are indexed. Symbolic links are never
// followed (no loops, nothing outside the tree); unreadable folders are reported, not fatal.

import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';

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

/** Throws a one-line `NotKernelTreeError` unless `root` looks like a Linux source tree. */
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
  const markers = ['Kbuild', 'Kconfig', 'MAINTAINERS'];
  if (!markers.some((m) => existsSync(join(root, m))) || !existsSync(join(root, 'include/linux'))) {
    throw new NotKernelTreeError(
      `${root} does not look like a Linux kernel tree (no Kbuild/Kconfig and include/linux)`,
    );
  }
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
