// What a driver function does, read from its body (src/analysis/presets/driver-work.ts): the
// doorbell is an MMIO write whose address names the tail, not any writel; comments and
// strings never count; each finding carries its line in the file.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { driverWork, receiveWork, transmitWork } from '../../src/analysis/presets/driver-work';

const XMIT = [
  'static netdev_tx_t e1000_xmit_frame(struct sk_buff *skb, struct net_device *netdev)', // 100
  '{', // 101
  '\t/* writel(x, ring->tail) in a comment is no doorbell */', // 102
  '\tew32(IMS, E1000_IMS_TXDW); writel(0, hw->hw_addr + E1000_ICS);', // 103
  '\tnetdev_sent_queue(netdev, skb->len);', // 104
  '\tif (!netdev_xmit_more() ||', // 105
  '\t    netif_xmit_stopped(netdev_get_tx_queue(netdev, 0)))', // 106
  '\t\twritel(tx_ring->next_to_use,', // 107
  '\t\t       tx_ring->tail);', // 108
  '\treturn NETDEV_TX_OK;', // 109
  '}', // 110
].join('\n');

describe('driverWork()', () => {
  it('finds BQL, xmit_more and the tail write with their lines, and no doorbell in a comment or another register', () => {
    const found = driverWork(XMIT, 100);
    assert.deepEqual(
      found.map((f) => [f.kind, f.what, f.line]),
      [
        ['bql', 'netdev_sent_queue', 104],
        ['xmit-more', 'netdev_xmit_more', 105],
        ['doorbell', 'writel', 107],
      ],
    );
    assert.equal(
      transmitWork(found),
      'reports the queued bytes to BQL (netdev_sent_queue, line 104), writes the tail register, the doorbell that makes the NIC fetch (writel, line 107), skipped while more packets follow (netdev_xmit_more, line 105)',
    );
  });

  it('a function that only maps says only that', () => {
    const map =
      'static int m(void)\n{\n\tdma = dma_map_single(dev, skb->data, len, DMA_TO_DEVICE);\n}';
    const found = driverWork(map, 10);
    assert.deepEqual(
      found.map((f) => [f.kind, f.line]),
      [['dma-map', 12]],
    );
    assert.equal(transmitWork(found), 'maps the packet for DMA (dma_map_single, line 12)');
    assert.equal(receiveWork(found), undefined);
  });

  it('the fields a receive helper fills, in a fixed order, then the hand-off', () => {
    const body = [
      'void f(void)',
      '{',
      '\tskb->protocol = eth_type_trans(skb, dev);',
      '\t__vlan_hwaccel_put_tag(skb, htons(ETH_P_8021Q), vid);',
      '\tskb->ip_summed = CHECKSUM_UNNECESSARY;',
      '\tnapi_gro_receive(napi, skb);',
      '}',
    ].join('\n');
    assert.equal(
      receiveWork(driverWork(body, 1)),
      'fills in the skb from the descriptor: the checksum result (ip_summed = CHECKSUM_UNNECESSARY, line 5), the VLAN tag (__vlan_hwaccel_put_tag, line 4), the protocol (eth_type_trans, line 3), then hands the skb to the stack (napi_gro_receive, line 6)',
    );
  });
});
