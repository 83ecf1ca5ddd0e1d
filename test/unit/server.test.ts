// The analysis server (src/server/server.ts) driven through the extension's client
// (src/server/client.ts) as the extension drives it, on test/fixtures/kernel-paths: a real
// child process, real IPC, real indexing.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IndexClient, RequestError } from '../../src/server/client';

const root = join(__dirname, '../fixtures/kernel-paths');
const serverPath = join(__dirname, '../../src/server/server.ts');
let cacheDir: string;
let client: IndexClient;
const logged: string[] = [];

function lineOf(file: string, needle: string): number {
  const i = readFileSync(join(root, file), 'utf8')
    .split('\n')
    .findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

before(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-server-'));
  client = new IndexClient({
    serverPath,
    execArgv: ['--import', 'tsx'],
    log: (l) => logged.push(l),
    maxHeapMiB: 512,
  });
});

after(() => {
  client.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('analysis server', () => {
  it('answers "not indexed" before open, with a flag the extension acts on', async () => {
    await assert.rejects(
      client.request('drivers', {}),
      (e: unknown) => e instanceof RequestError && e.notIndexed,
    );
    assert.equal(client.isReady(), false);
  });

  it('indexes with progress, then reports what `netpaths index` reports', async () => {
    const progress: number[] = [];
    const summary = await client.request(
      'open',
      { root, cacheDir, scope: [], workers: 1 },
      { onProgress: (done) => progress.push(done) },
    );
    assert.ok(summary.files > 10, `files ${summary.files}`);
    assert.ok(summary.functions > 50);
    assert.ok(summary.indirectEdges > 0);
    assert.ok(progress.length > 0, 'no progress events');
    assert.equal(client.isReady(), true);
  });

  it('lists drivers with their entry points', async () => {
    const drivers = await client.request('drivers', {});
    const acme = drivers.find((d) => d.name === 'acme');
    assert.ok(acme, drivers.map((d) => d.name).join(', '));
    assert.ok(
      acme.poll.some((id) => id.endsWith(':acme_poll')),
      acme.poll.join(', '),
    );
  });

  it('draws a preset and finds the driver of a file', async () => {
    const { graph } = await client.request('preset', {
      driver: 'acme',
      direction: 'ingress',
      depth: 1,
      expand: [],
    });
    assert.ok(graph.nodes.some((n) => n.name === 'acme_poll'));
    // A route: UDP alone over IPv4 (the fixture's stack has no IPv6).
    const udp = await client.request('preset', {
      driver: 'acme',
      direction: 'ingress',
      depth: 1,
      expand: [],
      route: 'udp4',
    });
    assert.equal(udp.graph.title, 'acme ingress udp4');
    assert.ok(udp.graph.nodes.some((n) => n.name === 'udp_rcv'));
    assert.ok(!udp.graph.nodes.some((n) => n.name === 'tcp_v4_rcv'));
    assert.equal(
      await client.request('driverOf', { file: 'drivers/net/ethernet/acme/acme_main.c' }),
      'acme',
    );
    assert.equal(await client.request('driverOf', { file: 'net/core/dev.c' }), null);
  });

  it('finds the function at a position: by the word under the cursor, else the enclosing definition', async () => {
    const file = 'drivers/net/ethernet/acme/acme_main.c';
    const byWord = await client.request('functionAt', { file, line: 1, word: 'acme_poll' });
    assert.equal(byWord?.name, 'acme_poll');
    const defLine = lineOf(file, 'static int acme_poll(');
    const inside = await client.request('functionAt', { file, line: defLine + 3, word: 'budget' });
    assert.equal(inside?.name, 'acme_poll');
    assert.equal(await client.request('functionAt', { file: 'no/such/file.c', line: 3 }), null);
  });

  it('gives callers through function pointers, with the binding', async () => {
    const acme = await client.request('where', { name: 'acme_poll' });
    assert.equal(acme.length, 1);
    const callers = await client.request('calls', { nodeId: acme[0]!.id, direction: 'incoming' });
    const napi = callers.find((c) => c.node.name === '__napi_poll');
    assert.ok(napi, callers.map((c) => c.node.name).join(', '));
    assert.equal(napi.edges[0]?.kind, 'indirect');
    assert.match(napi.edges[0]?.via ?? '', /napi_struct\.poll = acme_poll/);
  });

  it('answers a path through the functions it must pass, in order', async () => {
    const names = async (via?: string[]): Promise<string[]> => {
      const g = await client.request('path', {
        from: ['tcp_sendmsg'],
        to: ['ip_queue_xmit'],
        ...(via ? { via } : {}),
        maxDepth: 20,
        paths: 1,
      });
      return (g.paths?.[0] ?? []).map((id) => id.slice(id.lastIndexOf(':') + 1));
    };
    const plain = await names();
    assert.ok(
      plain.includes('tcp_write_xmit') && !plain.includes('tcp_connect'),
      plain.join(' -> '),
    );
    const through = await names(['tcp_connect']);
    assert.ok(through.includes('tcp_connect'), through.join(' -> '));
  });

  it('joins a trace file with the graph, alone or on a preset, and writes the commands that trace a graph', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netpaths-server-trace-'));
    try {
      const file = join(dir, 'pwru.txt');
      const events = ['acme_intr', 'acme_poll', 'napi_gro_receive', 'not_in_this_tree'];
      writeFileSync(file, events.map((f) => `0xffff888012345600 1 [nc] ${f}`).join('\n'));
      const { graph } = await client.request('trace', { files: [file] });
      assert.equal(graph.title, 'trace of pwru.txt');
      assert.deepEqual(
        graph.trace?.steps.map((s) => s.name),
        events,
      );
      assert.deepEqual(
        graph.trace?.unmatched.map((u) => u.name),
        ['not_in_this_tree'],
      );
      const on = await client.request('trace', {
        files: [file],
        preset: { driver: 'acme', direction: 'ingress', depth: 1, expand: [] },
      });
      const hit = on.graph.trace?.overlay?.hit.map((id) => id.slice(id.lastIndexOf(':') + 1));
      assert.ok(hit?.includes('acme_poll'), JSON.stringify(on.graph.trace?.overlay));
      assert.ok(
        on.remarks.some((r) => /1 traced function is not defined/.test(r)),
        on.remarks.join('; '),
      );
      await assert.rejects(
        client.request('trace', { files: [join(dir, 'missing.txt')] }),
        /cannot read .*missing\.txt: no such file/,
      );
      const script = await client.request('probeScript', { graph, format: 'bpftrace' });
      assert.match(script, /^kprobe:acme_poll/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns a bad query into one line, and keeps serving', async () => {
    await assert.rejects(
      client.request('neighbourhood', {
        specs: ['no_such_function'],
        depth: 1,
        direction: 'callees',
      }),
      /unknown function no_such_function/,
    );
    await assert.rejects(
      client.request('preset', { driver: 'nope', direction: 'ingress', depth: 1, expand: [] }),
      RequestError,
    );
    const g = await client.request('neighbourhood', {
      specs: ['acme_poll'],
      depth: 1,
      direction: 'callees',
    });
    assert.ok(g.edges.length > 0);
  });

  it('cancels an index run on request and keeps the graph it had', async () => {
    const controller = new AbortController();
    const fresh = mkdtempSync(join(tmpdir(), 'netpaths-server-cancel-'));
    try {
      const run = client.request(
        'open',
        { root, cacheDir: fresh, scope: [], workers: 1 },
        { signal: controller.signal },
      );
      controller.abort();
      await assert.rejects(run, (e: unknown) => e instanceof RequestError && e.cancelled);
      const drivers = await client.request('drivers', {});
      assert.ok(drivers.length > 0);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  });

  it('says clearly when a folder is not a kernel tree', async () => {
    await assert.rejects(
      client.request('open', { root: tmpdir(), cacheDir, scope: [] }),
      (e: unknown) =>
        e instanceof RequestError &&
        e.notKernel &&
        !e.message.includes('\n') &&
        /kernel tree/i.test(e.message) &&
        !/--kernel/.test(e.message),
    );
  });

  it('fails pending requests with one line when the server dies, and starts again on the next', async () => {
    const stopped = client.request('open', { root, cacheDir, scope: [], workers: 1 });
    client.stop('stopped by the test');
    await assert.rejects(stopped, /stopped by the test/);
    await assert.rejects(
      client.request('drivers', {}),
      (e: unknown) => e instanceof RequestError && e.notIndexed,
    );
    await client.request('open', { root, cacheDir, scope: [], workers: 1 });
    assert.ok((await client.request('drivers', {})).length > 0);
  });
});
