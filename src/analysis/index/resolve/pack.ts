// Packing: the nodes, edges and bindings into the graph's columns (GraphData), with the
// flags queries read instead of names (macro, static, dead end, side variants) and the
// index statistics. The string table is built last, once no more strings are asked for.

import type { FileFacts } from '../facts';
import type { GraphData, IndexStats } from '../graph';
import {
  EDGE_KINDS,
  NODE_DEAD_END,
  NODE_MACRO,
  NODE_SIDE_VARIANTS_SHIFT,
  NODE_STATIC,
  StringTable,
  adjacency,
} from '../graph';
import { DEAD_ENDS, SIDE_VARIANTS } from '../kernel-idioms';
import type { Binding } from './binding-table';
import type { EdgeTable, Strings } from './columns';
import type { Configured } from './configure';
import type { Nodes } from './names';

/** The bindings as the graph holds them: one column per field, by binding index. */
export type BindingColumns = Pick<
  GraphData,
  'bindSlot' | 'bindFn' | 'bindFile' | 'bindLine' | 'bindVia'
>;

/** What the stages after the nodes found: all that outlives them. */
export interface Linked {
  edges: EdgeTable;
  bindings: BindingColumns;
  /** Functions that broadcast an event (EVENT_SLOTS), flagged as dead ends. */
  dispatchers: Set<number>;
  unresolved: number;
  callSites: number;
}

/** The binding columns (the slot texts interned first, then the registration texts). */
export function bindingColumns(all: readonly Binding[], strings: Strings): BindingColumns {
  return {
    bindSlot: Int32Array.from(all, (b) => strings.id(b.slot)),
    bindFn: Int32Array.from(all, (b) => b.fn),
    bindFile: Int32Array.from(all, (b) => b.file),
    bindLine: Int32Array.from(all, (b) => b.line),
    bindVia: Int32Array.from(all, (b) => (b.via ? strings.id(b.via) : -1)),
  };
}

export function pack(
  files: readonly FileFacts[],
  nodes: Nodes,
  strings: Strings,
  linked: Linked,
  configured?: Configured,
): GraphData {
  const e = linked.edges.finish();
  const n = nodes.count;
  const data: GraphData = {
    strings: StringTable.from([]),
    nodeName: new Int32Array(n),
    nodeFile: new Int32Array(n),
    nodeLine: new Int32Array(n),
    nodeFlags: new Uint8Array(n),
    nodeBuilt: new Uint8Array(n),
    nodeModule: new Int32Array(n).fill(-1),
    nodeByName: nodes.nameOrder(),
    edgeFrom: e.from,
    edgeTo: e.to,
    edgeLine: e.line,
    edgeCol: e.col,
    edgeKind: e.kind,
    viaEdges: e.viaEdges,
    viaValues: e.viaValues,
    argEdges: e.argEdges,
    argValues: e.argValues,
    ...adjacency(n, e.from, e.to, e.kind),
    ...linked.bindings,
    stats: {
      files: files.length,
      functions: 0,
      macros: 0,
      callSites: linked.callSites,
      edges: e.from.length,
      indirectEdges: count(e.kind, EDGE_KINDS.indexOf('indirect')),
      asyncEdges: count(e.kind, EDGE_KINDS.indexOf('async')),
      bindings: linked.bindings.bindFn.length,
      filesWithErrors: files.filter((f) => f.errors > 0).length,
      filesSkipped: files.filter((f) => f.skipped).length,
      unresolvedPointerCalls: linked.unresolved,
    } satisfies IndexStats,
  };
  packNodes(data, nodes, strings, linked.dispatchers);
  if (configured) packBuilt(data, nodes, strings, configured);
  data.strings = StringTable.from(strings.seal());
  return data;
}

/** Each node's name, file, line and flags; the function and macro counts. */
function packNodes(
  data: GraphData,
  nodes: Nodes,
  strings: Strings,
  dispatchers: Set<number>,
): void {
  for (let i = 0; i < nodes.count; i++) {
    const fact = nodes.fact(i);
    data.nodeName[i] = strings.id(fact.name);
    const path = nodes.pathOf(i);
    data.nodeFile[i] = strings.id(path);
    data.nodeLine[i] = fact.line;
    let variants = 0;
    for (const v of SIDE_VARIANTS)
      if ((!v.name || v.name.test(fact.name)) && (!v.file || v.file.test(path))) variants++;
    data.nodeFlags[i] =
      (fact.macro ? NODE_MACRO : 0) |
      (fact.static ? NODE_STATIC : 0) |
      (DEAD_ENDS.has(fact.name) || dispatchers.has(i) ? NODE_DEAD_END : 0) |
      (Math.min(variants, 3) << NODE_SIDE_VARIANTS_SHIFT);
    if (fact.macro) data.stats.macros++;
    else data.stats.functions++;
  }
}

/** Each node's build state (BUILT_Y or BUILT_M, by its file) and module. */
function packBuilt(data: GraphData, nodes: Nodes, strings: Strings, configured: Configured): void {
  for (let i = 0; i < nodes.count; i++) {
    const fi = nodes.fileOf(i);
    data.nodeBuilt[i] = configured.built[fi] as number;
    const module = configured.modules[fi];
    if (module !== undefined) data.nodeModule[i] = strings.id(module);
  }
}

function count(values: Uint8Array, value: number): number {
  let n = 0;
  for (const v of values) if (v === value) n++;
  return n;
}
