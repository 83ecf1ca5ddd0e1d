// The join of trace events with the graph, on test/fixtures/trace-mini: a receive path in
// the kernel's idioms (packet_type.func, dst_entry.input, NF_HOOK's okfn), a drop, two
// drivers defining the same function, a chain of ten calls, and a crash path.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GraphJson, TraceStep } from '../../../src/analysis/graph-json';
import type { Graph } from '../../../src/analysis/index/graph';
import { buildIndex } from '../../../src/analysis/index/indexer';
import { readDropReasons } from '../../../src/analysis/trace/dropreason';
import { joinTrace } from '../../../src/analysis/trace/join';
import { readTexts } from './helpers';

const root = join(__dirname, '../../fixtures/trace-mini');
let cacheDir: string;
let graph: Graph;

/** A pwru line (the older output) of one skb. */
const pwru = (fn: string): string => `0xffff888012345600 1 [nc] ${fn}`;

function joined(text: string, maxGap = 8): GraphJson {
  const reasons = readDropReasons(
    readFileSync(join(root, 'include/net/dropreason-core.h'), 'utf8'),
  );
  return joinTrace(graph, readTexts([text]), { maxGap, dropReasons: reasons, inputNames: ['t'] });
}

/** Each step as `name <= link from [through]`. */
function links(g: GraphJson): string[] {
  const name = (id: string): string => id.split(':')[1] ?? id;
  return (g.trace?.steps ?? []).map((s: TraceStep) => {
    if (!s.from) return s.name;
    const through = s.from.through.length > 0 ? ` [${s.from.through.map(name).join(', ')}]` : '';
    return `${s.name} <= ${s.from.link} ${name(s.from.node)}${through}`;
  });
}

function edge(g: GraphJson, from: string, to: string): GraphJson['edges'][number] | undefined {
  return g.edges.find((e) => e.from.endsWith(`:${from}`) && e.to.endsWith(`:${to}`));
}

