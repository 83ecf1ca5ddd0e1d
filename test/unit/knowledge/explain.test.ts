import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CONCEPTS } from '../../../src/analysis/knowledge/concepts';
import { explain, formatExplanation, listTopics } from '../../../src/analysis/knowledge/explain';
import { SKB_FIELDS } from '../../../src/analysis/knowledge/skb-fields';
import { readSkbuffDoc } from '../../../src/analysis/knowledge/skbuff-doc';

const FIXTURE = join(__dirname, '..', '..', 'fixtures', 'knowledge', 'mini-skbuff.h');
const doc = readSkbuffDoc(readFileSync(FIXTURE, 'utf8'));

/** Hover-sized: one to three sentences, no line breaks, not too long (a correct statement of when NAPI or GRO lets go needs a few hundred characters). */
function assertHoverText(text: string, what: string): void {
  assert.ok(text.length >= 30 && text.length <= 600, `${what}: ${text.length} characters`);
  assert.doesNotMatch(text, /\n/, `${what}: one paragraph`);
  const sentences = text.split(/(?<=[.!?])\s+(?=[A-Z(])/).length;
  assert.ok(sentences >= 1 && sentences <= 3, `${what}: ${sentences} sentences`);
  assert.match(text, /[.)]$/, `${what}: ends a sentence`);
}

describe('knowledge tables', () => {
  test('the fields the product promises are explained', () => {
    const want = [
      'head',
      'data',
      'tail',
      'end',
      'headroom',
      'tailroom',
      'len',
      'data_len',
      'mac_len',
      'protocol',
      'dev',
      'mac_header',
      'network_header',
      'transport_header',
      'cloned',
      'users',
      'truesize',
      'pkt_type',
      'ip_summed',
      'csum',
      'priority',
      'mark',
      'hash',
      'queue_mapping',
      'sk',
      'next',
      'prev',
      'frags',
    ];
    const have = new Set(SKB_FIELDS.map((r) => r.field));
    for (const f of want) assert.ok(have.has(f), f);
  });

  test('the concepts the product promises are explained', () => {
    for (const t of [
      'dma',
      'rx ring',
      'tx ring',
      'ring refill',
      'top half',
      'bottom half',
      'hard irq',
      'napi',
      'softirq',
      'NET_RX_SOFTIRQ',
      'NET_TX_SOFTIRQ',
      'ksoftirqd',
      'gro',
      'gso',
      'tso',
      'qdisc',
      'netfilter',
      'rps',
      'backlog',
      'dst',
      'routing',
      'neighbour',
      'headroom',
    ]) {
      assert.ok(explain(t), t);
    }
  });

  test('every explanation is hover-sized and written as sentences', () => {
    for (const r of SKB_FIELDS) assertHoverText(r.text, `field ${r.field}`);
    for (const c of CONCEPTS) assertHoverText(c.text, `concept ${c.id}`);
  });

  test('topic keys are unique across fields and concepts, aliases do not collide', () => {
    const seen = new Map<string, string>();
    const squash = (s: string): string =>
      s
        .toLowerCase()
        .replace(/[\s_-]+/g, ' ')
        .trim();
    const add = (key: string, owner: string): void => {
      const k = squash(key);
      const prev = seen.get(k);
      assert.ok(prev === undefined || prev === owner, `${key} used by ${prev ?? ''} and ${owner}`);
      seen.set(k, owner);
    };
    for (const r of SKB_FIELDS)
      for (const k of [r.field, ...(r.aliases ?? [])]) add(k, `field:${r.field}`);
    for (const c of CONCEPTS)
      for (const k of [c.id, c.title, ...(c.aliases ?? [])]) add(k, `concept:${c.id}`);
  });

  test('every `related` topic resolves through explain()', () => {
    for (const r of SKB_FIELDS)
      for (const t of r.related ?? []) assert.ok(explain(t), `${r.field} -> ${t}`);
    for (const c of CONCEPTS)
      for (const t of c.related ?? []) assert.ok(explain(t), `${c.id} -> ${t}`);
  });

  test('derived rows say what they are computed from', () => {
    for (const r of SKB_FIELDS.filter((x) => x.struct === 'derived'))
      assert.ok((r.related ?? []).length >= 2, r.field);
  });
});

