// The trace readers on real traces from public sources and on traces written for the
// corners of each format (test/fixtures/traces/README.md says which is which).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { detectFormat } from '../../../src/analysis/trace/read';
import { fixtureText, names, nesting, readFixture } from './helpers';

describe('format detection by content', () => {
  const cases: [string, string][] = [
    ['pwru-old-egress.txt', 'pwru'],
    ['pwru-column-gro-receive.txt', 'pwru'],
    ['pwru-stack-virtio.txt', 'pwru'],
    ['own-pwru-json.jsonl', 'pwru'],
    ['nettrace-icmp-receive.txt', 'nettrace'],
    ['nettrace-old-nat-forward.txt', 'nettrace'],
    ['own-nettrace-drop-date.txt', 'nettrace'],
    ['trace-cmd-funcgraph-net-rx-action.txt', 'ftrace'],
    ['ftrace-funcgraph-abstime-xen-irq.txt', 'ftrace'],
    ['ftrace-kprobe-stack-tcp-send.txt', 'ftrace'],
    ['own-ftrace-function.txt', 'ftrace'],
    ['perf-script-iperf-tcp.txt', 'perf-script'],
    ['syzbot-kasan-ip-queue-xmit.txt', 'stack-dump'],
    ['mptcp-warning-decoded.txt', 'stack-dump'],
    ['oops-tempesta-receive.txt', 'stack-dump'],
  ];
  for (const [file, format] of cases) {
    test(`${file} is ${format}`, () => {
      assert.equal(detectFormat(fixtureText(file).split('\n'))?.name, format);
    });
  }
  test('text of no trace is no format', () => {
    assert.equal(detectFormat(['# A README', '', 'Some prose about packets.']), undefined);
  });
});

describe('pwru', () => {
  test('the older output: key=value meta and tuple after the function, right-aligned columns', () => {
    const r = readFixture('pwru-old-egress.txt');
    assert.equal(r.inputs[0]?.format, 'pwru');
    assert.deepEqual(names(r), [
      '__dev_queue_xmit',
      'qdisc_pkt_len_init',
      'netdev_core_pick_tx',
      'sch_direct_xmit',
      'validate_xmit_skb_list',
      'validate_xmit_skb',
      'netif_skb_features',
    ]);
    assert.ok(r.events.every((e) => e.packet === '0xffff97bfe0bb42e8' && e.cpu === 0));
    assert.equal(r.skipped.lines, 0);
  });

  test('its log, progress bar and header are read as part of it', () => {
    const r = readFixture('pwru-old-backlog-receive.txt');
    assert.deepEqual(names(r), [
      '__netif_rx',
      'netif_rx_internal',
      'enqueue_to_backlog',
      '__netif_receive_skb',
    ]);
    assert.equal(r.skipped.lines, 0);
  });

  test('the column output: FUNC found after NETNS..LEN and TUPLE by the header', () => {
    const r = readFixture('pwru-column-gro-receive.txt');
    assert.deepEqual(names(r).slice(0, 3), [
      'inet_gro_receive',
      'tcp4_gro_receive',
      '__skb_gro_checksum_complete',
    ]);
    assert.equal(r.events[0]?.time, undefined, 'NETNS is not a timestamp');
    assert.equal(r.skipped.lines, 0);
  });

  test('a drop with its reason named, and one pwru could only number', () => {
    const named = readFixture('pwru-old-netfilter-drop.txt').events[1];
    assert.equal(named?.fn.name, 'kfree_skb_reason');
    assert.equal(named?.drop?.reason, 'SKB_DROP_REASON_NETFILTER_DROP');
    const numbered = readFixture('own-pwru-caller-timestamp.txt').events.find((e) => e.drop);
    assert.equal(numbered?.fn.name, 'sk_skb_reason_drop');
    assert.equal(numbered?.drop?.reason, '77');
    const bare = readFixture('pwru-column-sk-skb-reason-drop.txt').events[0];
    assert.equal(bare?.drop?.reason, '', 'sk_skb_reason_drop without a reason is still a drop');
  });

  test('TIME, TIMESTAMP and CALLER columns; BPF programs and addresses are no symbols; skb dumps belong to it', () => {
    const r = readFixture('own-pwru-caller-timestamp.txt');
    assert.equal(r.skipped.lines, 0);
    const [first, second, prog, address] = r.events;
    assert.equal(first?.fn.name, 'napi_gro_receive');
    assert.equal(first?.caller?.name, 'e1000_clean_rx_irq');
    assert.equal(first?.caller?.module, 'e1000');
    assert.equal(first?.time, '2025-01-10T09:12:33.104');
    assert.equal(second?.caller?.name, 'napi_gro_receive');
    assert.equal(prog?.fn.symbol, false);
    assert.equal(address?.fn.symbol, false);
    assert.equal(address?.caller?.name, '__netif_receive_skb_core');
  });

  test('an skb address used again after the skb was freed is another packet', () => {
    const r = readFixture('own-pwru-caller-timestamp.txt');
    const packets = [...new Set(r.events.map((e) => e.packet))];
    assert.deepEqual(packets, ['0xffff88810a2f3c00', '0xffff88810a2f3c00 #2']);
    assert.equal(r.events.find((e) => e.fn.name === 'kfree_skbmem')?.packet, packets[0]);
  });

  test('--output-stack: the frames call each other, outermost first, and the event last; a stack shared with the one before is not repeated', () => {
    const r = readFixture('pwru-stack-tcp-send.txt');
    const chain = nesting(r);
    assert.deepEqual(chain.slice(0, 4), [
      'entry_SYSCALL_64_after_hwframe',
      'do_syscall_64<-entry_SYSCALL_64_after_hwframe',
      'sys_sendto<-do_syscall_64',
      '__sys_sendto<-sys_sendto',
    ]);
    assert.equal(chain[17], 'passthru_features_check<-netif_skb_features');
    assert.equal(chain[18], 'skb_network_protocol<-netif_skb_features');
    assert.equal(r.events.length, 19, 'the second stack adds only its own event');
  });

  test('--output-stack: module functions as name[module]; an interrupt entry has no caller', () => {
    const r = readFixture('pwru-stack-virtio.txt');
    const poll = r.events.find((e) => e.fn.name === 'virtnet_poll');
    assert.equal(poll?.fn.module, 'virtio_net');
    assert.equal(
      nesting(r).find((n) => n.startsWith('asm_common_interrupt')),
      'asm_common_interrupt',
    );
  });

  test('--output-json: old and new tuples, caller_func, a stack string, a number for a reason; a line of no JSON is skipped', () => {
    const r = readFixture('own-pwru-json.jsonl');
    assert.equal(r.inputs[0]?.format, 'pwru-json');
    assert.equal(r.skipped.lines, 1);
    assert.equal(r.skipped.first?.text, 'this line is not JSON');
    assert.equal(r.events[1]?.caller?.name, 'ip_output');
    const xmit = r.events.find((e) => e.fn.name === '__dev_queue_xmit');
    assert.ok(xmit?.parent !== undefined);
    assert.equal(r.events[(xmit?.parent ?? 0) - 1]?.fn.name, 'ip_finish_output2');
    assert.equal(r.events.find((e) => e.drop)?.drop?.reason, '77');
  });

  test('--skb keeps one packet, whichever way its address is written', () => {
    const all = readFixture('own-pwru-caller-timestamp.txt');
    const one = readFixture('own-pwru-caller-timestamp.txt', { skb: 'FFFF88810A2F3C00' });
    assert.equal(one.events.length, all.events.length);
    const none = readFixture('own-pwru-caller-timestamp.txt', { skb: '0xdead' });
    assert.equal(none.events.length, 0);
    assert.equal(none.skipped.events, all.events.length);
  });
});

