// Every knowledge row names the place in the tree that backs it (sources.ts, citations.ts):
// on the 6.12 tree each cited definition exists and holds the text the row is about, and
// the statements the product must get right (pskb_may_pull, skb_pull, NAPI, GRO) are read
// back from the very lines `explain` cites. On another release (Debian's 6.1, from
// `bash scripts/kernel.sh --version 6.1`, or NETPATHS_KERNEL_OTHER) the rows that no longer
// hold are listed, not failed: the knowledge is written for 6.12.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CONCEPTS,
  SKB_FIELDS,
  checkRows,
  explain,
  knowledgeCitations,
  type ExplanationSource,
} from '../../src/analysis/knowledge';
import { hoverAt } from '../../src/analysis/knowledge/hover';
import { kernelTreeProblem } from '../../src/analysis/index/walk';
import { roleCitations } from '../../src/analysis/presets';
import type { GraphJson, GraphNode } from '../../src/analysis/graph-json';
import { cli, kernelRoot, queryJson, repoRoot } from '../helpers/kernel';

function reader(root: string): (file: string) => string | undefined {
  const cache = new Map<string, string | undefined>();
  return (file) => {
    if (!cache.has(file)) {
      let text: string | undefined;
      try {
        text = readFileSync(join(root, file), 'utf8');
      } catch {
        text = undefined;
      }
      cache.set(file, text);
    }
    return cache.get(file);
  };
}

/** The source line of a located citation's `holds` text, read from the tree. */
function heldLine(root: string, src: ExplanationSource | undefined, text: string): string {
  assert.ok(src, 'the explanation cites a source');
  assert.equal(src.problem, undefined, `the citation holds: ${src.problem ?? ''}`);
  const h = src.holds?.find((x) => x.text === text);
  assert.ok(h?.line, `${src.symbol} holds ${text} on a line`);
  const line = readFileSync(join(root, src.file), 'utf8').split('\n')[h.line - 1] ?? '';
  assert.ok(line.includes(text.split(' ')[0] ?? text), `line ${h.line} shows ${text}: ${line}`);
  return line;
}

