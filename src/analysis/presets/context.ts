// Per-graph state of the presets: the drivers found in the graph, and the distance maps
// the walks share (most milestones do not depend on the driver, so a map made for one
// driver serves the next).

import { type Graph, lowerBound } from '../index/graph';
import { DRIVERS_DIR } from '../index/kernel-layout';
import { SOFTIRQ_ENTRIES, type SoftirqEntry, classifyStage } from '../knowledge';
import { type Driver, type DriverDiscovery, type ReadText, driverOf, findDrivers } from './drivers';
import { DETOUR_COST, ROLE_SLOTS } from './rows';
import { type DistanceMap, distancesTo } from './search';

/** How a function is reached from a networking softirq's handler (PresetContext.softirqReach). */
export interface SoftirqStep {
  entry: SoftirqEntry;
  /** The call into the function on a shortest chain from the handler; undefined for the handler. */
  edge?: number;
}

/**
 * Where a program keeps the drivers found in a graph between runs (the CLI: in the
 * index folder). `load` answers undefined when it has none for this graph, or none that still
 * holds; `save` may fail silently (the list is found again next time).
 */
export interface DriverStore {
  load(): DriverDiscovery | undefined;
  save(found: DriverDiscovery): void;
}

/**
 * Per-graph state shared by every preset and the driver list: the drivers, and distance
 * maps keyed by their targets (most milestones do not depend on the driver).
 */
export class PresetContext {
  private driverList: Driver[] | undefined;
  private readonly maps = new Map<string, DistanceMap>();
  private readonly namedNodes = new Map<string, readonly number[]>();
  private irqHandlers: Map<number, string> | undefined;
  private softirqReached: Map<number, SoftirqStep> | undefined;
  private bindingsByFile:
    { byFile: Map<string, number[]>; sorted: string[]; order: Map<string, number> } | undefined;

  constructor(
    readonly graph: Graph,
    readonly readText?: ReadText,
    private readonly driverStore?: DriverStore,
  ) {}

  drivers(): Driver[] {
    if (!this.driverList) {
      let found = this.driverStore?.load();
      if (!found) {
        found = findDrivers(this.graph, this.readText);
        this.driverStore?.save(found);
      }
      this.driverList = found.drivers.map(driverOf);
    }
    return this.driverList;
  }

  /**
   * Extra cost of entering a node (rows.ts DETOURS): one DETOUR_COST for each pattern of
   * SIDE_VARIANTS it matches, as resolve counted them into its flags (searches ask millions of times).
   */
  readonly enter = (node: number): number => this.graph.sideVariants(node) * DETOUR_COST;

  distances(targets: readonly number[], hops: number): DistanceMap {
    const key = `${hops}:${[...targets].sort((a, b) => a - b).join(',')}`;
    let map = this.maps.get(key);
    if (!map) {
      map = distancesTo(this.graph, targets, hops, this.enter);
      this.maps.set(key, map);
    }
    return map;
  }

  /** Nodes named by any of `names` (kept: every route of every driver asks for the same rows). */
  named(names: readonly string[]): readonly number[] {
    const key = names.join(' ');
    let nodes = this.namedNodes.get(key);
    if (!nodes) {
      nodes = names.flatMap((n) => this.graph.lookup(n));
      this.namedNodes.set(key, nodes);
    }
    return nodes;
  }

