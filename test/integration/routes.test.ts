// The routes of the presets on the real Linux 6.12 tree: TCP and UDP over IPv6 through
// ipv6_rcv and the route's input, IPv4 forwarding from one driver's receive to a driver's
// transmit, how many drivers draw each route, and the errors of a route that cannot be
// drawn. Every binding and line is checked against the tree's own text.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { GraphJson, GraphNode } from '../../src/analysis/graph-json';
import type { DriverSummary } from '../../src/analysis/presets';
import { spawnSync } from 'node:child_process';
import {
  type CliResult,
  cli,
  kernelRoot,
  queryJson,
  runCli,
  testCacheDir,
  testScope,
} from '../helpers/kernel';
import { sourceLine, treeLines, viaProblem } from '../helpers/source';

function node(g: GraphJson, name: string): GraphNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(
    n,
    `${name} is not in ${g.title ?? 'the graph'}: ${g.nodes.map((x) => x.name).join(', ')}`,
  );
  return n;
}

function edge(g: GraphJson, from: string, to: string): GraphJson['edges'][number] {
  const e = g.edges.find((x) => x.from === node(g, from).id && x.to === node(g, to).id);
  assert.ok(e, `no edge ${from} -> ${to} in ${g.title ?? 'the graph'}`);
  return e;
}

