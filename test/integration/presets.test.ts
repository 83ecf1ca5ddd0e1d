// The annotated packet-path presets on the real Linux 6.12 tree: what issue #3 says they
// must show for e1000e and ixgbe, the driver figure the README quotes, and the skb
// timeline's alternatives (i40e builds its skb one way or the other), read from the source.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { GraphJson, GraphNode, SkbChoice, SkbOp } from '../../src/analysis/graph-json';
import type { DriverSummary } from '../../src/analysis/presets';
import { kernelRoot, queryJson, runCli } from '../helpers/kernel';
import { sourceLine, treeLines, viaProblem } from '../helpers/source';

/** The body of the function defined at `line` of `file`: up to the first `}` in column 0. */
function body(file: string, line: number): string {
  const lines = treeLines(file);
  const end = lines.findIndex((t, i) => i >= line - 1 && t.startsWith('}'));
  return lines.slice(line - 1, end + 1).join('\n');
}

function node(g: GraphJson, name: string): GraphNode {
  const n = g.nodes.find((x) => x.name === name);
  assert.ok(
    n,
    `${name} is not in ${g.title ?? 'the graph'}: ${g.nodes.map((x) => x.name).join(', ')}`,
  );
  return n;
}

/** Asserts a way visits `expected` in this order (other functions may lie between). */
function assertThroughWay(hops: string[] | undefined, expected: string[]): void {
  assert.ok(hops, `no way to ${expected[expected.length - 1] ?? ''}`);
  let at = 0;
  for (const name of expected) {
    const i = hops.indexOf(name, at);
    assert.ok(i >= 0, `${name} missing in ${hops.join(' -> ')}`);
    at = i + 1;
  }
}

const DRIVERS = {
  e1000e: {
    dir: 'drivers/net/ethernet/intel/e1000e/',
    poll: 'e1000e_poll',
    xmit: 'e1000_xmit_frame',
    refill: /^e1000_alloc(_jumbo)?_rx_buffers(_ps)?$/,
  },
  ixgbe: {
    dir: 'drivers/net/ethernet/intel/ixgbe/',
    poll: 'ixgbe_poll',
    xmit: 'ixgbe_xmit_frame',
    refill: /^ixgbe_alloc_rx_buffers$/,
  },
} as const;

