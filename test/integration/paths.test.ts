// `path` on the real 6.12 tree goes where a kernel developer means: from a driver's
// interrupt through the poll that driver registered, from a socket's send through the data
// path, on receive through the data path rather than connection set-up or error handling.
// Every hop of every path checked here is checked against the source by simple rules of
// its own (`assertHopInSource`): the caller's text holds the call, the binding's line in
// the tree holds the function. The polls come from the driver's own `netif_napi_add`
// calls, read from its files with a regex.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { queryJson, runCli } from '../helpers/kernel';
import { treeLines } from '../helpers/source';

type Edge = GraphJson['edges'][number];
type Node = GraphJson['nodes'][number];

const lines = treeLines;

/**
 * The text of the definition at `file:line` (1-based): a function to the first `}` in
 * column 0 after its name, a macro to its last continued line.
 */
function definitionText(file: string, line: number): { text: string; last: number } {
  const all = lines(file);
  let end = line - 1;
  if (/^\s*#\s*define\b/.test(all[end] ?? '')) {
    while ((all[end] ?? '').trimEnd().endsWith('\\')) end++;
  } else {
    while (end < all.length && !/^}/.test(all[end] ?? '')) end++;
  }
  return { text: all.slice(line - 1, end + 1).join('\n'), last: end + 1 };
}

const word = (name: string): RegExp => new RegExp(`\\b${name}\\b`);

/**
 * Asserts that the source holds the hop `edge` names: for a call, the caller's text calls
 * the callee, on a line inside the caller; through a binding, the binding's line names
 * the function and the caller's text reads the field; a named candidate or an okfn is
 * named in the caller's text; a deferral's registration line names the function and the
 * caller's text names what it raises or arms.
 */
function assertHopInSource(g: GraphJson, edge: Edge): void {
  const node = (id: string): Node => {
    const n = g.nodes.find((x) => x.id === id);
    assert.ok(n, `no node ${id}`);
    return n;
  };
  const caller = node(edge.from);
  const callee = node(edge.to);
  const { text, last } = definitionText(caller.file, caller.line);
  const what = `${caller.name} -> ${callee.name} (${edge.kind}${edge.via ? `: ${edge.via}` : ''})`;
  assert.ok(edge.line >= caller.line && edge.line <= last, `${what}: call line ${edge.line}`);
  if (edge.kind === 'direct') {
    assert.match(text, new RegExp(`\\b${callee.name}\\s*\\(`), what);
    return;
  }
  const binding = /(\w+)\.(\w+) = (\w+) at ([^\s:]+):(\d+)/.exec(edge.via ?? '');
  if (edge.kind === 'indirect' && binding) {
    const [, , field = '', fn = '', file = '', line = ''] = binding;
    assert.equal(fn, callee.name, what);
    assert.match(lines(file)[Number(line) - 1] ?? '', word(fn), what);
    assert.match(text, word(field), what);
    return;
  }
  if (edge.kind === 'indirect') {
    // NF_HOOK(okfn = X), INDIRECT_CALL_2 candidate X: the caller names X.
    assert.match(text, word(callee.name), what);
    return;
  }
  // async: `softirq NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at F:L`.
  const deferral = /^\w+ ([\w.]+): .* at ([^\s:]+):(\d+)/.exec(edge.via ?? '');
  assert.ok(deferral, what);
  const [, key = '', file = '', line = ''] = deferral ?? [];
  assert.match(lines(file)[Number(line) - 1] ?? '', word(callee.name), what);
  assert.match(text, word(key.split('.').pop() ?? key), what);
}

/** The functions a driver's files register as RX NAPI polls, read from their source. */
function registeredPolls(driverFiles: string[]): Set<string> {
  const polls = new Set<string>();
  for (const file of driverFiles) {
    const text = lines(file).join('\n');
    // netif_napi_add(dev, napi, poll) and netif_napi_add_weight(dev, napi, poll, weight);
    // the _tx variants register a transmit completion.
    for (const m of text.matchAll(/\bnetif_napi_add(?:_weight)?\s*\(([^;]*)\)\s*;/g)) {
      const poll = (m[1] ?? '').split(',')[2]?.trim();
      if (poll && /^\w+$/.test(poll)) polls.add(poll);
    }
  }
  return polls;
}

