import type { BuildOptions } from 'esbuild';

/** Where the built suite goes, relative to the repository. */
export const ELECTRON_SUITE_DIR: string;

/** Options for esbuild.build of test/electron/suite.ts into ELECTRON_SUITE_DIR/index.js. */
export function electronSuiteBuildOptions(root: string): BuildOptions;
