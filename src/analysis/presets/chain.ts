// Walking a preset's milestones (rows.ts) on the call graph: each row's path is the shortest
// call path from its parent's function to the row's functions. The same walk draws a preset
// and decides, for `netpaths drivers`, whether a driver's path is complete.

import type { Graph } from '../index/graph';
import type { ExecContext } from '../graph-json';
import { type Driver, reachedRole } from './drivers';
import type { PresetContext } from './context';
import {
  BACKLOG_REMARK,
  IRQ_NAMES,
  TRANSPORT_HOPS,
  type DriverRole,
  type MilestoneRow,
} from './rows';
import { type CallPath, distancesTo, forwardPath, pathFrom } from './search';
import { DRIVERS_DIR, KERNEL_CORE_DIR, NET_DRIVERS_DIR } from '../index/kernel-layout';

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
  const walk = new ChainWalk(ctx, rows, driver);
  rows.forEach((row, i) => walk.step(row, parentOf(rows, i)));
  walk.settleStandIns();
  return walk.chain;
}

/** One row being walked: its parent, and the function the path stands on there. */
interface Step {
  row: MilestoneRow;
  parent: string | undefined;
  from: number | undefined;
}

/** The state of one walk: the chain found so far, and where the path stands after each row. */
class ChainWalk {
  readonly chain: Chain = {
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
  private readonly at = new Map<string, number | undefined>();
  /** Rows under a missing required row say nothing more (one reason per break). */
  private readonly silenced = new Set<string>();
  /** The reason each required row is missing, as pushed to `chain.missing`. */
  private readonly reasons = new Map<string, string>();
  private readonly g: Graph;

  constructor(
    private readonly ctx: PresetContext,
    private readonly rows: readonly MilestoneRow[],
    private readonly driver: Driver,
  ) {
    this.g = ctx.graph;
    for (const r of driver.irq) this.chain.sites.set(r.node, r.site);
    if (rows.some((r) => r.backlog)) this.chain.remarks.push(BACKLOG_REMARK);
    for (const r of driver.poll) this.chain.sites.set(r.node, r.site);
    for (const r of driver.xmit) this.chain.sites.set(r.node, r.site);
  }

  /** Walks one row: a root starts afresh, any other row goes on from its parent's function. */
  step(row: MilestoneRow, parent: string | undefined): void {
    const step: Step = {
      row,
      parent,
      from: parent === undefined ? undefined : this.at.get(parent),
    };
    // A stand-in for a row that was found has nothing to do (never required, it says nothing).
    if (row.instead !== undefined && !this.chain.absent.has(row.instead)) this.fail(step, '');
    else if (row.root || (step.from === undefined && row.restart)) this.start(step);
    else if (step.from === undefined) this.fail(step, `nothing leads to ${row.label}`);
    else this.follow(step, step.from);
  }

  /** A root, or a restart after a missing parent: the row's best function begins a path. */
  private start(step: Step): void {
    const { row } = step;
    let list = this.candidates(row, []);
    // A bus's interrupt reclaims no driver's sent buffers: a stand-in root looks no further.
    if (row.role === 'irq' && list.length === 0 && row.instead === undefined)
      list = transportIrq(this.ctx, this.rows, this.driver, this.chain);
    const best = this.rank(row, list)[0];
    if (best !== undefined) {
      this.chain.roots.push({ node: best, context: row.context });
      this.addLeg(row, { nodes: [best], edges: [] }, !row.root);
      return;
    }
    this.fail(
      step,
      row.role === 'irq'
        ? 'no IRQ handler registered (request_irq and kin) in its files'
        : row.role === 'poll'
          ? 'no NAPI poll registered'
          : `no ${row.label}`,
    );
  }

  /**
   * The path from the parent's function to the row's. Named milestones: the nearest of them.
   * A driver's registered functions: the one that continues best (the poll that delivers
   * packets, not the TX-only one).
   */
  private follow(step: Step, from: number): void {
    const { row } = step;
    const list = this.candidates(row, [from]);
    if (list.length === 0) {
      this.fail(
        step,
        row.role === 'xmit'
          ? 'no ndo_start_xmit registered'
          : row.role === 'poll'
            ? 'no NAPI poll registered'
            : `no ${row.label} found within ${row.hops} calls of ${this.g.name(from)}`,
      );
      return;
    }
    for (const targets of row.names ? [list] : this.rank(row, list).map((t) => [t])) {
      const path = this.pathTo(row, from, targets);
      if (path) {
        this.addLeg(row, path, false);
        return;
      }
    }
    this.fail(step, `no path from ${this.g.name(from)} to ${row.label} within ${row.hops} calls`);
  }

  /** The shortest path from `from` to one of `targets` that takes no other driver's pointer call. */
  private pathTo(
    row: MilestoneRow,
    from: number,
    targets: readonly number[],
  ): CallPath | undefined {
    const g = this.g;
    const set = new Set(targets);
    // The function the walk stands on plays the row itself (tulip's interrupt handler is its
    // TX completion): no search, whose way back from an interrupt handler covers the IRQ core.
    if (set.has(from)) return { nodes: [from], edges: [] };
    const map = this.ctx.distances(targets, row.hops);
    const path = pathFrom(g, map, from);
    // The registered function itself (the poll, the xmit) is reached by a pointer call: not foreign.
    const foreign = foreignCall(g, this.driver);
    const avoid = (e: number): boolean => !set.has(g.to(e)) && foreign(e);
    if (path?.edges.some(avoid))
      return forwardPath(g, from, set, row.hops, this.ctx.enter, avoid, map);
    return path;
  }

  /** A row not found: an optional one lets the path go on from its parent, a required one says why. */
  private fail({ row, parent, from }: Step, reason: string): void {
    this.chain.absent.add(row.id);
    const parentSilenced = parent !== undefined && this.silenced.has(parent);
    if (row.optional && !parentSilenced) {
      this.at.set(row.id, from);
      return;
    }
    this.at.set(row.id, undefined);
    this.silenced.add(row.id);
    if (row.required && !parentSilenced) {
      this.chain.missing.push(reason);
      this.reasons.set(row.id, reason);
    }
  }

  private addLeg(row: MilestoneRow, path: CallPath, restarted: boolean): void {
    const end = path.nodes[path.nodes.length - 1] as number;
    const leg: Leg = { row, path, end, restarted };
    this.chain.legs.set(row.id, leg);
    this.chain.order.push(leg);
    this.at.set(row.id, end);
    if (row.role) this.chain.roles.set(end, row.role);
  }

  /** Candidate functions of a row, as reached from `from` (for roles found by name from there). */
  private candidates(row: MilestoneRow, from: readonly number[]): readonly number[] {
    if (row.names) return this.ctx.named(row.names);
    if (row.driverNames) return reachedNamed(this.g, this.driver, from, row.driverNames, row.hops);
    switch (row.role) {
      case 'irq':
        return irqCandidates(this.ctx, this.driver, this.chain);
      case 'poll':
        return this.driver.poll.map((r) => r.node);
      case 'xmit':
        return this.driver.xmit.map((r) => r.node);
      case 'refill':
      case 'rx-clean':
      case 'tx-clean':
      case 'tx-ring':
        return reachedRole(this.g, this.driver, from, row.role);
      default:
        return [];
    }
  }

  /** Candidates best first: how well each continues into the row's first child, then its detour cost. */
  private rank(row: MilestoneRow, list: readonly number[]): number[] {
    if (list.length <= 1) return [...list];
    return [...list]
      .map((n, i) => ({ n, i, s: this.lookahead(row, n) + this.ctx.enter(n) }))
      .sort((a, b) => a.s - b.s || a.i - b.i)
      .map((x) => x.n);
  }

  /** How well a candidate continues into the row's first child: lower is better. */
  private lookahead(row: MilestoneRow, candidate: number): number {
    const child = this.rows.find((_, j) => parentOf(this.rows, j) === row.id);
    if (!child) return 0;
    const targets = this.candidates(child, [candidate]);
    // A role found by name from the candidate: there or not. A registered one: how far.
    if (child.driverNames) return targets.length > 0 ? 0 : Infinity;
    if (
      child.role &&
      !child.names &&
      child.role !== 'irq' &&
      child.role !== 'poll' &&
      child.role !== 'xmit'
    )
      return targets.length > 0 ? 0 : Infinity;
    return this.ctx.distances(targets, child.hops).get(candidate) ?? Infinity;
  }

  /**
   * Stand-ins found make up for their rows, whose legs that led nowhere else go (egress: the
   * NAPI poll, when the TX completion runs in the interrupt handler instead); a stand-in
   * root with nothing found after it goes too.
   */
  settleStandIns(): void {
    for (const row of this.rows) {
      if (row.instead === undefined || !this.chain.legs.has(row.id)) continue;
      if (row.root) {
        if (!this.leadsOn(row.id)) this.drop(row.id);
        continue;
      }
      const reason = this.reasons.get(row.instead);
      if (reason !== undefined) this.chain.missing.splice(this.chain.missing.indexOf(reason), 1);
      for (
        let up = this.parentId(row.instead);
        up !== undefined && !this.leadsOn(up);
        up = this.parentId(up)
      )
        this.drop(up);
    }
  }

  private parentId(id: string): string | undefined {
    return parentOf(
      this.rows,
      this.rows.findIndex((r) => r.id === id),
    );
  }

  /** Is a row below `id` found? */
  private leadsOn(id: string): boolean {
    return this.rows.some(
      (r, j) => parentOf(this.rows, j) === id && (this.chain.legs.has(r.id) || this.leadsOn(r.id)),
    );
  }

  private drop(id: string): void {
    const chain = this.chain;
    const leg = chain.legs.get(id);
    if (!leg) return;
    chain.legs.delete(id);
    chain.order = chain.order.filter((l) => l !== leg);
    if (leg.row.root || leg.restarted)
      chain.roots = chain.roots.filter((r) => r.node !== leg.path.nodes[0]);
    chain.roles.delete(leg.end);
    chain.absent.add(id);
  }
}

/**
 * A driver's interrupt handlers: those it passes to request_irq and kin, by name or from a
 * field of its own struct it stored them into (the resolver binds what the field holds to
 * irqaction.handler). Only a driver with none of those is guessed one by name (IRQ_NAMES)
 * among the functions it binds to any field: a handler handed on where the resolver cannot
 * follow it.
 */
function irqCandidates(ctx: PresetContext, driver: Driver, chain: Chain): number[] {
  const g = ctx.graph;
  const out = driver.irq.map((r) => r.node);
  if (out.length > 0) return out;
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

/**
 * The driver's functions reached from `from` within `hops` calls through its own files whose
 * names match `pattern`, nearest first (a row's `driverNames`). Special-purpose variants are
 * not left out: an XDP row names them.
 */
function reachedNamed(
  g: Graph,
  driver: Driver,
  from: readonly number[],
  pattern: RegExp,
  hops: number,
): number[] {
  const seen = new Set<number>(from);
  const found: number[] = [];
  let frontier = [...from];
  for (let depth = 0; depth < hops && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const n of frontier)
      for (const e of g.outgoing(n)) {
        const m = g.to(e);
        if (seen.has(m) || !driver.owns(g.file(m))) continue;
        seen.add(m);
        next.push(m);
        if (pattern.test(g.name(m))) found.push(m);
      }
    frontier = next;
  }
  return found;
}
