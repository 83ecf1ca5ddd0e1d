// The versions of the index cache, computed at build time from the source (see
// ARCHITECTURE.md, "The cache is disposable"). The cache holds two things of two
// lifetimes: each file's facts (what parsing found in it) and the graph resolved from all
// of them. Each carries a version, a hash of the files under src/analysis/index that
// decide it, so a rebuilt NetPaths never trusts what an older one wrote, yet a change to
// resolution alone re-resolves the cached facts instead of re-parsing the tree.
// - The graph version hashes every file under src/analysis/index.
// - The facts version hashes the same files except GRAPH_ONLY: the resolver (resolve.ts
//   and resolve/), the graph's layout in memory and on disk (graph.ts, graph-file.ts) and
//   the kernel layout facts only resolution reads (kernel-layout.ts). Everything else is
//   in it: walk, preprocess, parse, extract, facts, pool, the cache's facts and manifest
//   files (cache.ts), the indexer, and kernel-idioms.ts, which extraction reads too. `checkFactsFiles` fails the build when
//   the parse worker bundles a GRAPH_ONLY file: what extraction imports decides facts.
// - The graph version also hashes GRAPH_DIRS: the configuration reader, the condition
//   evaluator and the Kbuild reader (src/analysis/config) decide the graph of each
//   configuration, never a file's facts; so does configured.ts, which applies one.
// Queries, presets, knowledge and renderers read the index and change neither version.
// The folder is the rule: a file moved in or out changes the hashes.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as esbuild from 'esbuild';

export const INDEX_DIR = 'src/analysis/index';

/** Files of INDEX_DIR, by their path in it, that decide the graph but never a file's facts. */
export const GRAPH_ONLY = [
  /^resolve\.ts$/,
  /^resolve\//,
  /^graph\.ts$/,
  /^graph-file\.ts$/,
  /^kernel-layout\.ts$/,
  /^configured\.ts$/,
];

/** Folders of the project outside INDEX_DIR whose files the graph version hashes too. */
export const GRAPH_DIRS = ['src/analysis/config'];

const graphOnly = (name) => GRAPH_ONLY.some((re) => re.test(name));

/** Every file under `dir`, by its `/`-separated path in it, sorted. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)).split(sep).join('/'))
    .sort();
}

function hashOf(dir, names) {
  const hash = createHash('sha256');
  for (const name of names) hash.update(name).update(readFileSync(join(dir, name)));
  return hash.digest('hex').slice(0, 12);
}

/**
 * The facts and graph versions of the index folder `dir` (INDEX_DIR of the project); the
 * graph version hashes the folders `graphDirs` (GRAPH_DIRS, as absolute paths) too.
 */
export function indexVersions(dir, graphDirs = []) {
  const files = filesUnder(dir);
  const graph = hashOf(dir, files);
  const extra = graphDirs.map((d) => hashOf(d, filesUnder(d))).join('');
  return {
    facts: hashOf(
      dir,
      files.filter((f) => !graphOnly(f)),
    ),
    graph:
      extra === ''
        ? graph
        : createHash('sha256')
            .update(graph + extra)
            .digest('hex')
            .slice(0, 12),
  };
}

/**
 * A hash of every file of the analysis core (`dir`, src/analysis): the version of what a
 * program derives from a graph and keeps beside it (the CLI's driver list), which any
 * change to the core may change.
 */
export function analysisVersion(dir) {
  return hashOf(dir, filesUnder(dir));
}

/**
 * The GRAPH_ONLY files that the parse worker of project `root` bundles: none, or the
 * facts version would miss a change to how files are parsed.
 */
export async function graphOnlyFilesParsingReads(root, alias) {
  const { metafile } = await esbuild.build({
    entryPoints: [join(root, INDEX_DIR, 'parse-worker.ts')],
    bundle: true,
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
    alias,
    absWorkingDir: root,
  });
  const prefix = `${INDEX_DIR}/`;
  return Object.keys(metafile.inputs)
    .filter((p) => p.startsWith(prefix) && graphOnly(p.slice(prefix.length)))
    .map((p) => p.slice(prefix.length));
}
