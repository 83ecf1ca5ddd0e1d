// The query stage: answers `where`, `callees` and `callers` on a loaded Graph (`path` is
// paths.ts) and returns the JSON contract (graph-json.ts). Pure: no I/O.

import { distance } from 'fastest-levenshtein';
import type { Graph } from '../index/graph';
import { ARG_SEPARATOR } from '../index/graph';
import type { GraphEdge, GraphJson, GraphNode } from '../graph-json';

/** A query that cannot be answered: one line for the user. */
export class QueryError extends Error {}

/** Resolves `NAME` or `FILE:NAME` (FILE relative to the kernel root) to node ids. */
export function selectNodes(graph: Graph, spec: string): number[] {
  const colon = spec.lastIndexOf(':');
  const name = colon >= 0 ? spec.slice(colon + 1) : spec;
  const file = colon >= 0 ? spec.slice(0, colon).replace(/^\.\//, '') : undefined;
  const named = graph.lookup(name);
  const nodes = file !== undefined ? named.filter((n) => graph.file(n) === file) : named;
  if (nodes.length === 0) {
    if (file !== undefined && named.length > 0) {
      const files = [...new Set(named.map((n) => graph.file(n)))];
      const shown =
        files.slice(0, 3).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
      throw new QueryError(`unknown function ${name} in ${file} (it is defined in ${shown})`);
    }
    const close = similarNames(graph, name);
    const hint =
      close.length > 0
        ? ` (did you mean ${close.slice(0, -1).join(', ')}${close.length > 1 ? ' or ' : ''}${close[close.length - 1]}?)`
        : '';
    throw new QueryError(
      `unknown function ${name}${file !== undefined ? ` in ${file}` : ''}${hint}`,
    );
  }
  return nodes;
}

/**
 * Up to `limit` names of the graph closest to `name` by edit distance, for a "did you mean"
 * (`netif_recieve_skb` -> `netif_receive_skb`). Reads every name, so only for errors.
 */
export function similarNames(graph: Graph, name: string, limit = 3): string[] {
  const max = name.length <= 4 ? 1 : name.length <= 12 ? 2 : 3;
  const found: { name: string; d: number }[] = [];
  const order = graph.data.nodeByName;
  let previous = '';
  for (let i = 0; i < order.length; i++) {
    const candidate = graph.name(order[i] as number);
    if (candidate === previous || Math.abs(candidate.length - name.length) > max) continue;
    previous = candidate;
    const d = distance(name, candidate);
    if (d <= max) found.push({ name: candidate, d });
  }
  found.sort((a, b) => a.d - b.d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return found.slice(0, limit).map((f) => f.name);
}

export function nodeJson(graph: Graph, n: number): GraphNode {
  const node: GraphNode = {
    id: graph.nodeId(n),
    name: graph.name(n),
    file: graph.file(n),
    line: graph.line(n),
  };
  if (graph.isMacro(n)) node.kind = 'macro';
  const built = graph.built(n);
  if (built) node.built = built;
  const module = graph.module(n);
  if (module !== undefined) node.module = module;
  return node;
}

export function edgeJson(graph: Graph, e: number): GraphEdge {
  const from = graph.from(e);
  const edge: GraphEdge = {
    from: graph.nodeId(from),
    to: graph.nodeId(graph.to(e)),
    kind: graph.kind(e),
    file: graph.file(from),
    line: graph.edgeLine(e),
  };
  const via = graph.via(e);
  if (via !== undefined) edge.via = via;
  // A graph of one configuration holds only the calls of the kernel it builds.
  if (graph.data.config) edge.config = 'live';
  return edge;
}

/** The argument texts recorded at an edge's call site (skb operations), if any. */
export function edgeArgs(graph: Graph, e: number): string[] | undefined {
  return graph.argsText(e)?.split(ARG_SEPARATOR);
}

/** The JSON answer of a query: the given functions and calls, each once. */
export function toJson(graph: Graph, nodes: Iterable<number>, edges: Iterable<number>): GraphJson {
  const nodeList = [...new Set(nodes)];
  return {
    nodes: nodeList.map((n) => nodeJson(graph, n)),
    edges: [...new Set(edges)].map((e) => edgeJson(graph, e)),
  };
}

export function where(graph: Graph, specs: string[]): GraphJson {
  return toJson(
    graph,
    specs.flatMap((s) => selectNodes(graph, s)),
    [],
  );
}

/** Everything reachable from (or reaching) the given functions within `depth` calls. */
export function neighbourhood(
  graph: Graph,
  specs: string[],
  depth: number,
  direction: 'callees' | 'callers',
): GraphJson {
  const start = specs.flatMap((s) => selectNodes(graph, s));
  const seen = new Set<number>(start);
  const edges: number[] = [];
  let frontier = start;
  for (let d = 0; d < depth && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const e of direction === 'callees' ? graph.outgoing(n) : graph.incoming(n)) {
        edges.push(e);
        const other = direction === 'callees' ? graph.to(e) : graph.from(e);
        if (!seen.has(other)) {
          seen.add(other);
          next.push(other);
        }
      }
    }
    frontier = next;
  }
  return toJson(graph, seen, edges);
}
