// A trace on a preset, on test/fixtures/trace-mini: the "preset" is the path from ip_rcv to
// tcp_v4_rcv and tcp_v4_rcv's calls, as a preset draws a main path and its branches.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import type { Graph } from '../../../src/analysis/index/graph';
import { buildIndex } from '../../../src/analysis/index/indexer';
import { findPaths } from '../../../src/analysis/query/paths';
import { neighbourhood } from '../../../src/analysis/query/query';
import { toMermaid } from '../../../src/analysis/render/mermaid';
import { toText } from '../../../src/analysis/render/text';
import { joinTrace } from '../../../src/analysis/trace/join';
import { overlayTrace } from '../../../src/analysis/trace/overlay';
import { readTexts } from './helpers';

const root = join(__dirname, '../../fixtures/trace-mini');
let cacheDir: string;
let graph: Graph;

const readText = (path: string): string | undefined => {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
};

/** A preset-like graph: a main path and the calls of its last function. */
function preset(): GraphJson {
  const path = findPaths(graph, ['ip_rcv'], ['tcp_v4_rcv'], { maxDepth: 12, paths: 1 });
  const calls = neighbourhood(graph, ['tcp_v4_rcv'], 2, 'callees');
  // Lanes, as a preset's stages: the text and the drawing are a preset's.
  const nodes = new Map(
    [...path.nodes, ...calls.nodes].map((n) => [n.id, { ...n, stage: 'ipv4' }]),
  );
  return {
    nodes: [...nodes.values()],
    edges: [...path.edges, ...calls.edges],
    title: 'mini ingress',
  };
}

const pwru = (fn: string): string => `0xffff888012345600 1 [nc] ${fn}`;
const RECEIVE = [
  '__netif_receive_skb_core',
  'ip_rcv',
  'ip_rcv_core',
  'ip_rcv_finish',
  'ip_local_deliver',
  'ip_local_deliver_finish',
  'ip_protocol_deliver_rcu',
  'tcp_v4_rcv',
  'tcp_v4_do_rcv',
  'tcp_rcv_established',
  'chain5',
  'vendor_only_fn',
];

function overlay(text: string): GraphJson {
  const joined = joinTrace(graph, readTexts([text]), { maxGap: 8, inputNames: ['t'] });
  return overlayTrace(graph, preset(), joined, readText);
}

const name = (id: string): string => id.split(':')[1] ?? id;

