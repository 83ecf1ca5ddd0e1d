// The pure modules of the webview: id mapping, search, limits, pan/zoom maths, theme
// colours, skb timeline, tooltips. No browser needed.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GraphJson, SkbOp } from '../../src/analysis/graph-json';
import { toMermaid } from '../../src/analysis/render/mermaid';
import { diagramCss, safeFontList } from '../../src/webview/diagram-css';
import { edgeRef, graphNodeId, invertNodeIds, mermaidNodeId } from '../../src/webview/id-map';
import { checkLimits } from '../../src/webview/limits';
import { cycleIndex, findMatches } from '../../src/webview/search';
import { mermaidThemeVariables, mix, normaliseColour, themeKind } from '../../src/webview/theme';
import { classifyOp, computeTimeline, estimateLength } from '../../src/webview/timeline';
import { edgeTooltip, nodeTooltip } from '../../src/webview/tooltip';
import { eventRows, stepTo, traceSummary, unmatchedLines } from '../../src/webview/trace-events';
import {
  centreOn,
  fitView,
  READABLE_SCALE,
  initialView,
  parseView,
  scrollThumb,
  toCss,
  zoomAt,
} from '../../src/webview/viewport';

function fixture(name: string): GraphJson {
  return JSON.parse(
    readFileSync(join(__dirname, '../fixtures/graphs', `${name}.json`), 'utf8'),
  ) as GraphJson;
}

const ingress = fixture('e1000e-ingress');
const result = toMermaid(ingress);

/** Fixed chains of skb operations for the timeline replay (test/fixtures/graphs/skb-chains.json). */
const chains = JSON.parse(
  readFileSync(join(__dirname, '../fixtures/graphs/skb-chains.json'), 'utf8'),
) as { ingress: SkbOp[]; egress: SkbOp[]; names: Record<string, string> };

describe('id-map', () => {
  it('maps Mermaid node element ids back to graph ids', () => {
    assert.equal(mermaidNodeId('np-graph-3-flowchart-n12-12', result), 'n12');
    assert.equal(graphNodeId('np-graph-3-flowchart-n0-0', result), result.nodeIds.n0);
    assert.equal(graphNodeId('np-graph-3-flowchart-n999-4', result), undefined);
    assert.equal(graphNodeId('np-graph-3-flowchart-constructor-4', result), undefined);
    assert.equal(graphNodeId('something-else', result), undefined);
  });

  it('maps edge data-ids to call sites and inverts node ids', () => {
    assert.deepEqual(edgeRef('e0', result), result.edgeIds.e0);
    assert.equal(edgeRef('L_n0_n1_0', result), undefined);
    assert.equal(edgeRef('__proto__', result), undefined);
    assert.equal(edgeRef(null, result), undefined);
    const inverse = invertNodeIds(result);
    assert.equal(inverse.get(result.nodeIds.n5 ?? ''), 'n5');
    assert.equal(inverse.size, new Set(ingress.nodes.map((n) => n.id)).size);
  });
});

describe('search', () => {
  it('ranks exact, prefix, substring, then path matches, each in path order', () => {
    const ids = (q: string): string[] =>
      findMatches(ingress.nodes, result, q).map(
        (m) => (result.nodeIds[m] ?? '').split(':')[1] ?? '',
      );
    assert.deepEqual(ids('udp_queue_rcv'), [
      'udp_queue_rcv_skb',
      'udp_queue_rcv_one_skb',
      '__udp_queue_rcv_skb',
    ]);
    assert.deepEqual(ids('ip_sublist_rcv'), ['ip_sublist_rcv', 'ip_sublist_rcv_finish']);
    assert.deepEqual(ids('NAPI_POLL'), ['napi_poll', '__napi_poll']);
    assert.deepEqual(ids('  '), []);
    assert.deepEqual(ids('e1000e/netdev.c:9'), ['e1000_clean_rx_irq']);
  });

  it('cycles forwards and backwards', () => {
    assert.equal(cycleIndex(-1, 3, 1), 0);
    assert.equal(cycleIndex(2, 3, 1), 0);
    assert.equal(cycleIndex(0, 3, -1), 2);
    assert.equal(cycleIndex(-1, 3, -1), 2);
    assert.equal(cycleIndex(0, 0, 1), -1);
  });
});

