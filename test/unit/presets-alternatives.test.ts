// Alternatives in the skb timeline: calls of one body that exclude each other, read from
// the source (body-flow.ts, on test/fixtures/alternatives/flow.c, whose expectations sit
// above each function), grouped into choices (choices.ts), and the choices the presets
// write into the JSON `skb` list (skb-timeline.ts, on test/fixtures/kernel-paths: forky
// builds its skb one of two ways like i40e; neigh_output sends through the cached header
// or neigh_resolve_output, and both go on to dev_queue_xmit).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SkbOp } from '../../src/analysis/graph-json';
import type { Graph } from '../../src/analysis/index/graph';
import { buildIndex } from '../../src/analysis/index/indexer';
import { PresetContext, buildPreset } from '../../src/analysis/presets';
import { BodyReader, type Site } from '../../src/analysis/presets/body-flow';
import { choicesAmong } from '../../src/analysis/presets/choices';

const flowFile = join(__dirname, '../fixtures/alternatives/flow.c');

interface Expectation {
  fn: string;
  defLine: number;
  /** Pairs that exclude each other, with what parts them. */
  apart: { a: string; b: string; kind: string }[];
  /** Pairs that may both run. */
  together: { a: string; b: string }[];
  /** Every site of each name in the function's body. */
  sites: Map<string, Site[]>;
}

