// `netpaths trace` on the real 6.12 tree. Every expectation is read from the tree or from
// the trace by a rule of its own: a definition's line names the function, a call is in
// the caller's text, a binding's line names the function bound, a nesting is the trace's
// indentation, a drop reason's meaning is its kernel-doc; no line of the tree is written
// here.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson, TraceStep } from '../../src/analysis/graph-json';
import { toText } from '../../src/analysis/render/text';
import {
  cli,
  kernelRoot,
  queryJson,
  repoRoot,
  runCli,
  testCacheDir,
  testScope,
} from '../helpers/kernel';
import { treeLines } from '../helpers/source';

const TRACES = join(repoRoot, 'test/fixtures/traces');
const fixture = (name: string): string => join(TRACES, name);

const lines = treeLines;

/** The text of the definition at `file:line`: to the first `}` in column 0 after it. */
function definitionText(file: string, line: number): string {
  const all = lines(file);
  let end = line - 1;
  while (end < all.length && !/^}/.test(all[end] ?? '')) end++;
  return all.slice(line - 1, end + 1).join('\n');
}

type Node = GraphJson['nodes'][number];

function node(g: GraphJson, id: string): Node {
  const n = g.nodes.find((x) => x.id === id);
  assert.ok(n, `no node ${id}`);
  return n;
}

/** The step of the first event named `name` (as printed, without clone suffixes). */
function step(g: GraphJson, name: string): TraceStep {
  const s = g.trace?.steps.find(
    (x) => x.name.replace(/\.(?:isra|constprop|part)\.\d+$/, '') === name,
  );
  assert.ok(s, `no event ${name}`);
  return s;
}

/** Every matched event's node is a definition of its name in the tree. */
function assertDefinitions(g: GraphJson): void {
  const matched = (g.trace?.steps ?? []).filter((s) => s.node);
  assert.ok(matched.length > 0, 'no event matched a definition');
  for (const s of matched) {
    if (!s.node) continue;
    const n = node(g, s.node);
    assert.match(
      lines(n.file)[n.line - 1] ?? '',
      new RegExp(`\\b${n.name}\\b`),
      `${n.name} at ${n.file}:${n.line}`,
    );
  }
}

/** The edge from `from` to `to` (node ids). */
function edgeOf(g: GraphJson, from: string, to: string): GraphJson['edges'][number] {
  const e = g.edges.find((x) => x.from === from && x.to === to);
  assert.ok(e, `no edge ${from} -> ${to}`);
  return e;
}

/** A binding edge's line in the tree names the function bound, and its slot is `slot`. */
function assertBinding(g: GraphJson, from: string, to: string, slot: string): void {
  const e = edgeOf(g, from, to);
  const m = /(\w+\.\w+) = (\w+) at ([^\s:]+):(\d+)/.exec(e.via ?? '');
  assert.ok(m, `${from} -> ${to}: via ${e.via ?? ''}`);
  assert.equal(m[1], slot);
  assert.match(lines(m[3] ?? '')[Number(m[4]) - 1] ?? '', new RegExp(`\\b${m[2]}\\b`));
}

function trace(args: string[]): GraphJson {
  return queryJson<GraphJson>(['trace', ...args]);
}

