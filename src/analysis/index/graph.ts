// The resolved call graph in a compact, columnar form: what queries load from the cache.
// Invariant: a Graph is immutable once built; node and edge ids are array indexes, and
// every string lives once in `strings`. Loading one is a few typed-array views: the
// adjacency and the name index are columns of the file, and a string is decoded only
// when something asks for it.

import type { EdgeKind } from '../graph-json';
import { INDIRECT_CALL_WRAPPERS } from './kernel-idioms';

export const EDGE_KINDS: readonly EdgeKind[] = ['direct', 'indirect', 'async'];

/** Node flags. */
export const NODE_MACRO = 1;
export const NODE_STATIC = 2;
/** A function of DEAD_ENDS (kernel-idioms.ts): no call path passes through it. */
export const NODE_DEAD_END = 4;
/** Two bits: how many patterns of SIDE_VARIANTS (kernel-idioms.ts) a function matches. */
export const NODE_SIDE_VARIANTS_SHIFT = 3;

const STRING_BLOCK = 4096;

/**
 * The graph's strings as UTF-8 bytes and offsets, each decoded on first use: a
 * whole-tree graph holds hundreds of thousands, and a query reads a few hundred.
 */
export class StringTable {
  /**
   * Decoded strings in blocks of 4096, a block made when one of its strings is first
   * asked for: an array of all 820k made up front cost a query about 60 ms.
   */
  private readonly decoded: (string | undefined)[][] = [];
  /** `bytes` as a Buffer, made once: decoding a string is then a slice of it. */
  private readonly view: Buffer;
  readonly count: number;

  /** `offsets` has one entry per string plus the end: string i is bytes[offsets[i], offsets[i+1]). */
  constructor(
    readonly bytes: Uint8Array,
    readonly offsets: Int32Array,
  ) {
    this.count = Math.max(0, offsets.length - 1);
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static from(list: readonly string[]): StringTable {
    let total = 0;
    for (const s of list) total += Buffer.byteLength(s, 'utf8');
    const bytes = Buffer.allocUnsafe(total);
    const offsets = new Int32Array(list.length + 1);
    let at = 0;
    list.forEach((s, i) => {
      offsets[i] = at;
      at += bytes.write(s, at, 'utf8');
    });
    offsets[list.length] = at;
    const table = new StringTable(bytes, offsets);
    for (let b = 0; b * STRING_BLOCK < list.length; b++)
      table.decoded[b] = list.slice(b * STRING_BLOCK, (b + 1) * STRING_BLOCK);
    return table;
  }

  get(id: number): string | undefined {
    if (!(id >= 0 && id < this.count)) return undefined;
    const block = (this.decoded[Math.floor(id / STRING_BLOCK)] ??= new Array<string | undefined>(
      STRING_BLOCK,
    ));
    let s = block[id % STRING_BLOCK];
    if (s === undefined) {
      s = this.view.toString('utf8', this.offsets[id], this.offsets[id + 1]);
      block[id % STRING_BLOCK] = s;
    }
    return s;
  }

  toArray(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.get(i) as string);
  }
}

export interface GraphData {
  strings: StringTable;
  /** Per node: name and file (string ids), line, flags. */
  nodeName: Int32Array;
  nodeFile: Int32Array;
  nodeLine: Int32Array;
  nodeFlags: Uint8Array;
  /**
   * Per node, in a graph of one configuration: BUILT_Y (1) built in, BUILT_M (2) in a
   * module, by its file (resolve/configure.ts); 0 in the union of every configuration.
   */
  nodeBuilt: Uint8Array;
  /** Per node: the module's name (string id) when in a module, else -1. */
  nodeModule: Int32Array;
  /** Node ids ordered by name (UTF-16 code units), for `Graph.lookup`. */
  nodeByName: Int32Array;
  /** Per edge: caller and callee node ids, call line and column, kind. Sorted by caller. */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLine: Int32Array;
  edgeCol: Int32Array;
  edgeKind: Uint8Array;
  /**
   * `via` of the edges that have one (a tenth of them), as sorted edge ids and values: a
   * string id, or for an edge through binding b a `bindingVia` value, whose text
   * `Graph.via` writes from the binding's columns (storing each text would take most of
   * the file).
   */
  viaEdges: Int32Array;
  viaValues: Int32Array;
  /** Argument texts recorded at a call site (skb operations): sorted edge ids, string ids. */
  argEdges: Int32Array;
  argValues: Int32Array;
  /** Outgoing edges of node n are edges outStart[n] .. outStart[n+1]-1 (edges are sorted by caller). */
  outStart: Int32Array;
  /** Incoming edges of node n are inEdges[inStart[n]] .. inEdges[inStart[n+1]-1]; inFrom[i] is the caller of edge inEdges[i]. */
  inStart: Int32Array;
  inEdges: Int32Array;
  inFrom: Int32Array;
  /** inKind[i] is the kind (an index of EDGE_KINDS) of edge inEdges[i]: backward searches read it beside inFrom. */
  inKind: Uint8Array;
  /** Function pointers stored into struct fields: `struct.field` string id, function node, site. */
  bindSlot: Int32Array;
  bindFn: Int32Array;
  bindFile: Int32Array;
  bindLine: Int32Array;
  /** The registration function that made the binding (`netif_napi_add`), string id or -1. */
  bindVia: Int32Array;
  /** Index statistics, for `netpaths index`. */
  stats: IndexStats;
  /** The configuration the graph is of; absent for the union of every configuration. */
  config?: GraphConfig;
}

