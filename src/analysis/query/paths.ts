// The `path` query: call paths from one set of functions to another, best first, in the
// order ARCHITECTURE.md ("How `path` ranks what it finds") explains. Pure: no I/O.
//
// The steps: price each call (`pathCosts`), settle the cost from each function to the
// nearest target by a backward search (`CostToTargets`), enumerate simple paths of
// increasing cost against it (`enumeratePaths`), then pick the edge each hop took
// (`takenEdges`) for the JSON answer.

import type { Graph } from '../index/graph';
import { dirOf } from '../index/graph';
import type { GraphJson } from '../graph-json';
import { CONTAINER_DIRS } from '../index/kernel-layout';
import { QueryError, selectNodes, toJson } from './query';

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

/** What one query makes of each call and function. */
interface PathCosts {
  /** The price of taking `edge`: 1 for a call, more for one resolved away from the ends. */
  cost: (edge: number) => number;
  /** Whether no path may pass through `node` (DEAD_ENDS, unless it is an end). */
  dead: (node: number) => boolean;
  /** Whether `node` is taken last of equally good next steps (SIDE_VARIANTS). */
  late: (node: number) => boolean;
  /** No path costs more. */
  maxCost: number;
}

/**
 * The prices of one query: the fewest pointer calls resolved FAR from both ends first,
 * then the fewest calls, where a call resolved in the ends' folders but not their files
 * counts twice.
 */
function pathCosts(
  graph: Graph,
  sources: readonly number[],
  targets: ReadonlySet<number>,
  maxDepth: number,
): PathCosts {
  const remote = remoteness(graph, [...sources, ...targets]);
  // One far call costs more than any path without one: that part of the order is lexicographic.
  const farCost = 2 * maxDepth + 1;
  const prices = [1, 2, farCost];
  return {
    cost: (e) => prices[remote(e)] as number,
    dead: (n) => graph.isDeadEnd(n) && !targets.has(n) && !sources.includes(n),
    late: (n) => graph.sideVariants(n) > 0,
    maxCost: maxDepth * (farCost + 2),
  };
}

/**
 * The cost from each function to the nearest target (-1: not settled yet), by a backward
 * search settled one cost at a time and only as far as the paths sought: from a target's
 * callers outwards it soon covers most of the graph, and the best paths are usually short.
 */
class CostToTargets {
  readonly dist: Int32Array;
  private readonly tentative: Int32Array;
  private readonly buckets: number[][];
  private settled = -1;

  constructor(
    private readonly graph: Graph,
    targets: ReadonlySet<number>,
    private readonly costs: PathCosts,
    /** Whether paths may pass through DEAD_ENDS (only to say which ones a path would need). */
    private readonly throughDeadEnds: boolean,
  ) {
    this.dist = new Int32Array(graph.nodeCount).fill(-1);
    this.tentative = new Int32Array(graph.nodeCount).fill(costs.maxCost + 1);
    this.buckets = [[...targets]];
    for (const t of targets) this.tentative[t] = 0;
  }

  /** The cost settled so far: every function within it of a target has its `dist`. */
  get settledCost(): number {
    return this.settled;
  }

  /** Settles every function whose cost to a target is the next one. */
  settleNext(): void {
    const { graph, costs, dist, tentative, buckets } = this;
    const c = ++this.settled;
    for (const n of buckets[c] ?? []) {
      if (
        (dist[n] as number) >= 0 ||
        tentative[n] !== c ||
        (!this.throughDeadEnds && costs.dead(n))
      )
        continue;
      dist[n] = c;
      graph.forEachIncoming(n, (e, m) => {
        const next = c + costs.cost(e);
        if (next < (tentative[m] as number)) {
          tentative[m] = next;
          (buckets[next] ??= []).push(m);
        }
      });
    }
    buckets[c] = [];
  }

  /** Settles every function within `limit` of a target. */
  settleTo(limit: number): void {
    while (this.settled < limit) this.settleNext();
  }
}

/**
 * Up to `wanted` simple paths from `sources` of at most `maxDepth` calls, by increasing
 * cost; `toTargets.dist` prunes every step that cannot arrive in time. Of equally good
 * next steps, special-purpose variants (SIDE_VARIANTS) come last.
 */