  /** Binding ids (rows of the bindings table) made in a driver's files. */
  driverBindings(driver: Driver): number[] {
    if (!this.bindingsByFile) {
      const d = this.graph.data;
      const byFile = new Map<string, number[]>();
      for (let b = 0; b < d.bindSlot.length; b++) {
        const file = this.graph.str(d.bindFile[b] as number) ?? '';
        if (!file.startsWith(DRIVERS_DIR)) continue;
        const list = byFile.get(file);
        if (list) list.push(b);
        else byFile.set(file, [b]);
      }
      this.bindingsByFile = {
        byFile,
        sorted: [...byFile.keys()].sort(),
        order: new Map([...byFile.keys()].map((f, i) => [f, i])),
      };
    }
    // A driver owns files of its own folder only: look at that range of the sorted paths,
    // then keep the order in which the files were first met.
    const { byFile, sorted, order } = this.bindingsByFile;
    const prefix = `${driver.dir}/`;
    const lo = lowerBound(sorted.length, (i) => (sorted[i] as string) < prefix);
    const files: string[] = [];
    for (let i = lo; i < sorted.length && (sorted[i] as string).startsWith(prefix); i++)
      if (driver.owns(sorted[i] as string)) files.push(sorted[i] as string);
    files.sort((a, b) => (order.get(a) as number) - (order.get(b) as number));
    return files.flatMap((f) => byFile.get(f) as number[]);
  }

  /** Every function bound as an interrupt handler anywhere in the tree, with where. */
  allIrqHandlers(): Map<number, string> {
    if (!this.irqHandlers) {
      const d = this.graph.data;
      const slots = new Set(ROLE_SLOTS.irq);
      this.irqHandlers = new Map();
      for (let b = 0; b < d.bindSlot.length; b++) {
        if (!slots.has(this.graph.str(d.bindSlot[b] as number) ?? '')) continue;
        const node = d.bindFn[b] as number;
        if (this.irqHandlers.has(node)) continue;
        const via = this.graph.str(d.bindVia[b] as number);
        this.irqHandlers.set(
          node,
          `${via ? `by ${via} ` : ''}at ${this.graph.str(d.bindFile[b] as number) ?? '?'}:${d.bindLine[b] as number}`,
        );
      }
    }
    return this.irqHandlers;
  }

  /**
   * Every core-stack function the call graph reaches from a networking softirq's handler
   * (SOFTIRQ_ENTRIES), with the call it is reached by on a shortest chain: a breadth-first
   * walk of direct and indirect calls (a deferred call runs elsewhere). The walk stays in
   * the core stack (functions the stage rules know), out of the softirq machinery (which
   * would lead from one softirq to every other) and out of functions the rules put in
   * process context (system calls), so a chain is one the packet path can take: from
   * net_rx_action through the receive path into TCP's transmit when an ACK opens the window.
   */
  softirqReach(): Map<number, SoftirqStep> {
    if (this.softirqReached) return this.softirqReached;
    const g = this.graph;
    const reached = new Map<number, SoftirqStep>();
    const allowed = new Map<number, boolean>();
    const may = (n: number): boolean => {
      let ok = allowed.get(n);
      if (ok === undefined) {
        const c = classifyStage(g.name(n), g.file(n));
        ok = c !== undefined && c.stage !== 'softirq' && c.context !== 'process';
        allowed.set(n, ok);
      }
      return ok;
    };
    let frontier: number[] = [];
    for (const entry of SOFTIRQ_ENTRIES)
      for (const n of g.lookup(entry.name))
        if (!reached.has(n)) {
          reached.set(n, { entry });
          frontier.push(n);
        }
    while (frontier.length > 0) {
      const next: number[] = [];
      for (const n of frontier) {
        const entry = (reached.get(n) as SoftirqStep).entry;
        for (const e of g.outgoing(n)) {
          const m = g.to(e);
          if (reached.has(m) || g.kind(e) === 'async' || !may(m)) continue;
          reached.set(m, { entry, edge: e });
          next.push(m);
        }
      }
      frontier = next;
    }
    this.softirqReached = reached;
    return reached;
  }

  /** The calls from the softirq handler to `node`, in call order; undefined when it is not reached. */
  softirqChain(node: number): { entry: SoftirqEntry; edges: number[] } | undefined {
    const reach = this.softirqReach();
    const edges: number[] = [];
    // Every step but the handler's names a reached caller, so the walk ends at the handler.
    for (let step = reach.get(node); step; step = reach.get(this.graph.from(step.edge))) {
      if (step.edge === undefined) return { entry: step.entry, edges: edges.reverse() };
      edges.push(step.edge);
    }
    return undefined;
  }
}
