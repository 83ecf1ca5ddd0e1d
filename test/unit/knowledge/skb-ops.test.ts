import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  SKB_OPS,
  describeSkbOp,
  findSkbOp,
  skbOpChanges,
  skbOpEffect,
} from '../../../src/analysis/knowledge/skb-ops';

describe('SKB_OPS table', () => {
  test('covers the operations the path builder looks for', () => {
    const want = [
      'skb_push',
      '__skb_push',
      'skb_pull',
      '__skb_pull',
      'pskb_pull',
      'skb_pull_inline',
      'pskb_may_pull',
      'skb_put',
      '__skb_put',
      'skb_put_zero',
      'skb_put_data',
      'skb_reserve',
      'skb_trim',
      '__skb_trim',
      'pskb_trim',
      'skb_reset_network_header',
      'skb_reset_transport_header',
      'skb_reset_mac_header',
      'skb_set_network_header',
      'skb_set_transport_header',
      'skb_set_mac_header',
      'eth_type_trans',
      'skb_gro_pull',
      'skb_pull_rcsum',
    ];
    for (const name of want) assert.ok(findSkbOp(name), name);
    assert.equal(findSkbOp('skb_orphan'), undefined, 'not a buffer operation');
    assert.equal(findSkbOp('__skb_pull_rcsum'), undefined, 'does not exist in 6.12');
  });

  test('rows are well formed', () => {
    const names = SKB_OPS.map((r) => r.name);
    assert.equal(new Set(names).size, names.length, 'unique names');
    const fields = new Set([
      'data',
      'tail',
      'len',
      'data_len',
      'mac_header',
      'network_header',
      'transport_header',
      'mac_len',
      'csum',
      'gro_offset',
    ]);
    for (const r of SKB_OPS) {
      assert.equal(r.params[0], 'skb', `${r.name}: the skb comes first`);
      if (r.lenArg !== undefined) {
        assert.ok(r.lenArg > 0 && r.lenArg < r.params.length, `${r.name}: lenArg in range`);
        assert.equal(r.fixedLen, undefined, `${r.name}: either an argument or a fixed length`);
      }
      const usesLen =
        Object.values(r.effect).some((v) => /\bLEN\b/.test(v)) || /\bLEN\b/.test(r.summary);
      if (usesLen || r.lenMeaning)
        assert.ok(
          r.lenArg !== undefined || r.fixedLen !== undefined,
          `${r.name}: LEN needs a source`,
        );
      for (const [k, v] of Object.entries(r.effect)) {
        assert.ok(fields.has(k), `${r.name}: unknown field ${k}`);
        assert.match(v, /^(?:[+-]?=) /, `${r.name}.${k}: an assignment`);
      }
      assert.match(r.file, /^(?:include|net)\/.+\.[ch]$/, r.name);
    }
  });

  test('pulls and pushes move data and len in opposite directions', () => {
    for (const r of SKB_OPS) {
      const { data, len, tail } = r.effect;
      if (data === '+= LEN' && len !== undefined) assert.equal(len, '-= LEN', r.name);
      if (data === '-= LEN') assert.equal(len, '+= LEN', r.name);
      if (tail === '+= LEN' && data === undefined) assert.equal(len, '+= LEN', r.name);
    }
    assert.deepEqual(findSkbOp('skb_reserve')?.effect, { data: '+= LEN', tail: '+= LEN' });
    assert.deepEqual(
      findSkbOp('pskb_may_pull')?.effect,
      {},
      'ensures linear bytes, never moves data',
    );
    assert.deepEqual(
      findSkbOp('skb_gro_pull')?.effect,
      { gro_offset: '+= LEN' },
      'GRO keeps skb->data in place',
    );
    assert.equal(findSkbOp('skb_trim')?.lenMeaning, 'new-length');
    assert.equal(findSkbOp('skb_put_data')?.lenArg, 2);
    assert.equal(findSkbOp('eth_type_trans')?.fixedLen, 'ETH_HLEN');
  });
});

describe('describeSkbOp()', () => {
  test('the documented example', () => {
    assert.equal(
      describeSkbOp('skb_pull', 'ETH_HLEN'),
      'skb_pull(skb, ETH_HLEN): data += ETH_HLEN, len -= ETH_HLEN — strips a header from the front; NULL only if ETH_HLEN exceeds skb->len, so the bytes must already be linear',
    );
  });

  test('places the length at its argument position and parenthesises expressions', () => {
    assert.equal(
      describeSkbOp('skb_put_data', 'ETH_ALEN'),
      'skb_put_data(skb, data, ETH_ALEN): tail += ETH_ALEN, len += ETH_ALEN — appends a copy of ETH_ALEN bytes',
    );
    assert.equal(
      describeSkbOp('skb_set_network_header', 'off + 2'),
      'skb_set_network_header(skb, off + 2): network_header = data + (off + 2) — marks the network header off + 2 bytes from data',
    );
    assert.equal(
      skbOpChanges('__skb_pull', 'skb_network_header_len(skb)'),
      'data += skb_network_header_len(skb), len -= skb_network_header_len(skb)',
    );
    assert.equal(
      skbOpChanges('__skb_push', 'iph->ihl*4'),
      'data -= (iph->ihl*4), len += (iph->ihl*4)',
    );
    // The length is source text: replacement patterns in it stay as written.
    assert.equal(skbOpChanges('skb_pull', '$&'), 'data += ($&), len -= ($&)');
    assert.match(skbOpEffect('skb_pull', "$'") ?? '', /^data \+= \(\$'\), len -= \(\$'\)/);
    assert.equal(
      skbOpChanges('skb_push', 'sizeof(struct iphdr)'),
      'data -= sizeof(struct iphdr), len += sizeof(struct iphdr)',
    );
  });

  test('uses the fixed length, or a placeholder when the call site is unknown', () => {
    assert.equal(describeSkbOp('eth_type_trans', ''), describeSkbOp('eth_type_trans'));
    assert.match(
      describeSkbOp('eth_type_trans'),
      /^eth_type_trans\(skb, dev\): mac_header = data, data \+= ETH_HLEN, len -= ETH_HLEN — /,
    );
    assert.match(describeSkbOp('skb_push'), /^skb_push\(skb, LEN\): data -= LEN, len \+= LEN — /);
    // A length named like a member it sets reads `skb->len = len`, never `len = len`.
    assert.match(
      describeSkbOp('skb_trim', 'len'),
      /^skb_trim\(skb, len\): skb->len = len, skb->tail = skb->data \+ len — /,
    );
  });

  test('operations that move nothing print only their purpose', () => {
    assert.equal(skbOpChanges('pskb_may_pull', 'iph->ihl*4'), '');
    assert.equal(
      skbOpEffect('pskb_may_pull', 'iph->ihl*4'),
      'makes the first iph->ihl*4 bytes linear, possibly in a new head: reload header pointers after it; false if the packet is shorter or memory runs out',
    );
    assert.equal(
      describeSkbOp('skb_reset_network_header'),
      'skb_reset_network_header(skb): network_header = data — marks the network (IP) header at the current data',
    );
  });

  test('unknown names', () => {
    assert.equal(
      describeSkbOp('skb_frobnicate', 'x'),
      'skb_frobnicate(x): not a known skb buffer operation',
    );
    assert.equal(skbOpEffect('skb_frobnicate'), undefined);
    assert.equal(skbOpChanges('skb_frobnicate'), undefined);
  });
});
