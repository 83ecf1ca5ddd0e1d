import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toDot } from '../../../src/analysis/render/dot';
import { ALL_FIXTURES, fixture } from './fixtures';

/** A double-quoted DOT string: backslash escapes, no raw quote or newline inside. */
const STR = '"(?:[^"\\\\\\n]|\\\\.)*"';
const ATTR = `[a-z]+=(?:${STR}|[A-Za-z0-9.,]+)`;
const ATTRS = `\\[${ATTR}(?:, ${ATTR})*\\]`;

/** Every line is a statement we generate, strings are closed, braces balance. */
function assertWellFormed(dot: string): void {
  const lines = dot.trimEnd().split('\n');
  assert.equal(lines[0], 'digraph netpaths {');
  assert.equal(lines[lines.length - 1], '}');
  const patterns = [
    new RegExp(`^(graph|node|edge) ${ATTRS};$`),
    /^subgraph cluster_\d+ \{$/,
    new RegExp(
      `^label=${STR}; style="rounded,filled"; fillcolor="#[0-9a-f]{6}"; color="#[0-9a-f]{6}"; fontsize=12;$`,
    ),
    new RegExp(`^(n\\d+|omitted) ${ATTRS};$`),
    new RegExp(`^n\\d+ -> n\\d+ ${ATTRS};$`),
    /^\}$/,
  ];
  let depth = 1;
  for (const raw of lines.slice(1, -1)) {
    const line = raw.trim();
    assert.ok(
      patterns.some((p) => p.test(line)),
      `unexpected DOT line: ${JSON.stringify(raw)}`,
    );
    if (line.endsWith('{')) depth++;
    if (line === '}') depth--;
    assert.ok(depth >= 1);
  }
  assert.equal(depth, 1);
}

describe('toDot', () => {
  it('draws the ingress fixture with one cluster per stage, in path order', () => {
    const dot = toDot(fixture('e1000e-ingress'));
    assertWellFormed(dot);
    const clusters = [...dot.matchAll(/subgraph cluster_\d+ \{\n\s+label="([^"]*)"/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(clusters, [
      'Driver · hard IRQ',
      'NAPI · NET_RX softirq',
      'Softirq machinery',
      'Driver · NAPI poll',
      'Link layer · Ethernet',
      'GRO · generic receive offload',
      'Core RX · __netif_receive_skb',
      'IPv4',
      'Netfilter hooks',
      'TCP',
      'Socket',
    ]);
    assert.equal(dot.match(/^\s+n\d+ \[label=/gm)?.length, 35);
    assert.equal(dot.match(/ -> /g)?.length, 35);
    assert.match(dot, /rankdir=TB/);
    assert.match(toDot(fixture('e1000e-ingress'), { direction: 'LR' }), /rankdir=LR/);
  });

  it('styles edges by kind and labels them with the short via', () => {
    const dot = toDot(fixture('e1000e-ingress'));
    assert.match(
      dot,
      /n\d+ -> n\d+ \[style=bold, penwidth=2.5, color="#b26a00", label="NET_RX softirq", tooltip="NET_RX_SOFTIRQ: open_softirq\(NET_RX_SOFTIRQ, net_rx_action\) at net\/core\/dev.c:12345 \(call at kernel\/softirq.c:706\)"\];/,
    );
    assert.match(dot, /\[style=dashed, color="#8250df", label="napi poll", /);
    assert.match(
      dot,
      /n0 -> n1 \[tooltip="call at drivers\/net\/ethernet\/intel\/e1000e\/netdev.c:1808"\];/,
    );
  });

  it('escapes quotes, backslashes and newlines from the data', () => {
    const dot = toDot(fixture('hostile-names'));
    assertWellFormed(dot);
    assert.ok(dot.includes('label="quote\\"double\'single`back`\\n'));
    assert.ok(!dot.includes('multi\nline'));
  });

  it('is well-formed for every fixture and with a node limit', () => {
    for (const name of ALL_FIXTURES) {
      assertWellFormed(toDot(fixture(name)));
      assertWellFormed(toDot(fixture(name), { maxNodes: 3, showFiles: false }));
    }
    assert.match(
      toDot(fixture('large-150'), { maxNodes: 10 }),
      /omitted \[label="… 140 more functions not drawn"/,
    );
  });
});

describe('toDot: the user-space lane', () => {
  // The path the CLI draws today (the webview tests' fixture): the reader's system calls too.
  const graph = JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/graphs/e1000e-ingress.json'), 'utf8'),
  ) as GraphJson;
  const dot = toDot(graph);

  it('is kept above the others: an invisible edge from it to each function no call enters', () => {
    assertWellFormed(dot);
    const names = new Map(
      [...dot.matchAll(/^\s+(n\d+) \[label="([^"\\]+)/gm)].map((m) => [m[1], m[2]]),
    );
    const stageOf = (id: string): string | undefined =>
      graph.nodes.find((n) => n.name === names.get(id))?.stage;
    const invisible = [...dot.matchAll(/^\s+(n\d+) -> (n\d+) \[style=invis\];$/gm)];
    const entered = new Set(
      [...dot.matchAll(/^\s+n\d+ -> (n\d+) \[(?!style=invis)/gm)].map((m) => m[1]),
    );
    assert.ok(invisible.length > 0, 'no invisible edge');
    for (const [, from, to] of invisible) {
      assert.equal(stageOf(from as string), 'syscall');
      assert.notEqual(stageOf(to as string), 'syscall');
      assert.ok(!entered.has(to), `${to} has a drawn edge into it`);
    }
    assert.ok(invisible.some(([, , to]) => stageOf(to as string) === 'driver-irq'));
  });

  it('adds nothing to a graph without it', () => {
    assert.doesNotMatch(toDot(fixture('path-napi-to-ip-rcv')), /style=invis/);
  });
});