interface Found {
  g: GraphJson;
  /** Each path as names. */
  paths: string[][];
  /** Each path's edges, in order. */
  edges: Edge[][];
}

/** Runs `path` and returns each path with the edges it took, every hop checked against the source. */
function paths(args: string[]): Found {
  const g = queryJson<GraphJson>(['path', ...args]);
  const ids = g.paths ?? [];
  assert.ok(ids.length > 0, `no path: ${args.join(' ')}`);
  const name = (id: string): string => g.nodes.find((n) => n.id === id)?.name ?? id;
  const edges = ids.map((p) =>
    p.slice(1).map((to, i) => {
      const e = g.edges.find((x) => x.from === p[i] && x.to === to);
      assert.ok(e, `no edge ${p[i]} -> ${to}`);
      assertHopInSource(g, e);
      return e;
    }),
  );
  return { g, paths: ids.map((p) => p.map(name)), edges };
}

/** Asserts `hops` visits `expected` in this order (other hops may lie between). */
function assertThrough(hops: string[], expected: string[]): void {
  let at = 0;
  for (const name of expected) {
    const i = hops.indexOf(name, at);
    assert.ok(i >= 0, `${name} missing after ${hops[at - 1] ?? 'start'} in ${hops.join(' -> ')}`);
    at = i + 1;
  }
}

/**
 * Asserts the path enters exactly one NAPI poll, from __napi_poll, and that it is one the
 * driver's files register (through the binding of that registration).
 */
function assertDriverPoll(found: Found, index: number, driverFiles: string[]): string {
  const polls = registeredPolls(driverFiles);
  assert.ok(polls.size > 0, `no netif_napi_add in ${driverFiles.join(', ')}`);
  const entered = (found.edges[index] ?? []).filter(
    (e) => e.from === 'net/core/dev.c:__napi_poll' && e.kind === 'indirect',
  );
  const hops = (found.paths[index] ?? []).join(' -> ');
  assert.equal(entered.length, 1, `one poll on ${hops}`);
  const poll = (found.paths[index] ?? [])[(found.paths[index] ?? []).indexOf('__napi_poll') + 1];
  assert.ok(poll && polls.has(poll), `${poll} is not one of ${[...polls].join(', ')}: ${hops}`);
  assert.match(
    entered[0]?.via ?? '',
    new RegExp(`^napi_struct\\.poll = ${poll} at .* \\(netif_napi_add`),
  );
  return poll;
}

const E1000E = 'drivers/net/ethernet/intel/e1000e/netdev.c';

