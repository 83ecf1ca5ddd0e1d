import type { BuildOptions, Metafile } from 'esbuild';

/** The file beside webview.js that lists the chunks of the first drawing. */
export const FIRST_DRAW_FILE: string;

/** Options for esbuild.build; `outdir` gets `webview.js`, its `chunks/` and FIRST_DRAW_FILE. */
export function webviewBuildOptions(root: string, outdir: string): BuildOptions;

/** The chunks of the first drawing the page does not import statically, relative to `outdir`. */
export function firstDrawChunks(metafile: Metafile, outdir: string): string[];
