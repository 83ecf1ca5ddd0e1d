// The analysis core and CLI on the real Linux 6.12 tree: the packet paths issue #2 names,
// every indirect hop explained, and lines exactly as in the source.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { kernelRoot, queryJson, runCli } from '../helpers/kernel';
import { handsOver, sourceLine } from '../helpers/source';

const names = (g: GraphJson, path: string[]): string[] =>
  path.map((id) => g.nodes.find((n) => n.id === id)?.name ?? id);

/** The names along the single shortest path from A to B. */
function path(from: string, to: string, extra: string[] = []): { g: GraphJson; hops: string[] } {
  const g = queryJson<GraphJson>(['path', '--from', from, '--to', to, ...extra]);
  assert.equal(g.paths?.length, 1, `expected one path ${from} -> ${to}`);
  return { g, hops: names(g, g.paths?.[0] ?? []) };
}

/** Asserts `hops` visits `expected` in this order (other hops may lie between). */
function assertThrough(hops: string[], expected: string[]): void {
  let at = 0;
  for (const name of expected) {
    const i = hops.indexOf(name, at);
    assert.ok(i >= 0, `${name} missing after ${hops[at - 1] ?? 'start'} in ${hops.join(' -> ')}`);
    at = i + 1;
  }
}

/** The edge between two consecutive hops of a path. */
function hop(g: GraphJson, fromName: string, toName: string): GraphJson['edges'][number] {
  const e = g.edges.find(
    (x) =>
      g.nodes.find((n) => n.id === x.from)?.name === fromName &&
      g.nodes.find((n) => n.id === x.to)?.name === toName,
  );
  assert.ok(e, `no edge ${fromName} -> ${toName}`);
  return e;
}