/** Which configuration a graph was resolved for. */
export interface GraphConfig {
  /** The file it was read from. */
  source: string;
  /** Its architecture folder (x86, arm64, ...). */
  arch: string;
  /** The key of its cache: a hash of the options that matter and the makefiles. */
  key: string;
  /** What applying it warned of (options the tree does not declare, another architecture). */
  warnings?: string[];
}

export interface IndexStats {
  files: number;
  functions: number;
  macros: number;
  callSites: number;
  edges: number;
  indirectEdges: number;
  asyncEdges: number;
  bindings: number;
  filesWithErrors: number;
  filesSkipped: number;
  /** Call sites through a pointer that resolved to nothing. */
  unresolvedPointerCalls: number;
}

/** Separator of argument texts inside one `argValues` string. */
export const ARG_SEPARATOR = '\u0001';

/** Read access to one column by index: a typed array in memory, or pages of the graph file. */
export interface Column {
  readonly length: number;
  get(i: number): number;
}

/** The per-edge columns: 5.8 million entries each on the whole tree, of which a query reads a few. */
export const EDGE_COLUMNS = [
  'edgeFrom',
  'edgeTo',
  'edgeLine',
  'edgeCol',
  'edgeKind',
  'inEdges',
  'inFrom',
  'inKind',
] as const;
export type EdgeColumns = Record<(typeof EDGE_COLUMNS)[number], Column>;

function arrayColumn(a: Int32Array | Uint8Array): Column {
  return { length: a.length, get: (i) => a[i] as number };
}

/**
 * A loaded graph with the indexes queries need. Its edges are read through `Column`s, so a
 * graph loaded from the cache reads only the pages of the edge columns a query touches
 * (see `IndexCache.readGraph`); `close` lets go of the file.
 */
export class Graph {
  readonly data: GraphData;
  private readonly edges: EdgeColumns;

  constructor(
    data: GraphData,
    edges?: EdgeColumns,
    private readonly release?: () => void,
  ) {
    this.data = data;
    this.edges = edges ?? {
      edgeFrom: arrayColumn(data.edgeFrom),
      edgeTo: arrayColumn(data.edgeTo),
      edgeLine: arrayColumn(data.edgeLine),
      edgeCol: arrayColumn(data.edgeCol),
      edgeKind: arrayColumn(data.edgeKind),
      inEdges: arrayColumn(data.inEdges),
      inFrom: arrayColumn(data.inFrom),
      inKind: arrayColumn(data.inKind),
    };
  }

  /** Closes the graph file behind a graph loaded from the cache; the graph is not used after. */
  close(): void {
    this.release?.();
  }

  get edgeCount(): number {
    return this.edges.edgeFrom.length;
  }

  get nodeCount(): number {
    return this.data.nodeName.length;
  }

  name(node: number): string {
    return this.data.strings.get(this.data.nodeName[node] as number) as string;
  }

  file(node: number): string {
    return this.data.strings.get(this.data.nodeFile[node] as number) as string;
  }

  line(node: number): number {
    return this.data.nodeLine[node] as number;
  }

  /** `y` built in, `m` in a module, or undefined in the union of every configuration. */
  built(node: number): 'y' | 'm' | undefined {
    const b = this.data.nodeBuilt[node];
    return b === 1 ? 'y' : b === 2 ? 'm' : undefined;
  }

  /** The module a node is built into, when it is in one. */
  module(node: number): string | undefined {
    const m = this.data.nodeModule[node] as number;
    return m >= 0 ? this.str(m) : undefined;
  }

  isMacro(node: number): boolean {
    return ((this.data.nodeFlags[node] as number) & NODE_MACRO) !== 0;
  }

  /** Whether `node` is one of DEAD_ENDS (kernel-idioms.ts). */
  isDeadEnd(node: number): boolean {
    return ((this.data.nodeFlags[node] as number) & NODE_DEAD_END) !== 0;
  }

  /** How many patterns of SIDE_VARIANTS (kernel-idioms.ts: zero-copy, XDP, self-test) `node` matches, by name and file. */
  sideVariants(node: number): number {
    return ((this.data.nodeFlags[node] as number) >> NODE_SIDE_VARIANTS_SHIFT) & 3;
  }

