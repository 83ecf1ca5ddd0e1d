// The packet-path presets on test/fixtures/kernel-paths, a miniature stack written in the
// kernel's idioms: IRQ to socket, socket to the driver's ring, with drivers that each
// exercise one way of finding entry points (acme like e1000e, ringo keeping its IRQ handler
// in a field like ice, oldie without NAPI, quiet without an IRQ, blinky transmit-only, vnet
// one file in drivers/net, busnet behind a bus that owns the interrupt like hv_netvsc, twoq
// with a NAPI poll of its own for TX completion like atl1c, sunny reclaiming sent buffers in
// its interrupt handler like 8139too, vringnet on a transport like
// virtio-pci that hands the driver's queue callback on through an array and a pointer,
// forky building each skb one of two ways like i40e).

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson, GraphNode } from '../../src/analysis/graph-json';
import { buildIndex } from '../../src/analysis/index/indexer';
import {
  PresetContext,
  buildPreset,
  listDrivers,
  type DriverSummary,
} from '../../src/analysis/presets';
import { ROLE_NAMES } from '../../src/analysis/presets/rows';
import { QueryError } from '../../src/analysis/query/query';

const root = join(__dirname, '../fixtures/kernel-paths');
let cacheDir: string;
let ctx: PresetContext;

function readText(path: string): string | undefined {
  try {
    return readFileSync(join(root, path), 'utf8');
  } catch {
    return undefined;
  }
}

