// What the reader makes of input that is no trace, or only part of one: a problem per
// input or a partial result that says what it skipped; never an exception.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_LINE } from '../../../src/analysis/trace/read';
import { fixtureText, names, readTexts } from './helpers';

describe('trace reading: bad input', () => {
  test('binary data is no trace', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0xed]);
    const r = readTexts([bytes]);
    assert.equal(r.inputs[0]?.problem, 'binary data, not a trace');
    assert.equal(r.events.length, 0);
  });

  test('an empty input, and text of no format, each say so', () => {
    const r = readTexts(['', '# My notes\n\nThe packet vanished somewhere.\n']);
    assert.equal(r.inputs[0]?.problem, 'empty');
    assert.match(
      r.inputs[1]?.problem ?? '',
      /^no line of a trace NetPaths reads \(pwru, .*\) in its 3 lines$/,
    );
  });

  test('a kernel log before the stack: its lines are skipped, the stack read; a log line is no nettrace event', () => {
    const log = Array.from(
      { length: 4500 },
      (_, i) =>
        `[${(12345.5 + i).toFixed(6)}] [drm] Initialized simpledrm 1.0.0 for simple-framebuffer.0 on minor ${i}`,
    ).join('\n');
    const r = readTexts([`${log}\n${fixtureText('mptcp-warning-decoded.txt')}`]);
    assert.equal(r.inputs[0]?.format, 'stack-dump');
    assert.equal(r.events.length, 5);
    assert.equal(r.skipped.lines, 4500);
  });

  test('a trace cut in the middle of a line keeps what came before, and says the end may be cut', () => {
    const text = fixtureText('pwru-old-egress.txt');
    const r = readTexts([text.slice(0, text.indexOf('sch_direct_xmit') + 5)]);
    assert.deepEqual(names(r), [
      '__dev_queue_xmit',
      'qdisc_pkt_len_init',
      'netdev_core_pick_tx',
      'sch_d',
    ]);
    assert.match(
      r.notes.join('\n'),
      /the last line of input 1 has no line end: the trace may be cut short/,
    );
  });

  test('a stack cut in the middle is kept as far as it goes', () => {
    const text = fixtureText('syzbot-kasan-ip-queue-xmit.txt').split('\n').slice(0, 15).join('\n');
    const r = readTexts([text]);
    assert.equal(r.events[r.events.length - 1]?.fn.name, 'ip_queue_xmit');
    assert.equal(r.events[0]?.fn.name, 'tcp_ack_snd_check');
  });

  test('mixed traces: the format of most lines is read, the other lines are counted with the first of them', () => {
    const pwru = fixtureText('pwru-old-egress.txt');
    const nettrace = fixtureText('nettrace-icmp-receive.txt').split('\n').slice(2, 5).join('\n');
    const r = readTexts([`${pwru}${nettrace}\n`]);
    assert.equal(r.inputs[0]?.format, 'pwru');
    assert.equal(r.events.length, 7);
    assert.equal(r.skipped.lines, 3);
    assert.equal(r.skipped.first?.at.line, 8);
  });

  test('several inputs are read each in its own format', () => {
    const r = readTexts([
      fixtureText('pwru-old-egress.txt'),
      fixtureText('mptcp-warning-decoded.txt'),
    ]);
    assert.deepEqual(
      r.inputs.map((i) => i.format),
      ['pwru', 'stack-dump'],
    );
    assert.equal(r.events.filter((e) => e.at.input === 1).length, 5);
  });

  test('a line longer than the limit is cut, and said so', () => {
    const long = `0xffff97bfe0bb42e8 0 [curl] ${'a'.repeat(MAX_LINE * 3)}\n`;
    const r = readTexts([`${fixtureText('pwru-old-egress.txt')}${long}`], {}, 1000);
    assert.equal(r.events.length, 8);
    assert.equal(r.events[7]?.fn.raw.length, 256);
    assert.match(r.notes.join('\n'), /1 line was longer than 65536 bytes and cut/);
  });

  test('names with markup and quotes are read as text and are no symbols', () => {
    const text = [
      '0xffff97bfe0bb42e8 0 [curl] <img/src=x>',
      '0xffff97bfe0bb42e8 0 [curl] ip_rcv"quoted"',
      "0xffff97bfe0bb42e8 0 [curl] ip_rcv';drop",
      '0xffff97bfe0bb42e8 0 [curl] ip_rcv',
    ].join('\n');
    const r = readTexts([text]);
    assert.deepEqual(names(r), ['ip_rcv']);
    assert.equal(r.skipped.lines, 3);
  });

  test('chunks split anywhere, CRLF line ends and terminal colours do not change what is read', () => {
    const text = fixtureText('nettrace-diag-netfilter-drop.txt');
    const whole = readTexts([text]);
    const coloured = text.replace(/\*([^*\n]+)\*/g, '\x1b[31m*$1*\x1b[0m').replace(/\n/g, '\r\n');
    const split = readTexts([coloured], {}, 7);
    assert.deepEqual(names(split), names(whole));
    assert.deepEqual(
      split.events.map((e) => e.drop),
      whole.events.map((e) => e.drop),
    );
  });

  test('the event limit stops keeping events and says so', () => {
    const r = readTexts([fixtureText('pwru-old-egress.txt')], { maxEvents: 3 });
    assert.equal(r.events.length, 3);
    assert.equal(r.skipped.events, 4);
    assert.match(r.notes.join('\n'), /only the first 3 events are kept/);
  });

  test('a NUL byte in a line of text skips that line', () => {
    const text = fixtureText('pwru-old-egress.txt');
    const lines = text.split('\n');
    lines.splice(2, 0, 'x'.repeat(9000) + '\0garbage');
    const r = readTexts([lines.join('\n')]);
    assert.equal(r.events.length, 7);
    assert.equal(r.skipped.lines, 1);
  });
});
