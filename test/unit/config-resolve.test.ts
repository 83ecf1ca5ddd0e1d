// A configuration applied when the graph is resolved, on the configuration fixture tree:
// what each configuration builds, which branches hold, which calls are dead, a stub and
// the real function never both; switching configurations parses nothing again.

import assert from 'node:assert/strict';
import {
  cpSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Graph } from '../../src/analysis/index/graph';
import { loadConfig } from '../../src/analysis/config/load';
import { IndexCache } from '../../src/analysis/index/cache';
import { treeBuildMap } from '../../src/analysis/index/configured';
import { buildIndex, openIndex } from '../../src/analysis/index/indexer';
import { resolve } from '../../src/analysis/index/resolve';
import { BUILT_N, factsSource, fileStates } from '../../src/analysis/index/resolve/configure';
import {
  CONFIG_NAMES,
  type ConfigName,
  builtMarks,
  configRoot,
  fixtureConfig,
  fixtureConfigPath,
  presenceMarks,
} from '../helpers/config-fixture';

let cacheDir: string;
const graphs = new Map<ConfigName | 'union', Graph>();

function defined(graph: Graph, name: string, file: string, line: number): boolean {
  return graph.lookup(name).some((n) => graph.file(n) === file && graph.line(n) === line);
}

function called(graph: Graph, from: string, to: string, file: string, line: number): boolean {
  return graph
    .lookup(from)
    .filter((n) => graph.file(n) === file)
    .some((n) =>
      [...graph.outgoing(n)].some(
        (e) => graph.edgeLine(e) === line && graph.name(graph.to(e)) === to,
      ),
    );
}