describe('paths a kernel developer means, on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  it("from e1000e's interrupt to tcp_v4_rcv through the poll e1000e registers, then IPv4", () => {
    const found = paths([
      '--from',
      `${E1000E}:e1000_intr_msi`,
      '--to',
      'tcp_v4_rcv',
      '--paths',
      '3',
    ]);
    for (let i = 0; i < found.paths.length; i++) {
      assert.equal(assertDriverPoll(found, i, [E1000E]), 'e1000e_poll');
      assertThrough(found.paths[i] ?? [], [
        'e1000_intr_msi',
        'net_rx_action',
        'e1000e_poll',
        'napi_gro_receive',
        'ip_rcv',
        'ip_local_deliver',
        'tcp_v4_rcv',
      ]);
    }
  });

  it('from tcp_sendmsg to dev_hard_start_xmit through tcp_write_xmit, not Fast Open', () => {
    const found = paths(['--from', 'tcp_sendmsg', '--to', 'dev_hard_start_xmit', '--paths', '3']);
    assert.equal(found.paths.length, 3);
    for (const hops of found.paths) {
      assertThrough(hops, [
        'tcp_sendmsg_locked',
        'tcp_write_xmit',
        '__tcp_transmit_skb',
        'ip_queue_xmit',
      ]);
      assert.ok(
        !hops.includes('tcp_sendmsg_fastopen') && !hops.includes('tcp_connect'),
        hops.join(' -> '),
      );
    }
  });

  it("from ixgbe's MSI-X handler to ip_rcv through the poll ixgbe registers", () => {
    const found = paths(['--from', 'ixgbe_msix_clean_rings', '--to', 'ip_rcv']);
    const dir = 'drivers/net/ethernet/intel/ixgbe';
    assert.equal(
      assertDriverPoll(found, 0, [`${dir}/ixgbe_lib.c`, `${dir}/ixgbe_main.c`]),
      'ixgbe_poll',
    );
    assertThrough(found.paths[0] ?? [], [
      'ixgbe_poll',
      'ixgbe_clean_rx_irq',
      'napi_gro_receive',
      'ip_rcv',
    ]);
  });

  it("from r8169's interrupt to ip_rcv through r8169's poll, not 8139too's in the same folder", () => {
    const dir = 'drivers/net/ethernet/realtek';
    const found = paths(['--from', `${dir}/r8169_main.c:rtl8169_interrupt`, '--to', 'ip_rcv']);
    assert.equal(assertDriverPoll(found, 0, [`${dir}/r8169_main.c`]), 'rtl8169_poll');
    // The folder's other drivers register polls too: the path takes none of them.
    const others = registeredPolls([`${dir}/8139too.c`, `${dir}/8139cp.c`]);
    assert.ok(others.size >= 2, [...others].join(', '));
    for (const other of others)
      assert.ok(!found.paths[0]?.includes(other), found.paths[0]?.join(' -> '));
  });

  it("from virtio_net's receive callback to ip_rcv through its RX poll and receive routine, not the TX poll's completion", () => {
    const file = 'drivers/net/virtio_net.c';
    const found = paths(['--from', `${file}:skb_recv_done`, '--to', 'ip_rcv']);
    assert.equal(assertDriverPoll(found, 0, [file]), 'virtnet_poll');
    assertThrough(found.paths[0] ?? [], [
      'virtnet_poll',
      'virtnet_receive',
      'receive_buf',
      'napi_gro_receive',
      'ip_rcv',
    ]);
    assert.ok(!found.paths[0]?.includes('napi_complete_done'), found.paths[0]?.join(' -> '));
  });

  it("from udp_sendmsg to bnxt's xmit through the IP output path and ndo_start_xmit", () => {
    const found = paths(['--from', 'udp_sendmsg', '--to', 'bnxt_start_xmit']);
    assertThrough(found.paths[0] ?? [], [
      'udp_sendmsg',
      'ip_output',
      'ip_finish_output2',
      '__dev_queue_xmit',
      'dev_hard_start_xmit',
      'bnxt_start_xmit',
    ]);
    const last = found.edges[0]?.at(-1);
    assert.match(
      last?.via ?? '',
      /^net_device_ops\.ndo_start_xmit = bnxt_start_xmit at drivers\/net\/ethernet\/broadcom\/bnxt\//,
    );
  });

  it('from ipv6_rcv to tcp_v6_rcv through IPv6 input and its protocol handler', () => {
    const found = paths(['--from', 'ipv6_rcv', '--to', 'tcp_v6_rcv']);
    assertThrough(found.paths[0] ?? [], [
      'ipv6_rcv',
      'ip6_rcv_finish',
      'ip6_input',
      'ip6_protocol_deliver_rcu',
      'tcp_v6_rcv',
    ]);
  });

  it('from tcp_v4_rcv to ip_local_out through the ACK of an established socket, not a reset', () => {
    const found = paths(['--from', 'tcp_v4_rcv', '--to', 'ip_local_out']);
    assertThrough(found.paths[0] ?? [], [
      'tcp_v4_do_rcv',
      'tcp_rcv_established',
      'tcp_send_ack',
      '__tcp_transmit_skb',
      'ip_queue_xmit',
    ]);
    assert.ok(!found.paths[0]?.includes('tcp_v4_send_reset'), found.paths[0]?.join(' -> '));
  });

  it("from tcp_v4_rcv and tcp_v6_rcv to the reader's wake-up through tcp_rcv_established, not a listener's child socket", () => {
    for (const rcv of ['tcp_v4_rcv', 'tcp_v6_rcv']) {
      const found = paths(['--from', rcv, '--to', 'sock_def_readable']);
      assertThrough(found.paths[0] ?? [], [
        rcv,
        'tcp_rcv_established',
        'tcp_data_ready',
        'sock_def_readable',
      ]);
      assert.ok(!found.paths[0]?.includes('tcp_child_process'), found.paths[0]?.join(' -> '));
    }
  });

  it("from __sys_recvfrom to skb_copy_datagram_iter through the address family and protocol the wrappers name, not another family's shorter recvmsg", () => {
    // The candidates each INDIRECT_CALL_* wrapper names, read from the caller's source.
    const candidates = (file: string, fn: string, field: string): string[] => {
      const at = lines(file).findIndex((l) => new RegExp(`^\\S.*\\b${fn}\\(`).test(l));
      assert.ok(at >= 0, `${fn} in ${file}`);
      const { text } = definitionText(file, at + 1);
      const m = new RegExp(`INDIRECT_CALL_\\w+\\([^,]*->${field},\\s*(\\w+),\\s*(\\w+)`).exec(text);
      assert.ok(m, `no INDIRECT_CALL_* on ->${field} in ${fn}`);
      return [m[1] as string, m[2] as string];
    };
    const families = candidates('net/socket.c', 'sock_recvmsg_nosec', 'recvmsg');
    const protocols = candidates('net/ipv4/af_inet.c', 'inet_recvmsg', 'recvmsg');
    assert.ok(families.includes('inet_recvmsg'), families.join(', '));
    const found = paths(['--from', '__sys_recvfrom', '--to', 'skb_copy_datagram_iter']);
    const hops = found.paths[0] ?? [];
    assertThrough(hops, ['__sys_recvfrom', 'sock_recvmsg', 'inet_recvmsg']);
    const protocol = hops[hops.indexOf('inet_recvmsg') + 1] ?? '';
    assert.ok(protocols.includes(protocol), `${protocol} after inet_recvmsg: ${hops.join(' -> ')}`);
    assert.equal(hops[hops.length - 1], 'skb_copy_datagram_iter');
    // Each hop into a family or a protocol cites the binding of its ops field.
    const into = (name: string): Edge | undefined =>
      (found.edges[0] ?? []).find((e) => e.to.endsWith(`:${name}`));
    assert.match(
      into('inet_recvmsg')?.via ?? '',
      /^INDIRECT_CALL_INET: proto_ops\.recvmsg = inet_recvmsg at /,
    );
    assert.match(
      into(protocol)?.via ?? '',
      new RegExp(`^INDIRECT_CALL_2: proto\\.recvmsg = ${protocol} at `),
    );
  });

  it('through --via: from __sys_recvfrom to skb_copy_datagram_iter through inet_recvmsg and udp_recvmsg', () => {
    // Without vias the socket layer's recvmsg reaches every protocol's, all bound far away.
    const found = paths([
      '--from',
      '__sys_recvfrom',
      '--via',
      'inet_recvmsg',
      '--via',
      'udp_recvmsg',
      '--to',
      'skb_copy_datagram_iter',
    ]);
    assertThrough(found.paths[0] ?? [], [
      '__sys_recvfrom',
      'sock_recvmsg',
      'inet_recvmsg',
      'udp_recvmsg',
      'skb_copy_datagram_iter',
    ]);
    // In the other order there is none, and the error says through what.
    const r = runCli([
      'path',
      '--from',
      '__sys_recvfrom',
      '--via',
      'udp_recvmsg',
      '--via',
      'inet_recvmsg',
      '--to',
      'skb_copy_datagram_iter',
    ]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^netpaths: no path from __sys_recvfrom to skb_copy_datagram_iter through udp_recvmsg, inet_recvmsg within \d+ calls\n$/,
    );
  });
});