describe('netpaths on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  it('index reports its statistics', () => {
    const stats = queryJson<{
      files: number;
      functions: number;
      indirectEdges: number;
      reparsed: number;
    }>(['index']);
    assert.ok(stats.files > 15_000, `files: ${stats.files}`);
    assert.ok(stats.functions > 150_000, `functions: ${stats.functions}`);
    assert.ok(stats.indirectEdges > 50_000, `indirect edges: ${stats.indirectEdges}`);
    assert.equal(stats.reparsed, 0, 'a second index run reparses nothing');
  });

  it('e1000e receive: interrupt to NAPI poll through the NET_RX softirq', () => {
    const { g, hops } = path(
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_intr_msi',
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll',
    );
    assertThrough(hops, [
      'e1000_intr_msi',
      '__napi_schedule',
      'net_rx_action',
      '__napi_poll',
      'e1000e_poll',
    ]);
    const softirq = g.edges.find((e) => e.kind === 'async');
    assert.ok(softirq?.via?.includes('NET_RX_SOFTIRQ'), `softirq edge: ${JSON.stringify(softirq)}`);
    const poll = hop(g, '__napi_poll', 'e1000e_poll');
    assert.equal(poll.kind, 'indirect');
    assert.match(
      poll.via ?? '',
      /napi_struct\.poll = e1000e_poll at drivers\/net\/ethernet\/intel\/e1000e\/netdev\.c:\d+ \(netif_napi_add/,
    );
  });

  it('e1000e receive: poll to the clean routine through adapter->clean_rx, then GRO', () => {
    const { g, hops } = path(
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll',
      'napi_gro_receive',
    );
    const clean = hops[1] ?? '';
    assert.match(clean, /^e1000_clean(_jumbo)?_rx_irq(_ps)?$/);
    assert.match(hop(g, 'e1000e_poll', clean).via ?? '', /^e1000_adapter\.clean_rx = /);
  });

  it('e1000e receive: GRO to tcp_v4_rcv through the protocol handler, NF_HOOK and dst->input', () => {
    const { g, hops } = path('napi_gro_receive', 'tcp_v4_rcv', ['--max-depth', '30']);
    assert.ok(
      hops.includes('__netif_receive_skb_core') || hops.includes('__netif_receive_skb_list_core'),
      hops.join(' -> '),
    );
    assert.ok(hops.includes('ip_rcv') || hops.includes('ip_list_rcv'), hops.join(' -> '));
    assertThrough(hops, [
      'ip_rcv_finish',
      'dst_input',
      'ip_local_deliver',
      'ip_local_deliver_finish',
      'ip_protocol_deliver_rcu',
      'tcp_v4_rcv',
    ]);
    // Each pointer hop by its own binding, checked against the line that makes it.
    const nfHook = hop(g, 'ip_local_deliver', 'ip_local_deliver_finish');
    assert.match(nfHook.via ?? '', /^NF_HOOK\(okfn = ip_local_deliver_finish\)/);
    assert.match(sourceLine(nfHook.file, nfHook.line), /NF_HOOK\(.*NF_INET_LOCAL_IN/);
    const dst = hop(g, 'dst_input', 'ip_local_deliver');
    assert.match(dst.via ?? '', /dst_entry\.input = ip_local_deliver at /);
    assert.match(sourceLine(dst.file, dst.line), /->input\b/);
    const deliver = hop(g, 'ip_protocol_deliver_rcu', 'tcp_v4_rcv');
    assert.equal(deliver.kind, 'indirect');
    const bound = /net_protocol\.handler = tcp_v4_rcv at (net\/ipv4\/af_inet\.c):(\d+)$/.exec(
      deliver.via ?? '',
    );
    assert.ok(bound, `ip_protocol_deliver_rcu -> tcp_v4_rcv: ${deliver.via}`);
    assert.match(sourceLine(bound[1] ?? '', Number(bound[2])), /\.handler\s*=\s*tcp_v4_rcv\b/);
  });

  it('ip_rcv reaches ip_rcv_finish through NF_HOOK and ip_local_deliver through dst_input', () => {
    const a = path('ip_rcv', 'ip_rcv_finish');
    assert.equal(a.hops.length, 2);
    assert.match(hop(a.g, 'ip_rcv', 'ip_rcv_finish').via ?? '', /^NF_HOOK\(okfn = ip_rcv_finish\)/);
    const b = path('ip_rcv_finish', 'ip_local_deliver');
    assertThrough(b.hops, ['dst_input', 'ip_local_deliver']);
    assert.match(
      hop(b.g, 'dst_input', 'ip_local_deliver').via ?? '',
      /dst_entry\.input = ip_local_deliver/,
    );
  });

  it('ixgbe receive: MSI-X handler to the RX clean routine, with the ring refill', () => {
    const { hops } = path('ixgbe_msix_clean_rings', 'ixgbe_clean_rx_irq');
    assertThrough(hops, [
      'ixgbe_msix_clean_rings',
      'net_rx_action',
      '__napi_poll',
      'ixgbe_poll',
      'ixgbe_clean_rx_irq',
    ]);
    const refill = path('ixgbe_poll', 'ixgbe_alloc_rx_buffers');
    assert.ok(refill.hops.length <= 4, refill.hops.join(' -> '));
  });

  it("e1000e's ring refill is reached only through adapter->alloc_rx_buf", () => {
    const file = 'drivers/net/ethernet/intel/e1000e/netdev.c';
    const { g, hops } = path(`${file}:e1000e_poll`, `${file}:e1000_alloc_rx_buffers`);
    const last = hop(g, hops[hops.length - 2] ?? '', 'e1000_alloc_rx_buffers');
    assert.equal(last.kind, 'indirect');
    // Every caller, not one path: each edge in is a call through adapter->alloc_rx_buf, by
    // the one binding netdev.c makes, and every such call of the file is one of them.
    const lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
    const sites = lines.flatMap((t, i) => (/->alloc_rx_buf\(/.test(t) ? [i + 1] : []));
    const binding = lines.findIndex((t) => /->alloc_rx_buf = e1000_alloc_rx_buffers;/.test(t)) + 1;
    assert.ok(sites.length > 0 && binding > 0, 'netdev.c calls and sets alloc_rx_buf');
    const callers = queryJson<GraphJson>(['callers', `${file}:e1000_alloc_rx_buffers`]);
    const into = callers.edges.filter((e) => e.to === `${file}:e1000_alloc_rx_buffers`);
    for (const e of into) {
      assert.equal(e.kind, 'indirect', `${e.from} at ${e.file}:${e.line}`);
      assert.equal(
        e.via,
        `e1000_adapter.alloc_rx_buf = e1000_alloc_rx_buffers at ${file}:${binding}`,
      );
    }
    assert.deepEqual(
      into.map((e) => `${e.file}:${e.line}`).sort(),
      sites.map((l) => `${file}:${l}`).sort(),
    );
  });

  for (const [driver, xmit] of [
    ['e1000e', 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_xmit_frame'],
    ['ixgbe', 'ixgbe_xmit_frame'],
  ] as const) {
    it(`transmit: tcp_sendmsg to ${driver}'s xmit through ndo_start_xmit`, () => {
      // Leg by leg, each with the hops it must take (the whole way in one query is tested below).
      const tcp = path('tcp_sendmsg', 'ip_queue_xmit');
      assertThrough(tcp.hops, ['tcp_sendmsg', '__tcp_transmit_skb', 'ip_queue_xmit']);
      // dst_output's pointer may also lead through a VRF device's output: ask for ip_output's leg.
      const ip = path('ip_queue_xmit', 'ip_output');
      assertThrough(ip.hops, ['ip_queue_xmit', 'ip_local_out', 'dst_output', 'ip_output']);
      assert.equal(hop(ip.g, 'dst_output', 'ip_output').kind, 'indirect');
      const { g, hops } = path('ip_output', xmit);
      assertThrough(hops, [
        'ip_output',
        'ip_finish_output2',
        'neigh_output',
        '__dev_queue_xmit',
        'dev_hard_start_xmit',
        'netdev_start_xmit',
      ]);
      const last = g.edges.find((e) => e.to === g.paths?.[0]?.at(-1));
      assert.equal(last?.kind, 'indirect');
      // The driver's own ops table, not a same-named function's (e1000 has an e1000_xmit_frame).
      const fn = xmit.slice(xmit.lastIndexOf(':') + 1);
      const dir = driver === 'e1000e' ? 'e1000e' : 'ixgbe';
      const at = new RegExp(
        `^net_device_ops\\.ndo_start_xmit = ${fn} at (drivers/net/ethernet/intel/${dir}/[\\w.]+):(\\d+)$`,
      ).exec(last?.via ?? '');
      assert.ok(at, `last hop: ${last?.via}`);
      assert.match(
        sourceLine(at[1] ?? '', Number(at[2])),
        new RegExp(`\\.ndo_start_xmit\\s*=\\s*${fn}\\b`),
      );
    });
  }

  it("one query from e1000e's interrupt to tcp_v4_rcv: e1000e's own poll, IPv4's handler", () => {
    // The RX poll e1000e registers, read from its source: netif_napi_add(netdev, napi, poll).
    const registration = /\bnetif_napi_add\s*\(([^;]*)\)\s*;/.exec(
      readFileSync(join(kernelRoot(), 'drivers/net/ethernet/intel/e1000e/netdev.c'), 'utf8'),
    );
    const e1000ePoll = registration?.[1]?.split(',')[2]?.trim();
    assert.ok(e1000ePoll, 'no netif_napi_add in e1000e/netdev.c');
    // At each pointer call, the functions registered beside the ends come first.
    const g = queryJson<GraphJson>([
      'path',
      '--from',
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_intr_msi',
      '--to',
      'tcp_v4_rcv',
      '--paths',
      '5',
    ]);
    assert.equal(g.paths?.length, 5);
    for (const p of g.paths ?? []) {
      const hops = names(g, p);
      assert.ok(!hops.includes('process_backlog') && !hops.includes('ipv6_rcv'), hops.join(' -> '));
      assertThrough(hops, [
        'e1000_intr_msi',
        'net_rx_action',
        '__napi_poll',
        'ip_rcv',
        'ip_local_deliver',
        'tcp_v4_rcv',
      ]);
      // The path enters e1000e's poll: the one netdev.c registers with netif_napi_add, read
      // from the source, through that registration's binding.
      const poll = hops[hops.indexOf('__napi_poll') + 1] ?? '';
      assert.equal(poll, e1000ePoll, hops.join(' -> '));
      const entered = g.edges.find(
        (e) => e.from === 'net/core/dev.c:__napi_poll' && e.to === p[hops.indexOf(poll)],
      );
      const at =
        /^napi_struct\.poll = (\w+) at (drivers\/net\/ethernet\/intel\/e1000e\/netdev\.c):(\d+)/.exec(
          entered?.via ?? '',
        );
      assert.ok(at, `__napi_poll -> ${poll}: ${entered?.via}`);
      assert.equal(at[1], poll);
      assert.match(
        sourceLine(at[2] ?? '', Number(at[3])),
        new RegExp(`netif_napi_add\\(.*\\b${poll}\\b`),
      );
    }
  });

  it("one query from tcp_sendmsg to e1000e's xmit: through IP, the neighbour layer and ndo_start_xmit", () => {
    const { g, hops } = path(
      'tcp_sendmsg',
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_xmit_frame',
    );
    assertThrough(hops, [
      'tcp_sendmsg',
      '__tcp_transmit_skb',
      'ip_queue_xmit',
      'dst_output',
      'ip_output',
      'ip_finish_output2',
      'neigh_output',
      '__dev_queue_xmit',
      'dev_hard_start_xmit',
      'netdev_start_xmit',
      'e1000_xmit_frame',
    ]);
    // No crash path (BUG -> panic -> notifiers) and no other socket's backlog on the way.
    for (const name of ['panic', 'release_sock', 'pppoe_rcv_core'])
      assert.ok(!hops.includes(name), hops.join(' -> '));
    assert.match(
      hop(g, 'dst_output', 'ip_output').via ?? '',
      /dst_entry\.output = ip_output at net\/ipv4\//,
    );
  });

  it("one query from udp_sendmsg to virtio_net's xmit: through ip_output, not a VRF device beside it in drivers/net", () => {
    const { hops } = path('udp_sendmsg', 'drivers/net/virtio_net.c:start_xmit');
    assertThrough(hops, [
      'udp_sendmsg',
      'ip_local_out',
      'dst_output',
      'ip_output',
      'neigh_output',
      '__dev_queue_xmit',
      'start_xmit',
    ]);
    assert.ok(!hops.some((h) => h.startsWith('vrf_')), hops.join(' -> '));
  });

  it('one query from udp_sendmsg to dev_hard_start_xmit: the IP output path, not a softirq run by release_sock', () => {
    // release_sock -> spin_unlock_bh -> local_bh_enable -> ... -> handle_softirqs => net_tx_action is shorter.
    const { hops } = path('udp_sendmsg', 'dev_hard_start_xmit');
    assertThrough(hops, ['udp_sendmsg', 'ip_output', '__dev_queue_xmit', 'dev_hard_start_xmit']);
    for (const side of ['handle_softirqs', '__do_softirq', 'net_tx_action', 'release_sock'])
      assert.ok(!hops.includes(side), hops.join(' -> '));
  });

  it("ixgbe's poll reaches GRO through its clean routine, not the AF_XDP zero-copy twin of it", () => {
    const { hops } = path('ixgbe_poll', 'napi_gro_receive');
    assert.deepEqual(hops, [
      'ixgbe_poll',
      'ixgbe_clean_rx_irq',
      'ixgbe_rx_skb',
      'napi_gro_receive',
    ]);
  });

  it('goes through no notifier chain: from arp_rcv to arp_send not by a netdevice notifier', () => {
    // notifier_call_chain calls every notifier of the tree in the graph: arp_process ->
    // neigh_update -> call_netevent_notifiers -> ... -> inetdev_event -> arp_send was the shortest.
    const { hops } = path('arp_rcv', 'arp_send');
    for (const side of ['notifier_call_chain', 'atomic_notifier_call_chain', 'inetdev_event'])
      assert.ok(!hops.includes(side), hops.join(' -> '));
    // The edges stay for callers and callees.
    const g = queryJson<GraphJson>(['callees', 'notifier_call_chain']);
    assert.equal(hop(g, 'notifier_call_chain', 'inetdev_event').kind, 'indirect');
    // Where the only paths go through one, the error says so.
    const only = runCli(['path', '--from', 'neigh_update', '--to', 'inetdev_event']);
    assert.equal(only.status, 1);
    assert.match(
      only.stderr,
      /^netpaths: no path from neigh_update to inetdev_event within \d+ calls except through notifier_call_chain, which paths skip: event dispatchers and crash paths reach almost anything\n$/,
    );
  });

  it("a work item and a tasklet reach the function registered for that field of that driver's struct", () => {
    // e1000 and e1000e both have struct e1000_adapter and a static e1000_reset_task.
    const g = queryJson<GraphJson>([
      'callees',
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_tx_timeout',
    ]);
    const reset = g.edges.filter((e) => e.kind === 'async');
    assert.deepEqual(
      reset.map((e) => e.to),
      ['drivers/net/ethernet/intel/e1000e/netdev.c:e1000_reset_task'],
    );
    assert.match(
      reset[0]?.via ?? '',
      /^work e1000_adapter\.reset_task: INIT_WORK\(e1000_adapter\.reset_task, e1000_reset_task\) at drivers\/net\/ethernet\/intel\/e1000e\/netdev\.c:\d+$/,
    );
    const [file, line] = (reset[0]?.via ?? '').split(' at ')[1]?.split(':') ?? [];
    assert.match(
      sourceLine(file ?? '', Number(line)),
      /INIT_WORK\(&adapter->reset_task, e1000_reset_task\)/,
    );
    // The tasklet: the hop into jme's handler is the softirq hand-off its tasklet_setup makes.
    const tasklet = path('jme_intr', 'jme_tx_clean_tasklet');
    const into = hop(tasklet.g, tasklet.hops.at(-2) ?? '', 'jme_tx_clean_tasklet');
    assert.equal(into.kind, 'async');
    const made =
      /^tasklet jme_adapter\.txclean_task: tasklet_setup\(jme_adapter\.txclean_task, jme_tx_clean_tasklet\) at (drivers\/net\/ethernet\/jme\.c):(\d+)$/.exec(
        into.via ?? '',
      );
    assert.ok(made, `-> jme_tx_clean_tasklet: ${into.via}`);
    assert.match(
      sourceLine(made[1] ?? '', Number(made[2])),
      /tasklet_setup\(&jme->txclean_task, jme_tx_clean_tasklet\)/,
    );
    assert.match(sourceLine(into.file, into.line), /tasklet_schedule\(&jme->txclean_task\)/);
  });

  it("TCP's timers: armed by sk_reset_timer, registered by inet_csk_init_xmit_timers with tcp_write_timer", () => {
    const { g, hops } = path('tcp_v4_rcv', 'tcp_write_timer');
    assert.ok(
      !hops.includes('notifier_call_chain') && !hops.includes('expire_timers'),
      hops.join(' -> '),
    );
    const last = g.edges.find((e) => e.to.endsWith(':tcp_write_timer'));
    assert.equal(last?.kind, 'async');
    assert.equal(last?.from, 'include/net/inet_connection_sock.h:inet_csk_reset_xmit_timer');
    assert.match(
      last?.via ?? '',
      /^timer inet_connection_sock\.icsk_retransmit_timer: timer_setup\(inet_connection_sock\.icsk_retransmit_timer, tcp_write_timer\) at net\/ipv4\/tcp_timer\.c:\d+ \(inet_csk_init_xmit_timers\)$/,
    );
    // The site is where TCP hands its handler over.
    const [file, line] = (last?.via ?? '').split(' at ')[1]?.split(' ')[0]?.split(':') ?? [];
    assert.match(
      sourceLine(file ?? '', Number(line)),
      /inet_csk_init_xmit_timers\(sk, &tcp_write_timer,/,
    );
    // The delayed-ACK timer is keyed by its own field.
    const delack = queryJson<GraphJson>(['callers', 'tcp_delack_timer']).edges.filter(
      (e) => e.kind === 'async',
    );
    assert.ok(
      delack.some((e) => e.from === 'include/net/inet_connection_sock.h:inet_csk_reset_xmit_timer'),
      JSON.stringify(delack),
    );
    assert.ok(
      delack.every((e) => /icsk_delack_timer/.test(e.via ?? '')),
      JSON.stringify(delack),
    );
  });

  it("q->enqueue reaches every qdisc's enqueue, copied out of its ops table by qdisc_alloc", () => {
    // net/sched/sch_generic.c: sch->enqueue = ops->enqueue; Qdisc_ops.enqueue holds more than a handful.
    const g = queryJson<GraphJson>(['callees', 'dev_qdisc_enqueue']);
    for (const fn of ['pfifo_fast_enqueue', 'fq_codel_enqueue', 'htb_enqueue', 'noop_enqueue']) {
      const e = hop(g, 'dev_qdisc_enqueue', fn);
      assert.equal(e.kind, 'indirect');
    }
    const e = hop(g, 'dev_qdisc_enqueue', 'fq_codel_enqueue');
    assert.match(
      e.via ?? '',
      /^Qdisc\.enqueue = fq_codel_enqueue at net\/sched\/sch_generic\.c:\d+ \(from Qdisc_ops\.enqueue\)$/,
    );
    const [file, line] = (e.via ?? '').split(' at ')[1]?.split(' ')[0]?.split(':') ?? [];
    assert.match(sourceLine(file ?? '', Number(line)), /sch->enqueue = ops->enqueue/);
    const { hops } = path('__dev_queue_xmit', 'pfifo_fast_enqueue');
    assertThrough(hops, [
      '__dev_queue_xmit',
      '__dev_xmit_skb',
      'dev_qdisc_enqueue',
      'pfifo_fast_enqueue',
    ]);
  });

  it('neigh->output reaches the neighbour ops it is copied from: neigh_resolve_output and neigh_connected_output', () => {
    // neighbour.c never stores these by name: WRITE_ONCE(neigh->output, neigh->ops->output).
    const g = queryJson<GraphJson>(['callees', 'neigh_output']);
    for (const [fn, from] of [
      ['neigh_resolve_output', 'neigh_ops.output'],
      ['neigh_connected_output', 'neigh_ops.connected_output'],
    ] as const) {
      const e = hop(g, 'neigh_output', fn);
      assert.equal(e.kind, 'indirect');
      // Of the places that copy it, the one beside the function explains the edge.
      assert.match(
        e.via ?? '',
        new RegExp(
          `^neighbour\\.output = ${fn} at net/core/neighbour\\.c:\\d+ \\(from ${from.replace('.', '\\.')}\\)$`,
        ),
      );
      const [file, line] = (e.via ?? '').split(' at ')[1]?.split(' ')[0]?.split(':') ?? [];
      assert.match(
        sourceLine(file ?? '', Number(line)),
        /->output\b.*->ops->\w*output/,
        `${file}:${line} is not a copy of an ops field`,
      );
    }
  });

  it('sk->sk_prot reads through its field macro: socket calls reach the protocol and nothing else', () => {
    // include/net/sock.h: #define sk_prot __sk_common.skc_prot
    const g = queryJson<GraphJson>(['callees', 'net/core/sock.c:sock_common_recvmsg']);
    const e = hop(g, 'sock_common_recvmsg', 'tcp_recvmsg');
    assert.equal(e.kind, 'indirect');
    assert.match(e.via ?? '', /^proto\.recvmsg = tcp_recvmsg at net\/ipv4\/tcp_ipv4\.c:\d+$/);
    assert.match(sourceLine(e.file, e.line), /sk->sk_prot->recvmsg\(/);
    const targets = g.edges.map((x) => g.nodes.find((n) => n.id === x.to)?.name ?? '');
    // proto_ops.recvmsg (inet_recvmsg, sock_common_recvmsg itself) is another struct's field.
    assert.ok(
      !targets.includes('inet_recvmsg') && !targets.includes('sock_common_recvmsg'),
      targets.join(' '),
    );
    for (const fn of ['udp_recvmsg', 'raw_recvmsg'])
      assert.ok(targets.includes(fn), `${fn} missing: ${targets.join(' ')}`);
  });

  it('definition and call-site lines are exactly those of the source', () => {
    const g = queryJson<GraphJson>(['callees', 'net/core/dev.c:__napi_poll']);
    const self = g.nodes.find((n) => n.name === '__napi_poll');
    assert.ok(self);
    assert.match(sourceLine(self.file, self.line), /\b__napi_poll\(/);
    let indirect = 0;
    const unexplained: string[] = [];
    for (const e of g.edges) {
      const callee = g.nodes.find((n) => n.id === e.to)?.name ?? '';
      const text = sourceLine(e.file, e.line);
      if (e.kind === 'direct') {
        assert.match(text, new RegExp(`\\b${callee}\\b`), `${e.file}:${e.line} ${text}`);
        continue;
      }
      // A pointer call: the call line calls through ->poll, and the binding's line starts the
      // statement that hands this very function over.
      indirect++;
      assert.match(text, /->poll\(/, `${e.file}:${e.line} ${text}`);
      const at = new RegExp(`^napi_struct\\.poll = ${callee} at (\\S+):(\\d+)`).exec(e.via ?? '');
      assert.ok(at, `${e.to}: ${e.via}`);
      const from = / from \w+\.(\w+)\)$/.exec(e.via ?? '')?.[1];
      if (!handsOver(at[1] ?? '', Number(at[2]), callee, from))
        unexplained.push(`${e.to}: ${e.via}`);
    }
    assert.ok(indirect > 100, `${indirect} napi polls`);
    assert.deepEqual(unexplained, []);
    const poll = g.edges.find((e) => e.via?.startsWith('napi_struct.poll = e1000e_poll'));
    assert.ok(poll, 'an edge to e1000e_poll');
    assert.match(sourceLine(poll.file, poll.line), /->poll\(/);
    const bound = /at (\S+):(\d+)/.exec(poll.via ?? '');
    assert.ok(bound);
    assert.match(
      sourceLine(bound[1] as string, Number(bound[2])),
      /netif_napi_add\w*\(.*e1000e_poll/,
    );
  });

  it('where, callers and FILE:NAME selection', () => {
    const g = queryJson<GraphJson>(['where', 'e1000_xmit_frame']);
    assert.deepEqual(g.nodes.map((n) => n.file).sort(), [
      'drivers/net/ethernet/intel/e1000/e1000_main.c',
      'drivers/net/ethernet/intel/e1000e/netdev.c',
    ]);
    for (const n of g.nodes) assert.match(sourceLine(n.file, n.line), /e1000_xmit_frame\(/);
    const text = runCli(['where', 'e1000_xmit_frame']);
    assert.equal(
      text.stdout,
      `e1000_xmit_frame  drivers/net/ethernet/intel/e1000/e1000_main.c:${g.nodes.find((n) => n.file.includes('/e1000/'))?.line}\n` +
        `e1000_xmit_frame  drivers/net/ethernet/intel/e1000e/netdev.c:${g.nodes.find((n) => n.file.includes('/e1000e/'))?.line}\n\n2 definitions.\n`,
    );
    const callers = queryJson<GraphJson>([
      'callers',
      'drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll',
    ]);
    assert.ok(
      callers.edges.some((e) => e.from === 'net/core/dev.c:__napi_poll' && e.kind === 'indirect'),
    );
  });

  it('keeps a function whose body has a block written at column 0', () => {
    // ether3_rx's `if (next_ptr < RX_START ...) {` ... `}` stands at column 0: a chunk of
    // the file once ended there, and the function and its calls were lost.
    const g = queryJson<GraphJson>(['callees', 'ether3_rx', 'yellowfin_init_ring']);
    const rx = g.nodes.find((n) => n.name === 'ether3_rx');
    assert.ok(rx && rx.file === 'drivers/net/ethernet/seeq/ether3.c');
    assert.match(sourceLine(rx.file, rx.line), /^static int ether3_rx\(/);
    const calls = (name: string): string[] =>
      g.edges
        .filter((e) => e.from === `${rx.file}:ether3_rx`)
        .map((e) => g.nodes.find((n) => n.id === e.to)?.name ?? '')
        .filter((n) => n === name);
    // Calls from both sides of the column-0 block: before it and after it.
    assert.ok(
      calls('ether3_readbuffer').length > 0 && calls('netif_rx').length > 0,
      'ether3_rx calls ether3_readbuffer and netif_rx',
    );
    const ring = g.nodes.find((n) => n.name === 'yellowfin_init_ring');
    assert.ok(ring);
    assert.match(sourceLine(ring.file, ring.line), /^static int yellowfin_init_ring\(/);
  });

  it('keeps the functions after a loop closed by a macro: `} while_each_thread(leader, task);`', () => {
    const g = queryJson<GraphJson>([
      'where',
      'cgroup_procs_write_start',
      'cgroup_procs_write_finish',
    ]);
    assert.deepEqual(g.nodes.map((n) => n.name).sort(), [
      'cgroup_procs_write_finish',
      'cgroup_procs_write_start',
    ]);
    for (const n of g.nodes)
      assert.match(sourceLine(n.file, n.line), new RegExp(`\\b${n.name}\\(`));
  });

  it('keeps a function whose body is chosen by #if between its head and its brace', () => {
    const g = queryJson<GraphJson>(['callers', 'rpcrdma_is_bcall']);
    const self = g.nodes.find((n) => n.name === 'rpcrdma_is_bcall');
    assert.ok(self && self.file === 'net/sunrpc/xprtrdma/rpc_rdma.c');
    assert.match(sourceLine(self.file, self.line), /^rpcrdma_is_bcall\(/);
    assert.ok(
      g.nodes.some((n) => n.name === 'rpcrdma_reply_handler'),
      'called by rpcrdma_reply_handler',
    );
  });

  it('errors are one line and the documented exit codes', () => {
    const unknown = runCli(['where', 'no_such_function_anywhere']);
    assert.equal(unknown.status, 1);
    assert.equal(unknown.stderr.trim(), 'netpaths: unknown function no_such_function_anywhere');
    const misspelt = runCli(['where', 'netif_recieve_skb']);
    assert.equal(misspelt.status, 1);
    assert.equal(
      misspelt.stderr,
      'netpaths: unknown function netif_recieve_skb (did you mean netif_receive_skb?)\n',
    );
    const wrongFile = runCli(['where', 'net/core/dev.c:e1000_xmit_frame']);
    assert.equal(wrongFile.status, 1);
    assert.equal(
      wrongFile.stderr,
      'netpaths: unknown function e1000_xmit_frame in net/core/dev.c (it is defined in drivers/net/ethernet/intel/e1000/e1000_main.c, drivers/net/ethernet/intel/e1000e/netdev.c)\n',
    );
    const usage = runCli(['callees', 'ip_rcv', '--depth', 'x']);
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^netpaths: --depth needs a positive whole number/);
    const noPath = runCli([
      'path',
      '--from',
      'tcp_v4_rcv',
      '--to',
      'e1000e_poll',
      '--max-depth',
      '3',
    ]);
    assert.equal(noPath.status, 1);
    assert.match(
      noPath.stderr,
      /^netpaths: no path from tcp_v4_rcv to e1000e_poll within 3 calls\n$/,
    );
  });
});
