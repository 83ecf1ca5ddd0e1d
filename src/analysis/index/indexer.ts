// The index stage: walk, parse what changed, resolve, cache. The one entry point the CLI
// and the extension call. Invariant: indexing never leaves a half-written cache; a
// cancelled run changes nothing on disk.

import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { resolve as resolvePath } from 'node:path';
import type { KernelConfig } from '../config/dotconfig';
import type { CachedFile } from './cache';
import { IndexCache, defaultCacheDir } from './cache';
import { type ConfigReport, conditionOptions, configuredGraph } from './configured';
import { Graph } from './graph';
import { parseAll } from './pool';
import { resolve } from './resolve';
import type { SourceFile } from './walk';
import { assertKernelTree, walkTree } from './walk';

/** The phases of a build of the index, in the order they run. */
export type IndexPhase = 'walk' | 'parse' | 'resolve' | 'write';

export interface IndexOptions {
  root: string;
  cacheDir?: string;
  scope?: string[];
  workers?: number;
  signal?: AbortSignal;
  /** Progress of parsing: files done and to do. */
  onProgress?: (done: number, total: number) => void;
  /** Each phase as it starts, with how many files it handles (those to parse, for `parse`). */
  onPhase?: (phase: IndexPhase, files: number) => void;
  /** One-line messages for the user (a rebuilt cache, unreadable folders). */
  log?: (line: string) => void;
  /**
   * A kernel configuration: the graph is then of the kernel it builds, resolved from the
   * same parsed facts as the union (configured.ts) and cached apart. Without one, the
   * graph is the union of every configuration.
   */
  config?: KernelConfig;
}

export interface IndexReport {
  graph: Graph;
  files: number;
  reparsed: number;
  reused: number;
  removed: number;
  /** Wall-clock seconds spent. */
  seconds: number;
  cacheDir: string;
  /** Files that could not be parsed, with the reason. */
  skipped: { path: string; reason: string }[];
  /** The configuration applied, when one was given. */
  config?: ConfigReport;
}

function cacheFor(options: IndexOptions): IndexCache {
  const root = resolvePath(options.root);
  return new IndexCache(options.cacheDir ?? defaultCacheDir(root, options.scope ?? []), root);
}

let lastElu: EventLoopUtilization | undefined;

/** With NETPATHS_TIMING=1, where indexing spends its time goes to stderr. */
function timing(phase: string, since: number): void {
  if (!process.env.NETPATHS_TIMING) return;
  // How busy this (the main) thread was since the last phase: the rest of the CPU went to the workers.
  const elu = performance.eventLoopUtilization(lastElu);
  lastElu = performance.eventLoopUtilization();
  const mib = (bytes: number): number => Math.round(bytes / 1048576);
  // maxRSS counts the whole process, parse workers included (it is in KiB).
  const peak = mib(process.resourceUsage().maxRSS * 1024);
  const m = process.memoryUsage();
  process.stderr.write(
    `netpaths: ${phase} ${((Date.now() - since) / 1000).toFixed(2)} s, main thread busy ${Math.round(elu.utilization * 100)}%, heap ${mib(m.heapUsed)} of ${mib(m.heapTotal)} MiB, array buffers ${mib(m.arrayBuffers)} MiB, rss ${mib(m.rss)} MiB, peak rss ${peak} MiB\n`,
  );
}

