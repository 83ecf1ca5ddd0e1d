// Walking a preset's milestones (rows.ts) on the call graph: each row's path is the shortest
// call path from its parent's function to the row's functions. The same walk draws a preset
// and decides, for `netpaths drivers`, whether a driver's path is complete.

import { type Graph, lowerBound } from '../index/graph';
import type { ExecContext } from '../graph-json';
import { type Driver, type ReadText, discoverDrivers, reachedRole } from './drivers';
import {
  BACKLOG_REMARK,
  DETOUR_COST,
  IRQ_NAMES,
  ROLE_SLOTS,
  TRANSPORT_HOPS,
  type DriverRole,
  type MilestoneRow,
} from './rows';
import { type CallPath, type DistanceMap, distancesTo, forwardPath, pathFrom } from './search';
import { DRIVERS_DIR, KERNEL_CORE_DIR, NET_DRIVERS_DIR } from '../index/kernel-layout';

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

/** One milestone as found: the path from its parent's function to its own. */
export interface Leg {
  row: MilestoneRow;
  path: CallPath;
  /** The function the path ends at (the milestone's function). */
  end: number;
  /** True when the milestone started afresh because its parent was missing. */
  restarted: boolean;
}

/** The result of walking the milestones. */
export interface Chain {
  legs: Map<string, Leg>;
  /** Legs in row order. */
  order: Leg[];
  /** Roots: the first function of each root or restarted leg, with its context. */
  roots: { node: number; context: ExecContext | undefined }[];
  /** Why required milestones are missing, one sentence each. */
  missing: string[];
  /** Other things the reader should know, e.g. an interrupt that arrives through a bus. */
  remarks: string[];
  /** Rows whose milestone was not found (optional ones included). */
  absent: Set<string>;
  /** Where driver functions were registered, for notes: node -> `by request_irq at FILE:LINE`. */
  sites: Map<number, string>;
  /** Driver roles of the functions the walk chose. */
  roles: Map<number, DriverRole>;
}

function parentOf(rows: readonly MilestoneRow[], i: number): string | undefined {
  const row = rows[i] as MilestoneRow;
  if (row.root) return undefined;
  return row.after ?? rows[i - 1]?.id;
}