function enumeratePaths(
  graph: Graph,
  sources: readonly number[],
  targets: ReadonlySet<number>,
  costs: PathCosts,
  toTargets: CostToTargets,
  wanted: number,
  maxDepth: number,
): number[][] {
  const found: number[][] = [];
  const dist = toTargets.dist;
  const reachable = sources.filter((s) => (dist[s] as number) >= 0);
  if (reachable.length === 0) return found;
  const best = Math.min(...reachable.map((s) => dist[s] as number));
  let budget = 200_000;
  for (let limit = best; limit <= costs.maxCost && found.length < wanted && budget > 0; limit++) {
    // Paths of cost `limit` pass only through functions within `limit` of a target.
    toTargets.settleTo(limit);
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
        if (path.length > maxDepth) return;
        const seenNext = new Set<number>();
        for (const late of [false, true]) {
          for (const e of graph.outgoing(n)) {
            const m = graph.to(e);
            const dm = dist[m] as number;
            const rest = left - costs.cost(e);
            if (dm < 0 || dm > rest || onPath.has(m) || seenNext.has(m) || costs.late(m) !== late)
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
}

/** Up to `wanted` paths, best first; through DEAD_ENDS too when `throughDeadEnds`. */
function searchPaths(
  graph: Graph,
  sources: readonly number[],
  targets: ReadonlySet<number>,
  costs: PathCosts,
  wanted: number,
  throughDeadEnds: boolean,
  maxDepth: number,
): number[][] {
  const toTargets = new CostToTargets(graph, targets, costs, throughDeadEnds);
  while (
    toTargets.settledCost < costs.maxCost &&
    !sources.some((s) => (toTargets.dist[s] as number) >= 0)
  )
    toTargets.settleNext();
  return enumeratePaths(graph, sources, targets, costs, toTargets, wanted, maxDepth);
}

/**
 * The error for a query without a path: it names the functions paths skip (a notifier
 * chain, panic) when the only paths go through them.
 */
function noPathError(
  graph: Graph,
  message: string,
  throughDeadEnds: () => number[] | undefined,
  costs: PathCosts,
): QueryError {
  const skipped = (throughDeadEnds() ?? []).filter(costs.dead).map((n) => graph.name(n));
  if (skipped.length === 0) return new QueryError(message);
  const names =
    skipped.length === 1
      ? skipped[0]
      : `${skipped.slice(0, -1).join(', ')} and ${skipped[skipped.length - 1]}`;
  return new QueryError(
    `${message} except through ${names}, which paths skip: event dispatchers and crash paths reach almost anything`,
  );
}

/**
 * The edge each hop of `paths` took, if two calls lead to the same function: the
 * cheapest, and of equal ones a plain call (`return ip_finish_output2(...)` beside
 * `ip_fragment(..., ip_finish_output2)`).
 */
function takenEdges(graph: Graph, paths: readonly number[][], costs: PathCosts): number[] {
  const edges: number[] = [];
  for (const p of paths) {
    for (let i = 0; i + 1 < p.length; i++) {
      let taken = -1;
      const better = (e: number): boolean =>
        costs.cost(e) < costs.cost(taken) ||
        (costs.cost(e) === costs.cost(taken) &&
          graph.kind(e) === 'direct' &&
          graph.kind(taken) !== 'direct');
      for (const e of graph.outgoing(p[i] as number)) {
        if (graph.to(e) !== p[i + 1] || (taken >= 0 && !better(e))) continue;
        taken = e;
      }
      if (taken >= 0) edges.push(taken);
    }
  }
  return edges;
}

/**
 * Up to `paths` call paths from any `from` function to any `to` function, best first (see
 * `pathCosts`). Simple paths of at most `maxDepth` calls that pass through no DEAD_ENDS
 * (kernel-idioms.ts).
 */
export function findPaths(
  graph: Graph,
  fromSpecs: string[],
  toSpecs: string[],
  options: PathOptions,
): GraphJson {
  const sources = fromSpecs.flatMap((s) => selectNodes(graph, s));
  const targets = new Set(toSpecs.flatMap((s) => selectNodes(graph, s)));
  const costs = pathCosts(graph, sources, targets, options.maxDepth);
  const search = (wanted: number, throughDeadEnds: boolean): number[][] =>
    searchPaths(graph, sources, targets, costs, wanted, throughDeadEnds, options.maxDepth);
  const found = search(options.paths, false);
  if (found.length === 0) {
    throw noPathError(
      graph,
      `no path from ${fromSpecs.join(', ')} to ${toSpecs.join(', ')} within ${options.maxDepth} calls`,
      () => search(1, true)[0],
      costs,
    );
  }
  const json = toJson(graph, found.flat(), takenEdges(graph, found, costs));
  json.paths = found.map((p) => p.map((n) => graph.nodeId(n)));
  return json;
}
