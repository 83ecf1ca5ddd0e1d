import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shortVia } from '../../../src/analysis/render/via';

describe('shortVia', () => {
  const indirect = (via: string): string | undefined => shortVia({ kind: 'indirect', via });

  it('names an ops-table field by itself when it is descriptive', () => {
    assert.equal(indirect('net_device_ops.ndo_start_xmit = e1000_xmit_frame at drivers/net/ethernet/intel/e1000e/netdev.c:7336'), 'ndo_start_xmit');
    assert.equal(indirect('packet_offload.callbacks.gro_receive = inet_gro_receive at net/ipv4/af_inet.c:1893'), 'gro_receive');
    assert.equal(indirect('sock.sk_data_ready = sock_def_readable at net/core/sock.c:3611 (sock_init_data)'), 'sk_data_ready');
  });

  it('qualifies a bare field by its struct, without _struct/_entry/_ops', () => {
    assert.equal(indirect('napi_struct.poll = e1000e_poll at drivers/net/ethernet/intel/e1000e/netdev.c:7564'), 'napi poll');
    assert.equal(indirect('dst_entry.input = ip_local_deliver at net/ipv4/route.c:1790'), 'dst input');
    assert.equal(indirect('Qdisc_ops.enqueue = pfifo_fast_enqueue at net/sched/sch_generic.c:896'), 'Qdisc enqueue');
  });

  it('reads softirqs as "<NAME> softirq"', () => {
    assert.equal(shortVia({ kind: 'async', via: 'NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:12345' }), 'NET_RX softirq');
    assert.equal(shortVia({ kind: 'async', via: 'NET_TX_SOFTIRQ: open_softirq(NET_TX_SOFTIRQ, net_tx_action)' }), 'NET_TX softirq');
  });

  it('keeps other forms up to 28 characters', () => {
    assert.equal(indirect('NF_HOOK okfn = ip_rcv_finish at net/ipv4/ip_input.c:572'), 'NF_HOOK okfn');
    const long = indirect('some very long description of how this edge was resolved by the analysis');
    assert.ok(long !== undefined && Array.from(long).length <= 28 && long.endsWith('…'));
  });

  it('labels direct calls with nothing, and unexplained edges by kind', () => {
    assert.equal(shortVia({ kind: 'direct', via: 'x.y = z' }), undefined);
    assert.equal(shortVia({ kind: 'indirect' }), 'indirect');
    assert.equal(shortVia({ kind: 'async', via: '  ' }), 'async');
  });
});