describe('packet-path presets on the real 6.12 tree', () => {
  before(() => {
    const r = runCli(['index']);
    assert.equal(r.status, 0, r.stderr);
  });

  for (const [driver, want] of Object.entries(DRIVERS)) {
    describe(`ingress --driver ${driver}`, () => {
      let g: GraphJson;
      before(() => {
        g = queryJson<GraphJson>(['ingress', '--driver', driver]);
      });

      it('is a focused graph from the IRQ handler to TCP, UDP and the socket wake-up', () => {
        assert.equal(g.title, `${driver} ingress`);
        assert.ok(g.nodes.length >= 20 && g.nodes.length <= 100, `${g.nodes.length} nodes`);
        for (const name of [
          'net_rx_action',
          '__napi_poll',
          want.poll,
          'napi_gro_receive',
          'dst_input',
          'ip_local_deliver',
          'ip_protocol_deliver_rcu',
          'tcp_v4_rcv',
          'udp_rcv',
          'sock_def_readable',
        ])
          node(g, name);
        assert.ok(g.nodes.some((n) => n.name === 'ip_rcv' || n.name === 'ip_list_rcv'));
        assert.ok(
          g.nodes.some(
            (n) =>
              n.name === '__netif_receive_skb_core' || n.name === '__netif_receive_skb_list_core',
          ),
        );
      });

      it('has stages and contexts right: IRQ handler hardirq, poll softirq', () => {
        const irq = g.nodes[0];
        assert.ok(irq?.file.startsWith(want.dir), `starts at ${irq?.id}`);
        assert.deepEqual([irq?.stage, irq?.context], ['driver-irq', 'hardirq']);
        assert.match(
          sourceLine(irq?.file ?? '', irq?.line ?? 0),
          new RegExp(`\\b${irq?.name ?? ''}\\(`),
        );
        assert.deepEqual(
          [node(g, want.poll).stage, node(g, want.poll).context],
          ['driver-rx', 'softirq'],
        );
        assert.equal(node(g, 'net_rx_action').context, 'softirq');
        assert.equal(node(g, 'tcp_v4_rcv').stage, 'tcp');
        assert.equal(node(g, 'udp_rcv').stage, 'udp');
        assert.equal(node(g, 'sock_def_readable').stage, 'socket');
        for (const n of g.nodes)
          assert.ok(n.stage && n.context && n.note, `${n.id} lacks an annotation`);
      });

      it('shows the ring refill, and explains every indirect edge', () => {
        const refill = g.nodes.find((n) => want.refill.test(n.name));
        assert.ok(refill, `no refill in ${g.nodes.map((n) => n.name).join(', ')}`);
        assert.equal(refill.stage, 'driver-rx');
        // Each pointer or deferred call names its callee, and the binding it cites is a line
        // of the tree that hands that very function over.
        const pointers = g.edges.filter((e) => e.kind !== 'direct');
        assert.ok(pointers.length >= 8, `${pointers.length} indirect or async edges`);
        const wrong = pointers.flatMap((e) => {
          const problem = viaProblem(e.via, e.to.slice(e.to.lastIndexOf(':') + 1));
          return problem ? [`${e.from} -> ${e.to}: ${problem}`] : [];
        });
        assert.deepEqual(wrong, []);
        const poll = g.edges.find((e) => e.to === node(g, want.poll).id);
        assert.match(
          poll?.via ?? '',
          new RegExp(
            `^napi_struct\\.poll = ${want.poll} at ${want.dir}\\S+:\\d+ \\(netif_napi_add`,
          ),
        );
      });

      it('draws the skb timeline: the Ethernet and IP header pulls with their lines', () => {
        const skb = g.skb ?? [];
        const eth = skb.find((s) => s.op === 'eth_type_trans');
        assert.ok(eth, `no eth_type_trans in ${skb.map((s) => s.op).join(', ')}`);
        assert.equal(eth.len, 'ETH_HLEN');
        assert.match(sourceLine(eth.file, eth.line), /eth_type_trans\(/);
        assert.ok(eth.file.startsWith(want.dir));
        const ip = skb.find(
          (s) => s.node === 'net/ipv4/ip_input.c:ip_rcv_core' && s.len === 'iph->ihl*4',
        );
        assert.ok(ip, 'no IP header length check in ip_rcv_core');
        assert.match(sourceLine(ip.file, ip.line), /pskb_may_pull\(skb, iph->ihl\*4\)/);
        const pull = skb.find(
          (s) => s.node === 'net/ipv4/ip_input.c:ip_local_deliver_finish' && s.op === '__skb_pull',
        );
        assert.ok(pull, 'no IP header pull in ip_local_deliver_finish');
        assert.match(sourceLine(pull.file, pull.line), /__skb_pull\(/);
        assert.ok(
          skb.indexOf(eth) < skb.indexOf(ip) && skb.indexOf(ip) < skb.indexOf(pull),
          'in packet order',
        );
      });

      it('marks PRE_ROUTING and LOCAL_IN', () => {
        // Each on a function of the graph whose own body runs that hook, read from the source.
        for (const hook of ['NF_INET_PRE_ROUTING', 'NF_INET_LOCAL_IN']) {
          const on = (g.markers ?? []).filter((m) => m.label === hook);
          assert.ok(on.length > 0, `no ${hook} in ${JSON.stringify(g.markers)}`);
          for (const m of on) {
            const n = g.nodes.find((x) => x.id === m.node);
            assert.ok(n, `${hook} marks ${m.node}, which is not drawn`);
            assert.match(
              body(n.file, n.line),
              new RegExp(`\\bNF_HOOK(?:_LIST|_COND)?\\(\\s*NFPROTO_IPV4,\\s*${hook}\\b`),
              `${hook} on ${n.id}`,
            );
          }
        }
        assert.ok(
          (g.markers ?? []).some(
            (m) =>
              m.label === 'NF_INET_LOCAL_IN' && m.node === 'net/ipv4/ip_input.c:ip_local_deliver',
          ),
        );
      });
    });

    describe(`egress --driver ${driver}`, () => {
      let g: GraphJson;
      before(() => {
        g = queryJson<GraphJson>(['egress', '--driver', driver]);
      });

      it("reaches the driver's xmit through ndo_start_xmit, through the qdisc", () => {
        assert.ok(g.nodes.length >= 20 && g.nodes.length <= 100, `${g.nodes.length} nodes`);
        for (const name of [
          'ip_queue_xmit',
          'ip_output',
          'ip_finish_output2',
          'neigh_output',
          '__dev_queue_xmit',
          'dev_hard_start_xmit',
          'netdev_start_xmit',
        ])
          node(g, name);
        const xmit = g.nodes.find((n) => n.name === want.xmit && n.file.startsWith(want.dir));
        assert.ok(xmit);
        const last = g.edges.find((e) => e.to === xmit.id);
        assert.equal(last?.kind, 'indirect');
        assert.match(
          last?.via ?? '',
          new RegExp(`^net_device_ops\\.ndo_start_xmit = ${want.xmit} at ${want.dir}`),
        );
        assert.deepEqual([xmit.stage, xmit.context], ['driver-tx', 'bh-disabled']);
        assert.equal(node(g, '__dev_xmit_skb').stage, 'qdisc');
        assert.equal(node(g, 'sch_direct_xmit').stage, 'qdisc');
        assert.deepEqual(
          [node(g, 'tcp_sendmsg').stage, node(g, 'tcp_sendmsg').context],
          ['tcp', 'process'],
        );
        assert.equal(node(g, 'net_tx_action').context, 'softirq');
      });

      it('pushes the Ethernet header in neighbour output', () => {
        const push = (g.skb ?? []).find(
          (s) => s.node === 'include/net/neighbour.h:neigh_hh_output' && s.op === '__skb_push',
        );
        assert.ok(push, (g.skb ?? []).map((s) => `${s.node} ${s.op}`).join('\n'));
        assert.equal(push.len, 'hh_len');
        assert.match(sourceLine(push.file, push.line), /__skb_push\(skb, hh_len\)/);
        const labels = (g.markers ?? []).map((m) => m.label);
        assert.ok(
          labels.includes('NF_INET_LOCAL_OUT') && labels.includes('NF_INET_POST_ROUTING'),
          labels.join(', '),
        );
      });

      it('shows TX completion in the NAPI poll, in softirq', () => {
        const clean = g.nodes.find((n) => n.stage === 'driver-tx' && n.context === 'softirq');
        assert.ok(clean, 'no TX completion node');
        assert.ok(g.edges.some((e) => e.from === node(g, want.poll).id && e.to === clean.id));
      });
    });
  }

  describe('from the application to the wire and back', () => {
    const E1000E = DRIVERS.e1000e.dir;
    const IXGBE = DRIVERS.ixgbe.dir;
    let egress: GraphJson;
    let ingress: GraphJson;
    before(() => {
      egress = queryJson<GraphJson>(['egress', '--driver', 'e1000e']);
      ingress = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe']);
    });

    /** The names of the functions on a drawn way from `from` to `to`, or undefined. */
    const way = (g: GraphJson, from: string, to: string): string[] | undefined => {
      const start = node(g, from).id;
      const goal = node(g, to).id;
      const back = new Map<string, string>([[start, '']]);
      const queue = [start];
      while (queue.length > 0) {
        const at = queue.shift() as string;
        if (at === goal) {
          const out: string[] = [];
          for (let n = at; n !== ''; n = back.get(n) ?? '')
            out.unshift(n.slice(n.lastIndexOf(':') + 1));
          return out;
        }
        for (const e of g.edges)
          if (e.from === at && !back.has(e.to)) {
            back.set(e.to, at);
            queue.push(e.to);
          }
      }
      return undefined;
    };

    /** Asserts the edge into `to` goes through the binding of `slot` to it, as the tree's line says. */
    const assertBinding = (g: GraphJson, to: string, slot: string): void => {
      const e = g.edges.find((x) => x.to === node(g, to).id);
      const m = new RegExp(`${slot.replace('.', '\\.')} = ${to} at (\\S+):(\\d+)`).exec(
        e?.via ?? '',
      );
      assert.ok(m, `${to}: ${e?.via ?? 'no edge'}`);
      const field = slot.split('.')[1] ?? '';
      assert.match(
        sourceLine(m[1] as string, Number(m[2])),
        new RegExp(`\\.${field}\\s*=\\s*${to}\\b`),
      );
    };

    /** The timeline entries of one kind of the skb's life, each checked against its source line. */
    const life = (g: GraphJson, kind: NonNullable<SkbOp['life']>): SkbOp[] => {
      const found = (g.skb ?? []).filter((op) => op.life === kind);
      for (const op of found)
        assert.match(
          sourceLine(op.file, op.line),
          // A call, or a pointer call whose INDIRECT_CALL_* wrapper names the function.
          new RegExp(`\\b${op.op}\\s*\\(|\\bINDIRECT_CALL_\\d\\([^)]*\\b${op.op}\\b`),
          `${op.op} at ${op.file}:${op.line}`,
        );
      return found;
    };
    const fnOf = (op: SkbOp): string => op.node.slice(op.node.lastIndexOf(':') + 1);

    it('egress --driver e1000e starts at the send system calls, in process context, in the user-space lane', () => {
      for (const name of ['__sys_sendto', '__sys_sendmsg', 'ksys_write']) {
        const n = node(egress, name);
        assert.deepEqual([n.stage, n.context], ['syscall', 'process'], name);
        assert.match(sourceLine(n.file, n.line), new RegExp(`\\b${name}\\(`));
        assertThroughWay(way(egress, name, 'tcp_sendmsg'), [
          name,
          '__sock_sendmsg',
          'inet_sendmsg',
          'tcp_sendmsg',
        ]);
      }
      assertBinding(egress, 'inet_sendmsg', 'proto_ops.sendmsg');
      assertBinding(egress, 'tcp_sendmsg', 'proto.sendmsg');
      assertBinding(egress, 'udp_sendmsg', 'proto.sendmsg');
      assert.ok(way(egress, 'tcp_sendmsg', DRIVERS.e1000e.xmit), 'tcp_sendmsg reaches the xmit');
    });

    it("egress --driver e1000e: the skb is allocated, filled from user memory, cloned in __tcp_transmit_skb and freed in e1000e's TX completion", () => {
      const skb = egress.skb ?? [];
      const alloc = life(egress, 'alloc').find((op) => fnOf(op) === 'tcp_stream_alloc_skb');
      assert.ok(alloc, 'no allocation in tcp_stream_alloc_skb');
      const copy = life(egress, 'copy-in').find((op) => fnOf(op) === 'tcp_sendmsg_locked');
      assert.ok(copy, 'no copy of user data in tcp_sendmsg_locked');
      const clone = life(egress, 'clone').find((op) => fnOf(op) === '__tcp_transmit_skb');
      assert.equal(clone?.op, 'skb_clone');
      // The TX completion: the driver's function the NAPI poll runs in softirq.
      const clean = egress.nodes.find((n) => n.stage === 'driver-tx' && n.context === 'softirq');
      assert.ok(clean, 'no TX completion');
      const free = life(egress, 'free').find(
        (op) => op.file.startsWith(E1000E) && way(egress, clean.name, fnOf(op)) !== undefined,
      );
      assert.ok(free, `no free under ${clean.name}`);
      const at = (op: SkbOp | undefined): number => skb.indexOf(op as SkbOp);
      assert.ok(
        at(alloc) < at(copy) && at(copy) < at(clone) && at(clone) < at(free),
        'in packet order',
      );
    });

    it("egress --driver e1000e: UDP's skb is allocated in __ip_append_data under ip_make_skb and filled from user memory by ip_generic_getfrag", () => {
      const skb = egress.skb ?? [];
      assertThroughWay(way(egress, 'udp_sendmsg', '__ip_append_data'), [
        'udp_sendmsg',
        'ip_make_skb',
        '__ip_append_data',
      ]);
      const allocs = life(egress, 'alloc').filter((op) => fnOf(op) === '__ip_append_data');
      assert.deepEqual(
        allocs.map((op) => op.op),
        ['sock_alloc_send_skb', 'alloc_skb'],
      );
      // The getfrag callback is called through INDIRECT_CALL_1, which names it at the call.
      const copies = skb.filter((op) => op.life === 'copy-in' && fnOf(op) === '__ip_append_data');
      assert.ok(copies.length > 0, 'no copy of user data in __ip_append_data');
      for (const op of copies) {
        assert.equal(op.op, 'ip_generic_getfrag');
        assert.match(
          sourceLine(op.file, op.line),
          /INDIRECT_CALL_1\(getfrag, ip_generic_getfrag,/,
          `${op.file}:${op.line}`,
        );
      }
      const at = (op: SkbOp | undefined): number => skb.indexOf(op as SkbOp);
      assert.ok(at(allocs[0]) < at(copies[0]), 'allocated before the copy');
      // Where udp_sendmsg hands ip_generic_getfrag to ip_make_skb, nothing is copied yet.
      const make = egress.edges.find(
        (e) => e.from === node(egress, 'udp_sendmsg').id && e.to === node(egress, 'ip_make_skb').id,
      );
      assert.ok(make, 'udp_sendmsg calls ip_make_skb');
      assert.match(sourceLine(make.file ?? '', make.line ?? 0), /ip_make_skb\(sk, fl4, getfrag,/);
      assert.ok(
        !skb.some((op) => fnOf(op) === 'udp_sendmsg' && op.line === make.line),
        'no copy where the callback is handed over',
      );
      // The error report of a datagram too long is not the packet's allocation.
      assert.ok(!egress.nodes.some((n) => n.name === 'ip_local_error'), 'ip_local_error drawn');
    });

    it('ingress --driver ixgbe goes on from the wake-up to the wait queue, and the reader from __sys_recvfrom to tcp_recvmsg and udp_recvmsg', () => {
      const wake = way(ingress, 'sock_def_readable', '__wake_up_common');
      assert.ok(wake, 'no wait-queue wake-up');
      assert.equal(node(ingress, '__wake_up_common').context, 'softirq');
      const reader = node(ingress, '__sys_recvfrom');
      assert.deepEqual([reader.stage, reader.context], ['syscall', 'process']);
      assertThroughWay(way(ingress, '__sys_recvfrom', 'tcp_recvmsg'), [
        '__sys_recvfrom',
        'sock_recvmsg',
        'inet_recvmsg',
        'tcp_recvmsg',
      ]);
      assertThroughWay(way(ingress, '__sys_recvfrom', 'udp_recvmsg'), [
        '__sys_recvfrom',
        'inet_recvmsg',
        'udp_recvmsg',
      ]);
      assert.ok(
        way(ingress, 'tcp_recvmsg', 'skb_copy_datagram_iter'),
        'tcp_recvmsg copies to user memory',
      );
      assertBinding(ingress, 'inet_recvmsg', 'proto_ops.recvmsg');
      assertBinding(ingress, 'tcp_recvmsg', 'proto.recvmsg');
      assertBinding(ingress, 'udp_recvmsg', 'proto.recvmsg');
      assert.equal(node(ingress, 'tcp_recvmsg').context, 'process');
    });

    it('read() and write() enter at ksys_read and ksys_write, through the VFS to the socket file_operations', () => {
      for (const [g, name, fop, slot, to] of [
        [ingress, 'ksys_read', 'sock_read_iter', 'file_operations.read_iter', 'tcp_recvmsg'],
        [egress, 'ksys_write', 'sock_write_iter', 'file_operations.write_iter', 'tcp_sendmsg'],
      ] as const) {
        const n = node(g, name);
        assert.deepEqual([n.stage, n.context], ['syscall', 'process'], name);
        assert.equal(n.file, 'fs/read_write.c');
        assert.match(sourceLine(n.file, n.line), new RegExp(`\\b${name}\\(`));
        assertThroughWay(way(g, name, to), [name, name.replace('ksys_', 'vfs_'), fop, to]);
        assertBinding(g, fop, slot);
      }
    });

    it('ingress --driver ixgbe: the wait-queue wake-up has the epoll side branch, collapsed, bound by init_waitqueue_func_entry', () => {
      const ep = node(ingress, 'ep_poll_callback');
      assert.equal(ep.file, 'fs/eventpoll.c');
      assert.ok(ep.collapsed, 'the epoll branch is collapsed');
      const e = ingress.edges.find((x) => x.to === ep.id);
      assert.ok(e, 'an edge into ep_poll_callback');
      assert.equal(e.from, node(ingress, '__wake_up_common').id);
      assert.match(sourceLine(e.file, e.line), /->func\(/);
      const m =
        /^wait_queue_entry\.func = ep_poll_callback at (\S+):(\d+) \(init_waitqueue_func_entry\)$/.exec(
          e.via ?? '',
        );
      assert.ok(m, e.via);
      assert.match(
        sourceLine(m[1] as string, Number(m[2])),
        /init_waitqueue_func_entry\(&pwq->wait, ep_poll_callback\)/,
      );
    });

    it('ingress --driver ixgbe: the wake-up is drawn as a "wakes" edge to where the reader sleeps, after the IRQ path', () => {
      const wakes = ingress.edges.filter((e) => e.kind === 'wakes');
      assert.equal(wakes.length, 1, JSON.stringify(wakes));
      const [edge] = wakes;
      assert.ok(edge);
      assert.equal(edge.from, node(ingress, 'try_to_wake_up').id);
      const sleep = node(ingress, 'wait_woken');
      assert.equal(edge.to, sleep.id);
      assert.deepEqual([edge.file, edge.line], [sleep.file, sleep.line]);
      assert.match(sourceLine(edge.file, edge.line), /^long wait_woken\(/);
      // The reader reaches its sleep by calls of its own; the wake-up reaches it only by this edge.
      assert.ok(way(ingress, 'tcp_recvmsg', 'wait_woken'), 'tcp_recvmsg sleeps in wait_woken');
      const r = runCli(['ingress', '--driver', 'ixgbe', '--format', 'mermaid']);
      assert.equal(r.status, 0, r.stderr);
      const ids = new Map<string, string>();
      for (const m of r.stdout.matchAll(/^ {4}(n\d+)\["([^<"]+)<br\/>/gm))
        if (m[1] && m[2]) ids.set(m[2], m[1]);
      // The CLI writes the export text: links without ids, counted in order by linkStyle.
      const drawn = r.stdout.split('\n').filter((l) => /^ {2}n\d+ (?:-->|-\.->|==>)/.test(l));
      const index = drawn.indexOf(
        `  ${ids.get('try_to_wake_up') ?? '?'} -.->|"wakes"| ${ids.get('wait_woken') ?? '?'}`,
      );
      assert.ok(index >= 0, 'a dotted link labelled wakes');
      assert.match(
        r.stdout,
        new RegExp(`^ {2}linkStyle ${index} stroke:#6e7781,stroke-dasharray:2 4$`, 'm'),
      );
    });

    it("ingress --driver ixgbe: the skb is allocated in ixgbe's RX path, copied to user memory and freed after the copy", () => {
      const skb = ingress.skb ?? [];
      const alloc = life(ingress, 'alloc').filter((op) => op.file.startsWith(IXGBE));
      assert.ok(alloc.length > 0, 'no allocation in ixgbe');
      for (const [protocol, freeIn] of [
        ['tcp', 'tcp_eat_recv_skb'],
        ['udp', 'skb_consume_udp'],
      ] as const) {
        const copy = life(ingress, 'copy-out').find((op) =>
          way(ingress, `${protocol}_recvmsg`, fnOf(op)),
        );
        assert.ok(copy, `no copy to user memory under ${protocol}_recvmsg`);
        const free = life(ingress, 'free').find((op) => fnOf(op) === freeIn);
        assert.ok(free, `no free in ${freeIn}`);
        assert.ok(
          skb.indexOf(alloc[0] as SkbOp) < skb.indexOf(copy) &&
            skb.indexOf(copy) < skb.indexOf(free),
          protocol,
        );
      }
    });
  });

  describe('netpaths drivers', () => {
    let list: DriverSummary[];
    before(() => {
      list = queryJson<DriverSummary[]>(['drivers']);
    });

    it('lists every driver with its entry points', () => {
      const e1000e = list.find((d) => d.name === 'e1000e');
      assert.ok(e1000e);
      assert.equal(e1000e.dir, 'drivers/net/ethernet/intel/e1000e');
      assert.deepEqual([e1000e.ingress, e1000e.egress], ['complete', 'complete']);
      assert.ok(
        e1000e.refill.includes('drivers/net/ethernet/intel/e1000e/netdev.c:e1000_alloc_rx_buffers'),
      );
      for (const name of ['ixgbe', 'igb', 'i40e', 'ice', 'e1000', 'virtio_net', 'veth'])
        assert.ok(
          list.some((d) => d.name === name),
          `${name} missing`,
        );
      for (const d of list)
        assert.deepEqual(
          Object.keys(d).slice(0, 9),
          ['name', 'dir', 'irq', 'poll', 'xmit', 'refill', 'txClean', 'ingress', 'egress'].slice(
            0,
            9,
          ),
        );
      for (const d of list)
        if (d.ingress !== 'complete')
          assert.ok(d.why, `${d.name} says nothing about its ${d.ingress} ingress`);
    });

    it('draws a complete ingress for at least ten Ethernet drivers, and says how many', () => {
      const eth = list.filter(
        (d) => d.dir.startsWith('drivers/net/ethernet/') || d.dir === 'drivers/net/ethernet',
      );
      const complete = eth.filter((d) => d.ingress === 'complete');
      assert.ok(complete.length >= 10, `${complete.length} complete`);
      const text = runCli(['drivers']);
      assert.equal(text.status, 0, text.stderr);
      assert.match(
        text.stdout,
        new RegExp(
          `^${complete.length} of ${eth.length} Ethernet drivers \\(drivers/net/ethernet\\) have a complete ingress path`,
          'm',
        ),
      );
    });

    it('a driver without an IRQ handler of its own says why', () => {
      const veth = list.find((d) => d.name === 'veth');
      assert.equal(veth?.ingress, 'partial');
      assert.match(veth?.why ?? '', /no IRQ handler/);
    });

    it('finds the interrupt of a driver behind a bus: Hyper-V netvsc through vmbus', () => {
      const netvsc = list.find((d) => d.name === 'hv_netvsc');
      assert.equal(netvsc?.ingress, 'complete');
      assert.deepEqual(netvsc?.irq, ['drivers/hv/vmbus_drv.c:vmbus_percpu_isr']);
      assert.match(
        netvsc?.why ?? '',
        /the interrupt arrives through vmbus_percpu_isr \(drivers\/hv\/vmbus_drv\.c\)/,
      );
      // veth reaches NAPI through timers and callbacks of kernel/, never a bus.
      assert.deepEqual(list.find((d) => d.name === 'veth')?.irq, []);
    });

    it("finds virtio_net's interrupt: vring_interrupt calls the queue callback virtio-pci was handed", () => {
      const virtio = list.find((d) => d.name === 'virtio_net');
      assert.equal(virtio?.ingress, 'complete', virtio?.why);
      assert.deepEqual(virtio?.irq, ['drivers/virtio/virtio_ring.c:vring_interrupt']);
      const g = queryJson<GraphJson>(['ingress', '--driver', 'virtio_net']);
      const cb = g.edges.find(
        (e) =>
          e.from === 'drivers/virtio/virtio_ring.c:vring_interrupt' &&
          e.to === 'drivers/net/virtio_net.c:skb_recv_done',
      );
      // Bound by each transport that hands on virtqueue_info.callback (virtio-pci, virtio-mmio, ...).
      assert.match(
        cb?.via ?? '',
        /^virtqueue\.callback = skb_recv_done at drivers\/virtio\/virtio_\w+\.c:\d+ \(\w+ from virtqueue_info\.callback\)$/,
      );
    });

    it('finds TX completion in the poll of virtio_net, and in a TX NAPI poll of its own (atl1c)', () => {
      const virtio = list.find((d) => d.name === 'virtio_net');
      assert.equal(virtio?.egress, 'complete', virtio?.why);
      assert.ok(
        virtio?.txClean.includes('drivers/net/virtio_net.c:free_old_xmit'),
        virtio?.txClean.join(' '),
      );
      const atl1c = list.find((d) => d.name === 'atl1c');
      assert.equal(atl1c?.egress, 'complete', atl1c?.why);
      assert.deepEqual(atl1c?.txClean, [
        'drivers/net/ethernet/atheros/atl1c/atl1c_main.c:atl1c_clean_tx',
      ]);
    });

    it('takes first the TX completion that wakes the queue, not one named like it that masks an interrupt', () => {
      const octeon = list.find((d) => d.name === 'octeon_mgmt');
      assert.match(
        octeon?.txClean[0] ?? '',
        /:octeon_mgmt_clean_tx_(?:tasklet|buffers)$/,
        octeon?.txClean.join(' '),
      );
      assert.deepEqual(
        list.find((d) => d.name === 'ns83820')?.txClean[0],
        'drivers/net/ethernet/natsemi/ns83820.c:do_tx_done',
      );
    });

    it('with none named like one, finds the TX completion by what it does: enic, tulip', () => {
      const enic = list.find((d) => d.name === 'enic');
      assert.equal(enic?.egress, 'complete', enic?.why);
      assert.deepEqual(enic?.txClean, [
        'drivers/net/ethernet/cisco/enic/enic_main.c:enic_wq_service',
      ]);
      const tulip = list.find((d) => d.name === 'tulip');
      assert.equal(tulip?.egress, 'complete', tulip?.why);
      assert.deepEqual(tulip?.txClean, [
        'drivers/net/ethernet/dec/tulip/interrupt.c:tulip_interrupt',
      ]);
      const g = queryJson<GraphJson>(['egress', '--driver', 'tulip']);
      assert.equal(node(g, 'tulip_interrupt').context, 'hardirq');
      assert.ok(
        !g.nodes.some((n) => n.name === 'tulip_rx'),
        'its receive is not on the egress path',
      );
      // Waking the queue alone is no TX completion: a link change does it too.
      const adin = list.find((d) => d.name === 'adin1110');
      assert.ok(adin, 'adin1110 is listed');
      assert.ok(
        !adin.txClean.some((t) => t.endsWith(':adin1110_wake_queues')),
        adin.txClean.join(' '),
      );
    });

    it("finds 8139too's TX completion in its interrupt handler, and draws it in hard-IRQ context", () => {
      const rtl = list.find((d) => d.name === '8139too');
      assert.equal(rtl?.egress, 'complete', rtl?.why);
      assert.deepEqual(rtl?.txClean, [
        'drivers/net/ethernet/realtek/8139too.c:rtl8139_tx_interrupt',
      ]);
      const g = queryJson<GraphJson>(['egress', '--driver', '8139too']);
      assert.equal(node(g, 'rtl8139_interrupt').context, 'hardirq');
      assert.equal(node(g, 'rtl8139_tx_interrupt').context, 'hardirq');
      assert.ok(!g.nodes.some((n) => n.name === 'rtl8139_poll'), 'its NAPI poll only receives');
    });
  });

  describe('skb timeline alternatives', () => {
    const fnOf = (op: SkbOp): string => op.node.slice(op.node.lastIndexOf(':') + 1);

    /**
     * `if (...) X = A(...); else X = B(...);` by lines, the rule a reader applies: an `if`
     * line, an assignment of a call, an `else` line, an assignment of a call to the same
     * variable. Each as the two functions and the line of the `if`.
     */
    function ifElseCalls(file: string): { a: string; b: string; line: number }[] {
      const lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
      const call = /^\s*(\w+) = (\w+)\(/;
      const out: { a: string; b: string; line: number }[] = [];
      lines.forEach((text, i) => {
        if (!/^\s*(?:\} else )?if \(.*\)\s*\{?\s*$/.test(text)) return;
        const first = call.exec(lines[i + 1] ?? '');
        let j = i + 1;
        while (j < lines.length && !(lines[j] ?? '').trimEnd().endsWith(';')) j++;
        if (!first || !/^\s*(?:\} )?else(?: \{)?\s*$/.test(lines[j + 1] ?? '')) return;
        const second = call.exec(lines[j + 2] ?? '');
        if (second && second[1] === first[1])
          out.push({ a: first[2] as string, b: second[2] as string, line: i + 1 });
      });
      return out;
    }

    for (const [driver, file] of [
      ['i40e', 'drivers/net/ethernet/intel/i40e/i40e_txrx.c'],
      ['ixgbe', 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c'],
    ] as const) {
      it(`${driver}: the skb built one way or the other is one choice of two branches`, () => {
        const skb = queryJson<GraphJson>(['ingress', '--driver', driver]).skb ?? [];
        const pairs = ifElseCalls(file).filter(
          (p) => skb.some((op) => fnOf(op) === p.a) && skb.some((op) => fnOf(op) === p.b),
        );
        assert.equal(pairs.length, 1, JSON.stringify(ifElseCalls(file)));
        const { a, b, line } = pairs[0] as { a: string; b: string; line: number };
        assert.match(a, /_build_skb$/);
        assert.match(b, /_construct_skb$/);
        const choiceOf = (fn: string, branch: number): number[] => {
          const ops = skb.filter((op) => fnOf(op) === fn);
          assert.ok(ops.length > 0, `no skb operation of ${fn}`);
          return ops.map((op) => {
            const c = op.choices?.find((x) => x.kind === 'if-else' && x.line === line);
            assert.ok(c, `${fn} ${op.op} has no choice at line ${line}: ${JSON.stringify(op)}`);
            assert.equal(c.branch, branch, `${fn} ${op.op}`);
            assert.equal(c.label, fn);
            assert.equal(c.of, 2);
            assert.ok(c.node.startsWith(`${file}:`), c.node);
            return c.choice;
          });
        };
        const ids = new Set([...choiceOf(a, 0), ...choiceOf(b, 1)]);
        assert.equal(ids.size, 1, 'one choice');
        // What both ways go on to is on neither branch.
        const eth = skb.find((op) => op.op === 'eth_type_trans');
        assert.ok(eth);
        assert.ok(!(eth.choices ?? []).some((c) => ids.has(c.choice)), JSON.stringify(eth));
        assert.ok(skb.indexOf(eth) > skb.findIndex((op) => fnOf(op) === b));
      });
    }

    it('TCP or UDP: the two targets of the protocol handler call are two branches', () => {
      const skb = queryJson<GraphJson>(['ingress', '--driver', 'i40e']).skb ?? [];
      const file = 'net/ipv4/ip_input.c';
      const lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
      const at = lines.findIndex((l) => /INDIRECT_CALL_2\(ipprot->handler, \w+, \w+,/.test(l));
      const m = /INDIRECT_CALL_2\(ipprot->handler, (\w+), (\w+),/.exec(lines[at] ?? '');
      assert.ok(m, 'no INDIRECT_CALL_2 of ipprot->handler');
      const byLabel = (label: string): SkbChoice[] =>
        skb.flatMap((op) =>
          (op.choices ?? []).filter((c) => c.label === label && c.line === at + 1),
        );
      const tcp = byLabel(m[1] as string);
      const udp = byLabel(m[2] as string);
      assert.ok(tcp.length > 0 && udp.length > 0, `${m[1]}: ${tcp.length}, ${m[2]}: ${udp.length}`);
      for (const c of [...tcp, ...udp]) {
        assert.equal(c.kind, 'call-targets');
        assert.equal(c.node, `${file}:ip_protocol_deliver_rcu`);
      }
      assert.equal(new Set([...tcp, ...udp].map((c) => c.choice)).size, 1);
      // One branch each, whichever the graph lists first.
      const tcpBranches = [...new Set(tcp.map((c) => c.branch))];
      const udpBranches = [...new Set(udp.map((c) => c.branch))];
      assert.equal(tcpBranches.length, 1);
      assert.equal(udpBranches.length, 1);
      assert.deepEqual([...tcpBranches, ...udpBranches].sort(), [0, 1]);
    });

    it('egress: what the cached header and the resolving output both go on to is on neither branch', () => {
      const body = readFileSync(join(kernelRoot(), 'net/core/neighbour.c'), 'utf8');
      const resolve = body.slice(body.indexOf('int neigh_resolve_output('));
      assert.match(resolve.slice(0, resolve.indexOf('\n}')), /dev_queue_xmit\(/);
      const skb = queryJson<GraphJson>(['egress', '--driver', 'i40e']).skb ?? [];
      const hh = skb.findIndex((op) => fnOf(op) === 'neigh_hh_output');
      const res = skb.findIndex((op) => fnOf(op) === 'neigh_resolve_output');
      const mac = skb.findIndex((op) => fnOf(op) === '__dev_queue_xmit');
      assert.ok(hh >= 0 && res > hh && mac > res, `${hh} ${res} ${mac}`);
      const [a, b] = [skb[hh]?.choices ?? [], skb[res]?.choices ?? []];
      assert.equal(a[0]?.choice, b[0]?.choice);
      assert.deepEqual([a[0]?.branch, b[0]?.branch], [0, 1]);
      assert.equal(skb[mac]?.choices, undefined);
    });
  });

  describe('options and errors', () => {
    it('--expand opens a collapsed side branch', () => {
      const g = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe']);
      const collapsed = g.nodes.find((n) => n.collapsed && n.name === 'ixgbe_clean_tx_irq');
      assert.ok(collapsed, 'TX completion is collapsed');
      const open = queryJson<GraphJson>(['ingress', '--driver', 'ixgbe', '--expand', collapsed.id]);
      assert.equal(node(open, 'ixgbe_clean_tx_irq').collapsed, undefined);
      assert.ok(open.nodes.length > g.nodes.length);
    });

    it('mermaid output carries the annotations', () => {
      const r = runCli(['egress', '--driver', 'e1000e', '--format', 'mermaid']);
      assert.equal(r.status, 0, r.stderr);
      const text = r.stdout;
      assert.match(text, /^flowchart TD$/m);
      // The driver's xmit: its line in the source, inside the driver TX lane, with bottom
      // halves disabled (below __dev_queue_xmit's rcu_read_lock_bh).
      const xmit = /^\s*(n\d+)\["e1000_xmit_frame<br\/>…\/e1000e\/netdev\.c:(\d+)/m.exec(text);
      assert.ok(xmit, 'e1000_xmit_frame node with its line');
      const id = xmit[1] as string;
      assert.match(
        sourceLine('drivers/net/ethernet/intel/e1000e/netdev.c', Number(xmit[2])),
        /\be1000_xmit_frame\(/,
      );
      const lane = text.slice(0, xmit.index).lastIndexOf('subgraph ');
      assert.match(text.slice(lane, xmit.index), /^subgraph s\d+\["Driver · TX"\]/);
      const inClass = (cls: string, n: string): boolean =>
        new RegExp(`^\\s*class (?:n\\d+,)*${n}(?:,n\\d+)* ${cls}$`, 'm').test(text);
      assert.ok(inClass('bhdisabled', id), `${id} with bottom halves disabled`);
      // Its edge in: dashed, labelled with the slot it is bound to.
      assert.match(text, new RegExp(`^\\s*n\\d+ -\\.->\\|"ndo_start_xmit"\\| ${id}$`, 'm'));
      // The softirq hand-off: thick, and net_tx_action drawn in softirq context.
      const txAction = /^\s*(n\d+)\["net_tx_action<br\//m.exec(text)?.[1] ?? '';
      assert.match(text, new RegExp(`^\\s*n\\d+ ==>\\|"NET_TX softirq"\\| ${txAction}$`, 'm'));
      assert.ok(inClass('softirq', txAction), `${txAction} in softirq context`);
      // The netfilter hook at ip_output, on its node and as its class.
      const out = /^\s*(n\d+)\["ip_output<br\/>[^"]*◆ NF_INET_POST_ROUTING"\]/m.exec(text)?.[1];
      assert.ok(out, 'ip_output carries NF_INET_POST_ROUTING');
      assert.ok(inClass('nfhook', out));
    });

    it('an unknown driver is one line and exit code 1', () => {
      const r = runCli(['ingress', '--driver', 'no_such_nic']);
      assert.equal(r.status, 1);
      assert.equal(
        r.stderr,
        'netpaths: unknown driver no_such_nic (netpaths drivers lists them)\n',
      );
    });

    it('explain reads the tree’s own skbuff.h', () => {
      const r = runCli(['explain', 'skb->data']);
      assert.equal(r.status, 0, r.stderr);
      const m = /include\/linux\/skbuff\.h:(\d+)/.exec(r.stdout);
      assert.ok(m, r.stdout);
      // The line that declares the field, and struct sk_buff's own kernel-doc of @data.
      assert.match(
        sourceLine('include/linux/skbuff.h', Number(m[1])),
        /^\s*(?:unsigned char\s*)?\*data;/,
      );
      const lines = treeLines('include/linux/skbuff.h');
      const doc = lines.findIndex((t) => /^ \*\s+struct sk_buff - /.test(t));
      const at = lines.findIndex((t, i) => i > doc && /^ \*\s+@data:/.test(t));
      assert.ok(doc >= 0 && at > doc, 'struct sk_buff documents @data');
      const words = (lines[at] ?? '').replace(/^ \*\s+@data:\s*/, '').trim();
      assert.match(r.stdout, new RegExp(`^Kernel-doc: ${words}$`, 'm'));
      assert.match(runCli(['explain', 'napi']).stdout, /NAPI/);
    });
  });
});
