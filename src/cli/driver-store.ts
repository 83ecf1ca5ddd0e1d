// The drivers found in a graph, kept in the index's folder for the next command. Finding
// them reads every binding of the graph and the makefiles of drivers/net: about a tenth of
// a route query on the whole tree, the same answer each time until the graph or a
// makefile changes. A kept list (`drivers/HASH.json` in the cache folder) is keyed by the
// graph's content (a hash of its bindings, its strings and its counts: a configuration's
// graph has its own), by the analysis core's version, and by each makefile read (mtime and
// size, or absent); anything else, or a file that cannot be read or does not hold drivers,
// is found again and written over. Only a built NetPaths keeps lists: run from source, the
// core's version is unknown.

import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { keepFile, keepNewest } from '../analysis/index/cache';
import type { Graph } from '../analysis/index/graph';
import type { DriverDiscovery, DriverRecord, DriverStore, Registration } from '../analysis/presets';

declare const NETPATHS_ANALYSIS_HASH: string | undefined;

const FORMAT = 'netpaths-drivers-2';

/** How many graphs' lists a cache folder keeps: the union's and a few configurations'. */
const KEPT_LISTS = 8;

/** A makefile as it was read: its mtime and size, or null when it was not there. */
type MakefileStamp = [path: string, mtimeMs: number, size: number] | [path: string, null];

interface StoredDrivers {
  format: string;
  analysis: string;
  makefiles: MakefileStamp[];
  drivers: DriverRecord[];
}

/** What the drivers found in `graph` depend on of it: its bindings, its strings, its counts. */
export function graphFingerprint(graph: Graph): string {
  const d = graph.data;
  const hash = createHash('sha256').update(JSON.stringify(d.stats ?? {}));
  for (const column of [d.bindSlot, d.bindFile, d.bindFn, d.bindVia, d.bindLine])
    hash.update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  return hash.update(d.strings.bytes).digest('hex').slice(0, 32);
}

/**
 * The store of `graph`'s drivers in the cache folder `cacheDir`, for a tree at `root`;
 * undefined for a NetPaths run from source.
 */
export function fileDriverStore(
  graph: Graph,
  root: string,
  cacheDir: string | undefined,
  analysis: string | undefined = typeof NETPATHS_ANALYSIS_HASH === 'string'
    ? NETPATHS_ANALYSIS_HASH
    : undefined,
): DriverStore | undefined {
  if (analysis === undefined || cacheDir === undefined) return undefined;
  const dir = join(cacheDir, 'drivers');
  let path: string | undefined;
  const pathOf = (): string => (path ??= join(dir, `${graphFingerprint(graph)}.json`));
  const stamp = (file: string): MakefileStamp => {
    const s = statSync(join(root, file), { throwIfNoEntry: false });
    return s?.isFile() ? [file, s.mtimeMs, s.size] : [file, null];
  };
  return {
    load() {
      let stored: unknown;
      try {
        stored = JSON.parse(readFileSync(pathOf(), 'utf8'));
      } catch {
        return undefined;
      }
      if (!isStored(stored, graph.nodeCount)) return undefined;
      if (stored.format !== FORMAT || stored.analysis !== analysis) return undefined;
      for (const m of stored.makefiles) {
        const now = stamp(m[0]);
        if (now[1] !== m[1] || now[2] !== m[2]) return undefined;
      }
      return { drivers: stored.drivers, read: stored.makefiles.map((m) => m[0]) };
    },
    save(found: DriverDiscovery) {
      const stored: StoredDrivers = {
        format: FORMAT,
        analysis,
        makefiles: found.read.map(stamp),
        drivers: found.drivers,
      };
      // A cache folder that cannot take it: the drivers are found again next time.
      keepFile(pathOf(), Buffer.from(JSON.stringify(stored)));
      keepNewest(dir, '.json', KEPT_LISTS, basename(pathOf()));
    },
  };
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function isRegistrations(v: unknown, nodes: number): v is Registration[] {
  return (
    Array.isArray(v) &&
    v.every((r: unknown) => {
      const { node, site } = (r ?? {}) as Partial<Registration>;
      return (
        Number.isInteger(node) &&
        (node as number) >= 0 &&
        (node as number) < nodes &&
        isString(site)
      );
    })
  );
}

function isRecord(v: unknown, nodes: number): v is DriverRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<DriverRecord>;
  return (
    isString(r.name) &&
    isString(r.dir) &&
    isStrings(r.aliases) &&
    isStrings(r.files) &&
    isRegistrations(r.irq, nodes) &&
    isRegistrations(r.poll, nodes) &&
    isRegistrations(r.xmit, nodes) &&
    (r.sources === undefined || isStrings(r.sources)) &&
    typeof r.shared === 'boolean' &&
    isStrings(r.below)
  );
}

/** Whether `v` has the shape of a stored list whose registrations name nodes of the graph. */
function isStored(v: unknown, nodes: number): v is StoredDrivers {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<StoredDrivers>;
  return (
    isString(s.format) &&
    isString(s.analysis) &&
    Array.isArray(s.makefiles) &&
    s.makefiles.every(
      (m: unknown) =>
        Array.isArray(m) &&
        isString(m[0]) &&
        ((m.length === 2 && m[1] === null) ||
          (m.length === 3 && typeof m[1] === 'number' && typeof m[2] === 'number')),
    ) &&
    Array.isArray(s.drivers) &&
    s.drivers.every((d: unknown) => isRecord(d, nodes))
  );
}
