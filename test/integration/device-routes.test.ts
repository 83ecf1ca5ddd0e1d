// The routes that turn off the IP path at the device layer, on the real Linux 6.12 tree:
// ixgbe's XDP run with its XDP_TX and XDP_REDIRECT ways, a bridge port's receive on e1000e
// through net_device.rx_handler to both the forward and the local delivery, and the one
// line a driver without XDP gets. Every call site is read back from the tree.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { GraphEdge, GraphJson, GraphNode } from '../../src/analysis/graph-json';
import { queryJson, runCli } from '../helpers/kernel';
import { sourceLine, treeLines } from '../helpers/source';

/** The node named `name` of a graph, failing with the names drawn. */
function node(g: GraphJson, name: string): GraphNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(n, `${name} is not drawn: ${g.nodes.map((x) => x.name).join(', ')}`);
  return n;
}

/** The drawn call from `from` to `to`. */
function edge(g: GraphJson, from: string, to: string): GraphEdge {
  const a = node(g, from).id;
  const b = node(g, to).id;
  const e = g.edges.find((x) => x.from === a && x.to === b);
  assert.ok(e, `no drawn call ${from} -> ${to}`);
  return e;
}

/** The `case` label nearest above `line` in `file`, read by a rule of the test's own. */
function caseAbove(file: string, line: number): string | undefined {
  const lines = treeLines(file);
  for (let i = line - 1; i >= 0 && i > line - 40; i--) {
    const m = /^\s*case\s+(\w+)\s*:/.exec(lines[i] ?? '');
    if (m) return m[1];
  }
  return undefined;
}

