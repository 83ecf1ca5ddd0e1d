// A tree nobody would want to index: symbolic-link loops, links out of the tree, a binary
// file, a huge file, a FIFO and a folder named like C files, broken C, hostile names.
// Indexing it must finish, keep what it can, and say in one line what it skipped.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildIndex } from '../../src/analysis/index/indexer';
import { DEFAULT_LIMITS } from '../../src/analysis/index/parse-file';
import { walkTree } from '../../src/analysis/index/walk';

let work: string;
let root: string;
let outside: string;

describe('a hostile tree', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-bad-'));
    root = join(work, 'linux');
    outside = join(work, 'outside');
    cpSync(join(__dirname, '../fixtures/kernel-mini'), root, { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.c'), 'void outside_fn(void)\n{\n}\n');
    const bad = join(root, 'drivers/bad');
    mkdirSync(bad, { recursive: true });
    // A loop (a link to its own folder), a link to the root, and links out of the tree.
    symlinkSync('.', join(bad, 'loop'));
    symlinkSync('../..', join(bad, 'up'));
    symlinkSync(outside, join(bad, 'outside'));
    symlinkSync(join(outside, 'secret.c'), join(bad, 'linked.c'));
    symlinkSync(join(bad, 'missing.c'), join(bad, 'dangling.c'));
    // A binary file, a file over the size limit, a FIFO and a folder that end in .c.
    writeFileSync(join(bad, 'blob.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3, 0, 0]));
    writeFileSync(
      join(bad, 'huge.c'),
      `int huge_fn(void)\n{\n\treturn 0;\n}\n${'/* padding */\n'.repeat(Math.ceil(DEFAULT_LIMITS.maxBytes / 14) + 1)}`,
    );
    execFileSync('mkfifo', [join(bad, 'fifo.c')]);
    mkdirSync(join(bad, 'folder.c'));
    // Broken C: a condition half typed before a good function, and plain junk.
    writeFileSync(
      join(bad, 'broken.c'),
      'int broken(void)\n{\n\tif (x\n\t\treturn 1;\n}\n\nvoid survivor(void)\n{\n\t__napi_schedule(0);\n}\n',
    );
    writeFileSync(
      join(bad, 'junk.c'),
      'static int }}} ((( junk\n#if\nvoid lost(void)\n{\n}\nstruct { int x\n\\\n',
    );
    // A file name that is markup in every output format.
    writeFileSync(
      join(bad, '<img src=x onerror=alert(1)>"\'&`.c'),
      'void hostile_file_fn(void)\n{\n\tsurvivor();\n}\n',
    );
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('never follows a symbolic link, so loops end and nothing outside the tree is read', () => {
    const { files, problems } = walkTree(root);
    const paths = files.map((f) => f.path);
    assert.ok(
      !paths.some((p) => p.includes('/loop/') || p.includes('/up/') || p.includes('/outside/')),
      paths.join(', '),
    );
    assert.ok(!paths.includes('drivers/bad/linked.c') && !paths.includes('drivers/bad/dangling.c'));
    assert.ok(
      !paths.includes('drivers/bad/fifo.c') &&
        !paths.some((p) => p.startsWith('drivers/bad/folder.c')),
    );
    assert.ok(paths.includes('drivers/bad/broken.c'));
    assert.deepEqual(problems, []);
  });

  it('indexes the rest, skips binary and huge files with a reason, and keeps broken C', async () => {
    const report = await buildIndex({ root, cacheDir: join(work, 'cache'), workers: 1 });
    const skipped = new Map(report.skipped.map((s) => [s.path, s.reason]));
    assert.match(skipped.get('drivers/bad/blob.c') ?? '', /^binary/);
    assert.match(skipped.get('drivers/bad/huge.c') ?? '', /^larger than \d+ bytes$/);
    for (const reason of skipped.values()) assert.ok(!reason.includes('\n'), reason);
    const g = report.graph;
    assert.equal(g.lookup('outside_fn').length, 0, 'a function of a file outside the tree');
    assert.equal(g.lookup('huge_fn').length, 0);
    // The function after the broken one is found, with its call; the junk file is indexed
    // (with what little it holds), not dropped and not fatal.
    assert.ok(!skipped.has('drivers/bad/junk.c') && !skipped.has('drivers/bad/broken.c'));
    const survivor = g.lookup('survivor')[0];
    assert.ok(survivor !== undefined, 'survivor() of broken.c is lost');
    assert.deepEqual(
      [...g.outgoing(survivor)].map((e) => g.name(g.to(e))),
      ['__napi_schedule'],
    );
    // The hostile file name is a file like any other.
    const hostile = g.lookup('hostile_file_fn')[0];
    assert.ok(hostile !== undefined);
    assert.equal(g.file(hostile), 'drivers/bad/<img src=x onerror=alert(1)>"\'&`.c');
  });

  it('the CLI prints its statistics and the skipped files, one line each, and exits 0', () => {
    const cli = join(__dirname, '../../dist/cli.js');
    const r = spawnSync(
      process.execPath,
      [cli, 'index', '--kernel', root, '--cache-dir', join(work, 'cli-cache'), '--scope', '**'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^skipped {2}drivers\/bad\/blob\.c: binary/m);
    assert.match(r.stdout, /^skipped {2}drivers\/bad\/huge\.c: larger than/m);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'a stack trace');
  });

  it('the CLI refuses an option given twice that takes one value, before reading anything', () => {
    const cli = join(__dirname, '../../dist/cli.js');
    const r = spawnSync(
      process.execPath,
      [
        cli,
        'index',
        '--kernel',
        root,
        '--cache-dir',
        join(work, 'a'),
        '--cache-dir',
        join(work, 'b'),
      ],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /^netpaths: --cache-dir is given twice; give it once\n/);
    // Repeatable ones stay repeatable.
    const scoped = spawnSync(
      process.execPath,
      [
        cli,
        'where',
        'ip_rcv',
        '--kernel',
        root,
        '--cache-dir',
        join(work, 'c'),
        '--scope',
        'net/**',
        '--scope',
        'include/**',
        '--quiet',
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(scoped.status, 0, scoped.stderr);
  });
});