describe('nettrace', () => {
  test('default output: one packet under its banner of skb addresses', () => {
    const r = readFixture('nettrace-icmp-receive.txt');
    assert.equal(r.inputs[0]?.format, 'nettrace');
    assert.deepEqual(names(r).slice(0, 4), [
      'dev_gro_receive',
      '__netif_receive_skb_core',
      'ip_rcv',
      'ip_rcv_core',
    ]);
    assert.ok(r.events.every((e) => e.packet === 'e8fbc700,e8fbdc00'));
    assert.equal(r.events[0]?.time, '1273445.360831');
    assert.equal(r.skipped.lines, 0);
  });

  test('--detail: CPU and task columns', () => {
    const r = readFixture('nettrace-detail-receive.txt');
    assert.equal(r.events[0]?.cpu, 40);
    assert.equal(r.events[0]?.task, 'swapper/40-0');
    assert.equal(r.skipped.lines, 0);
  });

  test('the oldest output and its banner', () => {
    const r = readFixture('nettrace-old-nat-forward.txt');
    assert.equal(r.events[0]?.fn.name, '__netif_receive_skb_core');
    assert.ok(r.events.every((e) => e.packet === '8f02f900'));
    assert.equal(r.skipped.lines, 0);
  });

  test('--trace-stack: the Call Stack becomes the callers of the event before it', () => {
    const r = readFixture('nettrace-trace-stack.txt');
    const icmp = nesting(r).find((n) => n.startsWith('icmp_rcv'));
    assert.equal(icmp, 'icmp_rcv<-ip_local_deliver_finish');
    assert.ok(nesting(r).includes('sys_sendto<-do_syscall_64'));
    assert.equal(r.skipped.lines, 0);
  });

  test('diagnosis: the ANALYSIS RESULT names the drop reason and where', () => {
    const r = readFixture('nettrace-diag-netfilter-drop.txt');
    const drop = r.events.find((e) => e.drop);
    assert.equal(drop?.fn.name, 'kfree_skb');
    assert.equal(drop?.drop?.reason, 'NETFILTER_DROP');
    assert.equal(drop?.drop?.in?.name, 'nf_hook_slow');
    assert.equal(r.skipped.lines, 0);
  });

  test('--drop lines name no function column: the drop is in the function of its location', () => {
    const r = readFixture('own-nettrace-drop-date.txt');
    assert.deepEqual(
      r.events.filter((e) => e.drop).map((e) => `${e.fn.name}:${e.drop?.reason}`),
      ['tcp_v4_rcv:NO_SOCKET', 'ip_rcv_finish_core:IP_RPFILTER', 'kfree_skb:IP_INHDR'],
    );
    assert.equal(r.events.find((e) => e.fn.name === 'ip_rcv')?.cpu, 1);
  });
});

