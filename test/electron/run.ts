// A thin suite in desktop VS Code through @vscode/test-electron: the extension as a
// development extension activates on a small kernel-like folder and registers every
// command it declares. For desktops with internet access: @vscode/test-electron downloads
// VS Code, which CI machines (npm registry and Debian only) cannot; there, `npm run
// test:e2e` runs the full end-to-end tests in code-server instead. When the download fails
// this runner says so in one line and exits 1: it never reports success without running.
//
//   npm run build && node --import tsx test/electron/run.ts
//
// NETPATHS_VSCODE_EXECUTABLE=/path/to/code uses an installed VS Code (no download);
// NETPATHS_VSCODE_VERSION picks the version to download (default: the lowest that
// package.json's engines.vscode allows, so the suite checks what we promise).

import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';

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

async function main(): Promise<number> {
  if (!existsSync(join(ROOT, 'dist', 'extension.js'))) {
    say('dist/extension.js is missing: run npm run build first');
    return 1;
  }
  // The suite runs inside the extension host, which loads JavaScript: bundle it (vscode
  // stays external, node:assert is Node's) into out/, which git ignores.
  const outDir = join(ROOT, 'out', 'electron-suite');
  await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { index: 'test/electron/suite.ts' },
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });

  let executable = process.env.NETPATHS_VSCODE_EXECUTABLE;
  if (!executable) {
    const version = process.env.NETPATHS_VSCODE_VERSION ?? engineVersion();
    // Outside the repository, next to the other NetPaths caches.
    const cachePath = join(
      process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
      'netpaths',
      'vscode-test',
    );
    mkdirSync(cachePath, { recursive: true });
    try {
      executable = await downloadAndUnzipVSCode({ version, cachePath, timeout: 30_000 });
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      say(
        `cannot download VS Code ${version} (${reason}); this suite needs a desktop with internet access or NETPATHS_VSCODE_EXECUTABLE, here run npm run test:e2e instead`,
      );
      return 1;
    }
  }

  // A copy of the small kernel-like fixture: activation by workspaceContains:Kbuild and a
  // quick index, without touching the repository's files.
  const workspace = mkdtempSync(join(tmpdir(), 'netpaths-electron-'));
  const userData = join(workspace, 'user-data');
  cpSync(join(ROOT, 'test', 'fixtures', 'kernel-mini'), join(workspace, 'kernel'), {
    recursive: true,
  });
  try {
    const code = await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: join(outDir, 'index.js'),
      extensionTestsEnv: { NETPATHS_ELECTRON_WORKSPACE: join(workspace, 'kernel') },
      launchArgs: [
        join(workspace, 'kernel'),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        `--user-data-dir=${userData}`,
      ],
    });
    return code;
  } catch (e) {
    say(`the suite failed: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
