// The order of `path` answers on kernel-mini: at a call through a pointer, the functions
// registered beside the path's ends come before those registered elsewhere (query.ts,
// remoteness), then the shortest; no path goes through a crash path.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Graph } from '../../src/analysis/index/graph';
import type { GraphJson } from '../../src/analysis/graph-json';
import { buildIndex } from '../../src/analysis/index/indexer';
import { FAR, NEAR, SAME_FOLDER, findPaths, remoteness } from '../../src/analysis/query/paths';
import { QueryError, selectNodes } from '../../src/analysis/query/query';

const root = join(__dirname, '../fixtures/kernel-mini');
const ACME = 'drivers/net/ethernet/acme/acme_main.c';
let cacheDir: string;
let graph: Graph;

/** Each path as `file:name` hops. */
function hops(g: GraphJson): string[][] {
  return (g.paths ?? []).map((p) =>
    p.map((id) => {
      const n = g.nodes.find((x) => x.id === id);
      return n ? `${n.file}:${n.name}` : id;
    }),
  );
}

describe('path order on kernel-mini', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-test-'));
    graph = (await buildIndex({ root, cacheDir, workers: 2 })).graph;
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  it("a driver's interrupt reaches the stack through the driver's own poll first", () => {
    const g = findPaths(graph, [`${ACME}:acme_intr`], ['ip_rcv'], { maxDepth: 20, paths: 4 });
    const [first, zc, second, third] = hops(g);
    // The backlog's poll is two calls shorter, but registered far from both ends.
    assert.ok(first?.includes(`${ACME}:acme_poll`), `first path: ${first?.join(' -> ')}`);
    assert.ok(first?.includes(`${ACME}:acme_clean_rx_irq`), `first path: ${first?.join(' -> ')}`);
    assert.ok(!first?.some((h) => h.endsWith(':process_backlog')), first?.join(' -> '));
    // As good, the zero-copy twin of the clean routine comes next.
    assert.ok(zc?.includes(`${ACME}:acme_clean_rx_irq_zc`), `second path: ${zc?.join(' -> ')}`);
    const poll = g.edges.find(
      (e) => e.from === 'net/core/dev.c:__napi_poll' && e.to === `${ACME}:acme_poll`,
    );
    assert.match(
      poll?.via ?? '',
      /^napi_struct\.poll = acme_poll at drivers\/net\/ethernet\/acme\/acme_main\.c:\d+/,
    );
    // The others still follow: one far pointer call (the backlog) before two (the other driver's poll and clean routine).
    assert.ok(
      second?.includes('net/core/dev.c:process_backlog'),
      `third path: ${second?.join(' -> ')}`,
    );
    assert.ok(
      third?.includes('drivers/net/ethernet/acme2/acme_main.c:acme_poll'),
      `fourth path: ${third?.join(' -> ')}`,
    );
  });

  it('among paths through near bindings only, the shortest comes first', () => {
    // From net/core, the backlog's poll is registered beside the start.
    const [first] = hops(
      findPaths(graph, ['net_rx_action'], ['ip_rcv'], { maxDepth: 20, paths: 1 }),
    );
    assert.deepEqual(first, [
      'net/core/dev.c:net_rx_action',
      'net/core/dev.c:__napi_poll',
      'net/core/dev.c:process_backlog',
      'net/core/dev.c:__netif_receive_skb_core',
      'net/ipv4/ip_input.c:ip_rcv',
    ]);
  });

  it('goes through no crash path', () => {
    // acme_intr -> panic -> kmsg_dump -> acme_kmsg_dump -> acme_dump_state.
    // The error says which skipped functions a path would go through.
    assert.throws(
      () => findPaths(graph, ['acme_intr'], ['acme_dump_state'], { maxDepth: 20, paths: 1 }),
      (e) =>
        e instanceof QueryError &&
        /^no path from acme_intr to acme_dump_state within 20 calls except through panic(?: and atomic_notifier_call_chain)?, which paths skip: event dispatchers and crash paths reach almost anything$/.test(
          e.message,
        ),
    );
    // Without such a path, the plain message.
    assert.throws(
      () => findPaths(graph, ['acme_dump_state'], ['acme_intr'], { maxDepth: 20, paths: 1 }),
      (e) =>
        e instanceof QueryError &&
        e.message === 'no path from acme_dump_state to acme_intr within 20 calls',
    );
    // A path may still start (or end) at one.
    const [fromPanic] = hops(
      findPaths(graph, ['panic'], ['acme_dump_state'], { maxDepth: 20, paths: 1 }),
    );
    assert.deepEqual(fromPanic, [
      'kernel/panic.c:panic',
      'kernel/panic.c:kmsg_dump',
      `${ACME}:acme_kmsg_dump`,
      `${ACME}:acme_dump_state`,
    ]);
  });

  it('goes through no notifier chain: an event reaches every notifier of the tree in the graph', () => {
    // As short: panic -> atomic_notifier_call_chain -> acme_panic_event -> acme_dump_state.
    const all = hops(findPaths(graph, ['panic'], ['acme_dump_state'], { maxDepth: 20, paths: 5 }));
    assert.deepEqual(
      all.map((p) => p[1]),
      ['kernel/panic.c:kmsg_dump'],
    );
    // The edge stays, for callers and callees, and a path may start at the dispatcher.
    const [fromChain] = hops(
      findPaths(graph, ['atomic_notifier_call_chain'], ['acme_dump_state'], {
        maxDepth: 20,
        paths: 1,
      }),
    );
    assert.deepEqual(fromChain, [
      'kernel/panic.c:atomic_notifier_call_chain',
      `${ACME}:acme_panic_event`,
      `${ACME}:acme_dump_state`,
    ]);
  });

  it('goes through no softirq dispatch: a BH-enable runs every handler, a raise names its own', () => {
    // udp_sendmsg -> release_sock -> local_bh_enable -> ... -> handle_softirqs => net_tx_action ->
    // dev_hard_start_xmit is 8 calls, its pointer call bound in the end's folder; the
    // stack's own path (ip_send_skb ... dev_queue_xmit) is 10.
    const g = findPaths(graph, ['udp_sendmsg'], ['dev_hard_start_xmit'], {
      maxDepth: 20,
      paths: 1,
    });
    assert.deepEqual(hops(g)[0], [
      'net/ipv4/udp.c:udp_sendmsg',
      'net/ipv4/udp.c:udp_send_skb',
      'net/ipv4/ip_output.c:ip_send_skb',
      'net/ipv4/ip_output.c:ip_local_out',
      'net/ipv4/ip_output.c:ip_output',
      'net/ipv4/ip_output.c:ip_finish_output',
      'net/ipv4/ip_output.c:ip_finish_output2',
      'include/linux/netdevice.h:dev_queue_xmit',
      'net/core/dev.c:__dev_queue_xmit',
      'net/core/dev.c:dev_hard_start_xmit',
    ]);
    // Of two calls between the same hops, the plain call rather than the one through ip_fragment's parameter.
    const step = g.edges.filter(
      (e) => e.from.endsWith(':ip_finish_output') && e.to.endsWith(':ip_finish_output2'),
    );
    assert.deepEqual(
      step.map((e) => e.kind),
      ['direct'],
    );
    // The raise of NET_RX still reaches its handler, and a path may start at the dispatcher.
    assert.ok(
      hops(
        findPaths(graph, [`${ACME}:acme_intr`], ['net_rx_action'], { maxDepth: 20, paths: 1 }),
      )[0]?.includes('net/core/dev.c:net_rx_action'),
    );
    assert.ok(
      hops(
        findPaths(graph, ['handle_softirqs'], ['dev_hard_start_xmit'], { maxDepth: 20, paths: 1 }),
      ).length === 1,
    );
  });

  it('of equally good paths, takes a zero-copy or XDP variant last', () => {
    // acme_poll calls acme_clean_rx_irq_zc first, and acme_clean_rx_irq through adapter->clean_rx.
    const [first, second] = hops(
      findPaths(graph, ['acme_poll'], ['netif_receive_skb'], { maxDepth: 10, paths: 2 }),
    );
    assert.deepEqual(first, [
      `${ACME}:acme_poll`,
      `${ACME}:acme_clean_rx_irq`,
      'net/core/dev.c:netif_receive_skb',
    ]);
    assert.deepEqual(second, [
      `${ACME}:acme_poll`,
      `${ACME}:acme_clean_rx_irq_zc`,
      'net/core/dev.c:netif_receive_skb',
    ]);
    // Asked for, a variant is still found.
    assert.equal(
      hops(findPaths(graph, ['acme_poll'], ['acme_clean_rx_irq_zc'], { maxDepth: 10, paths: 1 }))
        .length,
      1,
    );
  });

  it('tells how far from the ends each pointer call was resolved', () => {
    const remote = remoteness(graph, [
      ...selectNodes(graph, `${ACME}:acme_intr`),
      ...selectNodes(graph, 'ip_rcv'),
    ]);
    const of = (from: string, to: string): number[] => {
      const out: number[] = [];
      for (const f of selectNodes(graph, from)) {
        for (const e of graph.outgoing(f))
          if (`${graph.file(graph.to(e))}:${graph.name(graph.to(e))}` === to) out.push(remote(e));
      }
      return out;
    };
    assert.deepEqual(of('__napi_poll', `${ACME}:acme_poll`), [NEAR]);
    assert.deepEqual(of('__napi_poll', 'net/core/dev.c:process_backlog'), [FAR]);
    assert.deepEqual(of('__napi_poll', 'drivers/net/ethernet/acme2/acme_main.c:acme_poll'), [FAR]);
    // The clean routine is bound in the driver's own file.
    assert.deepEqual(of('acme_poll', `${ACME}:acme_clean_rx_irq`), [NEAR]);
    // A wrapper's named candidate is no binding, and ip_rcv's binding is in its own file.
    assert.deepEqual(
      [...new Set(of('__netif_receive_skb_core', 'net/ipv4/ip_input.c:ip_rcv'))],
      [NEAR],
    );
    assert.deepEqual(of('net_rx_action', 'net/core/dev.c:__napi_poll'), [NEAR]);
    // Seen from another file of the driver's folder, its poll was bound beside it.
    const fromNeigh = remoteness(graph, selectNodes(graph, 'acme_neigh_setup'));
    const poll = [...graph.outgoing(selectNodes(graph, '__napi_poll')[0] as number)].find(
      (e) => graph.file(graph.to(e)) === ACME,
    );
    assert.equal(fromNeigh(poll as number), SAME_FOLDER);
    // In drivers/net, one driver per file: the file beside is another driver.
    const fromTiny = remoteness(graph, selectNodes(graph, 'tinynet_setup'));
    const polls = [...graph.outgoing(selectNodes(graph, '__napi_poll')[0] as number)];
    const to = (file: string): number =>
      polls.find((e) => graph.file(graph.to(e)) === file) as number;
    assert.equal(fromTiny(to('drivers/net/tinynet.c')), NEAR);
    assert.equal(fromTiny(to('drivers/net/othernet.c')), FAR);
  });
});
