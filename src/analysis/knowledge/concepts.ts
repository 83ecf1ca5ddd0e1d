// Our explanations of the ideas behind a packet path (DMA rings, interrupts, NAPI, softirqs,
// offloads, qdiscs, netfilter, routing, neighbours), for editor hovers and `netpaths explain`.
//
// One row per concept. `id` is the canonical topic key (lower case, unique across this table
// and SKB_FIELDS); `aliases` are extra lower-case spellings `explain()` accepts; `related`
// names other topics that must resolve through `explain()` (unit-tested); `seeAlso` names
// kernel identifiers that must be defined in a 6.12 tree (integration-tested).

import { SOCKET_CONCEPTS } from './socket-concepts';

export interface ConceptRow {
  id: string;
  title: string;
  /** Our explanation, 1-3 sentences, accurate for Linux 6.12. */
  text: string;
  aliases?: readonly string[];
  related?: readonly string[];
  seeAlso?: readonly string[];
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
  },
  // Hardware side: DMA and descriptor rings.
  {
    id: 'dma',
    title: 'DMA',
    text: 'Direct memory access: the NIC reads and writes packet buffers in RAM itself, without the CPU copying bytes. Drivers map each buffer with the DMA API to get the bus address they write into a descriptor, and sync or unmap it before the CPU looks at the data.',
    aliases: ['direct memory access', 'dma mapping'],
    related: ['rx-ring', 'tx-ring'],
    seeAlso: ['dma_map_single', 'dma_unmap_single', 'dma_sync_single_for_cpu'],
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
  },
  {
    id: 'tx-ring',
    title: 'TX descriptor ring',
    text: "A circular array of transmit descriptors. ndo_start_xmit maps the skb's buffers, fills descriptors and writes the NIC's tail (doorbell) register; once the NIC reports them sent, the driver frees the skbs, usually from its NAPI poll (TX completion).",
    aliases: ['tx ring', 'transmit ring', 'tx descriptor ring', 'tx descriptors', 'tx completion'],
    related: ['dma', 'napi'],
    seeAlso: ['napi_consume_skb', 'netif_tx_stop_queue', 'netif_tx_wake_queue'],
  },
  {
    id: 'ring-refill',
    title: 'RX ring refill',
    text: 'After consuming RX descriptors the driver hands the NIC fresh buffers (often from a page_pool), maps them and advances the ring tail. If refilling falls behind, the ring runs dry and the NIC drops frames for lack of buffers.',
    aliases: ['refill', 'rx refill', 'ring refill', 'page_pool', 'page pool'],
    related: ['rx-ring', 'dma'],
    seeAlso: ['page_pool_dev_alloc_pages'],
  },
  // Interrupts and deferred work.
  {
    id: 'hardirq',
    title: 'Hard IRQ context',
    text: 'The CPU is running an interrupt handler registered with request_irq(); it must not sleep and should finish quickly. A NIC handler typically just masks or acknowledges the device interrupt and calls napi_schedule().',
    aliases: ['hard irq', 'hard interrupt', 'irq', 'interrupt', 'irq handler', 'interrupt handler'],
    related: ['top-half', 'napi'],
    seeAlso: ['request_irq', 'napi_schedule'],
  },
  {
    id: 'top-half',
    title: 'Top half',
    text: 'The part of interrupt handling that runs immediately in hard IRQ context. For a NIC it does the minimum (acknowledge, mask, schedule NAPI) and leaves the packet work to the bottom half.',
    aliases: ['top half'],
    related: ['hardirq', 'bottom-half'],
    seeAlso: ['napi_schedule'],
  },
  {
    id: 'bottom-half',
    title: 'Bottom half',
    text: 'Work deferred from an interrupt to run soon after it with interrupts enabled; for networking these are the NET_RX and NET_TX softirqs. local_bh_disable() and the _bh lock variants keep it from running on the current CPU.',
    aliases: ['bottom half', 'bh', 'bottom halves'],
    related: ['softirq', 'top-half'],
    seeAlso: ['local_bh_disable', 'local_bh_enable'],
  },
  {
    id: 'softirq',
    title: 'Softirq',
    text: 'A fixed set of bottom-half handlers registered with open_softirq() that run on the CPU that raised them, on return from a hard IRQ or when bottom halves are re-enabled. They may not sleep; networking owns NET_RX_SOFTIRQ and NET_TX_SOFTIRQ.',
    aliases: ['softirqs', 'soft irq', 'softirq context'],
    related: ['net_rx_softirq', 'net_tx_softirq', 'ksoftirqd'],
    seeAlso: ['open_softirq', 'raise_softirq_irqoff', 'handle_softirqs'],
  },
  {
    id: 'net_rx_softirq',
    title: 'NET_RX_SOFTIRQ',
    text: "The receive softirq. Its handler net_rx_action() calls the poll function of each NAPI instance on this CPU's poll list until a budget of packets (net.core.netdev_budget, 300) or time (netdev_budget_usecs, about two jiffies) runs out, then re-raises itself if work remains.",
    aliases: ['net rx softirq', 'net_rx', 'rx softirq'],
    related: ['napi', 'softirq', 'ksoftirqd'],
    seeAlso: ['net_rx_action', 'NET_RX_SOFTIRQ'],
  },
  {
    id: 'net_tx_softirq',
    title: 'NET_TX_SOFTIRQ',
    text: 'The transmit softirq. Its handler net_tx_action() frees skbs that drivers released from IRQ context and restarts qdiscs that were rescheduled with __netif_schedule() because they stopped early.',
    aliases: ['net tx softirq', 'net_tx', 'tx softirq'],
    related: ['qdisc', 'softirq'],
    seeAlso: ['net_tx_action', '__netif_schedule', 'NET_TX_SOFTIRQ'],
  },
  {
    id: 'ksoftirqd',
    title: 'ksoftirqd',
    text: 'A per-CPU kernel thread (ksoftirqd/N) that runs pending softirqs when they keep coming back, so a packet flood cannot starve ordinary tasks. Receive work that outlasts its budget often finishes here: the handlers still run as softirqs, but the thread is scheduled like any other task.',
    related: ['softirq', 'net_rx_softirq'],
    seeAlso: ['run_ksoftirqd'],
  },
  // Receive batching.
  {
    id: 'napi',
    title: 'NAPI',
    text: "The interrupt-mitigation polling scheme for receive (and TX completion). The IRQ handler schedules the driver's napi_struct; NET_RX_SOFTIRQ then calls its poll() with a budget, and the driver re-enables the interrupt with napi_complete_done() only after it runs out of work.",
    aliases: ['napi_struct', 'new api', 'napi poll', 'poll'],
    related: ['net_rx_softirq', 'gro', 'hardirq'],
    seeAlso: ['napi_schedule', 'napi_complete_done', 'netif_napi_add', '__napi_poll'],
  },
  {
    id: 'gro',
    title: 'GRO (generic receive offload)',
    text: 'Inside the NAPI poll, napi_gro_receive() merges consecutive packets of the same flow into one large skb, so the layers above handle fewer, bigger packets. Held packets are flushed to the stack when a flow stops matching and at the end of the poll (napi_complete_done()).',
    aliases: ['generic receive offload'],
    related: ['napi', 'gso'],
    seeAlso: ['napi_gro_receive', 'dev_gro_receive', 'napi_gro_flush'],
  },
  {
    id: 'gso',
    title: 'GSO (generic segmentation offload)',
    text: 'The stack builds one large packet and postpones cutting it into MTU-sized pieces until just before the driver. If the device cannot segment it in hardware (TSO), validate_xmit_skb() segments it in software with skb_gso_segment().',
    aliases: ['generic segmentation offload', 'segmentation'],
    related: ['tso', 'gso_size', 'gro'],
    seeAlso: ['skb_gso_segment', 'validate_xmit_skb'],
  },
  {
    id: 'tso',
    title: 'TSO (TCP segmentation offload)',
    text: 'The NIC cuts a large TCP skb into MSS-sized segments itself, replicating and fixing the headers. When the device advertises NETIF_F_TSO the stack passes the large skb, with gso_size set, straight to the driver.',
    aliases: ['tcp segmentation offload'],
    related: ['gso', 'gso_size'],
    seeAlso: ['NETIF_F_TSO'],
  },
  {
    id: 'rps',
    title: 'RPS / RFS',
    text: "Receive Packet Steering spreads receive processing over CPUs in software: get_rps_cpu() picks a CPU from the packet's flow hash (RFS prefers the CPU where the consuming application runs) and enqueue_to_backlog() queues the skb on that CPU's backlog.",
    aliases: ['receive packet steering', 'rfs', 'receive flow steering'],
    related: ['backlog', 'hash'],
    seeAlso: ['get_rps_cpu', 'enqueue_to_backlog'],
  },
  {
    id: 'backlog',
    title: 'Per-CPU backlog',
    text: 'A per-CPU input queue (softnet_data.input_pkt_queue) fed by netif_rx() and by RPS. A built-in NAPI instance drains it with process_backlog() in NET_RX_SOFTIRQ; packets are dropped once it holds more than net.core.netdev_max_backlog (1000).',
    aliases: ['input_pkt_queue', 'softnet_data', 'netdev_max_backlog'],
    related: ['rps', 'napi'],
    seeAlso: ['enqueue_to_backlog', 'process_backlog', 'netif_rx'],
  },
  {
    id: 'xdp',
    title: 'XDP',
    text: 'A BPF program the driver runs on the raw receive buffer before any skb exists. It can drop the frame, send it back out, redirect it to another device, CPU or AF_XDP socket, or pass it on to the normal stack.',
    aliases: ['express data path', 'bpf_prog_run_xdp'],
    related: ['napi', 'rx-ring'],
    seeAlso: ['bpf_prog_run_xdp', 'xdp_do_redirect'],
  },
  // Transmit queueing.
  {
    id: 'qdisc',
    title: 'Qdisc (queueing discipline)',
    text: 'The packet scheduler between the IP stack and the driver, one per TX queue (pfifo_fast unless the sysctl net.core.default_qdisc or tc says otherwise; mq on multiqueue NICs). __dev_xmit_skb() enqueues, __qdisc_run() dequeues and hands packets to the driver through sch_direct_xmit().',
    aliases: ['queueing discipline', 'queuing discipline', 'traffic control', 'tc', 'sch'],
    related: ['net_tx_softirq', 'tx-ring'],
    seeAlso: ['__dev_xmit_skb', '__qdisc_run', 'sch_direct_xmit'],
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
  },
  // Routing and next hop.
  {
    id: 'dst',
    title: 'Routing result (dst_entry)',
    text: 'The route attached to an skb (skb_dst()); its input and output function pointers decide the next step. dst_input() calls ip_local_deliver() or ip_forward() on receive, and dst_output() calls ip_output() on transmit; receive routes come from ip_route_input_noref(), while sockets cache their output route.',
    aliases: ['routing', 'route', 'dst_entry', 'rtable', 'route lookup', 'fib'],
    related: ['neighbour'],
    seeAlso: ['skb_dst', 'dst_input', 'dst_output', 'ip_route_input_noref'],
  },
  {
    id: 'neighbour',
    title: 'Neighbour output',
    text: 'The neighbour layer (ARP for IPv4, NDISC for IPv6) maps the next-hop address to a link-layer address. ip_finish_output2() finds the entry and neigh_output() either copies the cached hardware header (neigh_hh_output()) or resolves first (neigh_resolve_output()), holding packets until the reply arrives.',
    aliases: ['neighbor', 'neigh', 'arp', 'ndisc', 'neighbour output', 'neighbor output'],
    related: ['dst', 'qdisc'],
    seeAlso: ['neigh_output', 'neigh_hh_output', 'neigh_resolve_output'],
  },
  // The application's end: system calls, sockets, file descriptors, wait queues.
  ...SOCKET_CONCEPTS,
];
