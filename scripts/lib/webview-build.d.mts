import type { BuildOptions } from 'esbuild';

/** Options for esbuild.build; `outdir` gets `webview.js` and its `chunks/`. */
export function webviewBuildOptions(root: string, outdir: string): BuildOptions;
