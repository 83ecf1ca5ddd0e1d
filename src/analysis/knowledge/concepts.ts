// Our explanations of the ideas behind a packet path (DMA rings, interrupts, NAPI, softirqs,
// offloads, qdiscs, netfilter, routing, neighbours), for editor hovers and `netpaths explain`.
//
// One row per concept. `id` is the canonical topic key (lower case, unique across this table
// and SKB_FIELDS); `aliases` are extra lower-case spellings `explain()` accepts; `related`
// names other topics that must resolve through `explain()` (unit-tested); `seeAlso` names
// kernel identifiers that must be defined in a 6.12 tree (integration-tested); `source`
// names the definition that backs the text and what it must hold (sources.ts).

import type { Citation } from './sources';

import { SOCKET_CONCEPTS } from './socket-concepts';

export interface ConceptRow {
  id: string;
  title: string;
  /** Our explanation, 1-3 sentences, accurate for Linux 6.12. */
  text: string;
  aliases?: readonly string[];
  related?: readonly string[];
  seeAlso?: readonly string[];
  /** The place in the tree that backs the text (sources.ts), checked by the integration tests. */
  source?: Citation;
}

export const CONCEPTS: readonly ConceptRow[] = [
  // The packet object itself.
  {
    id: 'sk_buff',
    title: 'struct sk_buff',
    text: 'The kernel packet descriptor. It carries metadata (device, protocol, header offsets, checksum state, owner socket) and points at the packet bytes: a linear area from head to end plus optional page fragments described by skb_shared_info.',
    aliases: ['skb', 'socket buffer', 'struct sk_buff'],
    related: ['data', 'headroom', 'frags'],
    seeAlso: ['alloc_skb', 'kfree_skb', 'skb_shinfo'],
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'struct sk_buff',
      holds: ['unsigned char *head', 'sk_buff_data_t end'],
    },
  },
  // Hardware side: DMA and descriptor rings.
  {
    id: 'dma',
    title: 'DMA',
    text: 'Direct memory access: the NIC reads and writes packet buffers in RAM itself, without the CPU copying bytes. Drivers map each buffer with the DMA API to get the bus address they write into a descriptor, and sync or unmap it before the CPU looks at the data.',
    aliases: ['direct memory access', 'dma mapping'],
    related: ['rx-ring', 'tx-ring'],
    seeAlso: ['dma_map_single', 'dma_unmap_single', 'dma_sync_single_for_cpu'],
    source: {
      file: 'include/linux/dma-mapping.h',
      symbol: 'dma_map_single',
      holds: ['dma_map_single_attrs'],
    },
  },
  {
    id: 'rx-ring',
    title: 'RX descriptor ring',
    text: 'A circular array of receive descriptors shared by driver and NIC, each pointing at an empty DMA-mapped buffer. The NIC fills buffers with arriving frames and writes back length and status; the NAPI poll walks the completed descriptors and turns each one into an skb.',
    aliases: [
      'rx ring',
      'receive ring',
      'rx descriptor ring',
      'rx descriptors',
      'descriptor ring',
      'ring',
    ],
    related: ['dma', 'ring-refill', 'napi'],
    seeAlso: ['napi_build_skb', 'napi_alloc_skb'],
    source: { file: 'net/core/skbuff.c', symbol: 'napi_build_skb', holds: ['__napi_build_skb'] },
  },
  {
    id: 'tx-ring',
    title: 'TX descriptor ring',
    text: "A circular array of transmit descriptors. ndo_start_xmit maps the skb's buffers for DMA, fills descriptors, reports the bytes to BQL and writes the NIC's tail (doorbell) register, skipping that write while netdev_xmit_more() says more packets follow; once the NIC reports them sent, the driver frees the skbs, usually from its NAPI poll (TX completion), and reports the completed bytes to BQL.",
    aliases: ['tx ring', 'transmit ring', 'tx descriptor ring', 'tx descriptors', 'tx completion'],
    related: ['dma', 'napi'],
    seeAlso: ['napi_consume_skb', 'netif_tx_stop_queue', 'netif_tx_wake_queue', 'netdev_xmit_more'],
    source: { file: 'net/core/dev.c', symbol: 'xmit_one', holds: ['netdev_start_xmit'] },
  },
  {
    id: 'ring-refill',
    title: 'RX ring refill',
    text: 'After consuming RX descriptors the driver hands the NIC fresh buffers (often from a page_pool), maps them and advances the ring tail. If refilling falls behind, the ring runs dry and the NIC drops frames for lack of buffers.',
    aliases: ['refill', 'rx refill', 'ring refill', 'page_pool', 'page pool'],
    related: ['rx-ring', 'dma'],
    seeAlso: ['page_pool_dev_alloc_pages'],
    source: {
      file: 'include/net/page_pool/helpers.h',
      symbol: 'page_pool_dev_alloc_pages',
      holds: ['page_pool_alloc_pages'],
    },
  },
  // Interrupts and deferred work.
  {
    id: 'hardirq',
    title: 'Hard IRQ context',
    text: 'The CPU is running an interrupt handler registered with request_irq(); it must not sleep and should finish quickly. A NIC handler typically just masks or acknowledges the device interrupt and calls napi_schedule().',
    aliases: ['hard irq', 'hard interrupt', 'irq', 'interrupt', 'irq handler', 'interrupt handler'],
    related: ['top-half', 'napi'],
    seeAlso: ['request_irq', 'napi_schedule'],
    source: {
      file: 'include/linux/interrupt.h',
      symbol: 'request_irq',
      holds: ['request_threaded_irq(irq, handler, NULL'],
    },
  },
  {
    id: 'top-half',
    title: 'Top half',
    text: 'The part of interrupt handling that runs immediately in hard IRQ context. For a NIC it does the minimum (acknowledge, mask, schedule NAPI) and leaves the packet work to the bottom half.',
    aliases: ['top half'],
    related: ['hardirq', 'bottom-half'],
    seeAlso: ['napi_schedule'],
    source: {
      file: 'include/linux/netdevice.h',
      symbol: 'napi_schedule',
      holds: ['napi_schedule_prep', '__napi_schedule'],
    },
  },
  {
    id: 'bottom-half',
    title: 'Bottom half',
    text: 'Work deferred from an interrupt to run soon after it with interrupts enabled; for networking these are the NET_RX and NET_TX softirqs. local_bh_disable() and the _bh lock variants keep it from running on the current CPU.',
    aliases: ['bottom half', 'bh', 'bottom halves'],
    related: ['softirq', 'top-half'],
    seeAlso: ['local_bh_disable', 'local_bh_enable'],
    source: {
      file: 'include/linux/bottom_half.h',
      symbol: 'local_bh_disable',
      holds: ['__local_bh_disable_ip'],
    },
  },
  {
    id: 'softirq',
    title: 'Softirq',
    text: 'A fixed set of bottom-half handlers registered with open_softirq() that run on the CPU that raised them, on return from a hard IRQ or when bottom halves are re-enabled. They may not sleep; networking owns NET_RX_SOFTIRQ and NET_TX_SOFTIRQ.',
    aliases: ['softirqs', 'soft irq', 'softirq context'],
    related: ['net_rx_softirq', 'net_tx_softirq', 'ksoftirqd'],
    seeAlso: ['open_softirq', 'raise_softirq_irqoff', 'handle_softirqs'],
    source: {
      file: 'kernel/softirq.c',
      symbol: 'handle_softirqs',
      holds: ['h->action(', 'wakeup_softirqd'],
    },
  },
  {
    id: 'net_rx_softirq',
    title: 'NET_RX_SOFTIRQ',
    text: "The receive softirq. Its handler net_rx_action() calls the poll function of each NAPI instance on this CPU's poll list until a budget of packets (net.core.netdev_budget, 300) or time (netdev_budget_usecs, about two jiffies) runs out, then re-raises itself if work remains.",
    aliases: ['net rx softirq', 'net_rx', 'rx softirq'],
    related: ['napi', 'softirq', 'ksoftirqd'],
    seeAlso: ['net_rx_action', 'NET_RX_SOFTIRQ'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_rx_action',
      holds: [
        'net_hotdata.netdev_budget_usecs',
        'net_hotdata.netdev_budget',
        '__raise_softirq_irqoff(NET_RX_SOFTIRQ)',
      ],
    },
  },
  {
    id: 'net_tx_softirq',
    title: 'NET_TX_SOFTIRQ',
    text: 'The transmit softirq. Its handler net_tx_action() frees skbs that drivers released from IRQ context and restarts qdiscs that were rescheduled with __netif_schedule() because they stopped early.',
    aliases: ['net tx softirq', 'net_tx', 'tx softirq'],
    related: ['qdisc', 'softirq'],
    seeAlso: ['net_tx_action', '__netif_schedule', 'NET_TX_SOFTIRQ'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_tx_action',
      holds: ['completion_queue', 'output_queue', 'qdisc_run'],
    },
  },
  {
    id: 'ksoftirqd',
    title: 'ksoftirqd',
    text: 'A per-CPU kernel thread (ksoftirqd/N) that runs pending softirqs when they keep coming back, so a packet flood cannot starve ordinary tasks. Receive work that outlasts its budget often finishes here: the handlers still run as softirqs, but the thread is scheduled like any other task.',
    related: ['softirq', 'net_rx_softirq'],
    seeAlso: ['run_ksoftirqd'],
    source: { file: 'kernel/softirq.c', symbol: 'run_ksoftirqd', holds: ['handle_softirqs(true)'] },
  },
  // Receive batching.
  {
    id: 'napi',
    title: 'NAPI',
    text: "The interrupt-mitigation polling scheme for receive (and TX completion): the IRQ handler masks the device interrupt and schedules the driver's napi_struct, and NET_RX_SOFTIRQ (or the instance's thread when threaded) calls its poll() with a budget. A poll that used less than its budget calls napi_complete_done(), which never touches the interrupt: it flushes GRO and returns whether the driver may unmask it, false while a busy poller owns the instance, when a new schedule arrived (the poll runs again), or when napi_defer_hard_irqs defers it to a gro_flush_timeout timer.",
    aliases: ['napi_struct', 'new api', 'napi poll', 'poll'],
    related: ['net_rx_softirq', 'gro', 'hardirq'],
    seeAlso: ['napi_schedule', 'napi_complete_done', 'netif_napi_add', '__napi_poll'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'napi_complete_done',
      holds: [
        'NAPIF_STATE_IN_BUSY_POLL',
        'napi_defer_hard_irqs',
        'NAPIF_STATE_MISSED',
        'return ret',
      ],
    },
  },
  {
    id: 'gro',
    title: 'GRO (generic receive offload)',
    text: 'Inside the NAPI poll, napi_gro_receive() merges packets of the same flow into one large skb. A held packet goes up the stack when a packet of its flow cannot merge into it, when its bucket already holds 8 flows (the oldest goes), when the poll spends its whole budget (then only packets older than a jiffy, with HZ >= 1000) and when napi_complete_done() ends the poll (only older ones when gro_flush_timeout is set). Packets GRO lets through are batched by gro_normal_one() and delivered in lists of gro_normal_batch segments.',
    aliases: ['generic receive offload'],
    related: ['napi', 'gso'],
    seeAlso: ['napi_gro_receive', 'dev_gro_receive', 'napi_gro_flush'],
    source: {
      file: 'net/core/gro.c',
      symbol: 'dev_gro_receive',
      holds: ['if (pp)', 'MAX_GRO_SKBS', 'gro_flush_oldest'],
    },
  },
  {
    id: 'gso',
    title: 'GSO (generic segmentation offload)',
    text: 'The stack builds one large packet and postpones cutting it into MTU-sized pieces until just before the driver. If the device cannot segment it in hardware (TSO), validate_xmit_skb() segments it in software with skb_gso_segment().',
    aliases: ['generic segmentation offload', 'segmentation'],
    related: ['tso', 'gso_size', 'gro'],
    seeAlso: ['skb_gso_segment', 'validate_xmit_skb'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'validate_xmit_skb',
      holds: ['netif_needs_gso', 'skb_gso_segment'],
    },
  },
  {
    id: 'tso',
    title: 'TSO (TCP segmentation offload)',
    text: 'The NIC cuts a large TCP skb into MSS-sized segments itself, replicating and fixing the headers. When the device advertises NETIF_F_TSO the stack passes the large skb, with gso_size set, straight to the driver.',
    aliases: ['tcp segmentation offload'],
    related: ['gso', 'gso_size'],
    seeAlso: ['NETIF_F_TSO'],
    source: { file: 'include/linux/netdev_features.h', symbol: 'NETIF_F_TSO' },
  },
  {
    id: 'rps',
    title: 'RPS / RFS',
    text: "Receive Packet Steering spreads receive processing over CPUs in software: get_rps_cpu() picks a CPU from the packet's flow hash (RFS prefers the CPU where the consuming application runs) and enqueue_to_backlog() queues the skb on that CPU's backlog.",
    aliases: ['receive packet steering', 'rfs', 'receive flow steering'],
    related: ['backlog', 'hash'],
    seeAlso: ['get_rps_cpu', 'enqueue_to_backlog'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'netif_receive_skb_internal',
      holds: ['get_rps_cpu', 'enqueue_to_backlog'],
    },
  },
  {
    id: 'backlog',
    title: 'Per-CPU backlog',
    text: 'A per-CPU input queue (softnet_data.input_pkt_queue) fed by netif_rx() and by RPS. A built-in NAPI instance drains it with process_backlog(), in NET_RX_SOFTIRQ, or in a per-CPU backlog_napi thread on PREEMPT_RT kernels and with the thread_backlog_napi boot option; packets are dropped once it holds more than net.core.netdev_max_backlog (1000).',
    aliases: ['input_pkt_queue', 'softnet_data', 'netdev_max_backlog'],
    related: ['rps', 'napi', 'backlog-threads'],
    seeAlso: ['enqueue_to_backlog', 'process_backlog', 'netif_rx'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'enqueue_to_backlog',
      holds: ['net_hotdata.max_backlog', 'input_pkt_queue'],
    },
  },
  {
    id: 'xdp',
    title: 'XDP',
    text: 'A BPF program the driver runs on the raw receive buffer before any skb exists. It can drop the frame, send it back out, redirect it to another device, CPU or AF_XDP socket, or pass it on to the normal stack.',
    aliases: ['express data path', 'bpf_prog_run_xdp'],
    related: ['napi', 'rx-ring'],
    seeAlso: ['bpf_prog_run_xdp', 'xdp_do_redirect'],
    source: { file: 'include/net/xdp.h', symbol: 'bpf_prog_run_xdp', holds: ['bpf_prog_run'] },
  },
  // Transmit queueing.
  {
    id: 'qdisc',
    title: 'Qdisc (queueing discipline)',
    text: 'The packet scheduler between the IP stack and the driver, one per TX queue (pfifo_fast unless the sysctl net.core.default_qdisc or tc says otherwise; mq on multiqueue NICs). __dev_xmit_skb() enqueues, __qdisc_run() dequeues and hands packets to the driver through sch_direct_xmit().',
    aliases: ['queueing discipline', 'queuing discipline', 'traffic control', 'tc', 'sch'],
    related: ['net_tx_softirq', 'tx-ring'],
    seeAlso: ['__dev_xmit_skb', '__qdisc_run', 'sch_direct_xmit'],
    source: {
      file: 'net/core/dev.c',
      symbol: '__dev_xmit_skb',
      holds: ['dev_qdisc_enqueue', '__qdisc_run', 'sch_direct_xmit'],
    },
  },
  // Filtering.
  {
    id: 'netfilter',
    title: 'Netfilter hooks',
    text: 'Fixed points in the IP stack (PRE_ROUTING, LOCAL_IN, FORWARD, LOCAL_OUT, POST_ROUTING) where registered functions such as nftables or iptables rules, conntrack and NAT see each packet and return a verdict. NF_HOOK() runs them and continues with its okfn only if the packet is accepted.',
    aliases: ['nf', 'nf_hook', 'netfilter hooks', 'iptables', 'nftables', 'hooks'],
    related: [
      'NF_INET_PRE_ROUTING',
      'NF_INET_LOCAL_IN',
      'NF_INET_FORWARD',
      'NF_INET_LOCAL_OUT',
      'NF_INET_POST_ROUTING',
    ],
    seeAlso: ['NF_HOOK', 'nf_hook_slow'],
    source: { file: 'include/linux/netfilter.h', symbol: 'NF_HOOK', holds: ['okfn(net, sk, skb)'] },
  },
  // Routing and next hop.
  {
    id: 'dst',
    title: 'Routing result (dst_entry)',
    text: 'The route attached to an skb (skb_dst()); its input and output function pointers decide the next step. dst_input() calls ip_local_deliver() or ip_forward() on receive, and dst_output() calls ip_output() on transmit; receive routes come from ip_route_input_noref(), while sockets cache their output route.',
    aliases: ['routing', 'route', 'dst_entry', 'rtable', 'route lookup', 'fib'],
    related: ['neighbour'],
    seeAlso: ['skb_dst', 'dst_input', 'dst_output', 'ip_route_input_noref'],
    source: {
      file: 'include/net/dst.h',
      symbol: 'dst_input',
      holds: ['skb_dst(skb)->input', 'ip_local_deliver'],
    },
  },
  {
    id: 'neighbour',
    title: 'Neighbour output',
    text: 'The neighbour layer (ARP for IPv4, NDISC for IPv6) maps the next-hop address to a link-layer address. ip_finish_output2() finds the entry and neigh_output() either copies the cached hardware header (neigh_hh_output()) or resolves first (neigh_resolve_output()), holding packets until the reply arrives.',
    aliases: ['neighbor', 'neigh', 'arp', 'ndisc', 'neighbour output', 'neighbor output'],
    related: ['dst', 'qdisc'],
    seeAlso: ['neigh_output', 'neigh_hh_output', 'neigh_resolve_output'],
    source: {
      file: 'include/net/neighbour.h',
      symbol: 'neigh_output',
      holds: ['neigh_hh_output', 'n->output)(n, skb)'],
    },
  },
  // What drivers and tuning guides ask about beyond the main path.
  {
    id: 'xmit_more',
    title: 'xmit_more and doorbell batching',
    text: "When the stack hands a driver a list of packets (a qdisc dequeuing in bulk, GSO segments), dev_hard_start_xmit() sets a per-CPU flag for every packet but the last, read with netdev_xmit_more(). A driver may then skip the MMIO write of its tail register, one of the most expensive steps of a transmit, and ring the doorbell once for the batch; it must still ring it when the queue stops, and __netdev_tx_sent_queue() combines the check with BQL's.",
    aliases: ['xmit more', 'netdev_xmit_more', 'doorbell', 'doorbell batching', 'tail register'],
    related: ['tx-ring', 'bql'],
    seeAlso: ['netdev_xmit_more', '__netdev_tx_sent_queue', 'dev_hard_start_xmit'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'xmit_one',
      holds: ['netdev_start_xmit(skb, dev, txq, more)'],
    },
  },
  {
    id: 'bql',
    title: 'BQL (byte queue limits)',
    text: 'Byte queue limits bound how many bytes sit in a TX ring, so packets wait in the qdisc, where they can be scheduled, rather than in hardware. The driver reports bytes it queued with netdev_tx_sent_queue() in its xmit and bytes the NIC finished with netdev_tx_completed_queue() in its TX completion; dynamic_queue_limits adapts the limit and stops the queue (__QUEUE_STATE_STACK_XOFF) when it is reached.',
    aliases: ['byte queue limits', 'netdev_tx_sent_queue', 'netdev_tx_completed_queue', 'dql'],
    related: ['tx-ring', 'xmit_more', 'qdisc'],
    seeAlso: ['netdev_tx_sent_queue', 'netdev_tx_completed_queue', 'netdev_sent_queue'],
    source: {
      file: 'include/linux/netdevice.h',
      symbol: 'netdev_tx_sent_queue',
      holds: ['dql_queued', '__QUEUE_STATE_STACK_XOFF'],
    },
  },
  {
    id: 'busy-polling',
    title: 'Busy polling',
    text: 'A socket call (recvmsg, poll, epoll with SO_BUSY_POLL or net.core.busy_read/busy_poll) polls the NAPI instance that last fed the socket itself, from process context with bottom halves disabled, instead of sleeping until an interrupt. While it owns the instance (NAPI_STATE_IN_BUSY_POLL), napi_complete_done() returns false so the driver keeps its interrupt masked.',
    aliases: [
      'busy poll',
      'busy_poll',
      'busy read',
      'so_busy_poll',
      'napi_busy_loop',
      'sk_busy_loop',
    ],
    related: ['napi', 'bottom-half'],
    seeAlso: ['napi_busy_loop', 'sk_busy_loop', 'napi_complete_done'],
    source: {
      file: 'net/core/dev.c',
      symbol: '__napi_busy_loop',
      holds: ['local_bh_disable', 'napi_poll(napi, budget)'],
    },
  },
  {
    id: 'threaded-napi',
    title: 'Threaded NAPI',
    text: 'With threaded NAPI (echo 1 > /sys/class/net/DEV/threaded), each NAPI instance gets a kernel thread (napi/DEV-ID): scheduling wakes the thread instead of raising NET_RX_SOFTIRQ, and the thread runs the poll with bottom halves disabled, so the scheduler, CPU affinity and priorities apply to receive work.',
    aliases: ['napi threaded', 'napi thread', 'napi kthread', 'napi_threaded_poll'],
    related: ['napi', 'ksoftirqd', 'backlog-threads'],
    seeAlso: ['napi_threaded_poll', 'dev_set_threaded'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'napi_threaded_poll_loop',
      holds: ['local_bh_disable', '__napi_poll'],
    },
  },
  {
    id: 'gro_flush_timeout',
    title: 'gro_flush_timeout and deferred hard IRQs',
    text: 'Two per-device settings (/sys/class/net/DEV/gro_flush_timeout in ns and napi_defer_hard_irqs) that trade latency for fewer interrupts: when a poll completes, napi_complete_done() keeps GRO packets held since this jiffy, and while the deferral count lasts it arms a timer of gro_flush_timeout that reschedules the poll, returning false so the driver leaves its interrupt masked.',
    aliases: [
      'gro flush timeout',
      'napi_defer_hard_irqs',
      'defer hard irqs',
      'deferred hard irqs',
      'irq deferral',
    ],
    related: ['napi', 'gro', 'busy-polling'],
    seeAlso: ['napi_complete_done', 'napi_watchdog'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'napi_complete_done',
      holds: ['napi_defer_hard_irqs', 'napi_gro_flush(n, !!timeout)', 'hrtimer_start'],
    },
  },
  {
    id: 'backlog-threads',
    title: 'Backlog threads',
    text: "On PREEMPT_RT kernels (and with the thread_backlog_napi boot option) the per-CPU backlog NAPI that drains netif_rx() and RPS queues runs in a per-CPU kernel thread, backlog_napi/N, instead of in NET_RX_SOFTIRQ; RPS then wakes the target CPU's thread rather than sending an IPI.",
    aliases: ['backlog thread', 'backlog_napi', 'thread_backlog_napi', 'use_backlog_threads'],
    related: ['backlog', 'threaded-napi', 'rps'],
    seeAlso: ['process_backlog', 'enqueue_to_backlog'],
    source: {
      file: 'net/core/dev.c',
      symbol: 'run_backlog_napi',
      holds: ['napi_threaded_poll_loop'],
    },
  },
  // The application's end: system calls, sockets, file descriptors, wait queues.
  ...SOCKET_CONCEPTS,
];
