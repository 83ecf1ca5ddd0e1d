// The analysis server with a kernel configuration (the extension's `netpaths.config`), on
// test/fixtures/kernel-config: `open` applies the configuration it is given, queries answer
// from that kernel, hovers and dimming read it, and a file that is no configuration is one
// line while every configuration is drawn. A real child process, as the extension runs it.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IndexClient } from '../../src/server/client';
import { configRoot, fixtureConfigPath } from '../helpers/config-fixture';

const serverPath = join(__dirname, '../../src/server/server.ts');
let cacheDir: string;
let client: IndexClient;

const open = (config: string) =>
  client.request('open', { root: configRoot, cacheDir, scope: [], workers: 1, config });

before(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-server-config-'));
  client = new IndexClient({ serverPath, execArgv: ['--import', 'tsx'], maxHeapMiB: 512 });
});

after(() => {
  client.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('analysis server with a kernel configuration', () => {
  it('draws every configuration with `none`, and says so', async () => {
    const summary = await open('none');
    assert.equal(summary.configuration?.source, undefined);
    assert.match(summary.configuration?.chosen ?? '', /netpaths\.config is none/);
    // fec.c is built by small only: the union has its function.
    assert.equal((await client.request('where', { name: 'fec_start_xmit' })).length, 1);
    assert.equal(
      await client.request('excludedCode', { file: 'drivers/net/fec.c', text: '' }),
      null,
    );
  });

  it('applies the configuration it is given to every query, and counts its options', async () => {
    const path = fixtureConfigPath('full');
    const summary = await open(path);
    const c = summary.configuration;
    assert.equal(c?.source, path);
    assert.equal(c?.chosen, 'netpaths.config');
    assert.equal(c?.arch, 'x86');
    const text = readFileSync(path, 'utf8');
    assert.equal(c?.set, (text.match(/^CONFIG_\w+=/gm) ?? []).length);
    assert.equal(c?.unset, (text.match(/^# CONFIG_\w+ is not set$/gm) ?? []).length);
    // full leaves fec.c out (CONFIG_FEC is not set): its function is not in this kernel.
    assert.deepEqual(await client.request('where', { name: 'fec_start_xmit' }), []);
    const small = await open(fixtureConfigPath('small'));
    assert.equal(small.reparsed, 0, 'switching configurations parsed files again');
    assert.equal((await client.request('where', { name: 'fec_start_xmit' })).length, 1);
  });

  it("answers an option's value and Kconfig entry, and the code a file leaves out", async () => {
    await open(fixtureConfigPath('small'));
    const rps = await client.request('configOption', { name: 'CONFIG_RPS' });
    assert.equal(rps.source, fixtureConfigPath('small'));
    assert.equal(rps.info.state, 'not set');
    assert.equal(rps.info.declared?.file, 'Kconfig');
    const acme = await client.request('configOption', { name: 'CONFIG_ACME' });
    assert.deepEqual([acme.info.state, acme.info.value], ['y', 'y']);
    await open(fixtureConfigPath('full'));
    const fec = 'drivers/net/fec.c';
    const text = readFileSync(join(configRoot, fec), 'utf8');
    const code = await client.request('excludedCode', { file: fec, text });
    assert.equal(code?.built, 'n');
    assert.match(code?.ranges[0]?.reason ?? '', /^not built: /);
    const dev = 'net/core/dev.c';
    const devCode = await client.request('excludedCode', {
      file: dev,
      text: readFileSync(join(configRoot, dev), 'utf8'),
    });
    assert.equal(devCode?.built, 'y');
  });

  it('draws every configuration when the file is no configuration, with one line saying why', async () => {
    const bad = join(cacheDir, 'not-a-config');
    writeFileSync(bad, 'hello\n');
    const summary = await open(bad);
    assert.equal(summary.configuration?.source, undefined);
    const problem = summary.configuration?.problem ?? '';
    assert.match(problem, /not-a-config is not a kernel configuration/);
    assert.ok(!problem.includes('\n'), problem);
    assert.equal((await client.request('where', { name: 'fec_start_xmit' })).length, 1);
    const missing = await open(join(cacheDir, 'missing.config'));
    assert.match(missing.configuration?.problem ?? '', /no such file/);
  });
});
