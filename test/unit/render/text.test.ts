import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionsText, toText } from '../../../src/analysis/render/text';
import { fixture } from './fixtures';

describe('toText', () => {
  it('prints each path as an indented chain with kinds, vias and locations', () => {
    const text = toText(fixture('path-napi-to-ip-rcv'));
    const lines = text.split('\n');
    assert.equal(lines[0], 'path __napi_poll → ip_rcv');
    assert.equal(lines[2], 'Path 1 of 2 (8 functions)');
    assert.equal(lines[3], '  __napi_poll  net/core/dev.c:6812');
    assert.equal(
      lines[4],
      '    ⇢ e1000e_poll  drivers/net/ethernet/intel/e1000e/netdev.c:2681  (indirect: napi_struct.poll = e1000e_poll at drivers/net/ethernet/intel/e1000e/netdev.c:7564 (netif_napi_add); call at net/core/dev.c:6830)',
    );
    assert.equal(
      lines[6],
      '        → e1000_receive_skb  drivers/net/ethernet/intel/e1000e/netdev.c:551  (call at drivers/net/ethernet/intel/e1000e/netdev.c:1025)',
    );
    assert.equal(lines.filter((l) => l.startsWith('Path ')).length, 2);
    assert.ok(
      text.includes(
        '      ⇢ e1000_clean_jumbo_rx_irq  drivers/net/ethernet/intel/e1000e/netdev.c:1413',
      ),
    );
    assert.ok(text.endsWith('call at net/core/dev.c:5740)\n'));
  });

  it('groups a plain call graph by caller', () => {
    const text = toText(fixture('plain-callees'));
    assert.equal(
      text,
      [
        'callees of ip_rcv_finish',
        '',
        'ip_rcv_finish  net/ipv4/ip_input.c:436',
        '  → ip_rcv_finish_core  (call at net/ipv4/ip_input.c:446)',
        '  → dst_input  (call at net/ipv4/ip_input.c:450)',
        'ip_rcv_finish_core  net/ipv4/ip_input.c:317',
        '  → skb_dst  (call at net/ipv4/ip_input.c:330)',
        '  → ip_route_input_noref  (call at net/ipv4/ip_input.c:360)',
        '  → skb_dst  (call at net/ipv4/ip_input.c:371)',
        'dst_input  include/net/dst.h:466',
        '  ⇢ ip_local_deliver  (indirect: dst_entry.input = ip_local_deliver at net/ipv4/route.c:1790; call at include/net/dst.h:468)',
        '  ⇢ ip_forward  (indirect: dst_entry.input = ip_forward at net/ipv4/route.c:1879; call at include/net/dst.h:468)',
        '',
        '7 functions, 7 calls. → direct  ⇢ indirect (function pointer)  ⇒ async (softirq, work)',
        '',
      ].join('\n'),
    );
  });

  it('tells apart callees that share a name by where each is defined', () => {
    // One call, two definitions: a static inline for one configuration, a function for another.
    const text = toText({
      nodes: [
        {
          id: 'net/core/dev.c:__netif_receive_skb_core',
          name: '__netif_receive_skb_core',
          file: 'net/core/dev.c',
          line: 5641,
        },
        {
          id: 'include/linux/preempt.h:migrate_disable',
          name: 'migrate_disable',
          file: 'include/linux/preempt.h',
          line: 433,
        },
        {
          id: 'kernel/sched/core.c:migrate_disable',
          name: 'migrate_disable',
          file: 'kernel/sched/core.c',
          line: 2334,
        },
        {
          id: 'net/core/dev.c:deliver_skb',
          name: 'deliver_skb',
          file: 'net/core/dev.c',
          line: 2368,
        },
      ],
      edges: [
        {
          from: 'net/core/dev.c:__netif_receive_skb_core',
          to: 'include/linux/preempt.h:migrate_disable',
          kind: 'direct',
          file: 'net/core/dev.c',
          line: 5673,
        },
        {
          from: 'net/core/dev.c:__netif_receive_skb_core',
          to: 'kernel/sched/core.c:migrate_disable',
          kind: 'direct',
          file: 'net/core/dev.c',
          line: 5673,
        },
        {
          from: 'net/core/dev.c:__netif_receive_skb_core',
          to: 'net/core/dev.c:deliver_skb',
          kind: 'direct',
          file: 'net/core/dev.c',
          line: 5698,
        },
      ],
    });
    const calls = text.split('\n').filter((l) => l.startsWith('  → '));
    assert.deepEqual(calls, [
      '  → migrate_disable  include/linux/preempt.h:433  (call at net/core/dev.c:5673)',
      '  → migrate_disable  kernel/sched/core.c:2334  (call at net/core/dev.c:5673)',
      '  → deliver_skb  (call at net/core/dev.c:5698)',
    ]);
  });

  it('lists definitions alone for `where`, macros marked', () => {
    const text = definitionsText({
      nodes: [
        {
          id: 'include/linux/netdevice.h:napi_schedule',
          name: 'napi_schedule',
          file: 'include/linux/netdevice.h',
          line: 519,
        },
        {
          id: 'include/linux/netfilter.h:NF_HOOK',
          name: 'NF_HOOK',
          file: 'include/linux/netfilter.h',
          line: 300,
          kind: 'macro',
        },
      ],
      edges: [],
    });
    assert.equal(
      text,
      'napi_schedule  include/linux/netdevice.h:519\nNF_HOOK  include/linux/netfilter.h:300  (macro)\n\n2 definitions.\n',
    );
  });

  it('prints presets by stage with annotations, then the skb timeline', () => {
    const text = toText(fixture('e1000e-ingress'));
    const headers = text.split('\n').filter((l) => l.startsWith('== '));
    assert.deepEqual(headers, [
      '== Driver · hard IRQ (driver-irq) ==',
      '== NAPI · NET_RX softirq (napi-softirq) ==',
      '== Softirq machinery (softirq) ==',
      '== Driver · NAPI poll (driver-poll) ==',
      '== Link layer · Ethernet (link) ==',
      '== GRO · generic receive offload (gro) ==',
      '== Core RX · __netif_receive_skb (core-rx) ==',
      '== IPv4 (ipv4) ==',
      '== Netfilter hooks (netfilter) ==',
      '== TCP (tcp) ==',
      '== Socket (socket) ==',
      '== skb timeline ==',
    ]);
    assert.ok(
      text.includes(
        '  e1000_intr_msi  drivers/net/ethernet/intel/e1000e/netdev.c:1792  [hard IRQ]\n      MSI interrupt handler: masks further interrupts and schedules NAPI.\n',
      ),
    );
    assert.ok(
      text.includes(
        '      ⇒ net_rx_action  (async: NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:12345; call at kernel/softirq.c:706)',
      ),
    );
    assert.ok(text.includes('      ◆ netfilter hook PRE_ROUTING'));
    assert.ok(
      text.includes(
        '      ⊕ 9 more functions collapsed (expand with --expand drivers/net/ethernet/intel/e1000e/netdev.c:e1000_clean_tx_irq)',
      ),
    );
    assert.ok(text.includes('  gro_normal_one  include/net/gro.h:515  [softirq]  (macro)'));
    assert.ok(
      text.includes(
        '   2. eth_type_trans(skb, dev)  in e1000_clean_rx_irq  drivers/net/ethernet/intel/e1000e/netdev.c:1020\n      mac_header = data, data += ETH_HLEN, len -= ETH_HLEN — marks and strips the Ethernet header, sets skb->dev and pkt_type, and returns the EtherType for skb->protocol\n',
      ),
    );
  });

  it('never prints control characters from the data', () => {
    const text = toText(fixture('hostile-names'));
    // eslint-disable-next-line no-control-regex -- the assertion is about control characters
    assert.doesNotMatch(text.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f]/);
    assert.ok(text.includes('\\x07ctl sep'), 'controls are shown, escaped');
  });
});
