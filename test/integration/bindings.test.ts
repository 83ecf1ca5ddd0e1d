// Bindings on the real 6.12 tree, each checked against the line of the source that makes
// it, found by a simple rule of its own (a regular expression over the file), never read
// back from the index.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { kernelRoot, queryJson, runCli } from '../helpers/kernel';

/** The 1-based line of the one line of `file` that `pattern` matches; fails unless exactly one does. */
function onlyLine(file: string, pattern: RegExp): number {
  const lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
  const found = lines.flatMap((text, i) => (pattern.test(text) ? [i + 1] : []));
  assert.equal(found.length, 1, `${file}: lines matching ${String(pattern)}: ${found.join(', ')}`);
  return found[0] as number;
}

/** The edges of a callees query from the function named `from` to the one named `to`. */
function edgesTo(g: GraphJson, from: string, to: string): GraphJson['edges'] {
  const name = (id: string): string | undefined => g.nodes.find((n) => n.id === id)?.name;
  return g.edges.filter((e) => name(e.from) === from && name(e.to) === to);
}

describe('bindings on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  it("tcp_v4_rcv and udp_rcv are ip_protocol_deliver_rcu's callees by af_inet.c's compound literals, not by INDIRECT_CALL_2's names", () => {
    // net/ipv4/af_inet.c, inet_init: net_hotdata.tcp_protocol = (struct net_protocol) {
    // .handler = tcp_v4_rcv, ... }; the call is INDIRECT_CALL_2(ipprot->handler, tcp_v4_rcv,
    // udp_rcv, skb) in net/ipv4/ip_input.c, which would give the edges without the binding.
    const callLine = onlyLine('net/ipv4/ip_input.c', /INDIRECT_CALL_2\(ipprot->handler,/);
    const g = queryJson<GraphJson>(['callees', 'net/ipv4/ip_input.c:ip_protocol_deliver_rcu']);
    for (const fn of ['tcp_v4_rcv', 'udp_rcv']) {
      const line = onlyLine('net/ipv4/af_inet.c', new RegExp(`^\\s*\\.handler\\s*=\\s*${fn},`));
      const edges = edgesTo(g, 'ip_protocol_deliver_rcu', fn);
      assert.equal(edges.length, 1, `${fn}: ${JSON.stringify(edges)}`);
      const [e] = edges as [GraphJson['edges'][number]];
      assert.equal(e.kind, 'indirect');
      assert.equal(`${e.file}:${e.line}`, `net/ipv4/ip_input.c:${callLine}`);
      assert.equal(
        e.via,
        `INDIRECT_CALL_2: net_protocol.handler = ${fn} at net/ipv4/af_inet.c:${line}`,
      );
    }
  });
});