/** Builds or refreshes the index: unchanged files reuse their cached facts. */
export async function buildIndex(options: IndexOptions): Promise<IndexReport> {
  const started = Date.now();
  const root = resolvePath(options.root);
  assertKernelTree(root);
  const log = options.log ?? (() => undefined);
  const cache = cacheFor(options);
  options.onPhase?.('walk', 0);
  const walked = walkTree(root, options.scope ?? []);
  for (const p of walked.problems.slice(0, 5)) log(`skipped unreadable ${p}`);
  if (walked.problems.length > 5)
    log(`skipped ${walked.problems.length - 5} more unreadable paths`);
  if (walked.files.length === 0)
    throw new Error(
      `no .c or .h files under ${root}${options.scope?.length ? ` in scope ${options.scope.join(', ')}` : ''}`,
    );

  // Fast path: the manifest says nothing changed, so the cached graph stands.
  const manifest = cache.readManifest();
  if ('problem' in manifest) log(manifest.problem);
  // Another NetPaths resolved this cache, but parses as this one does: keep every file's facts.
  if ('value' in manifest && !manifest.value.resolved)
    log(
      `the index cache ${cache.dir} was resolved by another NetPaths version; reusing its parsed files and resolving them again`,
    );
  if (
    'value' in manifest &&
    manifest.value.resolved &&
    manifest.value.files.size === walked.files.length
  ) {
    const same = walked.files.every((f) => {
      const m = manifest.value.files.get(f.path);
      return m !== undefined && m[0] === f.size && m[1] === f.mtimeMs;
    });
    const graph = same ? cache.readGraph() : undefined;
    if (graph && 'value' in graph) {
      const r = report(graph.value, walked.files.length, 0, 0, started, cache, []);
      if (!options.config) return r;
      const configured = configure(r, cache, root, options.config);
      if (!('problem' in configured)) return configured;
      // The facts the configuration is applied to are damaged: parse again what they held.
      r.graph.close();
      log(configured.problem);
    }
  }

  const previous = new Map<string, CachedFile>();
  const cached = 'value' in manifest ? cache.readFacts() : { missing: true as const };
  if ('problem' in cached) log(cached.problem);
  if ('value' in cached) for (const c of cached.value) previous.set(c.path, c);

  const toParse: SourceFile[] = [];
  const entries: (CachedFile | undefined)[] = walked.files.map((f) => {
    const old = previous.get(f.path);
    if (old && old.size === f.size && old.mtimeMs === f.mtimeMs) return old;
    toParse.push(f);
    return undefined;
  });
  const present = new Set(walked.files.map((f) => f.path));
  const removed = [...previous.keys()].filter((p) => !present.has(p)).length;

  options.onPhase?.('parse', toParse.length);
  const parsed = await parseAll(root, toParse, {
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  timing('parse', started);
  const fresh = new Map(toParse.map((f, i) => [f.path, { ...f, facts: parsed[i] } as CachedFile]));
  const all = walked.files.map((f, i) => entries[i] ?? (fresh.get(f.path) as CachedFile));
  options.signal?.throwIfAborted();
  const resolveStarted = Date.now();
  options.onPhase?.('resolve', all.length);
  const graph = resolve(all.map((c) => c.facts));
  timing('resolve', resolveStarted);
  options.signal?.throwIfAborted();
  const writeStarted = Date.now();
  options.onPhase?.('write', all.length);
  cache.write(all, graph, conditionOptions(all.map((c) => c.facts)));
  timing('write', writeStarted);
  const r = report(
    new Graph(graph),
    walked.files.length,
    toParse.length,
    removed,
    started,
    cache,
    all,
  );
  if (!options.config) return r;
  const configured = configure(r, cache, root, options.config, all);
  if ('problem' in configured) throw new Error(configured.problem);
  return configured;
}

/** The report with the configuration applied to the index just built or found. */
function configure(
  r: IndexReport,
  cache: IndexCache,
  root: string,
  config: KernelConfig,
  all?: CachedFile[],
): IndexReport | { problem: string } {
  const started = Date.now();
  const applied = configuredGraph(cache, root, config, all ? () => all : undefined);
  if ('problem' in applied) return applied;
  timing('configuration', started);
  return {
    ...r,
    graph: applied.graph,
    config: applied.report,
    seconds: (Date.now() - started) / 1000 + r.seconds,
  };
}

function report(
  graph: Graph,
  files: number,
  reparsed: number,
  removed: number,
  started: number,
  cache: IndexCache,
  all: CachedFile[],
): IndexReport {
  return {
    graph,
    files,
    reparsed,
    reused: files - reparsed,
    removed,
    seconds: (Date.now() - started) / 1000,
    cacheDir: cache.dir,
    // On the fast path the facts are not loaded; the graph's statistics still count skipped files.
    skipped: all
      .filter((c) => c.facts.skipped)
      .map((c) => ({ path: c.path, reason: c.facts.skipped as string })),
  };
}

/**
 * The graph for queries: loaded from the cache without re-walking the tree when there is
 * one, built first when there is none. `netpaths index` refreshes a stale one.
 */
export async function openGraph(options: IndexOptions): Promise<Graph> {
  return (await openIndex(options)).graph;
}

/** openGraph, with what applying the configuration did when there is one. */
export async function openIndex(
  options: IndexOptions,
): Promise<{ graph: Graph; config?: ConfigReport }> {
  const root = resolvePath(options.root);
  assertKernelTree(root);
  const cache = cacheFor(options);
  const cached = cache.readGraph();
  if ('value' in cached) {
    if (!options.config) return { graph: cached.value };
    // The union stays open only as long as applying the configuration needs to know it is there.
    cached.value.close();
    const applied = configuredGraph(cache, root, options.config);
    if ('graph' in applied) return { graph: applied.graph, config: applied.report };
  }
  // A graph of another version is buildIndex's to explain: it may reuse the cached facts.
  if ('problem' in cached && !cached.stale) options.log?.(cached.problem);
  const built = await buildIndex(options);
  return built.config ? { graph: built.graph, config: built.config } : { graph: built.graph };
}
