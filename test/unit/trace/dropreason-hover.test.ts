// The hover on a drop reason in C, on test/fixtures/drops' dropreason-core.h: the full
// enumerator and the short name of SKB_DR_SET/SKB_DR_OR, explained by the header's
// kernel-doc, with the name tracers print and a link to the line.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readDropReasons } from '../../../src/analysis/trace/dropreason';
import { dropReasonHover, dropReasonTarget } from '../../../src/analysis/trace/dropreason-hover';

const header = readFileSync(
  join(__dirname, '../../fixtures/drops/include/net/dropreason-core.h'),
  'utf8',
);
const reasons = readDropReasons(header);
const lineOf = (name: string): number =>
  header.split('\n').findIndex((l) => l.trim() === `${name},`) + 1;

describe('the hover on a drop reason', () => {
  const call = '\tkfree_skb_reason(skb, SKB_DROP_REASON_NO_SOCKET);';
  const at = call.indexOf('NO_SOCKET');

  it('explains the enumerator under the cursor from the kernel-doc, with a link to its line', () => {
    const hover = dropReasonHover(call, at, reasons, (file, line) => `file:///k/${file}#L${line}`);
    assert.ok(hover);
    assert.deepEqual(hover.target, {
      start: call.indexOf('SKB_DROP_REASON_NO_SOCKET'),
      end: call.indexOf(')'),
    });
    assert.equal(hover.reason.line, lineOf('SKB_DROP_REASON_NO_SOCKET'));
    assert.match(hover.markdown, /^\*\*`SKB_DROP_REASON_NO_SOCKET`\*\*: drop reason 3\n\n/);
    assert.match(hover.markdown, /nobody listens for the packet/);
    assert.match(hover.markdown, /print it as `NO_SOCKET`/);
    assert.ok(
      hover.markdown.includes(
        `(file:///k/include/net/dropreason-core.h#L${lineOf('SKB_DROP_REASON_NO_SOCKET')})`,
      ),
    );
  });

  it("finds the short name of SKB_DR_SET and SKB_DR_OR, and not the variable's", () => {
    const line = '\tSKB_DR_OR(drop_reason, IP_CSUM);';
    assert.equal(
      dropReasonTarget(line, line.indexOf('IP_CSUM') + 2)?.name,
      'SKB_DROP_REASON_IP_CSUM',
    );
    assert.equal(dropReasonTarget(line, line.indexOf('drop_reason')), undefined);
    assert.match(
      dropReasonHover(line, line.indexOf('IP_CSUM'), reasons)?.markdown ?? '',
      /bad header checksum/,
    );
  });

  it('says nothing off a reason, or on one the header does not define', () => {
    assert.equal(dropReasonHover(call, call.indexOf('skb,'), reasons), undefined);
    const other = 'kfree_skb_reason(skb, SKB_DROP_REASON_TCP_CSUM);';
    assert.equal(dropReasonHover(other, other.indexOf('TCP'), reasons), undefined);
  });

  it('escapes what the header says: no markup of its own survives', () => {
    const hostile = readDropReasons(
      'enum skb_drop_reason {\n\t/** @SKB_DROP_REASON_X: [click](javascript:x) <b>*y*</b> */\n\tSKB_DROP_REASON_X,\n};\n',
    );
    const md = dropReasonHover('SKB_DROP_REASON_X', 3, hostile)?.markdown ?? '';
    assert.ok(md.includes('\\[click\\]\\(javascript\\:x\\) \\<b\\>\\*y\\*\\<\\/b\\>'), md);
  });
});
