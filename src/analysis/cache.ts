// The on-disk index: per-file facts (for incremental re-indexing) and the resolved graph
// (what queries load). Both live outside the kernel tree, are written atomically, carry
// the index format version, and are safe to delete: a missing, corrupt or foreign cache
// is rebuilt with a one-line message.

import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileFacts } from './facts';
import type { GraphData } from './graph';
import { StringTable } from './graph';

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

/** The first record of the facts file; the files follow in records of `FACTS_PER_RECORD`. */
interface FactsHeader {
  version: string;
  root: string;
  count: number;
}

/**
 * Files per record of the facts file. Serializing the whole tree's facts at once needs a
 * buffer of 400 MB (and V8 doubles it as it grows): records keep the peak to a few MB.
 */
const FACTS_PER_RECORD = 512;

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

/** Writes `parts` one after the other into a temporary file, then renames it over `path`. */
function writeAtomic(path: string, parts: Iterable<Uint8Array>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.byteLength; ) done += writeSync(fd, part, done);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A v8-serialized value preceded by its length (uint32 LE). */
function* record(value: unknown): Generator<Uint8Array> {
  const bytes = serialize(value);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  yield length;
  yield bytes;
}

/** Reads the records `record` wrote, one at a time. */
function* readRecords(path: string): Generator<unknown> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Buffer.alloc(4);
    for (let at = 0; ; ) {
      const got = readSync(fd, length, 0, 4, at);
      if (got === 0) return;
      if (got !== 4 || at + 4 + length.readUInt32LE(0) > size) throw new Error('truncated record');
      const bytes = Buffer.alloc(length.readUInt32LE(0));
      if (readSync(fd, bytes, 0, bytes.length, at + 4) !== bytes.length) throw new Error('truncated record');
      at += 4 + bytes.length;
      yield deserialize(bytes);
    }
  } finally {
    closeSync(fd);
  }
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
    const files: CachedFile[] = [];
    let header: FactsHeader | undefined;
    try {
      for (const value of readRecords(this.factsPath)) {
        if (!header) {
          header = value as FactsHeader;
          if (!header || typeof header !== 'object' || header.version !== INDEX_VERSION) {
            return { problem: `the facts cache ${this.factsPath} is from another NetPaths version; rebuilding it` };
          }
          if (header.root !== resolve(this.root)) return { problem: `the facts cache ${this.factsPath} belongs to ${header.root}; rebuilding it` };
          continue;
        }
        if (!Array.isArray(value)) throw new Error('not a record of files');
        for (const f of value as CachedFile[]) {
          // Deserialized typed arrays are views into the record's buffer: a copy lets it go.
          f.facts.calls.ints = f.facts.calls.ints.slice();
          files.push(f);
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
      return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    }
    if (!header || files.length !== header.count) return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    return { value: files };
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
    writeAtomic(this.factsPath, (function* () {
      yield* record({ version: INDEX_VERSION, root, count: files.length } satisfies FactsHeader);
      for (let i = 0; i < files.length; i += FACTS_PER_RECORD) yield* record(files.slice(i, i + FACTS_PER_RECORD));
    })());
    writeAtomic(this.graphPath, graphParts(graph, { version: INDEX_VERSION, root }));
    const manifest: ManifestFile = {
      version: INDEX_VERSION,
      root,
      paths: files.map((f) => f.path),
      sizes: Float64Array.from(files, (f) => f.size),
      mtimes: Float64Array.from(files, (f) => f.mtimeMs),
    };
    // Written last: a manifest promises that the facts and graph beside it match it.
    writeAtomic(this.manifestPath, [serialize(manifest)]);
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

// ---- the graph file -------------------------------------------------------------------
// Queries load it on every run, so it is laid out to be mapped, not parsed: a JSON header,
// then each typed array's bytes (8-byte aligned), then the string table's UTF-8 bytes with
// their offsets as one more column. Loading is one read and a view per column; strings are
// decoded when asked for.

const MAGIC = 'NPG3';
const COLUMNS = [
  'nodeName', 'nodeFile', 'nodeLine', 'nodeFlags', 'nodeByName',
  'edgeFrom', 'edgeTo', 'edgeLine', 'edgeCol', 'edgeKind', 'viaEdges', 'viaValues', 'argEdges', 'argValues',
  'outStart', 'inStart', 'inEdges',
  'bindSlot', 'bindFn', 'bindFile', 'bindLine', 'bindVia',
] as const;
type Column = (typeof COLUMNS)[number];
type ColumnEntry = { offset: number; length: number; type: 'i32' | 'u8' };

interface GraphHeader {
  version: string;
  root: string;
  stats: GraphData['stats'];
  columns: Record<Column | 'stringOffsets', ColumnEntry>;
  strings: { offset: number; bytes: number; count: number };
}

const align8 = (n: number): number => (n + 7) & ~7;

/** The graph file as a list of buffers, written one after the other (no copy of the columns). */
function graphParts(graph: GraphData, meta: { version: string; root: string }): Uint8Array[] {
  const arrays: [Column | 'stringOffsets', Int32Array | Uint8Array][] = COLUMNS.map((c) => [c, graph[c]]);
  arrays.push(['stringOffsets', graph.strings.offsets]);
  const columns = {} as GraphHeader['columns'];
  let offset = 0;
  for (const [c, a] of arrays) {
    columns[c] = { offset, length: a.length, type: a instanceof Uint8Array ? 'u8' : 'i32' };
    offset = align8(offset + a.byteLength);
  }
  const strings = graph.strings.bytes;
  const header: GraphHeader = { ...meta, stats: graph.stats, columns, strings: { offset, bytes: strings.byteLength, count: graph.strings.count } };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(8 + headerBytes.length);
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(head, 8);
  const parts: Uint8Array[] = [head];
  for (const [, a] of arrays) {
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    if (align8(a.byteLength) > a.byteLength) parts.push(Buffer.alloc(align8(a.byteLength) - a.byteLength));
  }
  parts.push(strings);
  return parts;
}

export function encodeGraph(graph: GraphData, meta: { version: string; root: string }): Buffer {
  return Buffer.concat(graphParts(graph, meta));
}

export function decodeGraph(bytes: Buffer): { header: GraphHeader; graph: GraphData } {
  if (bytes.toString('latin1', 0, 4) !== MAGIC) throw new Error('not a NetPaths graph file of this version');
  const headerLength = bytes.readUInt32LE(4);
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + headerLength)) as GraphHeader;
  const start = align8(8 + headerLength);
  // Typed-array views need aligned offsets into the buffer; copy once if the read was not aligned.
  const base = (bytes.byteOffset + start) % 8 === 0 ? bytes : Buffer.from(bytes);
  const column = (c: Column | 'stringOffsets'): Int32Array | Uint8Array => {
    const { offset, length, type } = header.columns[c];
    const at = base.byteOffset + start + offset;
    if (at + length * (type === 'u8' ? 1 : 4) > base.byteOffset + base.length) throw new Error('truncated graph file');
    return type === 'u8' ? new Uint8Array(base.buffer, at, length) : new Int32Array(base.buffer, at, length);
  };
  const s = header.strings;
  const offsets = column('stringOffsets') as Int32Array;
  if (start + s.offset + s.bytes > base.length) throw new Error('truncated graph file');
  if (offsets.length !== s.count + 1 || offsets[s.count] !== s.bytes) throw new Error('string table does not match its header');
  const strings = new StringTable(base.subarray(start + s.offset, start + s.offset + s.bytes), offsets);
  const graph = { strings, stats: header.stats } as GraphData;
  for (const c of COLUMNS) (graph as unknown as Record<Column, Int32Array | Uint8Array>)[c] = column(c);
  return { header, graph };
}
