// The skb timeline's notes read well for every operation of the knowledge table
// (src/analysis/knowledge/skb-ops.ts), with the argument texts real call sites pass: the
// call as written, the pointer changes, what it is for. A note must never say `len = len`
// (pskb_trim_rcsum(skb, len) once did), leave a part empty, or show a placeholder when the
// call's argument is known. Rendered as the panel (src/webview/timeline.ts) and the
// terminal (`--format text`) render them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphJson, SkbOp } from '../../src/analysis/graph-json';
import { SKB_OPS, type SkbOpRow, skbOpEffect } from '../../src/analysis/knowledge/skb-ops';
import { toText } from '../../src/analysis/render/text';
import { computeTimeline, stepNote } from '../../src/webview/timeline';

/** Argument texts as call sites in net/ and drivers/net/ write them, by what the length means. */
const ARGUMENTS: Readonly<Record<string, readonly string[]>> = {
  delta: [
    'len',
    'ETH_HLEN',
    'sizeof(struct iphdr)',
    'iph->ihl * 4',
    'hdr_len + ETH_HLEN',
    'xdp->data - xdp->data_hard_start',
    'skb_network_offset(skb)',
    'tcp_hdr(skb)->doff * 4',
    '-skb_mac_offset(skb)',
    '(hdr_len) + 4',
    'data_len',
    'tail',
  ],
  'new-length': ['len', 'ulen', 'skb->len - ETH_FCS_LEN', 'ntohs(iph->tot_len)', '0'],
  offset: ['offset', 'skb_gro_offset(skb)', '0', 'ETH_HLEN'],
  'linear-bytes': ['len', 'sizeof(struct tcphdr)', 'iph->ihl*4', 'hdrlen'],
  headroom: ['headroom', '0', 'hh_len'],
};

/** The SkbOp the preset writes for a call with `given` as its length argument (skb-timeline.ts). */
function skbOp(row: SkbOpRow, given: string | undefined): SkbOp {
  return {
    node: 'net/core/dev.c:caller',
    op: row.name,
    len: given ?? row.fixedLen ?? '',
    file: 'net/core/dev.c',
    line: 10,
    effect: skbOpEffect(row.name, given) ?? '',
  };
}

/** Each operation with each argument text it may be called with; undefined: the call site's is not known. */
function cases(): { row: SkbOpRow; given: string | undefined }[] {
  return SKB_OPS.flatMap((row) => {
    if (row.lenArg === undefined) return [{ row, given: undefined }];
    const own = row.params[row.lenArg] as string;
    const texts = [own, ...(ARGUMENTS[row.lenMeaning ?? 'delta'] ?? [])];
    return [...new Set(texts), undefined].map((given) => ({ row, given }));
  });
}

const words = (text: string): string[] => text.match(/(?<![>.\w])[A-Za-z_]\w*/g) ?? [];

/** What reads badly in a rendered note, one sentence each; empty when it reads well. */
function problems(
  given: string | undefined,
  note: { call: string; changes: string; words: string },
): string[] {
  const out: string[] = [];
  const call = /^(\w+)\((.*)\)$/.exec(note.call);
  if (!call) out.push(`the call is not NAME(ARGS): ${note.call}`);
  else if ((call[2] ?? '').split(', ').some((a) => a.trim() === ''))
    out.push(`the call has an empty argument: ${note.call}`);
  if (note.changes.trim() === '') out.push('the changes are empty');
  if (note.words.trim() === '') out.push('what it is for is empty');
  if (/^[\s—:;,.-]/.test(note.words)) out.push(`the words start with punctuation: ${note.words}`);
  for (const text of [note.call, note.changes, note.words]) {
    if (/undefined|NaN|\?\?|\(\s*\)| {2}|, ,|—\s*$/.test(text)) out.push(`an empty part: ${text}`);
    if (given !== undefined && /\bLEN\b/.test(text)) out.push(`a placeholder left: ${text}`);
  }
  if (note.changes !== 'no pointer moves') {
    for (const part of note.changes.split(', ')) {
      const m = /^(\S+) ([-+]?=) (.+)$/.exec(part);
      if (!m) {
        out.push(`a change that is not MEMBER OP VALUE: ${part}`);
        continue;
      }
      const [, lhs = '', , rhs = ''] = m;
      if (lhs === rhs || `(${lhs})` === rhs) out.push(`a member set to itself: ${part}`);
      // A member written bare must not be a bare word of the length: `tail = data + len` with
      // the argument `len` would read as skb->len.
      if (given !== undefined && !lhs.startsWith('skb->') && words(given).includes(lhs))
        out.push(`\`${lhs}\` reads as the argument ${given}: ${part}`);
    }
  }
  if (given !== undefined && !note.call.includes(given))
    out.push(`the call does not show its argument ${given}: ${note.call}`);
  return out;
}

describe('skb timeline notes', () => {
  it('read well for every operation of the table, with real argument texts', () => {
    const bad: string[] = [];
    for (const { row, given } of cases()) {
      const [step] = computeTimeline([skbOp(row, given)]);
      assert.ok(step, row.name);
      for (const p of problems(given, stepNote(step)))
        bad.push(`${row.name}(${given ?? '?'}): ${p}`);
    }
    assert.deepEqual(bad, []);
  });

  it('pskb_trim_rcsum(skb, len) says skb->len = len', () => {
    const row = SKB_OPS.find((r) => r.name === 'pskb_trim_rcsum') as SkbOpRow;
    const [step] = computeTimeline([skbOp(row, 'len')]);
    assert.ok(step);
    assert.deepEqual(stepNote(step), {
      call: 'pskb_trim_rcsum(skb, len)',
      changes: 'skb->len = len',
      words: 'cuts link-layer padding off a received packet, keeping the checksum state valid',
    });
  });

  it('read well in the terminal timeline too', () => {
    const skb = cases().map(({ row, given }) => skbOp(row, given));
    const graph: GraphJson = {
      title: 'notes',
      nodes: [
        {
          id: 'net/core/dev.c:caller',
          name: 'caller',
          file: 'net/core/dev.c',
          line: 1,
          stage: 'core-rx',
        },
      ],
      edges: [],
      skb,
    };
    const lines = toText(graph).split('\n');
    const timeline = lines.slice(lines.indexOf('== skb timeline ==') + 1).filter((l) => l !== '');
    assert.equal(timeline.length, skb.length * 2);
    for (const line of timeline) {
      assert.doesNotMatch(line, /undefined|\(\)|\(\s*,|,\s*\)| = \S+ = /, line);
      assert.doesNotMatch(line, /(?<![>.\w])(\w+) [-+]?= \1(?![\w(])/, line);
    }
  });
});
