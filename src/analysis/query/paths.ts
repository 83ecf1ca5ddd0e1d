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
import { SIDE_PATHS } from './side-paths';
import { CONTAINER_DIRS } from '../index/kernel-layout';
import { QueryError, selectNodes, toJson } from './query';

export interface PathOptions {
  maxDepth: number;
  /** How many paths at most, best first (see findPaths). */
  paths: number;
  /** Functions (`NAME` or `FILE:NAME`) each path passes through, in this order. */
  via?: string[];
}

/** How far from a path's ends a call was resolved (`remoteness`). */
export const NEAR = 0;
export const SAME_FOLDER = 1;
export const FAR = 2;
/** FAR, but the `INDIRECT_CALL_*` wrapper of the call names the function too. */
export const NAMED_FAR = 3;

/**
 * How far from `endpoints` the binding an edge goes through was made: FAR outside their
 * folders (outside their files in CONTAINER_DIRS), SAME_FOLDER beside them, NEAR in one
 * of their files. A call through a pointer resolves to every function stored into its
 * field anywhere, but the object it goes through belongs to one of them: from e1000e's
 * interrupt, `n->poll(n, weight)` in __napi_poll runs e1000e_poll, registered beside the
 * interrupt handler, not process_backlog or another driver's poll; on the way to
 * tcp_v4_rcv the protocol handler is ip_rcv, registered in net/ipv4, not ipv6_rcv. Direct
 * and async edges, and edges that name their function at the call (`INDIRECT_CALL_2`
 * candidates, NF_HOOK's okfn), are NEAR. A FAR binding of a pointer whose
 * `INDIRECT_CALL_*` wrapper names the function among its candidates too is NAMED_FAR: the
 * call site expects it (`INDIRECT_CALL_INET(sock->ops->recvmsg, inet6_recvmsg,
 * inet_recvmsg, ...)` in sock_recvmsg_nosec), where another family's recvmsg is not.
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
    if (r === FAR && graph.namedAtCall(edge)) r = NAMED_FAR;
    known[edge] = r;
    return r;
  };
}

/** The functions and calls a query names: where paths start and end, and what they pass. */
interface PathEnds {
  sources: readonly number[];
  targets: ReadonlySet<number>;
  /** Functions the path must pass, in order: each a set of definitions. */
  vias: readonly ReadonlySet<number>[];
}

/** What one query makes of each call and function. */
interface PathCosts {
  /** The price of a call from `caller` to `callee` through `edge` (see `pathCosts`). */
  cost: (edge: number, caller: number, callee: number) => number;
  /** Whether no path may pass through `node` (DEAD_ENDS, unless it is an end). */
  dead: (node: number) => boolean;
  /** Whether `node` is taken last of equally good next steps (SIDE_VARIANTS). */
  late: (node: number) => boolean;
  /** No path costs more. */
  maxCost: number;
}

/**
 * The calls back into the start's own code: each edge from a function outside the
 * starts' files and folders (CONTAINER_DIRS: files) through a binding their code made by
 * a registration function (`netif_napi_add`, `request_irq`): a callback handed to generic
 * code to be run for it, as __napi_poll's `n->poll(n, weight)` runs the e1000e_poll that
 * e1000e's netdev.c registered. Operations tables filled in initializers are not such
 * callbacks: tcp_rcv_established calls the af_ops of tcp_ipv6.c in passing, and its data
 * goes on elsewhere. Of a function's such edges, those bound nearest count, in a start's
 * file before its folder (r8169's poll before 8139too's, both in
 * drivers/net/ethernet/realtek). The functions that make them are dispatchers;
 * `skips(edge, caller)` tells a call that leaves a dispatcher another way.
 */