describe('a trace on a preset (trace-mini)', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-overlay-'));
    graph = (await buildIndex({ root, cacheDir, workers: 1 })).graph;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('the preset functions the packet hit carry their event; the others keep the preset as it was', () => {
    const g = overlay(RECEIVE.map(pwru).join('\n'));
    const o = g.trace?.overlay;
    assert.ok(o);
    assert.equal(o.preset, 'mini ingress');
    assert.deepEqual(o.hit.map(name).sort(), [
      'ip_local_deliver',
      'ip_local_deliver_finish',
      'ip_protocol_deliver_rcu',
      'ip_rcv',
      'ip_rcv_finish',
      'tcp_rcv_established',
      'tcp_v4_do_rcv',
      'tcp_v4_rcv',
    ]);
    const rcv = g.nodes.find((n) => n.name === 'tcp_v4_rcv');
    assert.deepEqual(rcv?.observed, { count: 1, first: 8 });
    // Every preset node and edge is still drawn.
    const p = preset();
    for (const n of p.nodes)
      assert.ok(
        g.nodes.some((x) => x.id === n.id),
        n.id,
      );
    for (const e of p.edges)
      assert.ok(
        g.edges.some((x) => x.from === e.from && x.to === e.to),
        `${e.from} -> ${e.to}`,
      );
    // The preset call the packet took from ip_local_deliver_finish was observed.
    const call = g.edges.find(
      (e) => name(e.from) === 'ip_protocol_deliver_rcu' && name(e.to) === 'tcp_v4_rcv',
    );
    assert.equal(call?.trace, 'observed');
  });

  test('a branch is not taken when the tracer would have seen it and the packet went on past it, never for a function it cannot see', () => {
    const o = overlay(RECEIVE.map(pwru).join('\n')).trace?.overlay;
    const untaken = (o?.untaken ?? []).map((u) => `${name(u.from)} -> ${name(u.to)}`);
    // tcp_v4_send_reset takes an skb: pwru would have printed it.
    assert.ok(untaken.includes('tcp_v4_rcv -> tcp_v4_send_reset'), untaken.join('; '));
    // kfree_skb_reason is static inline: no tracer sees it, so nothing is said of it.
    assert.ok(!untaken.some((u) => u.endsWith('kfree_skb_reason')), untaken.join('; '));
    assert.deepEqual(
      (o?.untaken ?? []).find((u) => name(u.to) === 'tcp_v4_send_reset')?.taken.map(name),
      ['tcp_v4_do_rcv'],
    );
    // A trace that ends where the branch is (a quote cut short) says nothing of it.
    const cut = RECEIVE.slice(0, RECEIVE.indexOf('tcp_v4_do_rcv') + 1);
    assert.deepEqual(overlay(cut.map(pwru).join('\n')).trace?.overlay?.untaken, []);
  });

  test('a stack says nothing of what did not run: no branch is untaken', () => {
    const stack = [
      'WARNING: CPU: 1 PID: 0 at net/ipv4/tcp_ipv4.c:5 tcp_v4_do_rcv+0x10/0x20',
      'Call Trace:',
      ' <IRQ>',
      ' tcp_v4_do_rcv+0x10/0x20',
      ' tcp_v4_rcv+0x30/0x80',
      ' ip_protocol_deliver_rcu+0x20/0x40',
      ' ip_local_deliver_finish+0x11/0x22',
      ' </IRQ>',
    ].join('\n');
    const g = overlay(stack);
    assert.equal(g.trace?.format, 'kernel stack dump');
    assert.ok((g.trace?.overlay?.hit.length ?? 0) > 0);
    assert.deepEqual(g.trace?.overlay?.untaken, []);
  });

  test('off the preset: attached where the join connects them, listed when nothing drawn calls them or is called', () => {
    const g = overlay(RECEIVE.map(pwru).join('\n'));
    const o = g.trace?.overlay;
    assert.ok(o);
    // __netif_receive_skb_core reaches ip_rcv through packet_type.func: attached with its hops.
    assert.ok(o.attached.map(name).includes('__netif_receive_skb_core'), o.attached.join(', '));
    const into = g.edges.find((e) => name(e.to) === 'ip_rcv' && e.trace !== undefined);
    assert.ok(into, 'an edge of the join into ip_rcv');
    // chain5 is in no call with anything drawn: listed, not drawn.
    assert.deepEqual(
      o.listed.map((l) => l.name),
      ['chain5'],
    );
    assert.ok(!g.nodes.some((n) => n.name === 'chain5'));
    // A name the tree does not define stays in the trace's unmatched list.
    assert.ok(g.trace?.unmatched.some((u) => u.name === 'vendor_only_fn'));
  });

  test('the drawing marks hits strong and untaken branches faint; the text says all of it', () => {
    const g = overlay(RECEIVE.map(pwru).join('\n'));
    const m = toMermaid(g);
    const idOf = (fn: string): string =>
      Object.entries(m.nodeIds).find(([, id]) => name(id) === fn)?.[0] ?? '?';
    const classOf = (fn: string): string[] =>
      m.text
        .split('\n')
        .filter((l) => /^\s*class /.test(l) && l.split(' ').at(-2)?.split(',').includes(idOf(fn)))
        .map((l) => l.trim().split(' ').at(-1) ?? '');
    assert.ok(classOf('tcp_v4_rcv').includes('observed'));
    assert.ok(classOf('tcp_v4_send_reset').includes('untaken'));
    // A preset function the trace says nothing of is neither observed nor inferred.
    assert.deepEqual(
      classOf('kfree_skb_reason').filter((c) => c === 'observed' || c === 'inferred'),
      [],
    );
    const text = toText(g);
    assert.match(text, /On mini ingress: 8 of its \d+ functions hit/);
    assert.match(
      text,
      /branch not taken: tcp_v4_rcv → tcp_v4_send_reset \(it went to tcp_v4_do_rcv\)/,
    );
    assert.match(text, /off the path, not drawn: chain5/);
    assert.match(text, /tcp_v4_rcv {2}net\/ipv4\/tcp_ipv4\.c:\d+.*● #8/);
  });
});
