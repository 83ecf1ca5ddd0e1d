import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import picomatch from 'picomatch';
import { NETWORK_SCOPE } from '../../../src/analysis/index/kernel-layout';
import { CONCEPTS } from '../../../src/analysis/knowledge/concepts';
import { knowledgeCitations, releaseNote } from '../../../src/analysis/knowledge/citations';
import { SKB_FIELDS } from '../../../src/analysis/knowledge/skb-fields';
import { locateCitation } from '../../../src/analysis/knowledge/sources';

const C = [
  '/* pskb_may_pull_reason(skb, len) { in a comment */', // 1
  'struct sk_buff {', // 2
  '\tunsigned char *head;', // 3
  '\tchar cb[48] __aligned(8);', // 4
  '\t__u8 cloned:1,', // 5
  '\t     nohdr:1;', // 6
  '\tvoid (*destructor)(struct sk_buff *skb);', // 7
  '};', // 8
  'enum skb_drop_reason {', // 9
  '\tSKB_NOT_DROPPED_YET = 0,', // 10
  '\tSKB_DROP_REASON_NOMEM,', // 11
  '};', // 12
  'static inline enum skb_drop_reason', // 13
  'pskb_may_pull_reason(struct sk_buff *skb, unsigned int len)', // 14
  '{', // 15
  '\tif (unlikely(len >', // 16
  '\t\t     skb->len))', // 17
  '\t\treturn 1; /* __pskb_pull_tail is named here only */', // 18
  '\treturn pskb_may_pull_reason(skb, 0);', // 19
  '}', // 20
  '#define skb_shinfo(SKB) \\', // 21
  '\t((struct skb_shared_info *)(skb_end_pointer(SKB)))', // 22
  'int unbalanced(void)', // 23
  '{', // 24
  '#if A', // 25
  '\tif (a) {', // 26
  '#else', // 27
  '\tif (b) {', // 28
  '#endif', // 29
  '\t}', // 30
  '}', // 31
  'void after(void)', // 32
  '{', // 33
  '\tcall_me();', // 34
  '}', // 35
].join('\n');

describe('locateCitation()', () => {
  test('finds a function definition, not a comment or a call, and the lines of what it holds', () => {
    const r = locateCitation(C, {
      file: 'x.h',
      symbol: 'pskb_may_pull_reason',
      holds: ['len > skb->len'],
    });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.place.line, 14);
    assert.equal(r.place.endLine, 20);
    assert.deepEqual(r.place.holdLines, [16], 'white space folded across lines');
  });

  test('a text named only in a comment does not hold', () => {
    const r = locateCitation(C, {
      file: 'x.h',
      symbol: 'pskb_may_pull_reason',
      holds: ['__pskb_pull_tail'],
    });
    assert.equal(r.ok, false);
    assert.match(
      r.ok ? '' : r.reason,
      /pskb_may_pull_reason \(x\.h:14\) does not contain `__pskb_pull_tail`/,
    );
  });

  test('struct members with bit-fields, arrays, attributes and function pointers', () => {
    for (const [member, line] of [
      ['head', 3],
      ['cb', 4],
      ['cloned', 5],
      ['nohdr', 6],
      ['destructor', 7],
    ] as const) {
      const r = locateCitation(C, { file: 'x.h', symbol: `sk_buff.${member}` });
      assert.ok(r.ok, member);
      assert.equal(r.place.line, line, member);
    }
    assert.equal(locateCitation(C, { file: 'x.h', symbol: 'sk_buff.tail' }).ok, false);
    const s = locateCitation(C, { file: 'x.h', symbol: 'struct sk_buff' });
    assert.ok(s.ok);
    assert.deepEqual([s.place.line, s.place.endLine], [2, 8]);
  });

  test('macros with continuation lines and enum constants', () => {
    const m = locateCitation(C, { file: 'x.h', symbol: 'skb_shinfo', holds: ['skb_end_pointer'] });
    assert.ok(m.ok);
    assert.deepEqual([m.place.line, m.place.holdLines[0]], [21, 22]);
    const e = locateCitation(C, { file: 'x.h', symbol: 'SKB_DROP_REASON_NOMEM' });
    assert.ok(e.ok);
    assert.equal(e.place.line, 11);
  });

  test('a function after conditional braces that do not balance is still found by its column-0 body', () => {
    const r = locateCitation(C, { file: 'x.h', symbol: 'after', holds: ['call_me()'] });
    assert.ok(r.ok, r.ok ? '' : r.reason);
    assert.equal(r.place.line, 32);
    assert.equal(
      locateCitation(C, { file: 'x.h', symbol: 'call_me' }).ok,
      false,
      'a call is no definition',
    );
    assert.equal(locateCitation(C, { file: 'x.h', symbol: 'missing' }).ok, false);
  });
});

describe('knowledge citations', () => {
  test('every concept and every derived field names its source; every row has a file and a symbol', () => {
    for (const c of CONCEPTS) assert.ok(c.source, `concept ${c.id} has a source`);
    for (const f of SKB_FIELDS)
      if (f.struct === 'derived') assert.ok(f.source, `field ${f.field} has a source`);
    // Every cited file is a C file the default index covers, so a hover can link it.
    const inScope = picomatch([...NETWORK_SCOPE], { dot: true });
    for (const r of knowledgeCitations()) {
      assert.match(r.cite.file, /^[\w/.-]+\.[ch]$/, `${r.table} ${r.row}`);
      assert.ok(
        inScope(r.cite.file),
        `${r.table} ${r.row}: ${r.cite.file} is in the network scope`,
      );
      assert.ok(r.cite.symbol.length > 0, `${r.table} ${r.row}`);
    }
  });
});

describe('releaseNote()', () => {
  test('names another release beside the one the knowledge is written for, and says nothing for that one', () => {
    assert.equal(releaseNote('6.1.192'), ' (Linux 6.1.192; the knowledge is written for 6.12)');
    assert.equal(releaseNote('6.13-rc3'), ' (Linux 6.13-rc3; the knowledge is written for 6.12)');
    assert.equal(releaseNote('6.12.118'), '');
    assert.equal(releaseNote('6.12'), '');
    assert.equal(releaseNote('6.120'), ' (Linux 6.120; the knowledge is written for 6.12)');
    assert.equal(releaseNote(undefined), '');
  });
});
