// The esbuild options of the desktop VS Code test suite (test/electron/suite.ts), shared by
// scripts/build.mjs, so that every build (CI's too) compiles the suite, and by
// test/electron/run.ts, which runs it. The suite runs inside VS Code's extension host,
// which loads JavaScript: one CommonJS file, `vscode` left to the host.

import { join } from 'node:path';

/** Where the built suite goes (git ignores out/, vsce leaves it out of the package). */
export const ELECTRON_SUITE_DIR = 'out/electron-suite';

/** Options for esbuild.build; `root` is the repository, the suite lands in ELECTRON_SUITE_DIR/index.js. */
export function electronSuiteBuildOptions(root) {
  return {
    absWorkingDir: root,
    entryPoints: { index: 'test/electron/suite.ts' },
    outdir: join(root, ELECTRON_SUITE_DIR),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  };
}
