import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ExecContext } from '../../../src/analysis/graph-json';
import {
  FUNCTION_NOTES,
  STAGES,
  STAGE_RULES,
  classifyStage,
  functionNote,
  globToRegExp,
  matchStageRule,
} from '../../../src/analysis/knowledge/stages';
import { ROLE_STAGES } from '../../../src/analysis/presets/rows';

/** (name, file) -> expected stage and context; `null` context means "no default". */
const PINNED: [string, string, string, ExecContext | null][] = [
  // Interrupt, NAPI, softirq.
  ['napi_schedule', 'include/linux/netdevice.h', 'napi-softirq', 'hardirq'],
  ['__napi_schedule', 'net/core/dev.c', 'napi-softirq', 'hardirq'],
  ['____napi_schedule', 'net/core/dev.c', 'napi-softirq', 'hardirq'],
  ['napi_schedule_irqoff', 'include/linux/netdevice.h', 'napi-softirq', 'hardirq'],
  ['net_rx_action', 'net/core/dev.c', 'napi-softirq', 'softirq'],
  ['__napi_poll', 'net/core/dev.c', 'napi-softirq', 'softirq'],
  ['napi_poll', 'net/core/dev.c', 'napi-softirq', 'softirq'],
  ['napi_complete_done', 'net/core/dev.c', 'napi-softirq', 'softirq'],
  ['process_backlog', 'net/core/dev.c', 'napi-softirq', 'softirq'],
  ['napi_threaded_poll', 'net/core/dev.c', 'napi-softirq', 'process'],
  ['napi_busy_loop', 'net/core/dev.c', 'napi-softirq', 'process'],
  ['raise_softirq_irqoff', 'kernel/softirq.c', 'softirq', null],
  ['run_ksoftirqd', 'kernel/softirq.c', 'softirq', 'process'],
  // GRO and GSO.
  ['napi_gro_receive', 'net/core/gro.c', 'gro', 'softirq'],
  ['dev_gro_receive', 'net/core/gro.c', 'gro', 'softirq'],
  ['gro_normal_list', 'include/net/gro.h', 'gro', 'softirq'],
  ['napi_gro_complete', 'net/core/gro.c', 'gro', 'softirq'],
  ['inet_gro_receive', 'net/ipv4/af_inet.c', 'gro', 'softirq'],
  ['tcp4_gro_receive', 'net/ipv4/tcp_offload.c', 'gro', 'softirq'],
  ['tcp4_gro_complete', 'net/ipv4/tcp_offload.c', 'gro', 'softirq'],
  ['udp4_gro_receive', 'net/ipv4/udp_offload.c', 'gro', 'softirq'],
  ['ipv6_gro_receive', 'net/ipv6/ip6_offload.c', 'gro', 'softirq'],
  ['tcp_gso_segment', 'net/ipv4/tcp_offload.c', 'gso', null],
  ['__skb_gso_segment', 'net/core/gso.c', 'gso', null],
  ['skb_segment', 'net/core/skbuff.c', 'gso', null],
  // Link and core receive.
  ['eth_type_trans', 'net/ethernet/eth.c', 'link', 'softirq'],
  ['eth_header', 'net/ethernet/eth.c', 'link', null],
  ['netif_receive_skb', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['netif_receive_skb_list_internal', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['__netif_receive_skb_core', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['__netif_receive_skb_list_core', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['__netif_receive_skb_one_core', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['deliver_skb', 'net/core/dev.c', 'core-rx', 'softirq'],
  ['netif_rx', 'net/core/dev.c', 'core-rx', null],
  ['enqueue_to_backlog', 'net/core/dev.c', 'core-rx', null],
  ['get_rps_cpu', 'net/core/dev.c', 'core-rx', null],
  ['sch_handle_ingress', 'net/core/dev.c', 'qdisc', 'softirq'],
  // Netfilter.
  ['nf_hook_slow', 'net/netfilter/core.c', 'netfilter', null],
  ['nf_ingress', 'net/core/dev.c', 'netfilter', null],
  ['NF_HOOK', 'include/linux/netfilter.h', 'netfilter', null],
  ['nf_hook', 'include/linux/netfilter.h', 'netfilter', null],
  ['nf_conntrack_in', 'net/netfilter/nf_conntrack_core.c', 'netfilter', null],
  ['ipv4_conntrack_defrag', 'net/ipv4/netfilter/nf_defrag_ipv4.c', 'netfilter', null],
  ['nf_ct_frag6_gather', 'net/ipv6/netfilter/nf_conntrack_reasm.c', 'netfilter', null],
  // IPv4.
  ['ip_rcv', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_rcv_core', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_list_rcv', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_rcv_finish', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_route_input_noref', 'net/ipv4/route.c', 'ipv4', 'softirq'],
  ['ip_local_deliver', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_local_deliver_finish', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_protocol_deliver_rcu', 'net/ipv4/ip_input.c', 'ipv4', 'softirq'],
  ['ip_forward', 'net/ipv4/ip_forward.c', 'forward', 'softirq'],
  ['ip6_forward_finish', 'net/ipv6/ip6_output.c', 'forward', 'softirq'],
  ['ip_queue_xmit', 'net/ipv4/ip_output.c', 'ipv4', null],
  ['__ip_local_out', 'net/ipv4/ip_output.c', 'ipv4', null],
  ['ip_output', 'net/ipv4/ip_output.c', 'ipv4', null],
  ['ip_finish_output2', 'net/ipv4/ip_output.c', 'ipv4', null],
  ['ip_route_output_key_hash', 'net/ipv4/route.c', 'ipv4', null],
  ['fib_table_lookup', 'net/ipv4/fib_trie.c', 'ipv4', null],
  ['dst_input', 'include/net/dst.h', 'routing', null],
  ['dst_output', 'include/net/dst.h', 'routing', null],
  // IPv6.
  ['ipv6_rcv', 'net/ipv6/ip6_input.c', 'ipv6', 'softirq'],
  ['ip6_rcv_finish', 'net/ipv6/ip6_input.c', 'ipv6', 'softirq'],
  ['ip6_input', 'net/ipv6/ip6_input.c', 'ipv6', 'softirq'],
  ['ip6_xmit', 'net/ipv6/ip6_output.c', 'ipv6', null],
  ['ip6_finish_output2', 'net/ipv6/ip6_output.c', 'ipv6', null],
  ['ip6_route_input', 'net/ipv6/route.c', 'ipv6', 'softirq'],
  // TCP and UDP. Segment processing and the socket wake-up also run in process context, from
  // release_sock() (the socket backlog): no fixed context.
  ['tcp_v4_rcv', 'net/ipv4/tcp_ipv4.c', 'tcp', 'softirq'],
  ['tcp_v4_do_rcv', 'net/ipv4/tcp_ipv4.c', 'tcp', null],
  ['tcp_rcv_established', 'net/ipv4/tcp_input.c', 'tcp', null],
  ['tcp_data_queue', 'net/ipv4/tcp_input.c', 'tcp', null],
  ['tcp_queue_rcv', 'net/ipv4/tcp_input.c', 'tcp', null],
  ['tcp_data_ready', 'net/ipv4/tcp_input.c', 'tcp', null],
  ['tcp_v6_rcv', 'net/ipv6/tcp_ipv6.c', 'tcp', 'softirq'],
  ['tcp_sendmsg', 'net/ipv4/tcp.c', 'tcp', 'process'],
  ['tcp_sendmsg_locked', 'net/ipv4/tcp.c', 'tcp', 'process'],
  ['tcp_recvmsg', 'net/ipv4/tcp.c', 'tcp', 'process'],
  ['tcp_push', 'net/ipv4/tcp.c', 'tcp', null],
  ['tcp_write_xmit', 'net/ipv4/tcp_output.c', 'tcp', null],
  ['__tcp_transmit_skb', 'net/ipv4/tcp_output.c', 'tcp', null],
  ['udp_rcv', 'net/ipv4/udp.c', 'udp', 'softirq'],
  ['__udp4_lib_rcv', 'net/ipv4/udp.c', 'udp', 'softirq'],
  ['udp_queue_rcv_skb', 'net/ipv4/udp.c', 'udp', 'softirq'],
  ['__udp_enqueue_schedule_skb', 'net/ipv4/udp.c', 'udp', 'softirq'],
  ['udpv6_rcv', 'net/ipv6/udp.c', 'udp', 'softirq'],
  ['udp_sendmsg', 'net/ipv4/udp.c', 'udp', 'process'],
  ['udp_send_skb', 'net/ipv4/udp.c', 'udp', 'process'],
  ['udp_lib_lookup', 'net/ipv4/udp.c', 'udp', null],
  // Socket.
  ['sock_def_readable', 'net/core/sock.c', 'socket', null],
  ['sock_sendmsg', 'net/socket.c', 'socket', 'process'],
  ['__sys_sendto', 'net/socket.c', 'socket', 'process'],
  ['inet_sendmsg', 'net/ipv4/af_inet.c', 'socket', null],
  ['skb_copy_datagram_iter', 'net/core/datagram.c', 'socket', null],
  // Neighbour.
  ['neigh_output', 'include/net/neighbour.h', 'neigh', null],
  ['neigh_hh_output', 'include/net/neighbour.h', 'neigh', null],
  ['neigh_resolve_output', 'net/core/neighbour.c', 'neigh', null],
  ['arp_solicit', 'net/ipv4/arp.c', 'neigh', null],
  ['ndisc_send_ns', 'net/ipv6/ndisc.c', 'neigh', null],
  // Core transmit and qdisc.
  ['dev_queue_xmit', 'include/linux/netdevice.h', 'core-tx', null],
  ['__dev_queue_xmit', 'net/core/dev.c', 'core-tx', null],
  ['netdev_core_pick_tx', 'net/core/dev.c', 'core-tx', null],
  ['validate_xmit_skb', 'net/core/dev.c', 'core-tx', null],
  ['dev_hard_start_xmit', 'net/core/dev.c', 'core-tx', null],
  ['xmit_one', 'net/core/dev.c', 'core-tx', null],
  ['netdev_start_xmit', 'include/linux/netdevice.h', 'core-tx', null],
  ['__netdev_start_xmit', 'include/linux/netdevice.h', 'core-tx', null],
  ['__dev_xmit_skb', 'net/core/dev.c', 'qdisc', null],
  ['qdisc_run', 'include/net/pkt_sched.h', 'qdisc', null],
  ['__qdisc_run', 'net/sched/sch_generic.c', 'qdisc', null],
  ['sch_direct_xmit', 'net/sched/sch_generic.c', 'qdisc', null],
  ['pfifo_fast_enqueue', 'net/sched/sch_generic.c', 'qdisc', null],
  ['fq_codel_enqueue', 'net/sched/sch_fq_codel.c', 'qdisc', null],
  ['net_tx_action', 'net/core/dev.c', 'qdisc', 'softirq'],
  ['sch_handle_egress', 'net/core/dev.c', 'qdisc', null],
  // skb helpers and the rest of the core.
  ['skb_pull', 'net/core/skbuff.c', 'skb', null],
  ['__skb_pull', 'include/linux/skbuff.h', 'skb', null],
  ['skb_gro_receive', 'net/core/gro.c', 'gro', 'softirq'],
  ['dev_get_by_index', 'net/core/dev.c', 'core', null],
  ['netif_carrier_on', 'net/sched/sch_generic.c', 'qdisc', null],
];

describe('classifyStage()', () => {
  for (const [name, file, stage, context] of PINNED) {
    test(`${name} in ${file} -> ${stage}${context ? `/${context}` : ''}`, () => {
      const got = classifyStage(name, file);
      assert.ok(got, 'classified');
      assert.equal(got.stage, stage);
      assert.equal(got.context, context ?? undefined);
    });
  }

  test('drivers and unrelated code are left to other classifiers', () => {
    assert.equal(
      classifyStage('e1000_intr', 'drivers/net/ethernet/intel/e1000e/netdev.c'),
      undefined,
    );
    assert.equal(
      classifyStage('e1000e_poll', 'drivers/net/ethernet/intel/e1000e/netdev.c'),
      undefined,
    );
    assert.equal(classifyStage('ext4_readdir', 'fs/ext4/dir.c'), undefined);
  });

  test('paths are normalised', () => {
    assert.equal(classifyStage('ip_rcv', './net/ipv4/ip_input.c')?.stage, 'ipv4');
    assert.equal(classifyStage('ip_rcv', 'net\\ipv4\\ip_input.c')?.stage, 'ipv4');
  });

  test('a note comes from FUNCTION_NOTES first, then from the matching rule', () => {
    assert.equal(
      classifyStage('ip_rcv', 'net/ipv4/ip_input.c')?.note,
      functionNote('ip_rcv')?.note,
    );
    assert.match(
      classifyStage('napi_threaded_poll_loop', 'net/core/dev.c')?.note ?? '',
      /kernel thread/,
    );
    assert.equal(classifyStage('ip_options_compile', 'net/ipv4/ip_options.c')?.note, undefined);
  });

  test('the first matching rule wins', () => {
    // net/ipv4/netfilter/** must win over net/ipv4/ip_*.c-style rows; tcp_ipv6.c over net/ipv6/**.
    assert.equal(
      matchStageRule('ip_tables_x', 'net/ipv4/netfilter/ip_tables.c')?.stage,
      'netfilter',
    );
    assert.equal(matchStageRule('tcp_v6_connect', 'net/ipv6/tcp_ipv6.c')?.stage, 'tcp');
    assert.equal(matchStageRule('ndisc_rcv', 'net/ipv6/ndisc.c')?.stage, 'neigh');
  });
});

describe('STAGE_RULES and STAGES', () => {
  test('every rule uses a known stage and has a pattern', () => {
    const ids = new Set(STAGES.map((s) => s.id));
    assert.equal(ids.size, STAGES.length, 'stage ids are unique');
    for (const r of STAGE_RULES) {
      assert.ok(ids.has(r.stage), r.stage);
      assert.ok(
        r.file !== undefined || r.name !== undefined,
        'a rule without patterns would match everything',
      );
      assert.ok(!(r.file ?? '').startsWith('drivers/'), 'driver roles are discovered elsewhere');
    }
  });

  test('the stages the presets give driver roles are stages of this vocabulary', () => {
    const ids = new Set(STAGES.map((s) => s.id));
    for (const [role, stage] of Object.entries(ROLE_STAGES))
      assert.ok(ids.has(stage), `${role} -> ${stage}`);
  });

  test('every rule is reachable: some input reaches it first', () => {
    // Rules with names are probed with their first literal-ish name; file-only rules with a sample path.
    for (const [i, r] of STAGE_RULES.entries()) {
      const names = typeof r.name === 'string' ? [r.name] : (r.name ?? ['some_function']);
      const name = (names[0] ?? '').replace(/\*/g, 'x');
      const file = r.file
        ? (r.file.replace(/^\{/, '').split(/[,}]/)[0] ?? '')
            .replace(/\*\*/g, 'a/b')
            .replace(/\*/g, 'x')
        : 'net/core/dev.c';
      assert.equal(
        matchStageRule(name, file),
        r,
        `rule ${i} (${String(r.name ?? r.file)}) is shadowed for ${name} in ${file}`,
      );
    }
  });
});

describe('FUNCTION_NOTES', () => {
  test('has one row per function, each classified in its own file', () => {
    const names = FUNCTION_NOTES.map((n) => n.name);
    assert.equal(new Set(names).size, names.length);
    // The routes beside the IP path (XDP, the bridge, tc, tunnels, AF_PACKET) add their own.
    assert.ok(names.length >= 60 && names.length <= 220, `${names.length} notes`);
    for (const n of FUNCTION_NOTES) {
      assert.ok(classifyStage(n.name, n.file), `${n.name} in ${n.file} has no stage`);
      assert.match(n.file, /^(?:net|include|kernel)\/[\w/.-]+\.[ch]$/, n.name);
      assert.ok(
        // Room for the conditions a correct note needs (when napi_complete_done lets go).
        n.note.length >= 20 && n.note.length <= 320,
        `${n.name}: ${n.note.length} characters`,
      );
      assert.match(n.note, /[.)]$/, `${n.name}: a sentence`);
    }
  });

  test('covers both paths end to end', () => {
    const ingress = [
      'net_rx_action',
      '__napi_poll',
      'napi_gro_receive',
      '__netif_receive_skb_core',
      'ip_rcv',
      'ip_local_deliver_finish',
      'tcp_v4_rcv',
      'tcp_rcv_established',
      'sock_def_readable',
      'udp_rcv',
      '__udp_enqueue_schedule_skb',
    ];
    const egress = [
      'tcp_sendmsg',
      '__tcp_transmit_skb',
      '__ip_queue_xmit',
      '__ip_local_out',
      'ip_output',
      'ip_finish_output2',
      'neigh_output',
      '__dev_queue_xmit',
      '__dev_xmit_skb',
      'sch_direct_xmit',
      'dev_hard_start_xmit',
      'netdev_start_xmit',
    ];
    for (const name of [...ingress, ...egress]) assert.ok(functionNote(name), name);
  });
});

describe('globToRegExp()', () => {
  test('globs', () => {
    assert.ok(globToRegExp('net/ipv4/tcp*.c').test('net/ipv4/tcp_input.c'));
    assert.ok(!globToRegExp('net/ipv4/tcp*.c').test('net/ipv4/sub/tcp_input.c'));
    assert.ok(globToRegExp('net/netfilter/**').test('net/netfilter/ipvs/ip_vs_core.c'));
    assert.ok(globToRegExp('include/net/**/x.h').test('include/net/x.h'));
    assert.ok(globToRegExp('include/net/**/x.h').test('include/net/a/b/x.h'));
    assert.ok(globToRegExp('{a.c,b/*.c}').test('b/c.c'));
    assert.ok(!globToRegExp('{a.c,b/*.c}').test('a.cc'));
    assert.ok(globToRegExp('__netif_receive_skb*').test('__netif_receive_skb_list_core'));
    assert.ok(!globToRegExp('ip_rcv').test('ip_rcv_core'));
    assert.ok(globToRegExp('a?c').test('abc'));
    assert.ok(!globToRegExp('a.c').test('abc'), 'dots are literal');
  });
});