describe('netpaths trace on the real tree', () => {
  let pwru: GraphJson;
  before(() => {
    pwru = trace([fixture('pwru-tcp-receive-filtered.txt')]);
  });

  it('a pwru receive trace of a TCP packet maps its functions to 6.12 definitions', () => {
    assertDefinitions(pwru);
    assert.equal(pwru.trace?.format, 'pwru');
    // A function 6.12 no longer has is listed, not dropped.
    assert.deepEqual(
      pwru.trace?.unmatched.map((u) => u.name),
      ['tcp_v4_inbound_md5_hash'],
    );
  });

  it('joins __netif_receive_skb_core to ip_rcv through packet_type.func, inferred where pwru skipped it', () => {
    const rcv = step(pwru, 'ip_rcv');
    const core = step(pwru, '__netif_receive_skb_core');
    assert.equal(rcv.from?.node, core.node);
    assert.equal(rcv.from?.link, 'inferred');
    const hops = [core.node ?? '', ...(rcv.from?.through ?? []), rcv.node ?? ''];
    for (let i = 0; i + 1 < hops.length; i++) {
      assert.equal(edgeOf(pwru, hops[i] ?? '', hops[i + 1] ?? '').trace, 'inferred');
      if (i > 0)
        assert.equal(
          node(pwru, hops[i] ?? '').observed,
          undefined,
          'a skipped function is not observed',
        );
    }
    assertBinding(pwru, hops[hops.length - 2] ?? '', rcv.node ?? '', 'packet_type.func');
  });

  it('joins ip_rcv_finish to ip_local_deliver through dst_entry.input, inferred through dst_input', () => {
    const deliver = step(pwru, 'ip_local_deliver');
    const finish = step(pwru, 'ip_rcv_finish');
    assert.equal(deliver.from?.node, finish.node);
    assert.equal(deliver.from?.link, 'inferred');
    const through = deliver.from?.through ?? [];
    const last = through[through.length - 1] ?? '';
    assert.match(
      edgeOf(pwru, last, deliver.node ?? '').via ?? '',
      /dst_entry\.input = ip_local_deliver at /,
    );
    assertBinding(pwru, last, deliver.node ?? '', 'dst_entry.input');
    // Where the tree calls the next function itself, the join is an observed call.
    const rcv = step(pwru, 'ip_rcv');
    assert.equal(finish.from?.node, rcv.node);
    assert.equal(finish.from?.link, 'observed');
  });

  it("the same joins on nettrace's public TCP trace of an older kernel", () => {
    const g = trace([fixture('nettrace-diag-tcp-no-listener.txt')]);
    assertDefinitions(g);
    assert.equal(step(g, 'ip_rcv').from?.node, step(g, '__netif_receive_skb_core').node);
    assert.equal(step(g, 'ip_local_deliver').from?.node, step(g, 'ip_rcv_finish').node);
  });

  it('a function_graph trace of net_rx_action keeps its nesting: each call joined from its caller, observed where the caller calls it', () => {
    const file = fixture('trace-cmd-funcgraph-net-rx-action.txt');
    const g = trace([file]);
    // The nesting, read from the trace's indentation after `|`.
    const stack: string[] = [];
    const pairs: [string, string][] = [];
    for (const l of readFileSync(file, 'utf8').split('\n')) {
      const m = /\|( +)(\w+)\(\)\s*([{;])/.exec(l);
      if (!m) {
        if (/\|\s+\}\s*$/.test(l)) stack.pop();
        continue;
      }
      const depth = ((m[1] ?? '').length - 2) / 2;
      stack.length = depth;
      if (depth > 0) pairs.push([stack[depth - 1] ?? '', m[2] ?? '']);
      if (m[3] === '{') stack[depth] = m[2] ?? '';
    }
    assert.ok(pairs.length > 10);
    const steps = g.trace?.steps ?? [];
    let observed = 0;
    for (const [parent, child] of pairs) {
      const s = steps.find(
        (x) => x.name === child && x.node && !steps.some((y) => y === x && false),
      );
      const p = steps.find((x) => x.name === parent);
      if (!s?.node || !p?.node) continue;
      const c = steps.filter((x) => x.name === child && x.from?.node === p.node);
      assert.ok(c.length > 0, `${child} is joined from ${parent}`);
      const caller = node(g, p.node);
      if (new RegExp(`\\b${child}\\s*\\(`).test(definitionText(caller.file, caller.line))) {
        assert.equal(edgeOf(g, p.node, s.node).trace, 'observed', `${parent} -> ${child}`);
        observed++;
      }
    }
    assert.ok(observed >= 2, `${observed} observed calls`);
    // A call the tree does not make (6.11's inlined napi_poll): inferred through it.
    assert.deepEqual(
      step(g, '__napi_poll').from?.through.map((id) => node(g, id).name),
      ['napi_poll'],
    );
  });

  it("a stack dump's [inline] frames and file:line choose the definitions; its frames are observed calls, outermost first", () => {
    const file = fixture('syzbot-kasan-ip-queue-xmit.txt');
    const g = trace([file]);
    const frames = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => /^ (\w+)(?:\+0x\w+\/0x\w+)? ([\w/.]+\.[ch]):(\d+)( \[inline\])?$/.exec(l))
      .filter(
        (m): m is RegExpExecArray =>
          m !== null && !/dump_stack|kasan|asan|print_address/.test(m[1] ?? ''),
      );
    const steps = g.trace?.steps ?? [];
    // Outermost first: the trace's last frame is the first event.
    assert.equal(steps[0]?.name, frames[frames.length - 1]?.[1]);
    for (const m of frames) {
      const [, name = '', path = ''] = m;
      // The file the frame names, when the tree defines the function there.
      const here = lines(path).some(
        (l) =>
          new RegExp(`^(?:static\\s+)?(?:inline\\s+)?\\w[\\w\\s*]*\\b${name}\\(`).test(l) ||
          new RegExp(`^${name}\\(`).test(l),
      );
      const s = steps.find((x) => x.name === name);
      assert.ok(s?.node, name);
      if (here) assert.equal(node(g, s.node).file, path, name);
    }
    const inline = frames.filter((m) => m[4]).map((m) => m[1]);
    assert.deepEqual(
      [...new Set(inline)].sort(),
      ['NF_HOOK', 'dst_input', 'tcp_ack_snd_check'].sort(),
    );
    // dst_input, inlined into ip_rcv_finish, calls ip_local_deliver: observed calls both.
    const dst = step(g, 'dst_input');
    assert.equal(dst.from?.node, step(g, 'ip_rcv_finish').node);
    assert.equal(dst.from?.link, 'observed');
    assert.equal(step(g, 'ip_local_deliver').from?.node, dst.node);
    assert.equal(step(g, 'ip_local_deliver').from?.link, 'observed');
    // Consecutive frames the tree calls are observed edges.
    for (let i = 1; i < steps.length; i++) {
      const s = steps[i];
      if (!s?.from || s.from.link !== 'observed') continue;
      assert.equal(edgeOf(g, s.from.node, s.node ?? '').trace, 'observed');
    }
  });

  it('a trace with a drop ends on a drop node with the meaning of its reason in the tree', () => {
    const g = trace([fixture('pwru-tcp-no-socket-drop.txt')]);
    const drop = g.drops?.[0];
    assert.ok(drop);
    assert.equal(drop.reason, 'SKB_DROP_REASON_NO_SOCKET');
    // The kernel-doc of the reason, read here with a rule of its own.
    const header = lines('include/net/dropreason-core.h').join('\n');
    const doc =
      new RegExp(`@${drop.reason}:([\\s\\S]*?)(?:\\*/|\\n\\s*\\*\\s*@)`).exec(header)?.[1] ?? '';
    const meaning = doc
      .replace(/\n\s*\*/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    assert.ok(meaning.length > 10);
    assert.equal(drop.note, meaning);
    assert.equal(node(g, drop.node).name, 'sk_skb_reason_drop');
    assert.ok(!g.edges.some((e) => e.from === drop.node), 'nothing follows the drop');
    const text = runCli(['trace', fixture('pwru-tcp-no-socket-drop.txt')]).stdout;
    assert.ok(text.includes(`✖ dropped: SKB_DROP_REASON_NO_SOCKET — ${meaning}`));
  });

  it("nettrace's diagnosis of a netfilter drop: the reason it names, the meaning the tree gives", () => {
    const g = trace([fixture('nettrace-diag-netfilter-drop.txt')]);
    assert.equal(g.drops?.[0]?.reason, 'NETFILTER_DROP');
    assert.match(g.drops?.[0]?.note ?? '', /^dropped in nf_hook_slow: dropped by netfilter$/);
  });

  it('every drop reason the tree lists has a meaning the reader finds', () => {
    const text = lines('include/net/dropreason-core.h').join('\n');
    const listed = [...text.matchAll(/\bFN\((\w+)\)/g)].map((m) => m[1] ?? '');
    assert.ok(listed.length > 50);
    const body = listed
      .map((r) => `0xffff888012345600 0 [x] kfree_skb_reason(SKB_DROP_REASON_${r})`)
      .join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'netpaths-trace-'));
    try {
      const path = join(dir, 'drops.txt');
      writeFileSync(path, `${body}\n`);
      const g = trace([path]);
      assert.equal(g.drops?.length, 1, 'one packet: the free after the first drop');
      // Each reason, alone: its note is its meaning, never "not a reason".
      for (const r of listed.slice(0, 8)) {
        writeFileSync(path, `0xffff888012345600 0 [x] kfree_skb_reason(SKB_DROP_REASON_${r})\n`);
        const one = trace([path]);
        assert.doesNotMatch(one.drops?.[0]?.note ?? '', /is not a reason|no description/, r);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tracing commands for ingress --driver e1000e', () => {
  let preset: GraphJson;
  before(() => {
    preset = queryJson<GraphJson>(['ingress', '--driver', 'e1000e']);
  });

  /** The names a command line or script mentions, by format. */
  const named: Record<string, (out: string) => string[]> = {
    pwru: (out) => /--filter-func '\^\(\?:([^)]*)\)\$'/.exec(out)?.[1]?.split('|') ?? [],
    ftrace: (out) =>
      [...out.matchAll(/^echo (\w+) >> set_ftrace_filter$/gm)].map((m) => m[1] ?? ''),
    bpftrace: (out) => [...out.matchAll(/^kprobe:(\w+)/gm)].map((m) => m[1] ?? ''),
  };

  for (const format of ['pwru', 'ftrace', 'bpftrace']) {
    it(`--format ${format}: every function named is defined in the tree and not static inline; each one left out is named with why`, () => {
      const r = runCli(['ingress', '--driver', 'e1000e', '--format', format]);
      assert.equal(r.status, 0, r.stderr);
      const names = named[format]?.(r.stdout) ?? [];
      assert.ok(names.length > 5, `${format}: ${names.length} functions`);
      for (const name of names) {
        const n = preset.nodes.find((x) => x.name === name);
        assert.ok(n, `${name} is a function of the graph`);
        assert.match(lines(n.file)[n.line - 1] ?? '', new RegExp(`\\b${name}\\b`), name);
        // Not inline: no `inline` in the lines of its head, from the line before its name.
        const head = lines(n.file)
          .slice(Math.max(0, n.line - 3), n.line)
          .join(' ');
        assert.doesNotMatch(head, /\binline\b|__always_inline/, `${name} at ${n.file}:${n.line}`);
        assert.notEqual(n.kind, 'macro', name);
      }
      const comment = format === 'bpftrace' ? '//' : '#';
      const left = new Map(
        [...r.stdout.matchAll(new RegExp(`^${comment} {3}(\\S+) +(\\S+:\\d+) +(.+)$`, 'gm'))].map(
          (m) => [m[1] ?? '', m[3] ?? ''],
        ),
      );
      for (const n of preset.nodes) {
        if (names.includes(n.name)) continue;
        assert.ok(left.has(n.name), `${n.name} is named or left out with a reason`);
        assert.ok((left.get(n.name) ?? '').length > 10, n.name);
      }
      // Every static inline of the graph is left out as such.
      for (const n of preset.nodes) {
        const head = lines(n.file)
          .slice(Math.max(0, n.line - 2), n.line)
          .join(' ');
        if (/\bstatic\s+(?:__always_)?inline\b/.test(head))
          assert.match(left.get(n.name) ?? '', /static inline/, n.name);
      }
    });
  }
});

describe('a trace on the annotated presets: ingress|egress --driver e1000e --trace FILE', () => {
  const cases = [
    { direction: 'ingress', file: 'pwru-tcp-receive-filtered.txt', reaches: 'tcp_v4_rcv' },
    { direction: 'egress', file: 'pwru-old-egress.txt', reaches: '__dev_queue_xmit' },
  ];
  const presets = new Map<string, GraphJson>();
  const overlays = new Map<string, GraphJson>();
  before(() => {
    for (const c of cases) {
      presets.set(c.direction, queryJson<GraphJson>([c.direction, '--driver', 'e1000e']));
      overlays.set(
        c.direction,
        queryJson<GraphJson>([c.direction, '--driver', 'e1000e', '--trace', fixture(c.file)]),
      );
    }
  });
  const clone = (name: string): string => name.replace(/\.(?:isra|constprop|part)\.\d+$/, '');

  for (const c of cases) {
    it(`${c.direction}: the whole preset is drawn, and the preset functions the trace hit carry their first event`, () => {
      const p = presets.get(c.direction) as GraphJson;
      const g = overlays.get(c.direction) as GraphJson;
      const o = g.trace?.overlay;
      assert.ok(o, 'trace.overlay');
      assert.equal(o.preset, `e1000e ${c.direction}`);
      assert.equal(o.functions, p.nodes.length);
      for (const n of p.nodes) {
        const m = g.nodes.find((x) => x.id === n.id);
        assert.ok(m, `${n.id} drawn`);
        assert.equal(m.stage, n.stage, n.id);
      }
      for (const e of p.edges)
        assert.ok(
          g.edges.some((x) => x.from === e.from && x.to === e.to),
          `${e.from} -> ${e.to}`,
        );
      const onPreset = new Set(p.nodes.map((n) => n.id));
      const hit = g.nodes.filter((n) => onPreset.has(n.id) && n.observed).map((n) => n.id);
      assert.deepEqual([...o.hit].sort(), hit.sort());
      assert.ok(
        o.hit.some((id) => node(g, id).name === c.reaches),
        `${c.reaches} is hit: ${o.hit.join(', ')}`,
      );
      for (const id of o.hit) {
        const n = node(g, id);
        const first = g.trace?.steps.find((s) => s.event === n.observed?.first);
        assert.equal(first?.node, id, id);
        assert.equal(clone(first?.name ?? ''), n.name);
      }
      assertDefinitions(g);
    });

    it(`${c.direction}: every function the trace matched is hit, attached where a call of the tree joins it, or listed`, () => {
      const g = overlays.get(c.direction) as GraphJson;
      const o = g.trace?.overlay;
      assert.ok(o);
      const drawn = new Set(g.nodes.map((n) => n.id));
      const listed = new Set(o.listed.map((l) => l.node));
      for (const s of g.trace?.steps ?? []) {
        if (!s.node) continue;
        assert.ok(drawn.has(s.node) || listed.has(s.node), `${s.name} drawn or listed`);
      }
      for (const id of o.attached) {
        const calls = g.edges.filter((e) => e.trace !== 'gap' && (e.from === id || e.to === id));
        assert.ok(calls.length > 0, `${id} is attached by a call`);
        for (const e of calls) {
          assert.ok(drawn.has(e.from) && drawn.has(e.to), `${e.from} -> ${e.to}`);
          // A direct call's line in the tree names the callee.
          if (e.kind === 'direct')
            assert.match(
              lines(e.file)[e.line - 1] ?? '',
              new RegExp(`\\b${node(g, e.to).name}\\b`),
              `${e.file}:${e.line}`,
            );
        }
      }
    });

    it(`${c.direction}: a branch not taken leaves a function the packet passed, for one pwru would have printed (it takes an skb)`, () => {
      const p = presets.get(c.direction) as GraphJson;
      const g = overlays.get(c.direction) as GraphJson;
      const o = g.trace?.overlay;
      assert.ok(o);
      const passed = new Set([...o.hit, ...o.inferred]);
      for (const u of o.untaken) {
        assert.ok(
          p.edges.some((e) => e.from === u.from && e.to === u.to),
          `${u.from} -> ${u.to}`,
        );
        assert.ok(passed.has(u.from) && !passed.has(u.to), `${u.from} -> ${u.to}`);
        for (const t of u.taken) assert.ok(passed.has(t), t);
        const n = node(g, u.to);
        const text = definitionText(n.file, n.line);
        const head = text.slice(0, text.indexOf('{'));
        assert.match(head, /struct\s+sk_buff\s*\*/, `${n.name} takes an skb`);
        assert.doesNotMatch(head, /\binline\b/, n.name);
      }
      const text = toText(g);
      assert.match(
        text,
        new RegExp(`On e1000e ${c.direction}: ${o.hit.length} of its ${o.functions} functions hit`),
      );
      assert.equal(
        (text.match(/branch not taken: /g) ?? []).length,
        o.untaken.length,
        'one line per branch not taken',
      );
    });
  }

  it('ingress: the TCP receive did not take the branches the tree has beside it', () => {
    const o = overlays.get('ingress')?.trace?.overlay;
    assert.ok(o);
    // The packet reached TCP: a preset branch left from a function it passed is judged.
    assert.ok(o.untaken.length > 0, JSON.stringify(o));
  });

  it('usage: --skb without --trace is a usage error; a missing trace file one line, before any indexing', () => {
    const a = runCli(['ingress', '--driver', 'e1000e', '--skb', '0x1']);
    assert.equal(a.status, 2, a.stderr);
    assert.match(a.stderr, /--trace/);
    const b = runCli(['egress', '--driver', 'e1000e', '--trace', '/nonexistent/trace.txt']);
    assert.equal(b.status, 1, b.stderr);
    assert.equal(b.stderr.trim().split('\n').length, 1, b.stderr);
    assert.match(b.stderr, /cannot read \/nonexistent\/trace\.txt/);
  });
});

describe('netpaths trace: bad input', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpaths-trace-bad-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, data: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, data);
    return path;
  };

  it('a file that is no trace, binary data, an empty file, a missing file: one line each, exit 1', () => {
    const cases: [string, RegExp][] = [
      [
        write('notes.md', '# Notes\n\nThe packet vanished.\n'),
        /^netpaths: .*notes\.md: no line of a trace NetPaths reads/,
      ],
      [
        write('trace.gz', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xed, 0x5d])),
        /^netpaths: .*trace\.gz: binary data, not a trace$/,
      ],
      [write('empty.txt', ''), /^netpaths: .*empty\.txt: empty$/],
      [join(dir, 'missing.txt'), /^netpaths: cannot read .*missing\.txt: no such file$/],
    ];
    for (const [path, message] of cases) {
      const r = runCli(['trace', path]);
      assert.equal(r.status, 1, `${path}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr.trim(), message);
    }
  });

  it('a usage error for a bad --skb or --max-gap', () => {
    const r = runCli(['trace', fixture('pwru-old-egress.txt'), '--max-gap', '0']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--max-gap needs a positive whole number/);
    const s = runCli(['trace', fixture('pwru-old-egress.txt'), '--skb', "x'; rm"]);
    assert.equal(s.status, 2);
  });

  it('--skb keeps one packet; an skb of no event says so', () => {
    const g = trace([
      fixture('pwru-old-egress.txt'),
      fixture('pwru-old-backlog-receive.txt'),
      '--skb',
      '0xffff90f72f43fae8',
    ]);
    assert.deepEqual(
      g.trace?.packets.map((p) => p.id),
      ['0xffff90f72f43fae8'],
    );
    const r = runCli(['trace', fixture('pwru-old-egress.txt'), '--skb', '0xdead']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^netpaths: no event of skb 0xdead in the trace \(7 events of other packets\)$/m,
    );
  });

  it('mixed and truncated traces: a partial result that says what it skipped', () => {
    const mixed = write(
      'mixed.txt',
      `${readFileSync(fixture('pwru-old-egress.txt'), 'utf8')}[1.0] [ip_rcv              ] ICMP: 1.1.1.1 -> 2.2.2.2\n0xffff97bfe0bb42e8      0           [curl] dev_hard_st`,
    );
    const r = runCli(['trace', mixed]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(
      r.stdout,
      /Skipped: 1 line of no trace format \(first: .*mixed\.txt:8: \[1\.0\] \[ip_rcv/,
    );
    assert.match(
      r.stdout,
      /Note: the last line of .*mixed\.txt has no line end: the trace may be cut short\./,
    );
    assert.match(r.stdout, /dev_hard_st +— not matched: not defined in the indexed tree/);
  });

  it('names with markup and quotes stay text in every format', () => {
    const hostile = write(
      'hostile.txt',
      [
        '0xffff888012345600 0 [x] ip_rcv',
        '0xffff888012345600 0 [x] </script><img_src=x>',
        '0xffff888012345600 0 [x] ip_rcv_core',
      ].join('\n'),
    );
    for (const format of ['mermaid', 'dot']) {
      const r = runCli(['trace', hostile, '--format', format]);
      assert.equal(r.status, 0, r.stderr);
      assert.doesNotMatch(r.stdout, /<\/script>|<img/, format);
    }
    // JSON is data: the line skipped is a string in it, as read.
    const g = trace([hostile]);
    assert.match(g.trace?.skipped.first ?? '', /<\/script><img_src=x>$/);
  });

  it('a 1 GB file is streamed, never held whole: the trace, then a gigabyte without a line end, read within 256 MB of heap', () => {
    const path = join(dir, 'huge.txt');
    const fd = openSync(path, 'w');
    // The trace ten times (more than the 8 KiB looked at for binary data), then a sparse
    // gigabyte of NUL bytes: no disk space, and one endless line to the reader.
    const text = readFileSync(fixture('pwru-tcp-receive-filtered.txt'), 'utf8');
    for (let i = 0; i < 10; i++) writeSync(fd, text);
    writeSync(fd, Buffer.from([0x41]), 0, 1, 1024 * 1024 * 1024);
    closeSync(fd);
    const r = spawnSync(
      process.execPath,
      [
        '--max-old-space-size=256',
        cli,
        'trace',
        path,
        '--format',
        'json',
        '--kernel',
        kernelRoot(),
        '--cache-dir',
        testCacheDir,
        ...testScope.flatMap((g) => ['--scope', g]),
        '--quiet',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    assert.equal(r.status, 0, r.stderr);
    const g = JSON.parse(r.stdout) as GraphJson;
    assert.equal(g.trace?.events, 150);
    assert.match(g.trace?.notes.join('\n') ?? '', /1 line was longer than 65536 bytes and cut/);
    assert.equal(g.trace?.skipped.lines, 1, 'the line of NUL bytes');
  });
});
