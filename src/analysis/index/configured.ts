// Applying a configuration to an index: the graph of the kernel one configuration builds,
// resolved from the facts already parsed (never parsing a file again) and kept in the
// cache under a key made of the options that matter (those the facts' conditions and the
// makefiles name), their values, the architecture and the makefiles' text. Switching back
// to a configuration applied before, or to one that differs only in options nothing
// reads, loads its graph.

import { createHash } from 'node:crypto';
import { readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { optionsOf } from '../config/condition';
import type { KernelConfig } from '../config/dotconfig';
import { unknownOptions, unknownOptionsWarning } from '../config/dotconfig';
import { type BuildMap, buildMap } from '../config/kbuild';
import { treeKconfigSymbols } from '../config/load';
import type { CachedFile, FactsFile, IndexCache } from './cache';
import { GRAPH_VERSION, keepFile, keepNewest } from './cache';
import type { FileFacts } from './facts';
import { Graph } from './graph';
import { resolve } from './resolve';
import { type AppliedConfiguration, type FactsSource, factsSource } from './resolve/configure';

/** What applying a configuration did, for `netpaths index` and the one line a query logs. */
export interface ConfigReport {
  source: string;
  arch: string;
  key: string;
  /** Whether the configured graph was in the cache (else it was resolved now). */
  cached: boolean;
  /** Seconds spent: the makefiles read, then the graph loaded or resolved. */
  seconds: number;
  /** Warnings: options the tree does not declare, another architecture. */
  warnings: string[];
}

/** The options the facts' conditions name, sorted: what the configured graph's key reads. */
export function conditionOptions(files: readonly FileFacts[]): string[] {
  const options = new Set<string>();
  const seen = new Set<string>();
  for (const f of files)
    for (const text of f.conditions?.texts ?? []) {
      if (seen.has(text)) continue;
      seen.add(text);
      optionsOf(text, options);
    }
  return [...options].sort();
}

/** The tree file (`treeFile`) of the Kconfig symbols. */
const KCONFIG_FILE = 'kconfig-symbols.v8';

/** Reads files of the tree, hashing what it read (the makefiles decide the key too). */
function hashingReader(root: string): {
  read: (p: string) => string | undefined;
  digest: () => string;
} {
  const hash = createHash('sha256');
  return {
    read: (p) => {
      let text: string | undefined;
      try {
        text = readFileSync(join(root, p), 'utf8');
      } catch {
        text = undefined;
      }
      hash
        .update(p)
        .update('\0')
        .update(text ?? '\u0001')
        .update('\0');
      return text;
    },
    digest: () => hash.digest('hex'),
  };
}

/**
 * What applying a configuration reads of the whole tree besides the facts (the Kconfig
 * symbols, a walk of every folder) is kept in `configs/tree/`, so the next configuration
 * reads it from one file: it belongs to the index beside it, and a new index drops it
 * with the configured graphs.
 */
function treeFile(cache: IndexCache, name: string): string {
  return join(cache.dir, 'configs', 'tree', name);
}

/** A value kept by `keepTreeFile`, undefined when absent or unreadable. */
function readTreeFile(cache: IndexCache, name: string): unknown {
  try {
    return deserialize(readFileSync(treeFile(cache, name)));
  } catch {
    return undefined;
  }
}

/** Keeps a value in a tree file; a cache that cannot take it only reads the tree again next time. */
function keepTreeFile(cache: IndexCache, name: string, value: unknown): void {
  keepFile(treeFile(cache, name), serialize(value));
}

/** The configuration's build map and its cache key. */
function prepare(
  root: string,
  config: KernelConfig,
  options: readonly string[],
): { applied: AppliedConfiguration; key: string } {
  const reader = hashingReader(root);
  const build = buildMap(config, reader.read);
  const relevant = [...new Set([...options, ...build.options])].sort();
  const hash = createHash('sha256')
    .update(GRAPH_VERSION)
    .update('\0')
    .update(config.arch ?? 'x86');
  for (const o of relevant) hash.update(`\0${o}=${config.values.get(o) ?? 'n'}`);
  hash.update('\0').update(reader.digest());
  return { applied: { config, build }, key: hash.digest('hex').slice(0, 20) };
}

/**
 * The `CONFIG_` symbols the tree's Kconfig files declare: read once per index (a walk of
 * the whole tree), then from the cache beside it.
 */
function kconfigSymbols(cache: IndexCache, root: string): Set<string> {
  const kept = readTreeFile(cache, KCONFIG_FILE);
  if (Array.isArray(kept)) return new Set(kept as string[]);
  const symbols = treeKconfigSymbols(root);
  keepTreeFile(cache, KCONFIG_FILE, [...symbols]);
  return symbols;
}

function warningsOf(cache: IndexCache, root: string, config: KernelConfig): string[] {
  const warnings: string[] = [];
  const unknown = unknownOptions(config, kconfigSymbols(cache, root));
  if (unknown.length > 0) warnings.push(unknownOptionsWarning(config.source, unknown));
  if (config.arch === undefined)
    warnings.push(`${config.source} names no architecture; its makefiles are read as x86's`);
  else if (config.arch !== 'x86')
    warnings.push(
      `${config.source} is a configuration for ${config.arch}: arch/${config.arch} is what it builds, and names still resolve to x86 definitions first`,
    );
  return warnings;
}

/**
 * The graph of `config`: from the cache when it was applied before, else resolved from
 * the facts (`facts` when the caller holds them already, else the cache's, read a file at
 * a time: only the files the configuration builds) and cached.
 */
export function configuredGraph(
  cache: IndexCache,
  root: string,
  config: KernelConfig,
  facts?: () => CachedFile[] | undefined,
): { graph: Graph; report: ConfigReport } | { problem: string } {
  const held = facts?.();
  const inMemory = held && factsSource(held.map((c) => c.facts));
  let opened: FactsFile | undefined;
  const source = (): FactsSource | { problem: string } => {
    if (inMemory) return inMemory;
    if (!opened) {
      const open = cache.openFacts({ share: false });
      if ('missing' in open)
        return { problem: `the index in ${cache.dir} has no facts to apply a configuration to` };
      if ('problem' in open) return open;
      opened = open.value;
    }
    return opened;
  };
  try {
    return applyConfiguration(cache, root, config, source);
  } catch (e) {
    if (!opened) throw e;
    // A record that cannot be read: the facts cache is damaged; indexing parses again.
    return { problem: `the facts cache in ${cache.dir} is corrupt; rebuilding it` };
  } finally {
    opened?.close();
  }
}

function applyConfiguration(
  cache: IndexCache,
  root: string,
  config: KernelConfig,
  source: () => FactsSource | { problem: string },
): { graph: Graph; report: ConfigReport } | { problem: string } {
  const started = Date.now();
  let since = started;
  // With NETPATHS_TIMING=1, where applying spends its time goes to stderr, as indexing's does.
  const step = (name: string): void => {
    if (process.env.NETPATHS_TIMING)
      process.stderr.write(`netpaths: ${name} ${((Date.now() - since) / 1000).toFixed(2)} s\n`);
    since = Date.now();
  };
  let options = cache.readConditionOptions();
  if (!options) {
    const all = source();
    if ('problem' in all) return all;
    options = conditionOptions(all.paths.map((_, i) => all.facts(i)));
  }
  const { applied, key } = prepare(root, config, options);
  step('configuration: makefiles');
  // Warnings are of the file read, not of the graph: two files may share one cached graph.
  const warnings = warningsOf(cache, root, config);
  step('configuration: Kconfig symbols');
  const report = (graph: Graph, cached: boolean): { graph: Graph; report: ConfigReport } => ({
    graph,
    report: {
      source: config.source,
      arch: config.arch ?? 'x86',
      key,
      cached,
      seconds: (Date.now() - started) / 1000,
      warnings,
    },
  });
  const cached = cache.readConfiguredGraph(key);
  if ('value' in cached) {
    touch(join(cache.dir, 'configs', `${key}.bin`));
    return report(cached.value, true);
  }
  const all = source();
  if ('problem' in all) return all;
  step('configuration: facts opened');
  // configure reads the facts of the files it builds as it goes: timed with the resolve.
  const data = resolve(all, applied);
  step('configuration: facts read and resolved');
  data.config = {
    source: config.source,
    arch: config.arch ?? 'x86',
    key,
  };
  cache.writeConfiguredGraph(key, data);
  keepNewest(join(cache.dir, 'configs'), '.bin', KEPT_CONFIGURATIONS, `${key}.bin`);
  step('configuration: write');
  return report(new Graph(data), false);
}

/** How many configurations' graphs a cache keeps: the most recently used. */
const KEPT_CONFIGURATIONS = 4;

/** Marks a configuration's graph as used now (eviction keeps the most recently used). */
function touch(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    // A graph that cannot be touched is only evicted sooner.
  }
}

/** What Kbuild builds of the tree at `root` with `config` (explanations, --show-unbuilt). */
export function treeBuildMap(root: string, config: KernelConfig): BuildMap {
  return buildMap(config, hashingReader(root).read);
}