describe('limits', () => {
  it('accepts a text within both limits', () => {
    assert.deepEqual(checkLimits(result, { maxTextSize: 50_000, maxEdges: 500 }), { ok: true });
  });

  it('explains a refusal with the node and call counts', () => {
    const big = toMermaid(fixture('large-150'));
    const byText = checkLimits(big, { maxTextSize: 5_000, maxEdges: 500 });
    assert.equal(byText.ok, false);
    assert.ok(
      !byText.ok &&
        byText.reason === 'text' &&
        /^This graph has 150 functions and 188 calls: its diagram \([\d,]+ characters\) is over the 5,000-character limit\.$/.test(
          byText.message,
        ),
    );
    const byEdges = checkLimits(big, { maxTextSize: 500_000, maxEdges: 100 });
    assert.ok(
      !byEdges.ok &&
        byEdges.reason === 'edges' &&
        byEdges.message.includes('more than the 100 calls'),
    );
  });
});

describe('viewport maths', () => {
  it('zooms around the cursor, keeping the point under it still', () => {
    const v = zoomAt({ x: 10, y: 20, scale: 1 }, 2, 110, 220);
    // Content point under the cursor before: ((110-10)/1, (220-20)/1) = (100, 200).
    assert.deepEqual(v, { x: -90, y: -180, scale: 2 });
    assert.equal(zoomAt({ x: 0, y: 0, scale: 3.9 }, 10, 0, 0).scale, 4);
  });

  it('fits content, never above 100%', () => {
    assert.deepEqual(fitView(100, 100, 1000, 800, 0), { scale: 1, x: 450, y: 350 });
    const big = fitView(4000, 2000, 1000, 800, 0);
    assert.equal(big.scale, 0.25);
  });

  it('starts a tall graph at the top, fitting its width', () => {
    const v = initialView(800, 4000, 1000, 800);
    assert.equal(v.scale, 1);
    assert.equal(v.y, 24);
    assert.equal(v.x, 100);
  });

  it('never starts below 9 px labels: a graph too wide at that size is scrolled, not shrunk', () => {
    // Labels are drawn at 12 px: the smallest first view is 9/12.
    assert.equal(READABLE_SCALE, 0.75);
    assert.equal(initialView(3000, 4000, 1000, 800).scale, 0.75);
    // The egress graph in a third editor column: 2200 x 700 in 420 x 800, not fitted to 17%.
    const v = initialView(2200, 700, 420, 800);
    assert.equal(v.scale, 0.75);
    assert.deepEqual([v.x, v.y], [24, 24]);
    // A small graph still fits and is centred.
    assert.deepEqual(initialView(300, 200, 1000, 800), fitView(300, 200, 1000, 800));
  });

  it('starts a graph wider than the panel with its first function in the middle', () => {
    // The first function at x = 1800 of 2200: centred, 210 - 1800 * 0.75.
    assert.equal(initialView(2200, 700, 420, 800, 24, 1800).x, -1140);
    // Near an edge, the view stops at the graph's edge instead of showing emptiness.
    assert.equal(initialView(2200, 700, 420, 800, 24, 2190).x, 420 - 24 - 2200 * 0.75);
    assert.equal(initialView(2200, 700, 420, 800, 24, 100).x, 24);
  });

  it('places the scrollbar thumbs on the part in view', () => {
    assert.deepEqual(scrollThumb(0, 1, 1000, 500), { start: 0, size: 0.5 });
    assert.deepEqual(scrollThumb(-250, 1, 1000, 500), { start: 0.25, size: 0.5 });
    assert.deepEqual(scrollThumb(-100, 0.5, 1000, 300), { start: 0.2, size: 0.6 });
    assert.equal(scrollThumb(10, 0.5, 1000, 600), undefined, 'all in view: no scrollbar');
  });

  it('centres a content point, formats and parses transforms', () => {
    assert.deepEqual(centreOn({ x: 0, y: 0, scale: 2 }, 100, 50, 1000, 800), {
      x: 300,
      y: 300,
      scale: 2,
    });
    assert.equal(toCss({ x: 1, y: 2, scale: 0.5 }), 'translate(1.0px, 2.0px) scale(0.5000)');
    assert.deepEqual(parseView({ x: 1, y: 2, scale: 99 }), { x: 1, y: 2, scale: 4 });
    assert.equal(parseView({ x: 'a', y: 2, scale: 1 }), undefined);
    assert.equal(parseView({ x: Number.NaN, y: 2, scale: 1 }), undefined);
  });
});

