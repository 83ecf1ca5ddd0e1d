// The order of `path` answers (query/paths.ts). On kernel-mini: at a call through a pointer,
// the functions registered beside the path's ends come before those registered elsewhere
// (remoteness), then the shortest; no path goes through a crash path. On kernel-paths, the
// ranking that follows the packet: through the callback the start registered, not the work a
// dispatcher does after it; one deferral rather than several; the data path rather than
// connection set-up, error handling or the end of a poll (SIDE_PATHS); and `via`.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Graph } from '../../src/analysis/index/graph';
import type { GraphJson } from '../../src/analysis/graph-json';
import { buildIndex } from '../../src/analysis/index/indexer';
import { SIDE_PATHS } from '../../src/analysis/query/side-paths';
import {
  FAR,
  NEAR,
  SAME_FOLDER,
  findPaths,
  remoteness,
  type PathOptions,
} from '../../src/analysis/query/paths';
import { QueryError, selectNodes } from '../../src/analysis/query/query';

const root = join(__dirname, '../fixtures/kernel-mini');
const ACME_DIR = 'drivers/net/ethernet/acme';
const ACME = `${ACME_DIR}/acme_main.c`;
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
    const g = findPaths(graph, [`${ACME}:acme_intr`], ['ip_rcv'], { maxDepth: 20, paths: 5 });
    const [first, zc, lite, backlog, other] = hops(g);
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
    // The others follow: the poll of another driver in acme's folder (registered beside the
    // start, but __napi_poll has one in the start's own file), then one far pointer call (the
    // backlog), then two (the other driver's poll and clean routine).
    assert.ok(
      lite?.includes(`${ACME_DIR}/acme_lite.c:acme_lite_poll`),
      `third path: ${lite?.join(' -> ')}`,
    );
    assert.ok(
      backlog?.includes('net/core/dev.c:process_backlog'),
      `fourth path: ${backlog?.join(' -> ')}`,
    );
    assert.ok(
      other?.includes('drivers/net/ethernet/acme2/acme_main.c:acme_poll'),
      `fifth path: ${other?.join(' -> ')}`,
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

describe('paths that follow the packet, on kernel-paths', () => {
  const paths = join(__dirname, '../fixtures/kernel-paths');
  const PACME = 'drivers/net/ethernet/acme/acme_main.c';
  let dir: string;
  let g: Graph;
  /** The names along each path of a query. */
  const names = (from: string, to: string, options: Partial<PathOptions> = {}): string[][] =>
    hops(findPaths(g, [from], [to], { maxDepth: 30, paths: 1, ...options })).map((p) =>
      p.map((h) => h.slice(h.lastIndexOf(':') + 1)),
    );
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netpaths-test-'));
    g = (await buildIndex({ root: paths, cacheDir: dir, workers: 2 })).graph;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes a dispatcher of the start's callbacks through the callback: __napi_poll runs acme_poll, not the flush after it", () => {
    // __napi_poll -> gro_normal_list (flushing what the poll queued) is six calls shorter.
    const json = findPaths(g, [`${PACME}:acme_intr`], ['ip_rcv'], { maxDepth: 30, paths: 1 });
    const [first] = hops(json);
    const at = first?.indexOf('net/core/dev.c:__napi_poll') ?? -1;
    assert.ok(at >= 0, first?.join(' -> '));
    assert.equal(first?.[at + 1], `${PACME}:acme_poll`, first?.join(' -> '));
    assert.ok(first?.includes(`${PACME}:acme_clean_rx_irq`), first?.join(' -> '));
    // The callback is the one acme registered with netif_napi_add.
    const poll = json.edges.find((e) => e.from.endsWith(':__napi_poll'));
    assert.match(
      poll?.via ?? '',
      /^napi_struct\.poll = acme_poll at .*acme_main\.c:\d+ \(netif_napi_add/,
    );
    // The flush stays an answer when asked for.
    assert.deepEqual(names(`${PACME}:acme_intr`, 'gro_normal_list')[0]?.slice(-2), [
      '__napi_poll',
      'gro_normal_list',
    ]);
  });

  it('takes one deferral where the packet makes one: NET_RX, not the watchdog, its work item and NET_TX to a transmit tap', () => {
    // acme_intr => acme_watchdog => acme_watchdog_task -> netif_wake_queue -> ... => net_tx_action
    // -> ... -> dev_queue_xmit_nit -> ip_rcv (a copy of a sent packet to the taps, whose
    // packet_type.func resolves to every protocol's) is four calls shorter.
    const json = findPaths(g, [`${PACME}:acme_intr`], ['ip_rcv'], { maxDepth: 30, paths: 1 });
    const first = json.paths?.[0] ?? [];
    const deferrals = json.edges.filter(
      (e) => e.kind === 'async' && first.includes(e.from) && first.includes(e.to),
    );
    assert.deepEqual(
      deferrals.map((e) => e.to),
      ['net/core/dev.c:net_rx_action'],
    );
    assert.ok(!first.includes('net/core/dev.c:net_tx_action'), first.join(' -> '));
    assert.ok(first.includes(`${PACME}:acme_poll`), first.join(' -> '));
  });

  it('takes the end of a NAPI poll as a side path: acme_poll goes on through its RX clean routine', () => {
    // acme_poll -> napi_complete_done -> gro_normal_list -> ... -> ip_rcv is five calls shorter.
    const [first] = names('acme_poll', 'ip_rcv');
    assert.deepEqual(first?.slice(0, 4), [
      'acme_poll',
      'acme_clean_rx_irq',
      'acme_receive_skb',
      'napi_gro_receive',
    ]);
    assert.ok(!first?.includes('napi_complete_done'), first?.join(' -> '));
  });

  it("takes connection set-up as a side path: tcp_sendmsg reaches IP through tcp_write_xmit, not Fast Open's connect", () => {
    // tcp_sendmsg_locked -> tcp_sendmsg_fastopen -> tcp_connect is one call shorter.
    const [first] = names('tcp_sendmsg', 'ip_queue_xmit');
    assert.deepEqual(first, [
      'tcp_sendmsg',
      'tcp_sendmsg_locked',
      'tcp_push',
      '__tcp_push_pending_frames',
      'tcp_write_xmit',
      '__tcp_transmit_skb',
      'ip_queue_xmit',
    ]);
    // On receive too: a segment wakes its reader through tcp_rcv_established, not by a
    // listener's new child socket (tcp_child_process, two calls shorter).
    assert.deepEqual(names('tcp_v4_rcv', 'sock_def_readable')[0], [
      'tcp_v4_rcv',
      'tcp_v4_do_rcv',
      'tcp_rcv_established',
      'tcp_data_ready',
      'sock_def_readable',
    ]);
    // Asked for, set-up is still a path.
    assert.deepEqual(names('tcp_sendmsg', 'tcp_connect')[0]?.slice(-2), [
      'tcp_sendmsg_fastopen',
      'tcp_connect',
    ]);
  });

  it('takes error handling as a side path: tcp_v4_rcv transmits through its ACK, not a reset', () => {
    // tcp_v4_rcv -> tcp_v4_send_reset -> ip_send_unicast_reply -> ip_send_skb -> ip_local_out
    // is four calls shorter.
    const [first] = names('tcp_v4_rcv', 'ip_local_out');
    assert.deepEqual(first, [
      'tcp_v4_rcv',
      'tcp_v4_do_rcv',
      'tcp_rcv_established',
      '__tcp_ack_snd_check',
      'tcp_send_ack',
      '__tcp_transmit_skb',
      'ip_queue_xmit',
      '__ip_queue_xmit',
      'ip_local_out',
    ]);
  });

  it("goes from a socket system call through the address family the wrapper names, not another family's shorter recvmsg", () => {
    // sock_recvmsg_nosec's INDIRECT_CALL_INET names inet_recvmsg; l2tp's recvmsg, bound in
    // its own folder, copies to user memory two calls sooner.
    const json = findPaths(g, ['__sys_recvfrom'], ['skb_copy_datagram_iter'], {
      maxDepth: 30,
      paths: 1,
    });
    assert.deepEqual(names('__sys_recvfrom', 'skb_copy_datagram_iter')[0], [
      '__sys_recvfrom',
      'sock_recvmsg',
      'sock_recvmsg_nosec',
      'inet_recvmsg',
      'tcp_recvmsg',
      'tcp_recvmsg_locked',
      'skb_copy_datagram_msg',
      'skb_copy_datagram_iter',
    ]);
    // The edges keep the bindings they went through, the wrapper's name before them.
    const via = (to: string): string | undefined => json.edges.find((e) => e.to.endsWith(to))?.via;
    assert.match(
      via(':inet_recvmsg') ?? '',
      /^INDIRECT_CALL_INET: proto_ops\.recvmsg = inet_recvmsg at net\/ipv4\/af_inet\.c:\d+$/,
    );
    assert.match(
      via(':tcp_recvmsg') ?? '',
      /^INDIRECT_CALL_2: proto\.recvmsg = tcp_recvmsg at net\/ipv4\/tcp_ipv4\.c:\d+$/,
    );
    // The other family stays a path when asked for.
    assert.ok(names('__sys_recvfrom', 'pppol2tp_recvmsg')[0]?.includes('sock_recvmsg_nosec'));
  });

  it('every row of SIDE_PATHS names the functions of its fixture, and no function of the data paths', () => {
    const rows = new Map(SIDE_PATHS.map((r) => [r.what, r.name]));
    const matches = (what: string, name: string): boolean => rows.get(what)?.test(name) ?? false;
    for (const name of ['tcp_sendmsg_fastopen', 'tcp_connect', 'tcp_child_process'])
      assert.ok(matches('connection set-up and teardown', name), name);
    assert.ok(matches('error handling', 'tcp_v4_send_reset'));
    assert.ok(matches('the end of a NAPI poll', 'napi_complete_done'));
    assert.ok(matches("the transmit taps' copy of a sent packet", 'dev_queue_xmit_nit'));
    const dataPaths = [
      ...names(`${PACME}:acme_intr`, 'tcp_v4_rcv').flat(),
      ...names('tcp_sendmsg', 'dev_hard_start_xmit').flat(),
      ...names('tcp_v4_rcv', 'ip_local_out').flat(),
    ];
    assert.ok(dataPaths.length > 40, dataPaths.join(' '));
    for (const name of dataPaths)
      for (const row of SIDE_PATHS) assert.ok(!row.name.test(name), `${row.what}: ${name}`);
  });

  describe('via', () => {
    it('passes through each via in order', () => {
      const [first] = names('tcp_sendmsg', 'dev_hard_start_xmit', {
        via: ['ip_output', '__dev_queue_xmit'],
      });
      const at = (n: string): number => first?.indexOf(n) ?? -1;
      assert.ok(
        at('ip_output') > 0 && at('__dev_queue_xmit') > at('ip_output'),
        first?.join(' -> '),
      );
      // A via takes the path where it would not go: the backlog's poll from acme's interrupt.
      const [backlog] = names(`${PACME}:acme_intr`, 'ip_rcv', { via: ['process_backlog'] });
      assert.deepEqual(backlog?.slice(5, 8), ['napi_poll', '__napi_poll', 'process_backlog']);
      // Every path found passes the vias.
      const all = names(`${PACME}:acme_intr`, 'ip_rcv', { via: ['napi_gro_receive'], paths: 3 });
      assert.ok(all.length >= 2);
      for (const p of all) assert.ok(p.includes('napi_gro_receive'), p.join(' -> '));
    });

    it('says so when no path passes the vias in that order, and names an unknown via', () => {
      assert.throws(
        () =>
          findPaths(g, ['tcp_sendmsg'], ['dev_hard_start_xmit'], {
            maxDepth: 30,
            paths: 1,
            via: ['__dev_queue_xmit', 'ip_output'],
          }),
        (e) =>
          e instanceof QueryError &&
          e.message ===
            'no path from tcp_sendmsg to dev_hard_start_xmit through __dev_queue_xmit, ip_output within 30 calls',
      );
      assert.throws(
        () =>
          findPaths(g, ['tcp_sendmsg'], ['dev_hard_start_xmit'], {
            maxDepth: 30,
            paths: 1,
            via: ['ip_outptu'],
          }),
        (e) =>
          e instanceof QueryError &&
          /^unknown function ip_outptu \(did you mean ip_output/.test(e.message),
      );
    });
  });
});
