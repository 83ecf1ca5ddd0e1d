// The esbuild options of the graph webview's bundle, shared by scripts/build.mjs and the
// webview test harness so both build the very same page.
//
// An ES module with code splitting: Mermaid loads each diagram type, and the ELK layout,
// with a dynamic import(), so the page starts with Mermaid's core and fetches the
// flowchart code when it first draws; the other diagram types (and 1.5 MB of ELK) are
// never parsed. Chunks inherit the nonce of the module script that imports them.

/** Options for esbuild.build; `outdir` gets `webview.js` and its `chunks/`. */
export function webviewBuildOptions(root, outdir) {
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
    outdir,
  };
}
