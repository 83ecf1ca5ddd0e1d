// The index cache: incremental re-indexing, and recovery from a damaged or foreign cache.

import assert from 'node:assert/strict';
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serialize } from 'node:v8';
import { FACTS_VERSION, IndexCache } from '../../src/analysis/index/cache';
import { PagedColumn, decodeGraph, encodeGraph } from '../../src/analysis/index/graph-file';
import { Graph, StringTable } from '../../src/analysis/index/graph';
import { buildIndex, openGraph } from '../../src/analysis/index/indexer';
import { resolve } from '../../src/analysis/index/resolve';

/** The bytes of every file of the cache folder, by name. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
}

/**
 * Rewrites the cache in `dir` as a NetPaths of `versions` would have left it, with the
 * facts it holds and a graph resolved from none of them (so a graph reused by mistake shows).
 */
function writeAsAnotherVersion(dir: string, versions: { facts: string; graph: string }): void {
  const facts = new IndexCache(dir, root).readFacts();
  assert.ok('value' in facts);
  new IndexCache(dir, root, versions).write(facts.value, resolve([]));
}

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

    appendFileSync(
      join(root, 'net/core/net_tx.c'),
      '\nvoid net_tx_extra(void)\n{\n\tnet_tx_action();\n}\n',
    );
    writeFileSync(join(root, 'net/core/added.c'), 'void added_fn(void)\n{\n\tnet_tx_extra();\n}\n');
    rmSync(join(root, 'net/socket.c'));
    const third = await buildIndex({ root, cacheDir, workers: 1 });
    assert.equal(third.reparsed, 2);
    assert.equal(third.removed, 1);
    assert.equal(third.graph.lookup('sys_sendto').length, 0);
    const added = third.graph.lookup('added_fn')[0] as number;
    assert.deepEqual(
      [...third.graph.outgoing(added)].map((e) => third.graph.name(third.graph.to(e))),
      ['net_tx_extra'],
    );
  });

  it('rebuilds a corrupt cache with a one-line message', async () => {
    await buildIndex({ root, cacheDir, workers: 1 });
    for (const f of readdirSync(cacheDir)) writeFileSync(join(cacheDir, f), 'garbage');
    const messages: string[] = [];
    const graph = await openGraph({ root, cacheDir, workers: 1, log: (m) => messages.push(m) });
    assert.ok(graph.lookup('net_rx_action').length > 0);
    assert.ok(
      messages.length >= 1 &&
        messages.every((m) => !m.includes('\n') && /corrupt; rebuilding it$/.test(m)),
      messages.join(' | '),
    );
  });

  it('re-resolves the cached facts, reparsing nothing, when only the resolver changed', async () => {
    const fresh = await buildIndex({ root, cacheDir, workers: 1 });
    writeAsAnotherVersion(cacheDir, { facts: FACTS_VERSION, graph: 'netpaths-index-0+older' });
    const messages: string[] = [];
    const again = await buildIndex({ root, cacheDir, workers: 1, log: (m) => messages.push(m) });
    assert.equal(again.reparsed, 0);
    assert.equal(again.reused, fresh.files);
    assert.deepEqual(again.graph.data.stats, fresh.graph.data.stats);
    assert.deepEqual([...again.graph.data.edgeTo], [...fresh.graph.data.edgeTo]);
    assert.equal(messages.length, 1, messages.join(' | '));
    assert.match(
      messages[0] as string,
      /^the index cache \S+ was resolved by another NetPaths version; reusing its parsed files and resolving them again$/,
    );
    // The cache is now this version's: the next run changes nothing and says nothing.
    const quiet: string[] = [];
    const third = await buildIndex({ root, cacheDir, workers: 1, log: (m) => quiet.push(m) });
    assert.equal(third.reparsed, 0);
    assert.deepEqual(quiet, []);
    // A query on such a cache says it once too (the old graph is not reported apart).
    writeAsAnotherVersion(cacheDir, { facts: FACTS_VERSION, graph: 'netpaths-index-0+older' });
    const said: string[] = [];
    const graph = await openGraph({ root, cacheDir, workers: 1, log: (m) => said.push(m) });
    assert.equal(graph.data.stats.edges, fresh.graph.data.stats.edges);
    assert.equal(said.length, 1, said.join(' | '));
    assert.match(said[0] as string, /resolved by another NetPaths version/);
  });

  it('reparses every file when the facts are of another version or layout', async () => {
    const fresh = await buildIndex({ root, cacheDir, workers: 1 });
    writeAsAnotherVersion(cacheDir, {
      facts: 'netpaths-facts-0+older',
      graph: 'netpaths-index-0+older',
    });
    const messages: string[] = [];
    const again = await buildIndex({ root, cacheDir, workers: 1, log: (m) => messages.push(m) });
    assert.equal(again.reparsed, fresh.files);
    assert.deepEqual(again.graph.data.stats, fresh.graph.data.stats);
    assert.equal(messages.length, 1, messages.join(' | '));
    assert.match(
      messages[0] as string,
      /^the manifest cache \S+ is from another NetPaths version; rebuilding it$/,
    );
    // A manifest of the layout before two versions (one version, no facts version) is as old.
    const manifest = join(cacheDir, 'manifest.v8');
    writeFileSync(
      manifest,
      serialize({
        version: 'netpaths-index-1+older',
        root,
        paths: [],
        sizes: new Float64Array(),
        mtimes: new Float64Array(),
      }),
    );
    const said: string[] = [];
    const older = await buildIndex({ root, cacheDir, workers: 1, log: (m) => said.push(m) });
    assert.equal(older.reparsed, fresh.files);
    assert.equal(said.length, 1, said.join(' | '));
    assert.match(said[0] as string, /another NetPaths version; rebuilding it$/);
  });

  it('writes nothing when an index that only re-resolves is cancelled', async () => {
    await buildIndex({ root, cacheDir, workers: 1 });
    writeAsAnotherVersion(cacheDir, { facts: FACTS_VERSION, graph: 'netpaths-index-0+older' });
    const before = snapshot(cacheDir);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      buildIndex({ root, cacheDir, workers: 1, signal: controller.signal }),
      (e: Error) => e.name === 'AbortError',
    );
    assert.deepEqual(snapshot(cacheDir), before);
    // Still the other version's: the next run re-resolves it.
    const manifest = new IndexCache(cacheDir, root).readManifest();
    assert.ok('value' in manifest && !manifest.value.resolved);
  });

  it('refuses a folder that is not a kernel tree with one clear line', async () => {
    await assert.rejects(
      buildIndex({ root: work, cacheDir }),
      /does not look like a Linux kernel tree/,
    );
    await assert.rejects(
      buildIndex({ root: join(work, 'missing'), cacheDir }),
      /^Error: cannot read .*missing: ENOENT$/,
    );
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
    for (let n = 0; n < graph.nodeCount; n++)
      assert.deepEqual(loaded.lookup(graph.name(n)), graph.lookup(graph.name(n)));
    assert.deepEqual(loaded.lookup('no_such_function'), []);
    const vias = (g: Graph): (string | undefined)[] =>
      Array.from(g.data.edgeTo, (_, e) => g.via(e));
    assert.deepEqual(vias(loaded), vias(graph));
    assert.ok(vias(loaded).some((v) => v?.includes(' = ') && v.includes(' at ')));
  });

  it('answers from the cache file as from the graph just built, edge by edge', async () => {
    const { graph } = await buildIndex({ root, cacheDir, workers: 1 });
    const read = new IndexCache(cacheDir, root).readGraph();
    assert.ok('value' in read);
    const loaded = read.value;
    try {
      assert.equal(loaded.edgeCount, graph.edgeCount);
      assert.ok(graph.edgeCount > 50, `${graph.edgeCount} edges`);
      const edge = (g: Graph, e: number): unknown[] => [
        g.from(e),
        g.to(e),
        g.kind(e),
        g.edgeLine(e),
        g.edgeCol(e),
        g.via(e),
      ];
      for (let e = 0; e < graph.edgeCount; e++) assert.deepEqual(edge(loaded, e), edge(graph, e));
      for (let n = 0; n < graph.nodeCount; n++) {
        assert.deepEqual([...loaded.incoming(n)], [...graph.incoming(n)]);
        const callers: number[] = [];
        loaded.forEachCaller(n, (m) => callers.push(m));
        assert.deepEqual(
          callers,
          [...graph.incoming(n)].map((e) => graph.from(e)),
        );
      }
    } finally {
      loaded.close();
    }
  });

  it('calls a graph file of an older layout or version another version, not corrupt', async () => {
    await buildIndex({ root, cacheDir, workers: 1 });
    const file = join(cacheDir, 'graph.bin');
    const bytes = readFileSync(file);
    const cache = new IndexCache(cacheDir, root);
    writeFileSync(file, Buffer.concat([Buffer.from('NPG3'), bytes.subarray(4)]));
    const older = cache.readGraph();
    assert.ok(
      'problem' in older && /another NetPaths version; rebuilding it$/.test(older.problem),
      JSON.stringify(older),
    );
    writeFileSync(
      file,
      bytes
        .toString('latin1')
        .replace(/netpaths-index-1\+\w+/, (v) => v.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'))),
      'latin1',
    );
    const other = cache.readGraph();
    assert.ok(
      'problem' in other && /another NetPaths version; rebuilding it$/.test(other.problem),
      JSON.stringify(other),
    );
    writeFileSync(file, bytes);
    const same = cache.readGraph();
    assert.ok('value' in same);
    same.value.close();
  });

  it('reads a paged column only a page at a time, and only the pages asked for', () => {
    const values = Int32Array.from({ length: 1000 }, (_, i) => i * 7 - 3);
    const file = Buffer.concat([Buffer.alloc(16), Buffer.from(values.buffer)]);
    const reads: number[] = [];
    const column = new PagedColumn(
      (position, into) => {
        reads.push(position);
        into.set(file.subarray(position, position + into.length));
      },
      16,
      values.length,
      4,
      4,
    );
    assert.equal(column.get(0), -3);
    assert.equal(column.get(15), 15 * 7 - 3);
    assert.equal(column.get(999), 999 * 7 - 3);
    assert.equal(column.get(17), 17 * 7 - 3);
    assert.equal(column.get(20), 20 * 7 - 3);
    assert.deepEqual(reads, [16, 16 + 62 * 64, 16 + 64]);
    assert.equal(column.get(1000), undefined);
    assert.equal(column.get(-1), undefined);
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