/** runCli without --quiet: the remarks on stderr (a partial path) are what is looked at. */
function runLoud(args: string[]): CliResult {
  const r = spawnSync(
    process.execPath,
    [
      cli,
      ...args,
      '--kernel',
      kernelRoot(),
      '--cache-dir',
      testCacheDir,
      ...testScope.flatMap((g) => ['--scope', g]),
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The body of the function defined at `line` of `file`: up to the first `}` in column 0. */
function body(file: string, line: number): string {
  const lines = treeLines(file);
  const end = lines.findIndex((t, i) => i >= line - 1 && t.startsWith('}'));
  return lines.slice(line - 1, end + 1).join('\n');
}

/** Asserts the nodes come in this order in the graph (its packet order), others between. */
function assertInOrder(g: GraphJson, names: readonly string[]): void {
  const at = names.map((n) => g.nodes.indexOf(node(g, n)));
  assert.deepEqual(
    at,
    [...at].sort((a, b) => a - b),
    `${names.join(' -> ')} out of packet order`,
  );
}

/** Every pointer or deferred call names its callee, and the binding it cites hands it over. */
function assertBindings(g: GraphJson): void {
  const wrong = g.edges
    .filter((e) => e.kind !== 'direct')
    .flatMap((e) => {
      const problem = viaProblem(e.via, e.to.slice(e.to.lastIndexOf(':') + 1));
      return problem ? [`${e.from} -> ${e.to}: ${problem}`] : [];
    });
  assert.deepEqual(wrong, []);
}

/** The continuation an NF_HOOK call in `caller`'s body hands over, read from the tree. */
function assertOkfn(g: GraphJson, caller: string, okfn: string, hook: string): void {
  const e = edge(g, caller, okfn);
  assert.equal(e.kind, 'indirect');
  assert.match(e.via ?? '', new RegExp(`^NF_HOOK(?:_COND)?\\(okfn = ${okfn}\\)$`));
  const n = node(g, caller);
  assert.match(
    body(n.file, n.line),
    new RegExp(`NF_HOOK(?:_COND)?\\([^;]*${hook}[^;]*\\b${okfn}\\)`),
    `${caller} runs ${hook} with ${okfn}`,
  );
  assert.ok(
    (g.markers ?? []).some((m) => m.node === n.id && m.label === hook),
    `${hook} marked on ${caller}`,
  );
}

/** The edge through `slot` (`dst_entry.input`), its binding a line of the tree that hands `to` over. */
function assertThroughSlot(g: GraphJson, from: string, to: string, slot: string): void {
  const e = edge(g, from, to);
  assert.equal(e.kind, 'indirect');
  assert.match(e.via ?? '', new RegExp(`\\b${slot.replace('.', '\\.')} = ${to} at \\S+:\\d+`));
  assert.equal(viaProblem(e.via, to), undefined);
  // The call site itself reads the slot: dst_input calls skb_dst(skb)->input.
  const field = slot.slice(slot.indexOf('.') + 1);
  assert.match(sourceLine(e.file, e.line), new RegExp(`->${field}\\b|\\b${field}\\)`));
}

describe('routes of the presets on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  describe('ingress --driver e1000e --route tcp6', () => {
    let g: GraphJson;
    before(() => {
      g = queryJson<GraphJson>(['ingress', '--driver', 'e1000e', '--route', 'tcp6']);
    });

    it("reaches tcp_v6_rcv through ipv6_rcv, NF_HOOK's okfn ip6_rcv_finish and ip6_input through dst_entry.input", () => {
      assert.equal(g.title, 'e1000e ingress tcp6');
      assertInOrder(g, [
        'e1000e_poll',
        'ipv6_rcv',
        'ip6_rcv_finish',
        'dst_input',
        'ip6_input',
        'ip6_protocol_deliver_rcu',
        'tcp_v6_rcv',
        'sock_def_readable',
      ]);
      assertOkfn(g, 'ipv6_rcv', 'ip6_rcv_finish', 'NF_INET_PRE_ROUTING');
      assertThroughSlot(g, 'dst_input', 'ip6_input', 'dst_entry.input');
      assertOkfn(g, 'ip6_input', 'ip6_input_finish', 'NF_INET_LOCAL_IN');
      assert.match(edge(g, 'ip6_protocol_deliver_rcu', 'tcp_v6_rcv').via ?? '', /tcp_v6_rcv/);
      for (const name of ['ipv6_rcv', 'ip6_rcv_finish', 'ip6_input'])
        assert.deepEqual([node(g, name).stage, node(g, name).context], ['ipv6', 'softirq'], name);
      assert.ok(!g.nodes.some((n) => n.name === 'tcp_v4_rcv' || n.name === 'udp_rcv'));
      assertBindings(g);
    });

    it("puts the IPv6 header's check and pull on the skb timeline, with their lines", () => {
      const skb = g.skb ?? [];
      const check = skb.find((s) => s.node.endsWith(':ip6_rcv_core') && s.op === 'pskb_may_pull');
      assert.ok(check, `no header check in ip6_rcv_core: ${skb.map((s) => s.op).join(', ')}`);
      assert.match(sourceLine(check.file, check.line), /pskb_may_pull\(skb, sizeof\(\*hdr\)\)/);
      const pull = skb.find(
        (s) => s.node.endsWith(':ip6_protocol_deliver_rcu') && s.op === 'pskb_pull',
      );
      assert.ok(pull, 'no IPv6 header pull in ip6_protocol_deliver_rcu');
      assert.match(
        sourceLine(pull.file, pull.line),
        /pskb_pull\(skb, skb_transport_offset\(skb\)\)/,
      );
      const tcp = skb.find((s) => s.node.endsWith(':tcp_v6_rcv') && s.op === 'pskb_may_pull');
      assert.ok(tcp, 'no TCP header check in tcp_v6_rcv');
      assert.ok(skb.indexOf(check) < skb.indexOf(pull) && skb.indexOf(pull) < skb.indexOf(tcp));
    });

    it('reads through inet6_recvmsg to tcp_recvmsg', () => {
      assertInOrder(g, ['__sys_recvfrom', 'inet6_recvmsg', 'tcp_recvmsg']);
      assert.equal(node(g, 'inet6_recvmsg').stage, 'reader');
    });
  });

  describe('ingress --driver e1000e --route udp6', () => {
    it('reaches udpv6_rcv, and the reader reaches udpv6_recvmsg', () => {
      const g = queryJson<GraphJson>(['ingress', '--driver', 'e1000e', '--route', 'udp6']);
      assertInOrder(g, ['ipv6_rcv', 'ip6_input', 'udpv6_rcv', '__udp_enqueue_schedule_skb']);
      assertInOrder(g, ['__sys_recvfrom', 'inet6_recvmsg', 'udpv6_recvmsg']);
      const recv = edge(g, 'inet6_recvmsg', 'udpv6_recvmsg');
      assert.equal(recv.kind, 'indirect');
      assert.match(sourceLine(recv.file, recv.line), /udpv6_recvmsg/);
      assert.equal(node(g, 'udpv6_rcv').stage, 'udp');
      assert.equal(node(g, 'udpv6_recvmsg').stage, 'reader');
      assertBindings(g);
    });
  });

  describe('ingress --driver ixgbe --route forward4', () => {
    let g: GraphJson;
    before(() => {
      g = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe', '--route', 'forward4']);
    });

    it("goes from the driver through ip_rcv, ip_forward and ip_output to a driver's transmit", () => {
      assert.equal(g.title, 'ixgbe ingress forward4');
      assertInOrder(g, [
        'ixgbe_poll',
        'ip_rcv',
        'ip_rcv_finish',
        'dst_input',
        'ip_forward',
        'ip_forward_finish',
        'dst_output',
        'ip_output',
        'ip_finish_output2',
        'neigh_output',
        '__dev_queue_xmit',
        'dev_hard_start_xmit',
        'ixgbe_xmit_frame',
      ]);
      assertOkfn(g, 'ip_rcv', 'ip_rcv_finish', 'NF_INET_PRE_ROUTING');
      assertThroughSlot(g, 'dst_input', 'ip_forward', 'dst_entry.input');
      assertOkfn(g, 'ip_forward', 'ip_forward_finish', 'NF_INET_FORWARD');
      assertThroughSlot(g, 'dst_output', 'ip_output', 'dst_entry.output');
      assertThroughSlot(
        g,
        '__netdev_start_xmit',
        'ixgbe_xmit_frame',
        'net_device_ops.ndo_start_xmit',
      );
      assert.deepEqual(
        [node(g, 'ip_forward').stage, node(g, 'ip_forward').context],
        ['forward', 'softirq'],
      );
      assert.equal(node(g, 'ip_forward_finish').stage, 'forward');
      assert.equal(node(g, 'ixgbe_xmit_frame').stage, 'driver-tx');
      // Nothing of local delivery: the packet is routed on.
      assert.ok(!g.nodes.some((n) => n.name === 'ip_local_deliver' || n.name === 'tcp_v4_rcv'));
      assertBindings(g);
    });

    it('egress --route forward4 draws the way out, from ip_forward to the transmit and its completion', () => {
      const out = queryJson<GraphJson>(['egress', '--driver', 'ixgbe', '--route', 'forward4']);
      assert.equal(out.nodes[0]?.name, 'ip_forward');
      assert.equal(out.nodes[0]?.context, 'softirq');
      assertInOrder(out, ['ip_forward', 'ip_forward_finish', 'ip_output', 'ixgbe_xmit_frame']);
      node(out, 'ixgbe_clean_tx_irq');
      assert.ok(!out.nodes.some((n) => n.name === 'ip_rcv' || n.name === '__sys_sendto'));
    });
  });

  describe('netpaths drivers and the routes', () => {
    let list: DriverSummary[];
    before(() => {
      list = queryJson<DriverSummary[]>(['drivers']);
    });

    it('has at least 150 drivers that draw complete tcp6 and forward4 routes', () => {
      const both = list.filter((d) => d.routes.includes('tcp6') && d.routes.includes('forward4'));
      assert.ok(both.length >= 150, `${both.length} drivers draw tcp6 and forward4`);
      assert.ok(list.find((d) => d.name === 'e1000e')?.routes.includes('tcp6'));
      assert.ok(list.find((d) => d.name === 'ixgbe')?.routes.includes('forward4'));
    });

    it('lists a route for a driver exactly when both its paths draw with nothing missing', () => {
      // ixgbe draws tcp6 and forward4: neither path says it is partial.
      const ixgbe = list.find((d) => d.name === 'ixgbe');
      assert.ok(ixgbe);
      for (const route of ['tcp6', 'forward4']) {
        assert.ok(ixgbe.routes.includes(route), route);
        for (const direction of ['ingress', 'egress']) {
          const r = runLoud([direction, '--driver', 'ixgbe', '--route', route, '--format', 'json']);
          assert.equal(r.status, 0, r.stderr);
          assert.doesNotMatch(r.stderr, /is partial/, `${direction} ${route}`);
        }
      }
      // A driver with no IRQ handler of its own (tun) draws no route, and says why.
      const partial = list.find((d) => d.name === 'tun');
      assert.ok(partial);
      assert.deepEqual(partial.routes, []);
      const r = runLoud(['ingress', '--driver', 'tun', '--route', 'tcp6', '--format', 'json']);
      assert.equal(r.status, 0, r.stderr);
      assert.match(
        r.stderr,
        /the ingress path of tun on route tcp6 is partial: no IRQ handler registered/,
      );
    });
  });

  describe('errors', () => {
    it('an unknown route is one line naming the routes and those the driver draws', () => {
      const r = runCli(['ingress', '--driver', 'e1000e', '--route', 'tcp7']);
      assert.equal(r.status, 1);
      const drawn = queryJson<DriverSummary[]>(['drivers']).find((d) => d.name === 'e1000e');
      assert.equal(
        r.stderr,
        `netpaths: unknown route 'tcp7' (routes: tcp4, udp4, tcp6, udp6, forward4, forward6, xdp, bridge, tc, tunnel, packet); e1000e draws ${drawn?.routes.join(', ') ?? '?'} completely\n`,
      );
    });

    it('a route the driver cannot draw is one line saying what is missing', () => {
      const list = queryJson<DriverSummary[]>(['drivers']);
      const receiver = list.find((d) => d.xmit.length === 0 && d.poll.length > 0);
      assert.ok(receiver, 'a driver that receives and registers no ndo_start_xmit');
      const r = runCli(['ingress', '--driver', receiver.name, '--route', 'forward4']);
      assert.equal(r.status, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^netpaths: ${receiver.name} registers no ndo_start_xmit: no ingress path to draw on route forward4; ${receiver.name} draws no route completely\\n$`,
        ),
      );
    });
  });
});
