// A preset node's drop points in each rendering: Mermaid and DOT count them on a badge,
// the text lists each under its node with reason, place and how (and why when unknown).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { toDot } from '../../../src/analysis/render/dot';
import { toMermaid } from '../../../src/analysis/render/mermaid';
import { toText } from '../../../src/analysis/render/text';
import { fixture, linesMatching } from './fixtures';

function withDrops(): GraphJson {
  const g = fixture('e1000e-ingress');
  const node = g.nodes.find((n) => n.name === 'ip_rcv_core');
  assert.ok(node);
  node.drops = [
    {
      reason: 'OTHERHOST',
      known: true,
      file: node.file,
      line: 468,
      note: 'addressed to another host',
      how: 'goto drop: kfree_skb_reason at line 552',
    },
    {
      reason: '?',
      known: false,
      file: node.file,
      line: 530,
      note: 'The source does not tell the reason here: `r` is what check() returns.',
      how: 'kfree_skb_reason at line 530',
    },
  ];
  return g;
}

describe('drop points in the renderings', () => {
  it('Mermaid counts them on a badge of their node, and only there', () => {
    const result = toMermaid(withDrops());
    const badged = linesMatching(result.text, /⊘/);
    assert.equal(badged.length, 1);
    assert.match(badged[0] ?? '', /ip_rcv_core<br\/>.*<br\/>⊘ 2 drops"\]$/);
    assert.equal(linesMatching(toMermaid(fixture('e1000e-ingress')).text, /⊘/).length, 0);
  });

  it('DOT counts them on the label of their node', () => {
    const dot = toDot(withDrops());
    const lines = dot.split('\n').filter((l) => l.includes('⊘'));
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /ip_rcv_core\\n.*⊘ 2 drops/);
  });

  it('text lists each under its node, with why when the reason is not told', () => {
    const lines = toText(withDrops()).split('\n');
    const at = lines.findIndex((l) => l.startsWith('  ip_rcv_core  '));
    assert.ok(at >= 0);
    const under = [];
    for (let i = at + 1; lines[i]?.startsWith('      '); i++) under.push(lines[i]);
    assert.ok(
      under.includes(
        '      ⊘ drop OTHERHOST  net/ipv4/ip_input.c:468  (goto drop: kfree_skb_reason at line 552)',
      ),
      under.join('\n'),
    );
    assert.ok(
      under.includes(
        '      ⊘ drop ?  net/ipv4/ip_input.c:530  (kfree_skb_reason at line 530)  The source does not tell the reason here: `r` is what check() returns.',
      ),
      under.join('\n'),
    );
  });
});
