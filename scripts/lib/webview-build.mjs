// The esbuild options of the graph webview's bundle, shared by scripts/build.mjs and the
// webview test harness so both build the very same page.
//
// An ES module with code splitting: Mermaid loads each diagram type, and the ELK layout,
// with a dynamic import(), so the page starts with Mermaid's core and fetches the
// flowchart code when it first draws; the other diagram types (and 1.5 MB of ELK) are
// never parsed. Chunks inherit the nonce of the module script that imports them.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file beside webview.js that lists the chunks of the first drawing (see firstDrawChunks). */
export const FIRST_DRAW_FILE = 'first-draw.json';

/** Options for esbuild.build; `outdir` gets `webview.js`, its `chunks/` and FIRST_DRAW_FILE. */
export function webviewBuildOptions(root, outdir) {
  const firstDraw = {
    name: 'first-draw-chunks',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length === 0 && result.metafile) {
          writeFileSync(
            join(outdir, FIRST_DRAW_FILE),
            `${JSON.stringify(firstDrawChunks(result.metafile, outdir), null, 1)}\n`,
          );
        }
      });
    },
  };
  return {
    absWorkingDir: root,
    entryPoints: { webview: 'src/webview/main.ts' },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: 'chrome120',
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
    metafile: true,
    plugins: [firstDraw],
    outdir,
  };
}

/**
 * The chunks the page needs for its first drawing beyond those its module imports: the
 * flowchart diagram and the dagre layout, each with the chunks they import. Listed in
 * the page as `<link rel="modulepreload">`, the browser fetches and compiles them while
 * the module loads, instead of one after another when Mermaid first draws.
 * `metafile` is esbuild's for webviewBuildOptions; paths are relative to `outdir`.
 */
export function firstDrawChunks(metafile, outdir) {
  const outputs = metafile.outputs;
  const keys = Object.keys(outputs).filter((k) => k.endsWith('.js'));
  const relative = (key) => key.slice(key.indexOf('/chunks/') + 1);
  const closure = (starts) => {
    const seen = new Set();
    const stack = [...starts];
    while (stack.length > 0) {
      const key = stack.pop();
      if (seen.has(key)) continue;
      seen.add(key);
      for (const i of outputs[key]?.imports ?? [])
        if (i.kind === 'import-statement') stack.push(i.path);
    }
    return seen;
  };
  const entry = keys.find((k) => k.endsWith('/webview.js'));
  const wanted =
    /node_modules\/mermaid\/dist\/chunks\/mermaid\.core\/(flowDiagram|dagre)-[A-Z0-9]+\.mjs$/;
  const starts = keys.filter((k) => Object.keys(outputs[k].inputs).some((i) => wanted.test(i)));
  if (!entry || starts.length < 2)
    throw new Error(
      `webview build: the flowchart and dagre chunks were not found in ${outdir} (did Mermaid change its files?)`,
    );
  const loaded = closure([entry]);
  return [...closure(starts)]
    .filter((k) => !loaded.has(k))
    .map(relative)
    .sort();
}
