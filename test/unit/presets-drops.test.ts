// Drop points (drops.ts) on test/fixtures/drops, whose C says on each line where a packet
// can be dropped which reasons are expected there (`/* drop: R... */`): a reason named in
// the call, plain kfree_skb(), a `goto` to a drop label with the reason variable set before
// the jump and on the label's way, and a reason the source cannot tell. Each row of the
// table of calls that drop (drop-calls.ts) is pinned by a `calls_NAME` function.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DropPoint } from '../../src/analysis/graph-json';
import type { Graph } from '../../src/analysis/index/graph';
import { buildIndex } from '../../src/analysis/index/indexer';
import { PresetContext, dropPoints, formatDropList } from '../../src/analysis/presets';
import { DROP_CALLS } from '../../src/analysis/presets/drop-calls';
import { assigned } from '../../src/analysis/presets/drops';

const root = join(__dirname, '../fixtures/drops');

function readText(path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

interface Expected {
  fn: string;
  /** `LINE REASON` for each expected drop point, sorted. */
  points: string[];
  /** Words each `?` point's note must hold, by line. */
  words: Map<number, string>;
}

/** The functions of a fixture file with the drop points its comments expect. */
function expectations(file: string): Expected[] {
  const lines = (readText(file) ?? '').split('\n');
  const out: Expected[] = [];
  lines.forEach((line, i) => {
    const def = /^[a-z][\w\s*]*?\b(\w+)\([^;]*$/.exec(line);
    if (def?.[1] && !line.startsWith('#') && lines[i + 1]?.startsWith('{'))
      out.push({ fn: def[1], points: [], words: new Map() });
    const m = /\/\* drop: (.*) \*\/$/.exec(line);
    const current = out.at(-1);
    if (!m?.[1] || !current) return;
    if (m[1].startsWith('?')) {
      current.points.push(`${i + 1} ?`);
      current.words.set(i + 1, m[1].slice(1).trim());
    } else for (const r of m[1].split(' ')) current.points.push(`${i + 1} ${r}`);
  });
  for (const e of out) e.points.sort();
  return out;
}

describe('drop points on test/fixtures/drops', () => {
  let graph: Graph;
  let ctx: PresetContext;
  let cacheDir: string;
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-drops-'));
    graph = (await buildIndex({ root, cacheDir, workers: 1 })).graph;
    ctx = new PresetContext(graph, readText);
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const pointsOf = (file: string, fn: string): DropPoint[] => {
    const node = graph.lookup(fn).find((n) => graph.file(n) === file);
    assert.ok(node !== undefined, `${fn} is not indexed in ${file}`);
    return dropPoints(ctx, node);
  };

  const checkFile = (file: string): void => {
    for (const want of expectations(file)) {
      it(`${want.fn}: ${want.points.length === 0 ? 'no drop point' : want.points.join(', ')}`, () => {
        const got = pointsOf(file, want.fn);
        assert.deepEqual(got.map((p) => `${p.line} ${p.reason}`).sort(), want.points);
        for (const p of got) {
          assert.equal(p.file, file);
          assert.equal(p.known, p.reason !== '?');
          const words = want.words.get(p.line);
          if (!p.known) assert.ok(words && p.note.includes(words), `${p.line}: ${p.note}`);
        }
      });
    }
  };

  describe('net/core/drops.c: the patterns', () => checkFile('net/core/drops.c'));
  describe('net/core/drop-calls.c: one function per row of the table', () =>
    checkFile('net/core/drop-calls.c'));

  it('pins every row of the table with a calls_NAME function of the fixture', () => {
    const text = readText('net/core/drop-calls.c') ?? '';
    for (const row of DROP_CALLS)
      assert.match(text, new RegExp(`\\bcalls_${row.name}\\(`), `${row.name} has no fixture`);
  });

  it("explains each reason from the tree's own dropreason-core.h", () => {
    const [point] = pointsOf('net/core/drop-calls.c', 'calls_sk_skb_reason_drop');
    assert.equal(point?.note, 'nobody listens for the packet');
    const [plain] = pointsOf('net/core/drop-calls.c', 'calls_kfree_skb');
    assert.equal(plain?.note, 'no reason given');
  });

  it('says how each point drops: the call, the jump, or the function a hook drops in', () => {
    const jump = pointsOf('net/core/drops.c', 'goto_drop').find((p) => p.reason === 'IP_CSUM');
    assert.match(jump?.how ?? '', /^goto csum_error: kfree_skb_reason at line \d+$/);
    const [hook] = pointsOf('net/core/drops.c', 'hooked');
    assert.match(
      hook?.how ?? '',
      /^NF_HOOK: in nf_hook_slow, kfree_skb_reason at line \d+ of net\/netfilter\/core\.c$/,
    );
  });

  it('lists the points of a path with their reasons and notes as text', () => {
    const text = formatDropList({
      driver: 'acme',
      problems: ['acme registers no ndo_start_xmit: no egress path to draw'],
      drops: pointsOf('net/core/drops.c', 'goto_drop').map((p) => ({
        ...p,
        direction: 'ingress' as const,
        node: 'net/core/drops.c:goto_drop',
        function: 'goto_drop',
      })),
    });
    assert.match(text, /^== acme ingress: 4 drop points ==\n {2}goto_drop\n {4}OTHERHOST /);
    assert.match(text, /\n {6}addressed to another host\n/);
    assert.match(text, /\(acme registers no ndo_start_xmit: no egress path to draw\)\n$/);
  });
});

describe('what a statement does to the reason variable', () => {
  const before = new Set(['NOT_SPECIFIED']);
  const cases: [string, string[]][] = [
    ['reason = SKB_DROP_REASON_NO_SOCKET;', ['NO_SOCKET']],
    ['enum skb_drop_reason reason = SKB_DROP_REASON_OTHERHOST;', ['OTHERHOST']],
    ['SKB_DR_SET(reason, IP_CSUM);', ['IP_CSUM']],
    ['SKB_DR_OR(reason, IP_CSUM);', ['IP_CSUM']],
    ['SKB_DR(reason);', ['NOT_SPECIFIED']],
    ['reason = check(skb);', ['?`reason` is what check() returns']],
    ['fill(skb, &reason);', ['?`reason` is set by fill()']],
    ['if (add_backlog(sk, skb, &reason))', ['?`reason` is set by add_backlog()']],
    ['if (unlikely(check(skb, size(skb), &reason)))', ['?`reason` is set by check()']],
    ['if (reason == SKB_DROP_REASON_NOT_SPECIFIED)', ['NOT_SPECIFIED']],
    ['other_reason = SKB_DROP_REASON_NO_SOCKET;', ['NOT_SPECIFIED']],
  ];
  for (const [text, want] of cases)
    it(text, () => assert.deepEqual([...assigned(text, 'reason', before)], want));

  it('SKB_DR_OR keeps a reason already set', () =>
    assert.deepEqual(
      [...assigned('SKB_DR_OR(reason, IP_CSUM);', 'reason', new Set(['OTHERHOST']))],
      ['OTHERHOST'],
    ));
});