/** Walks `rows` for `driver`. */
export function walkChain(
  ctx: PresetContext,
  rows: readonly MilestoneRow[],
  driver: Driver,
): Chain {
  const g = ctx.graph;
  const chain: Chain = {
    legs: new Map(),
    order: [],
    roots: [],
    missing: [],
    remarks: [],
    absent: new Set(),
    sites: new Map(),
    roles: new Map(),
  };
  /** Where the path continues after each row: its function, or its parent's when optional and absent. */
  const at = new Map<string, number | undefined>();
  /** Rows under a missing required row say nothing more (one reason per break). */
  const silenced = new Set<string>();
  for (const r of driver.irq) chain.sites.set(r.node, r.site);
  // Without NAPI the interrupt handler hands packets to the backlog itself (INGRESS_LEGACY).
  if (rows.some((r) => r.backlog)) chain.remarks.push(BACKLOG_REMARK);
  for (const r of driver.poll) chain.sites.set(r.node, r.site);
  for (const r of driver.xmit) chain.sites.set(r.node, r.site);

  const children = (id: string): MilestoneRow[] => rows.filter((_, j) => parentOf(rows, j) === id);

  /** Candidate functions of a row, as reached from `from` (for roles found by name from there). */
  const candidates = (row: MilestoneRow, from: readonly number[]): number[] => {
    if (row.names) return ctx.named(row.names);
    switch (row.role) {
      case 'irq':
        return irqCandidates(ctx, driver, chain);
      case 'poll':
        return driver.poll.map((r) => r.node);
      case 'xmit':
        return driver.xmit.map((r) => r.node);
      case 'refill':
      case 'rx-clean':
      case 'tx-clean':
      case 'tx-ring':
        return reachedRole(g, driver, from, row.role);
      default:
        return [];
    }
  };

  /** How well a candidate continues into the row's first child: lower is better. */
  const lookahead = (row: MilestoneRow, candidate: number): number => {
    const child = children(row.id)[0];
    if (!child) return 0;
    const targets = candidates(child, [candidate]);
    if (
      child.role &&
      !child.names &&
      child.role !== 'irq' &&
      child.role !== 'poll' &&
      child.role !== 'xmit'
    )
      return targets.length > 0 ? 0 : Infinity;
    return ctx.distances(targets, child.hops).get(candidate) ?? Infinity;
  };

  const rank = (row: MilestoneRow, list: readonly number[]): number[] =>
    list.length <= 1
      ? [...list]
      : [...list]
          .map((n, i) => ({ n, i, s: lookahead(row, n) + ctx.enter(n) }))
          .sort((a, b) => a.s - b.s || a.i - b.i)
          .map((x) => x.n);

  const addLeg = (row: MilestoneRow, path: CallPath, restarted: boolean): void => {
    const end = path.nodes[path.nodes.length - 1] as number;
    const leg: Leg = { row, path, end, restarted };
    chain.legs.set(row.id, leg);
    chain.order.push(leg);
    at.set(row.id, end);
    if (row.role) chain.roles.set(end, row.role);
  };

  const startHere = (row: MilestoneRow, list: readonly number[], restarted: boolean): boolean => {
    const best = rank(row, list)[0];
    if (best === undefined) return false;
    chain.roots.push({ node: best, context: row.context });
    addLeg(row, { nodes: [best], edges: [] }, restarted);
    return true;
  };

  /** The reason each required row is missing, as pushed to `chain.missing`. */
  const reasons = new Map<string, string>();
  rows.forEach((row, i) => {
    const parent = parentOf(rows, i);
    const from = parent === undefined ? undefined : at.get(parent);
    const fail = (reason: string): void => {
      chain.absent.add(row.id);
      const parentSilenced = parent !== undefined && silenced.has(parent);
      if (row.optional && !parentSilenced) {
        at.set(row.id, from);
        return;
      }
      at.set(row.id, undefined);
      silenced.add(row.id);
      if (row.required && !parentSilenced) {
        chain.missing.push(reason);
        reasons.set(row.id, reason);
      }
    };
    // A stand-in for a row that was found has nothing to do (never required, it says nothing).
    if (row.instead !== undefined && !chain.absent.has(row.instead)) return fail('');

    if (row.root || (from === undefined && row.restart)) {
      let list = candidates(row, []);
      // A bus's interrupt reclaims no driver's sent buffers: a stand-in root looks no further.
      if (row.role === 'irq' && list.length === 0 && row.instead === undefined)
        list = transportIrq(ctx, rows, driver, chain);
      if (!startHere(row, list, !row.root)) {
        fail(
          row.role === 'irq'
            ? 'no IRQ handler registered (request_irq and kin) in its files'
            : row.role === 'poll'
              ? 'no NAPI poll registered'
              : `no ${row.label}`,
        );
      }
      return;
    }
    if (from === undefined) {
      fail(`nothing leads to ${row.label}`);
      return;
    }
    const list = candidates(row, [from]);
    if (list.length === 0) {
      fail(
        row.role === 'xmit'
          ? 'no ndo_start_xmit registered'
          : row.role === 'poll'
            ? 'no NAPI poll registered'
            : `no ${row.label} found within ${row.hops} calls of ${g.name(from)}`,
      );
      return;
    }
    // Named milestones: the nearest of them. A driver's registered functions: the one that
    // continues best (the poll that delivers packets, not the TX-only one).
    const foreign = foreignCall(g, driver);
    for (const targets of row.names ? [list] : rank(row, list).map((t) => [t])) {
      const set = new Set(targets);
      // The function the walk stands on plays the row itself (tulip's interrupt handler is its
      // TX completion): no search, whose way back from an interrupt handler covers the IRQ core.
      if (set.has(from)) {
        addLeg(row, { nodes: [from], edges: [] }, false);
        return;
      }
      const map = ctx.distances(targets, row.hops);
      let path = pathFrom(g, map, from);
      // The registered function itself (the poll, the xmit) is reached by a pointer call: not foreign.
      if (path?.edges.some((e) => !set.has(g.to(e)) && foreign(e)))
        path = forwardPath(
          g,
          from,
          set,
          row.hops,
          ctx.enter,
          (e) => !set.has(g.to(e)) && foreign(e),
          map,
        );
      if (path) {
        addLeg(row, path, false);
        return;
      }
    }
    fail(`no path from ${g.name(from)} to ${row.label} within ${row.hops} calls`);
  });
  // Stand-ins found make up for their rows, whose legs that led nowhere else go (egress: the
  // NAPI poll, when the TX completion runs in the interrupt handler instead); a stand-in
  // root with nothing found after it goes too.
  const parentId = (id: string): string | undefined =>
    parentOf(
      rows,
      rows.findIndex((r) => r.id === id),
    );
  const leadsOn = (id: string): boolean =>
    rows.some((r, j) => parentOf(rows, j) === id && (chain.legs.has(r.id) || leadsOn(r.id)));
  const drop = (id: string): void => {
    const leg = chain.legs.get(id);
    if (!leg) return;
    chain.legs.delete(id);
    chain.order = chain.order.filter((l) => l !== leg);
    if (leg.row.root || leg.restarted)
      chain.roots = chain.roots.filter((r) => r.node !== leg.path.nodes[0]);
    chain.roles.delete(leg.end);
    chain.absent.add(id);
  };
  for (const row of rows) {
    if (row.instead === undefined || !chain.legs.has(row.id)) continue;
    if (row.root) {
      if (!leadsOn(row.id)) drop(row.id);
      continue;
    }
    const reason = reasons.get(row.instead);
    if (reason !== undefined) chain.missing.splice(chain.missing.indexOf(reason), 1);
    for (let up = parentId(row.instead); up !== undefined && !leadsOn(up); up = parentId(up))
      drop(up);
  }
  return chain;
}

