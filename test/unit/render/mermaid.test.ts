import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toMermaid, toMermaidMarkdown } from '../../../src/analysis/render/mermaid';
import { ALL_FIXTURES, fixture, linesMatching } from './fixtures';

/* eslint-disable-next-line no-control-regex -- labels collapse control characters to spaces */
const LABEL_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One node statement: generated id, a shape, one quoted label of escaped text. */
const NODE_LINE =
  /^(n\d+)(\[\["|\(\["|\[")((?:[A-Za-z0-9 _.,:/()+=*@$!?~^\u00a1-\u2027\u202a-\uffff-]|#\d+;|<br\/>|[⇄◆⊕…])*)("\]\]|"\]\)|"\])$/u;
const EDGE_LINE =
  /^(n\d+) (?:e\d+@)?(-->|-\.->|==>|~~~)(?:\|"((?:[A-Za-z0-9 _.,:/()+=*@$!?~^\u00a1-\u2027\u202a-\uffff-]|#\d+;)*)"\|)? (n\d+)$/u;
const SUBGRAPH_LINE =
  /^subgraph s\d+\["(?:[A-Za-z0-9 _.,:/()+=*@$!?~^\u00a1-\u2027\u202a-\uffff-]|#\d+;)*"\]$/u;

/**
 * A structural parse of our Mermaid output: every line must be one of the statements we
 * generate. (The webview tests also render every fixture with the real Mermaid.)
 */
function assertWellFormed(text: string): void {
  const lines = text.trimEnd().split('\n');
  let i = 0;
  if (lines[0] === '---') {
    assert.match(lines[1] ?? '', /^title: "[^"\\]*"$/);
    assert.equal(lines[2], '---');
    i = 3;
  }
  assert.match(lines[i] ?? '', /^flowchart (LR|TD)$/);
  let depth = 0;
  for (const raw of lines.slice(i + 1)) {
    const line = raw.trim();
    if (SUBGRAPH_LINE.test(line)) depth++;
    else if (line === 'end') depth--;
    else if (NODE_LINE.test(line) || EDGE_LINE.test(line)) continue;
    else if (/^omitted\{\{"… \d+ more functions? not drawn"\}\}$/.test(line)) continue;
    else if (/^classDef [a-z]+ [a-z-]+:[^;,]+(,[a-z-]+:[^;,]+)*$/.test(line)) continue;
    else if (/^class [a-z0-9,]+ [a-z]+$/.test(line)) continue;
    else assert.fail(`unexpected Mermaid line: ${JSON.stringify(raw)}`);
    assert.ok(depth >= 0 && depth <= 1, `subgraphs nest: ${raw}`);
  }
  assert.equal(depth, 0, 'every subgraph is closed');
}