describe('the xdp, bridge routes on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  describe('ingress --driver ixgbe --route xdp', () => {
    let g: GraphJson;
    before(() => {
      g = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe', '--route', 'xdp']);
    });

    it("runs ixgbe's XDP program from its poll, in the xdp lane", () => {
      const run = edge(g, 'ixgbe_run_xdp', 'bpf_prog_run_xdp');
      assert.match(sourceLine(run.file, run.line), /\bbpf_prog_run_xdp\s*\(/);
      edge(g, 'ixgbe_clean_rx_irq', 'ixgbe_run_xdp');
      assert.equal(node(g, 'ixgbe_run_xdp').stage, 'xdp');
      assert.equal(node(g, 'bpf_prog_run_xdp').stage, 'xdp');
    });

    it("takes XDP_TX to the driver's own XDP ring transmit, labelled with its case", () => {
      const tx = edge(g, 'ixgbe_run_xdp', 'ixgbe_xmit_xdp_ring');
      assert.equal(tx.file, node(g, 'ixgbe_run_xdp').file);
      assert.match(sourceLine(tx.file, tx.line), /\bixgbe_xmit_xdp_ring\s*\(/);
      assert.equal(caseAbove(tx.file, tx.line), 'XDP_TX');
      assert.equal(tx.verdict, 'XDP_TX');
    });

    it("takes XDP_REDIRECT to xdp_do_redirect and on to a device's ndo_xdp_xmit", () => {
      const redirect = edge(g, 'ixgbe_run_xdp', 'xdp_do_redirect');
      assert.match(sourceLine(redirect.file, redirect.line), /\bxdp_do_redirect\s*\(/);
      assert.equal(caseAbove(redirect.file, redirect.line), 'XDP_REDIRECT');
      assert.equal(redirect.verdict, 'XDP_REDIRECT');
      edge(g, 'xdp_do_redirect', '__xdp_do_redirect_frame');
      // The batch the poll's flush hands to the device, through net_device_ops.ndo_xdp_xmit.
      edge(g, 'xdp_do_flush', '__dev_flush');
      const xmit = edge(g, 'bq_xmit_all', 'ixgbe_xdp_xmit');
      assert.equal(xmit.kind, 'indirect');
      assert.match(xmit.via ?? '', /^net_device_ops\.ndo_xdp_xmit = ixgbe_xdp_xmit at /);
      assert.match(sourceLine(xmit.file, xmit.line), /ndo_xdp_xmit\s*\(/);
      const at = /at (\S+):(\d+)/.exec(xmit.via ?? '');
      assert.ok(at);
      assert.match(
        sourceLine(at[1] as string, Number(at[2])),
        /\.ndo_xdp_xmit\s*=\s*ixgbe_xdp_xmit/,
      );
    });
  });

  describe('ingress --driver e1000e --route bridge', () => {
    let g: GraphJson;
    before(() => {
      g = queryJson<GraphJson>(['ingress', '--driver', 'e1000e', '--route', 'bridge']);
    });

    it('reaches br_handle_frame through net_device.rx_handler', () => {
      const rx = edge(g, '__netif_receive_skb_core', 'br_handle_frame');
      assert.equal(rx.kind, 'indirect');
      assert.match(rx.via ?? '', /^net_device\.rx_handler = br_handle_frame at /);
      assert.match(sourceLine(rx.file, rx.line), /\brx_handler\s*\(/);
      // The binding's site registers the handler a helper of the bridge returns.
      const at = /at (\S+):(\d+)/.exec(rx.via ?? '');
      assert.ok(at);
      const site = sourceLine(at[1] as string, Number(at[2]));
      const helper = /netdev_rx_handler_register\(\s*\w+\s*,\s*(\w+)\(/.exec(site)?.[1];
      assert.ok(helper, site);
      const lines = treeLines('net/bridge/br_input.c');
      const head = lines.findIndex(
        (t) => new RegExp(`\\b${helper}\\(`).test(t) && !t.endsWith(';'),
      );
      assert.ok(head >= 0, `${helper} is not defined in net/bridge/br_input.c`);
      const body = lines.slice(head, lines.indexOf('}', head) + 1).join('\n');
      assert.match(body, /return br_handle_frame;/);
      assert.equal(node(g, 'br_handle_frame').stage, 'bridge');
    });

    it('forwards to another port through br_forward, to a driver transmit', () => {
      const fwd = edge(g, 'br_handle_frame_finish', 'br_forward');
      assert.match(sourceLine(fwd.file, fwd.line), /\bbr_forward\s*\(/);
      edge(g, '__br_forward', 'br_forward_finish');
      const push = edge(g, 'br_forward_finish', 'br_dev_queue_push_xmit');
      assert.match(push.via ?? '', /okfn = br_dev_queue_push_xmit/);
      edge(g, 'br_dev_queue_push_xmit', 'dev_queue_xmit');
      node(g, 'e1000_xmit_frame');
      const labels = (g.markers ?? []).map((m) => `${m.node.split(':')[1]} ${m.label}`);
      assert.ok(labels.includes('br_forward_finish NF_BR_POST_ROUTING'), labels.join(', '));
    });

    it('delivers locally through br_pass_frame_up and the LOCAL_IN hook', () => {
      const up = edge(g, 'br_handle_frame_finish', 'br_pass_frame_up');
      assert.match(sourceLine(up.file, up.line), /\bbr_pass_frame_up\s*\(/);
      const rcv = edge(g, 'br_pass_frame_up', 'br_netif_receive_skb');
      assert.match(rcv.via ?? '', /okfn = br_netif_receive_skb/);
      edge(g, 'br_netif_receive_skb', 'netif_receive_skb');
      const labels = (g.markers ?? []).map((m) => `${m.node.split(':')[1]} ${m.label}`);
      assert.ok(labels.includes('br_pass_frame_up NF_BR_LOCAL_IN'), labels.join(', '));
    });
  });

  it('--route xdp on e1000e is one line naming what is missing and the routes it draws', () => {
    const r = runCli(['ingress', '--driver', 'e1000e', '--route', 'xdp']);
    assert.notEqual(r.status, 0);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0] as string, /e1000e: no XDP support/);
    assert.match(lines[0] as string, /bpf_prog_run_xdp/);
    assert.match(lines[0] as string, /e1000e draws [a-z0-9, ]*\btcp4\b[a-z0-9, ]*\bbridge\b/);
    assert.doesNotMatch(lines[0] as string, /draws [a-z0-9, ]*\bxdp\b/);
  });
});
