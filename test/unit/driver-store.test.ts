// The CLI keeps the drivers found in a graph in the index's folder (src/cli/driver-store.ts):
// the next command reads them instead of finding them again, and anything that changed
// what they would be (the graph, a makefile) or a damaged file means they are found again.
// Runs the built CLI (npm run build) on a copy of the mini kernel.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

const CLI = join(__dirname, '../../dist/cli.js');

interface DriverRow {
  name: string;
  dir: string;
}

describe('the drivers kept in the index folder', () => {
  let work = '';
  let kernel = '';
  let cache = '';
  /** The one list kept, for the graph the commands use now. */
  const stored = (): string => {
    const lists = readdirSync(join(cache, 'drivers')).filter((n) => n.endsWith('.json'));
    assert.equal(lists.length, 1, lists.join(', '));
    return join(cache, 'drivers', lists[0] as string);
  };

  const drivers = (): DriverRow[] => {
    const r = spawnSync(
      process.execPath,
      [CLI, 'drivers', '--kernel', kernel, '--cache-dir', cache, '--format', 'json', '--quiet'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as DriverRow[];
  };
  const names = (rows: DriverRow[]): string[] => rows.map((d) => `${d.name} ${d.dir}`);

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-driver-store-'));
    kernel = join(work, 'kernel');
    cache = join(work, 'cache');
    cpSync(join(__dirname, '../fixtures/kernel-mini'), kernel, { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  let found: DriverRow[] = [];

  it('are written by the first command, and answer the same', () => {
    found = drivers();
    assert.ok(
      found.some((d) => d.dir === 'drivers/net/ethernet/acme'),
      names(found).join('; '),
    );
    assert.ok(existsSync(stored()), 'no list was kept');
    assert.deepEqual(drivers(), found, 'read back from the file');
  });

  it('are what the next command reads', () => {
    const text = readFileSync(stored(), 'utf8');
    writeFileSync(stored(), text.replace(/"name":"acme"/, '"name":"kept-acme"'));
    assert.ok(
      names(drivers()).includes('kept-acme drivers/net/ethernet/acme'),
      'the command did not read the kept list',
    );
  });

  it('are found again when another build of NetPaths kept them', () => {
    const text = readFileSync(stored(), 'utf8');
    writeFileSync(stored(), text.replace(/"analysis":"\w+"/, '"analysis":"another-build"'));
    assert.deepEqual(drivers(), found);
    assert.doesNotMatch(readFileSync(stored(), 'utf8'), /another-build|kept-acme/);
  });

  it('are found again when a makefile they were read from appears', () => {
    // A Makefile that builds two modules from acme's folder: the folder driver becomes two.
    writeFileSync(
      join(kernel, 'drivers/net/ethernet/acme/Makefile'),
      'obj-$(CONFIG_ACME) += acme.o\nacme-objs := acme_main.o acme_tasks.o\nobj-$(CONFIG_ACME_LITE) += acme_lite.o\n',
    );
    const now = names(drivers());
    assert.ok(!now.some((n) => n.startsWith('kept-acme')), now.join('; '));
    assert.notDeepEqual(now, names(found), 'the new Makefile changed nothing');
    assert.ok(now.includes('acme drivers/net/ethernet/acme'), now.join('; '));
    rmSync(join(kernel, 'drivers/net/ethernet/acme/Makefile'));
    assert.deepEqual(drivers(), found, 'the Makefile removed');
  });

  it('are found again, and written over, when the file is damaged or names nodes the graph lacks', () => {
    for (const damage of [
      '{"format": "netpaths-drivers-1", "drivers": [',
      '\u0000\u0001binary',
      readFileSync(stored(), 'utf8').replace(/"node":\d+/, '"node":999999999'),
      readFileSync(stored(), 'utf8').replace(/"below":\[/g, '"below":7,"was":['),
    ]) {
      writeFileSync(stored(), damage);
      assert.deepEqual(drivers(), found, `after ${damage.slice(0, 40)}`);
      const again = JSON.parse(readFileSync(stored(), 'utf8')) as { drivers: unknown[] };
      assert.equal(again.drivers.length, found.length, 'the file was not written over');
    }
  });

  it('are found again when the index is built again with other drivers', () => {
    const text = readFileSync(stored(), 'utf8');
    writeFileSync(stored(), text.replace(/"name":"acme"/, '"name":"kept-acme"'));
    writeFileSync(
      join(kernel, 'drivers/net/newnic.c'),
      [
        '#include <linux/netdevice.h>',
        'static int newnic_poll(struct napi_struct *napi, int budget)',
        '{',
        '\treturn 0;',
        '}',
        'static void newnic_setup(struct net_device *dev, struct napi_struct *napi)',
        '{',
        '\tnetif_napi_add(dev, napi, newnic_poll);',
        '}',
        '',
      ].join('\n'),
    );
    const r = spawnSync(
      process.execPath,
      [CLI, 'index', '--kernel', kernel, '--cache-dir', cache, '--quiet'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const now = names(drivers());
    assert.ok(now.includes('newnic drivers/net'), now.join('; '));
    assert.ok(!now.some((n) => n.startsWith('kept-acme')), now.join('; '));
    assert.deepEqual(
      now.filter((n) => !n.startsWith('newnic ')),
      names(found),
    );
  });
});
