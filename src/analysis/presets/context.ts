// Per-graph state of the presets: the drivers found in the graph, and the distance maps
// the walks share (most milestones do not depend on the driver, so a map made for one
// driver serves the next).

import { type Graph, lowerBound } from '../index/graph';
import { DRIVERS_DIR } from '../index/kernel-layout';
import { type Driver, type ReadText, discoverDrivers } from './drivers';
import { DETOUR_COST, ROLE_SLOTS } from './rows';
import { type DistanceMap, distancesTo } from './search';

/**
 * Per-graph state shared by every preset and the driver list: the drivers, and distance
 * maps keyed by their targets (most milestones do not depend on the driver).
 */
export class PresetContext {
  private driverList: Driver[] | undefined;
  private readonly maps = new Map<string, DistanceMap>();
  private irqHandlers: Map<number, string> | undefined;
  private bindingsByFile:
    { byFile: Map<string, number[]>; sorted: string[]; order: Map<string, number> } | undefined;

  constructor(
    readonly graph: Graph,
    readonly readText?: ReadText,
  ) {}

  drivers(): Driver[] {
    this.driverList ??= discoverDrivers(this.graph, this.readText);
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

  /** Nodes named by any of `names`. */
  named(names: readonly string[]): number[] {
    return names.flatMap((n) => this.graph.lookup(n));
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
}
