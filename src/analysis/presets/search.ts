// Shortest call paths for the presets: a backward search from a set of target functions gives
// every function's distance to the nearest target, and a path from any source then follows
// the distances down. One distance map answers every source, so listing all drivers costs one
// search per milestone, not one per driver.
//
// Costs: a direct or async call costs 1000, a call through a function pointer 1100, so among
// paths of equal length the one with fewer resolved pointers wins (they are over-approximations).
// A target starts at its index in the target list (below one call), so among equally short
// paths the earlier-listed target wins: a milestone row lists its preferred function first.

import { EDGE_KINDS, type Graph } from '../index/graph';

/** The cost of one direct call; DETOURS costs are in the same unit. */
export const CALL_COST = 1000;
const COST: Readonly<Record<string, number>> = {
  direct: CALL_COST,
  indirect: 1100,
  async: CALL_COST,
};
const DETOUR_SLACK = 1500;
/** COST by the index of each kind in EDGE_KINDS, as the graph stores it. */
const KIND_COST: readonly number[] = EDGE_KINDS.map((k) => COST[k] ?? CALL_COST);

/** The cost of one call edge in the search. */
export function edgeCost(graph: Graph, edge: number): number {
  return COST[graph.kind(edge)] ?? CALL_COST;
}

/** Distances (in cost units) from functions to the nearest of a set of targets. */
export class DistanceMap {
  constructor(
    readonly targets: ReadonlySet<number>,
    private readonly dist: Map<number, number>,
    /** Extra cost of entering a function (DETOURS), the same the search used. */
    readonly enter: (node: number) => number = () => 0,
  ) {}

  /** Every function that reaches a target, with its cost. */
  entries(): IterableIterator<[number, number]> {
    return this.dist.entries();
  }

  has(node: number): boolean {
    return this.dist.has(node);
  }

  /** Cost from `node` to the nearest target, undefined when none is reachable within the bound. */
  get(node: number): number | undefined {
    return this.dist.get(node);
  }
}

/** A binary min-heap of (cost, node) pairs in two growing typed arrays: searches push millions. */
class Heap {
  private costs = new Float64Array(1024);
  private nodes = new Int32Array(1024);
  size = 0;
  /** The cost and node of the last `pop`. */
  cost = 0;
  node = 0;

  push(cost: number, node: number): void {
    if (this.size === this.costs.length) {
      const costs = new Float64Array(this.size * 2);
      costs.set(this.costs);
      this.costs = costs;
      const nodes = new Int32Array(this.size * 2);
      nodes.set(this.nodes);
      this.nodes = nodes;
    }
    const { costs, nodes } = this;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if ((costs[p] as number) <= cost) break;
      costs[i] = costs[p] as number;
      nodes[i] = nodes[p] as number;
      i = p;
    }
    costs[i] = cost;
    nodes[i] = node;
  }

  /** Removes the cheapest pair into `cost` and `node`; false when the heap is empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const { costs, nodes } = this;
    this.cost = costs[0] as number;
    this.node = nodes[0] as number;
    const n = --this.size;
    const lastCost = costs[n] as number;
    const lastNode = nodes[n] as number;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const m = r < n && (costs[r] as number) < (costs[l] as number) ? r : l;
      if ((costs[m] as number) >= lastCost) break;
      costs[i] = costs[m] as number;
      nodes[i] = nodes[m] as number;
      i = m;
    }
    costs[i] = lastCost;
    nodes[i] = lastNode;
    return true;
  }
}

/**
 * Per-graph scratch arrays, one set per kind of search: best cost so far (Infinity when
 * untouched) and the edge it came by. Each search resets what it touched before it returns;
 * Maps in their place were most of the driver list's time.
 */
const scratch = { backward: new WeakMap<Graph, Scratch>(), forward: new WeakMap<Graph, Scratch>() };
interface Scratch {
  dist: Float64Array;
  via: Int32Array;
}

function scratchOf(graph: Graph, kind: keyof typeof scratch): Scratch {
  let s = scratch[kind].get(graph);
  if (!s) {
    s = {
      dist: new Float64Array(graph.nodeCount).fill(Infinity),
      via: new Int32Array(graph.nodeCount),
    };
    scratch[kind].set(graph, s);
  }
  return s;
}

/**
 * Distances to `targets` for every function that reaches one within `maxHops` calls
 * (a backward Dijkstra over callers). `enter` adds a cost to passing through a function.
 */