  str(id: number): string | undefined {
    return this.data.strings.get(id);
  }

  /** Node ids of every definition named `name`, in id order (a binary search of `nodeByName`). */
  lookup(name: string): number[] {
    const order = this.data.nodeByName;
    const lo = lowerBound(order.length, (i) => this.name(order[i] as number) < name);
    const found: number[] = [];
    for (let i = lo; i < order.length && this.name(order[i] as number) === name; i++)
      found.push(order[i] as number);
    return found;
  }

  /** Edge ids leaving `node`. */
  *outgoing(node: number): Iterable<number> {
    const start = this.data.outStart;
    for (let e = start[node] as number; e < (start[node + 1] as number); e++) yield e;
  }

  /** Edge ids entering `node`. */
  *incoming(node: number): Iterable<number> {
    const { inStart } = this.data;
    const inEdges = this.edges.inEdges;
    for (let i = inStart[node] as number; i < (inStart[node + 1] as number); i++)
      yield inEdges.get(i);
  }

  /**
   * Calls `visit` with each edge entering `node` and its caller: `incoming` for searches
   * over much of the graph. The callers are read from `inFrom`, beside the edge ids, not
   * from `edgeFrom` at each edge's random place.
   */
  forEachIncoming(node: number, visit: (edge: number, caller: number) => void): void {
    const { inStart } = this.data;
    const { inEdges, inFrom } = this.edges;
    for (let i = inStart[node] as number, end = inStart[node + 1] as number; i < end; i++)
      visit(inEdges.get(i), inFrom.get(i));
  }

  /**
   * Calls `visit` with the caller and the kind (an index of EDGE_KINDS) of each edge
   * entering `node`: for searches that weigh calls by kind only, which then read neither
   * the edge ids nor `edgeKind` at each edge's random place.
   */
  forEachCallerKind(node: number, visit: (caller: number, kind: number) => void): void {
    const { inStart } = this.data;
    const { inFrom, inKind } = this.edges;
    for (let i = inStart[node] as number, end = inStart[node + 1] as number; i < end; i++)
      visit(inFrom.get(i), inKind.get(i));
  }

  /** Calls `visit` with the caller of each edge entering `node` (for searches over much of the graph). */
  forEachCaller(node: number, visit: (caller: number) => void): void {
    const { inStart } = this.data;
    const inFrom = this.edges.inFrom;
    for (let i = inStart[node] as number, end = inStart[node + 1] as number; i < end; i++)
      visit(inFrom.get(i));
  }

  from(edge: number): number {
    return this.edges.edgeFrom.get(edge);
  }

  to(edge: number): number {
    return this.edges.edgeTo.get(edge);
  }

  kind(edge: number): EdgeKind {
    return EDGE_KINDS[this.edges.edgeKind.get(edge)] as EdgeKind;
  }

  /** The line of the call statement of `edge`. */
  edgeLine(edge: number): number {
    return this.edges.edgeLine.get(edge);
  }

  /** The column of the call of `edge`. */
  edgeCol(edge: number): number {
    return this.edges.edgeCol.get(edge);
  }

  /** How an indirect or async edge was resolved (JSON `via`); undefined for a direct call. */
  via(edge: number): string | undefined {
    const v = sparseValue(this.data.viaEdges, this.data.viaValues, edge);
    if (v >= -1) return this.str(v);
    const wrapper = VIA_WRAPPERS[((-2 - v) & 7) - 1];
    return `${wrapper ? `${wrapper}: ` : ''}${bindingText(this, viaBinding(v))}`;
  }

  /**
   * Whether an edge through a binding goes to a function its wrapper names at the call as
   * well (NAMED_AT_CALL): the pointer is expected to hold it.
   */
  namedAtCall(edge: number): boolean {
    const v = sparseValue(this.data.viaEdges, this.data.viaValues, edge);
    return v <= -2 && ((-2 - v) & NAMED_AT_CALL) !== 0;
  }

  /** The binding an indirect edge goes through (an index of the bind* columns), or -1. */
  binding(edge: number): number {
    return viaBinding(sparseValue(this.data.viaEdges, this.data.viaValues, edge));
  }

  /** The argument texts recorded at the edge's call site, joined by ARG_SEPARATOR. */
  argsText(edge: number): string | undefined {
    return this.str(sparseValue(this.data.argEdges, this.data.argValues, edge));
  }

  /** Stable id of a node in JSON output: FILE:NAME, or FILE:NAME:LINE when the file defines NAME twice. */
  nodeId(node: number): string {
    const file = this.file(node);
    const name = this.name(node);
    const twins = this.lookup(name).filter((o) => o !== node && this.file(o) === file);
    return twins.length > 0 ? `${file}:${name}:${this.line(node)}` : `${file}:${name}`;
  }
}