describe('toMermaid on the e1000e ingress fixture', () => {
  const graph = fixture('e1000e-ingress');
  const result = toMermaid(graph);

  it('draws every node once, under generated ids', () => {
    const nodes = linesMatching(result.text, NODE_LINE);
    assert.equal(nodes.length, graph.nodes.length);
    assert.equal(Object.keys(result.nodeIds).length, graph.nodes.length);
    assert.deepEqual(new Set(Object.values(result.nodeIds)), new Set(graph.nodes.map((n) => n.id)));
    for (const id of Object.keys(result.nodeIds)) assert.match(id, /^n\d+$/);
    assert.deepEqual(result.stats, { nodes: 35, edges: 35, omittedNodes: 0, totalNodes: 35 });
  });

  it('is top-down by default, left-right on request', () => {
    assert.match(result.text, /^flowchart TD\n/);
    assert.match(toMermaid(graph, { direction: 'LR' }).text, /^flowchart LR\n/);
  });

  it('has one titled subgraph per stage, in the order the packet reaches them', () => {
    const titles = linesMatching(result.text, /^subgraph /).map((l) => /\["(.*)"\]$/.exec(l)?.[1]);
    assert.deepEqual(titles, [
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
    assert.deepEqual(Object.values(result.stageIds), [
      'driver-irq',
      'napi-softirq',
      'softirq',
      'driver-poll',
      'link',
      'gro',
      'core-rx',
      'ipv4',
      'netfilter',
      'tcp',
      'socket',
    ]);
  });

  it('draws direct calls solid, indirect dotted with the short via, async thick', () => {
    const edges = linesMatching(result.text, EDGE_LINE).map((l) => EDGE_LINE.exec(l));
    const byArrow = (arrow: string): number => edges.filter((m) => m?.[2] === arrow).length;
    assert.equal(byArrow('-->'), graph.edges.filter((e) => e.kind === 'direct').length);
    assert.equal(byArrow('-.->'), graph.edges.filter((e) => e.kind === 'indirect').length);
    assert.equal(byArrow('==>'), 1);
    assert.ok(result.text.includes('==>|"NET_RX softirq"|'));
    assert.ok(result.text.includes('-.->|"napi poll"|'));
    assert.ok(result.text.includes('-.->|"sk_data_ready"|'));
    for (const m of edges)
      if (m?.[2] === '-->') assert.equal(m[3], undefined, 'direct calls carry no label');
  });

  it('maps every edge id to its call sites', () => {
    assert.equal(Object.keys(result.edgeIds).length, 35);
    const async = Object.values(result.edgeIds).find(
      (e) => graph.edges[e.edges[0] ?? -1]?.kind === 'async',
    );
    assert.equal(async?.from, 'kernel/softirq.c:__raise_softirq_irqoff');
    assert.equal(async?.to, 'net/core/dev.c:net_rx_action');
    const line = linesMatching(result.text, /==>/)[0] ?? '';
    const eid = /(e\d+)@/.exec(line)?.[1] ?? '';
    assert.deepEqual(result.edgeIds[eid], async);
  });

  it('labels nodes with name and short location, and badges skb ops, hooks and collapsed branches', () => {
    const idOf = (name: string): string =>
      Object.entries(result.nodeIds).find(([, g]) => g.endsWith(`:${name}`))?.[0] ?? '?';
    const line = (name: string): string =>
      linesMatching(result.text, new RegExp(`^${idOf(name)}[\\[(]`))[0] ?? '';
    assert.equal(
      line('e1000_intr_msi'),
      `${idOf('e1000_intr_msi')}["e1000_intr_msi<br/>…/e1000e/netdev.c:1792"]`,
    );
    assert.equal(
      line('e1000_clean_rx_irq'),
      `${idOf('e1000_clean_rx_irq')}["e1000_clean_rx_irq<br/>…/e1000e/netdev.c:916<br/>⇄ skb_put(length) +1"]`,
    );
    assert.equal(
      line('eth_type_trans'),
      `${idOf('eth_type_trans')}["eth_type_trans<br/>net/ethernet/eth.c:161"]`,
    );
    assert.ok(line('ip_rcv').endsWith('<br/>◆ PRE_ROUTING"]'));
    assert.ok(line('ip_rcv_core').includes('⇄ pskb_may_pull(iph-#62;ihl*4) +1'));
    assert.equal(
      line('e1000_clean_tx_irq'),
      `${idOf('e1000_clean_tx_irq')}[["e1000_clean_tx_irq<br/>…/e1000e/netdev.c:1219<br/>⊕ +9 hidden"]]`,
    );
    assert.ok(
      line('gro_normal_one').startsWith(`${idOf('gro_normal_one')}(["`),
      'macros are stadiums',
    );
  });

  it('styles contexts, hooks and collapsed nodes by class', () => {
    const classes: Record<string, string[]> = Object.fromEntries(
      linesMatching(result.text, /^class /).map((l): [string, string[]] => [
        l.split(' ')[2] ?? '',
        (l.split(' ')[1] ?? '').split(','),
      ]),
    );
    assert.equal(classes.hardirq?.length, 5);
    assert.equal(classes.softirq?.length, 30);
    assert.equal(classes.nfhook?.length, 2);
    assert.equal(classes.collapsed?.length, 1);
    assert.equal(linesMatching(result.text, /^classDef /).length, 7);
  });

  it('classes a node with bottom halves disabled as bhdisabled (a class name without a hyphen)', () => {
    const first = graph.nodes[0];
    assert.ok(first);
    const text = toMermaid({
      ...graph,
      nodes: [{ ...first, context: 'bh-disabled' }, ...graph.nodes.slice(1)],
    }).text;
    assert.ok(text.includes('classDef bhdisabled '), 'its colours are defined');
    assert.match(text, /^\s*class \S+ bhdisabled$/m);
    assert.doesNotMatch(text, /bh-disabled/);
  });

  it('shows the stage instead of the file with showFiles: false', () => {
    const text = toMermaid(graph, { showFiles: false }).text;
    assert.ok(text.includes('["e1000_intr_msi<br/>driver-irq"]'));
    assert.ok(!text.includes('netdev.c'));
  });

  it('writes no click lines, and no edge ids or extra syntax for documents', () => {
    assert.ok(!/^\s*click /m.test(result.text));
    const doc = toMermaid(graph, { forExport: true }).text;
    assert.ok(doc.startsWith('---\ntitle: "e1000e ingress"\n---\nflowchart TD\n'));
    assert.ok(!doc.includes('@-'), 'no edge ids');
    assert.ok(!/^\s*click /m.test(doc));
    assert.equal(doc.replace(/^---\n.*\n---\n/, ''), result.text.replace(/ e\d+@/g, ' '));
  });
});

describe('toMermaid limits', () => {
  it('draws the first maxNodes functions and summarises the rest', () => {
    const result = toMermaid(fixture('large-150'), { maxNodes: 40 });
    assert.equal(linesMatching(result.text, NODE_LINE).length, 40);
    assert.ok(result.text.includes('omitted{{"… 110 more functions not drawn"}}'));
    assert.ok(result.text.includes('class omitted omitted'));
    assert.equal(result.stats.nodes, 40);
    assert.equal(result.stats.omittedNodes, 110);
    assert.equal(result.stats.totalNodes, 150);
    assertWellFormed(result.text);
  });

  it('keeps a 150-node graph under Mermaid default text limit', () => {
    const result = toMermaid(fixture('large-150'));
    assert.equal(result.stats.nodes, 150);
    assert.ok(result.text.length < 50_000, `${result.text.length} characters`);
  });
});

describe('toMermaid escaping (hostile names)', () => {
  const graph = fixture('hostile-names');
  const result = toMermaid(graph);

  it('produces only statements we generate: no data can end a label or add a statement', () => {
    assertWellFormed(result.text);
    assertWellFormed(toMermaid(graph, { forExport: true }).text);
    assert.equal(linesMatching(result.text, NODE_LINE).length, graph.nodes.length);
    assert.equal(linesMatching(result.text, /^subgraph /).length, 3);
  });

  it('carries no raw markup, quotes or keywords from the data', () => {
    assert.ok(!result.text.includes('<script'));
    assert.ok(!result.text.includes('</script'));
    assert.ok(!result.text.includes('<img'));
    assert.ok(!result.text.includes('%%'));
    assert.ok(!result.text.includes('`'));
    assert.doesNotMatch(result.text, /^[ \t]*(click|style|end[ \t]*\S)/m);
  });

  it('escapes names to entity codes that decode back to the original', () => {
    const decode = (s: string): string =>
      s.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
    for (const [mid, gid] of Object.entries(result.nodeIds)) {
      const node = graph.nodes.find((n) => n.id === gid);
      const line = linesMatching(result.text, new RegExp(`^${mid}[\\[(]`))[0] ?? '';
      const label = /"(.*)"/.exec(line)?.[1] ?? '';
      const name = decode(label.split('<br/>')[0] ?? '');
      assert.equal(name, (node?.name ?? '').replace(LABEL_CONTROLS, ' ').trim());
    }
  });

  it('keeps a safe document title in front matter', () => {
    const doc = toMermaid(graph, { forExport: true }).text;
    const title = /^title: (".*")$/m.exec(doc)?.[1] ?? '';
    assert.doesNotMatch(JSON.parse(title) as string, /[<>"%{}`#]/);
  });
});

describe('every fixture', () => {
  for (const name of ALL_FIXTURES) {
    it(`${name}: well-formed in every mode`, () => {
      const graph = fixture(name);
      for (const options of [
        {},
        { direction: 'LR' as const },
        { forExport: true },
        { showFiles: false },
        { maxNodes: 5 },
      ]) {
        assertWellFormed(toMermaid(graph, options).text);
      }
    });
  }
});

describe('toMermaidMarkdown', () => {
  it('fences the export text with its title', () => {
    const md = toMermaidMarkdown(fixture('e1000e-egress'));
    assert.ok(md.startsWith('```mermaid\n---\ntitle: "e1000e egress"\n---\nflowchart TD\n'));
    assert.ok(md.endsWith('\n```\n'));
    assert.equal(md.match(/```/g)?.length, 2, 'nothing inside can close the fence');
  });

  it('cannot be closed early by hostile names', () => {
    const md = toMermaidMarkdown(fixture('hostile-names'));
    assert.equal(md.match(/```/g)?.length, 2);
  });
});

describe('toMermaid: a wake-up drawn as a "wakes" edge', () => {
  const plain = fixture('e1000e-ingress');
  const waker = plain.nodes.at(-1);
  // A function no call reaches (a root), as a reader's sleep is before the wake-up's edge.
  const sleeper = plain.nodes.find((n) => !plain.edges.some((e) => e.to === n.id));
  assert.ok(waker && sleeper);
  const graph = {
    ...plain,
    edges: [
      ...plain.edges,
      {
        from: waker.id,
        to: sleeper.id,
        kind: 'wakes' as const,
        file: sleeper.file,
        line: sleeper.line,
        via: `${waker.name} wakes the task sleeping in ${sleeper.name}`,
      },
    ],
  };
  const result = toMermaid(graph);

  it('is a dotted, labelled link, styled apart from the calls', () => {
    assertWellFormed(result.text.replace(/^ {2}linkStyle .*\n/gm, ''));
    const [id, ref] =
      Object.entries(result.edgeIds).find(([, r]) => r.edges.includes(plain.edges.length)) ?? [];
    assert.ok(id && ref, 'the wake-up has an edge id');
    const from = Object.keys(result.nodeIds).find((k) => result.nodeIds[k] === waker.id);
    const to = Object.keys(result.nodeIds).find((k) => result.nodeIds[k] === sleeper.id);
    assert.ok(result.text.includes(`  ${from} ${id}@-.->|"wakes"| ${to}\n`), result.text);
    // The link's index among the drawn links is the last one: the style names it.
    const index = plain.edges.length;
    assert.match(
      result.text,
      new RegExp(`^ {2}linkStyle ${index} stroke:#6e7781,stroke-dasharray:2 4$`, 'm'),
    );
  });

  it('changes neither the order of the nodes nor their lanes: it is not a call', () => {
    const before = toMermaid(plain);
    assert.deepEqual(result.nodeIds, before.nodeIds);
    assert.deepEqual(result.stageIds, before.stageIds);
    // A reader listed first and woken by the last call of an IRQ path stays first.
    const node = (id: string, stage: string) => ({ id, name: id, file: 'f.c', line: 1, stage });
    const calls = {
      nodes: [node('reader', 'reader'), node('irq', 'driver-irq'), node('wake', 'socket')],
      edges: [{ from: 'irq', to: 'wake', kind: 'direct' as const, file: 'f.c', line: 2 }],
    };
    const woken = {
      ...calls,
      edges: [
        ...calls.edges,
        { from: 'wake', to: 'reader', kind: 'wakes' as const, file: 'f.c', line: 1 },
      ],
    };
    assert.deepEqual(toMermaid(woken).stageIds, toMermaid(calls).stageIds);
    assert.deepEqual(Object.values(toMermaid(woken).stageIds), ['reader', 'driver-irq', 'socket']);
  });
});

describe('the user-space lane', () => {
  // The path the CLI draws today (the webview tests' fixture): the reader's system calls too.
  const graph = JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/graphs/e1000e-ingress.json'), 'utf8'),
  ) as GraphJson;
  const result = toMermaid(graph);
  const byMermaidId = new Map(
    Object.entries(result.nodeIds).map(([m, id]) => [m, graph.nodes.find((n) => n.id === id)]),
  );
  const lines = result.text.split('\n');
  const anchors = lines.flatMap((l) => {
    const m = /^ {2}(n\d+) ~~~ (n\d+)$/.exec(l);
    return m ? [{ from: m[1] as string, to: m[2] as string, at: lines.indexOf(l) }] : [];
  });
  const entered = new Set(
    lines.flatMap((l) => {
      const m = /^ {2}n\d+ (?:e\d+@)?(?:-->|-\.->|==>)(?:\|"[^"]*"\|)? (n\d+)$/.exec(l);
      return m ? [m[1] as string] : [];
    }),
  );

  it('is kept above the others: an invisible link from it to each function no call enters', () => {
    assert.ok(anchors.length > 0, 'no invisible link');
    for (const a of anchors) {
      assert.equal(
        byMermaidId.get(a.from)?.stage,
        'syscall',
        `${a.from} is in the user-space lane`,
      );
      assert.notEqual(byMermaidId.get(a.to)?.stage, 'syscall', `${a.to} is outside it`);
      assert.ok(!entered.has(a.to), `${a.to} has a drawn edge into it`);
    }
    // The hard IRQ that starts the receive path is one of them.
    const irq = anchors.map((a) => byMermaidId.get(a.to)?.stage);
    assert.ok(irq.includes('driver-irq'), irq.join(', '));
    // Every function outside the lane that no call enters has one.
    const sources = [...byMermaidId]
      .filter(([m, n]) => n?.stage !== 'syscall' && !entered.has(m))
      .map(([m]) => m);
    assert.deepEqual(anchors.map((a) => a.to).sort(), [...new Set(sources)].sort());
  });

  it('adds its links after every drawn edge, so the edges keep their indexes', () => {
    const lastEdge = Math.max(...lines.flatMap((l, i) => (/ (?:e\d+@)/.test(l) ? [i] : [])));
    assert.ok(anchors.every((a) => a.at > lastEdge));
  });

  it('adds nothing to a graph without it', () => {
    const plain = fixture('path-napi-to-ip-rcv');
    assert.ok(plain.nodes.every((n) => n.stage !== 'syscall'));
    assert.doesNotMatch(toMermaid(plain).text, /~~~/);
  });
});