describe('theme', () => {
  it('reads the theme kind from body classes', () => {
    assert.equal(themeKind(['vscode-light']), 'light');
    assert.equal(themeKind(['vscode-dark']), 'dark');
    assert.equal(themeKind(['vscode-high-contrast']), 'high-contrast');
    assert.equal(
      themeKind(['vscode-high-contrast', 'vscode-high-contrast-light']),
      'high-contrast-light',
    );
    assert.equal(themeKind([]), 'dark');
  });

  it('turns CSS colour values into literals Mermaid accepts, and refuses the rest', () => {
    assert.equal(normaliseColour(' #1F1F1F '), '#1f1f1f');
    assert.equal(normaliseColour('#abc'), '#aabbcc');
    assert.equal(normaliseColour('#ff000080'), 'rgba(255, 0, 0, 0.502)');
    assert.equal(normaliseColour('#ff0000ff'), '#ff0000');
    assert.equal(normaliseColour('rgb(31, 31, 31)'), '#1f1f1f');
    assert.equal(normaliseColour('rgba(90, 93, 94, 0.31)'), 'rgba(90, 93, 94, 0.31)');
    assert.equal(normaliseColour('rgb(0 0 0 / 50%)'), 'rgba(0, 0, 0, 0.5)');
    for (const bad of [
      '',
      'var(--vscode-editor-background)',
      'color-mix(in srgb, red 10%, blue)',
      'red',
      'transparent',
      '#12345',
    ])
      assert.equal(normaliseColour(bad), undefined, bad);
  });

  it('builds Mermaid theme variables from literal colours only', () => {
    const vars: Record<string, string> = {
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-focusBorder': 'var(--x)',
      '--vscode-font-family': 'Ubuntu, sans-serif',
    };
    const theme = mermaidThemeVariables((n) => vars[n] ?? '', 'dark');
    assert.equal(theme.background, '#1f1f1f');
    assert.equal(theme.primaryTextColor, '#cccccc');
    assert.equal(theme.fontFamily, 'Ubuntu, sans-serif');
    assert.equal(theme.darkMode, true);
    for (const [key, value] of Object.entries(theme)) {
      if (typeof value === 'string' && /colou?r|Bkg|Border|background/i.test(key))
        assert.match(value, /^#[0-9a-f]{6}$/, key);
    }
    const empty = mermaidThemeVariables(() => '', 'light');
    assert.equal(empty.background, '#ffffff');
    assert.equal(mix('#ffffff', '#000000', 0.5), '#808080');
  });

  it('keeps font lists from ending the CSS rule they are put in', () => {
    assert.equal(
      safeFontList('"Fira Code"; } body { display:none', 'monospace'),
      '"Fira Code"  body  display:none',
    );
    assert.equal(safeFontList('   ', 'monospace'), 'monospace');
    assert.ok(!diagramCss('a}b', 'c{d').includes('a}b'));
  });
});

describe('skb timeline', () => {
  it('classifies skb helpers', () => {
    assert.equal(classifyOp('skb_pull'), 'pull');
    assert.equal(classifyOp('__skb_pull'), 'pull');
    assert.equal(classifyOp('skb_pull_inline'), 'pull');
    assert.equal(classifyOp('pskb_may_pull'), 'check');
    assert.equal(classifyOp('skb_push'), 'push');
    assert.equal(classifyOp('__skb_push'), 'push');
    assert.equal(classifyOp('skb_put_data'), 'put');
    assert.equal(classifyOp('skb_reserve'), 'reserve');
    assert.equal(classifyOp('pskb_trim_rcsum'), 'trim');
    assert.equal(classifyOp('skb_cow_head'), 'check');
    assert.equal(classifyOp('eth_type_trans'), 'pull', 'from the knowledge table');
    assert.equal(classifyOp('skb_reset_network_header'), 'check');
    assert.equal(classifyOp('skb_gro_pull'), 'check', 'GRO offset only: data does not move');
    assert.equal(classifyOp('skb_put_padto'), 'put', 'not in the table: by name');
    assert.equal(estimateLength('ETH_HLEN'), 14);
    assert.equal(estimateLength('42'), 42);
    assert.equal(estimateLength('th->doff * 4'), 32);
    assert.equal(estimateLength('xdp->data_end - xdp->data'), estimateLength('len'), 'a frame');
  });

  it('replays the ingress path: put, then pulls move data towards tail', () => {
    const steps = computeTimeline(chains.ingress, (id) => chains.names[id]);
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['put', 'pull', 'check', 'trim', 'pull', 'check', 'pull'],
    );
    assert.deepEqual(
      steps.map((s) => s.summary),
      [
        'tail += length, len += length',
        'mac_header = data, data += ETH_HLEN, len -= ETH_HLEN',
        'no pointer moves',
        'skb->len = len',
        'data += skb_network_header_len(skb), len -= skb_network_header_len(skb)',
        'no pointer moves',
        'data += tcp_header_len, len -= tcp_header_len',
      ],
    );
    assert.equal(steps[0]?.caller, 'e1000_clean_rx_irq');
    const [put, pull] = steps;
    assert.ok(put && put.before.data === put.before.tail, 'starts empty');
    assert.ok(put && put.after.tail > put.before.tail);
    assert.ok(pull && pull.after.data > pull.before.data && pull.after.tail === pull.before.tail);
    for (const s of steps) {
      assert.ok(s.after.head === 0 && s.after.end === 1);
      assert.ok(
        s.after.head <= s.after.data && s.after.data <= s.after.tail && s.after.tail <= s.after.end,
        `pointers in order at step ${s.index}`,
      );
    }
    assert.deepEqual(steps[2]?.before, steps[2]?.after);
  });

  it('replays the egress path: reserve, put, then pushes grow the front', () => {
    const steps = computeTimeline(chains.egress);
    assert.deepEqual(
      steps.map((s) => s.kind),
      ['reserve', 'put', 'push', 'push', 'push', 'put'],
    );
    const pushes = steps.filter((s) => s.kind === 'push');
    for (const s of pushes) assert.ok(s.after.data < s.before.data && s.moved.join() === 'data');
    for (const s of steps)
      assert.ok(s.after.head <= s.after.data && s.after.data <= s.after.tail && s.after.tail <= 1);
  });

  it('is empty without skb ops', () => {
    assert.deepEqual(computeTimeline([]), []);
  });

  it('heads the branches of a choice and replays each from the buffer before it', () => {
    // i40e: i40e_build_skb or i40e_construct_skb fills the skb, then eth_type_trans pulls.
    const fn = 'drivers/net/ethernet/intel/i40e/i40e_txrx.c';
    const choice = {
      choice: 0,
      of: 2,
      kind: 'if-else' as const,
      node: `${fn}:i40e_clean_rx_irq`,
      line: 2548,
    };
    const op = (node: string, name: string, len: string, branch?: number): SkbOp => ({
      node: `${fn}:${node}`,
      op: name,
      len,
      file: fn,
      line: 1,
      effect: '',
      ...(branch === undefined
        ? {}
        : { choices: [{ ...choice, branch, label: branch === 0 ? 'i40e_build_skb' : node }] }),
    });
    const steps = computeTimeline([
      op('i40e_build_skb', 'skb_reserve', 'NET_SKB_PAD', 0),
      op('i40e_build_skb', '__skb_put', 'size', 0),
      op('i40e_construct_skb', '__skb_put', 'headlen', 1),
      op('i40e_process_skb_fields', 'eth_type_trans', 'ETH_HLEN'),
    ]);
    assert.deepEqual(
      steps.map((s) => s.heads),
      [
        ['Either: i40e_build_skb — one of 2 ways (if/else in i40e_clean_rx_irq, line 2548)'],
        [],
        ['Or: i40e_construct_skb'],
        [],
      ],
    );
    assert.deepEqual(
      steps.map((s) => s.choices.length),
      [1, 1, 1, 0],
    );
    const [reserve, put, other, eth] = steps;
    assert.ok(reserve && put && other && eth);
    assert.deepEqual(other.before, reserve.before, 'the other branch starts from the empty skb');
    assert.deepEqual(eth.before, put.after, 'after the choice, from the first branch');
  });
});

