// "Is this a Linux kernel tree" is one rule, src/analysis/index/kernel-tree.json: the
// indexer (walk.ts), scripts/kernel-tree.mjs, and through it scripts/kernel.sh and
// scripts/bench.mjs, all answer by it, and say exactly what is missing.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assertKernelTree, kernelTreeProblem } from '../../src/analysis/index/walk';
import RULE from '../../src/analysis/index/kernel-tree.json';

const ROOT = join(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/kernel-tree.mjs');

/** What scripts/kernel-tree.mjs says of `dir`: its exit status and its one line. */
function script(dir: string): { status: number | null; line: string } {
  const r = spawnSync(process.execPath, [SCRIPT, dir], { encoding: 'utf8' });
  return { status: r.status, line: r.stderr.trim() };
}

/** A folder holding exactly `files` (relative paths), each a small file. */
function tree(base: string, name: string, files: readonly string[]): string {
  const dir = join(base, name);
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), '/* */\n');
  }
  return dir;
}

describe('the kernel tree rule', () => {
  let work: string;
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-kernel-tree-'));
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('names, as data, the top-level Kbuild and the network stack every path goes through', () => {
    assert.deepEqual(RULE.required, ['Kbuild', 'include/linux/skbuff.h', 'net/core/dev.c']);
  });

  it('accepts the fixture trees, in the indexer and in the scripts', () => {
    for (const name of ['kernel-mini', 'kernel-paths']) {
      const dir = join(ROOT, 'test/fixtures', name);
      assert.equal(kernelTreeProblem(dir), undefined, name);
      assert.doesNotThrow(() => assertKernelTree(dir));
      assert.deepEqual(script(dir), { status: 0, line: '' }, name);
    }
  });

  it('says exactly which of its paths a folder lacks, never one it has', () => {
    for (const present of RULE.required) {
      const dir = tree(work, `only-${present.replace(/\W/g, '-')}`, [present]);
      const absent = RULE.required.filter((p) => p !== present);
      const expected = `it has no ${absent[0]} and no ${absent[1]}`;
      assert.equal(kernelTreeProblem(dir), expected);
      assert.throws(
        () => assertKernelTree(dir),
        (e: Error) => e.message === `${dir} does not look like a Linux kernel tree: ${expected}`,
      );
      assert.deepEqual(script(dir), {
        status: 1,
        line: `${dir} is not a Linux kernel tree: ${expected}`,
      });
    }
    const empty = tree(work, 'empty', []);
    assert.equal(
      kernelTreeProblem(empty),
      'it has no Kbuild, no include/linux/skbuff.h and no net/core/dev.c',
    );
  });

  it('refuses a folder where a file should be, and says so', () => {
    const dir = tree(work, 'dev-c-folder', ['Kbuild', 'include/linux/skbuff.h']);
    mkdirSync(join(dir, 'net/core/dev.c'), { recursive: true });
    assert.equal(kernelTreeProblem(dir), 'its net/core/dev.c is not a file');
    assert.equal(
      script(dir).line,
      `${dir} is not a Linux kernel tree: its net/core/dev.c is not a file`,
    );
  });

  it('is the rule scripts/kernel.sh and scripts/bench.mjs check a given tree by', () => {
    // Makefile, dev.c and skbuff.h, as the scripts once required, but no Kbuild.
    const dir = tree(work, 'no-kbuild', ['Makefile', 'include/linux/skbuff.h', 'net/core/dev.c']);
    const kernelSh = spawnSync('bash', [join(ROOT, 'scripts/kernel.sh')], {
      encoding: 'utf8',
      env: { ...process.env, NETPATHS_KERNEL: dir },
    });
    assert.equal(kernelSh.status, 1);
    assert.equal(kernelSh.stdout, '', 'no path printed for a folder that is not a tree');
    assert.match(
      kernelSh.stderr,
      new RegExp(`${dir} is not a Linux kernel tree: it has no Kbuild\\n`),
    );
    const bench = spawnSync(process.execPath, [join(ROOT, 'scripts/bench.mjs'), '--kernel', dir], {
      encoding: 'utf8',
    });
    assert.equal(bench.status, 1);
    assert.match(bench.stderr, /is not a kernel tree: it has no Kbuild$/m);

    // The fixture tree has no Makefile, which the scripts once required: it is a tree now.
    const mini = join(work, 'mini');
    cpSync(join(ROOT, 'test/fixtures/kernel-mini'), mini, { recursive: true });
    const ok = spawnSync('bash', [join(ROOT, 'scripts/kernel.sh')], {
      encoding: 'utf8',
      env: { ...process.env, NETPATHS_KERNEL: mini },
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(ok.stdout.trim(), mini);
  });
});
