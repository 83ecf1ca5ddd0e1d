// The application's end of a packet's journey in the knowledge tables: the topics
// `netpaths explain` gains (system call, context switch, socket, file descriptor, wait
// queue), and the calls in an skb's life the presets' timeline shows.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SKB_LIFE, explain, findSkbLife, skbLifeEffect } from '../../../src/analysis/knowledge';

describe('socket concepts', () => {
  test('explain knows syscall, context-switch, socket, file-descriptor and wait-queue, each citing the tree', () => {
    for (const topic of ['syscall', 'context-switch', 'socket', 'file-descriptor', 'wait-queue']) {
      const e = explain(topic);
      assert.equal(e?.kind, 'concept', topic);
      assert.ok((e?.seeAlso ?? []).length >= 2, `${topic} cites kernel functions`);
    }
    // Spellings a reader types.
    assert.equal(explain('system call')?.topic, 'syscall');
    assert.equal(explain('fd')?.topic, 'file-descriptor');
    assert.equal(explain('struct sock')?.topic, 'socket');
  });
});

describe("the calls in an skb's life", () => {
  test('each name is one row, and drops are only frees', () => {
    const names = SKB_LIFE.map((r) => r.name);
    assert.equal(new Set(names).size, names.length);
    for (const r of SKB_LIFE) if (r.drop) assert.equal(r.life, 'free', r.name);
    assert.equal(findSkbLife('kfree_skb_reason')?.drop, true);
    assert.equal(findSkbLife('consume_skb')?.drop, undefined);
    assert.equal(findSkbLife('skb_clone')?.life, 'clone');
    assert.equal(findSkbLife('napi_build_skb')?.life, 'alloc');
  });

  test('the size as written goes into the effect, and the part naming it goes when it is not known', () => {
    const copy = findSkbLife('skb_copy_datagram_msg');
    assert.ok(copy);
    assert.equal(
      skbLifeEffect(copy, 'used'),
      "copies used bytes of the packet to the reader's user memory (msg->msg_iter)",
    );
    assert.equal(
      skbLifeEffect(copy, undefined),
      "copies the packet to the reader's user memory (msg->msg_iter)",
    );
    for (const r of SKB_LIFE) assert.doesNotMatch(skbLifeEffect(r, undefined), /LEN|\[|\]/, r.name);
  });
});