describe('tooltips', () => {
  it('describes a node with its note, stage, context, location and badges', () => {
    const ip = ingress.nodes.find((n) => n.name === 'ip_sublist_rcv');
    assert.ok(ip?.note, 'the fixture has ip_sublist_rcv with a note');
    const t = nodeTooltip(ingress, ip);
    assert.equal(t.title, 'ip_sublist_rcv');
    assert.equal(t.note, ip.note);
    assert.deepEqual(t.rows, [
      ['defined at', `${ip.file}:${ip.line}`],
      ['stage', 'IPv4 (ipv4)'],
      ['context', 'softirq'],
      ['netfilter hook', 'NF_INET_PRE_ROUTING'],
    ]);
  });

  it('describes an edge with its kind, call sites and full via', () => {
    const edge = ingress.edges.find((e) => e.kind === 'indirect');
    assert.ok(edge?.via);
    const t = edgeTooltip(ingress, [edge]);
    assert.equal(t?.title, '__napi_poll → e1000e_poll');
    assert.equal(t?.note, edge.via);
    assert.deepEqual(t?.rows, [
      ['kind', 'indirect call (function pointer)'],
      ['call site', `${edge.file}:${edge.line}`],
    ]);
    assert.equal(edgeTooltip(ingress, []), undefined);
  });

  it('says a wakes edge is no call, and opens where the task sleeps', () => {
    const [a, b] = ingress.nodes;
    assert.ok(a && b);
    const wakes = { from: a.id, to: b.id, kind: 'wakes' as const, file: b.file, line: b.line };
    const t = edgeTooltip(ingress, [wakes]);
    assert.deepEqual(t?.rows, [
      ['kind', 'wake-up of a sleeping task (not a call)'],
      ['sleeps at', `${b.file}:${b.line}`],
    ]);
    assert.equal(t?.hint, 'Click to open where the task sleeps');
  });
});