/**
 * A driver's interrupt handlers: those it passes to request_irq and kin, then those it stores
 * in a struct of its own first (IRQ_NAMES), which the bindings table sees as that field.
 */
function irqCandidates(ctx: PresetContext, driver: Driver, chain: Chain): number[] {
  const g = ctx.graph;
  const out = driver.irq.map((r) => r.node);
  const seen = new Set(out);
  for (const b of ctx.driverBindings(driver)) {
    const fn = g.data.bindFn[b] as number;
    if (seen.has(fn) || !IRQ_NAMES.test(g.name(fn)) || !driver.owns(g.file(fn))) continue;
    seen.add(fn);
    out.push(fn);
    const slot = g.str(g.data.bindSlot[b] as number) ?? '?';
    chain.sites.set(
      fn,
      `as ${slot} at ${g.str(g.data.bindFile[b] as number) ?? '?'}:${g.data.bindLine[b] as number}`,
    );
  }
  return out;
}

/** The kernel's own dispatchers (kernel/irq, timers, workqueues): no bus transport passes through them. */
const inKernelCore = (file: string): boolean => file.startsWith(KERNEL_CORE_DIR);

/**
 * When a driver registers no IRQ handler itself, the interrupt may reach it through a bus
 * (Hyper-V's vmbus_percpu_isr, a DPAA QMan portal, the Thunderbolt NHI): finds a handler
 * bound anywhere outside drivers/net that reaches a function of the driver's that schedules
 * NAPI (the route's `schedulesNapi` row), each within TRANSPORT_HOPS, and not through kernel/ (the IRQ core, timers and
 * workqueues call every handler of the tree).
 */
function transportIrq(
  ctx: PresetContext,
  rows: readonly MilestoneRow[],
  driver: Driver,
  chain: Chain,
): number[] {
  const g = ctx.graph;
  const names = rows.find((r) => r.schedulesNapi)?.names ?? [];
  const schedule = ctx.distances(ctx.named(names), TRANSPORT_HOPS.schedule);
  const schedulers: number[] = [];
  for (const [node] of schedule.entries()) if (driver.owns(g.file(node))) schedulers.push(node);
  if (schedulers.length === 0) return [];
  const handlers = ctx.allIrqHandlers();
  const map = distancesTo(g, schedulers, TRANSPORT_HOPS.handler, (n) =>
    inKernelCore(g.file(n)) ? Infinity : ctx.enter(n),
  );
  const found = [...handlers.keys()]
    .filter((h) => map.has(h) && !g.file(h).startsWith(NET_DRIVERS_DIR) && !inKernelCore(g.file(h)))
    .sort((a, b) => (map.get(a) as number) - (map.get(b) as number));
  const h = found[0];
  if (h === undefined) return [];
  chain.sites.set(h, handlers.get(h) as string);
  chain.remarks.push(
    `no IRQ handler of its own: the interrupt arrives through ${g.name(h)} (${g.file(h)})`,
  );
  return [h];
}

/**
 * Calls this driver's path never takes: a pointer call into another driver's code (an
 * over-approximated resolution can make it look shorter). Direct calls into shared library
 * code stay allowed; only drivers/ outside the driver's own folder is foreign.
 */
export function foreignCall(g: Graph, driver: Driver): (edge: number) => boolean {
  return (e) => {
    if (g.kind(e) !== 'indirect') return false;
    const file = g.file(g.to(e));
    return file.startsWith(DRIVERS_DIR) && !file.startsWith(`${driver.dir}/`) && !driver.owns(file);
  };
}

/** The first function of `path` after `from` that is not yet in `seen`, and the rest. */
export function offPath(
  path: CallPath,
  seen: ReadonlySet<number>,
): { attach: number; nodes: number[]; edges: number[] } | undefined {
  for (let i = 1; i < path.nodes.length; i++) {
    if (!seen.has(path.nodes[i] as number))
      return {
        attach: path.nodes[i - 1] as number,
        nodes: path.nodes.slice(i),
        edges: path.edges.slice(i - 1),
      };
  }
  return undefined;
}

export { pathFrom };
