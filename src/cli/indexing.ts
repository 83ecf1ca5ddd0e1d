// Where the CLI's index is and how it reports: the tree, its scope, the cache folder, the
// parse workers, progress on stderr and Ctrl-C, read from the command line.
//
// The scope: the --scope globs when given (`--scope '**'` is the whole tree); else the
// whole tree when an index of it is already in the default cache folder (it answers
// everything the default scope would); else NETWORK_SCOPE, what the demo indexes. So
// every command after the demo, and after a whole-tree index, reuses what is there.

import { resolve as resolvePath } from 'node:path';
import { IndexCache, defaultCacheDir } from '../analysis/index/cache';
import type { Graph } from '../analysis/index/graph';
import {
  type IndexOptions,
  type IndexReport,
  buildIndex,
  openGraph,
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
  /** The graph for a query: from the index, built first when there is none. */
  graph(): Promise<Graph>;
  /** Builds or refreshes the index. */
  build(): Promise<IndexReport>;
}

/** The index of a command line; `log` writes one line on stderr unless --quiet. */
export function cliIndex(values: Values, log: (line: string) => void): CliIndex {
  const root = values.kernel ?? process.env.NETPATHS_KERNEL ?? process.cwd();
  const scope = chooseScope(values.scope, root, values['cache-dir'] !== undefined);
  const options: IndexOptions = { root, scope: scope.scope, log };
  if (values['cache-dir']) options.cacheDir = values['cache-dir'];
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
    graph: () => reporting(openGraph(options)),
    build: () => reporting(buildIndex(options)),
  };
}
