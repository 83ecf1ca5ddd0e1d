// The index cache: incremental re-indexing, and recovery from a damaged or foreign cache.

import assert from 'node:assert/strict';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeGraph, encodeGraph } from '../../src/analysis/cache';
import { Graph, StringTable } from '../../src/analysis/graph';
import { buildIndex, openGraph } from '../../src/analysis/indexer';

let work: string;
let root: string;
let cacheDir: string;

describe('index cache', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-cache-'));
    root = join(work, 'linux');
    cacheDir = join(work, 'cache');
    cpSync(join(__dirname, '../fixtures/kernel-mini'), root, { recursive: true });
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('reuses every file on a second run and reparses only what changed, was added or removed', async () => {
    const first = await buildIndex({ root, cacheDir, workers: 1 });
    assert.equal(first.reused, 0);
    const second = await buildIndex({ root, cacheDir, workers: 1 });
    assert.equal(second.reparsed, 0);
    assert.equal(second.graph.data.stats.edges, first.graph.data.stats.edges);

    appendFileSync(join(root, 'net/core/net_tx.c'), '\nvoid net_tx_extra(void)\n{\n\tnet_tx_action();\n}\n');
    writeFileSync(join(root, 'net/core/added.c'), 'void added_fn(void)\n{\n\tnet_tx_extra();\n}\n');
    rmSync(join(root, 'net/socket.c'));
    const third = await buildIndex({ root, cacheDir, workers: 1 });
    assert.equal(third.reparsed, 2);
    assert.equal(third.removed, 1);
    assert.equal(third.graph.lookup('sys_sendto').length, 0);
    const added = third.graph.lookup('added_fn')[0] as number;
    assert.deepEqual([...third.graph.outgoing(added)].map((e) => third.graph.name(third.graph.to(e))), ['net_tx_extra']);
  });

  it('rebuilds a corrupt cache with a one-line message', async () => {
    await buildIndex({ root, cacheDir, workers: 1 });
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'garbage');
    const messages: string[] = [];
    const graph = await openGraph({ root, cacheDir, workers: 1, log: (m) => messages.push(m) });
    assert.ok(graph.lookup('net_rx_action').length > 0);
    assert.ok(messages.length >= 1 && messages.every((m) => !m.includes('\n') && /corrupt; rebuilding it$/.test(m)), messages.join(' | '));
  });

  it('refuses a folder that is not a kernel tree with one clear line', async () => {
    await assert.rejects(buildIndex({ root: work, cacheDir }), /does not look like a Linux kernel tree/);
    await assert.rejects(buildIndex({ root: join(work, 'missing'), cacheDir }), /^Error: cannot read .*missing: ENOENT$/);
  });

  it('round-trips the graph file and rejects a truncated one', async () => {
    const { graph } = await buildIndex({ root, cacheDir, workers: 1 });
    const bytes = encodeGraph(graph.data, { version: 'v', root: '/r' });
    const { header, graph: back } = decodeGraph(bytes);
    assert.equal(header.root, '/r');
    assert.deepEqual(back.strings.toArray(), graph.data.strings.toArray());
    assert.deepEqual([...back.edgeTo], [...graph.data.edgeTo]);
    assert.deepEqual(back.stats, graph.data.stats);
    assert.throws(() => decodeGraph(bytes.subarray(0, bytes.length - 100)));
    // The decoded graph answers as the built one: names found by binary search, `via`
    // texts written from the binding columns.
    const loaded = new Graph(back);
    for (let n = 0; n < graph.nodeCount; n++) assert.deepEqual(loaded.lookup(graph.name(n)), graph.lookup(graph.name(n)));
    assert.deepEqual(loaded.lookup('no_such_function'), []);
    const vias = (g: Graph): (string | undefined)[] => Array.from(g.data.edgeTo, (_, e) => g.via(e));
    assert.deepEqual(vias(loaded), vias(graph));
    assert.ok(vias(loaded).some((v) => v?.includes(' = ') && v.includes(' at ')));
  });

  it('keeps non-ASCII strings whole in the string table', () => {
    const list = ['', 'napi_poll', 'caf\u00e9 \u2192 \u{1f600}', 'x'];
    const table = StringTable.from(list);
    const bytes = Buffer.from(table.bytes);
    const back = new StringTable(bytes, Int32Array.from(table.offsets));
    assert.deepEqual(back.toArray(), list);
    assert.equal(back.get(-1), undefined);
    assert.equal(back.get(list.length), undefined);
  });
});