describe('explain()', () => {
  test('accepts the usual spellings of a field', () => {
    for (const t of [
      'skb->data',
      'data',
      'sk_buff.data',
      'struct sk_buff::data',
      'SKB->DATA',
      ' skb -> data ',
      'sk_buff->data',
    ]) {
      const e = explain(t);
      assert.equal(e?.topic, 'data', t);
      assert.equal(e?.kind, 'skb-field', t);
      assert.equal(e?.title, 'skb->data', t);
    }
    assert.equal(explain('skb_shinfo(skb)->frags')?.topic, 'frags');
    assert.equal(explain('skb_shinfo(skb)->frags')?.title, 'skb_shinfo(skb)->frags');
    assert.equal(explain('shinfo->nr_frags')?.topic, 'nr_frags');
    assert.equal(explain('skb->headroom')?.topic, 'headroom');
    assert.equal(
      explain('skb_shinfo(skb)->data'),
      undefined,
      'data is not a member of skb_shared_info',
    );
  });

  test('accepts concepts case-insensitively and by alias', () => {
    const cases: [string, string][] = [
      ['napi', 'napi'],
      ['NAPI', 'napi'],
      ['napi_struct', 'napi'],
      ['gro', 'gro'],
      ['GRO', 'gro'],
      ['bottom half', 'bottom-half'],
      ['bottom_half', 'bottom-half'],
      ['BH', 'bottom-half'],
      ['top-half', 'top-half'],
      ['NET_RX_SOFTIRQ', 'net_rx_softirq'],
      ['net rx softirq', 'net_rx_softirq'],
      ['NET_TX_SOFTIRQ', 'net_tx_softirq'],
      ['RX ring', 'rx-ring'],
      ['descriptor ring', 'rx-ring'],
      ['TSO', 'tso'],
      ['RFS', 'rps'],
      ['neighbor', 'neighbour'],
      ['ARP', 'neighbour'],
      ['routing', 'dst'],
      ['skb', 'sk_buff'],
      ['struct sk_buff', 'sk_buff'],
      ['hardirq', 'hardirq'],
      ['iptables', 'netfilter'],
    ];
    for (const [input, topic] of cases) assert.equal(explain(input)?.topic, topic, input);
  });

  test('explains path functions, skb operations and netfilter constants', () => {
    const ip = explain('ip_rcv()');
    assert.equal(ip?.kind, 'function');
    assert.equal(ip?.stage, 'ipv4');
    assert.equal(ip?.context, 'softirq');
    assert.equal(ip?.file, 'net/ipv4/ip_input.c');

    const pull = explain('skb_pull');
    assert.equal(pull?.kind, 'skb-op');
    assert.match(pull?.text ?? '', /^skb_pull\(skb, LEN\): data \+= LEN, len -= LEN — /);

    const eth = explain('eth_type_trans');
    assert.equal(eth?.kind, 'function');
    assert.match(
      eth?.text ?? '',
      /Buffer effect: mac_header = data, data \+= ETH_HLEN, len -= ETH_HLEN\.$/,
    );

    const hook = explain('NF_INET_LOCAL_IN');
    assert.equal(hook?.kind, 'netfilter');
    assert.match(hook?.text ?? '', /ip_local_deliver\(\)/);
    assert.equal(explain('local_in')?.topic, 'NF_INET_LOCAL_IN');
    assert.equal(explain('post-routing')?.topic, 'NF_INET_POST_ROUTING');
    assert.equal(explain('NFPROTO_IPV6')?.topic, 'NFPROTO_IPV6');

    assert.equal(
      explain('IP_RCV')?.topic,
      'ip_rcv',
      'function names also match case-insensitively',
    );
    assert.equal(explain('NF_HOOK')?.topic, 'netfilter');
  });

  test('merges the kernel-doc from the user tree into field explanations', () => {
    const e = explain('skb->data', doc);
    assert.equal(e?.type, 'unsigned char *');
    assert.equal(e?.kernelDoc, 'Packet start');
    assert.equal(e?.file, 'include/linux/skbuff.h');
    assert.ok((e?.line ?? 0) > 0);
    assert.equal(explain('pkt_type', doc)?.type, '__u8:3');
    assert.equal(explain('skb->data')?.type, undefined, 'no doc, no type');
    assert.equal(explain('headroom', doc)?.type, undefined, 'derived ideas have no declaration');
  });

  test('falls back to the kernel-doc for fields we do not explain', () => {
    const e = explain('skb->destructor', doc);
    assert.equal(e?.text, 'Release hook');
    assert.equal(e?.type, 'void (*)(struct sk_buff *skb)');
    assert.equal(explain('destructor', doc)?.topic, 'destructor');
    assert.equal(
      explain('skb->destructor'),
      undefined,
      'without the tree we know nothing about it',
    );
  });

  test('unknown or empty topics give undefined', () => {
    for (const t of ['', '   ', 'frobnicate', 'skb->nope', '()'])
      assert.equal(explain(t, doc), undefined, JSON.stringify(t));
  });
});

describe('formatExplanation() and listTopics()', () => {
  test('formats heading, text, kernel-doc and references', () => {
    const e = explain('skb->data', doc);
    assert.ok(e);
    const out = formatExplanation(e);
    const [head, ...rest] = out.split('\n');
    assert.match(head ?? '', /^skb->data {2}\(unsigned char \*, include\/linux\/skbuff\.h:\d+\)$/);
    assert.match(rest.join(' '), /First byte of the packet/);
    assert.match(out, /\nKernel-doc: Packet start\n/);
    assert.match(out, /\nRelated: head, tail, len, headroom\n/);
    assert.match(out, /\nSee also: skb_pull, skb_push, skb_reserve\n/);
    // Without a tree the source is named, not located.
    assert.match(out, /\nSource: include\/linux\/skbuff\.h \(sk_buff\.data\)$/);
    for (const line of out.split('\n')) assert.ok(line.length <= 100, line);
    assert.match(
      formatExplanation(explain('ip_rcv') ?? { title: '', text: '', kind: 'function', topic: '' }),
      /^ip_rcv\(\) {2}\(net\/ipv4\/ip_input\.c, stage ipv4, softirq\)/,
    );
  });

  test('lists every topic once, each resolving to itself', () => {
    const topics = listTopics();
    const keys = topics.map((t) => `${t.kind}:${t.topic}`);
    assert.equal(new Set(keys).size, keys.length);
    for (const t of topics) assert.equal(explain(t.topic)?.topic, t.topic, t.topic);
    assert.ok(topics.some((t) => t.kind === 'skb-op' && t.topic === 'skb_push'));
    assert.ok(
      !topics.some((t) => t.kind === 'skb-op' && t.topic === 'eth_type_trans'),
      'eth_type_trans is listed once, as a function',
    );
  });
});