describe('trace events', () => {
  const node = (name: string): GraphJson['nodes'][number] => ({
    id: `net/x.c:${name}`,
    name,
    file: 'net/x.c',
    line: 1,
  });
  const at = { input: 0, line: 1 };
  const graph: GraphJson = {
    nodes: [node('a'), node('b'), node('c'), node('d')],
    edges: [],
    trace: {
      format: 'pwru',
      events: 6,
      functions: 6,
      matched: 5,
      unmatched: [{ name: 'vendor_fn', reason: 'not defined' }],
      packets: [{ id: 'p', events: 6, first: 1, last: 6 }],
      steps: [
        { event: 1, packet: 'p', name: 'a', node: 'net/x.c:a', at, cpu: 2, time: '1.5' },
        {
          event: 2,
          packet: 'p',
          name: 'b',
          node: 'net/x.c:b',
          at,
          from: { node: 'net/x.c:a', link: 'inferred', through: ['net/x.c:d'] },
        },
        { event: 3, packet: 'p', name: 'vendor_fn', at },
        {
          event: 4,
          packet: 'p',
          name: 'c',
          node: 'net/x.c:c',
          at,
          from: { node: 'net/x.c:b', link: 'gap', through: [] },
        },
        { event: 5, packet: 'p', name: 'off', node: 'net/y.c:off', at },
        {
          event: 6,
          packet: 'p',
          name: 'c',
          node: 'net/x.c:c',
          at,
          drop: { reason: 'SKB_DROP_REASON_NO_SOCKET', note: 'no socket' },
        },
      ],
      inputs: [{ name: 't', format: 'pwru', lines: 6 }],
      skipped: { lines: 0, frames: 0, events: 0 },
      notes: [],
    },
    drops: [
      {
        node: 'net/x.c:c',
        reason: 'SKB_DROP_REASON_NO_SOCKET',
        note: 'no socket',
        event: 6,
        packet: 'p',
      },
    ],
  };

  it('gives each event a kind that says how it joined, and what stands out', () => {
    const rows = eventRows(graph);
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['start', 'inferred', 'unmatched', 'gap', 'undrawn', 'drop'],
    );
    assert.equal(rows[0]?.where, 'cpu 2 · 1.5');
    assert.match(rows[1]?.note ?? '', /from a through d \(not traced\)/);
    assert.equal(rows[2]?.note, 'not defined');
    assert.equal(rows[2]?.node, undefined);
    assert.match(rows[5]?.note ?? '', /SKB_DROP_REASON_NO_SOCKET — no socket/);
    assert.match(
      traceSummary(graph),
      /6 events in 1 packet; 5 of 6 functions in the tree; 1 drop; 1 gap\./,
    );
    assert.deepEqual(unmatchedLines(graph), ['vendor_fn: not defined']);
  });

  it('steps within the list: the first or last when none is selected, clamped at the ends', () => {
    const rows = eventRows(graph);
    assert.equal(stepTo(rows, undefined, 1), 0);
    assert.equal(stepTo(rows, undefined, -1), 5);
    assert.equal(stepTo(rows, 0, -1), 0);
    assert.equal(stepTo(rows, 4, 1), 5);
    assert.equal(stepTo(rows, 5, 1), 5);
    assert.equal(stepTo([], undefined, 1), undefined);
  });
});
