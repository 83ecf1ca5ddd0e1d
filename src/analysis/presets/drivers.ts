// Driver discovery: which network drivers the tree has and their entry points, found from the
// bindings table (every function stored into a struct field), never from a per-driver list.
// A driver is a module under drivers/net/ (named as the kernel's Makefiles name it, so
// drivers/net/ethernet/intel/e1000e is `e1000e` and drivers/net/virtio_net.c `virtio_net`)
// whose files bind a function to `irqaction.handler` (request_irq and kin), `napi_struct.poll`
// (netif_napi_add and kin) or `net_device_ops.ndo_start_xmit`.
//
// Invariant: pure; Makefile text comes through `DriverSources.readText`. Without it, a
// driver is its folder (a file directly in drivers/net or drivers/net/ethernet is its own).

import { type Graph, dirOf, lowerBound } from '../index/graph';
import { CONTAINER_DIRS, NET_DRIVERS_DIR } from '../index/kernel-layout';
import { closestNames, didYouMean } from '../similar';
import { type KbuildModules, modulesOf, parseKbuild } from './kbuild';
import {
  DETOURS,
  ROLE_NAMES,
  ROLE_SEARCH_HOPS,
  ROLE_SLOTS,
  SKB_FREE_CALLS,
  TX_COMPLETION_CALLS,
  TX_COMPLETION_HOPS,
  type DriverRole,
} from './rows';

/** Reads a file of the kernel tree (relative path), undefined when it cannot. */
export type ReadText = (path: string) => string | undefined;

/** A function a driver registered, with where it registered it. */
export interface Registration {
  node: number;
  /** `request_irq at drivers/net/.../netdev.c:2169` */
  site: string;
}

/** A driver as found: its name, its folder, its files and the functions it registered. */
export interface DriverBase {
  /** The module name, e.g. `e1000e`, `virtio_net`. */
  name: string;
  /** The folder of the Makefile that builds it (relative to the kernel root). */
  dir: string;
  /** Other names `--driver` accepts: the folder's last component. */
  aliases: string[];
  /** The driver's source files that made registrations. */
  files: string[];
  irq: Registration[];
  poll: Registration[];
  xmit: Registration[];
}