describe('ftrace', () => {
  test('trace-cmd report of function_graph: the nesting of each call', () => {
    const r = readFixture('trace-cmd-funcgraph-net-rx-action.txt');
    assert.equal(r.inputs[0]?.format, 'function_graph');
    const n = nesting(r);
    assert.equal(n[0], 'net_rx_action');
    assert.ok(n.includes('napi_consume_skb<-net_rx_action'));
    assert.ok(n.includes('kfree_skbmem<-napi_consume_skb'));
    assert.ok(n.includes('__napi_poll<-net_rx_action'));
    assert.ok(n.includes('process_backlog<-__napi_poll'));
    assert.ok(n.includes('__netif_receive_skb<-process_backlog'));
    assert.equal(r.events[0]?.cpu, 1);
    assert.equal(r.events[0]?.task, 'curl-125402');
    // The `....` the author left out of the trace is the one line skipped.
    assert.equal(r.skipped.lines, 1);
  });

  test('the trace file: time and duration columns, module suffixes', () => {
    const r = readFixture('ftrace-funcgraph-abstime-xen-irq.txt');
    assert.equal(r.events[0]?.time, '7238523.638008');
    assert.ok(nesting(r).includes('rcu_irq_enter<-irq_enter'));
    const vx = readFixture('ftrace-funcgraph-vxlan.txt');
    assert.equal(vx.events[0]?.fn.module, 'vxlan');
    assert.ok(nesting(vx).includes('enqueue_to_backlog<-netif_rx'));
  });

  test('two CPUs interleaved, interrupts, overhead marks, funcgraph-tail, context switches, lost events', () => {
    const r = readFixture('own-ftrace-graph-raw.txt');
    const n = nesting(r);
    assert.ok(n.includes('napi_gro_receive<-e1000_clean_rx_irq'));
    assert.ok(n.includes('lock_sock_nested<-tcp_sendmsg'));
    assert.ok(n.includes('__sysvec_apic_timer_interrupt'), 'the interrupt has no caller');
    assert.ok(n.includes('dev_gro_receive<-napi_gro_receive'), 'the interrupt ended');
    assert.ok(n.includes('ip_rcv_core<-ip_list_rcv'));
    assert.ok(n.includes('sk_skb_reason_drop<-net_tx_action'));
    assert.equal(
      r.events.find((e) => e.fn.name === 'sk_skb_reason_drop')?.drop?.reason,
      'NO_SOCKET',
    );
    assert.deepEqual(
      [...new Set(r.events.filter((e) => e.cpu === 1).map((e) => e.packet))],
      ['cpu 1 #1', 'cpu 1 #2'],
    );
    assert.equal(r.skipped.lines, 0);
    assert.match(r.notes.join('\n'), /starts inside 1 call/);
  });

  test('the function tracer: each call with the caller it names', () => {
    const r = readFixture('own-ftrace-function.txt');
    assert.equal(r.inputs[0]?.format, 'function');
    assert.deepEqual(
      r.events.map((e) => `${e.fn.name}<-${e.caller?.name ?? ''}`),
      [
        'ip_rcv<-__netif_receive_skb_one_core',
        'ip_rcv_core<-ip_rcv',
        'ip_rcv_finish<-ip_rcv',
        'ip_local_deliver<-ip_rcv_finish',
        'tcp_v4_rcv<-ip_protocol_deliver_rcu',
        'tcp_sendmsg<-sock_sendmsg',
      ],
    );
    assert.equal(r.events[4]?.task, 'kworker/u8:2-153');
  });

  test('kprobe -s: the <stack trace> frames call each other and the probed function', () => {
    const r = readFixture('ftrace-kprobe-stack-tcp-send.txt');
    assert.equal(r.inputs[0]?.format, 'ftrace-stack');
    const first = nesting(r).slice(0, 11);
    assert.equal(first[0], 'system_call_fastpath');
    assert.equal(first[1], 'sys_write<-system_call_fastpath');
    assert.equal(first[10], 'tcp_init_cwnd<-tcp_write_xmit');
    assert.equal(new Set(r.events.map((e) => e.packet)).size, 2, 'one packet per stack');
    const vx = readFixture('ftrace-kprobe-stack-vxlan-receive.txt');
    assert.ok(nesting(vx).includes('vxlan_udp_encap_recv<-__udp4_lib_rcv'));
    assert.equal(vx.events.find((e) => e.fn.name === 'vxlan_udp_encap_recv')?.fn.module, 'vxlan');
  });
});