/** 1-based line of the first line of `file` containing `needle`. */
function lineOf(file: string, needle: string): number {
  const i = (readText(file) ?? '').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} not in ${file}`);
  return i + 1;
}

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
  assert.ok(e, `no edge ${from} -> ${to}`);
  return e;
}

describe('packet-path presets on kernel-paths', () => {
  before(async () => {
    cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-presets-'));
    ctx = new PresetContext((await buildIndex({ root, cacheDir, workers: 2 })).graph, readText);
  });
  after(() => rmSync(cacheDir, { recursive: true, force: true }));

  describe('netpaths drivers', () => {
    let list: DriverSummary[];
    const find = (name: string): DriverSummary => {
      const d = list.find((x) => x.name === name);
      assert.ok(d, `no driver ${name} in ${list.map((x) => x.name).join(', ')}`);
      return d;
    };
    before(() => {
      list = listDrivers(ctx);
    });

    it('finds every driver with an entry point, named as its Makefile builds it', () => {
      assert.deepEqual(list.map((d) => d.name).sort(), [
        'acme',
        'blinky',
        'busnet',
        'chippy',
        'forky',
        'oldie',
        'quietnet',
        'ringo',
        'servo',
        'sunny',
        'tully',
        'twoq',
        'vecto',
        'vnet',
        'vringnet',
        'worky',
      ]);
      assert.equal(find('quietnet').dir, 'drivers/net/ethernet/quiet');
      assert.deepEqual(find('quietnet').aliases, ['quiet']);
      assert.equal(find('vnet').dir, 'drivers/net');
    });

    it('lists the entry points found from the bindings, and the refill found from the poll', () => {
      const acme = find('acme');
      assert.deepEqual(acme.poll, ['drivers/net/ethernet/acme/acme_main.c:acme_poll']);
      assert.deepEqual(acme.xmit, ['drivers/net/ethernet/acme/acme_main.c:acme_xmit_frame']);
      assert.ok(acme.irq.includes('drivers/net/ethernet/acme/acme_main.c:acme_intr'));
      assert.deepEqual(
        acme.refill,
        ['drivers/net/ethernet/acme/acme_main.c:acme_alloc_rx_buffers'],
        'reached only through adapter->alloc_rx_buf',
      );
      assert.deepEqual(acme.txClean, ['drivers/net/ethernet/acme/acme_main.c:acme_clean_tx_irq']);
      assert.deepEqual(find('vnet').refill, ['drivers/net/vnet.c:vnet_refill']);
    });

    it('says how complete each path is, and why not', () => {
      const status = Object.fromEntries(list.map((d) => [d.name, `${d.ingress}/${d.egress}`]));
      assert.deepEqual(status, {
        acme: 'complete/complete',
        blinky: 'none/complete',
        busnet: 'complete/none',
        chippy: 'complete/partial',
        forky: 'complete/partial',
        oldie: 'complete/complete',
        quietnet: 'partial/none',
        ringo: 'complete/complete',
        servo: 'complete/complete',
        sunny: 'complete/complete',
        tully: 'complete/complete',
        twoq: 'complete/complete',
        vecto: 'complete/partial',
        vnet: 'complete/partial',
        vringnet: 'complete/none',
        worky: 'complete/partial',
      });
      assert.match(find('blinky').why, /ingress: no NAPI poll and no IRQ handler registered/);
      assert.match(find('quietnet').why, /ingress: no IRQ handler registered/);
      assert.match(find('quietnet').why, /egress: no ndo_start_xmit registered/);
      assert.match(
        find('vnet').why,
        /egress: no TX completion found within \d+ calls of vnet_poll/,
      );
      assert.match(
        find('oldie').why,
        /no NAPI poll: the IRQ handler queues packets to the per-CPU backlog/,
      );
      assert.equal(find('acme').why, '');
    });

    it('finds an IRQ handler the driver keeps in a field of its own', () => {
      assert.deepEqual(find('ringo').irq, [
        'drivers/net/ethernet/ringo/ringo.c:ringo_msix_clean_rings',
      ]);
    });

    it('finds an IRQ handler stored into a field by a setup function, from what is passed to request_irq', () => {
      const vecto = 'drivers/net/ethernet/vecto/vecto.c';
      const d = ctx.drivers().find((x) => x.name === 'vecto');
      assert.ok(d);
      assert.deepEqual(
        d.irq.map((r) => `${ctx.graph.name(r.node)} ${r.site}`),
        [
          `vecto_ring_service by request_irq from vecto_vsi.ring_handler at ${vecto}:${lineOf(vecto, 'request_irq(')}`,
        ],
      );
      // The timer callback named like an interrupt handler is never taken for one.
      assert.deepEqual(find('vecto').irq, [`${vecto}:vecto_ring_service`]);
    });

    it('finds the NAPI poll and the IRQ handler a condition chooses, the poll from an operations table', () => {
      const chippy = 'drivers/net/ethernet/chippy/chippy.c';
      const d = ctx.drivers().find((x) => x.name === 'chippy');
      assert.ok(d);
      const sites = (role: 'irq' | 'poll'): string[] =>
        d[role].map((r) => `${ctx.graph.name(r.node)} ${r.site}`).sort();
      const napiLine = lineOf(chippy, 'netif_napi_add(');
      assert.deepEqual(sites('poll'), [
        `chippy_gen1_poll by netif_napi_add from chippy_dp_ops.poll at ${chippy}:${napiLine}`,
        `chippy_gen2_poll by netif_napi_add from chippy_dp_ops.poll at ${chippy}:${napiLine}`,
        `chippy_xsk_poll by netif_napi_add from chippy_dp_ops.xsk_poll at ${chippy}:${napiLine}`,
      ]);
      const irqLine = lineOf(chippy, 'request_irq(');
      assert.deepEqual(sites('irq'), [
        `chippy_gen1_handler by request_irq at ${chippy}:${irqLine}`,
        `chippy_gen2_handler by request_irq at ${chippy}:${irqLine}`,
      ]);
      assert.equal(find('chippy').ingress, 'complete');
    });

    it("takes for the refill the poll's own, which a refill work item calls, before the work item", () => {
      assert.deepEqual(find('worky').refill, [
        'drivers/net/worky.c:worky_try_fill_recv',
        'drivers/net/worky.c:worky_refill_work',
      ]);
    });

    it('takes a NAPI poll of its own for the TX queue as the TX completion', () => {
      assert.deepEqual(find('twoq').txClean, ['drivers/net/ethernet/twoq/twoq.c:twoq_clean_tx']);
      assert.equal(find('twoq').why, '');
    });

    it('takes first the TX completion that tells the queue, however far', () => {
      // ringo_tx and ringo_enable_tx_irq are one call from the poll and named like one;
      // ringo_clean_tx_buffers, two calls away, is the one that wakes the queue.
      const ringo = 'drivers/net/ethernet/ringo/ringo.c';
      assert.deepEqual(find('ringo').txClean, [
        `${ringo}:ringo_clean_tx_buffers`,
        `${ringo}:ringo_tx`,
        `${ringo}:ringo_enable_tx_irq`,
      ]);
    });

    it('with none named like one, takes for the TX completion what wakes the queue and frees skbs', () => {
      // servo_wq_service is handed to servo_cq_service, which calls it: enic's enic_wq_service.
      // servo_link_up wakes the queue too, but frees no skb.
      assert.deepEqual(find('servo').txClean, [
        'drivers/net/ethernet/servo/servo.c:servo_wq_service',
      ]);
      assert.equal(find('servo').why, '');
    });

    it('finds the TX completion in the interrupt handler when the NAPI poll only receives', () => {
      assert.deepEqual(find('sunny').txClean, ['drivers/net/ethernet/sunny/sunny.c:sunny_tx_done']);
      assert.equal(find('sunny').why, '');
      // The poll's own comes first: acme's interrupt handler reclaims nothing, twoq's poll does.
      assert.deepEqual(find('twoq').txClean, ['drivers/net/ethernet/twoq/twoq.c:twoq_clean_tx']);
    });

    it('knows the TX completion names of the tree (ROLE_NAMES)', () => {
      // From drivers/net on 6.12: virtio_net, bgmac, mv643xx_eth, funeth, lan743x, ravb, hinic.
      for (const name of [
        'free_old_xmit',
        'virtnet_poll_cleantx',
        'bgmac_dma_tx_free',
        'txq_reclaim',
        'fun_txq_reclaim',
        'fun_txq_napi_poll',
        'lan743x_tx_napi_poll',
        'ravb_tx_free',
        'tx_free_skb',
        'e1000_clean_tx_irq',
      ]) {
        assert.match(name, ROLE_NAMES['tx-clean'], name);
      }
      for (const name of ['e1000_xmit_frame', 'virtnet_poll', 'txq_init', 'ixgbe_tx_ctxtdesc'])
        assert.doesNotMatch(name, ROLE_NAMES['tx-clean'], name);
    });

    it('follows a queue callback through an array of structs and a setup function reached by pointer', () => {
      assert.deepEqual(find('vringnet').irq, ['drivers/vring/vring_pci.c:vring_interrupt']);
      const g = buildPreset(ctx, 'vringnet', 'ingress');
      const cb = edge(g, 'vring_interrupt', 'skb_recv_done');
      const line = lineOf('drivers/vring/vring_pci.c', 'vqs[i] = vp_setup_vq(');
      assert.equal(
        cb.via,
        `virtqueue.callback = skb_recv_done at drivers/vring/vring_pci.c:${line} (vp_setup_vq from virtqueue_info.callback)`,
      );
      // vring_note keeps the same pointer in a field no call goes through: no binding.
      const d = ctx.graph.data;
      const slots = Array.from(d.bindSlot, (s) => ctx.graph.str(s));
      assert.ok(slots.includes('virtqueue.callback'));
      assert.ok(!slots.includes('vring_stats.last_callback'), slots.join(' '));
    });

    it('finds the interrupt of a driver behind a bus, never through a timer', () => {
      assert.deepEqual(find('busnet').irq, ['drivers/vbus/vbus.c:vbus_isr']);
      assert.match(
        find('busnet').why,
        /^ingress: no IRQ handler of its own: the interrupt arrives through vbus_isr \(drivers\/vbus\/vbus\.c\)/,
      );
      // arch/x86/kernel/tick.c's timer_interrupt reaches quiet_timer through kernel/time: not a bus.
      assert.deepEqual(find('quietnet').irq, []);
    });
  });

  describe('ingress --driver acme', () => {
    let g: GraphJson;
    before(() => {
      g = buildPreset(ctx, 'acme', 'ingress');
    });

    it('is titled and runs from the IRQ handler to both socket wake-ups', () => {
      assert.equal(g.title, 'acme ingress');
      for (const name of [
        'acme_intr',
        '__napi_schedule',
        'net_rx_action',
        '__napi_poll',
        'acme_poll',
        'acme_clean_rx_irq',
        'napi_gro_receive',
        '__netif_receive_skb_core',
        'ip_rcv',
        'ip_rcv_finish',
        'dst_input',
        'ip_local_deliver',
        'ip_protocol_deliver_rcu',
        'tcp_v4_rcv',
        'tcp_data_ready',
        'udp_rcv',
        '__udp_enqueue_schedule_skb',
        'sock_def_readable',
      ])
        node(g, name);
      assert.equal(edge(g, 'tcp_data_ready', 'sock_def_readable').kind, 'indirect');
      assert.equal(edge(g, '__udp_enqueue_schedule_skb', 'sock_def_readable').kind, 'indirect');
      assert.equal(g.nodes[0]?.name, 'acme_intr', 'nodes come in packet order');
    });

    it('picks the IRQ handler that schedules NAPI, not the other one', () => {
      assert.ok(!g.nodes.some((n) => n.name === 'acme_msix_other'));
    });

    it('annotates every node with a stage, a context and a note', () => {
      for (const n of g.nodes) {
        assert.ok(n.stage, `${n.name} has no stage`);
        assert.ok(n.context, `${n.name} has no context`);
        assert.ok(n.note && n.note.length > 10, `${n.name} has no note`);
      }
      const expect: Record<string, [string, string]> = {
        acme_intr: ['driver-irq', 'hardirq'],
        ____napi_schedule: ['napi-softirq', 'hardirq'],
        net_rx_action: ['napi-softirq', 'softirq'],
        acme_poll: ['driver-rx', 'softirq'],
        acme_clean_rx_irq: ['driver-rx', 'softirq'],
        acme_alloc_rx_buffers: ['driver-rx', 'softirq'],
        acme_clean_tx_irq: ['driver-tx', 'softirq'],
        eth_type_trans: ['link', 'softirq'],
        napi_gro_receive: ['gro', 'softirq'],
        ip_rcv: ['ipv4', 'softirq'],
        tcp_v4_rcv: ['tcp', 'softirq'],
        udp_rcv: ['udp', 'softirq'],
        sock_def_readable: ['socket', 'softirq'],
      };
      for (const [name, [stage, context]] of Object.entries(expect)) {
        const n = node(g, name);
        assert.deepEqual([n.stage, n.context], [stage, context], name);
      }
      assert.match(
        node(g, 'acme_intr').note ?? '',
        /registered by request_irq at drivers\/net\/ethernet\/acme\/acme_main\.c:\d+/,
      );
      assert.match(node(g, 'acme_alloc_rx_buffers').note ?? '', /refill/i);
    });

    it('keeps how every indirect edge was bound', () => {
      // Every pointer or deferred call names the function it binds, not just any text.
      const pointers = g.edges.filter((e) => e.kind !== 'direct');
      assert.ok(pointers.length >= 3, `${pointers.length} indirect or async edges`);
      for (const e of pointers) {
        const callee = e.to.slice(e.to.lastIndexOf(':') + 1);
        assert.match(e.via ?? '', new RegExp(`\\b${callee}\\b`), `${e.from} -> ${e.to}`);
      }
      assert.match(
        edge(g, '__napi_poll', 'acme_poll').via ?? '',
        /^napi_struct\.poll = acme_poll at drivers\/net\/ethernet\/acme\/acme_main\.c:\d+ \(netif_napi_add/,
      );
      assert.match(
        edge(g, 'acme_poll', 'acme_clean_rx_irq').via ?? '',
        /^acme_adapter\.clean_rx = acme_clean_rx_irq/,
      );
      assert.match(
        edge(g, 'acme_clean_rx_irq', 'acme_alloc_rx_buffers').via ?? '',
        /^acme_adapter\.alloc_rx_buf = acme_alloc_rx_buffers/,
      );
      assert.equal(edge(g, '____napi_schedule', 'net_rx_action').kind, 'async');
    });

    it('draws the skb timeline with lengths and lines from the source', () => {
      const ops = (g.skb ?? []).map(
        (s) => `${s.node.split(':').pop() ?? ''} ${s.op}(${s.len}) ${s.file}:${s.line}`,
      );
      const eth = `acme_receive_skb eth_type_trans(ETH_HLEN) drivers/net/ethernet/acme/acme_main.c:${lineOf('drivers/net/ethernet/acme/acme_main.c', 'eth_type_trans(')}`;
      const ip = `ip_rcv_core pskb_may_pull(iph->ihl*4) net/ipv4/ip_input.c:${lineOf('net/ipv4/ip_input.c', 'iph->ihl*4')}`;
      const ipPull = `ip_local_deliver_finish __skb_pull(skb_network_header_len(skb)) net/ipv4/ip_input.c:${lineOf('net/ipv4/ip_input.c', '__skb_pull(')}`;
      for (const want of [eth, ip, ipPull])
        assert.ok(ops.includes(want), `${want} not in\n${ops.join('\n')}`);
      assert.ok(
        ops.indexOf(eth) < ops.indexOf(ip) && ops.indexOf(ip) < ops.indexOf(ipPull),
        'in packet order',
      );
      const first = g.skb?.find((s) => s.op === 'eth_type_trans');
      assert.match(first?.effect ?? '', /data \+= ETH_HLEN, len -= ETH_HLEN/);
    });

    it('marks the netfilter hook points the path runs', () => {
      const marks = (g.markers ?? []).map((m) => `${m.node} ${m.label}`);
      assert.ok(marks.includes('net/ipv4/ip_input.c:ip_rcv NF_INET_PRE_ROUTING'), marks.join('; '));
      assert.ok(
        marks.includes('net/ipv4/ip_input.c:ip_local_deliver NF_INET_LOCAL_IN'),
        marks.join('; '),
      );
    });

    it('collapses side branches, and --expand opens one', () => {
      const tx = node(g, 'acme_clean_tx_irq');
      assert.deepEqual(tx.collapsed, { hidden: 1 });
      assert.ok(!g.nodes.some((n) => n.name === 'napi_consume_skb'));
      const open = buildPreset(ctx, 'acme', 'ingress', { expand: ['acme_clean_tx_irq'] });
      assert.equal(node(open, 'acme_clean_tx_irq').collapsed, undefined);
      node(open, 'napi_consume_skb');
      assert.equal(open.nodes.length, g.nodes.length + 1);
    });

    it('--expand on a plain node shows its callees; an unknown one is an error', () => {
      const open = buildPreset(ctx, 'acme', 'ingress', { expand: ['tcp_v4_rcv'] });
      node(open, 'pskb_may_pull');
      assert.throws(
        () => buildPreset(ctx, 'acme', 'ingress', { expand: ['no_such_fn'] }),
        /no node no_such_fn in this preset/,
      );
    });

    it('--depth widens the graph with packet-path callees', () => {
      const wide = buildPreset(ctx, 'acme', 'ingress', { depth: 2 });
      assert.ok(wide.nodes.length > g.nodes.length, `${wide.nodes.length} <= ${g.nodes.length}`);
    });
  });

  describe('ingress --driver acme: the reader', () => {
    let g: GraphJson;
    before(() => {
      g = buildPreset(ctx, 'acme', 'ingress');
    });

    it('runs from the receive system call through the family and protocol recvmsg to the copy to user memory', () => {
      const entry = node(g, '__sys_recvfrom');
      assert.deepEqual([entry.stage, entry.context], ['syscall', 'process']);
      edge(g, '__sys_recvfrom', 'sock_recvmsg');
      assert.match(
        edge(g, 'sock_recvmsg_nosec', 'inet_recvmsg').via ?? '',
        /^INDIRECT_CALL_INET: proto_ops\.recvmsg = inet_recvmsg at net\/ipv4\/af_inet\.c:\d+$/,
      );
      assert.match(
        edge(g, 'inet_recvmsg', 'tcp_recvmsg').via ?? '',
        /^INDIRECT_CALL_2: proto\.recvmsg = tcp_recvmsg at net\/ipv4\/tcp_ipv4\.c:\d+$/,
      );
      // The other family's recvmsg, shorter to the copy, is not the reader's way.
      assert.ok(!g.nodes.some((n) => n.name === 'pppol2tp_recvmsg'));
      for (const name of ['sock_recvmsg', 'inet_recvmsg', 'tcp_recvmsg', 'tcp_recvmsg_locked'])
        assert.deepEqual([node(g, name).stage, node(g, name).context], ['reader', 'process'], name);
      const copy = (g.skb ?? []).find((op) => op.life === 'copy-out');
      assert.deepEqual(
        [copy?.op, copy?.node, copy?.line],
        [
          'skb_copy_datagram_msg',
          node(g, 'tcp_recvmsg_locked').id,
          lineOf('net/ipv4/tcp.c', 'skb_copy_datagram_msg('),
        ],
      );
    });
  });

  describe('egress --driver acme', () => {
    let g: GraphJson;
    before(() => {
      g = buildPreset(ctx, 'acme', 'egress');
    });

    it('runs from tcp_sendmsg and udp_sendmsg to the driver through ndo_start_xmit', () => {
      for (const name of [
        'tcp_sendmsg',
        '__tcp_transmit_skb',
        'ip_queue_xmit',
        'ip_local_out',
        'ip_output',
        'ip_finish_output2',
        'neigh_output',
        'neigh_hh_output',
        '__dev_queue_xmit',
        '__dev_xmit_skb',
        'sch_direct_xmit',
        'dev_hard_start_xmit',
        'netdev_start_xmit',
        'acme_xmit_frame',
        'acme_tx_queue',
        'udp_sendmsg',
      ])
        node(g, name);
      assert.match(
        edge(g, '__netdev_start_xmit', 'acme_xmit_frame').via ?? '',
        /^net_device_ops\.ndo_start_xmit = acme_xmit_frame at drivers\/net\/ethernet\/acme\/acme_main\.c:\d+/,
      );
      assert.match(
        edge(g, '__tcp_transmit_skb', 'ip_queue_xmit').via ?? '',
        /inet_connection_sock_af_ops\.queue_xmit = ip_queue_xmit/,
      );
    });

    it('runs in process context down to __dev_queue_xmit, below it with bottom halves disabled', () => {
      const expect: Record<string, [string, string]> = {
        tcp_sendmsg: ['tcp', 'process'],
        __dev_queue_xmit: ['core-tx', 'bh-disabled'],
        __dev_xmit_skb: ['qdisc', 'bh-disabled'],
        sch_direct_xmit: ['qdisc', 'bh-disabled'],
        acme_xmit_frame: ['driver-tx', 'bh-disabled'],
        acme_tx_queue: ['driver-tx', 'bh-disabled'],
        net_tx_action: ['qdisc', 'softirq'],
        acme_poll: ['driver-rx', 'softirq'],
        acme_clean_tx_irq: ['driver-tx', 'softirq'],
      };
      for (const [name, [stage, context]] of Object.entries(expect)) {
        const n = node(g, name);
        assert.deepEqual([n.stage, n.context], [stage, context], name);
      }
      assert.equal(edge(g, '__netif_schedule', 'net_tx_action').kind, 'async');
    });

    it('puts the doorbell note on the function that writes the tail, not on the one named for the ring', () => {
      const lines = readFileSync(join(root, 'drivers/net/ethernet/acme/acme_main.c'), 'utf8').split(
        '\n',
      );
      const lineOf = (text: string): number => lines.findIndex((l) => l.includes(text)) + 1;
      const xmit = node(g, 'acme_xmit_frame').note ?? '';
      assert.match(
        xmit,
        new RegExp(`doorbell.*\\(writel, line ${lineOf('writel(count, adapter')}\\)`),
      );
      assert.match(
        xmit,
        new RegExp(`BQL \\(netdev_sent_queue, line ${lineOf('netdev_sent_queue(')}\\)`),
      );
      assert.match(xmit, /skipped while more packets follow \(netdev_xmit_more/);
      const map = node(g, 'acme_tx_map').note ?? '';
      assert.match(
        map,
        new RegExp(
          `^Maps the packet for DMA \\(dma_map_single, line ${lineOf('dma_map_single(')}\\)\\.$`,
        ),
      );
      const queue = node(g, 'acme_tx_queue').note ?? '';
      assert.match(queue, /^Fills the descriptors \(tx_desc->buffer_addr =, line \d+\)\.$/);
      for (const n of [map, queue]) assert.doesNotMatch(n, /doorbell|tail/);
    });

    it('says which call and line disable bottom halves, read from the source', () => {
      const lines = readFileSync(join(root, 'net/core/dev.c'), 'utf8').split('\n');
      const at = lines.findIndex((l) => l.includes('rcu_read_lock_bh();')) + 1;
      assert.ok(at > 0);
      assert.equal(
        node(g, '__dev_queue_xmit').contextReason?.split('; ')[0],
        `bottom halves disabled by its own rcu_read_lock_bh() at net/core/dev.c:${at}`,
      );
      assert.match(
        node(g, 'acme_xmit_frame').contextReason ?? '',
        new RegExp(
          `^bottom halves disabled by rcu_read_lock_bh\\(\\) at net/core/dev\\.c:${at} in __dev_queue_xmit`,
        ),
      );
      // netdev_core_pick_tx is called after the lock too; tcp_sendmsg's path above it is not.
      assert.equal(node(g, 'tcp_sendmsg').context, 'process');
    });

    it('says where the NET_RX softirq enters the transmit path, by the chain of calls and their lines', () => {
      // The fixture's TCP receive acknowledges from the softirq: tcp_rcv_established ->
      // __tcp_ack_snd_check -> tcp_send_ack -> __tcp_transmit_skb.
      const t = node(g, '__tcp_transmit_skb');
      assert.equal(t.context, 'bh-disabled');
      const reason = t.contextReason ?? '';
      const m = /entered from NET_RX softirq: net_rx_action ([^;]*)/.exec(reason);
      assert.ok(m, reason);
      const hops = [...(m[1] as string).matchAll(/([→⇢]) (\w+) \(([^:]+):(\d+)\)/g)];
      const names = hops.map((h) => h[2]);
      assert.deepEqual(names.slice(-4), [
        'tcp_rcv_established',
        '__tcp_ack_snd_check',
        'tcp_send_ack',
        '__tcp_transmit_skb',
      ]);
      for (const [, kind, name, file, line] of hops) {
        const text = readFileSync(join(root, file as string), 'utf8').split('\n')[Number(line) - 1];
        if (kind === '→')
          assert.match(text ?? '', new RegExp(`\\b${name as string}\\(`), `${file}:${line}`);
      }
      assert.match(reason, /tcp_sendmsg starts the path in process context/);
      // Its drawn callees say where the softirq entered, without the chain again.
      assert.match(
        node(g, 'ip_queue_xmit').contextReason ?? '',
        /entered from NET_RX softirq through __tcp_transmit_skb/,
      );
      // The system call above it is entered from process context only.
      assert.equal(node(g, 'tcp_sendmsg').context, 'process');
    });

    it('shows the headers pushed on the way down', () => {
      const ops = (g.skb ?? []).map((s) => `${s.node.split(':').pop() ?? ''} ${s.op}(${s.len})`);
      for (const want of [
        '__tcp_transmit_skb skb_push(tcp_header_size)',
        '__ip_queue_xmit skb_push(sizeof(struct iphdr) + (inet_opt ? inet_opt->opt.optlen : 0))',
        'neigh_hh_output __skb_push(hh_len)',
      ]) {
        assert.ok(ops.includes(want), `${want} not in\n${ops.join('\n')}`);
      }
      assert.ok(
        ops.indexOf('__tcp_transmit_skb skb_push(tcp_header_size)') <
          ops.indexOf('neigh_hh_output __skb_push(hh_len)'),
      );
    });

    it('marks LOCAL_OUT and POST_ROUTING', () => {
      const marks = (g.markers ?? []).map((m) => `${m.node.split(':').pop() ?? ''} ${m.label}`);
      assert.ok(marks.includes('__ip_local_out NF_INET_LOCAL_OUT'), marks.join('; '));
      assert.ok(marks.includes('ip_output NF_INET_POST_ROUTING'), marks.join('; '));
    });
  });

  describe('other drivers', () => {
    it('oldie: an IRQ handler without NAPI reaches the stack through the backlog', () => {
      const g = buildPreset(ctx, 'oldie', 'ingress');
      for (const name of [
        'oldie_interrupt',
        'netif_rx',
        'enqueue_to_backlog',
        'net_rx_action',
        'process_backlog',
        'tcp_v4_rcv',
        'sock_def_readable',
      ])
        node(g, name);
      assert.equal(node(g, 'oldie_rx').context, 'hardirq');
      assert.equal(node(g, 'process_backlog').context, 'softirq');
    });

    it('quiet: without an IRQ handler the path starts at the NET_RX softirq', () => {
      const g = buildPreset(ctx, 'quiet', 'ingress');
      assert.equal(g.title, 'quietnet ingress');
      assert.equal(g.nodes[0]?.name, 'net_rx_action');
      assert.equal(node(g, 'quiet_poll').context, 'softirq');
      node(g, 'sock_def_readable');
    });

    it('busnet: the bus interrupt calls the channel callback, which schedules NAPI', () => {
      const g = buildPreset(ctx, 'busnet', 'ingress');
      assert.equal(g.nodes[0]?.name, 'vbus_isr');
      assert.equal(node(g, 'vbus_isr').context, 'hardirq');
      assert.match(
        node(g, 'vbus_isr').note ?? '',
        /^The NIC interrupt handler \(hard IRQ\), registered by request_irq at drivers\/vbus\/vbus\.c:\d+: /,
      );
      const cb = edge(g, 'vbus_chan_sched', 'busnet_channel_cb');
      assert.equal(cb.kind, 'indirect');
      assert.match(
        cb.via ?? '',
        /^vbus_channel\.onchannel_callback = busnet_channel_cb at drivers\/net\/busnet\/busnet\.c:\d+ \(vbus_open\)$/,
      );
      for (const name of [
        'napi_schedule',
        'net_rx_action',
        'busnet_poll',
        'netif_receive_skb',
        'tcp_v4_rcv',
      ])
        node(g, name);
      for (const n of g.nodes)
        assert.doesNotMatch(n.note ?? '', /SITE|\),:/, `${n.name}: ${n.note ?? ''}`);
    });

    it('sunny: the egress path ends with the TX completion run by the interrupt handler, in hard-IRQ context', () => {
      const g = buildPreset(ctx, 'sunny', 'egress');
      node(g, 'sunny_start_xmit');
      assert.equal(node(g, 'sunny_interrupt').context, 'hardirq');
      assert.equal(node(g, 'sunny_tx_done').context, 'hardirq');
      edge(g, 'sunny_interrupt', 'sunny_tx_done');
      // Its NAPI poll only receives: not on the egress path.
      assert.ok(
        !g.nodes.some((n) => n.name === 'sunny_poll' || n.name === '__napi_poll'),
        g.nodes.map((n) => n.name).join(', '),
      );
      // A driver whose poll reclaims draws no interrupt handler on its egress path.
      const acme = buildPreset(ctx, 'acme', 'egress');
      assert.ok(
        !acme.nodes.some((n) => n.name === 'acme_intr'),
        acme.nodes.map((n) => n.name).join(', '),
      );
      // Nor one whose interrupt handler reaches no TX completion: oldie's.
      const oldie = buildPreset(ctx, 'oldie', 'egress');
      assert.ok(
        !oldie.nodes.some((n) => n.name === 'oldie_interrupt'),
        oldie.nodes.map((n) => n.name).join(', '),
      );
    });

    it('tully: an interrupt handler that wakes the queue itself is the TX completion; what it receives is not drawn', () => {
      assert.deepEqual(listDrivers(ctx).find((d) => d.name === 'tully')?.txClean, [
        'drivers/net/ethernet/tully/tully.c:tully_interrupt',
      ]);
      const g = buildPreset(ctx, 'tully', 'egress');
      node(g, 'tully_start_xmit');
      assert.equal(node(g, 'tully_interrupt').context, 'hardirq');
      assert.ok(!g.nodes.some((n) => n.name === 'tully_rx'), g.nodes.map((n) => n.name).join(', '));
      assert.ok(
        !(g.skb ?? []).some((op) => op.node.endsWith(':tully_rx')),
        'no receive step on the egress skb timeline',
      );
    });

    it('vnet: a driver that is one file in drivers/net', () => {
      const g = buildPreset(ctx, 'vnet', 'ingress');
      for (const name of [
        'vnet_interrupt',
        'vnet_poll',
        'vnet_receive',
        'netif_receive_skb',
        'vnet_refill',
      ])
        node(g, name);
    });

    it('reports what a partial path lacks, and refuses a direction with nothing to draw', () => {
      let missing: readonly string[] = [];
      buildPreset(ctx, 'quiet', 'ingress', { onReport: (m) => (missing = m) });
      assert.deepEqual(missing, ['no IRQ handler registered (request_irq and kin) in its files']);
      assert.throws(
        () => buildPreset(ctx, 'quiet', 'egress'),
        /^Error: quietnet registers no ndo_start_xmit: no egress path to draw$/,
      );
      assert.throws(
        () => buildPreset(ctx, 'blinky', 'ingress'),
        /blinky registers no NAPI poll and no IRQ handler/,
      );
      node(buildPreset(ctx, 'blinky', 'egress'), 'blinky_xmit');
    });

    it('an unknown route, or one the driver cannot draw, is one line naming the routes it draws', () => {
      // The miniature stack has TCP and UDP over IPv4 only: acme draws tcp4 and udp4.
      assert.throws(
        () => buildPreset(ctx, 'acme', 'ingress', { route: 'tcp7' }),
        (e: unknown) =>
          e instanceof QueryError &&
          e.message ===
            "unknown route 'tcp7' (routes: tcp4, udp4, tcp6, udp6, forward4, forward6, xdp, bridge, tc, tunnel, packet); acme draws tcp4, udp4 completely",
      );
      assert.throws(
        () => buildPreset(ctx, 'quiet', 'egress', { route: 'forward4' }),
        (e: unknown) =>
          e instanceof QueryError &&
          e.message ===
            'quietnet registers no ndo_start_xmit: no egress path to draw on route forward4; quietnet draws no route completely',
      );
      // A route the tree lacks a part of draws what it finds and says what is missing.
      let missing: readonly string[] = [];
      const g = buildPreset(ctx, 'acme', 'ingress', {
        route: 'tcp6',
        onReport: (m) => (missing = m),
      });
      assert.equal(g.title, 'acme ingress tcp6');
      assert.deepEqual(missing, [
        'no ip6_input (dst_entry.input) found within 2 calls of dst_input',
      ]);
      node(g, 'ipv6_rcv');
      assert.equal(buildPreset(ctx, 'acme', 'ingress', { route: 'tcp4' }).title, 'acme ingress');
    });

    it('an unknown driver is a one-line error naming the drivers command', () => {
      assert.throws(
        () => buildPreset(ctx, 'nosuch', 'ingress'),
        (e: unknown) =>
          e instanceof QueryError &&
          e.message === 'unknown driver nosuch (netpaths drivers lists them)',
      );
    });
  });
});
