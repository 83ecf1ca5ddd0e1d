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
    return join(this.dir, 'graph.bin');
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
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.graphPath);
    } catch {
      return { missing: true };
    }
    try {
      const { header, graph } = decodeGraph(bytes);
      if (header.version !== INDEX_VERSION) return { problem: `the graph cache ${this.graphPath} is from another NetPaths version; rebuilding it` };
      if (header.root !== resolve(this.root)) return { problem: `the graph cache ${this.graphPath} belongs to ${header.root}; rebuilding it` };
      return { value: graph };
    } catch {
      return { problem: `the graph cache ${this.graphPath} is corrupt; rebuilding it` };
    }
  }

  write(files: CachedFile[], graph: GraphData): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(this.manifestPath, { force: true });
    const root = resolve(this.root);
    writeAtomic(this.factsPath, serialize({ version: INDEX_VERSION, root, files } satisfies FactsFile));
    writeAtomic(this.graphPath, encodeGraph(graph, { version: INDEX_VERSION, root }));
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

// ---- the graph file -------------------------------------------------------------------
// Queries load it on every run, so it is laid out to be mapped, not parsed: a JSON header,
// then each typed array's bytes (8-byte aligned), then the string table joined by NUL.
// Loading is one read and a view per column.

const MAGIC = 'NPG1';
const COLUMNS = [
  'nodeName', 'nodeFile', 'nodeLine', 'nodeFlags',
  'edgeFrom', 'edgeTo', 'edgeLine', 'edgeCol', 'edgeKind', 'edgeVia', 'edgeArgs',
  'bindSlot', 'bindFn', 'bindFile', 'bindLine', 'bindVia',
] as const;
type Column = (typeof COLUMNS)[number];

interface GraphHeader {
  version: string;
  root: string;
  stats: GraphData['stats'];
  columns: Record<Column, { offset: number; length: number; type: 'i32' | 'u8' }>;
  strings: { offset: number; bytes: number; count: number };
}

const align8 = (n: number): number => (n + 7) & ~7;

export function encodeGraph(graph: GraphData, meta: { version: string; root: string }): Buffer {
  const strings = Buffer.from(graph.strings.join('\0'), 'utf8');
  const columns = {} as GraphHeader['columns'];
  let offset = 0;
  for (const c of COLUMNS) {
    const a = graph[c];
    columns[c] = { offset, length: a.length, type: a instanceof Uint8Array ? 'u8' : 'i32' };
    offset = align8(offset + a.byteLength);
  }
  const header: GraphHeader = { ...meta, stats: graph.stats, columns, strings: { offset, bytes: strings.length, count: graph.strings.length } };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(8 + headerBytes.length);
  const out = Buffer.alloc(start + offset + strings.length);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(out, 8);
  for (const c of COLUMNS) {
    const a = graph[c];
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, start + columns[c].offset);
  }
  strings.copy(out, start + offset);
  return out;
}

export function decodeGraph(bytes: Buffer): { header: GraphHeader; graph: GraphData } {
  if (bytes.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a NetPaths graph file');
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as GraphHeader;
  const start = align8(8 + headerLength);
  // Typed-array views need aligned offsets into the buffer; copy once if the read was not aligned.
  const base = (bytes.byteOffset + start) % 8 === 0 ? bytes : Buffer.from(bytes);
  const column = (c: Column): Int32Array | Uint8Array => {
    const { offset, length, type } = header.columns[c];
    const at = base.byteOffset + start + offset;
    if (at + length * (type === 'u8' ? 1 : 4) > base.byteOffset + base.length) throw new Error('truncated graph file');
    return type === 'u8' ? new Uint8Array(base.buffer, at, length) : new Int32Array(base.buffer, at, length);
  };
  const s = header.strings;
  const strings = s.count === 0 ? [] : base.toString('utf8', start + s.offset, start + s.offset + s.bytes).split('\0');
  if (strings.length !== s.count) throw new Error('string table does not match its header');
  const graph = { strings, stats: header.stats } as GraphData;
  for (const c of COLUMNS) (graph as unknown as Record<Column, Int32Array | Uint8Array>)[c] = column(c);
  return { header, graph };
}