describe('the trace join on trace-mini', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-trace-'));
    graph = (await buildIndex({ root, cacheDir, workers: 1 })).graph;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  test('a flat trace: each function from the earlier one that calls it, else the fewest calls away, inferred hops through the bindings', () => {
    const g = joined(
      [
        '__netif_receive_skb_core',
        'ip_rcv',
        'ip_rcv_core',
        'ip_rcv_finish',
        'ip_rcv_finish_core',
        'ip_route_input_noref',
        'fib_validate_source',
        'ip_local_deliver',
        'ip_local_deliver_finish',
      ]
        .map(pwru)
        .join('\n'),
    );
    assert.deepEqual(links(g), [
      '__netif_receive_skb_core',
      'ip_rcv <= inferred __netif_receive_skb_core [deliver_skb]',
      'ip_rcv_core <= observed ip_rcv',
      'ip_rcv_finish <= observed ip_rcv',
      'ip_rcv_finish_core <= observed ip_rcv_finish',
      'ip_route_input_noref <= observed ip_rcv_finish_core',
      'fib_validate_source <= inferred ip_route_input_noref [ip_route_input_slow]',
      'ip_local_deliver <= inferred ip_rcv_finish [dst_input]',
      'ip_local_deliver_finish <= observed ip_local_deliver',
    ]);
    assert.equal(edge(g, 'deliver_skb', 'ip_rcv')?.trace, 'inferred');
    assert.match(edge(g, 'deliver_skb', 'ip_rcv')?.via ?? '', /^packet_type\.func = ip_rcv/);
    assert.match(
      edge(g, 'dst_input', 'ip_local_deliver')?.via ?? '',
      /dst_entry\.input = ip_local_deliver/,
    );
    assert.equal(edge(g, 'ip_rcv', 'ip_rcv_finish')?.trace, 'observed');
    const deliver = g.nodes.find((n) => n.name === 'deliver_skb');
    assert.equal(deliver?.observed, undefined, 'an inferred function is not observed');
    assert.deepEqual(g.nodes.find((n) => n.name === 'ip_rcv')?.observed, { count: 1, first: 2 });
  });

  test('a drop ends the path on its function, with the meaning the tree gives the reason; the free after it is listed, not drawn', () => {
    const g = joined(
      [
        'tcp_v4_rcv',
        'tcp_v4_send_reset',
        'sk_skb_reason_drop(SKB_DROP_REASON_NO_SOCKET)',
        'skb_release_head_state',
        'kfree_skbmem',
      ]
        .map(pwru)
        .join('\n'),
    );
    assert.deepEqual(g.drops, [
      {
        node: 'net/core/skbuff.c:sk_skb_reason_drop',
        reason: 'SKB_DROP_REASON_NO_SOCKET',
        note: 'no valid socket that can be used.',
        event: 3,
        packet: '0xffff888012345600',
      },
    ]);
    assert.equal(links(g)[2], 'sk_skb_reason_drop <= inferred tcp_v4_rcv [kfree_skb_reason]');
    assert.ok(!g.nodes.some((n) => n.name === 'kfree_skbmem'));
    assert.equal(g.trace?.steps[4]?.node, undefined);
  });

  test('a reason the tree does not have, and a drop without one, say so', () => {
    const g = joined(
      [pwru('tcp_v4_rcv'), pwru('sk_skb_reason_drop(SKB_DROP_REASON_FROM_THE_FUTURE)')].join('\n'),
    );
    assert.equal(
      g.drops?.[0]?.note,
      'SKB_DROP_REASON_FROM_THE_FUTURE is not a reason of include/net/dropreason-core.h',
    );
    const bare = joined([pwru('tcp_v4_rcv'), pwru('sk_skb_reason_drop')].join('\n'));
    assert.equal(bare.drops?.[0]?.note, 'the tracer gave no reason');
  });

  test("a stack: its frames are observed calls outermost first; an [inline] frame passes on its caller's okfn", () => {
    const g = joined(
      [
        'Call Trace:',
        ' ip_local_deliver_finish+0x2e2/0xba0 net/ipv4/ip_input.c:14',
        ' NF_HOOK include/linux/netfilter.h:18 [inline]',
        ' ip_local_deliver+0x1ce/0x6e0 net/ipv4/ip_input.c:20',
        ' dst_input include/net/dst.h:15 [inline]',
        ' ip_rcv_finish+0x887/0x19a0 net/ipv4/ip_input.c:31',
        ' ip_rcv+0xc3f/0x1820 net/ipv4/ip_input.c:43',
      ].join('\n'),
    );
    assert.deepEqual(links(g), [
      'ip_rcv',
      'ip_rcv_finish <= observed ip_rcv',
      'dst_input <= observed ip_rcv_finish',
      'ip_local_deliver <= observed dst_input',
      'NF_HOOK <= observed ip_local_deliver',
      'ip_local_deliver_finish <= observed ip_local_deliver',
    ]);
    assert.ok(g.edges.every((e) => e.trace === 'observed'));
    assert.equal(g.nodes.find((n) => n.name === 'dst_input')?.file, 'include/net/dst.h');
  });

  test("a stack frame's file and line choose among definitions, before the neighbours", () => {
    const header = readFileSync(join(root, 'include/linux/netfilter.h'), 'utf8').split('\n');
    const defs = header.flatMap((l, i) => (/^NF_HOOK\(/.test(l) ? [i + 1] : []));
    assert.equal(defs.length, 2, 'two definitions of NF_HOOK in the fixture');
    const second = defs[1] ?? 0;
    const g = joined(
      [
        'Call Trace:',
        ` NF_HOOK include/linux/netfilter.h:${second + 3} [inline]`,
        ' ip_rcv+0xc3f/0x1820 net/ipv4/ip_input.c:43',
      ].join('\n'),
    );
    assert.equal(g.trace?.steps[1]?.node, `include/linux/netfilter.h:NF_HOOK:${second}`);
    // helper is defined in lib/chain.c and, static, in acme's driver, which acme_rx calls:
    // the file the frame names wins.
    const file = joined(
      [
        'Call Trace:',
        ' helper+0x1/0x10 lib/chain.c:17',
        ' acme_rx+0x5/0x20 drivers/net/ethernet/acme/acme_main.c:10',
      ].join('\n'),
    );
    assert.equal(file.trace?.steps[1]?.node, 'lib/chain.c:helper');
    assert.equal(file.trace?.steps[1]?.from?.link, 'gap');
  });

  test('function_graph: the nesting decides, not the order', () => {
    const g = joined(
      [
        ' 1)               |  net_rx_action() {',
        ' 1)               |    __napi_poll() {',
        ' 1)               |      process_backlog() {',
        ' 1)   0.100 us    |        __netif_receive_skb();',
        ' 1)   2.000 us    |      }',
        ' 1)   0.100 us    |      acme_rx();',
        ' 1)   3.000 us    |    }',
        ' 1)   4.000 us    |  }',
      ].join('\n'),
    );
    assert.deepEqual(links(g), [
      'net_rx_action',
      '__napi_poll <= observed net_rx_action',
      'process_backlog <= observed __napi_poll',
      '__netif_receive_skb <= observed process_backlog',
      'acme_rx <= observed __napi_poll',
    ]);
  });

  test('a name defined twice: the module the trace names, else the definition the neighbours call', () => {
    const byModule = joined(
      [
        ' 2)               |  acme_rx [acme]() {',
        ' 2)   0.1 us    |    helper();',
        ' 2)   1.0 us    |  }',
      ].join('\n'),
    );
    assert.deepEqual(
      byModule.nodes.filter((n) => n.observed).map((n) => n.file),
      ['drivers/net/ethernet/acme/acme_main.c', 'drivers/net/ethernet/acme/acme_main.c'],
    );
    const byNeighbour = joined([pwru('__napi_poll'), pwru('acme_rx'), pwru('helper')].join('\n'));
    assert.equal(
      byNeighbour.nodes.find((n) => n.name === 'helper')?.file,
      'drivers/net/ethernet/acme/acme_main.c',
    );
  });

  test('beyond --max-gap calls is a gap; within it, inferred', () => {
    const far = joined([pwru('chain0'), pwru('chain10')].join('\n'));
    assert.deepEqual(links(far), ['chain0', 'chain10 <= gap chain0']);
    const gap = far.edges.find((e) => e.trace === 'gap');
    assert.deepEqual(
      { file: gap?.file, line: gap?.line, via: gap?.via },
      { file: '', line: 0, via: 'gap: no call path within 8 calls' },
    );
    const near = joined([pwru('chain0'), pwru('chain10')].join('\n'), 10);
    assert.equal(near.trace?.steps[1]?.from?.link, 'inferred');
    assert.equal(near.trace?.steps[1]?.from?.through.length, 9);
  });

  test('no path passes through a dead end (panic)', () => {
    const g = joined([pwru('lonely_before_panic'), pwru('lonely_after_panic')].join('\n'));
    assert.equal(g.trace?.steps[1]?.from?.link, 'gap');
  });

  test('functions the tree does not define are listed with the reason; events of another packet join their own', () => {
    const g = joined(
      [
        pwru('ip_rcv'),
        pwru('tcp_v4_inbound_md5_hash'),
        pwru('0xffffffffc07a1b40'),
        pwru('bpf_prog_5b1d3f0a_tc_ingress(tc)'),
        '0xffff888012349900 1 [nc] ip_rcv_core',
      ].join('\n'),
    );
    assert.deepEqual(g.trace?.unmatched, [
      {
        name: 'tcp_v4_inbound_md5_hash',
        reason:
          'not defined in the indexed tree (another kernel version, a module outside the indexed scope, or generated code)',
      },
      { name: '0xffffffffc07a1b40', reason: 'an address without a symbol name' },
      { name: 'bpf_prog_5b1d3f0a_tc_ingress(tc)', reason: 'a BPF program, not a kernel function' },
    ]);
    assert.equal(g.trace?.functions, 5);
    assert.equal(g.trace?.matched, 2);
    assert.deepEqual(
      g.trace?.packets.map((p) => [p.id, p.events, p.first, p.last]),
      [
        ['0xffff888012345600', 4, 1, 4],
        ['0xffff888012349900', 1, 5, 5],
      ],
    );
    assert.equal(g.trace?.steps[4]?.from, undefined, 'ip_rcv_core is alone in its packet');
  });

  test('the summary names the format, the inputs and what was skipped', () => {
    const g = joined(`${pwru('ip_rcv')}\nnot a pwru line\n`);
    assert.equal(g.trace?.format, 'pwru');
    assert.deepEqual(g.trace?.inputs, [{ name: 't', format: 'pwru', lines: 2 }]);
    assert.deepEqual(g.trace?.skipped, {
      lines: 1,
      frames: 0,
      events: 0,
      first: 't:2: not a pwru line',
    });
  });
});
