// The on-disk index: per-file facts (for incremental re-indexing) and the resolved graph
// (what queries load). Both live outside the kernel tree, are written atomically, carry
// their version (facts and graph apart: see FACTS_VERSION), and are safe to delete: a
// missing, corrupt or foreign cache is rebuilt with a one-line message.

import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileFacts } from './facts';
import type { Column as GraphColumn, EdgeColumns, GraphData } from './graph';
import { EDGE_COLUMNS, Graph, StringTable } from './graph';

/**
 * The two versions a cache carries (scripts/build.mjs computes them). A file's facts
 * depend on its text and `FACTS_VERSION` only, so facts of that version are reused
 * whatever resolved them; the graph is valid for `GRAPH_VERSION` only, which changes with
 * the resolver too. Bump the literal prefixes when a change is not in a hashed file.
 */
declare const NETPATHS_FACTS_HASH: string | undefined;
declare const NETPATHS_GRAPH_HASH: string | undefined;
export const FACTS_VERSION = `netpaths-facts-1+${typeof NETPATHS_FACTS_HASH === 'string' ? NETPATHS_FACTS_HASH : 'source'}`;
export const GRAPH_VERSION = `netpaths-index-1+${typeof NETPATHS_GRAPH_HASH === 'string' ? NETPATHS_GRAPH_HASH : 'source'}`;

/** The versions a cache is read and written with: the build's own, but for tests. */
export interface CacheVersions {
  facts: string;
  graph: string;
}

const BUILD_VERSIONS: CacheVersions = { facts: FACTS_VERSION, graph: GRAPH_VERSION };

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
  /** The graph's version. */
  version: string;
  /** The facts' version (absent in caches of an older layout). */
  factsVersion?: string;
  root: string;
  paths: string[];
  sizes: Float64Array;
  mtimes: Float64Array;
}

/** The default cache folder of a kernel tree and scope: `$XDG_CACHE_HOME/netpaths/index/<hash>`. */
export function defaultCacheDir(root: string, scope: string[]): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const key = createHash('sha256')
    .update(resolve(root))
    .update('\0')
    .update(scope.join('\0'))
    .digest('hex')
    .slice(0, 16);
  return join(base, 'netpaths', 'index', key);
}