describe('knowledge sources on the 6.12 tree', () => {
  test('every row of every table cites a place, and each holds', () => {
    const root = kernelRoot();
    const rows = checkRows([...knowledgeCitations(), ...roleCitations()], reader(root));
    assert.ok(rows.length >= 280, `${rows.length} rows`);
    const failed = rows
      .filter((r) => !r.check.ok)
      .map((r) => `${r.table} ${r.row}: ${r.check.ok ? '' : r.check.reason}`);
    assert.deepEqual(failed, []);
    // Each table is represented, so a table dropped from the list would show.
    const tables = new Set(rows.map((r) => r.table));
    for (const t of [
      'skb-fields',
      'skb-field-events',
      'skb-ops',
      'concepts',
      'function-notes',
      'socket-notes',
      'nf-hook-calls',
      'stage-rules',
      'softirq-entries',
      'role-notes',
    ])
      assert.ok(tables.has(t), t);
    assert.ok(SKB_FIELDS.length + CONCEPTS.length <= rows.length);
  });

  test('explain pskb_may_pull cites the pull that may reallocate, and says so', () => {
    const root = kernelRoot();
    const e = explain('pskb_may_pull', undefined, reader(root));
    assert.ok(e);
    assert.match(e.text, /new head/);
    assert.match(e.text, /header pointer/);
    assert.doesNotMatch(e.text, /data and len do not change/);
    assert.match(
      heldLine(root, e.source, '__pskb_pull_tail'),
      /__pskb_pull_tail\(skb, len - skb_headlen\(skb\)\)/,
    );
    assert.match(heldLine(root, e.source, 'SKB_DROP_REASON_NOMEM'), /return SKB_DROP_REASON_NOMEM/);
  });

  test('explain skb_pull cites the check of skb->len alone', () => {
    const root = kernelRoot();
    const e = explain('skb_pull', undefined, reader(root));
    assert.ok(e);
    assert.match(e.text, /skb->len only/);
    assert.match(e.text, /BUG/);
    assert.match(
      heldLine(root, e.source, 'len > skb->len'),
      /len > skb->len\) \? NULL : __skb_pull/,
    );
    const inner = explain('__skb_pull', undefined, reader(root));
    assert.match(heldLine(root, inner?.source, 'BUG()'), /BUG\(\)/);
  });

  test('explain napi: napi_complete_done returns whether to re-enable, from the lines it cites', () => {
    const root = kernelRoot();
    const e = explain('napi', undefined, reader(root));
    assert.ok(e);
    assert.match(e.text, /never touches the interrupt/);
    assert.doesNotMatch(e.text, /re-enables the interrupt with napi_complete_done/);
    assert.match(heldLine(root, e.source, 'NAPIF_STATE_IN_BUSY_POLL'), /NAPIF_STATE_IN_BUSY_POLL/);
    assert.match(heldLine(root, e.source, 'return ret'), /return ret;/);
  });

  test('explain gro: each way a held packet is flushed is a line it cites', () => {
    const root = kernelRoot();
    const e = explain('gro', undefined, reader(root));
    assert.ok(e);
    assert.match(e.text, /8 flows/);
    assert.match(e.text, /whole budget/);
    assert.match(heldLine(root, e.source, 'MAX_GRO_SKBS'), /count >= MAX_GRO_SKBS/);
    assert.match(heldLine(root, e.source, 'gro_flush_oldest'), /gro_flush_oldest/);
    const flush = explain('gro_flush_timeout', undefined, reader(root));
    assert.match(
      heldLine(root, flush?.source, 'napi_gro_flush(n, !!timeout)'),
      /napi_gro_flush\(n, !!timeout\)/,
    );
  });

  test('explain of a path function cites the line that backs its stage and context', () => {
    const root = kernelRoot();
    // net_rx_action runs in softirq because net_dev_init registers it as NET_RX's handler;
    // tcp_sendmsg in process context because it takes the socket lock, which may sleep.
    const rx = explain('net_rx_action', undefined, reader(root));
    assert.equal(rx?.context, 'softirq');
    assert.match(
      heldLine(root, rx?.stageSource, 'open_softirq(NET_RX_SOFTIRQ, net_rx_action)'),
      /^\s*open_softirq\(NET_RX_SOFTIRQ, net_rx_action\);/,
    );
    const tx = explain('tcp_sendmsg', undefined, reader(root));
    assert.equal(tx?.context, 'process');
    assert.match(heldLine(root, tx?.stageSource, 'lock_sock(sk)'), /^\s*lock_sock\(sk\);/);
    const r = spawnSync(process.execPath, [cli, 'explain', 'net_rx_action', '--kernel', root], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /\nStage source: net\/core\/dev\.c:\d+-\d+ \(net_dev_init: open_softirq/,
    );
  });

  test('hovers of skb->cloned, skb->users and dataref link each life event to its line', () => {
    const root = kernelRoot();
    const read = reader(root);
    const linkTo = (file: string, line: number): string => `tree:${file}#${line}`;
    /** The tree's line behind each event link of a hover, by the event's first words. */
    const eventLines = (line: string, word: string): Map<string, string> => {
      const md = hoverAt(line, line.lastIndexOf(word) + 1, { readSource: read, linkTo })?.markdown;
      assert.ok(md, `a hover on ${word}`);
      const out = new Map<string, string>();
      for (const m of md.matchAll(/^- (.*?) \[.*\]\(tree:([^#]+)#(\d+)\)$/gm)) {
        const src = readFileSync(join(root, m[2] ?? ''), 'utf8').split('\n');
        out.set((m[1] ?? '').replace(/\\/g, ''), src[Number(m[3]) - 1] ?? '');
      }
      return out;
    };
    const find = (events: Map<string, string>, start: string): string => {
      const hit = [...events].find(([what]) => what.startsWith(start));
      assert.ok(hit, `an event ${start} in ${[...events.keys()].join(' | ')}`);
      return hit[1];
    };
    const cloned = eventLines('\tif (skb->cloned)', 'cloned');
    assert.equal(cloned.size, 3);
    assert.match(find(cloned, 'skb_clone() sets it'), /\bn->cloned = 1;/);
    assert.match(find(cloned, 'TCP sends a clone'), /skb = skb_clone\(oskb, gfp_mask\);/);
    assert.match(find(cloned, 'pskb_expand_head() clears'), /skb->cloned\s*= 0;/);
    const users = eventLines('\trefcount_read(&skb->users)', 'users');
    assert.match(find(users, 'skb_get()'), /refcount_inc\(&skb->users\)/);
    assert.match(find(users, 'skb_unref()'), /refcount_dec_and_test\(&skb->users\)/);
    assert.match(find(users, 'consume_skb()'), /if \(!skb_unref\(skb\)\)/);
    assert.match(find(users, 'kfree_skb_reason()'), /skb_unref\(skb\)/);
    const dataref = eventLines('\tatomic_read(&skb_shinfo(skb)->dataref)', 'dataref');
    assert.match(
      find(dataref, 'skb_clone() takes'),
      /atomic_inc\(&\(skb_shinfo\(skb\)->dataref\)\)/,
    );
    assert.match(
      find(dataref, 'When an skb is freed'),
      /atomic_sub_return\(bias, &shinfo->dataref\)/,
    );
    assert.match(find(dataref, 'An allocation'), /atomic_set\(&shinfo->dataref, 1\)/);
  });

  test('netpaths explain prints the source line it cites', () => {
    const root = kernelRoot();
    const r = spawnSync(process.execPath, [cli, 'explain', 'pskb_may_pull', '--kernel', root], {
      encoding: 'utf8',
      cwd: repoRoot,
    });
    assert.equal(r.status, 0, r.stderr);
    const m = /Source: include\/linux\/skbuff\.h:(\d+)-\d+ \(pskb_may_pull_reason:/.exec(r.stdout);
    assert.ok(m, r.stdout);
    const line = readFileSync(join(root, 'include/linux/skbuff.h'), 'utf8').split('\n')[
      Number(m[1]) - 1
    ];
    assert.match(line ?? '', /^pskb_may_pull_reason\(/);
  });

  test('netpaths check-knowledge passes on the tree and fails on a tree that lacks the places', () => {
    const root = kernelRoot();
    const ok = spawnSync(process.execPath, [cli, 'check-knowledge', '--kernel', root], {
      encoding: 'utf8',
    });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^(\d+) of \1 knowledge rows hold in this tree\n$/);
    // The test fixtures' mini kernel has a few of the files and none of the definitions.
    const mini = join(repoRoot, 'test/fixtures/kernel-mini');
    const bad = spawnSync(process.execPath, [cli, 'check-knowledge', '--kernel', mini], {
      encoding: 'utf8',
    });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, /skb-ops {2}pskb_may_pull: /);
    assert.match(bad.stderr, /knowledge rows do not hold in this tree/);
  });
});

/** The node named `name`, drawn. */
function drawn(g: GraphJson, name: string): GraphNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `${name} is drawn in ${g.title ?? ''}`);
  return n;
}

/** Line `line` of a file of the tree, and the few after it (a call split over lines). */
function linesAt(file: string, line: number, count = 1): string {
  const lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
  return lines.slice(line - 1, line - 1 + count).join('\n');
}

describe('transmit contexts and driver notes, read from the source they cite', () => {
  for (const { driver, xmit, doorbell, notDoorbell } of [
    {
      driver: 'e1000e',
      xmit: 'e1000_xmit_frame',
      doorbell: 'e1000_xmit_frame',
      notDoorbell: ['e1000_tx_map', 'e1000_tx_queue'],
    },
    { driver: 'ixgbe', xmit: 'ixgbe_xmit_frame', doorbell: 'ixgbe_tx_map', notDoorbell: [] },
  ]) {
    test(`${driver} egress: __dev_queue_xmit and ${xmit} run with bottom halves disabled, by the line cited`, () => {
      const g = queryJson<GraphJson>(['egress', '--driver', driver]);
      const dev = drawn(g, '__dev_queue_xmit');
      assert.equal(dev.context, 'bh-disabled');
      const m = /rcu_read_lock_bh\(\) at (net\/core\/dev\.c):(\d+)/.exec(dev.contextReason ?? '');
      assert.ok(m, dev.contextReason);
      assert.match(linesAt(m[1] as string, Number(m[2])), /^\s*rcu_read_lock_bh\(\);/);
      const x = drawn(g, xmit);
      assert.equal(x.context, 'bh-disabled');
      assert.ok(
        (x.contextReason ?? '').includes(
          `rcu_read_lock_bh() at ${m[1]}:${m[2]} in __dev_queue_xmit`,
        ),
        x.contextReason,
      );
      assert.equal(drawn(g, 'tcp_sendmsg').context, 'process');
      assert.equal(drawn(g, 'net_tx_action').context, 'softirq');
    });

    test(`${driver} egress: the doorbell note is on ${doorbell}, which writes the tail at the line it cites`, () => {
      const g = queryJson<GraphJson>(['egress', '--driver', driver]);
      const bell = drawn(g, doorbell);
      const m = /doorbell[^(]*\(writel, line (\d+)\)/.exec(bell.note ?? '');
      assert.ok(m, bell.note);
      assert.match(linesAt(bell.file, Number(m[1]), 2), /writel\([^;]*tail\)/s);
      for (const other of notDoorbell)
        assert.doesNotMatch(drawn(g, other).note ?? '', /doorbell|tail/);
    });
  }

  test('e1000e egress: tcp_write_xmit is also entered from the NET_RX softirq, by a chain of calls whose lines the tree shows', () => {
    const g = queryJson<GraphJson>(['egress', '--driver', 'e1000e']);
    const x = drawn(g, 'tcp_write_xmit');
    assert.equal(x.context, 'bh-disabled');
    const reason = x.contextReason ?? '';
    assert.match(reason, /process context/, 'still entered from the send system calls');
    // The chain is told once, on the drawn function where the softirq enters the path.
    const through = /entered from NET_RX softirq through (\w+)/.exec(reason);
    const entry = through ? drawn(g, through[1] as string) : x;
    const chain = /entered from NET_RX softirq: net_rx_action ((?:[→⇢] \w+ \([^)]+\) ?)+)/.exec(
      entry.contextReason ?? '',
    );
    assert.ok(chain, entry.contextReason);
    const hops = [...(chain[1] as string).matchAll(/([→⇢]) (\w+) \(([^:]+):(\d+)\)/g)];
    assert.ok(hops.length >= 8, `${hops.length} calls`);
    assert.equal(hops.at(-1)?.[2], entry.name);
    const names = hops.map((h) => h[2]);
    assert.ok(names.includes('tcp_v4_rcv'), names.join(' '));
    // The first call is net_rx_action's, in net/core/dev.c.
    assert.equal(hops[0]?.[3], 'net/core/dev.c');
    for (const [, kind, name, file, line] of hops) {
      const text = linesAt(file as string, Number(line), 2);
      // A direct call names its callee at the line; a call through a pointer is a call there.
      if (kind === '→')
        assert.match(text, new RegExp(`\\b${name as string}\\s*\\(`), `${file}:${line}`);
      else assert.match(text, /\(/, `${file}:${line}`);
    }
    // The send system calls stay in process context: the softirq does not enter above TCP.
    assert.equal(drawn(g, 'tcp_sendmsg').context, 'process');
    assert.equal(drawn(g, '__sys_sendto').context, 'process');
  });

  test('e1000e ingress: no softirq chain is told where the drawing already runs in NET_RX', () => {
    // napi_gro_receive is reached from net_rx_action through gro_cell_poll too, but the
    // drawing already enters it from the driver's poll in the softirq.
    const g = queryJson<GraphJson>(['ingress', '--driver', 'e1000e']);
    assert.equal(drawn(g, 'napi_gro_receive').context, 'softirq');
    for (const n of g.nodes)
      assert.doesNotMatch(n.contextReason ?? '', /entered from NET_RX softirq/, n.name);
  });

  test('r8169 egress: the xmit note names the doorbell its helper writes through the driver macro RTL_W16, at the line cited', () => {
    const g = queryJson<GraphJson>(['egress', '--driver', 'r8169']);
    const x = drawn(g, 'rtl8169_start_xmit');
    const m = /doorbell[^(]*\((\w+): (RTL_W\d+) → (write\w), line (\d+)\)/.exec(x.note ?? '');
    assert.ok(m, x.note);
    const [, helper, macro, mmio, line] = m as unknown as [string, string, string, string, string];
    assert.equal(helper, 'rtl8169_doorbell');
    assert.match(linesAt(x.file, Number(line)), new RegExp(`^\\s*${macro}\\(tp, TxPoll\\w*,`));
    // The macro is the driver's own, and writes through the MMIO call the note names.
    const text = readFileSync(join(kernelRoot(), x.file), 'utf8');
    assert.match(text, new RegExp(`#define ${macro}\\([^)]*\\)\\s+${mmio}\\(`));
    const bell = drawn(g, 'rtl8169_doorbell');
    assert.match(
      bell.note ?? '',
      new RegExp(`doorbell[^(]*\\(${macro} → ${mmio}, line ${line}\\)`),
    );
  });

  test('ixgbe ingress: the checksum and VLAN note is on ixgbe_process_skb_fields, not ixgbe_rx_skb', () => {
    const g = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe']);
    const fields = drawn(g, 'ixgbe_process_skb_fields');
    const vlan = /the VLAN tag \(__vlan_hwaccel_put_tag, line (\d+)\)/.exec(fields.note ?? '');
    assert.ok(vlan, fields.note);
    assert.match(linesAt(fields.file, Number(vlan[1])), /__vlan_hwaccel_put_tag\(/);
    assert.match(fields.note ?? '', /the checksum result \(ixgbe_rx_checksum: /);
    const handoff = drawn(g, 'ixgbe_rx_skb').note ?? '';
    assert.match(handoff, /^Hands the skb to the stack \(napi_gro_receive, line \d+\)\.$/);
    assert.doesNotMatch(handoff, /checksum|VLAN/);
  });
});

describe('knowledge sources on another release', () => {
  test('lists the rows that no longer hold on Debian 6.1 (a list, not a failure)', () => {
    let other = process.env.NETPATHS_KERNEL_OTHER;
    if (!other) {
      const r = spawnSync('bash', [join(repoRoot, 'scripts/kernel.sh'), '--version', '6.1'], {
        encoding: 'utf8',
      });
      other = r.status === 0 ? r.stdout.trim() : undefined;
      if (!other) {
        console.log(`# no 6.1 tree to compare with: ${r.stderr.trim().split('\n').pop() ?? ''}`);
        return;
      }
    }
    assert.equal(kernelTreeProblem(other), undefined, `${other} is a kernel tree`);
    const rows = checkRows([...knowledgeCitations(), ...roleCitations()], reader(other));
    const failed = rows.filter((r) => !r.check.ok);
    console.log(
      `# ${rows.length - failed.length} of ${rows.length} knowledge rows hold in ${other}`,
    );
    for (const r of failed)
      console.log(`#   ${r.table} ${r.row}: ${r.check.ok ? '' : r.check.reason}`);
    // Most of the knowledge holds across one LTS step; a tree where almost nothing does is
    // not the release we mean (or the reader is broken).
    assert.ok(failed.length < rows.length / 4, `${failed.length} of ${rows.length} fail`);
    // What a user of that tree sees: one line per row that does not hold, then a summary
    // naming the tree's release beside the one the knowledge is written for.
    const r = spawnSync(process.execPath, [cli, 'check-knowledge', '--kernel', other], {
      encoding: 'utf8',
    });
    const lines = r.stdout.trimEnd().split('\n');
    const summary = lines.pop() ?? '';
    if (failed.length === 0) return;
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      summary,
      new RegExp(
        `^${rows.length - failed.length} of ${rows.length} knowledge rows hold in this tree \\(Linux \\d+\\.\\d+[.\\d]*; the knowledge is written for 6\\.12\\); ${failed.length} do not \\(listed above\\)$`,
      ),
    );
    assert.deepEqual(
      lines,
      failed.map((f) => `${f.table}  ${f.row}: ${f.check.ok ? '' : f.check.reason}`),
    );
    for (const line of lines) assert.doesNotMatch(line, /no longer/, 'the tree may be older');
    assert.match(r.stderr, /knowledge rows do not hold in this tree \(Linux /);
  });
});
