// Build: copy the pinned tree-sitter WASM files into grammars/ (checking their sha256
// against grammars/manifest.json), then bundle each entry point with esbuild.
// Type checking is separate (`npm run typecheck`): esbuild only strips types.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { electronSuiteBuildOptions } from './lib/electron-build.mjs';
import {
  GRAPH_DIRS,
  analysisVersion,
  INDEX_DIR,
  graphOnlyFilesParsingReads,
  indexVersions,
} from './lib/index-versions.mjs';
import { webviewBuildOptions } from './lib/webview-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');

function copyGrammars() {
  const manifest = JSON.parse(readFileSync(join(root, 'grammars/manifest.json'), 'utf8'));
  for (const entry of manifest.files) {
    const source = join(root, 'node_modules', entry.package, entry.from);
    const pkg = JSON.parse(
      readFileSync(join(root, 'node_modules', entry.package, 'package.json'), 'utf8'),
    );
    if (pkg.version !== entry.version) {
      throw new Error(
        `${entry.package} is ${pkg.version}, grammars/manifest.json pins ${entry.version}: run npm ci`,
      );
    }
    const digest = createHash('sha256').update(readFileSync(source)).digest('hex');
    if (digest !== entry.sha256) {
      throw new Error(
        `${source} has sha256 ${digest}, grammars/manifest.json expects ${entry.sha256}`,
      );
    }
    copyFileSync(source, join(root, 'grammars', entry.to));
  }
}

// web-tree-sitter's ESM build reads import.meta, which esbuild empties in a CommonJS
// bundle (tree-sitter/tree-sitter#4248): always resolve it to the package's .cjs file.
const alias = { 'web-tree-sitter': join(root, 'node_modules/web-tree-sitter/tree-sitter.cjs') };

// The index cache carries two versions, hashes of src/analysis/index: the facts version
// (without the resolver's and the graph's own files) and the graph version (all of it).
// scripts/lib/index-versions.mjs says which files are which, and why.
async function versionsOfIndex() {
  const read = await graphOnlyFilesParsingReads(root, alias);
  if (read.length > 0) {
    throw new Error(
      `extraction imports ${read.join(', ')}, which the facts version leaves out: take it out of GRAPH_ONLY in scripts/lib/index-versions.mjs`,
    );
  }
  return indexVersions(
    join(root, INDEX_DIR),
    GRAPH_DIRS.map((d) => join(root, d)),
  );
}

const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

// The extraction query's text, inlined into the bundles so that no .scm file ships beside
// them; run from source, src/analysis/index/extract/query.ts reads the same file.
const extractQuery = readFileSync(join(root, 'src/analysis/index/extract/extract.scm'), 'utf8');

const versions = await versionsOfIndex();

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  alias,
  logLevel: 'warning',
  define: {
    NETPATHS_FACTS_HASH: JSON.stringify(versions.facts),
    NETPATHS_GRAPH_HASH: JSON.stringify(versions.graph),
    NETPATHS_ANALYSIS_HASH: JSON.stringify(analysisVersion(join(root, 'src/analysis'))),
    NETPATHS_VERSION: JSON.stringify(version),
    NETPATHS_EXTRACT_QUERY: JSON.stringify(extractQuery),
  },
};

const builds = [
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: { 'parse-worker': 'src/analysis/index/parse-worker.ts' } },
  // The extension host's bundle (vscode is provided by VS Code) and the analysis server it forks.
  { ...node, entryPoints: { extension: 'src/extension/extension.ts' }, external: ['vscode'] },
  { ...node, entryPoints: { server: 'src/server/server.ts' } },
];

mkdirSync(join(root, 'dist'), { recursive: true });
copyGrammars();
const options = builds.map((b) => ({ ...b, absWorkingDir: root, outdir: join(root, 'dist') }));
// The graph webview: its own browser bundle with Mermaid inside (never from a CDN), in
// dist/webview/ with its chunks; the old chunks go first, so the package holds only these.
rmSync(join(root, 'dist/webview'), { recursive: true, force: true });
rmSync(join(root, 'dist/webview.js'), { force: true });
rmSync(join(root, 'dist/webview.js.map'), { force: true });
options.push(webviewBuildOptions(root, join(root, 'dist/webview')));
// The desktop VS Code test suite (npm run test:electron) is built with the rest, so a
// build that breaks it fails here, in CI, where VS Code itself cannot be downloaded.
if (!watch) options.push(electronSuiteBuildOptions(root));
if (watch) {
  for (const o of options) await (await esbuild.context(o)).watch();
  console.log('watching for changes');
} else {
  await Promise.all(options.map((o) => esbuild.build(o)));
}
