// Runs the end-to-end scenarios in desktop VS Code through @vscode/test-electron: the
// extension as a development extension, the suite (test/electron/suite.ts, the scenarios
// of test/e2e/scenarios.ts through the VS Code API) in its extension host, in two sessions:
// VS Code opened on $NETPATHS_KERNEL with the e2e scope, then on a folder that is not a
// kernel tree. For desktops that can download VS Code; CI machines (npm registry and
// Debian only) cannot, and run the same scenarios in code-server (`npm run test:e2e`),
// while `npm run build` and `npm run typecheck` compile this suite there too. When the
// download fails this runner says so in one line and exits 1: it never reports success
// without running.
//
//   NETPATHS_KERNEL=$(bash scripts/kernel.sh) npm run test:electron
//
// NETPATHS_VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code (no download);
// NETPATHS_VSCODE_VERSION picks the version to download (default: the lowest that
// package.json's engines.vscode allows, so the suite checks what we promise).

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import {
  electronSuiteBuildOptions,
  ELECTRON_SUITE_DIR,
} from '../../scripts/lib/electron-build.mjs';
import { kernelTreeProblem } from '../../src/analysis/index/walk';
import { E2E_SCOPE, NOT_A_KERNEL_FILES } from '../e2e/scenarios';

const ROOT = join(__dirname, '..', '..');

function say(line: string): void {
  process.stderr.write(`test:electron: ${line}\n`);
}

function engineVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    engines?: { vscode?: string };
  };
  const range = pkg.engines?.vscode ?? '';
  const m = /(\d+\.\d+\.\d+)/.exec(range);
  return m?.[1] ?? 'stable';
}

/** User settings of each session: quiet, no trust prompt, the e2e scope. */
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'git.enabled': false,
  'netpaths.scope': E2E_SCOPE,
};

async function vscodeExecutable(): Promise<string | undefined> {
  const given = process.env.NETPATHS_VSCODE_EXECUTABLE;
  if (given) return given;
  const version = process.env.NETPATHS_VSCODE_VERSION ?? engineVersion();
  // Outside the repository, next to the other NetPaths caches.
  const cachePath = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'netpaths',
    'vscode-test',
  );
  mkdirSync(cachePath, { recursive: true });
  try {
    return await downloadAndUnzipVSCode({ version, cachePath, timeout: 30_000 });
  } catch (e) {
    const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
    say(
      `cannot download VS Code ${version} (${reason}); this suite needs a desktop with internet access or NETPATHS_VSCODE_EXECUTABLE, here run npm run test:e2e instead`,
    );
    return undefined;
  }
}

/** One VS Code window on `folder` running the suite's `session`; its exit code. */
async function session(
  executable: string,
  name: 'kernel' | 'not-a-kernel',
  folder: string,
  kernel: string,
): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), `netpaths-electron-${name}-`));
  const userData = join(work, 'user-data');
  mkdirSync(join(userData, 'User'), { recursive: true });
  writeFileSync(join(userData, 'User', 'settings.json'), `${JSON.stringify(SETTINGS, null, 2)}\n`);
  try {
    return await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(ROOT, ELECTRON_SUITE_DIR, 'index.js'),
      extensionTestsEnv: {
        NETPATHS_ELECTRON_SESSION: name,
        NETPATHS_ELECTRON_USER_DATA: userData,
        NETPATHS_KERNEL: kernel,
      },
      launchArgs: [
        folder,
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${userData}`,
        `--extensions-dir=${join(work, 'extensions')}`,
      ],
    });
  } catch (e) {
    say(`the ${name} session failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) {
    say('dist/extension.js is missing: run npm run build first');
    return 1;
  }
  const kernel = process.env.NETPATHS_KERNEL;
  const problem = kernel ? kernelTreeProblem(kernel) : 'it is not set';
  if (!kernel || problem !== undefined) {
    say(
      `NETPATHS_KERNEL must name a Linux 6.12 tree (${problem}): NETPATHS_KERNEL=$(bash scripts/kernel.sh) npm run test:electron`,
    );
    return 1;
  }
  // The suite as the build compiles it (the build already did; again, for edits since).
  await esbuild.build(electronSuiteBuildOptions(ROOT));
  const executable = await vscodeExecutable();
  if (!executable) return 1;

  const failed: string[] = [];
  if ((await session(executable, 'kernel', kernel, kernel)) !== 0) failed.push('kernel');
  const folder = mkdtempSync(join(tmpdir(), 'netpaths-electron-not-a-kernel-'));
  try {
    for (const [file, text] of Object.entries(NOT_A_KERNEL_FILES)) {
      mkdirSync(dirname(join(folder, file)), { recursive: true });
      writeFileSync(join(folder, file), text);
    }
    if ((await session(executable, 'not-a-kernel', folder, kernel)) !== 0)
      failed.push('not-a-kernel');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  if (failed.length > 0) say(`failed sessions: ${failed.join(', ')}`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
