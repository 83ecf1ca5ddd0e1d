// The query stage: answers `where`, `callees`, `callers` and `path` on a loaded Graph
// and returns the JSON contract (graph-json.ts). Pure: no I/O.

import { distance } from 'fastest-levenshtein';
import type { Graph } from '../index/graph';
import { ARG_SEPARATOR, dirOf } from '../index/graph';
import type { GraphEdge, GraphJson, GraphNode } from '../graph-json';
import { CONTAINER_DIRS } from '../index/kernel-layout';

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
  return edge;
}

/** The argument texts recorded at an edge's call site (skb operations), if any. */
export function edgeArgs(graph: Graph, e: number): string[] | undefined {
  return graph.argsText(e)?.split(ARG_SEPARATOR);
}

function toJson(graph: Graph, nodes: Iterable<number>, edges: Iterable<number>): GraphJson {
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

export interface PathOptions {
  maxDepth: number;
  /** How many paths at most, best first (see findPaths). */
  paths: number;
}

/** How far from a path's ends a call was resolved (`remoteness`). */
export const NEAR = 0;
export const SAME_FOLDER = 1;
export const FAR = 2;

/**
 * How far from `endpoints` the binding an edge goes through was made: FAR outside their
 * folders (outside their files in CONTAINER_DIRS), SAME_FOLDER beside them, NEAR in one
 * of their files. A call through a pointer resolves to every function stored into its
 * field anywhere, but the object it goes through belongs to one of them: from e1000e's
 * interrupt, `n->poll(n, weight)` in __napi_poll runs e1000e_poll, registered beside the
 * interrupt handler, not process_backlog or another driver's poll; on the way to
 * tcp_v4_rcv the protocol handler is ip_rcv, registered in net/ipv4, not ipv6_rcv. Direct
 * and async edges, and edges that name their function at the call (`INDIRECT_CALL_2`
 * candidates, NF_HOOK's okfn), are NEAR.
 * Each edge is looked at when first asked about: a search touches a small part of them.
 */
export function remoteness(graph: Graph, endpoints: readonly number[]): (edge: number) => number {
  const files = new Set(endpoints.map((n) => graph.file(n)));
  const folders = new Set([...files].map(dirOf).filter((f) => !CONTAINER_DIRS.has(f)));
  const bindFile = graph.data.bindFile;
  const byFile = new Map<number, number>();
  const known = new Int8Array(graph.edgeCount).fill(-1);
  return (edge) => {
    let r = known[edge] as number;
    if (r >= 0) return r;
    const b = graph.kind(edge) === 'indirect' ? graph.binding(edge) : -1;
    const file = b >= 0 ? (bindFile[b] as number) : -1;
    r = file < 0 ? NEAR : (byFile.get(file) ?? -1);
    if (r < 0) {
      const path = graph.str(file) ?? '';
      r = files.has(path) ? NEAR : folders.has(dirOf(path)) ? SAME_FOLDER : FAR;
      byFile.set(file, r);
    }
    known[edge] = r;
    return r;
  };
}

/**
 * Up to `paths` call paths from any `from` function to any `to` function, best first: the
 * fewest pointer calls resolved FAR from both ends (`remoteness`), then the fewest calls,
 * where a call resolved in the ends' folders but not their files counts twice. Simple
 * paths of at most `maxDepth` calls that pass through no DEAD_ENDS (kernel-idioms.ts).
 */
export function findPaths(
  graph: Graph,
  fromSpecs: string[],
  toSpecs: string[],
  options: PathOptions,
): GraphJson {
  const sources = fromSpecs.flatMap((s) => selectNodes(graph, s));
  const targets = new Set(toSpecs.flatMap((s) => selectNodes(graph, s)));
  const remote = remoteness(graph, [...sources, ...targets]);
  // One far call costs more than any path without one: that part of the order is lexicographic.
  const farCost = 2 * options.maxDepth + 1;
  const COSTS = [1, 2, farCost];
  const cost = (e: number): number => COSTS[remote(e)] as number;
  const dead = (n: number): boolean =>
    graph.isDeadEnd(n) && !targets.has(n) && !sources.includes(n);
  const sideVariant = (n: number): boolean => graph.sideVariants(n) > 0;
  const maxCost = options.maxDepth * (farCost + 2);

  /** Up to `wanted` paths, best first; through DEAD_ENDS too when `throughDeadEnds`. */
  const search = (wanted: number, throughDeadEnds: boolean): number[][] => {
    // Cost to the nearest target (-1: not settled yet), by a backward search settled one
    // cost at a time and only as far as the paths sought: from a target's callers outwards
    // it soon covers most of the graph, and the best paths are usually short.
    const dist = new Int32Array(graph.nodeCount).fill(-1);
    const tentative = new Int32Array(graph.nodeCount).fill(maxCost + 1);
    const buckets: number[][] = [[...targets]];
    for (const t of targets) tentative[t] = 0;
    let settled = -1;
    const settle = (): void => {
      const c = ++settled;
      for (const n of buckets[c] ?? []) {
        if ((dist[n] as number) >= 0 || tentative[n] !== c || (!throughDeadEnds && dead(n)))
          continue;
        dist[n] = c;
        graph.forEachIncoming(n, (e, m) => {
          const next = c + cost(e);
          if (next < (tentative[m] as number)) {
            tentative[m] = next;
            (buckets[next] ??= []).push(m);
          }
        });
      }
      buckets[c] = [];
    };
    while (settled < maxCost && !sources.some((s) => (dist[s] as number) >= 0)) settle();
    const found: number[][] = [];
    const reachable = sources.filter((s) => (dist[s] as number) >= 0);
    if (reachable.length === 0) return found;
    // Enumerate simple paths of increasing cost; dist prunes every step that cannot arrive in time.
    const best = Math.min(...reachable.map((s) => dist[s] as number));
    let budget = 200_000;
    for (let limit = best; limit <= maxCost && found.length < wanted && budget > 0; limit++) {
      // Paths of cost `limit` pass only through functions within `limit` of a target.
      while (settled < limit) settle();
      for (const s of sources) {
        if ((dist[s] as number) < 0) continue;
        const path = [s];
        const onPath = new Set([s]);
        const walk = (n: number, left: number): void => {
          if (found.length >= wanted || --budget <= 0) return;
          if (targets.has(n)) {
            if (left === 0) found.push([...path]);
            return;
          }
          if (path.length > options.maxDepth) return;
          const seenNext = new Set<number>();
          // Of equally good paths, those through special-purpose variants (SIDE_VARIANTS) last.
          for (const late of [false, true]) {
            for (const e of graph.outgoing(n)) {
              const m = graph.to(e);
              const dm = dist[m] as number;
              const rest = left - cost(e);
              if (
                dm < 0 ||
                dm > rest ||
                onPath.has(m) ||
                seenNext.has(m) ||
                sideVariant(m) !== late
              )
                continue;
              seenNext.add(m);
              path.push(m);
              onPath.add(m);
              walk(m, rest);
              path.pop();
              onPath.delete(m);
            }
          }
        };
        walk(s, limit);
      }
    }
    // Cheap paths may all be longer than maxDepth calls: then none.
    return found;
  };

  const found = search(options.paths, false);
  if (found.length === 0) {
    const message = `no path from ${fromSpecs.join(', ')} to ${toSpecs.join(', ')} within ${options.maxDepth} calls`;
    // Say so when the only paths go through a function paths skip (a notifier chain, panic).
    const skipped = (search(1, true)[0] ?? []).filter(dead).map((n) => graph.name(n));
    if (skipped.length === 0) throw new QueryError(message);
    const names =
      skipped.length === 1
        ? skipped[0]
        : `${skipped.slice(0, -1).join(', ')} and ${skipped[skipped.length - 1]}`;
    throw new QueryError(
      `${message} except through ${names}, which paths skip: event dispatchers and crash paths reach almost anything`,
    );
  }
  const edges: number[] = [];
  for (const p of found) {
    for (let i = 0; i + 1 < p.length; i++) {
      // The edge the path took, if two calls lead to the same function: the cheapest, and of
      // equal ones a plain call (`return ip_finish_output2(...)` beside `ip_fragment(...,
      // ip_finish_output2)`).
      let taken = -1;
      const better = (e: number): boolean =>
        cost(e) < cost(taken) ||
        (cost(e) === cost(taken) && graph.kind(e) === 'direct' && graph.kind(taken) !== 'direct');
      for (const e of graph.outgoing(p[i] as number)) {
        if (graph.to(e) !== p[i + 1] || (taken >= 0 && !better(e))) continue;
        taken = e;
      }
      if (taken >= 0) edges.push(taken);
    }
  }
  const json = toJson(graph, found.flat(), edges);
  json.paths = found.map((p) => p.map((n) => graph.nodeId(n)));
  return json;
}
