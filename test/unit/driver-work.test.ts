// What a driver function does, read from its body (src/analysis/presets/driver-work.ts): the
// doorbell is an MMIO write whose address names the tail, not any writel, also when the
// driver writes it through macros of its own; comments and strings never count; each
// finding carries its line in the file.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { definitionText } from '../../src/analysis/knowledge/sources';
import {
  type FunctionMacro,
  driverWork,
  parseFunctionMacro,
  receiveWork,
  transmitWork,
} from '../../src/analysis/presets/driver-work';

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

describe('driverWork() through the driver’s own macros', () => {
  // test/fixtures/knowledge/macro-doorbell.c: the doorbell is written through NIC_BELL,
  // which expands to NIC_W16 and then to writew of the TxPoll register.
  const file = readFileSync(join(__dirname, '../fixtures/knowledge/macro-doorbell.c'), 'utf8');
  const macros = new Map<string, FunctionMacro>();
  for (const name of ['NIC_W', 'NIC_W16', 'NIC_W8', 'NIC_BELL', 'NIC_BUSY']) {
    const def = definitionText(file, name);
    const macro = def ? parseFunctionMacro(def.body) : undefined;
    if (macro) macros.set(name, macro);
  }
  const lines = file.split('\n');
  const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;
  const body = (name: string): { body: string; firstLine: number } => {
    const def = definitionText(file, name);
    assert.ok(def, name);
    return def;
  };

  it('parses function-like macros, continuation lines joined, and skips object-like ones', () => {
    assert.deepEqual([...macros.keys()], ['NIC_W', 'NIC_W16', 'NIC_W8', 'NIC_BELL']);
    assert.deepEqual(macros.get('NIC_W16')?.params, ['np', 'reg', 'val16']);
    assert.equal(macros.get('NIC_W16')?.body, 'writew((val16), (np)->mmio + (reg))');
  });

  it('finds the doorbell written through two macros, at the line of the call', () => {
    const { body: text, firstLine } = body('nic_doorbell');
    const found = driverWork(text, firstLine, macros);
    assert.deepEqual(
      found.map((f) => [f.kind, f.what, f.line]),
      [['doorbell', 'NIC_BELL → NIC_W16 → writew', lineOf('\tNIC_BELL(np);')]],
    );
    // Without the driver's macros the body shows no MMIO write at all.
    assert.deepEqual(driverWork(text, firstLine), []);
  });

  it('a register write through the same macros to another register is no doorbell', () => {
    const { body: text, firstLine } = body('nic_ack');
    assert.deepEqual(driverWork(text, firstLine, macros), []);
  });
});