export function startCallbacks(
  graph: Graph,
  starts: readonly number[],
): { dispatchers: ReadonlySet<number>; skips: (edge: number, caller: number) => boolean } {
  const files = new Set(starts.map((n) => graph.file(n)));
  const folders = new Set([...files].map(dirOf).filter((f) => !CONTAINER_DIRS.has(f)));
  // NEAR in a start's file, SAME_FOLDER beside it, FAR elsewhere.
  const rankOf = (path: string): number =>
    files.has(path) ? NEAR : folders.has(dirOf(path)) ? SAME_FOLDER : FAR;
  const { bindFile, bindFn, bindVia } = graph.data;
  // The start's registrations (a few hundred of the tree's bindings), by rank.
  const rankByFile = new Map<number, number>();
  const registered = new Map<number, number>();
  for (let b = 0; b < bindFile.length; b++) {
    if ((bindVia[b] as number) < 0) continue;
    const file = bindFile[b] as number;
    let rank = rankByFile.get(file);
    if (rank === undefined) {
      rank = rankOf(graph.str(file) ?? '');
      rankByFile.set(file, rank);
    }
    if (rank !== FAR) registered.set(b, rank);
  }
  // Per dispatcher, the rank of its nearest callbacks and those callbacks: the calls into
  // each registered function through its registration, from outside the start's code.
  const nearest = new Map<number, { rank: number; edges: number[] }>();
  for (const fn of new Set([...registered.keys()].map((b) => bindFn[b] as number))) {
    graph.forEachIncoming(fn, (e, caller) => {
      const rank = registered.get(graph.binding(e));
      if (rank === undefined || rankOf(graph.file(caller)) !== FAR) return;
      const known = nearest.get(caller);
      if (known === undefined || rank < known.rank) nearest.set(caller, { rank, edges: [e] });
      else if (rank === known.rank) known.edges.push(e);
    });
  }
  const callbacks = new Set([...nearest.values()].flatMap((n) => n.edges));
  return {
    dispatchers: new Set(nearest.keys()),
    skips: (edge, caller) => nearest.has(caller) && !callbacks.has(edge),
  };
}

/** Whether each function matches a row of SIDE_PATHS, read from its name once. */
function sidePaths(graph: Graph): (node: number) => boolean {
  const known = new Int8Array(graph.nodeCount).fill(-1);
  return (node) => {
    let k = known[node] as number;
    if (k < 0) {
      const name = graph.name(node);
      k = SIDE_PATHS.some((row) => row.name.test(name)) ? 1 : 0;
      known[node] = k;
    }
    return k === 1;
  };
}

/**
 * What a NAMED_FAR call costs, in calls: the function is bound far from the ends, but the
 * wrapper at the call names it. From `__sys_recvfrom` to the copy to user memory the
 * families and protocols the wrappers name (two such calls) come before another family's
 * recvmsg (a detour), yet from tcp_sendmsg IPv4's ip_queue_xmit, bound beside tcp.c, comes
 * before IPv6's inet6_csk_xmit, which the wrapper names too, unless that way were this
 * many calls shorter.
 */
export const EXPECTED_DETOUR_COST = 12;
/** What entering a SIDE_PATHS function adds to a path's cost, in calls. */
export const SIDE_PATH_COST = 8;
/**
 * What a deferred call (an `async` edge: a softirq raised, a timer armed, a work item or
 * tasklet scheduled) adds to a path's cost, in calls. A raise reaches every handler of its
 * key: freeing an skb raises NET_TX, whose handler runs every qdisc, and a packet path
 * crosses one or two deferrals where such chains cross many.
 */
export const DEFERRAL_COST = 4;

/**
 * The prices of one query: the fewest detours first, then the lowest sum of the rest. A
 * detour is a pointer call resolved FAR from the ends (`remoteness`), or a call that leaves
 * a dispatcher of the start's callbacks another way (`startCallbacks`); each costs more
 * than any path without one, so that part of the order is lexicographic. The rest: a call
 * costs 1, 2 through a binding made in the ends' folders but not their files,
 * EXPECTED_DETOUR_COST through a NAMED_FAR binding, 1 +
 * DEFERRAL_COST when deferred, and SIDE_PATH_COST more into a side path (SIDE_PATHS). A
 * target or via is never a detour or a side path: asked for, it is the way.
 */
function pathCosts(graph: Graph, ends: PathEnds, maxDepth: number): PathCosts {
  const { sources, targets, vias } = ends;
  const viaNodes = vias.flatMap((v) => [...v]);
  const remote = remoteness(graph, [...sources, ...targets, ...viaNodes]);
  const named = new Set([...targets, ...viaNodes]);
  const { skips } = startCallbacks(graph, sources);
  const side = sidePaths(graph);
  const maxCall = EXPECTED_DETOUR_COST + SIDE_PATH_COST + DEFERRAL_COST;
  const detour = maxCall * maxDepth + 1;
  const prices = [1, 2, detour, EXPECTED_DETOUR_COST];
  // The part of a call's price its edge alone decides, worked out once per edge (0: not yet).
  const priced = new Int16Array(graph.edgeCount);
  const price = (e: number): number => {
    let p = priced[e] as number;
    if (p === 0) {
      p = (prices[remote(e)] as number) + (graph.kind(e) === 'async' ? DEFERRAL_COST : 0);
      priced[e] = p;
    }
    return p;
  };
  return {
    cost: (e, caller, callee) =>
      price(e) +
      (skips(e, caller) && !named.has(callee) ? detour : 0) +
      (side(callee) && !named.has(callee) ? SIDE_PATH_COST : 0),
    dead: (n) => graph.isDeadEnd(n) && !named.has(n) && !sources.includes(n),
    late: (n) => graph.sideVariants(n) > 0,
    maxCost: maxDepth * (2 * detour + maxCall),
  };
}

