// The real kernel tree for integration tests: $NETPATHS_KERNEL (scripts/kernel.sh prints
// it). A missing tree fails the tests with a message; it never skips them.

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NETWORK_SCOPE } from '../../src/analysis/index/kernel-layout';
import { kernelTreeProblem } from '../../src/analysis/index/walk';

export const repoRoot = join(__dirname, '../..');
export const cli = join(repoRoot, 'dist/cli.js');

export function kernelRoot(): string {
  const root = process.env.NETPATHS_KERNEL;
  // The indexer's own rule (src/analysis/index/kernel-tree.json) says what a kernel tree is.
  const problem = root ? kernelTreeProblem(root) : 'it is not set';
  if (!root || problem !== undefined) {
    throw new Error(
      `NETPATHS_KERNEL must name a Linux 6.12 tree (${problem}): export NETPATHS_KERNEL=$(bash scripts/kernel.sh)`,
    );
  }
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
  return root;
}

/** One index shared by every integration test file (built by the first). */
export const testCacheDir =
  process.env.NETPATHS_TEST_CACHE ?? join(tmpdir(), 'netpaths-integration-cache');

/**
 * What the integration tests index: the CLI's default scope, NETWORK_SCOPE (every folder a
 * network packet path touches). The whole tree is indexed by `npm run bench` and
 * `NETPATHS_FULL=1 npm run demo`; keeping the tests to this scope keeps CI well inside its
 * time limit on two cores.
 */
export const testScope: string[] = [...NETWORK_SCOPE];

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { cacheDir?: string; env?: NodeJS.ProcessEnv } = {},
): CliResult {
  const scope = testScope.flatMap((g) => ['--scope', g]);
  const r = spawnSync(
    process.execPath,
    [
      cli,
      ...args,
      '--kernel',
      kernelRoot(),
      '--cache-dir',
      options.cacheDir ?? testCacheDir,
      ...scope,
      '--quiet',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, ...options.env },
    },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a query with --format json and parses it; fails with the CLI's stderr on error. */
export function queryJson<T>(args: string[]): T {
  const r = runCli([...args, '--format', 'json']);
  if (r.status !== 0)
    throw new Error(`netpaths ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}
