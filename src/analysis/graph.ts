// The resolved call graph in a compact, columnar form: what queries load from the cache.
// Invariant: a Graph is immutable once built; node and edge ids are array indexes, and
// every string lives once in `strings`. Loading one is a few typed-array copies.

import type { EdgeKind } from './graph-json';

export const EDGE_KINDS: readonly EdgeKind[] = ['direct', 'indirect', 'async'];

/** Node flags. */
export const NODE_MACRO = 1;
export const NODE_STATIC = 2;

export interface GraphData {
  strings: string[];
  /** Per node: name and file (string ids), line, flags. */
  nodeName: Int32Array;
  nodeFile: Int32Array;
  nodeLine: Int32Array;
  nodeFlags: Uint8Array;
  /** Per edge: caller and callee node ids, call line and column, kind, `via` string id or -1,
   * argument texts (string id or -1, for skb operations). Sorted by caller. */
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeLine: Int32Array;
  edgeCol: Int32Array;
  edgeKind: Uint8Array;
  edgeVia: Int32Array;
  edgeArgs: Int32Array;
  /** Function pointers stored into struct fields: `struct.field` string id, function node, site. */
  bindSlot: Int32Array;
  bindFn: Int32Array;
  bindFile: Int32Array;
  bindLine: Int32Array;
  /** The registration function that made the binding (`netif_napi_add`), string id or -1. */
  bindVia: Int32Array;
  /** Index statistics, for `netpaths index`. */
  stats: IndexStats;
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

/** Separator of argument texts inside one `edgeArgs` string. */
export const ARG_SEPARATOR = '\u0001';

/** A loaded graph with the indexes queries need. */
export class Graph {
  readonly data: GraphData;
  /** Outgoing edges of node n are edgeOrder[outStart[n] .. outStart[n+1]). */
  private readonly outStart: Int32Array;
  private readonly inStart: Int32Array;
  private readonly inEdges: Int32Array;
  private byName: Map<string, number[]> | undefined;

  constructor(data: GraphData) {
    this.data = data;
    const n = data.nodeName.length;
    const m = data.edgeFrom.length;
    // Edges are stored sorted by caller, so outgoing ranges are prefix sums of counts.
    this.outStart = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) this.outStart[(data.edgeFrom[e] as number) + 1]!++;
    for (let i = 0; i < n; i++) this.outStart[i + 1]! += this.outStart[i]!;
    this.inStart = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) this.inStart[(data.edgeTo[e] as number) + 1]!++;
    for (let i = 0; i < n; i++) this.inStart[i + 1]! += this.inStart[i]!;
    const fill = this.inStart.slice(0, n);
    this.inEdges = new Int32Array(m);
    for (let e = 0; e < m; e++) this.inEdges[fill[data.edgeTo[e] as number]!++] = e;
  }

  get nodeCount(): number {
    return this.data.nodeName.length;
  }

  name(node: number): string {
    return this.data.strings[this.data.nodeName[node] as number] as string;
  }

  file(node: number): string {
    return this.data.strings[this.data.nodeFile[node] as number] as string;
  }

  line(node: number): number {
    return this.data.nodeLine[node] as number;
  }

  isMacro(node: number): boolean {
    return ((this.data.nodeFlags[node] as number) & NODE_MACRO) !== 0;
  }

  str(id: number): string | undefined {
    return id < 0 ? undefined : this.data.strings[id];
  }

  /** Node ids of every definition named `name`. */
  lookup(name: string): number[] {
    if (!this.byName) {
      const map = new Map<string, number[]>();
      for (let i = 0; i < this.nodeCount; i++) {
        const key = this.name(i);
        const list = map.get(key);
        if (list) list.push(i);
        else map.set(key, [i]);
      }
      this.byName = map;
    }
    return this.byName.get(name) ?? [];
  }

  /** Edge ids leaving `node`. */
  *outgoing(node: number): Iterable<number> {
    for (let e = this.outStart[node] as number; e < (this.outStart[node + 1] as number); e++) yield e;
  }

  /** Edge ids entering `node`. */
  *incoming(node: number): Iterable<number> {
    for (let i = this.inStart[node] as number; i < (this.inStart[node + 1] as number); i++) yield this.inEdges[i] as number;
  }

  from(edge: number): number {
    return this.data.edgeFrom[edge] as number;
  }

  to(edge: number): number {
    return this.data.edgeTo[edge] as number;
  }

  kind(edge: number): EdgeKind {
    return EDGE_KINDS[this.data.edgeKind[edge] as number] as EdgeKind;
  }

  /** Stable id of a node in JSON output: FILE:NAME, or FILE:NAME:LINE when the file defines NAME twice. */
  nodeId(node: number): string {
    const file = this.file(node);
    const name = this.name(node);
    const twins = this.lookup(name).filter((o) => o !== node && this.file(o) === file);
    return twins.length > 0 ? `${file}:${name}:${this.line(node)}` : `${file}:${name}`;
  }
}
