import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findDropReason, readDropReasons } from '../../../src/analysis/trace/dropreason';
import { fixtureText } from './helpers';

describe('drop reasons from dropreason-core.h', () => {
  const text = fixtureText('dropreason-mini.h');
  const lines = text.split('\n');
  const reasons = readDropReasons(text, 'include/net/dropreason-core.h');

  test('each enumerator with its value, its line and its kernel-doc on one line', () => {
    const r = findDropReason(reasons, 'SKB_DROP_REASON_NO_SOCKET');
    assert.equal(r?.value, 3);
    assert.match(lines[(r?.line ?? 0) - 1] ?? '', /^\tSKB_DROP_REASON_NO_SOCKET,$/);
    assert.equal(
      r?.meaning,
      'no valid socket that can be used. Reason could be one of three cases: 1) no established/listening socket found during lookup process',
    );
  });

  test('found by the enumerator, by the short name tracers print, and by value', () => {
    assert.equal(findDropReason(reasons, 'NO_SOCKET')?.name, 'SKB_DROP_REASON_NO_SOCKET');
    assert.equal(findDropReason(reasons, '2')?.name, 'SKB_DROP_REASON_NOT_SPECIFIED');
    assert.equal(findDropReason(reasons, 'SKB_CONSUMED')?.meaning, 'packet has been consumed');
    assert.equal(findDropReason(reasons, 'NO_SUCH_REASON'), undefined);
  });

  test('a member without kernel-doc has an empty meaning; a given value resets the count', () => {
    assert.equal(findDropReason(reasons, 'UNDOCUMENTED')?.meaning, '');
    assert.equal(findDropReason(reasons, 'UNDOCUMENTED')?.value, 4);
    assert.equal(findDropReason(reasons, 'SKB_DROP_REASON_SUBSYS_MASK')?.value, 0xffff0000);
  });

  test('a header without the enum has no reasons', () => {
    assert.equal(readDropReasons('/* nothing */\n').byName.size, 0);
  });
});