/**
 * The cost from each function to the nearest target (-1: not settled yet), by a backward
 * search settled one cost at a time and only as far as the paths sought: from a target's
 * callers outwards it soon covers most of the graph, and the best paths are usually short.
 * With vias, one such search per layer: layer L is the cost of a path that has passed the
 * first L vias, and a via of layer L + 1 starts layer L's search at its own cost in layer
 * L + 1 (reaching a via is passing it).
 */
class CostToTargets {
  /** Per layer (the number of vias passed), the settled cost of each function or -1. */
  readonly dist: Int32Array[];
  private readonly tentative: Int32Array[];
  private readonly buckets: number[][][];
  private readonly settled: number[];

  constructor(
    private readonly graph: Graph,
    private readonly ends: PathEnds,
    private readonly costs: PathCosts,
    /** Whether paths may pass through DEAD_ENDS (only to say which ones a path would need). */
    private readonly throughDeadEnds: boolean,
  ) {
    const layers = ends.vias.length + 1;
    const array = (fill: number): Int32Array => new Int32Array(graph.nodeCount).fill(fill);
    this.dist = Array.from({ length: layers }, () => array(-1));
    this.tentative = Array.from({ length: layers }, () => array(costs.maxCost + 1));
    this.buckets = Array.from({ length: layers }, () => []);
    this.settled = Array.from({ length: layers }, () => -1);
    const last = layers - 1;
    this.buckets[last] = [[...ends.targets]];
    for (const t of ends.targets) (this.tentative[last] as Int32Array)[t] = 0;
  }

  /** The cost settled so far in layer 0: every function within it of a target has its `dist`. */
  get settledCost(): number {
    return this.settled[0] as number;
  }

  /** Settles every function of `layer` whose cost to a target is the next one. */
  settleNext(layer = 0): void {
    const { graph, costs } = this;
    const dist = this.dist[layer] as Int32Array;
    const tentative = this.tentative[layer] as Int32Array;
    const buckets = this.buckets[layer] as number[][];
    const c = ++(this.settled[layer] as number);
    // A via settled at cost c in the next layer starts this one at c.
    if (layer < this.ends.vias.length) this.settleTo(c, layer + 1);
    for (const n of buckets[c] ?? []) {
      if (
        (dist[n] as number) >= 0 ||
        tentative[n] !== c ||
        (!this.throughDeadEnds && costs.dead(n))
      )
        continue;
      dist[n] = c;
      const via = layer > 0 ? this.ends.vias[layer - 1] : undefined;
      if (via?.has(n)) this.offer(layer - 1, n, c);
      graph.forEachIncoming(n, (e, m) => this.offer(layer, m, c + costs.cost(e, m, n)));
    }
    buckets[c] = [];
  }

  private offer(layer: number, n: number, cost: number): void {
    const tentative = this.tentative[layer] as Int32Array;
    if (cost < (tentative[n] as number)) {
      tentative[n] = cost;
      ((this.buckets[layer] as number[][])[cost] ??= []).push(n);
    }
  }

  /** Settles every function of `layer` within `limit` of a target. */
  settleTo(limit: number, layer = 0): void {
    while ((this.settled[layer] as number) < limit) this.settleNext(layer);
  }
}

/** The layer after arriving at `node` in `layer`: one more for each via it is, in order. */
function passVias(ends: PathEnds, node: number, layer: number): number {
  let l = layer;
  while (l < ends.vias.length && (ends.vias[l] as ReadonlySet<number>).has(node)) l++;
  return l;
}

/**
 * Up to `wanted` simple paths from the sources of at most `maxDepth` calls, through the
 * vias in order, by increasing cost; `toTargets.dist` prunes every step that cannot
 * arrive in time. Of equally good next steps, special-purpose variants (SIDE_VARIANTS)
 * come last.
 */