/** Writes `parts` one after the other into a temporary file, then renames it over `path`. */
function writeAtomic(path: string, parts: Iterable<Uint8Array>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.byteLength;) done += writeSync(fd, part, done);
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
    for (let at = 0; ;) {
      const got = readSync(fd, length, 0, 4, at);
      if (got === 0) return;
      if (got !== 4 || at + 4 + length.readUInt32LE(0) > size) throw new Error('truncated record');
      const bytes = Buffer.alloc(length.readUInt32LE(0));
      if (readSync(fd, bytes, 0, bytes.length, at + 4) !== bytes.length)
        throw new Error('truncated record');
      at += 4 + bytes.length;
      yield deserialize(bytes);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * What reading a part of the cache found. `stale` marks a problem that is only another
 * NetPaths version (or layout): the cache is sound, an upgrade made it old.
 */
export type CacheRead<T> = { value: T } | { missing: true } | { problem: string; stale?: true };

/** The manifest's promise: the files the cache was built from, and how far it still holds. */
export interface Manifest {
  /** Path -> [size, mtime] of every file the cached index was built from. */
  files: Map<string, [number, number]>;
  /**
   * Whether the cached graph is this version's. When it is not, the cached facts are
   * (the manifest is read only then): resolve them again, reparse nothing.
   */
  resolved: boolean;
}

export class IndexCache {
  constructor(
    readonly dir: string,
    private readonly root: string,
    private readonly versions: CacheVersions = BUILD_VERSIONS,
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

  private otherVersion(what: string, path: string): { problem: string; stale: true } {
    return {
      problem: `the ${what} cache ${path} is from another NetPaths version; rebuilding it`,
      stale: true,
    };
  }

  /**
   * The manifest, when its facts are of this version. A manifest of this facts version
   * but another graph version (NetPaths changed how it resolves, not how it parses) comes
   * back with `resolved` false.
   */
  readManifest(): CacheRead<Manifest> {
    const path = this.manifestPath;
    const corrupt = { problem: `the manifest cache ${path} is corrupt; rebuilding it` };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return { missing: true };
    }
    let value: ManifestFile;
    try {
      value = deserialize(bytes) as ManifestFile;
    } catch {
      return corrupt;
    }
    if (!value || typeof value !== 'object') return corrupt;
    const resolved = value.version === this.versions.graph;
    if (!resolved && value.factsVersion !== this.versions.facts)
      return this.otherVersion('manifest', path);
    if (value.root !== resolve(this.root))
      return { problem: `the manifest cache ${path} belongs to ${value.root}; rebuilding it` };
    if (!Array.isArray(value.paths)) return corrupt;
    const files = new Map<string, [number, number]>();
    value.paths.forEach((p, i) => files.set(p, [value.sizes[i] ?? -1, value.mtimes[i] ?? -1]));
    return { value: { files, resolved } };
  }

  readFacts(): CacheRead<CachedFile[]> {
    const files: CachedFile[] = [];
    let header: FactsHeader | undefined;
    try {
      for (const value of readRecords(this.factsPath)) {
        if (!header) {
          header = value as FactsHeader;
          if (!header || typeof header !== 'object' || header.version !== this.versions.facts)
            return this.otherVersion('facts', this.factsPath);
          if (header.root !== resolve(this.root))
            return {
              problem: `the facts cache ${this.factsPath} belongs to ${header.root}; rebuilding it`,
            };
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
    if (!header || files.length !== header.count)
      return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    return { value: files };
  }

  /**
   * The cached graph, reading only what queries touch: the small columns when first used,
   * the per-edge columns a page at a time (see `openGraphFile`). The Graph keeps the file
   * open until `close`; a reindex renames a new file over it, so the open one stays whole.
   */
  readGraph(): CacheRead<Graph> {
    let fd: number;
    try {
      fd = openSync(this.graphPath, 'r');
    } catch {
      return { missing: true };
    }
    const release = (): void => closeSync(fd);
    try {
      const { header, graph, edges } = openGraphFile(
        fileReader(fd),
        fstatSync(fd).size,
        this.versions.graph,
      );
      if (header.root !== resolve(this.root)) {
        release();
        return {
          problem: `the graph cache ${this.graphPath} belongs to ${header.root}; rebuilding it`,
        };
      }
      return { value: new Graph(graph, edges, release) };
    } catch (e) {
      release();
      if (e instanceof OtherVersion) return this.otherVersion('graph', this.graphPath);
      return { problem: `the graph cache ${this.graphPath} is corrupt; rebuilding it` };
    }
  }

  write(files: CachedFile[], graph: GraphData): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(this.manifestPath, { force: true });
    const root = resolve(this.root);
    const { facts, graph: version } = this.versions;
    writeAtomic(
      this.factsPath,
      (function* () {
        yield* record({ version: facts, root, count: files.length } satisfies FactsHeader);
        for (let i = 0; i < files.length; i += FACTS_PER_RECORD)
          yield* record(files.slice(i, i + FACTS_PER_RECORD));
      })(),
    );
    writeAtomic(this.graphPath, graphParts(graph, { version, root }));
    const manifest: ManifestFile = {
      version,
      factsVersion: facts,
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
// Queries load it on every run, so it is laid out to be read in place, not parsed: a JSON
// header, then each typed array's bytes (8-byte aligned), then the string table's UTF-8
// bytes with their offsets as one more column. A query reads the header, the columns it
// uses, and pages of the per-edge columns; strings are decoded when asked for.

const MAGIC = 'NPG5';

/** A graph file of another layout or NetPaths version: rebuilt, and said so. */
class OtherVersion extends Error {}
const COLUMNS = [
  'nodeName',
  'nodeFile',
  'nodeLine',
  'nodeFlags',
  'nodeByName',
  'edgeFrom',
  'edgeTo',
  'edgeLine',
  'edgeCol',
  'edgeKind',
  'viaEdges',
  'viaValues',
  'argEdges',
  'argValues',
  'outStart',
  'inStart',
  'inEdges',
  'inFrom',
  'inKind',
  'bindSlot',
  'bindFn',
  'bindFile',
  'bindLine',
  'bindVia',
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
  const arrays: [Column | 'stringOffsets', Int32Array | Uint8Array][] = COLUMNS.map((c) => [
    c,
    graph[c],
  ]);
  arrays.push(['stringOffsets', graph.strings.offsets]);
  const columns = {} as GraphHeader['columns'];
  let offset = 0;
  for (const [c, a] of arrays) {
    columns[c] = { offset, length: a.length, type: a instanceof Uint8Array ? 'u8' : 'i32' };
    offset = align8(offset + a.byteLength);
  }
  const strings = graph.strings.bytes;
  const header: GraphHeader = {
    ...meta,
    stats: graph.stats,
    columns,
    strings: { offset, bytes: strings.byteLength, count: graph.strings.count },
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const start = align8(8 + headerBytes.length);
  const head = Buffer.alloc(start);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(head, 8);
  const parts: Uint8Array[] = [head];
  for (const [, a] of arrays) {
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    if (align8(a.byteLength) > a.byteLength)
      parts.push(Buffer.alloc(align8(a.byteLength) - a.byteLength));
  }
  parts.push(strings);
  return parts;
}

export function encodeGraph(graph: GraphData, meta: { version: string; root: string }): Buffer {
  return Buffer.concat(graphParts(graph, meta));
}

/** Reads `into.length` bytes at `position` into `into`. */
export type ReadInto = (position: number, into: Uint8Array) => void;

function fileReader(fd: number): ReadInto {
  return (position, bytes) => {
    for (let done = 0; done < bytes.length;) {
      const n = readSync(fd, bytes, done, bytes.length - done, position + done);
      if (n === 0) throw new Error('truncated graph file');
      done += n;
    }
  };
}

/** Entries per page of an edge column. */
const PAGE_BITS = 14;

/**
 * A column of the graph file read a page at a time. A query follows a few hundred edges
 * of 5.8 million: reading every column whole made a `callers` query spend two thirds of
 * its time faulting in 170 MB of fresh memory. The pages are read into one array of the
 * column's length, made on the first read: the system maps its memory only where a page
 * lands, and the driver list, which reads most pages, makes no garbage page by page.
 */
export class PagedColumn implements GraphColumn {
  private values: Int32Array | Uint8Array | undefined;
  /** Per page: 1 once read. */
  private readonly loaded: Uint8Array;

  constructor(
    private readonly readInto: ReadInto,
    private readonly position: number,
    readonly length: number,
    private readonly width: 1 | 4,
    private readonly pageBits = PAGE_BITS,
  ) {
    this.loaded = new Uint8Array((length >>> pageBits) + 1);
  }

  get(i: number): number {
    if (this.loaded[i >>> this.pageBits] !== 1) this.load(i >>> this.pageBits);
    return this.values?.[i] as number;
  }

  private load(p: number): void {
    if (p >= this.loaded.length) return;
    const values = (this.values ??=
      this.width === 4 ? new Int32Array(this.length) : new Uint8Array(this.length));
    const first = p << this.pageBits;
    const count = Math.max(0, Math.min(1 << this.pageBits, this.length - first));
    this.readInto(
      this.position + first * this.width,
      new Uint8Array(values.buffer, first * this.width, count * this.width),
    );
    this.loaded[p] = 1;
  }
}

/** Defines `key` on `target` as computed by `make` on first read, then kept. */
function lazy<T extends object>(target: T, key: PropertyKey, make: () => unknown): void {
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get() {
      const value = make();
      Object.defineProperty(target, key, { value, enumerable: true });
      return value;
    },
  });
}

/**
 * Opens a graph file of `size` bytes: reads and checks its header at once, every column
 * when it is first used. `edges` reads the per-edge columns a page at a time; the same
 * columns in `graph` are read whole.
 */
function openGraphFile(
  readInto: ReadInto,
  size: number,
  version?: string,
): { header: GraphHeader; graph: GraphData; edges: EdgeColumns } {
  /** `length` bytes at `position` in a buffer of their own, aligned for typed-array views. */
  const readAt = (position: number, length: number): Buffer => {
    const bytes = Buffer.from(new ArrayBuffer(length));
    readInto(position, bytes);
    return bytes;
  };
  if (size < 8) throw new Error('not a NetPaths graph file');
  const head = readAt(0, 8);
  const magic = head.toString('latin1', 0, 4);
  if (!magic.startsWith('NPG')) throw new Error('not a NetPaths graph file');
  if (magic !== MAGIC) throw new OtherVersion(`graph file layout ${magic}, not ${MAGIC}`);
  const headerLength = head.readUInt32LE(4);
  if (8 + headerLength > size) throw new Error('truncated graph file');
  const header = JSON.parse(readAt(8, headerLength).toString('utf8')) as GraphHeader;
  if (version !== undefined && header.version !== version)
    throw new OtherVersion(`graph file of ${header.version}`);
  const start = align8(8 + headerLength);
  const s = header.strings;
  for (const c of [...COLUMNS, 'stringOffsets'] as const) {
    const { offset, length, type } = header.columns[c];
    if (start + offset + length * (type === 'u8' ? 1 : 4) > size)
      throw new Error('truncated graph file');
  }
  if (start + s.offset + s.bytes > size) throw new Error('truncated graph file');
  const column = (c: Column | 'stringOffsets'): Int32Array | Uint8Array => {
    const { offset, length, type } = header.columns[c];
    const bytes = readAt(start + offset, length * (type === 'u8' ? 1 : 4));
    return type === 'u8'
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, length)
      : new Int32Array(bytes.buffer, bytes.byteOffset, length);
  };
  const graph = { stats: header.stats } as GraphData;
  for (const c of COLUMNS) lazy(graph, c, () => column(c));
  lazy(graph, 'strings', () => {
    const offsets = column('stringOffsets') as Int32Array;
    if (offsets.length !== s.count + 1 || offsets[s.count] !== s.bytes)
      throw new Error('string table does not match its header');
    return new StringTable(readAt(start + s.offset, s.bytes), offsets);
  });
  const edges = {} as EdgeColumns;
  for (const c of EDGE_COLUMNS) {
    const { offset, length, type } = header.columns[c];
    edges[c] = new PagedColumn(readInto, start + offset, length, type === 'u8' ? 1 : 4);
  }
  return { header, graph, edges };
}

/** Decodes a graph file held in memory (its columns are read when first used). */
export function decodeGraph(bytes: Buffer): { header: GraphHeader; graph: GraphData } {
  const { header, graph } = openGraphFile(
    (position, into) => into.set(bytes.subarray(position, position + into.length)),
    bytes.length,
  );
  return { header, graph };
}
