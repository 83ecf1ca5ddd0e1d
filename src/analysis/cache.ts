// The on-disk index: per-file facts (for incremental re-indexing) and the resolved graph
// (what queries load). Both live outside the kernel tree, are written atomically, carry
// the index format version, and are safe to delete: a missing, corrupt or foreign cache
// is rebuilt with a one-line message.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileFacts } from './facts';
import type { GraphData } from './graph';

/**
 * Bump when extraction or resolution changes what a cache holds: caches of another
 * version are rebuilt. (A cached file's facts depend on its text and this version only.)
 */
declare const NETPATHS_BUILD_HASH: string | undefined;
const BUILD = typeof NETPATHS_BUILD_HASH === 'string' ? NETPATHS_BUILD_HASH : 'source';
export const INDEX_VERSION = `netpaths-index-1+${BUILD}`;

export interface CachedFile {
  path: string;
  size: number;
  mtimeMs: number;
  facts: FileFacts;
}

interface FactsFile {
  version: string;
  root: string;
  files: CachedFile[];
}

/** What the unchanged-tree check needs, small enough to load in milliseconds. */
interface ManifestFile {
  version: string;
  root: string;
  paths: string[];
  sizes: Float64Array;
  mtimes: Float64Array;
}

interface GraphFile {
  version: string;
  root: string;
  graph: GraphData;
}

/** The default cache folder of a kernel tree and scope: `$XDG_CACHE_HOME/netpaths/index/<hash>`. */
export function defaultCacheDir(root: string, scope: string[]): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const key = createHash('sha256').update(resolve(root)).update('\0').update(scope.join('\0')).digest('hex').slice(0, 16);
  return join(base, 'netpaths', 'index', key);
}

function writeAtomic(path: string, data: Buffer): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

export type CacheRead<T> = { value: T } | { missing: true } | { problem: string };

function read<T extends { version: string; root: string }>(path: string, root: string, what: string): CacheRead<T> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return { missing: true };
  }
  let value: T;
  try {
    value = deserialize(bytes) as T;
  } catch {
    return { problem: `the ${what} cache ${path} is corrupt; rebuilding it` };
  }
  if (!value || typeof value !== 'object' || value.version !== INDEX_VERSION) {
    return { problem: `the ${what} cache ${path} is from another NetPaths version; rebuilding it` };
  }
  if (value.root !== resolve(root)) return { problem: `the ${what} cache ${path} belongs to ${value.root}; rebuilding it` };
  return { value };
}

export class IndexCache {
  constructor(
    readonly dir: string,
    private readonly root: string,
  ) {}

  private get factsPath(): string {
    return join(this.dir, 'facts.v8');
  }

  private get graphPath(): string {
    return join(this.dir, 'graph.v8');
  }

  private get manifestPath(): string {
    return join(this.dir, 'manifest.v8');
  }

  /** Path -> [size, mtime] of every file the cached index was built from. */
  readManifest(): CacheRead<Map<string, [number, number]>> {
    const r = read<ManifestFile>(this.manifestPath, this.root, 'manifest');
    if (!('value' in r)) return r;
    const m = new Map<string, [number, number]>();
    r.value.paths.forEach((p, i) => m.set(p, [r.value.sizes[i] ?? -1, r.value.mtimes[i] ?? -1]));
    return { value: m };
  }

  readFacts(): CacheRead<CachedFile[]> {
    const r = read<FactsFile>(this.factsPath, this.root, 'facts');
    return 'value' in r ? { value: Array.isArray(r.value.files) ? r.value.files : [] } : r;
  }

  readGraph(): CacheRead<GraphData> {
    const r = read<GraphFile>(this.graphPath, this.root, 'graph');
    return 'value' in r ? { value: r.value.graph } : r;
  }

  write(files: CachedFile[], graph: GraphData): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(this.manifestPath, { force: true });
    const root = resolve(this.root);
    writeAtomic(this.factsPath, serialize({ version: INDEX_VERSION, root, files } satisfies FactsFile));
    writeAtomic(this.graphPath, serialize({ version: INDEX_VERSION, root, graph } satisfies GraphFile));
    const manifest: ManifestFile = {
      version: INDEX_VERSION,
      root,
      paths: files.map((f) => f.path),
      sizes: Float64Array.from(files, (f) => f.size),
      mtimes: Float64Array.from(files, (f) => f.mtimeMs),
    };
    // Written last: a manifest promises that the facts and graph beside it match it.
    writeAtomic(this.manifestPath, serialize(manifest));
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