function enumeratePaths(
  graph: Graph,
  ends: PathEnds,
  costs: PathCosts,
  toTargets: CostToTargets,
  wanted: number,
  maxDepth: number,
): number[][] {
  const found: number[][] = [];
  const last = ends.vias.length;
  const dist = (layer: number, n: number): number =>
    (toTargets.dist[layer] as Int32Array)[n] as number;
  const starts = ends.sources.map((s) => ({ s, layer: passVias(ends, s, 0) }));
  const reachable = starts.filter(({ s, layer }) => dist(layer, s) >= 0);
  if (reachable.length === 0) return found;
  const best = Math.min(...reachable.map(({ s, layer }) => dist(layer, s)));
  let budget = 200_000;
  for (let limit = best; limit <= costs.maxCost && found.length < wanted && budget > 0; limit++) {
    // Paths of cost `limit` pass only through functions within `limit` of a target.
    toTargets.settleTo(limit);
    for (const { s, layer: first } of starts) {
      if (dist(first, s) < 0) continue;
      const path = [s];
      const onPath = new Set([s]);
      const walk = (n: number, layer: number, left: number): void => {
        if (found.length >= wanted || --budget <= 0) return;
        if (layer === last && ends.targets.has(n)) {
          if (left === 0) found.push([...path]);
          return;
        }
        if (path.length > maxDepth) return;
        const seenNext = new Set<number>();
        for (const late of [false, true]) {
          for (const e of graph.outgoing(n)) {
            const m = graph.to(e);
            const next = passVias(ends, m, layer);
            const dm = dist(next, m);
            const rest = left - costs.cost(e, n, m);
            if (dm < 0 || dm > rest || onPath.has(m) || seenNext.has(m) || costs.late(m) !== late)
              continue;
            seenNext.add(m);
            path.push(m);
            onPath.add(m);
            walk(m, next, rest);
            path.pop();
            onPath.delete(m);
          }
        }
      };
      walk(s, first, limit);
    }
  }
  // Cheap paths may all be longer than maxDepth calls: then none.
  return found;
}

/** Up to `wanted` paths, best first; through DEAD_ENDS too when `throughDeadEnds`. */
function searchPaths(
  graph: Graph,
  ends: PathEnds,
  costs: PathCosts,
  wanted: number,
  throughDeadEnds: boolean,
  maxDepth: number,
): number[][] {
  const toTargets = new CostToTargets(graph, ends, costs, throughDeadEnds);
  const first = ends.sources.map((s) => ({ s, layer: passVias(ends, s, 0) }));
  while (
    toTargets.settledCost < costs.maxCost &&
    !first.some(({ s, layer }) => ((toTargets.dist[layer] as Int32Array)[s] as number) >= 0)
  )
    toTargets.settleNext();
  return enumeratePaths(graph, ends, costs, toTargets, wanted, maxDepth);
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
      const price = (e: number): number => costs.cost(e, p[i] as number, p[i + 1] as number);
      let taken = -1;
      const better = (e: number): boolean =>
        price(e) < price(taken) ||
        (price(e) === price(taken) && graph.kind(e) === 'direct' && graph.kind(taken) !== 'direct');
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
 * The best paths from any of `sources` to any of `targets` (node ids), ranked as
 * `findPaths` ranks them, and the edge each hop took: for callers that hold nodes rather
 * than names (the trace join). No paths is an empty answer, not an error.
 */
export function bestPaths(
  graph: Graph,
  sources: readonly number[],
  targets: ReadonlySet<number>,
  options: Omit<PathOptions, 'via'>,
): { paths: number[][]; edges: number[] } {
  const ends: PathEnds = { sources, targets, vias: [] };
  const costs = pathCosts(graph, ends, options.maxDepth);
  const paths = searchPaths(graph, ends, costs, options.paths, false, options.maxDepth);
  return { paths, edges: takenEdges(graph, paths, costs) };
}

/**
 * Up to `paths` call paths from any `from` function to any `to` function, through each
 * `via` function in order, best first (see `pathCosts`). Simple paths of at most
 * `maxDepth` calls that pass through no DEAD_ENDS (kernel-idioms.ts).
 */
export function findPaths(
  graph: Graph,
  fromSpecs: string[],
  toSpecs: string[],
  options: PathOptions,
): GraphJson {
  const viaSpecs = options.via ?? [];
  const ends: PathEnds = {
    sources: fromSpecs.flatMap((s) => selectNodes(graph, s)),
    targets: new Set(toSpecs.flatMap((s) => selectNodes(graph, s))),
    vias: viaSpecs.map((v) => new Set(selectNodes(graph, v))),
  };
  const costs = pathCosts(graph, ends, options.maxDepth);
  const search = (wanted: number, throughDeadEnds: boolean): number[][] =>
    searchPaths(graph, ends, costs, wanted, throughDeadEnds, options.maxDepth);
  const found = search(options.paths, false);
  if (found.length === 0) {
    const through = viaSpecs.length > 0 ? ` through ${viaSpecs.join(', ')}` : '';
    throw noPathError(
      graph,
      `no path from ${fromSpecs.join(', ')} to ${toSpecs.join(', ')}${through} within ${options.maxDepth} calls`,
      () => search(1, true)[0],
      costs,
    );
  }
  const json = toJson(graph, found.flat(), takenEdges(graph, found, costs));
  json.paths = found.map((p) => p.map((n) => graph.nodeId(n)));
  return json;
}
