import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GraphEdge } from '../../src/analysis/graph-json';
import {
  callDetail,
  callSiteSpans,
  kernelRelative,
  nodeSpans,
  wordSpan,
  type LineText,
} from '../../src/extension/call-hierarchy-model';

// Two small files in kernel style, as the server would have indexed them.
const FILES: Record<string, string[]> = {
  'net/core/dev.c': [
    'static int __napi_poll(struct napi_struct *n, bool *repoll)',
    '{',
    '\tint work, weight = n->weight;',
    '',
    '\twork = n->poll(n, weight);',
    '\tnapi_poll_done(n, work);',
    '\treturn work;',
    '}',
  ],
  'drivers/net/ethernet/acme/acme_main.c': [
    'static int acme_poll_rx(struct acme_ring *ring);',
    'static int acme_poll(struct napi_struct *napi, int budget)',
    '{',
    '\tint done = acme_poll_rx(ring) + acme_poll_rx(ring);',
    '\tdone += acme_poll_rx(ring);',
    '\treturn done;',
    '}',
  ],
};
const lines: LineText = (file, line) => FILES[file]?.[line];

function edge(partial: Partial<GraphEdge>): GraphEdge {
  return { from: 'a', to: 'b', kind: 'direct', file: 'net/core/dev.c', line: 1, ...partial };
}

describe('call hierarchy items', () => {
  test('the name on the definition line (server lines are 1-based, VS Code lines 0-based)', () => {
    assert.deepEqual(
      nodeSpans(
        { name: 'acme_poll', file: 'drivers/net/ethernet/acme/acme_main.c', line: 2 },
        lines,
      ),
      {
        name: { line: 1, start: 11, end: 20 },
        line: {
          line: 1,
          start: 0,
          end: FILES['drivers/net/ethernet/acme/acme_main.c']?.[1]?.length ?? -1,
        },
      },
    );
  });

  test('a whole word only: acme_poll is not found inside acme_poll_rx', () => {
    assert.deepEqual(wordSpan('static int acme_poll_rx(void); int acme_poll(void)', 'acme_poll'), {
      start: 35,
      end: 44,
    });
    assert.equal(wordSpan('acme_poll_rx(ring)', 'acme_poll'), undefined);
    assert.equal(wordSpan('a.b(c)', 'a.b'), undefined, 'names are identifiers');
  });

  test('without the text, or with a stale line, the item points at the line start', () => {
    assert.deepEqual(nodeSpans({ name: 'gone', file: 'net/missing.c', line: 40 }, lines), {
      name: { line: 39, start: 0, end: 0 },
      line: { line: 39, start: 0, end: 0 },
    });
    assert.deepEqual(nodeSpans({ name: 'moved', file: 'net/core/dev.c', line: 2 }, lines).name, {
      line: 1,
      start: 0,
      end: 0,
    });
  });
});

describe('call sites', () => {
  test('the callee name, one span per line, in line order', () => {
    const edges = [
      edge({ file: 'drivers/net/ethernet/acme/acme_main.c', line: 5 }),
      edge({ file: 'drivers/net/ethernet/acme/acme_main.c', line: 4 }),
      edge({ file: 'drivers/net/ethernet/acme/acme_main.c', line: 4 }),
    ];
    assert.deepEqual(
      callSiteSpans(edges, 'drivers/net/ethernet/acme/acme_main.c', 'acme_poll_rx', lines),
      [
        { line: 3, start: 12, end: 24 },
        { line: 4, start: 9, end: 21 },
      ],
    );
  });

  test('a call through a pointer marks the member named by the binding', () => {
    const e = edge({
      kind: 'indirect',
      line: 5,
      via: 'napi_struct.poll = acme_poll at drivers/net/ethernet/acme/acme_main.c:90 (netif_napi_add)',
    });
    assert.deepEqual(callSiteSpans([e], 'net/core/dev.c', 'acme_poll', lines), [
      { line: 4, start: 11, end: 15 },
    ]);
  });

  test('otherwise the line without its indentation', () => {
    const e = edge({ kind: 'indirect', line: 6, via: 'a parameter okfn' });
    assert.deepEqual(callSiteSpans([e], 'net/core/dev.c', 'ip_rcv_finish', lines), [
      { line: 5, start: 1, end: 25 },
    ]);
  });

  test("call sites in another file than the caller's are left out", () => {
    assert.deepEqual(
      callSiteSpans(
        [edge({ file: 'include/linux/netdevice.h', line: 3 })],
        'net/core/dev.c',
        'x',
        lines,
      ),
      [],
    );
  });
});

describe('call detail', () => {
  const node = { file: 'net/core/dev.c', line: 6938 };

  test('a plain call shows where the function is', () => {
    assert.equal(callDetail(node, [edge({})]), 'net/core/dev.c:6938');
    assert.equal(callDetail({ ...node, kind: 'macro' }, [edge({})]), 'macro · net/core/dev.c:6938');
  });

  test('a call through a function pointer shows its binding first', () => {
    const via =
      'napi_struct.poll = e1000e_poll at drivers/net/ethernet/intel/e1000e/netdev.c:7460 (netif_napi_add)';
    assert.equal(
      callDetail(node, [edge({ kind: 'indirect', via })]),
      `via ${via} · net/core/dev.c:6938`,
    );
  });

  test('a deferred call, mixed kinds and many bindings', () => {
    const softirq =
      'softirq NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:12508';
    assert.equal(
      callDetail(node, [edge({ kind: 'async', via: softirq })]),
      `async via ${softirq} · net/core/dev.c:6938`,
    );
    assert.match(
      callDetail(node, [edge({}), edge({ kind: 'indirect', via: 'x.f = g at a.c:1' })]),
      /^direct, and via x\.f = g at a\.c:1 · /,
    );
    const many = ['a.f = g at a.c:1', 'b.f = g at b.c:2', 'c.f = g at c.c:3'].map((via) =>
      edge({ kind: 'indirect', via }),
    );
    assert.equal(
      callDetail(node, [...many, many[0] ?? edge({})]),
      'via a.f = g at a.c:1; b.f = g at b.c:2 and 1 more · net/core/dev.c:6938',
    );
    assert.match(callDetail(node, [edge({ kind: 'indirect' })]), /^via a function pointer · /);
  });
});

describe('kernel-relative paths', () => {
  test('inside, outside and look-alike folders', () => {
    assert.equal(kernelRelative('/src/linux', '/src/linux/net/core/dev.c'), 'net/core/dev.c');
    assert.equal(kernelRelative('/src/linux/', '/src/linux/net/core/dev.c'), 'net/core/dev.c');
    assert.equal(kernelRelative('/src/linux', '/src/linux-next/net/core/dev.c'), undefined);
    assert.equal(kernelRelative('/src/linux', '/src/linux'), undefined);
    assert.equal(kernelRelative('/src/linux', '/src/linux/../other/x.c'), undefined);
    assert.equal(
      kernelRelative('C:\\src\\linux', 'C:\\src\\linux\\net\\ipv4\\ip_input.c'),
      'net/ipv4/ip_input.c',
    );
    assert.equal(kernelRelative('/', '/net/core/dev.c'), 'net/core/dev.c');
  });
});
