// Drop points on the real Linux 6.12 tree: `netpaths drops --driver e1000e` lists where the
// ingress path can drop a packet (tcp_v4_rcv without a socket, ip_rcv_core's header
// checks, a netfilter hook's NF_DROP), each with its reason and line; every line is read
// back from the tree and must hold the jump or the call the point names.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import type { DropList, ListedDrop } from '../../src/analysis/presets';
import { kernelRoot, queryJson, runCli } from '../helpers/kernel';

function sourceLine(file: string, line: number): string {
  return readFileSync(join(kernelRoot(), file), 'utf8').split('\n')[line - 1] ?? '';
}

/** The first line of a reason's kernel-doc in the tree's dropreason-core.h. */
function meaningOf(reason: string): string {
  const header = readFileSync(join(kernelRoot(), 'include/net/dropreason-core.h'), 'utf8');
  const m = new RegExp(`@SKB_DROP_REASON_${reason}:\\s*([^\\n]*)`).exec(header);
  return (m?.[1] ?? '')
    .replace(/\*\/.*$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('drops --driver e1000e on the real 6.12 tree', () => {
  let list: DropList;
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
    list = queryJson<DropList>(['drops', '--driver', 'e1000e']);
  });

  const pointsOf = (fn: string, reason?: string): ListedDrop[] => {
    const found = list.drops.filter(
      (d) => d.function === fn && d.direction === 'ingress' && (!reason || d.reason === reason),
    );
    assert.ok(
      found.length > 0,
      `no ${reason ?? ''} drop in ${fn}: ${list.drops.map((d) => `${d.function} ${d.reason}`).join(', ')}`,
    );
    return found;
  };

  it("includes tcp_v4_rcv's drop of a packet no socket wants, at its goto no_tcp_socket", () => {
    const [p] = pointsOf('tcp_v4_rcv', 'NO_SOCKET');
    assert.ok(p);
    assert.equal(p.file, 'net/ipv4/tcp_ipv4.c');
    assert.match(sourceLine(p.file, p.line), /\bgoto\s+no_tcp_socket\s*;/);
    assert.match(p.how, /^goto no_tcp_socket: sk_skb_reason_drop at line \d+$/);
    const call = Number(/line (\d+)$/.exec(p.how)?.[1]);
    assert.match(
      sourceLine(p.file, call),
      /\bsk_skb_reason_drop\s*\(\s*sk\s*,\s*skb\s*,\s*drop_reason\s*\)/,
    );
    assert.ok(meaningOf('NO_SOCKET').length > 0);
    assert.ok(p.note.startsWith(meaningOf('NO_SOCKET')), p.note);
  });

  it("includes ip_rcv_core's header checks, each jump with the reason it drops with", () => {
    const checks = pointsOf('ip_rcv_core');
    const reasons = new Set(checks.map((p) => p.reason));
    for (const r of ['OTHERHOST', 'IP_INHDR', 'IP_CSUM', 'PKT_TOO_SMALL'])
      assert.ok(reasons.has(r), `ip_rcv_core lacks ${r}: ${[...reasons].join(', ')}`);
    const label: Record<string, RegExp> = {
      IP_INHDR: /\bgoto\s+inhdr_error\s*;/,
      IP_CSUM: /\bgoto\s+csum_error\s*;/,
      PKT_TOO_SMALL: /\bgoto\s+drop\s*;/,
      OTHERHOST: /\bgoto\s+drop\s*;/,
    };
    for (const p of checks) {
      assert.equal(p.file, 'net/ipv4/ip_input.c');
      assert.match(sourceLine(p.file, p.line), label[p.reason] ?? /\bgoto\s+\w+\s*;/, `${p.line}`);
      assert.ok(meaningOf(p.reason).length > 0 && p.note.startsWith(meaningOf(p.reason)), p.reason);
    }
    // The checksum check itself: the jump follows the ip_fast_csum() test.
    const csum = checks.find((p) => p.reason === 'IP_CSUM');
    assert.ok(csum);
    assert.match(sourceLine(csum.file, csum.line - 1), /ip_fast_csum/);
  });

  it('includes the netfilter drop at the hook calls of the path', () => {
    const hooks = list.drops.filter(
      (d) => d.direction === 'ingress' && d.reason === 'NETFILTER_DROP',
    );
    assert.ok(hooks.length > 0, 'no NETFILTER_DROP on the ingress path');
    for (const p of hooks) {
      assert.match(
        sourceLine(p.file, p.line),
        /\b(NF_HOOK\w*|nf_hook\w*)\s*\(/,
        `${p.file}:${p.line}`,
      );
      const inside = /in nf_hook_slow, kfree_skb_reason at line (\d+) of (\S+)$/.exec(p.how);
      assert.ok(inside, p.how);
      assert.match(
        sourceLine(inside[2] as string, Number(inside[1])),
        /kfree_skb_reason\s*\(\s*skb\s*,\s*$|SKB_DROP_REASON_NETFILTER_DROP/,
      );
    }
    assert.ok(hooks.some((p) => p.function === 'ip_local_deliver'));
  });

  it('lists the ingress path before the egress path, each in the order of its nodes', () => {
    const ingress = queryJson<GraphJson>(['ingress', '--driver', 'e1000e']);
    const order = new Map(ingress.nodes.map((n, i) => [n.id, i]));
    const seen = list.drops.filter((d) => d.direction === 'ingress').map((d) => order.get(d.node));
    assert.ok(seen.every((i) => i !== undefined));
    assert.deepEqual(
      seen,
      [...seen].sort((a, b) => a - b),
    );
    const firstEgress = list.drops.findIndex((d) => d.direction === 'egress');
    assert.ok(firstEgress > 0, 'no egress drop point');
    assert.ok(list.drops.slice(firstEgress).every((d) => d.direction === 'egress'));
    // The preset's nodes carry the same points.
    const tcp = ingress.nodes.find((n) => n.name === 'tcp_v4_rcv');
    assert.deepEqual(
      tcp?.drops?.map((d) => `${d.line} ${d.reason}`),
      list.drops
        .filter((d) => d.function === 'tcp_v4_rcv' && d.direction === 'ingress')
        .map((d) => `${d.line} ${d.reason}`),
    );
  });

  it('says what the source does not tell instead of guessing a reason', () => {
    const unknown = list.drops.filter((d) => !d.known);
    assert.ok(unknown.length > 0);
    for (const d of unknown) {
      assert.equal(d.reason, '?');
      assert.match(d.note, /^The source does not tell the reason here: /);
    }
  });

  it('writes the list as text, with the reasons under their functions', () => {
    const r = runCli(['drops', '--driver', 'e1000e']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^== e1000e ingress: \d+ drop points ==\n/);
    assert.match(
      r.stdout,
      /\n {2}tcp_v4_rcv\n(?: {4}.*\n| {6}.*\n)* {4}NO_SOCKET +net\/ipv4\/tcp_ipv4\.c:\d+/,
    );
  });
});
