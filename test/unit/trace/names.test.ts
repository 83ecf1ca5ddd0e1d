import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseTraceName } from '../../../src/analysis/trace/names';

describe('parseTraceName: names as tracers print them, back to the source', () => {
  const cases: [string, { name: string; module?: string; symbol?: boolean }][] = [
    ['ip_rcv', { name: 'ip_rcv' }],
    ['ip_rcv_core.isra.0', { name: 'ip_rcv_core' }],
    ['__netif_receive_skb_core.constprop.0', { name: '__netif_receive_skb_core' }],
    ['tcp_send_ack.part.37+0x3bb/0x650', { name: 'tcp_send_ack' }],
    ['ip_list_rcv_finish.constprop.0.isra.0', { name: 'ip_list_rcv_finish' }],
    ['tcp_sendmsg_locked.cold', { name: 'tcp_sendmsg_locked' }],
    ['sock_def_readable.llvm.1283473629012', { name: 'sock_def_readable' }],
    ['ixgbe_poll+0x1a/0x2b [ixgbe]', { name: 'ixgbe_poll', module: 'ixgbe' }],
    ['virtnet_poll[virtio_net]', { name: 'virtnet_poll', module: 'virtio_net' }],
    ['vxlan_udp_encap_recv [vxlan]', { name: 'vxlan_udp_encap_recv', module: 'vxlan' }],
    ['nf_conntrack_in [nf-conntrack]', { name: 'nf_conntrack_in', module: 'nf_conntrack' }],
    ['__pfx_ip_rcv', { name: 'ip_rcv' }],
    ['__pfx___netif_receive_skb_one_core+0x10/0x10', { name: '__netif_receive_skb_one_core' }],
    ['__x64_sys_sendto', { name: 'sys_sendto' }],
    ['__x64_sys_sendto+0x24', { name: 'sys_sendto' }],
    ['__se_sys_recvmsg', { name: 'sys_recvmsg' }],
    ['__do_sys_socket', { name: 'sys_socket' }],
    ['__ia32_compat_sys_sendmsg', { name: 'compat_sys_sendmsg' }],
    ['SyS_write', { name: 'sys_write' }],
    ['SYSC_recvfrom', { name: 'sys_recvfrom' }],
    ['__SCT__tp_func_kfree_skb', { name: 'tp_func_kfree_skb' }],
    ['0xffffffffc07a1b40', { name: '0xffffffffc07a1b40', symbol: false }],
    ['<script>alert(1)</script>', { name: '<script>alert(1)</script>', symbol: false }],
    ['"quoted"', { name: '"quoted"', symbol: false }],
  ];
  for (const [printed, want] of cases) {
    test(`${printed} -> ${want.name}${want.module ? ` [${want.module}]` : ''}`, () => {
      const got = parseTraceName(printed);
      assert.equal(got.name, want.name);
      assert.equal(got.module, want.module);
      assert.equal(got.symbol, want.symbol ?? true);
      assert.equal(got.raw, printed);
    });
  }

  test('a name is cut at 256 characters, so a hostile trace cannot bloat the output', () => {
    const got = parseTraceName(`f${'x'.repeat(10_000)}`);
    assert.equal(got.raw.length, 256);
  });
});