/** The folder of a kernel-relative path: `net/ipv4` for `net/ipv4/ip_input.c`, '' at the root. */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The first index in [0, n) at which `below` is false, for `below` true then false over the range. */
export function lowerBound(n: number, below: (i: number) => boolean): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(mid)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The wrapper macros a call through a binding may name, by their number in a `bindingVia` value (1 and up). */
const VIA_WRAPPERS = [...INDIRECT_CALL_WRAPPERS.keys()];

/**
 * The `viaValues` entry of an edge through binding `b`, called through `wrapper`
 * (`INDIRECT_CALL_INET`) or not: `-2 - (b * 16 + w)`, w the wrapper's number or 0. Undefined
 * for a wrapper not in INDIRECT_CALL_WRAPPERS, whose edge keeps its via as a text.
 */
export function bindingVia(b: number, wrapper?: string): number | undefined {
  const w = wrapper === undefined ? 0 : VIA_WRAPPERS.indexOf(wrapper) + 1;
  return w < 0 || (wrapper !== undefined && w === 0) ? undefined : -2 - (b * 16 + w);
}

/**
 * The flag of a `bindingVia` value whose wrapper names the bound function among its
 * candidates too (`INDIRECT_CALL_INET(sock->ops->recvmsg, inet6_recvmsg, inet_recvmsg, ...)`
 * bound to inet_recvmsg): the call site itself expects that function.
 */
export const NAMED_AT_CALL = 8;

/** A `bindingVia` value with the NAMED_AT_CALL flag set. */
export function namedVia(value: number): number {
  return value <= -2 ? -2 - ((-2 - value) | NAMED_AT_CALL) : value;
}

/** The binding of a `viaValues` entry, or -1 for a text. */
function viaBinding(value: number): number {
  return value <= -2 ? (-2 - value) >>> 4 : -1;
}

/** The value of `edge` in a sparse column (sorted edge ids and their values), or -1. */
function sparseValue(edges: Int32Array, values: Int32Array, edge: number): number {
  const lo = lowerBound(edges.length, (i) => (edges[i] as number) < edge);
  return edges[lo] === edge ? (values[lo] as number) : -1;
}

/**
 * What a binding says about an edge through it:
 * `net_device_ops.ndo_start_xmit = e1000_xmit_frame at drivers/.../netdev.c:7336`, with the
 * registration function in parentheses when the binding came through one.
 */
export function bindingText(graph: Graph, b: number): string {
  const d = graph.data;
  const via = graph.str(d.bindVia[b] as number);
  return `${graph.str(d.bindSlot[b] as number) ?? '?'} = ${graph.name(d.bindFn[b] as number)} at ${graph.str(d.bindFile[b] as number) ?? '?'}:${d.bindLine[b] as number}${via ? ` (${via})` : ''}`;
}

/** Node ids sorted by name, then id: the `nodeByName` column. */
export function nameOrder(names: Map<string, number[]>): Int32Array {
  const order = new Int32Array([...names.values()].reduce((n, l) => n + l.length, 0));
  let at = 0;
  // The default sort compares UTF-16 code units, as `<` does in `Graph.lookup`.
  for (const name of [...names.keys()].sort())
    for (const node of names.get(name) as number[]) order[at++] = node;
  return order;
}

/** The adjacency columns of edges sorted by caller: outStart, inStart, inEdges, inFrom, inKind. */
export function adjacency(
  nodes: number,
  from: Int32Array,
  to: Int32Array,
  kind: Uint8Array,
): {
  outStart: Int32Array;
  inStart: Int32Array;
  inEdges: Int32Array;
  inFrom: Int32Array;
  inKind: Uint8Array;
} {
  const m = from.length;
  const outStart = new Int32Array(nodes + 1);
  for (let e = 0; e < m; e++) outStart[(from[e] as number) + 1]!++;
  for (let i = 0; i < nodes; i++) outStart[i + 1]! += outStart[i]!;
  const inStart = new Int32Array(nodes + 1);
  for (let e = 0; e < m; e++) inStart[(to[e] as number) + 1]!++;
  for (let i = 0; i < nodes; i++) inStart[i + 1]! += inStart[i]!;
  const fill = inStart.slice(0, nodes);
  const inEdges = new Int32Array(m);
  for (let e = 0; e < m; e++) inEdges[fill[to[e] as number]!++] = e;
  const inFrom = new Int32Array(m);
  const inKind = new Uint8Array(m);
  for (let i = 0; i < m; i++) {
    inFrom[i] = from[inEdges[i] as number] as number;
    inKind[i] = kind[inEdges[i] as number] as number;
  }
  return { outStart, inStart, inEdges, inFrom, inKind };
}