export interface Driver extends DriverBase {
  /** Whether a file (relative path) belongs to the driver. */
  owns(file: string): boolean;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A driver as plain data, what `discoverDrivers` finds before it is made a Driver: what a
 * program may keep between runs for the graph it was found in (`PresetContext`'s DriverStore).
 */
export interface DriverRecord extends DriverBase {
  /** The module's source files, when its Makefile names them. */
  sources?: string[];
  /** Whether another driver is built from the same folder. */
  shared: boolean;
  /** Folders of other drivers below this one's, each ending in `/`. */
  below: string[];
}

/** The drivers found, and the files read to find them (makefiles; found or not). */
export interface DriverDiscovery {
  drivers: DriverRecord[];
  read: string[];
}

/** Finds every driver under drivers/net/ with at least one registered entry point. */
export function discoverDrivers(graph: Graph, readText?: ReadText): Driver[] {
  return findDrivers(graph, readText).drivers.map(driverOf);
}

/** The Driver a record describes. */
export function driverOf(record: DriverRecord): Driver {
  const { dir, shared, below } = record;
  const sources = record.sources ? new Set(record.sources) : undefined;
  const prefix = `${dir}/`;
  const inOwnFolder = (file: string): boolean =>
    file.startsWith(prefix) && !below.some((b) => file.startsWith(b));
  return {
    name: record.name,
    dir,
    aliases: record.aliases,
    files: record.files,
    irq: record.irq,
    poll: record.poll,
    xmit: record.xmit,
    // A module's sources and the headers of its folder; a folder driver owns its whole folder.
    owns: (file: string) =>
      sources
        ? sources.has(file) ||
          (file.endsWith('.h') && dirOf(file) === dir) ||
          (!shared && inOwnFolder(file))
        : inOwnFolder(file),
  };
}

/** `discoverDrivers` as data, with the makefiles it read. */
export function findDrivers(graph: Graph, readText?: ReadText): DriverDiscovery {
  const d = graph.data;
  const read: string[] = [];
  const readMakefile = (path: string): string | undefined => {
    read.push(path);
    return readText?.(path);
  };
  const slotRole = new Map<string, 'irq' | 'poll' | 'xmit'>();
  for (const [role, slots] of Object.entries(ROLE_SLOTS) as [
    'irq' | 'poll' | 'xmit',
    readonly string[],
  ][])
    for (const s of slots) slotRole.set(s, role);
  const makefiles = new Map<string, KbuildModules | undefined>();
  const makefile = (dir: string): KbuildModules | undefined => {
    if (!makefiles.has(dir)) {
      const text = readMakefile(`${dir}/Makefile`) ?? readMakefile(`${dir}/Kbuild`);
      makefiles.set(dir, text === undefined ? undefined : parseKbuild(text));
    }
    return makefiles.get(dir);
  };

  interface Unit {
    name: string;
    dir: string;
    sources?: Set<string>;
    files: Set<string>;
    irq: Registration[];
    poll: Registration[];
    xmit: Registration[];
  }
  const units = new Map<string, Unit>();
  const unitsOf = new Map<string, Unit[]>();
  const unitsFor = (file: string): Unit[] => {
    let list = unitsOf.get(file);
    if (list) return list;
    const dir = dirOf(file);
    const mods = readText ? modulesOf(file, makefile) : [];
    const keys: { name: string; dir: string; sources?: string[] }[] =
      mods.length > 0
        ? mods
        : [
            {
              name: CONTAINER_DIRS.has(dir) ? basename(file).replace(/\.c$/, '') : basename(dir),
              dir,
              ...(CONTAINER_DIRS.has(dir) ? { sources: [file] } : {}),
            },
          ];
    list = keys.map((k) => {
      const key = `${k.dir}\0${k.name}`;
      let unit = units.get(key);
      if (!unit) {
        unit = { name: k.name, dir: k.dir, files: new Set(), irq: [], poll: [], xmit: [] };
        if (k.sources) unit.sources = new Set(k.sources);
        units.set(key, unit);
      }
      return unit;
    });
    unitsOf.set(file, list);
    return list;
  };
  for (let b = 0; b < d.bindSlot.length; b++) {
    const role = slotRole.get(graph.str(d.bindSlot[b] as number) ?? '');
    if (!role) continue;
    const file = graph.str(d.bindFile[b] as number) ?? '';
    if (!file.startsWith(NET_DRIVERS_DIR)) continue;
    const node = d.bindFn[b] as number;
    const via = graph.str(d.bindVia[b] as number);
    for (const unit of unitsFor(file)) {
      unit.files.add(file);
      const list = unit[role];
      if (list.some((r) => r.node === node)) continue;
      list.push({ node, site: `${via ? `by ${via} ` : ''}at ${file}:${d.bindLine[b] as number}` });
    }
  }

  const drivers: DriverRecord[] = [];
  const names = new Map<string, number>();
  for (const u of units.values()) names.set(u.name, (names.get(u.name) ?? 0) + 1);
  const unitsInDir = new Map<string, number>();
  for (const u of units.values()) unitsInDir.set(u.dir, (unitsInDir.get(u.dir) ?? 0) + 1);
  const dirs = [...unitsInDir.keys()].sort();
  for (const u of [...units.values()].sort(
    (a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name),
  )) {
    // Two folders building modules of the same name (rare): tell them apart by the parent folder.
    const name = (names.get(u.name) ?? 0) > 1 ? `${basename(dirOf(u.dir))}/${u.name}` : u.name;
    const folder = basename(u.dir);
    const dir = u.dir;
    const shared = CONTAINER_DIRS.has(dir) || (unitsInDir.get(dir) ?? 0) > 1;
    // Folders of other drivers below this one (e100 in intel/ above e1000e in intel/e1000e/):
    // their files are theirs. They follow the folder's own prefix in the sorted folders.
    const prefix = `${dir}/`;
    const below: string[] = [];
    for (
      let i = lowerBound(dirs.length, (k) => (dirs[k] as string) < prefix);
      i < dirs.length && (dirs[i] as string).startsWith(prefix);
      i++
    )
      below.push(`${dirs[i] as string}/`);
    const record: DriverRecord = {
      name,
      dir,
      aliases: !shared && folder !== name ? [folder] : [],
      files: [...u.files].sort(),
      irq: u.irq,
      poll: u.poll,
      xmit: u.xmit,
      shared,
      below,
    };
    if (u.sources) record.sources = [...u.sources];
    drivers.push(record);
  }
  return { drivers, read };
}

/** The driver `--driver NAME` means: its name, an alias, or its folder. */
export function findDriver(drivers: readonly Driver[], name: string): Driver | undefined {
  const key = name.replace(/\/+$/, '');
  return (
    drivers.find((d) => d.name === key) ??
    drivers.find((d) => d.aliases.includes(key)) ??
    drivers.find((d) => d.dir === key)
  );
}

/**
 * The one-line error for a `--driver NAME` no driver answers to, with the names closest
 * to it: by edits (`e100e` -> e1000e), else those it begins (`mlx5` -> mlx5_core).
 */
export function unknownDriverMessage(drivers: readonly Driver[], name: string): string {
  const key = name.replace(/\/+$/, '');
  const names = [...new Set(drivers.flatMap((d) => [d.name, ...d.aliases]))];
  let close = closestNames(key, names);
  if (close.length === 0 && key.length >= 3)
    close = names
      .filter((n) => n.toLowerCase().startsWith(key.toLowerCase()))
      .sort((a, b) => a.length - b.length || a.localeCompare(b))
      .slice(0, 3);
  return `unknown driver ${name}${didYouMean(close)} (netpaths drivers lists them)`;
}

/**
 * The driver's functions reached from `from` within ROLE_SEARCH_HOPS calls through its own
 * files whose names say they play `role` (RX refill, TX completion, the TX ring), nearest
 * first (for the TX completion, those that tell the queue first: TX_COMPLETION_CALLS; with
 * none named so, those that tell it and free skbs: SKB_FREE_CALLS); zero-copy and XDP
 * variants (DETOURS) are left out.
 */
export function reachedRole(
  graph: Graph,
  driver: Driver,
  from: readonly number[],
  role: 'rx-clean' | 'refill' | 'tx-clean' | 'tx-ring',
  hops = ROLE_SEARCH_HOPS,
): number[] {
  const pattern = ROLE_NAMES[role];
  const plays = (n: number): boolean => pattern.test(graph.name(n)) && !isDetour(graph, n);
  const seen = new Set<number>(from);
  // A NAPI poll of its own for the TX queue (atl1c_clean_tx, hinic's free_tx_poll) is itself the TX completion.
  const found: number[] = role === 'tx-clean' ? from.filter(plays) : [];
  let frontier = [...from];
  for (let depth = 0; depth < hops && frontier.length > 0; depth++) {
    const level = found.length;
    const next: number[] = [];
    for (const n of frontier) {
      for (const e of graph.outgoing(n)) {
        const m = graph.to(e);
        if (seen.has(m) || !driver.owns(graph.file(m))) continue;
        seen.add(m);
        next.push(m);
        if (plays(m)) found.push(m);
      }
    }
    // Within one distance, the plainest name first: e1000_alloc_rx_buffers before its _ps variant.
    const tail = found.splice(level).sort((a, b) => graph.name(a).length - graph.name(b).length);
    found.push(...tail);
    frontier = next;
  }
  if (role === 'refill') return directRefillsFirst(graph, driver, from, found, hops);
  if (role !== 'tx-clean') return found;
  // Of the TX completions by name, those that tell the queue first. With none by name: the
  // poll or interrupt handler that tells it itself (tulip; a PIO NIC such as 3c509 frees
  // the skb in its xmit, once copied, and its interrupt only wakes the queue), or a function
  // it reaches that tells it and frees skbs (enic's enic_wq_service, handed to
  // vnic_cq_service), not a link-up that only wakes it.
  const calls = txCalls(graph);
  if (found.length > 0) {
    const completes = found.filter((n) => reaches(graph, driver, n, calls.tells));
    return [...completes, ...found.filter((n) => !completes.includes(n))];
  }
  // `seen` holds `from`, then what they reach, nearest first.
  const tells = (n: number): boolean => {
    for (const e of graph.outgoing(n)) if (calls.tells.has(graph.to(e))) return true;
    return false;
  };
  return [...seen].filter(
    (n) =>
      tells(n) &&
      !isDetour(graph, n) &&
      (from.includes(n) || reaches(graph, driver, n, calls.frees)),
  );
}

/**
 * The refills found, with the poll's own refill first when a deferred one leads to it: a
 * refill reached only through a work item (or another deferral, an `async` edge) that
 * retries when memory ran short, calls the function that refills the ring; that function,
 * when the poll reaches it by plain calls too, is the poll's own refill, whatever its name
 * (virtio_net's refill_work and try_fill_recv).
 */
function directRefillsFirst(
  graph: Graph,
  driver: Driver,
  from: readonly number[],
  found: readonly number[],
  hops: number,
): number[] {
  const near = syncReach(graph, driver, from, hops);
  const direct: number[] = [];
  for (const f of found) {
    if (near.has(f)) continue;
    for (const e of graph.outgoing(f)) {
      const m = graph.to(e);
      if (
        graph.kind(e) === 'direct' &&
        near.has(m) &&
        !from.includes(m) &&
        !direct.includes(m) &&
        !isDetour(graph, m)
      )
        direct.push(m);
    }
  }
  return [...direct, ...found.filter((n) => !direct.includes(n))];
}

/** The driver's functions `from` reach within `hops` plain or pointer calls (no deferral), `from` included. */
function syncReach(
  graph: Graph,
  driver: Driver,
  from: readonly number[],
  hops: number,
): Set<number> {
  const seen = new Set<number>(from);
  let frontier = [...from];
  for (let depth = 0; depth < hops && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const n of frontier)
      for (const e of graph.outgoing(n)) {
        const m = graph.to(e);
        if (graph.kind(e) === 'async' || seen.has(m) || !driver.owns(graph.file(m))) continue;
        seen.add(m);
        next.push(m);
      }
    frontier = next;
  }
  return seen;
}

/** Whether a function's name or file says it is a special-purpose variant (DETOURS): never a role's. */
function isDetour(graph: Graph, n: number): boolean {
  const name = graph.name(n);
  return DETOURS.some((d) => d.name?.test(name) || d.file?.test(graph.file(n)));
}

/** The functions of TX_COMPLETION_CALLS and SKB_FREE_CALLS, by node: once per graph. */
const txCallNodes = new WeakMap<
  Graph,
  { tells: ReadonlySet<number>; frees: ReadonlySet<number> }
>();
function txCalls(graph: Graph): { tells: ReadonlySet<number>; frees: ReadonlySet<number> } {
  let sets = txCallNodes.get(graph);
  if (!sets) {
    const nodes = (names: ReadonlySet<string>): Set<number> =>
      new Set([...names].flatMap((name) => graph.lookup(name)));
    sets = { tells: nodes(TX_COMPLETION_CALLS), frees: nodes(SKB_FREE_CALLS) };
    txCallNodes.set(graph, sets);
  }
  return sets;
}

/**
 * A driver's TX completion: reached from its NAPI polls, or, when they reach none, from its
 * interrupt handlers (drivers that reclaim sent buffers in hard-IRQ context).
 */
export function txCompletion(graph: Graph, driver: Driver): number[] {
  const fromPoll = reachedRole(
    graph,
    driver,
    driver.poll.map((r) => r.node),
    'tx-clean',
  );
  return fromPoll.length > 0
    ? fromPoll
    : reachedRole(
        graph,
        driver,
        driver.irq.map((r) => r.node),
        'tx-clean',
      );
}

/** Whether `node` reaches one of `calls` within TX_COMPLETION_HOPS calls through the driver's own functions. */
function reaches(graph: Graph, driver: Driver, node: number, calls: ReadonlySet<number>): boolean {
  const seen = new Set([node]);
  let frontier = [node];
  for (let depth = 0; depth < TX_COMPLETION_HOPS && frontier.length > 0; depth++) {
    const next: number[] = [];
    for (const n of frontier) {
      for (const e of graph.outgoing(n)) {
        const m = graph.to(e);
        if (seen.has(m)) continue;
        seen.add(m);
        if (calls.has(m)) return true;
        if (driver.owns(graph.file(m))) next.push(m);
      }
    }
    frontier = next;
  }
  return false;
}

/** Registered functions of a role (irq, poll, xmit). */
export function registered(driver: Driver, role: DriverRole): Registration[] {
  return role === 'irq'
    ? driver.irq
    : role === 'poll'
      ? driver.poll
      : role === 'xmit'
        ? driver.xmit
        : [];
}
