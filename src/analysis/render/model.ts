// The format-independent half of rendering: put nodes in the order the packet reaches
// them, group them into stage lanes, apply the node limit, and index the annotations by
// node. Mermaid, DOT and text all render from this, so they agree on order and content.

import type { GraphEdge, GraphJson, GraphNode, SkbOp, Stage } from '../graph-json';
import { SYSCALL_STAGE } from '../knowledge/stages';
import { stageTitle } from './stages';

/** A stage swimlane: the nodes of one stage, in path order. */
export interface StageLane {
  stage: Stage;
  title: string;
  nodes: GraphNode[];
}

/** Parallel call sites between the same two functions with the same kind, drawn as one edge. */
export interface EdgeGroup {
  from: string;
  to: string;
  kind: GraphEdge['kind'];
  /** Indexes into `graph.edges`, in source order; the first is the representative call site. */
  indexes: number[];
  first: GraphEdge;
}

export interface PreparedGraph {
  /** Every node of the graph in the order a packet (or the walk from the roots) reaches it. */
  order: GraphNode[];
  /** The nodes kept under `maxNodes`, in path order. */
  kept: GraphNode[];
  /** How many nodes `maxNodes` left out. */
  omitted: number;
  /** Stage lanes of the kept nodes, ordered by the first node the path reaches in each. */
  lanes: StageLane[];
  /** Kept nodes without a stage (plain call graphs, or presets with unannotated helpers). */
  unstaged: GraphNode[];
  /** Edges whose ends are both kept, parallel call sites merged. */
  edges: EdgeGroup[];
  skbByNode: Map<string, SkbOp[]>;
  markersByNode: Map<string, string[]>;
}

/**
 * The order in which the packet path reaches each node: first the nodes of `graph.paths`
 * in path order, then a breadth-first walk from the roots (nodes nobody calls) following
 * edges in their listed order, then anything left (cycles without a root) in listed order.
 */
export function pathOrder(graph: GraphJson): GraphNode[] {
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  const out = new Map<string, GraphNode>();
  const visit = (id: string): void => {
    const node = byId.get(id);
    if (node && !out.has(id)) out.set(id, node);
  };
  for (const path of graph.paths ?? []) for (const id of path) visit(id);

  const callees = new Map<string, string[]>();
  const called = new Set<string>();
  for (const edge of graph.edges) {
    // A wake-up is not a call: the woken function keeps its place in the path order.
    if (edge.from === edge.to || edge.kind === 'wakes') continue;
    let list = callees.get(edge.from);
    if (!list) callees.set(edge.from, (list = []));
    list.push(edge.to);
    called.add(edge.to);
  }
  const walk = (start: string): void => {
    const queue = [start];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      if (out.has(id) && i > 0) continue;
      visit(id);
      for (const next of callees.get(id) ?? []) if (!out.has(next)) queue.push(next);
    }
  };
  for (const node of byId.values()) if (!called.has(node.id) && !out.has(node.id)) walk(node.id);
  // Nodes reached by paths may have callees that the paths did not include.
  for (const id of Array.from(out.keys())) walk(id);
  for (const node of byId.values()) if (!out.has(node.id)) walk(node.id);
  return Array.from(out.values());
}

/** Orders, groups and limits a graph for rendering. `maxNodes` keeps the first N nodes in path order. */
export function prepareGraph(graph: GraphJson, maxNodes?: number): PreparedGraph {
  const order = pathOrder(graph);
  const limit =
    maxNodes !== undefined && Number.isFinite(maxNodes)
      ? Math.max(1, Math.floor(maxNodes))
      : order.length;
  const kept = order.slice(0, limit);
  const keptIds = new Set(kept.map((n) => n.id));

  const lanes: StageLane[] = [];
  const laneByStage = new Map<string, StageLane>();
  const unstaged: GraphNode[] = [];
  for (const node of kept) {
    if (node.stage === undefined || node.stage === '') {
      unstaged.push(node);
      continue;
    }
    let lane = laneByStage.get(node.stage);
    if (!lane) {
      lane = { stage: node.stage, title: stageTitle(node.stage), nodes: [] };
      laneByStage.set(node.stage, lane);
      lanes.push(lane);
    }
    lane.nodes.push(node);
  }

  const groups = new Map<string, EdgeGroup>();
  graph.edges.forEach((edge, index) => {
    if (!keptIds.has(edge.from) || !keptIds.has(edge.to)) return;
    const key = `${edge.kind}\u0000${edge.from}\u0000${edge.to}`;
    const group = groups.get(key);
    if (group) group.indexes.push(index);
    else
      groups.set(key, {
        from: edge.from,
        to: edge.to,
        kind: edge.kind,
        indexes: [index],
        first: edge,
      });
  });

  const skbByNode = new Map<string, SkbOp[]>();
  for (const op of graph.skb ?? []) {
    const list = skbByNode.get(op.node);
    if (list) list.push(op);
    else skbByNode.set(op.node, [op]);
  }
  const markersByNode = new Map<string, string[]>();
  for (const marker of graph.markers ?? []) {
    const list = markersByNode.get(marker.node);
    if (list) list.push(marker.label);
    else markersByNode.set(marker.node, [marker.label]);
  }

  return {
    order,
    kept,
    omitted: order.length - kept.length,
    lanes,
    unstaged,
    edges: Array.from(groups.values()),
    skbByNode,
    markersByNode,
  };
}

/** `drivers/net/ethernet/intel/e1000e/netdev.c` -> `…/e1000e/netdev.c` when longer than `max`. */
export function shortPath(file: string, max = 32): string {
  if (file.length <= max) return file;
  const parts = file.split('/');
  const tail = parts.slice(-2).join('/');
  return parts.length > 2 ? `…/${tail}` : tail;
}

/**
 * The functions a renderer ties below the user-space lane with invisible links, so the
 * lane stays above every other: from its first function to each function outside it that
 * no drawn edge enters (the hard IRQ that starts a receive path would otherwise share the
 * top row with the reader's system calls). Undefined without the lane. Node ids.
 */
export function userSpaceAnchors(
  prepared: Pick<PreparedGraph, 'kept' | 'edges'>,
): { from: string; to: string[] } | undefined {
  const user = prepared.kept.find((n) => n.stage === SYSCALL_STAGE);
  if (!user) return undefined;
  const kept = new Set(prepared.kept.map((n) => n.id));
  const entered = new Set(prepared.edges.filter((e) => kept.has(e.from)).map((e) => e.to));
  const to = new Set<string>();
  for (const node of prepared.kept)
    if (node.stage !== SYSCALL_STAGE && !entered.has(node.id)) to.add(node.id);
  return { from: user.id, to: [...to] };
}