describe('a configuration applied at resolve time (kernel-config fixture)', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-config-'));
    graphs.set('union', (await buildIndex({ root: configRoot, cacheDir, workers: 1 })).graph);
    for (const name of CONFIG_NAMES)
      graphs.set(
        name,
        (await openIndex({ root: configRoot, cacheDir, config: fixtureConfig(name) })).graph,
      );
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it('without a configuration the graph is the union: every definition and call is there', () => {
    const union = graphs.get('union') as Graph;
    const marks = presenceMarks();
    assert.ok(marks.length > 30);
    for (const m of marks) {
      const where = `${m.file}:${m.line}`;
      if (m.kind === 'def') assert.ok(defined(union, m.name, m.file, m.line), where);
      else assert.ok(called(union, m.name, m.to as string, m.file, m.line), where);
    }
    assert.equal(union.built(union.lookup('acme_xmit')[0] as number), undefined);
  });

  for (const name of CONFIG_NAMES) {
    it(`with ${name}.config, each marked definition and call is there exactly when its mark says`, () => {
      const graph = graphs.get(name) as Graph;
      for (const m of presenceMarks()) {
        const where = `${m.file}:${m.line} (${m.kind} ${m.name}${m.to ? ` -> ${m.to}` : ''})`;
        const want = m.in.includes(name);
        const got =
          m.kind === 'def'
            ? defined(graph, m.name, m.file, m.line)
            : called(graph, m.name, m.to as string, m.file, m.line);
        assert.equal(got, want, `${where} with ${name}`);
      }
    });

    it(`with ${name}.config, each function knows whether it is built in or in which module`, () => {
      const graph = graphs.get(name) as Graph;
      let checked = 0;
      for (const mark of builtMarks()) {
        const want = mark.states[name];
        if (!want) continue;
        for (let n = 0; n < graph.nodeCount; n++) {
          if (graph.file(n) !== mark.file) continue;
          checked++;
          assert.equal(graph.built(n) ?? 'n', want.built, `${graph.name(n)} in ${mark.file}`);
          assert.equal(graph.module(n), want.module, `${graph.name(n)} in ${mark.file}`);
        }
      }
      assert.ok(checked > 10);
    });
  }

  it('a stub and the real function of one name: exactly one in each configuration', () => {
    for (const name of CONFIG_NAMES) {
      const graph = graphs.get(name) as Graph;
      assert.equal(graph.lookup('rps_steer').length, 1, name);
      assert.equal(graph.lookup('NF_HOOK').length, 1, name);
    }
    assert.equal(graphs.get('union')?.lookup('rps_steer').length, 2);
  });

  it('applying a configuration reads the facts of the files it builds, and of no other file', () => {
    const open = new IndexCache(cacheDir, configRoot).openFacts({ share: false });
    assert.ok('value' in open, 'the facts file opens');
    const file = open.value;
    try {
      let leftOut = 0;
      for (const name of CONFIG_NAMES) {
        const config = fixtureConfig(name);
        const applied = { config, build: treeBuildMap(configRoot, config) };
        const asked = new Set<number>();
        resolve(
          {
            paths: file.paths,
            facts: (i) => {
              asked.add(i);
              return file.facts(i);
            },
          },
          applied,
        );
        const all = factsSource(file.paths.map((_, i) => file.facts(i)));
        const { built } = fileStates(all, applied);
        const builtFiles = file.paths.flatMap((p, i) => (built[i] === BUILT_N ? [] : [p]));
        leftOut += file.paths.length - builtFiles.length;
        assert.deepEqual(
          [...asked].map((i) => file.paths[i]).sort(),
          [...builtFiles].sort(),
          `${name}: the files read are the files built`,
        );
      }
      assert.ok(leftOut > 0, 'a configuration leaves some file of the fixture out');
    } finally {
      file.close();
    }
  });

  it('a damaged facts file: the configuration is applied after parsing again, with one line', async () => {
    for (const damage of ['a record', 'the end'] as const) {
      const dir = mkdtempSync(join(tmpdir(), 'netpaths-config-damaged-'));
      try {
        const first = await buildIndex({ root: configRoot, cacheDir: dir, workers: 1 });
        first.graph.close();
        const path = join(dir, 'facts.v8');
        const bytes = readFileSync(path);
        if (damage === 'the end') writeFileSync(path, bytes.subarray(0, bytes.length - 7));
        else {
          // The last record's own bytes, past its length: V8 refuses a value without its header.
          let at = 0;
          let last = 0;
          while (at < bytes.length) {
            last = at;
            at += 4 + bytes.readUInt32LE(at);
          }
          bytes.fill(0, last + 4, last + 8);
          writeFileSync(path, bytes);
        }
        const logged: string[] = [];
        const r = await buildIndex({
          root: configRoot,
          cacheDir: dir,
          workers: 1,
          config: fixtureConfig('full'),
          log: (line) => logged.push(line),
        });
        assert.ok(
          logged.some((l) => /facts cache .* is corrupt; rebuilding it$/.test(l)),
          `${damage}: ${logged.join(' | ')}`,
        );
        assert.equal(r.reparsed, r.files, `${damage}: every file parsed again`);
        assert.equal(r.config?.cached, false);
        assert.equal(r.graph.lookup('tiny_xmit').length, 1, damage);
        r.graph.close();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('switching back to a configuration applied before loads its graph and parses nothing', async () => {
    const again = await buildIndex({ root: configRoot, cacheDir, config: fixtureConfig('full') });
    assert.equal(again.reparsed, 0);
    assert.equal(again.config?.cached, true);
    assert.equal(again.graph.data.config?.source, fixtureConfig('full').source);
    const other = await openIndex({ root: configRoot, cacheDir, config: fixtureConfig('small') });
    assert.equal(other.config?.cached, true);
    assert.notEqual(other.config?.key, again.config?.key);
  });

  it('keeps the graphs of the four configurations used last, and resolves an evicted one again', async () => {
    const text = readFileSync(fixtureConfigPath('full'), 'utf8');
    const variant = (queues: number) => {
      const path = join(cacheDir, `queues-${queues}.config`);
      writeFileSync(path, text.replace(/^CONFIG_NR_QUEUES=.*$/m, `CONFIG_NR_QUEUES=${queues}`));
      const r = loadConfig(path);
      if ('problem' in r) throw new Error(r.problem);
      return r.config;
    };
    const keys = new Set<string>();
    for (const queues of [2, 3, 4, 5, 6]) {
      const r = await openIndex({ root: configRoot, cacheDir, config: variant(queues) });
      assert.equal(r.config?.cached, false, `${queues} queues is a configuration of its own`);
      keys.add(r.config?.key ?? '');
      r.graph.close();
    }
    assert.equal(keys.size, 5);
    assert.equal(
      readdirSync(join(cacheDir, 'configs')).filter((n) => n.endsWith('.bin')).length,
      4,
    );
    const last = await openIndex({ root: configRoot, cacheDir, config: variant(6) });
    assert.equal(last.config?.cached, true);
    const first = await openIndex({ root: configRoot, cacheDir, config: variant(2) });
    assert.equal(first.config?.cached, false, 'the least recently used was evicted');
  });

  it('reads a makefile changed since the last configuration again: what it builds and the key follow it', async () => {
    // A copy of the tree, so that its makefile can change; the first configuration keeps
    // the makefiles' statements, the second finds one changed on disk.
    const tree = mkdtempSync(join(tmpdir(), 'netpaths-config-tree-'));
    const dir = mkdtempSync(join(tmpdir(), 'netpaths-config-cache-'));
    try {
      cpSync(configRoot, tree, { recursive: true });
      await buildIndex({ root: tree, cacheDir: dir, workers: 1 });
      const config = fixtureConfig('full');
      const before = await openIndex({ root: tree, cacheDir: dir, config });
      const tiny = before.graph.lookup('tiny_xmit');
      assert.equal(tiny.length, 1);
      assert.equal(before.graph.built(tiny[0] as number), 'y');
      before.graph.close();
      const makefile = join(tree, 'drivers/net/Makefile');
      writeFileSync(
        makefile,
        readFileSync(makefile, 'utf8').replace(/^obj-\$\(subst m,y,\$\(CONFIG_TINY\)\).*$/m, ''),
      );
      const later = new Date(Date.now() + 5000);
      utimesSync(makefile, later, later);
      const after = await openIndex({ root: tree, cacheDir: dir, config });
      assert.equal(after.config?.cached, false, 'a changed makefile is another configured graph');
      assert.notEqual(after.config?.key, before.config?.key);
      assert.deepEqual(after.graph.lookup('tiny_xmit'), [], 'tiny.c is no longer built');
      after.graph.close();
    } finally {
      rmSync(tree, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
