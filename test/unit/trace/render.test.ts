// A trace drawn and written: the text lists each packet's events with their joins, Mermaid
// and DOT draw observed functions strong, inferred ones faint and dashed, a drop as a
// terminal node, and a graph without a trace is drawn as before.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toDot, toMermaid, toText } from '../../../src/analysis/render';

const CORE = 'net/core/dev.c:__netif_receive_skb_core';
const DELIVER = 'net/core/dev.c:deliver_skb';
const IP_RCV = 'net/ipv4/ip_input.c:ip_rcv';
const DROP = 'net/core/skbuff.c:sk_skb_reason_drop';
const ODD = 'net/x.c:odd';

function traceGraph(): GraphJson {
  return {
    title: 'trace of t.txt',
    nodes: [
      {
        id: CORE,
        name: '__netif_receive_skb_core',
        file: 'net/core/dev.c',
        line: 5641,
        observed: { count: 1, first: 1 },
      },
      { id: DELIVER, name: 'deliver_skb', file: 'net/core/dev.c', line: 2308 },
      {
        id: IP_RCV,
        name: 'ip_rcv',
        file: 'net/ipv4/ip_input.c',
        line: 560,
        observed: { count: 2, first: 2 },
      },
      {
        id: DROP,
        name: 'sk_skb_reason_drop',
        file: 'net/core/skbuff.c',
        line: 1234,
        observed: { count: 1, first: 4 },
      },
      { id: ODD, name: 'odd', file: 'net/x.c', line: 1, observed: { count: 1, first: 5 } },
    ],
    edges: [
      {
        from: CORE,
        to: DELIVER,
        kind: 'direct',
        file: 'net/core/dev.c',
        line: 5700,
        trace: 'inferred',
      },
      {
        from: DELIVER,
        to: IP_RCV,
        kind: 'indirect',
        file: 'net/core/dev.c',
        line: 2313,
        via: 'packet_type.func = ip_rcv at net/ipv4/ip_input.c:650',
        trace: 'inferred',
      },
      {
        from: IP_RCV,
        to: DROP,
        kind: 'direct',
        file: 'net/ipv4/ip_input.c',
        line: 600,
        trace: 'observed',
      },
      {
        from: DROP,
        to: ODD,
        kind: 'direct',
        file: '',
        line: 0,
        via: 'gap: no call path within 8 calls',
        trace: 'gap',
      },
    ],
    trace: {
      format: 'pwru',
      events: 5,
      functions: 5,
      matched: 4,
      unmatched: [{ name: '<b>evil"</b>', reason: 'not a C function name' }],
      packets: [{ id: '0xffff1', events: 5, first: 1, last: 5 }],
      steps: [
        {
          event: 1,
          packet: '0xffff1',
          name: '__netif_receive_skb_core',
          node: CORE,
          cpu: 2,
          time: '100',
          at: { input: 0, line: 1 },
        },
        {
          event: 2,
          packet: '0xffff1',
          name: 'ip_rcv',
          node: IP_RCV,
          cpu: 2,
          time: '2000',
          at: { input: 0, line: 2 },
          from: { node: CORE, link: 'inferred', through: [DELIVER] },
        },
        {
          event: 3,
          packet: '0xffff1',
          name: '<b>evil"</b>',
          cpu: 2,
          time: '2100',
          at: { input: 0, line: 3 },
        },
        {
          event: 4,
          packet: '0xffff1',
          name: 'sk_skb_reason_drop',
          node: DROP,
          cpu: 2,
          time: '2200',
          at: { input: 0, line: 4 },
          from: { node: IP_RCV, link: 'observed', through: [] },
          drop: { reason: 'SKB_DROP_REASON_NO_SOCKET', note: 'no valid socket that can be used.' },
        },
        {
          event: 5,
          packet: '0xffff1',
          name: 'odd',
          node: ODD,
          at: { input: 0, line: 5 },
          from: { node: DROP, link: 'gap', through: [] },
        },
      ],
      inputs: [{ name: 't.txt', format: 'pwru', lines: 6 }],
      skipped: { lines: 1, frames: 0, events: 0, first: 't.txt:6: \u001b[31mjunk' },
      notes: [],
    },
    drops: [
      {
        node: DROP,
        reason: 'SKB_DROP_REASON_NO_SOCKET',
        note: 'no valid socket that can be used.',
        event: 4,
        packet: '0xffff1',
      },
    ],
  };
}