/** The functions of flow.c with the expectations written above them. */
function expectations(text: string): Expectation[] {
  const lines = text.split('\n');
  const out: Expectation[] = [];
  lines.forEach((line, i) => {
    const m = /^\/\* expect: (.*) \*\/$/.exec(line);
    if (!m) return;
    let def = i + 1;
    while (!/^static /.test(lines[def] ?? '')) def++;
    const fn = /(\w+)\(/.exec(lines[def] ?? '')?.[1] ?? '';
    let end = def;
    while (lines[end] !== '}') end++;
    const apart: Expectation['apart'] = [];
    const together: Expectation['together'] = [];
    for (const term of (m[1] ?? '').split(' ')) {
      const pair = /^(\w+)\|(\w+):([\w-]+)$/.exec(term);
      const both = /^(\w+)\+(\w+)$/.exec(term);
      if (pair) apart.push({ a: pair[1] as string, b: pair[2] as string, kind: pair[3] as string });
      else if (both) together.push({ a: both[1] as string, b: both[2] as string });
      else assert.fail(`bad expectation ${term} above ${fn}`);
    }
    const sites = new Map<string, Site[]>();
    for (const name of new Set([...apart, ...together].flatMap((p) => [p.a, p.b]))) {
      const list: Site[] = [];
      for (let l = def + 1; l <= end; l++) {
        const re = new RegExp(`\\b${name}\\(`, 'g');
        for (const hit of (lines[l] ?? '').matchAll(re))
          list.push({ line: l + 1, col: (hit.index ?? 0) + 1 });
      }
      assert.ok(list.length > 0, `${name} is not called in ${fn}`);
      sites.set(name, list);
    }
    out.push({ fn, defLine: def + 1, apart, together, sites });
  });
  return out;
}

describe('body flow: which calls of one body exclude each other', () => {
  const text = readFileSync(flowFile, 'utf8');
  const reader = new BodyReader(text);
  const all = expectations(text);

  it('reads every function of the fixture', () => {
    assert.equal(all.length, 15);
  });

  for (const e of all) {
    it(`${e.fn}: ${[...e.apart.map((p) => `${p.a}|${p.b}`), ...e.together.map((p) => `${p.a}+${p.b}`)].join(' ')}`, () => {
      const names = [...e.sites.keys()];
      const flow = reader.flow(
        e.defLine,
        names.map((n) => e.sites.get(n) as Site[]),
      );
      assert.ok(flow, `no body read for ${e.fn}`);
      const index = (n: string): number => names.indexOf(n);
      for (const { a, b, kind } of e.apart) {
        assert.ok(flow.exclusive(index(a), index(b)), `${a} and ${b} exclude each other`);
        assert.ok(flow.exclusive(index(b), index(a)), `${b} and ${a} exclude each other`);
        assert.equal(flow.parting(index(a), index(b)).kind, kind, `what parts ${a} and ${b}`);
      }
      for (const { a, b } of e.together)
        assert.ok(!flow.exclusive(index(a), index(b)), `${a} and ${b} may both run`);
    });
  }

  it('tells the line of the if/else that parts two calls', () => {
    const e = all.find((x) => x.fn === 'if_else') as Expectation;
    const flow = reader.flow(e.defLine, [
      e.sites.get('build') ?? [],
      e.sites.get('construct') ?? [],
    ]);
    const ifLine = text.split('\n').findIndex((l) => l.includes('if (ring_uses_build_skb(r))')) + 1;
    assert.deepEqual(flow?.parting(0, 1), { kind: 'if-else', line: ifLine });
  });

  it('reads no body where no function starts, and never throws on bad C', () => {
    assert.equal(reader.flow(1, [[{ line: 1, col: 1 }]]), undefined);
    const bad = new BodyReader('static void f(void)\n{\n\tif (x { a(); } else b();\n\tswitch }\n');
    assert.doesNotThrow(() => bad.flow(1, [[{ line: 3, col: 12 }], [{ line: 3, col: 23 }]]));
  });
});

describe('choicesAmong: choices from which calls exclude which', () => {
  const among = (count: number, pairs: [number, number][]): number[][][] =>
    choicesAmong(count, (i, j) =>
      pairs.some(([a, b]) => (a === i && b === j) || (a === j && b === i)),
    ).map((c) => c.branches);

  it('two calls that exclude each other are a choice; calls on every way are not in it', () => {
    assert.deepEqual(among(4, [[1, 2]]), [[[1], [2]]]);
  });

  it('three pairwise exclusive calls are one choice of three branches', () => {
    assert.deepEqual(
      among(3, [
        [0, 1],
        [0, 2],
        [1, 2],
      ]),
      [[[0], [1], [2]]],
    );
  });

  it('a choice inside a branch comes after the choice around it', () => {
    // if (a) { x; if (b) y; else z; } else w;
    assert.deepEqual(
      among(4, [
        [0, 3],
        [1, 3],
        [2, 3],
        [1, 2],
      ]),
      [
        [[0, 1, 2], [3]],
        [[1], [2]],
      ],
    );
  });

  it('no choice when a call between the two runs with both', () => {
    assert.deepEqual(among(3, [[0, 2]]), []);
  });
});

describe('the skb timeline of the presets on kernel-paths', () => {
  const root = join(__dirname, '../fixtures/kernel-paths');
  let cacheDir: string;
  let graph: Graph;
  const readText = (path: string): string | undefined => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-alternatives-'));
    graph = (await buildIndex({ root, cacheDir, workers: 2 })).graph;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const fnOf = (op: SkbOp): string => op.node.slice(op.node.lastIndexOf(':') + 1);
  const line = (file: string, needle: string): number =>
    (readText(file) ?? '').split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('forky: the operations of its two ways to build an skb are the two branches of one if/else', () => {
    const skb = buildPreset(new PresetContext(graph, readText), 'forky', 'ingress').skb ?? [];
    const build = skb.filter((op) => fnOf(op) === 'forky_build_skb');
    const construct = skb.filter((op) => fnOf(op) === 'forky_construct_skb');
    // Each way allocates its skb (an entry of its life) before moving its headers.
    assert.deepEqual(
      build.map((op) => op.op),
      ['napi_build_skb', 'skb_reserve', 'skb_put'],
    );
    assert.deepEqual(
      construct.map((op) => op.op),
      ['napi_alloc_skb', 'skb_put'],
    );
    assert.deepEqual(
      [...build, ...construct].map((op) => op.life ?? ''),
      ['alloc', '', '', 'alloc', ''],
    );
    const file = 'drivers/net/ethernet/forky/forky.c';
    const choice = {
      choice: 0,
      of: 2,
      kind: 'if-else',
      node: `${file}:forky_clean_rx_irq`,
      line: line(file, 'if (ring->flags & FORKY_BUILD_SKB)'),
    };
    for (const op of build)
      assert.deepEqual(op.choices, [{ ...choice, branch: 0, label: 'forky_build_skb' }]);
    for (const op of construct)
      assert.deepEqual(op.choices, [{ ...choice, branch: 1, label: 'forky_construct_skb' }]);
    // Both ways go on to eth_type_trans: on every way, so on no branch.
    const eth = skb.find((op) => op.op === 'eth_type_trans');
    assert.equal(fnOf(eth as SkbOp), 'forky_process_skb_fields');
    assert.equal(eth?.choices, undefined);
  });

  it('the targets of one pointer call are alternatives: IPv4 or IPv6, TCP or UDP', () => {
    const skb = buildPreset(new PresetContext(graph, readText), 'acme', 'ingress').skb ?? [];
    const kinds = (fn: string): string[] =>
      skb
        .filter((op) => fnOf(op) === fn)
        .flatMap((op) => (op.choices ?? []).map((c) => `${c.kind} ${c.label} ${c.branch}`));
    assert.deepEqual(kinds('tcp_v4_rcv'), ['call-targets tcp_v4_rcv 0']);
    assert.deepEqual(kinds('__udp4_lib_rcv'), ['call-targets udp_rcv 1']);
    assert.deepEqual(kinds('ipv6_rcv'), ['call-targets ipv6_rcv 1']);
    assert.ok(kinds('ip_rcv_core').every((k) => k === 'call-targets ip_rcv 0'));
  });

  it('what both branches go on to comes after the choice, on no branch', () => {
    const skb = buildPreset(new PresetContext(graph, readText), 'acme', 'egress').skb ?? [];
    const steps = skb.map(
      (op) =>
        `${fnOf(op)} ${op.op} ${(op.choices ?? []).map((c) => `${c.kind}:${c.branch}`).join()}`,
    );
    const at = (s: string): number => steps.indexOf(s);
    assert.ok(at('neigh_hh_output __skb_push jump:0') >= 0, steps.join('\n'));
    assert.equal(
      at('neigh_resolve_output __skb_pull jump:1'),
      at('neigh_hh_output __skb_push jump:0') + 1,
    );
    assert.equal(
      at('__dev_queue_xmit skb_reset_mac_header '),
      at('neigh_resolve_output __skb_pull jump:1') + 1,
    );
  });

  it('without the source, the callees that each build a new skb are the alternatives', () => {
    const skb = buildPreset(new PresetContext(graph), 'forky', 'ingress').skb ?? [];
    const tags = skb
      .filter((op) => fnOf(op).startsWith('forky_'))
      .map((op) => `${fnOf(op)} ${(op.choices ?? []).map((c) => `${c.kind}:${c.branch}`).join()}`);
    assert.deepEqual(tags, [
      'forky_build_skb fresh-skb:0',
      'forky_build_skb fresh-skb:0',
      'forky_build_skb fresh-skb:0',
      'forky_construct_skb fresh-skb:1',
      'forky_construct_skb fresh-skb:1',
      'forky_process_skb_fields ',
    ]);
  });
});
