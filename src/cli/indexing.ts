// Where the CLI's index is and how it reports: the tree, its scope, the cache folder, the
// parse workers, progress on stderr and Ctrl-C, read from the command line.
//
// The scope: the --scope globs when given (`--scope '**'` is the whole tree); else the
// whole tree when an index of it is already in the default cache folder (it answers
// everything the default scope would); else NETWORK_SCOPE, what the demo indexes. So
// every command after the demo, and after a whole-tree index, reuses what is there.

import { existsSync } from 'node:fs';
import { join, resolve as resolvePath } from 'node:path';
import type { KernelConfig } from '../analysis/config/dotconfig';
import { chooseConfig, loadConfig } from '../analysis/config/load';
import type { ConfigurationJson } from '../analysis/graph-json';
import { IndexCache, defaultCacheDir } from '../analysis/index/cache';
import type { Graph } from '../analysis/index/graph';
import {
  type IndexOptions,
  type IndexReport,
  buildIndex,
  openIndex,
} from '../analysis/index/indexer';
import { NETWORK_SCOPE } from '../analysis/index/kernel-layout';
import { type Values, positiveInt } from './options';
import { IndexProgress } from './progress';

/** The --scope that means the whole tree. */
export const WHOLE_TREE = '**';

export interface ScopeChoice {
  /** The globs to index; empty for the whole tree. */
  scope: string[];
  /** For the user: which scope, and how to change it. */
  description: string;
  /** Whether it is the default NETWORK_SCOPE, chosen for want of a --scope. */
  network: boolean;
}

/** Whether a complete index of `root` with `scope` is in its default cache folder. */
export function hasDefaultIndex(root: string, scope: readonly string[]): boolean {
  const absolute = resolvePath(root);
  const cache = new IndexCache(defaultCacheDir(absolute, [...scope]), absolute);
  return 'value' in cache.readManifest();
}

/** The scope a command line indexes (see the head of this file). */
export function chooseScope(
  given: readonly string[] | undefined,
  root: string,
  cacheDirGiven: boolean,
  hasIndex: (root: string, scope: readonly string[]) => boolean = hasDefaultIndex,
): ScopeChoice {
  const whole: ScopeChoice = { scope: [], description: 'the whole tree', network: false };
  if (given && given.length > 0) {
    if (given.includes(WHOLE_TREE)) return whole;
    return { scope: [...given], description: `scope ${given.join(', ')}`, network: false };
  }
  if (!cacheDirGiven && hasIndex(root, [])) return whole;
  const folders = NETWORK_SCOPE.map((g) => g.replace(/\*\*$/, '')).join(', ');
  return {
    scope: [...NETWORK_SCOPE],
    description: `the network scope (${folders}; --scope '${WHOLE_TREE}' indexes the whole tree)`,
    network: true,
  };
}

export interface CliIndex {
  readonly options: IndexOptions;
  readonly scope: ScopeChoice;
  /**
   * The graph for a query: from the index, built first when there is none; of the kernel
   * the configuration builds when there is one.
   */
  graph(): Promise<Graph>;
  /** The graph of every configuration at once, whatever the configuration. */
  union(): Promise<Graph>;
  /** Builds or refreshes the index (and applies the configuration, when there is one). */
  build(): Promise<IndexReport>;
  /** The configuration the command applies, read on first use; one line when it cannot be read. */
  configuration(): CliConfiguration;
}

export interface CliConfiguration {
  config?: KernelConfig;
  /** What `--format json` says of it. */
  json: ConfigurationJson;
}

/**
 * The configuration of a command line: `--config`, else `$NETPATHS_CONFIG`, else the
 * tree's `.config`, else none (load.ts, chooseConfig). A file that cannot be read or is
 * not a configuration is an error of one line.
 */
export function cliConfiguration(
  flag: string | undefined,
  env: string | undefined,
  root: string,
): CliConfiguration {
  const treeConfig = join(root, '.config');
  const choice = chooseConfig(flag, env, existsSync(treeConfig) ? treeConfig : undefined);
  if ('none' in choice) return { json: { chosen: choice.why } };
  const read = loadConfig(choice.path);
  if ('problem' in read) throw new Error(read.problem);
  const json: ConfigurationJson = { source: read.config.source, chosen: choice.from };
  if (read.config.arch !== undefined) json.arch = read.config.arch;
  return { config: read.config, json };
}

/** The line a command logs of its configuration. */
export function configurationLine(c: ConfigurationJson): string {
  return c.source === undefined
    ? `no kernel configuration (${c.chosen}): every file, both sides of every #if`
    : `kernel configuration ${c.source} (from ${c.chosen}${c.arch ? `, ${c.arch}` : ''})`;
}

/** The index of a command line; `log` writes one line on stderr unless --quiet. */
export function cliIndex(values: Values, log: (line: string) => void): CliIndex {
  const root = values.kernel ?? process.env.NETPATHS_KERNEL ?? process.cwd();
  const scope = chooseScope(values.scope, root, values['cache-dir'] !== undefined);
  const options: IndexOptions = { root, scope: scope.scope, log };
  // Named here, so that what commands keep beside the index goes to the same folder.
  options.cacheDir = values['cache-dir'] ?? defaultCacheDir(resolvePath(root), scope.scope);
  if (values.workers !== undefined) options.workers = positiveInt(values.workers, 'workers', 1);
  let progress: IndexProgress | undefined;
  if (!values.quiet) {
    const stderr = process.stderr;
    progress = new IndexProgress(
      { write: (t) => void stderr.write(t), isTTY: stderr.isTTY, now: () => Date.now() },
      `${resolvePath(root)}, ${scope.description}`,
    );
    const shown = progress;
    options.log = (line) => shown.line(`netpaths: ${line}`);
    options.onPhase = (phase, files) => shown.phase(phase, files);
    options.onProgress = (done, total) => shown.progress(done, total);
  }
  let configuration: CliConfiguration | undefined;
  const configured = (): CliConfiguration => {
    if (configuration) return configuration;
    configuration = cliConfiguration(values.config, process.env.NETPATHS_CONFIG, root);
    // The union is what NetPaths always drew: JSON and `netpaths index` say so, stderr stays quiet.
    if (configuration.config) options.log?.(configurationLine(configuration.json));
    return configuration;
  };
  const withConfig = (): IndexOptions => {
    const { config } = configured();
    return config ? { ...options, config } : options;
  };
  const warn = (warnings: readonly string[] | undefined): void => {
    for (const w of warnings ?? []) options.log?.(w);
  };
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  options.signal = controller.signal;
  const reporting = async <T>(work: Promise<T>): Promise<T> => {
    try {
      const result = await work;
      progress?.finish();
      return result;
    } catch (e) {
      progress?.abandon();
      throw e;
    }
  };
  return {
    options,
    scope,
    graph: async () => {
      const opened = await reporting(openIndex(withConfig()));
      warn(opened.config?.warnings);
      return opened.graph;
    },
    union: async () => (await reporting(openIndex(options))).graph,
    build: async () => {
      const built = await reporting(buildIndex(withConfig()));
      warn(built.config?.warnings);
      return built;
    },
    configuration: configured,
  };
}
