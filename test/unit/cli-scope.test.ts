// One index for every command (src/cli/indexing.ts): without --scope the CLI indexes the
// network scope, the demo's; it reuses an index of the whole tree when there is one; it
// says on stderr what it indexes, phase by phase, unless --quiet.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { NETWORK_SCOPE } from '../../src/analysis/index/kernel-layout';
import { WHOLE_TREE, chooseScope } from '../../src/cli/indexing';

const repoRoot = join(__dirname, '../..');

describe('the scope a command line indexes', () => {
  const none = (): boolean => false;
  const wholeIndexed = (_root: string, scope: readonly string[]): boolean => scope.length === 0;

  it('is the network scope when no --scope is given and no whole-tree index exists', () => {
    const c = chooseScope(undefined, '/linux', false, none);
    assert.deepEqual(c.scope, NETWORK_SCOPE);
    assert.ok(c.network);
    assert.match(c.description, /net\/, drivers\/net\/.*--scope '\*\*' indexes the whole tree/);
  });

  it('is the whole tree when an index of it is in the default cache folder', () => {
    const c = chooseScope(undefined, '/linux', false, wholeIndexed);
    assert.deepEqual(c.scope, []);
    assert.ok(!c.network);
  });

  it('stays the network scope with a --cache-dir of its own, whatever the default folder holds', () => {
    assert.deepEqual(chooseScope([], '/linux', true, wholeIndexed).scope, NETWORK_SCOPE);
  });

  it("is what --scope says, and the whole tree for --scope '**'", () => {
    assert.deepEqual(chooseScope(['net/**'], '/linux', false, wholeIndexed).scope, ['net/**']);
    assert.deepEqual(chooseScope([WHOLE_TREE], '/linux', false, none).scope, []);
    assert.deepEqual(chooseScope(['net/**', WHOLE_TREE], '/linux', true, none).scope, []);
  });
});

describe('the CLI without --scope, on a small tree', () => {
  let work: string;
  let root: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-scope-'));
    root = join(work, 'linux');
    cpSync(join(__dirname, '../fixtures/kernel-mini'), root, { recursive: true });
    // A function outside the network scope.
    mkdirSync(join(root, 'lib'));
    writeFileSync(join(root, 'lib/outside.c'), 'void outside_fn(void)\n{\n}\n');
    env = { ...process.env, XDG_CACHE_HOME: join(work, 'cache'), NETPATHS_KERNEL: root };
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  const cli = (args: string[]) => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args, '--workers', '1'],
      { encoding: 'utf8', cwd: repoRoot, env, timeout: 180_000 },
    );
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it('indexes the network scope, says so phase by phase, and says where an unknown name may be', () => {
    const r = cli(['where', 'outside_fn']);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^netpaths: indexing .*linux, the network scope \(net\//);
    for (const phase of ['walk', 'parse', 'resolve', 'write'])
      assert.ok(
        lines.some((l) => l.startsWith(`netpaths: ${phase}: `)),
        `${phase}: ${r.stderr}`,
      );
    assert.match(lines.at(-2) ?? '', /^netpaths: indexed \d+ files/);
    assert.match(
      lines.at(-1) ?? '',
      /^netpaths: unknown function outside_fn; the index covers the network scope .*--scope '\*\*' indexes the whole tree\)$/,
    );
    // The same index answers the next command without a word about indexing.
    const again = cli(['where', 'ip_rcv']);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stderr, '');
  });

  it('reuses an index of the whole tree once there is one, and --quiet silences the progress', () => {
    const whole = cli(['index', '--scope', WHOLE_TREE, '--quiet']);
    assert.equal(whole.status, 0, whole.stderr);
    assert.equal(whole.stderr, '');
    const r = cli(['where', 'outside_fn']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /outside_fn\s+lib\/outside\.c:1/);
    assert.equal(r.stderr, '', 'no indexing');
  });
});
