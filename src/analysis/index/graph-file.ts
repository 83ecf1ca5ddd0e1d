// The graph file, `graph.bin`: what queries load on every run, so it is laid out to be
// read in place, not parsed: a JSON header, then each typed array's bytes (8-byte
// aligned), then the string table's UTF-8 bytes with their offsets as one more column. A
// query reads the header, the columns it uses, and pages of the per-edge columns; strings
// are decoded when asked for. Its layout is the graph's, not the facts' (see
// scripts/lib/index-versions.mjs): a change here re-resolves a cache, never re-parses it.

import { readSync } from 'node:fs';
import type { Column as GraphColumn, EdgeColumns, GraphData } from './graph';
import { EDGE_COLUMNS, StringTable } from './graph';

const MAGIC = 'NPG6';

/** A graph file of another layout or NetPaths version: rebuilt, and said so. */
export class OtherVersion extends Error {}
const COLUMNS = [
  'nodeName',
  'nodeFile',
  'nodeLine',
  'nodeFlags',
  'nodeBuilt',
  'nodeModule',
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

export interface GraphHeader {
  version: string;
  root: string;
  stats: GraphData['stats'];
  config?: GraphData['config'];
  columns: Record<Column | 'stringOffsets', ColumnEntry>;
  strings: { offset: number; bytes: number; count: number };
}

const align8 = (n: number): number => (n + 7) & ~7;

/** The graph file as a list of buffers, written one after the other (no copy of the columns). */
export function graphParts(
  graph: GraphData,
  meta: { version: string; root: string },
): Uint8Array[] {
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
    ...(graph.config ? { config: graph.config } : {}),
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

export function fileReader(fd: number): ReadInto {
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
export function openGraphFile(
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
  if (header.config) graph.config = header.config;
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
