import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { buildIndex } from '../../../src/analysis/index/indexer';
import { shortVia } from '../../../src/analysis/render/via';

describe('shortVia', () => {
  const indirect = (via: string): string | undefined => shortVia({ kind: 'indirect', via });

  it('names an ops-table field by itself when it is descriptive', () => {
    assert.equal(
      indirect(
        'net_device_ops.ndo_start_xmit = e1000_xmit_frame at drivers/net/ethernet/intel/e1000e/netdev.c:7336',
      ),
      'ndo_start_xmit',
    );
    assert.equal(
      indirect(
        'packet_offload.callbacks.gro_receive = inet_gro_receive at net/ipv4/af_inet.c:1893',
      ),
      'gro_receive',
    );
    assert.equal(
      indirect('sock.sk_data_ready = sock_def_readable at net/core/sock.c:3611 (sock_init_data)'),
      'sk_data_ready',
    );
  });

  it('qualifies a bare field by its struct, without _struct/_entry/_ops', () => {
    assert.equal(
      indirect('napi_struct.poll = e1000e_poll at drivers/net/ethernet/intel/e1000e/netdev.c:7564'),
      'napi poll',
    );
    assert.equal(
      indirect('dst_entry.input = ip_local_deliver at net/ipv4/route.c:1790'),
      'dst input',
    );
    assert.equal(
      indirect('Qdisc_ops.enqueue = pfifo_fast_enqueue at net/sched/sch_generic.c:896'),
      'Qdisc enqueue',
    );
  });

  it('reads softirqs as "<NAME> softirq"', () => {
    assert.equal(
      shortVia({
        kind: 'async',
        via: 'NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:12345',
      }),
      'NET_RX softirq',
    );
    assert.equal(
      shortVia({
        kind: 'async',
        via: 'NET_TX_SOFTIRQ: open_softirq(NET_TX_SOFTIRQ, net_tx_action)',
      }),
      'NET_TX softirq',
    );
  });

  it('labels a tasklet, work item or timer by the field that holds it', () => {
    assert.equal(
      shortVia({
        kind: 'async',
        via: 'work e1000_adapter.reset_task: INIT_WORK(e1000_adapter.reset_task, e1000_reset_task) at drivers/net/ethernet/intel/e1000e/netdev.c:7600',
      }),
      'work reset_task',
    );
    assert.equal(
      shortVia({
        kind: 'async',
        via: 'tasklet jme_adapter.txclean_task: tasklet_setup(jme_adapter.txclean_task, jme_tx_clean_tasklet) at drivers/net/ethernet/jme.c:1',
      }),
      'tasklet txclean_task',
    );
  });

  it('labels a call through a parameter by the callee and the parameter, the parenthesis closed', () => {
    assert.equal(indirect('NF_HOOK(okfn = ip_rcv_finish)'), 'NF_HOOK(okfn)');
    assert.equal(indirect('NF_HOOK_COND(okfn = ip_finish_output)'), 'NF_HOOK_COND(okfn)');
    assert.equal(
      indirect('a_very_long_registration_function_name(callback = f)'),
      'a_very_long_registration_fu…',
    );
  });

  it('labels an INDIRECT_CALL_* edge by the slot it calls through, and a named candidate by the wrapper', () => {
    assert.equal(
      indirect('INDIRECT_CALL_INET: net_protocol.handler = tcp_v4_rcv at net/ipv4/af_inet.c:1750'),
      'net_protocol handler',
    );
    assert.equal(
      indirect('INDIRECT_CALL_2: packet_type.func = ip_rcv at net/ipv4/af_inet.c:1900'),
      'packet_type func',
    );
    assert.equal(indirect('INDIRECT_CALL_INET candidate tcp_v4_rcv'), 'INDIRECT_CALL_INET');
  });

  it('gives every via that resolve writes on kernel-mini a label with balanced parentheses', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-test-'));
    try {
      const graph = (
        await buildIndex({
          root: join(__dirname, '../../fixtures/kernel-mini'),
          cacheDir,
          workers: 1,
        })
      ).graph;
      const labels = new Map<string, string>();
      for (let e = 0; e < graph.edgeCount; e++) {
        const via = graph.via(e);
        if (via === undefined) continue;
        const label = shortVia({ kind: 'indirect', via }) ?? '';
        labels.set(via, label);
        assert.equal(label.split('(').length, label.split(')').length, `${via} -> ${label}`);
        assert.ok(Array.from(label).length <= 28, `${via} -> ${label}`);
      }
      assert.equal(labels.get('NF_HOOK(okfn = ip_rcv_finish)'), 'NF_HOOK(okfn)');
      assert.equal(
        labels.get('INDIRECT_CALL_INET: packet_type.func = ip_rcv at net/ipv4/ip_input.c:48'),
        'packet_type func',
      );
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('keeps other forms up to 28 characters', () => {
    assert.equal(indirect('local handler = e1000_intr'), 'local handler');
    const long = indirect(
      'some very long description of how this edge was resolved by the analysis',
    );
    assert.ok(long !== undefined && Array.from(long).length <= 28 && long.endsWith('…'));
  });

  it('labels direct calls with nothing, and unexplained edges by kind', () => {
    assert.equal(shortVia({ kind: 'direct', via: 'x.y = z' }), undefined);
    assert.equal(shortVia({ kind: 'indirect' }), 'indirect');
    assert.equal(shortVia({ kind: 'async', via: '  ' }), 'async');
  });
});