export function distancesTo(
  graph: Graph,
  targets: Iterable<number>,
  maxHops: number,
  enter: (node: number) => number = () => 0,
): DistanceMap {
  const targetSet = new Set(targets);
  const { dist } = scratchOf(graph, 'backward');
  const touched: number[] = [];
  const heap = new Heap();
  let rank = 0;
  for (const t of targetSet) {
    const start = Math.min(rank++, CALL_COST / 10);
    if (dist[t] === Infinity) touched.push(t);
    dist[t] = start;
    heap.push(start, t);
  }
  // One detour's worth of slack, so a path of maxHops calls through one detour still counts.
  const bound = maxHops * (COST.indirect ?? 1100) + DETOUR_SLACK;
  let through = 0;
  const relax = (m: number, kind: number): void => {
    const dm = through + (KIND_COST[kind] ?? CALL_COST);
    if (dm > bound || dm >= (dist[m] as number)) return;
    if (dist[m] === Infinity) touched.push(m);
    dist[m] = dm;
    heap.push(dm, m);
  };
  try {
    while (heap.pop()) {
      const n = heap.node;
      if (heap.cost > (dist[n] as number)) continue;
      through = heap.cost + enter(n);
      graph.forEachCallerKind(n, relax);
    }
    // In the order first reached, as the Map this replaced kept them.
    const found = new Map<number, number>();
    for (const n of touched) found.set(n, dist[n] as number);
    return new DistanceMap(targetSet, found, enter);
  } finally {
    for (const n of touched) dist[n] = Infinity;
  }
}

/** A call path: nodes from source to target and the edge taken between each pair. */
export interface CallPath {
  nodes: number[];
  edges: number[];
}

/**
 * The shortest path from `source` down a distance map to its nearest target. Ties go to the
 * cheaper edge kind, then to the first edge in the caller's body order.
 */
export function pathFrom(graph: Graph, map: DistanceMap, source: number): CallPath | undefined {
  let d = map.get(source);
  if (d === undefined) return undefined;
  const nodes = [source];
  const edges: number[] = [];
  let n = source;
  const outStart = graph.data.outStart;
  while (!map.targets.has(n)) {
    let next: { edge: number; to: number; cost: number } | undefined;
    for (let e = outStart[n] as number, end = outStart[n + 1] as number; e < end; e++) {
      const m = graph.to(e);
      const dm = map.get(m);
      if (dm === undefined) continue;
      const c = edgeCost(graph, e) + map.enter(m);
      if (dm + c !== d) continue;
      // Ties: the cheaper call kind, then the plainer (shorter) name: e1000_clean_rx_irq
      // before e1000_clean_rx_irq_ps, both bound to adapter->clean_rx.
      if (
        !next ||
        c < next.cost ||
        (c === next.cost && graph.name(m).length < graph.name(next.to).length)
      )
        next = { edge: e, to: m, cost: c };
    }
    if (!next) return undefined;
    edges.push(next.edge);
    nodes.push(next.to);
    n = next.to;
    d = map.get(n);
  }
  return { nodes, edges };
}

/** The best path from any of `sources`; ties go to the earlier source. */
export function bestPathFrom(
  graph: Graph,
  map: DistanceMap,
  sources: readonly number[],
): CallPath | undefined {
  let best: number | undefined;
  for (const s of sources) {
    const d = map.get(s);
    if (d !== undefined && (best === undefined || d < (map.get(best) as number))) best = s;
  }
  return best === undefined ? undefined : pathFrom(graph, map, best);
}

/**
 * The shortest path from `source` to any of `targets` that never takes a `blocked` call
 * (a forward Dijkstra, bounded like distancesTo). For the rare leg whose shared-map path
 * wanders through another driver's code. `within`, the distance map to the same targets
 * with the same bound, prunes the search to the functions that can still reach one: the
 * path found is the same, and a search that finds none stops early.
 */
export function forwardPath(
  graph: Graph,
  source: number,
  targets: ReadonlySet<number>,
  maxHops: number,
  enter: (node: number) => number,
  blocked: (edge: number) => boolean,
  within?: DistanceMap,
): CallPath | undefined {
  const { dist, via } = scratchOf(graph, 'forward');
  const outStart = graph.data.outStart;
  const touched: number[] = [source];
  dist[source] = 0;
  const heap = new Heap();
  heap.push(0, source);
  const bound = maxHops * (COST.indirect ?? 1100) + DETOUR_SLACK;
  try {
    while (heap.pop()) {
      const d = heap.cost;
      const n = heap.node;
      if (d > (dist[n] as number)) continue;
      if (targets.has(n)) {
        const nodes = [n];
        const edges: number[] = [];
        for (let m = n; m !== source;) {
          const e = via[m] as number;
          edges.unshift(e);
          m = graph.from(e);
          nodes.unshift(m);
        }
        return { nodes, edges };
      }
      for (let e = outStart[n] as number, end = outStart[n + 1] as number; e < end; e++) {
        const m = graph.to(e);
        if (within && !within.has(m)) continue;
        if (blocked(e)) continue;
        const dm = d + edgeCost(graph, e) + enter(m);
        if (dm > bound || dm >= (dist[m] as number)) continue;
        if (dist[m] === Infinity) touched.push(m);
        dist[m] = dm;
        via[m] = e;
        heap.push(dm, m);
      }
    }
    return undefined;
  } finally {
    for (const n of touched) dist[n] = Infinity;
  }
}