describe('perf script', () => {
  test('call chains: kernel frames outermost first; user-space and unknown frames are counted and left out', () => {
    const r = readFixture('perf-script-iperf-tcp.txt');
    assert.equal(r.inputs[0]?.format, 'perf-script');
    const first = r.events.filter((e) => e.packet === 'sample 1').map((e) => e.fn.name);
    // sys_recvfrom and SYSC_recvfrom are one SYSCALL_DEFINE6(recvfrom, ...) of the source.
    assert.deepEqual(first.slice(0, 3), [
      'entry_SYSCALL_64_fastpath',
      'sys_recvfrom',
      'sock_recvmsg',
    ]);
    assert.ok(nesting(r).includes('ip_rcv<-__netif_receive_skb_core'));
    assert.ok(r.skipped.frames > 0);
    assert.equal(r.events[0]?.task, 'iperf-28744');
  });

  test('a module from its .ko path or [module]', () => {
    const r = readFixture('own-perf-script-modules.txt');
    assert.equal(r.events[0]?.fn.module, 'e1000');
    assert.equal(r.events.find((e) => e.fn.name === 'virtnet_poll')?.fn.module, 'virtio_net');
    assert.equal(r.skipped.frames, 1);
  });
});

describe('kernel stack dumps', () => {
  test("syzbot/KASAN: [inline] frames and file:line kept, the report's own frames left out, outermost first", () => {
    const r = readFixture('syzbot-kasan-ip-queue-xmit.txt');
    const n = nesting(r);
    assert.equal(n[0], '__netif_receive_skb_core');
    assert.deepEqual(n.slice(1, 6), [
      'ip_rcv<-__netif_receive_skb_core',
      'NF_HOOK<-ip_rcv',
      'ip_rcv_finish<-NF_HOOK',
      'dst_input<-ip_rcv_finish',
      'ip_local_deliver<-dst_input',
    ]);
    const dst = r.events.find((e) => e.fn.name === 'dst_input');
    assert.equal(dst?.inline, true);
    assert.deepEqual(dst?.site, { file: 'include/net/dst.h', line: 464 });
    assert.equal(n[n.length - 1], 'ip_queue_xmit<-tcp_transmit_skb');
    assert.ok(!names(r).some((x) => /dump_stack|kasan|asan/.test(x)));
    assert.equal(r.skipped.frames, 6);
    // tcp_send_ack and its split-off part are one function, where the part made the call.
    const ack = r.events.filter((e) => e.fn.name === 'tcp_send_ack');
    assert.equal(ack.length, 1);
    assert.equal(ack[0]?.site?.line, 3587);
  });

  test('decoded stacks: file:line in parentheses, discriminators, unreliable `?` frames left out', () => {
    const r = readFixture('mptcp-warning-decoded.txt');
    assert.deepEqual(names(r), [
      '__netif_receive_skb_one_core',
      'ip_rcv',
      'ip_local_deliver',
      'ip_local_deliver_finish',
      'ip_protocol_deliver_rcu',
    ]);
    assert.deepEqual(r.events[0]?.site, { file: 'net/core/dev.c', line: 5674 });
    assert.equal(r.skipped.frames, 11);
  });

  test('an oops: RIP is the innermost frame, each context its own chain, modules, the old [<addr>] form', () => {
    const r = readFixture('own-stack-dump-irq.txt');
    const n = nesting(r);
    assert.ok(n.includes('e1000_clean_rx_irq<-e1000e_poll'), 'RIP before the trace');
    assert.ok(n.includes('default_idle<-default_idle_call'), 'RIP inside the trace');
    assert.ok(n.includes('common_interrupt'), 'the interrupt was not called by the idle loop');
    assert.ok(n.includes('__irq_exit_rcu<-common_interrupt'));
    assert.equal(r.events.find((e) => e.fn.name === 'e1000e_poll')?.fn.module, 'e1000e');
    assert.deepEqual(
      r.events.filter((e) => e.packet === 'stack 2').map((e) => e.fn.name),
      ['__imq_nf_queue', 'ip_output', 'nf_hook_slow'],
    );
    assert.equal(r.skipped.lines, 0);
  });
});