describe('trace output', () => {
  test('text: events in order with CPU and time, inferred hops indented and marked, the drop, the gap, the unmatched', () => {
    const lines = toText(traceGraph()).split('\n');
    assert.equal(lines[0], 'trace of t.txt');
    assert.equal(
      lines[2],
      'Trace (pwru): 5 events in 1 packet; 5 functions, 4 defined in the tree, 1 not.',
    );
    assert.equal(lines[3], 'Read t.txt: pwru, 6 lines');
    assert.equal(lines[5], 'Packet 0xffff1 (events 1-5)');
    assert.equal(lines[6], '  #1  cpu 2  100   • __netif_receive_skb_core  net/core/dev.c:5641');
    assert.equal(lines[7], '                     ⋯ deliver_skb  net/core/dev.c:2308  (inferred)');
    assert.equal(
      lines[8],
      '  #2  cpu 2  2000  ⋯ ip_rcv  net/ipv4/ip_input.c:560  (from __netif_receive_skb_core through 1 inferred call, packet_type func)',
    );
    assert.equal(lines[9], '  #3  cpu 2  2100  <b>evil"</b>  — not matched: not a C function name');
    assert.equal(
      lines[10],
      '  #4  cpu 2  2200  → sk_skb_reason_drop  net/core/skbuff.c:1234  (called by ip_rcv)',
    );
    assert.equal(
      lines[11],
      '                     ✖ dropped: SKB_DROP_REASON_NO_SOCKET — no valid socket that can be used.',
    );
    assert.equal(
      lines[12],
      '  #5  ✂ odd  net/x.c:1  (gap after sk_skb_reason_drop: no call path within 8 calls)',
    );
    const text = lines.join('\n');
    assert.ok(
      text.includes('Not defined in the indexed tree (1):\n  <b>evil"</b>: not a C function name'),
    );
    assert.ok(text.includes('Skipped: 1 line of no trace format (first: t.txt:6: \\x1b[31mjunk).'));
    assert.ok(!text.includes('\u001b'), 'no terminal escape reaches the output');
  });

  test('Mermaid: observed nodes strong, inferred faint, the drop a terminal node; edges styled by their link', () => {
    const { text, nodeIds } = toMermaid(traceGraph(), { forExport: true });
    const id = (graphId: string): string =>
      Object.entries(nodeIds).find(([, v]) => v === graphId)?.[0] ?? '?';
    assert.match(
      text,
      new RegExp(
        `  ${id(DROP)}>"sk_skb_reason_drop<br/>net/core/skbuff.c:1234<br/>● #4<br/>✖ NO_SOCKET"\\]`,
      ),
    );
    assert.match(
      text,
      new RegExp(`  ${id(IP_RCV)}\\["ip_rcv<br/>net/ipv4/ip_input.c:560<br/>● #2 ×2"\\]`),
    );
    assert.match(text, /classDef observed stroke-width:3px/);
    assert.match(text, new RegExp(`class ${id(DELIVER)} inferred`));
    assert.match(text, new RegExp(`class ${id(DROP)} drop`));
    assert.match(text, /linkStyle 0,1 stroke-dasharray:5 4,opacity:0.55/);
    assert.match(text, /linkStyle 2 stroke-width:2.5px/);
    assert.match(text, /linkStyle 3 stroke:#cf222e,stroke-dasharray:2 4/);
    assert.match(text, new RegExp(`${id(DROP)} -->\\|"gap"\\| ${id(ODD)}`));
  });

  test('DOT: the same styles', () => {
    const dot = toDot(traceGraph());
    assert.match(
      dot,
      /label="sk_skb_reason_drop\\nnet\/core\/skbuff.c:1234\\n● #4\\n✖ NO_SOCKET", .*shape=cds/,
    );
    assert.match(
      dot,
      /label="deliver_skb\\nnet\/core\/dev.c:2308", .*style="rounded,filled,dashed"/,
    );
    assert.match(dot, /-> n\d+ \[style=dotted, color="#cf222e", label="gap"/);
  });

  test('a graph without a trace gets none of it', () => {
    const plain = traceGraph();
    delete plain.trace;
    delete plain.drops;
    for (const n of plain.nodes) delete n.observed;
    for (const e of plain.edges) delete e.trace;
    const { text } = toMermaid(plain);
    assert.ok(!/observed|inferred|linkStyle|>"/.test(text));
    assert.ok(!/cds|dotted/.test(toDot(plain)));
  });
});
