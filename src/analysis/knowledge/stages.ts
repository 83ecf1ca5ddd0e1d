// Which stage of the packet's journey a core-stack function belongs to, and the context it
// normally runs in, as data rows; plus one-line notes (our words, Linux 6.12) on the
// well-known functions of the ingress and egress paths.
//
// STAGE_RULES: first match wins, so specific rows (exact function names) come before general
// ones (whole files, then whole directories). A row matches when every pattern it has matches:
// `file` is a glob on the kernel-relative path (`*` within one path segment, `**` across
// segments, `{a,b}` alternatives), `name` one glob or a list of globs on the function name.
// Driver roles (IRQ handler, NAPI poll, ndo_start_xmit) are found from the code elsewhere, so
// drivers/ has no rows here. Each rule cites the place in the tree that backs what it says
// (`source`: the registration of a softirq handler, the socket lock of a system call, the
// caller that runs the functions from the receive softirq), shown by hovers and `explain`
// as the stage source. test/unit/knowledge/stages.test.ts pins the rules with (name, file)
// -> stage cases; test/integration/knowledge-sources.test.ts checks every rule's and every
// FUNCTION_NOTES row's citation holds in a real tree.

import type { ExecContext, Stage } from '../graph-json';
import { SOCKET_NOTES } from './socket-notes';
import type { Citation } from './sources';

export interface StageInfo {
  id: Stage;
  label: string;
  /** Which path shows it: receive, transmit or both. */
  direction: 'rx' | 'tx' | 'both';
  note: string;
}

/**
 * The lane of the functions where a system call enters the kernel: the presets put them
 * there, and the renderers draw it above every other lane, the system-call boundary under it.
 */
export const SYSCALL_STAGE = 'syscall';

/** The stage vocabulary, in rough path order; renderers may use the order and labels. */
export const STAGES: readonly StageInfo[] = [
  {
    id: 'driver-irq',
    label: 'Driver IRQ',
    direction: 'rx',
    note: 'The NIC interrupt handler (assigned by driver-role discovery, not by STAGE_RULES).',
  },
  {
    id: 'driver-rx',
    label: 'Driver receive',
    direction: 'rx',
    note: "The driver's NAPI poll and its receive side: RX descriptor processing, skb building, ring refill (driver-role discovery).",
  },
  {
    id: 'driver-tx',
    label: 'Driver transmit',
    direction: 'tx',
    note: "The driver's ndo_start_xmit, its TX ring, and TX completion run from the poll (driver-role discovery).",
  },
  {
    id: 'napi-softirq',
    label: 'NAPI / NET_RX softirq',
    direction: 'rx',
    note: 'Scheduling NAPI and running poll functions from NET_RX_SOFTIRQ.',
  },
  {
    id: 'gro',
    label: 'GRO',
    direction: 'rx',
    note: 'Generic receive offload: merging same-flow packets during the poll.',
  },
  {
    id: 'link',
    label: 'Link layer',
    direction: 'both',
    note: 'Ethernet header parsing and building.',
  },
  {
    id: 'xdp',
    label: 'XDP',
    direction: 'both',
    note: "The driver's XDP program run on the raw frame before any skb exists, and its verdicts: pass to the stack, transmit back out of the same port, redirect to another device, a CPU or an AF_XDP socket, or drop.",
  },
  {
    id: 'core-rx',
    label: 'Core receive',
    direction: 'rx',
    note: 'Device-independent receive: RPS/backlog, taps, tc/netfilter ingress, protocol dispatch.',
  },
  {
    id: 'tc',
    label: 'tc · classifiers and tcx',
    direction: 'both',
    note: 'Traffic control on the device: tcx BPF programs and clsact classifiers run at ingress and egress, and their verdict passes, drops or redirects the skb.',
  },
  {
    id: 'bridge',
    label: 'Bridge',
    direction: 'both',
    note: "A bridge port's receive handler: the forwarding database picks the port a frame leaves by, or hands it up to the bridge device itself.",
  },
  {
    id: 'tunnel',
    label: 'Tunnel · UDP encapsulation',
    direction: 'both',
    note: 'A VXLAN or Geneve device: the outer UDP header added on transmit, and on receive the UDP socket of the tunnel port hands the datagram to the device, which strips it.',
  },
  {
    id: 'netfilter',
    label: 'Netfilter',
    direction: 'both',
    note: 'Netfilter hook points and their rule evaluation.',
  },
  {
    id: 'routing',
    label: 'Routing (dst)',
    direction: 'both',
    note: 'Calls through the route attached to the skb: dst_input() and dst_output().',
  },
  {
    id: 'ipv4',
    label: 'IPv4',
    direction: 'both',
    note: 'IPv4 receive, routing, forwarding and output.',
  },
  {
    id: 'ipv6',
    label: 'IPv6',
    direction: 'both',
    note: 'IPv6 receive, routing, forwarding and output.',
  },
  {
    id: 'forward',
    label: 'Forwarding',
    direction: 'both',
    note: 'Packets routed through this host: the forward function checks and updates the header, runs the FORWARD hook and hands the packet to the output route.',
  },
  { id: 'tcp', label: 'TCP', direction: 'both', note: 'TCP receive processing and transmission.' },
  { id: 'udp', label: 'UDP', direction: 'both', note: 'UDP receive and send.' },
  {
    id: 'syscall',
    label: 'User space · system call',
    direction: 'both',
    note: "Where an application's send(), recv(), read() or write() on a socket enters the kernel: the system call runs in the caller's process context and may sleep.",
  },
  {
    id: 'reader',
    label: 'Reader · receive system call',
    direction: 'rx',
    note: 'The receiving process: sleeps on the socket until data is queued, copies it to user memory and frees the skb, in process context.',
  },
  {
    id: 'socket',
    label: 'Socket',
    direction: 'both',
    note: 'Socket layer: system calls, socket queues and reader wake-up.',
  },
  {
    id: 'neigh',
    label: 'Neighbour',
    direction: 'tx',
    note: 'Next-hop link-layer resolution (ARP/NDISC) and header output.',
  },
  {
    id: 'core-tx',
    label: 'Core transmit',
    direction: 'tx',
    note: 'Device-independent transmit: queue selection, validation, handing skbs to the driver.',
  },
  {
    id: 'gso',
    label: 'GSO',
    direction: 'tx',
    note: 'Software segmentation of large packets before the driver.',
  },
  {
    id: 'qdisc',
    label: 'Qdisc / traffic control',
    direction: 'both',
    note: 'Queueing disciplines, tc classifiers and the NET_TX softirq.',
  },
  {
    id: 'softirq',
    label: 'Softirq machinery',
    direction: 'both',
    note: 'Generic softirq raising and running, including ksoftirqd.',
  },
  {
    id: 'skb',
    label: 'skb helpers',
    direction: 'both',
    note: 'sk_buff allocation, freeing and buffer manipulation.',
  },
  { id: 'core', label: 'Networking core', direction: 'both', note: 'Other net/core code.' },
];

export interface StageRule {
  /** Glob on the kernel-relative file path, e.g. `net/ipv4/tcp*.c`. */
  file?: string;
  /** Glob(s) on the function name, e.g. `__netif_receive_skb*`. */
  name?: string | readonly string[];
  stage: Stage;
  context?: ExecContext;
  /** Shown when the function has no entry in FUNCTION_NOTES. */
  note?: string;
  /**
   * The place that backs the rule's statement (sources.ts): the context it gives (the
   * `open_softirq` of a handler, the `lock_sock` of a system call, the caller that runs the
   * functions from the receive softirq) or, for a rule that gives only a stage, a definition
   * of that stage doing its work.
   */
  source: Citation;
}

export const STAGE_RULES: readonly StageRule[] = [
  // NAPI scheduling: called from the driver's interrupt handler.
  {
    name: ['napi_schedule*', '__napi_schedule*', '____napi_schedule', 'napi_schedule_prep'],
    stage: 'napi-softirq',
    context: 'hardirq',
    source: {
      file: 'net/core/dev.c',
      symbol: '____napi_schedule',
      holds: ['lockdep_assert_irqs_disabled()'],
    },
  },
  // NAPI polling, run by NET_RX_SOFTIRQ (or a NAPI kthread when threaded).
  {
    name: [
      'net_rx_action',
      '__napi_poll',
      'napi_poll',
      'napi_complete',
      'napi_complete_done',
      'process_backlog',
    ],
    stage: 'napi-softirq',
    context: 'softirq',
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_dev_init',
      holds: ['open_softirq(NET_RX_SOFTIRQ, net_rx_action)'],
    },
  },
  {
    name: ['napi_busy_loop*', 'sk_busy_loop'],
    stage: 'napi-softirq',
    context: 'process',
    note: 'Busy polling: a socket system call polls the NAPI instance itself with bottom halves disabled.',
    source: {
      file: 'net/core/dev.c',
      symbol: '__napi_busy_loop',
      holds: ['local_bh_disable()', 'napi_poll(napi, budget)'],
    },
  },
  {
    name: ['napi_threaded_poll*'],
    stage: 'napi-softirq',
    context: 'process',
    note: 'Threaded NAPI: the poll loop runs in a per-NAPI kernel thread.',
    source: {
      file: 'net/core/dev.c',
      symbol: 'napi_kthread_create',
      holds: ['kthread_run(napi_threaded_poll'],
    },
  },
  // GRO, in the driver's poll; protocol callbacks live in *_offload.c and af_inet*.c.
  {
    name: [
      'napi_gro_*',
      'dev_gro_receive',
      'gro_*',
      'skb_gro_*',
      '*_gro_receive',
      '*_gro_complete',
      '*gro_receive_list',
    ],
    stage: 'gro',
    context: 'softirq',
    source: {
      file: 'net/core/gro.c',
      symbol: 'napi_gro_receive',
      holds: ['dev_gro_receive(napi, skb)'],
    },
  },
  {
    file: '{net/core/gro.c,net/core/gro_cells.c,include/net/gro.h}',
    stage: 'gro',
    context: 'softirq',
    source: { file: 'net/core/gro.c', symbol: 'dev_gro_receive', holds: ['MAX_GRO_SKBS'] },
  },
  // GSO: software segmentation on transmit.
  {
    name: ['*_gso_segment', 'skb_gso_segment', '__skb_gso_segment', 'skb_segment*'],
    stage: 'gso',
    source: {
      file: 'net/core/gso.c',
      symbol: '__skb_gso_segment',
      holds: ['skb_mac_gso_segment(skb, features)'],
    },
  },
  {
    file: '{net/core/gso.c,include/net/gso.h}',
    stage: 'gso',
    source: {
      file: 'include/net/gso.h',
      symbol: 'skb_gso_segment',
      holds: ['__skb_gso_segment(skb, features, true)'],
    },
  },
  // Link layer: eth_type_trans runs in the driver's poll.
  {
    name: 'eth_type_trans',
    stage: 'link',
    context: 'softirq',
    note: 'Strips the Ethernet header and returns the protocol.',
    source: { file: 'net/ethernet/eth.c', symbol: 'eth_type_trans', holds: ['eth_skb_pull_mac'] },
  },
  {
    file: '{net/ethernet/**,include/linux/etherdevice.h,include/linux/if_ether.h}',
    stage: 'link',
    source: {
      file: 'net/ethernet/eth.c',
      symbol: 'eth_header',
      holds: ['skb_push(skb, ETH_HLEN)'],
    },
  },
  // Netfilter, wherever the hook runner is defined.
  {
    name: ['nf_hook*', 'NF_HOOK*', 'nf_ingress', 'nf_egress'],
    stage: 'netfilter',
    source: { file: 'include/linux/netfilter.h', symbol: 'nf_hook', holds: ['nf_hook_slow('] },
  },
  {
    file: '{net/netfilter/**,net/ipv4/netfilter/**,net/ipv6/netfilter/**,net/bridge/netfilter/**,include/linux/netfilter*.h,include/linux/netfilter*/**,include/net/netfilter/**}',
    stage: 'netfilter',
    source: { file: 'net/netfilter/core.c', symbol: 'nf_hook_slow', holds: ['NF_DROP'] },
  },
  // The bridge (its netfilter code is matched above): a port's rx_handler, the FDB, forwarding.
  {
    name: [
      'br_handle_frame',
      'br_handle_frame_finish',
      'nf_hook_bridge_pre',
      'br_pass_frame_up',
      'br_netif_receive_skb',
      'br_handle_local_finish',
    ],
    file: 'net/bridge/**',
    stage: 'bridge',
    context: 'softirq',
    source: {
      file: 'net/core/dev.c',
      symbol: '__netif_receive_skb_core',
      holds: ['rx_handler(&skb)'],
    },
  },
  {
    file: '{net/bridge/**,include/linux/if_bridge.h}',
    stage: 'bridge',
    source: {
      file: 'net/bridge/br_input.c',
      symbol: 'br_handle_frame_finish',
      holds: ['br_fdb_find_rcu'],
    },
  },
  // XDP: the program run and the redirect machinery (device and CPU maps, AF_XDP sockets).
  {
    name: [
      'bpf_prog_run_xdp',
      'xdp_do_redirect*',
      '__xdp_do_redirect*',
      'xdp_do_flush',
      'xdp_master_redirect',
      'bpf_warn_invalid_xdp_action',
    ],
    stage: 'xdp',
    context: 'softirq',
    source: { file: 'include/net/xdp.h', symbol: 'bpf_prog_run_xdp', holds: ['__bpf_prog_run'] },
  },
  {
    file: '{net/xdp/**,kernel/bpf/devmap.c,kernel/bpf/cpumap.c,include/net/xdp.h,include/net/xdp_sock*.h}',
    stage: 'xdp',
    source: { file: 'kernel/bpf/devmap.c', symbol: 'bq_xmit_all', holds: ['ndo_xdp_xmit'] },
  },
  // UDP tunnels: the encapsulation helpers and the VXLAN and Geneve devices' receive and
  // transmit (their other functions are the drivers' own).
  {
    name: [
      'vxlan_rcv',
      'vxlan_xmit',
      'vxlan_xmit_one',
      'geneve_udp_encap_recv',
      'geneve_rx',
      'geneve_xmit',
      'geneve_xmit_skb',
      'geneve6_xmit_skb',
    ],
    file: '{drivers/net/vxlan/**,drivers/net/geneve.c}',
    stage: 'tunnel',
    source: {
      file: 'net/ipv4/udp_tunnel_core.c',
      symbol: 'setup_udp_tunnel_sock',
      holds: ['encap_rcv'],
    },
  },
  {
    file: '{net/ipv4/udp_tunnel*.c,net/ipv4/ip_tunnel_core.c,net/ipv6/ip6_udp_tunnel.c,include/net/udp_tunnel.h,include/net/ip_tunnels.h}',
    stage: 'tunnel',
    source: {
      file: 'net/ipv4/udp_tunnel_core.c',
      symbol: 'udp_tunnel_xmit_skb',
      holds: ['iptunnel_xmit'],
    },
  },
  // AF_PACKET sockets: a tap on every device's receive and transmit, and a sender of raw frames.
  {
    file: 'net/packet/**',
    stage: 'socket',
    source: { file: 'net/packet/af_packet.c', symbol: 'packet_sendmsg', holds: ['packet_snd'] },
  },
  // tc hooks in the core device code.
  {
    name: ['sch_handle_ingress', 'tcf_classify*', 'tcx_run'],
    stage: 'qdisc',
    context: 'softirq',
    note: 'tc ingress: clsact/ingress classifiers and tcx BPF programs.',
    source: {
      file: 'net/core/dev.c',
      symbol: '__netif_receive_skb_core',
      holds: ['sch_handle_ingress(skb, &pt_prev, &ret, orig_dev'],
    },
  },
  {
    name: ['sch_handle_egress'],
    stage: 'qdisc',
    note: 'tc egress: clsact classifiers and tcx BPF programs.',
    source: {
      file: 'net/core/dev.c',
      symbol: 'sch_handle_egress',
      holds: ['tcx_run(entry, skb, false)'],
    },
  },
  // Core receive in net/core/dev.c.
  {
    name: ['netif_rx', '__netif_rx', 'netif_rx_internal', 'netif_rx_any_context'],
    stage: 'core-rx',
    note: 'Queues the skb to a per-CPU backlog; callable from any context.',
    source: {
      file: 'net/core/dev.c',
      symbol: 'netif_rx_internal',
      holds: ['enqueue_to_backlog(skb'],
    },
  },
  {
    name: ['enqueue_to_backlog', 'get_rps_cpu', 'rps_*'],
    stage: 'core-rx',
    source: {
      file: 'net/core/dev.c',
      symbol: 'enqueue_to_backlog',
      holds: ['__skb_queue_tail(&sd->input_pkt_queue, skb)'],
    },
  },
  {
    name: [
      '__netif_receive_skb*',
      'netif_receive_skb*',
      'deliver_skb',
      'deliver_ptype_list_skb',
      'do_xdp_generic',
      'netif_receive_generic_xdp',
      'bpf_prog_run_generic_xdp',
    ],
    stage: 'core-rx',
    context: 'softirq',
    source: {
      file: 'net/core/dev.c',
      symbol: 'process_backlog',
      holds: ['__netif_receive_skb(skb)'],
    },
  },
  // Core transmit in net/core/dev.c and include/linux/netdevice.h.
  {
    name: [
      'dev_queue_xmit*',
      '__dev_queue_xmit',
      'dev_hard_start_xmit',
      'xmit_one',
      'netdev_start_xmit',
      '__netdev_start_xmit',
      'validate_xmit_skb*',
      'netdev_core_pick_tx',
      'netdev_pick_tx',
      'dev_queue_xmit_nit',
      '__dev_direct_xmit',
      'dev_direct_xmit',
    ],
    stage: 'core-tx',
    source: {
      file: 'net/core/dev.c',
      symbol: '__dev_queue_xmit',
      holds: ['dev_hard_start_xmit(skb, dev, txq, &rc)'],
    },
  },
  // Qdisc layer: enqueue and run queues; NET_TX_SOFTIRQ.
  {
    name: 'net_tx_action',
    stage: 'qdisc',
    context: 'softirq',
    note: 'NET_TX_SOFTIRQ handler.',
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_dev_init',
      holds: ['open_softirq(NET_TX_SOFTIRQ, net_tx_action)'],
    },
  },
  {
    name: [
      '__dev_xmit_skb',
      'dev_qdisc_enqueue',
      'qdisc_run*',
      '__qdisc_run',
      'qdisc_restart',
      'sch_direct_xmit',
      'dequeue_skb',
      '__netif_schedule',
      'netif_schedule_queue',
      'netif_tx_wake_queue',
      'netif_wake_subqueue',
    ],
    stage: 'qdisc',
    source: { file: 'net/core/dev.c', symbol: '__dev_xmit_skb', holds: ['__qdisc_run(q)'] },
  },
  {
    file: '{net/sched/**,include/net/pkt_sched.h,include/net/sch_generic.h,include/net/pkt_cls.h}',
    stage: 'qdisc',
    source: { file: 'net/sched/sch_generic.c', symbol: '__qdisc_run', holds: ['qdisc_restart(q'] },
  },
  // Routing: calls through skb_dst().
  {
    name: ['dst_input', 'dst_output'],
    stage: 'routing',
    source: { file: 'include/net/dst.h', symbol: 'dst_output', holds: ['skb_dst(skb)->output'] },
  },
  {
    file: '{include/net/dst.h,net/core/dst.c}',
    stage: 'routing',
    source: { file: 'include/net/dst.h', symbol: 'dst_input', holds: ['skb_dst(skb)->input'] },
  },
  // Socket wake-up: from the receive softirq, and in process context from release_sock()
  // (__release_sock runs the backlog with bottom halves enabled), so no fixed context.
  {
    name: ['sock_def_readable', 'sk_data_ready'],
    stage: 'socket',
    source: {
      file: 'net/core/sock.c',
      symbol: 'sock_def_readable',
      holds: ['wake_up_interruptible_sync_poll'],
    },
  },
  // TCP: the protocol handler runs in softirq; send/receive system calls in process context.
  {
    name: ['tcp_sendmsg*', 'tcp_recvmsg*', 'tcp_splice_read', 'tcp_sendpage*'],
    stage: 'tcp',
    context: 'process',
    source: { file: 'net/ipv4/tcp.c', symbol: 'tcp_sendmsg', holds: ['lock_sock(sk)'] },
  },
  {
    name: [
      'tcp_v4_rcv',
      'tcp_v6_rcv',
      'tcp_add_backlog',
      'tcp_v4_early_demux',
      'tcp_v6_early_demux',
    ],
    stage: 'tcp',
    context: 'softirq',
    source: {
      file: 'net/ipv4/ip_input.c',
      symbol: 'ip_protocol_deliver_rcu',
      holds: ['tcp_v4_rcv'],
    },
  },
  // Segment processing for a socket: from tcp_v4_rcv in softirq, or from release_sock() in
  // process context for segments that waited on the socket backlog.
  {
    name: [
      'tcp_v4_do_rcv',
      'tcp_v6_do_rcv',
      'tcp_rcv_established',
      'tcp_rcv_state_process',
      'tcp_data_queue*',
      'tcp_queue_rcv',
      'tcp_data_ready',
      'tcp_ack',
    ],
    stage: 'tcp',
    source: {
      file: 'net/core/sock.c',
      symbol: '__release_sock',
      holds: ['sk_backlog_rcv(sk, skb)'],
    },
  },
  {
    file: '{net/ipv4/tcp*.c,net/ipv6/tcp*.c,include/net/tcp.h,include/linux/tcp.h}',
    stage: 'tcp',
    source: {
      file: 'net/ipv4/tcp_output.c',
      symbol: 'tcp_write_xmit',
      holds: ['tcp_transmit_skb(sk, skb, 1, gfp)'],
    },
  },
  // UDP: same split.
  {
    name: [
      'udp_sendmsg',
      'udpv6_sendmsg',
      'udp_recvmsg',
      'udpv6_recvmsg',
      'udp_send_skb',
      'udp_v6_send_skb',
      'udp_push_pending_frames',
    ],
    stage: 'udp',
    context: 'process',
    source: { file: 'net/ipv4/udp.c', symbol: 'udp_sendmsg', holds: ['lock_sock(sk)'] },
  },
  {
    name: [
      'udp_rcv',
      'udpv6_rcv',
      '__udp4_lib_rcv',
      '__udp6_lib_rcv',
      'udp_unicast_rcv_skb',
      'udp_queue_rcv_skb',
      'udp_queue_rcv_one_skb',
      '__udp_queue_rcv_skb',
      '__udp_enqueue_schedule_skb',
      'udpv6_queue_rcv_skb',
      'udpv6_queue_rcv_one_skb',
      '__udpv6_queue_rcv_skb',
      'udp_v4_early_demux',
    ],
    stage: 'udp',
    context: 'softirq',
    source: { file: 'net/ipv4/ip_input.c', symbol: 'ip_protocol_deliver_rcu', holds: ['udp_rcv'] },
  },
  {
    file: '{net/ipv4/udp*.c,net/ipv6/udp*.c,include/net/udp.h,include/linux/udp.h}',
    stage: 'udp',
    source: { file: 'net/ipv4/udp.c', symbol: 'udp_rcv', holds: ['__udp4_lib_rcv('] },
  },
  // Neighbour layer (ARP, NDISC).
  {
    file: '{net/core/neighbour.c,include/net/neighbour.h,net/ipv4/arp.c,include/net/arp.h,net/ipv6/ndisc.c,include/net/ndisc.h}',
    stage: 'neigh',
    source: {
      file: 'net/core/neighbour.c',
      symbol: 'neigh_resolve_output',
      holds: ['dev_hard_header(skb'],
    },
  },
  // Forwarding: a received packet routed out again (dst_entry.input is the forward function),
  // in the receive softirq.
  {
    name: ['ip_forward', 'ip_forward_finish', 'ip6_forward', 'ip6_forward_finish'],
    stage: 'forward',
    context: 'softirq',
    source: {
      file: 'net/ipv4/route.c',
      symbol: '__mkroute_input',
      holds: ['rth->dst.input = ip_forward'],
    },
  },
  // IPv4 receive runs in softirq; output inherits its caller's context.
  {
    name: [
      'ip_rcv*',
      'ip_list_rcv*',
      'ip_sublist_rcv*',
      'ip_local_deliver*',
      'ip_protocol_deliver_rcu',
      'ip_route_input*',
      'ip_forward*',
      'ip_defrag',
    ],
    stage: 'ipv4',
    context: 'softirq',
    source: { file: 'net/core/dev.c', symbol: '__netif_receive_skb_one_core', holds: ['ip_rcv'] },
  },
  {
    file: '{net/ipv4/ip_*.c,net/ipv4/route.c,net/ipv4/fib*.c,net/ipv4/icmp.c,net/ipv4/igmp.c,net/ipv4/inetpeer.c,include/net/ip.h,include/net/route.h,include/net/ip_fib.h,include/linux/ip.h}',
    stage: 'ipv4',
    source: { file: 'net/ipv4/ip_output.c', symbol: 'ip_output', holds: ['NF_INET_POST_ROUTING'] },
  },
  // IPv6 receive runs in softirq.
  {
    name: [
      'ipv6_rcv',
      'ipv6_list_rcv',
      'ip6_rcv*',
      'ip6_sublist_rcv',
      'ip6_input*',
      'ip6_protocol_deliver_rcu',
      'ip6_route_input*',
      'ip6_forward*',
    ],
    stage: 'ipv6',
    context: 'softirq',
    source: { file: 'net/core/dev.c', symbol: '__netif_receive_skb_one_core', holds: ['ipv6_rcv'] },
  },
  {
    file: '{net/ipv6/**,include/net/ipv6.h,include/net/ip6_*.h,include/linux/ipv6.h}',
    stage: 'ipv6',
    source: {
      file: 'net/ipv6/ip6_output.c',
      symbol: 'ip6_output',
      holds: ['NF_INET_POST_ROUTING'],
    },
  },
  // Socket layer: system calls and generic socket code.
  {
    file: '{net/socket.c,net/compat.c}',
    stage: 'socket',
    context: 'process',
    source: {
      file: 'net/socket.c',
      symbol: '__sys_sendto',
      holds: ['move_addr_to_kernel(addr, addr_len, &address)'],
    },
  },
  {
    file: '{net/core/sock.c,net/core/datagram.c,net/core/stream.c,net/ipv4/af_inet.c,net/ipv6/af_inet6.c,include/net/sock.h,include/linux/net.h}',
    stage: 'socket',
    source: { file: 'net/core/sock.c', symbol: 'lock_sock_nested', holds: ['might_sleep()'] },
  },
  // Softirq machinery.
  {
    name: 'run_ksoftirqd',
    file: 'kernel/softirq.c',
    stage: 'softirq',
    context: 'process',
    note: 'ksoftirqd thread: runs softirqs that kept re-raising themselves.',
    source: { file: 'kernel/softirq.c', symbol: 'run_ksoftirqd', holds: ['handle_softirqs(true)'] },
  },
  {
    file: '{kernel/softirq.c,include/linux/interrupt.h,include/linux/bottom_half.h}',
    stage: 'softirq',
    source: { file: 'kernel/softirq.c', symbol: 'handle_softirqs', holds: ['h->action('] },
  },
  // sk_buff helpers.
  {
    file: '{net/core/skbuff.c,include/linux/skbuff.h,include/linux/skbuff_ref.h}',
    stage: 'skb',
    source: { file: 'net/core/skbuff.c', symbol: '__alloc_skb', holds: ['kmem_cache_alloc_node'] },
  },
  // Remaining networking core.
  {
    file: '{net/core/**,include/linux/netdevice.h,include/net/dev.h}',
    stage: 'core',
    source: {
      file: 'net/core/dev.c',
      symbol: 'register_netdevice',
      holds: ['netdev_register_kobject(dev)'],
    },
  },
];

// ---------------------------------------------------------------------------------------
// Function notes: one line per well-known function on the main paths.

export interface FunctionNote {
  name: string;
  /** Where Linux 6.12 defines it (relative to the kernel root). */
  file: string;
  note: string;
  /**
   * Text the definition of `name` in `file` must hold for the note to be true (a call it
   * makes, a test): the row's citation is that definition with these (sources.ts).
   */
  holds?: readonly string[];
  /** A citation elsewhere when the note's claim lives in another function (a helper it calls). */
  source?: Citation;
}

export const FUNCTION_NOTES: readonly FunctionNote[] = [
  // Interrupt to softirq.
  {
    name: 'napi_schedule',
    file: 'include/linux/netdevice.h',
    note: "Called by the driver's IRQ handler: claims the NAPI instance and queues it for polling.",
  },
  {
    name: 'napi_schedule_prep',
    file: 'net/core/dev.c',
    note: 'Atomically marks the NAPI instance scheduled; false if it already was or is being disabled.',
  },
  {
    name: '__napi_schedule',
    file: 'net/core/dev.c',
    note: 'Queues an already-claimed NAPI instance with interrupts disabled.',
  },
  {
    name: '____napi_schedule',
    file: 'net/core/dev.c',
    note: "Adds the NAPI instance to this CPU's poll list and raises NET_RX_SOFTIRQ, or wakes its kthread when threaded.",
    holds: ['NET_RX_SOFTIRQ'],
  },
  {
    name: 'raise_softirq_irqoff',
    file: 'kernel/softirq.c',
    note: 'Marks a softirq pending on this CPU, waking ksoftirqd if it cannot run soon.',
  },
  {
    name: 'handle_softirqs',
    file: 'kernel/softirq.c',
    note: 'Runs every pending softirq handler, restarting a few times before deferring to ksoftirqd.',
  },
  {
    name: 'run_ksoftirqd',
    file: 'kernel/softirq.c',
    note: 'Body of the per-CPU ksoftirqd thread: runs pending softirqs in a schedulable task.',
  },
  // NAPI polling.
  {
    name: 'net_rx_action',
    file: 'net/core/dev.c',
    note: 'NET_RX_SOFTIRQ handler: polls each queued NAPI instance until the packet budget or time limit is spent.',
    holds: ['NET_RX_SOFTIRQ'],
  },
  {
    name: 'napi_poll',
    file: 'net/core/dev.c',
    note: 'Polls one NAPI instance and puts it back on the list if it used its whole weight.',
  },
  {
    name: '__napi_poll',
    file: 'net/core/dev.c',
    note: "Calls the driver's poll() with the NAPI weight (usually 64); if the driver used it all, flushes GRO packets held since before this jiffy (on HZ >= 1000 kernels; all of them otherwise) and the pending receive list, and keeps the instance scheduled.",
    holds: ['n->poll(n, weight)', 'napi_gro_flush(n, HZ >= 1000)', 'gro_normal_list'],
  },
  {
    name: 'napi_threaded_poll',
    file: 'net/core/dev.c',
    note: 'Kernel-thread loop for threaded NAPI: polls with bottom halves disabled instead of in the softirq.',
  },
  {
    name: 'napi_complete_done',
    file: 'net/core/dev.c',
    note: 'Ends a poll that used less than its budget: flushes GRO (only older packets with gro_flush_timeout) and the receive list, clears the scheduled state and returns whether the driver may unmask its interrupt, which it never touches itself: false under busy polling, after a missed schedule, or while hard IRQs are deferred.',
    holds: [
      'NAPIF_STATE_IN_BUSY_POLL',
      'napi_gro_flush(n, !!timeout)',
      'gro_normal_list',
      'NAPIF_STATE_MISSED',
      'hrtimer_start',
    ],
  },
  {
    name: 'process_backlog',
    file: 'net/core/dev.c',
    note: 'Poll function of the per-CPU backlog NAPI: feeds skbs queued by netif_rx() or RPS to __netif_receive_skb().',
    holds: ['__netif_receive_skb'],
  },
  // GRO.
  {
    name: 'napi_gro_receive',
    file: 'net/core/gro.c',
    note: 'Driver entry to GRO: tries to merge the skb with a held packet of the same flow, else passes it on.',
  },
  {
    name: 'napi_gro_frags',
    file: 'net/core/gro.c',
    note: 'GRO entry for drivers that fill page fragments of napi->skb instead of building an skb.',
  },
  {
    name: 'dev_gro_receive',
    file: 'net/core/gro.c',
    note: 'Looks for a held packet of the same flow and runs the protocol gro_receive callbacks to merge, hold or pass the skb.',
    holds: ['gro_receive'],
  },
  {
    name: 'inet_gro_receive',
    file: 'net/ipv4/af_inet.c',
    note: 'IPv4 GRO step: checks the IP header matches the held flow, then calls the TCP/UDP callback.',
  },
  {
    name: 'tcp4_gro_receive',
    file: 'net/ipv4/tcp_offload.c',
    note: 'TCP/IPv4 GRO step: merges in-order segments of the same connection.',
  },
  {
    name: 'napi_gro_flush',
    file: 'net/core/gro.c',
    note: 'Completes held GRO packets and sends them up the stack: all of them, or with flush_old only those held since before this jiffy.',
    holds: ['__napi_gro_flush_chain'],
    source: {
      file: 'net/core/gro.c',
      symbol: '__napi_gro_flush_chain',
      holds: ['flush_old && NAPI_GRO_CB(skb)->age == jiffies', 'napi_gro_complete'],
    },
  },
  {
    name: 'gro_normal_one',
    file: 'include/net/gro.h',
    note: 'Adds an skb GRO let through to the NAPI receive list, counting its segments (a merged skb counts each), and delivers the list once the count reaches gro_normal_batch (8).',
    holds: ['napi->rx_count += segs', 'gro_normal_batch', 'gro_normal_list'],
  },
  {
    name: 'gro_normal_list',
    file: 'include/net/gro.h',
    note: "Hands the NAPI instance's batched skbs to the stack with netif_receive_skb_list_internal().",
    holds: ['netif_receive_skb_list_internal'],
  },
  // Link layer.
  {
    name: 'eth_type_trans',
    file: 'net/ethernet/eth.c',
    note: 'Marks the MAC header, pulls the 14-byte Ethernet header, sets skb->dev and pkt_type, and returns the EtherType.',
    holds: ['pkt_type'],
  },
  // Core receive.
  {
    name: 'netif_receive_skb',
    file: 'net/core/dev.c',
    note: 'Delivers one skb to the stack right away, bypassing GRO.',
  },
  {
    name: 'netif_receive_skb_internal',
    file: 'net/core/dev.c',
    note: "With RPS, may queue the skb to another CPU's backlog; otherwise runs __netif_receive_skb() here.",
    holds: ['__netif_receive_skb'],
  },
  {
    name: 'netif_receive_skb_list_internal',
    file: 'net/core/dev.c',
    note: 'List version: RPS steering for a batch, then __netif_receive_skb_list() for the skbs that stay on this CPU.',
    holds: ['__netif_receive_skb_list'],
  },
  {
    name: 'netif_rx',
    file: 'net/core/dev.c',
    note: "Queues an skb on a CPU's backlog for later processing; usable from any context.",
  },
  {
    name: 'enqueue_to_backlog',
    file: 'net/core/dev.c',
    note: "Appends the skb to a CPU's input queue and schedules its backlog NAPI, dropping above netdev_max_backlog.",
  },
  {
    name: 'get_rps_cpu',
    file: 'net/core/dev.c',
    note: "RPS/RFS: picks the CPU that should process this flow from the skb's hash.",
  },
  {
    name: '__netif_receive_skb',
    file: 'net/core/dev.c',
    note: 'Single-skb receive entry; handles pfmemalloc packets, then the core receive.',
  },
  {
    name: '__netif_receive_skb_one_core',
    file: 'net/core/dev.c',
    note: 'Runs the core receive and calls the chosen protocol handler, e.g. ip_rcv().',
    holds: ['ip_rcv'],
  },
  {
    name: '__netif_receive_skb_core',
    file: 'net/core/dev.c',
    note: 'Heart of receive: sets header offsets, runs generic XDP, feeds packet taps, tc and netfilter ingress, VLAN and rx_handler (bridge, bond), then picks the handler by skb->protocol.',
    holds: ['rx_handler'],
  },
  {
    name: '__netif_receive_skb_list_core',
    file: 'net/core/dev.c',
    note: 'List receive: runs the core on each skb and groups consecutive skbs going to the same protocol handler.',
  },
  {
    name: 'deliver_skb',
    file: 'net/core/dev.c',
    note: 'Hands the skb to one packet_type handler (a tap such as tcpdump, or a protocol), taking a reference.',
  },
  // IPv4 receive.
  {
    name: 'ip_rcv',
    file: 'net/ipv4/ip_input.c',
    note: 'IPv4 receive entry: validates the header, then runs NF_INET_PRE_ROUTING with ip_rcv_finish() as continuation.',
    holds: ['NF_INET_PRE_ROUTING', 'ip_rcv_finish'],
  },
  {
    name: 'ip_list_rcv',
    file: 'net/ipv4/ip_input.c',
    note: 'List version of ip_rcv(): validates each packet and runs PRE_ROUTING per sub-list.',
    holds: ['ip_rcv'],
  },
  {
    name: 'ip_rcv_core',
    file: 'net/ipv4/ip_input.c',
    note: 'Checks the IPv4 header (version, length, checksum), trims link padding and sets the transport header; data stays at the IP header.',
  },
  {
    name: 'ip_rcv_finish',
    file: 'net/ipv4/ip_input.c',
    note: 'After PRE_ROUTING: early demux and route lookup, then dst_input() to deliver or forward.',
    holds: ['dst_input'],
  },
  {
    name: 'ip_rcv_finish_core',
    file: 'net/ipv4/ip_input.c',
    note: 'Tries early socket demux, then looks up the input route if none is attached.',
  },
  {
    name: 'ip_route_input_noref',
    file: 'net/ipv4/route.c',
    note: 'Routes a received packet and attaches the result without a reference: local delivery, forwarding or error.',
  },
  {
    name: 'ip_local_deliver',
    file: 'net/ipv4/ip_input.c',
    note: 'For packets to this host: reassembles fragments, then runs NF_INET_LOCAL_IN.',
    holds: ['NF_INET_LOCAL_IN'],
  },
  {
    name: 'ip_local_deliver_finish',
    file: 'net/ipv4/ip_input.c',
    note: 'Pulls the IP header off the skb and hands it to the transport protocol.',
  },
  {
    name: 'ip_protocol_deliver_rcu',
    file: 'net/ipv4/ip_input.c',
    note: "Gives raw sockets a copy, then calls the protocol's handler (tcp_v4_rcv, udp_rcv) by IP protocol number.",
    holds: ['tcp_v4_rcv', 'udp_rcv'],
  },
  {
    name: 'ip_forward',
    file: 'net/ipv4/ip_forward.c',
    note: 'For packets routed through this host: checks TTL and MTU, then runs NF_INET_FORWARD.',
    holds: ['NF_INET_FORWARD'],
  },
  {
    name: 'ip_forward_finish',
    file: 'net/ipv4/ip_forward.c',
    note: "After the FORWARD hook: handles IP options, clears the receive time stamp and sends the packet on through the route's output (dst_output).",
    holds: ['ip_forward_options', 'dst_output'],
  },
  // TCP receive.
  {
    name: 'tcp_v4_rcv',
    file: 'net/ipv4/tcp_ipv4.c',
    note: 'TCP/IPv4 receive: checks the header, finds the socket, and processes the segment now or queues it to the socket backlog if a task owns the socket.',
  },
  {
    name: 'tcp_v4_do_rcv',
    file: 'net/ipv4/tcp_ipv4.c',
    note: 'Processes a segment for a socket: the established fast path or the state machine. Runs in softirq from tcp_v4_rcv() when no task owns the socket, and in process context from release_sock() for segments that waited on the socket backlog.',
    holds: ['tcp_rcv_established', 'tcp_rcv_state_process'],
    source: {
      file: 'net/core/sock.c',
      symbol: '__release_sock',
      holds: ['spin_unlock_bh', 'sk_backlog_rcv(sk, skb)'],
    },
  },
  {
    name: 'tcp_add_backlog',
    file: 'net/ipv4/tcp_ipv4.c',
    note: 'Queues a segment to the socket backlog while a task holds the socket lock.',
  },
  {
    name: 'tcp_rcv_established',
    file: 'net/ipv4/tcp_input.c',
    note: 'Receive for established connections: header prediction fast path, ACK processing, data queueing and reader wake-up.',
  },
  {
    name: 'tcp_rcv_state_process',
    file: 'net/ipv4/tcp_input.c',
    note: 'TCP state machine for every state except established (handshake, closing).',
  },
  {
    name: 'tcp_data_queue',
    file: 'net/ipv4/tcp_input.c',
    note: 'Pulls the TCP header and queues the data: in order to the receive queue, out of order to the OFO tree; wakes the reader.',
  },
  {
    name: 'tcp_queue_rcv',
    file: 'net/ipv4/tcp_input.c',
    note: 'Appends in-order data to sk_receive_queue (coalescing into the last skb when possible) and advances rcv_nxt.',
    holds: ['sk_receive_queue', 'rcv_nxt'],
  },
  {
    name: 'tcp_data_ready',
    file: 'net/ipv4/tcp_input.c',
    note: 'Signals the reader through sk->sk_data_ready when enough data is queued.',
    holds: ['sk_data_ready'],
  },
  {
    name: 'sock_def_readable',
    file: 'net/core/sock.c',
    note: 'Default sk_data_ready: wakes tasks waiting in recvmsg, poll or epoll on the socket. Called in softirq when a packet is queued, and in process context when release_sock() processes the socket backlog.',
    holds: ['wake_up_interruptible_sync_poll'],
  },
  // UDP receive.
  {
    name: 'udp_rcv',
    file: 'net/ipv4/udp.c',
    note: 'UDP/IPv4 protocol handler; calls __udp4_lib_rcv() with the UDP socket table.',
    holds: ['__udp4_lib_rcv'],
  },
  {
    name: '__udp4_lib_rcv',
    file: 'net/ipv4/udp.c',
    note: "Checks the length, sets up checksum state (udp4_csum_init), finds the socket (multicast: every match) or, with none, verifies the checksum and replies ICMP port unreachable; a queued datagram's checksum is usually verified later, by udp_recvmsg() while copying.",
    holds: [
      'udp4_csum_init',
      'udp_unicast_rcv_skb',
      '__udp4_lib_mcast_deliver',
      'udp_lib_checksum_complete',
      'ICMP_PORT_UNREACH',
    ],
  },
  {
    name: 'udp_unicast_rcv_skb',
    file: 'net/ipv4/udp.c',
    note: 'Delivers a unicast datagram to the one matching socket.',
  },
  {
    name: 'udp_queue_rcv_skb',
    file: 'net/ipv4/udp.c',
    note: 'Splits GRO-merged UDP packets if the socket needs it, then queues each one.',
  },
  {
    name: 'udp_queue_rcv_one_skb',
    file: 'net/ipv4/udp.c',
    note: 'Per-datagram checks (tunnel hand-off, socket filter), then pulls the UDP header and enqueues.',
  },
  {
    name: '__udp_queue_rcv_skb',
    file: 'net/ipv4/udp.c',
    note: 'Enqueues to the socket and counts drops when the receive buffer is full.',
  },
  {
    name: '__udp_enqueue_schedule_skb',
    file: 'net/ipv4/udp.c',
    note: "Charges the skb to the socket's receive memory, adds it to sk_receive_queue and calls sk_data_ready.",
    holds: ['sk_receive_queue', 'sk_data_ready'],
  },
  // Socket layer (send).
  {
    name: '__sys_sendto',
    file: 'net/socket.c',
    note: 'sendto()/send() system call body: builds a msghdr and calls the socket send path.',
  },
  {
    name: 'sock_sendmsg',
    file: 'net/socket.c',
    note: "Generic socket send: security check, then the protocol family's sendmsg (inet_sendmsg).",
  },
  {
    name: 'inet_sendmsg',
    file: 'net/ipv4/af_inet.c',
    note: "IPv4 socket send (IPv6 sockets use inet6_sendmsg()): autobinds if needed and calls the protocol's sendmsg (tcp_sendmsg, udp_sendmsg).",
    holds: ['inet_send_prepare', 'sk->sk_prot->sendmsg', 'tcp_sendmsg', 'udp_sendmsg'],
  },
  // TCP transmit.
  {
    name: 'tcp_sendmsg',
    file: 'net/ipv4/tcp.c',
    note: 'Locks the socket and runs tcp_sendmsg_locked().',
    holds: ['tcp_sendmsg_locked'],
  },
  {
    name: 'tcp_sendmsg_locked',
    file: 'net/ipv4/tcp.c',
    note: 'Copies user data into skbs at the tail of the write queue, then pushes what can be sent.',
  },
  {
    name: 'tcp_push',
    file: 'net/ipv4/tcp.c',
    note: 'Applies PSH/MSG_MORE and autocork rules, then asks TCP to transmit pending data.',
    holds: ['MSG_MORE'],
  },
  {
    name: '__tcp_push_pending_frames',
    file: 'net/ipv4/tcp_output.c',
    note: 'Transmits queued segments with the Nagle setting in force.',
  },
  {
    name: 'tcp_write_xmit',
    file: 'net/ipv4/tcp_output.c',
    note: 'Sends as many queued skbs as congestion window, receive window, pacing and TSQ allow. Runs in process context from sendmsg, and in softirq when an incoming ACK opens the window (tcp_data_snd_check()) or a timer fires.',
    holds: ['tcp_cwnd_test', 'tcp_snd_wnd_test', 'tcp_transmit_skb'],
  },
  {
    name: '__tcp_transmit_skb',
    file: 'net/ipv4/tcp_output.c',
    note: "Clones the skb (the original stays for retransmission), pushes the TCP header and calls the address family's queue_xmit (ip_queue_xmit).",
    holds: ['queue_xmit', 'ip_queue_xmit'],
  },
  // IPv4 transmit.
  {
    name: 'ip_queue_xmit',
    file: 'net/ipv4/ip_output.c',
    note: 'TCP/IPv4 transmit entry: wraps __ip_queue_xmit() with the socket TOS.',
    holds: ['__ip_queue_xmit'],
  },
  {
    name: '__ip_queue_xmit',
    file: 'net/ipv4/ip_output.c',
    note: "Uses the socket's cached route or looks one up, pushes and fills the IP header, then ip_local_out().",
    holds: ['ip_local_out'],
  },
  {
    name: 'ip_local_out',
    file: 'net/ipv4/ip_output.c',
    note: 'Runs __ip_local_out() and, if netfilter accepted the packet, dst_output().',
    holds: ['__ip_local_out', 'dst_output'],
  },
  {
    name: '__ip_local_out',
    file: 'net/ipv4/ip_output.c',
    note: 'Sets the IP total length and header checksum, then runs NF_INET_LOCAL_OUT.',
    holds: ['NF_INET_LOCAL_OUT'],
  },
  {
    name: 'ip_send_skb',
    file: 'net/ipv4/ip_output.c',
    note: 'Sends a fully built datagram through ip_local_out() and counts errors.',
    holds: ['ip_local_out'],
  },
  {
    name: 'ip_make_skb',
    file: 'net/ipv4/ip_output.c',
    note: 'Builds a complete datagram skb (data and IP header) in one go, without using the socket cork queue.',
  },
  {
    name: 'dst_output',
    file: 'include/net/dst.h',
    note: "Calls the route's output function: ip_output() for IPv4 unicast, ip6_output() for IPv6.",
    holds: ['ip_output', 'ip6_output'],
  },
  {
    name: 'dst_input',
    file: 'include/net/dst.h',
    note: "Calls the route's input function: ip_local_deliver() for this host, ip_forward() for forwarding.",
    holds: ['ip_local_deliver'],
  },
  {
    name: 'ip_output',
    file: 'net/ipv4/ip_output.c',
    note: 'Sets the output device and protocol, then runs NF_INET_POST_ROUTING with ip_finish_output() as continuation.',
    holds: ['NF_INET_POST_ROUTING', 'ip_finish_output'],
  },
  {
    name: 'ip_finish_output',
    file: 'net/ipv4/ip_output.c',
    note: 'Runs the cgroup BPF egress program, then __ip_finish_output().',
    holds: ['__ip_finish_output'],
  },
  {
    name: '__ip_finish_output',
    file: 'net/ipv4/ip_output.c',
    note: 'Fragments packets larger than the MTU (GSO packets are checked per segment), then ip_finish_output2().',
    holds: ['ip_finish_output2'],
  },
  {
    name: 'ip_finish_output2',
    file: 'net/ipv4/ip_output.c',
    note: 'Makes room for the link header, finds the next-hop neighbour and calls neigh_output().',
    holds: ['neigh_output'],
  },
  // UDP transmit.
  {
    name: 'udp_sendmsg',
    file: 'net/ipv4/udp.c',
    note: 'UDP send: resolves destination and route, then builds the datagram with ip_make_skb() or appends to a corked one.',
    holds: ['ip_make_skb'],
  },
  {
    name: 'udp_send_skb',
    file: 'net/ipv4/udp.c',
    note: 'Fills the UDP header and checksum (or sets up offload) and sends with ip_send_skb().',
    holds: ['ip_send_skb'],
  },
  // Neighbour.
  {
    name: 'neigh_output',
    file: 'include/net/neighbour.h',
    note: 'Uses the cached hardware header when the neighbour is reachable, otherwise its output method (resolution).',
  },
  {
    name: 'neigh_hh_output',
    file: 'include/net/neighbour.h',
    note: 'Copies the cached link-layer header in front of the packet and calls dev_queue_xmit().',
    holds: ['dev_queue_xmit'],
  },
  {
    name: 'neigh_resolve_output',
    file: 'net/core/neighbour.c',
    note: 'Starts or waits for ARP/NDISC resolution (queuing the packet), then builds the header and calls dev_queue_xmit().',
    holds: ['dev_queue_xmit'],
  },
  // Core transmit and qdisc.
  {
    name: 'dev_queue_xmit',
    file: 'include/linux/netdevice.h',
    note: 'Entry to device transmit: wraps __dev_queue_xmit().',
    holds: ['__dev_queue_xmit'],
  },
  {
    name: '__dev_queue_xmit',
    file: 'net/core/dev.c',
    note: "Disables bottom halves (rcu_read_lock_bh()) for the rest of the transmit, runs netfilter/tc egress, picks the TX queue and enqueues to its qdisc; queueless devices transmit directly. Everything below it, down to the driver's ndo_start_xmit, runs with bottom halves off and must not sleep.",
    holds: ['rcu_read_lock_bh', 'netdev_core_pick_tx', '__dev_xmit_skb', 'rcu_read_unlock_bh'],
  },
  {
    name: 'netdev_core_pick_tx',
    file: 'net/core/dev.c',
    note: 'Chooses the TX queue (driver ndo_select_queue, XPS or hash) and records it in skb->queue_mapping.',
    holds: ['ndo_select_queue', 'queue_mapping'],
  },
  {
    name: '__dev_xmit_skb',
    file: 'net/core/dev.c',
    note: 'Enqueues to the qdisc and runs it; an empty qdisc that allows bypass sends directly with sch_direct_xmit().',
    holds: ['sch_direct_xmit'],
  },
  {
    name: 'qdisc_run',
    file: 'include/net/pkt_sched.h',
    note: 'Runs the qdisc if no other CPU is already running it.',
  },
  {
    name: '__qdisc_run',
    file: 'net/sched/sch_generic.c',
    note: 'Dequeues and transmits while the qdisc yields packets; when its quota (dev_tx_weight, 64) runs out first, reschedules the rest into NET_TX_SOFTIRQ with __netif_schedule() (a lockless qdisc marks itself MISSED instead, and qdisc_run_end() reschedules it).',
    holds: [
      'net_hotdata.dev_tx_weight',
      'qdisc_restart',
      '__netif_schedule',
      '__QDISC_STATE_MISSED',
    ],
  },
  {
    name: 'qdisc_restart',
    file: 'net/sched/sch_generic.c',
    note: 'Dequeues one skb (or a bulk list) and sends it with sch_direct_xmit().',
    holds: ['sch_direct_xmit'],
  },
  {
    name: 'sch_direct_xmit',
    file: 'net/sched/sch_generic.c',
    note: 'Validates the skb (software GSO, checksum), takes the TX queue lock and calls dev_hard_start_xmit(); requeues if the driver is busy.',
    holds: ['dev_hard_start_xmit'],
  },
  {
    name: 'net_tx_action',
    file: 'net/core/dev.c',
    note: 'NET_TX_SOFTIRQ handler: frees skbs completed from IRQ context and reruns rescheduled qdiscs.',
  },
  {
    name: 'validate_xmit_skb',
    file: 'net/core/dev.c',
    note: 'Prepares an skb for the device: software GSO segmentation, checksum and VLAN insertion when the hardware cannot.',
  },
  {
    name: 'dev_hard_start_xmit',
    file: 'net/core/dev.c',
    note: 'Sends each skb of a list (e.g. GSO segments or a bulk dequeue) through xmit_one(), telling the driver more packets follow (xmit_more) for all but the last, and stops if the driver is busy.',
    holds: ['xmit_one(skb, dev, txq, next != NULL)'],
  },
  {
    name: 'xmit_one',
    file: 'net/core/dev.c',
    note: 'Gives packet taps (tcpdump) a copy, then calls netdev_start_xmit().',
    holds: ['netdev_start_xmit'],
  },
  {
    name: 'netdev_start_xmit',
    file: 'include/linux/netdevice.h',
    note: "Records whether more packets follow (netdev_xmit_more() for the driver), calls the driver's ndo_start_xmit and updates the queue's transmit timestamp on success.",
    holds: ['__netdev_start_xmit(ops, skb, dev, more)', 'txq_trans_update'],
    source: {
      file: 'include/linux/netdevice.h',
      symbol: '__netdev_start_xmit',
      holds: ['netdev_xmit_set_more(more)', 'ops->ndo_start_xmit(skb, dev)'],
    },
  },
  {
    name: '__netdev_start_xmit',
    file: 'include/linux/netdevice.h',
    note: 'Records whether more packets follow (what the driver reads with netdev_xmit_more()), then calls ops->ndo_start_xmit(skb, dev): the hand-off to the driver.',
    holds: ['netdev_xmit_set_more(more)', 'ops->ndo_start_xmit(skb, dev)'],
  },
  // IPv6.
  {
    name: 'ipv6_rcv',
    file: 'net/ipv6/ip6_input.c',
    note: 'IPv6 receive entry: validates the header, then runs NF_INET_PRE_ROUTING with ip6_rcv_finish().',
    holds: ['NF_INET_PRE_ROUTING', 'ip6_rcv_finish'],
  },
  {
    name: 'ip6_rcv_finish',
    file: 'net/ipv6/ip6_input.c',
    note: 'After PRE_ROUTING: early demux and route lookup, then dst_input().',
    holds: ['dst_input'],
  },
  {
    name: 'ip6_input',
    file: 'net/ipv6/ip6_input.c',
    note: 'For packets to this host: runs NF_INET_LOCAL_IN with ip6_input_finish().',
    holds: ['NF_INET_LOCAL_IN', 'ip6_input_finish'],
  },
  {
    name: 'ip6_input_finish',
    file: 'net/ipv6/ip6_input.c',
    note: 'Hands the packet to ip6_protocol_deliver_rcu() under RCU.',
    holds: ['ip6_protocol_deliver_rcu'],
  },
  {
    name: 'ip6_protocol_deliver_rcu',
    file: 'net/ipv6/ip6_input.c',
    note: 'Walks extension headers and calls the upper-layer handler (tcp_v6_rcv, udpv6_rcv).',
    holds: ['tcp_v6_rcv', 'udpv6_rcv'],
  },
  {
    name: 'tcp_v6_rcv',
    file: 'net/ipv6/tcp_ipv6.c',
    note: 'TCP/IPv6 receive, the IPv6 counterpart of tcp_v4_rcv().',
  },
  {
    name: 'udpv6_rcv',
    file: 'net/ipv6/udp.c',
    note: 'UDP/IPv6 protocol handler; calls __udp6_lib_rcv().',
    holds: ['__udp6_lib_rcv'],
  },
  {
    name: 'ip6_rcv_core',
    file: 'net/ipv6/ip6_input.c',
    note: 'Checks the IPv6 header (version, length, source address), makes sure it is in the linear data and trims padding past the payload length.',
    holds: ['pskb_may_pull(skb, sizeof(*hdr))', 'hdr->version != 6', 'pskb_trim_rcsum'],
  },
  {
    name: 'ip6_forward',
    file: 'net/ipv6/ip6_output.c',
    note: 'For packets routed through this host: checks the hop limit and the path MTU, may send a redirect, decrements the hop limit and runs NF_INET_FORWARD.',
    holds: ['hop_limit <= 1', 'ndisc_send_redirect', 'hdr->hop_limit--', 'NF_INET_FORWARD'],
  },
  {
    name: 'ip6_forward_finish',
    file: 'net/ipv6/ip6_output.c',
    note: "After the FORWARD hook: clears the receive time stamp and sends the packet on through the route's output (dst_output).",
    holds: ['skb_clear_tstamp', 'dst_output'],
  },
  {
    name: 'inet6_sendmsg',
    file: 'net/ipv6/af_inet6.c',
    note: "The IPv6 socket's sendmsg (proto_ops): calls the protocol's, tcp_sendmsg or udpv6_sendmsg.",
    holds: ['tcp_sendmsg', 'udpv6_sendmsg'],
  },
  {
    name: 'inet6_recvmsg',
    file: 'net/ipv6/af_inet6.c',
    note: "The IPv6 socket's recvmsg (proto_ops): calls the protocol's, tcp_recvmsg or udpv6_recvmsg.",
    holds: ['tcp_recvmsg', 'udpv6_recvmsg'],
  },
  {
    name: 'inet6_csk_xmit',
    file: 'net/ipv6/inet6_connection_sock.c',
    note: "TCP/IPv6's queue_xmit: finds the socket's route and sends the segment with ip6_xmit().",
    holds: ['ip6_xmit'],
  },
  {
    name: 'ip6_send_skb',
    file: 'net/ipv6/ip6_output.c',
    note: 'Sends a built IPv6 datagram with ip6_local_out() and counts a failure.',
    holds: ['ip6_local_out'],
  },
  {
    name: 'ip6_local_out',
    file: 'net/ipv6/output_core.c',
    note: "Sets the payload length and runs NF_INET_LOCAL_OUT (__ip6_local_out), then sends through the route's output (dst_output).",
    holds: ['__ip6_local_out', 'dst_output'],
  },
  {
    name: 'udpv6_sendmsg',
    file: 'net/ipv6/udp.c',
    note: 'UDP/IPv6 send: resolves the destination and route, builds the datagram from user memory and sends it (udp_v6_send_skb).',
    holds: ['udp_v6_send_skb'],
  },
  {
    name: 'udpv6_recvmsg',
    file: 'net/ipv6/udp.c',
    note: "UDP/IPv6 receive system call side: takes a datagram off the socket's queue, copies it to user memory and frees it.",
    holds: ['skb_consume_udp'],
  },
  {
    name: 'ip6_xmit',
    file: 'net/ipv6/ip6_output.c',
    note: 'TCP/IPv6 transmit: pushes the IPv6 header and runs NF_INET_LOCAL_OUT with dst_output().',
    holds: ['NF_INET_LOCAL_OUT', 'dst_output'],
  },
  {
    name: 'ip6_output',
    file: 'net/ipv6/ip6_output.c',
    note: 'Sets device and protocol, then runs NF_INET_POST_ROUTING with ip6_finish_output().',
    holds: ['NF_INET_POST_ROUTING', 'ip6_finish_output'],
  },
  {
    name: 'ip6_finish_output2',
    file: 'net/ipv6/ip6_output.c',
    note: 'Finds the next-hop neighbour and calls neigh_output().',
    holds: ['neigh_output'],
  },
  // Variants the presets draw: list receive, the netfilter wrappers, the *_irqoff
  // schedules, GRO's frag helpers and the qdisc reschedule.
  {
    name: 'napi_schedule_irqoff',
    file: 'include/linux/netdevice.h',
    note: 'Called by an IRQ handler with interrupts already off: claims the NAPI instance and queues it for polling.',
  },
  {
    name: '__napi_schedule_irqoff',
    file: 'net/core/dev.c',
    note: 'Queues a claimed NAPI instance without saving the interrupt state (interrupts are already off).',
  },
  {
    name: 'napi_skb_finish',
    file: 'net/core/gro.c',
    note: "Acts on GRO's verdict: a packet GRO did not hold goes on to the stack through gro_normal_one().",
    holds: ['gro_normal_one'],
  },
  {
    name: '__netif_receive_skb_list',
    file: 'net/core/dev.c',
    note: 'Splits a received list into runs with the same pfmemalloc setting and passes each to the list core.',
  },
  {
    name: '__netif_receive_skb_list_ptype',
    file: 'net/core/dev.c',
    note: 'Delivers a run of skbs to one protocol: its list handler (ip_list_rcv) if it has one, else one skb at a time.',
    holds: ['ip_list_rcv'],
  },
  {
    name: 'ip_sublist_rcv',
    file: 'net/ipv4/ip_input.c',
    note: 'Runs NF_INET_PRE_ROUTING over a list of IPv4 packets, then routes and delivers the survivors.',
    holds: ['NF_INET_PRE_ROUTING'],
  },
  {
    name: 'ip_list_rcv_finish',
    file: 'net/ipv4/ip_input.c',
    note: 'After PRE_ROUTING for a list: early demux and route lookup per packet, grouping packets with the same route.',
  },
  {
    name: 'ip_sublist_rcv_finish',
    file: 'net/ipv4/ip_input.c',
    note: 'Calls dst_input() for each packet of a group that shares a route.',
    holds: ['dst_input'],
  },
  {
    name: 'ipv6_list_rcv',
    file: 'net/ipv6/ip6_input.c',
    note: 'List version of ipv6_rcv(): validates each IPv6 header and runs PRE_ROUTING per sub-list.',
  },
  {
    name: 'ip6_sublist_rcv',
    file: 'net/ipv6/ip6_input.c',
    note: 'Runs NF_INET_PRE_ROUTING over a list of IPv6 packets, then routes and delivers the survivors.',
    holds: ['NF_INET_PRE_ROUTING'],
  },
  {
    name: 'ip6_list_rcv_finish',
    file: 'net/ipv6/ip6_input.c',
    note: 'After PRE_ROUTING for a list: early demux and route lookup per IPv6 packet, grouping packets with the same route.',
  },
  {
    name: 'ip6_sublist_rcv_finish',
    file: 'net/ipv6/ip6_input.c',
    note: 'Calls dst_input() for each IPv6 packet of a group that shares a route.',
    holds: ['dst_input'],
  },
  {
    name: 'NF_HOOK',
    file: 'include/linux/netfilter.h',
    note: 'Runs the netfilter hook on the packet and, if every rule accepts it, calls the continuation (okfn).',
  },
  {
    name: 'NF_HOOK_LIST',
    file: 'include/linux/netfilter.h',
    note: 'Runs the netfilter hook on each packet of a list and keeps the accepted ones for the caller.',
  },
  {
    name: 'NF_HOOK_COND',
    file: 'include/linux/netfilter.h',
    note: 'Runs the netfilter hook unless the condition says to skip it, then the continuation (okfn).',
  },
  {
    name: 'nf_hook',
    file: 'include/linux/netfilter.h',
    note: 'Looks up the hook functions registered for this family and hook point and runs them (nf_hook_slow) if there are any.',
    holds: ['nf_hook_slow'],
  },
  {
    name: 'nf_hook_slow',
    file: 'net/netfilter/core.c',
    note: 'Calls each registered hook function in priority order until one drops, steals or queues the packet.',
  },
  {
    name: 'nf_hook_slow_list',
    file: 'net/netfilter/core.c',
    note: 'nf_hook_slow() for each packet of a list, keeping the accepted ones.',
    holds: ['nf_hook_slow'],
  },
  {
    name: 'napi_schedule_rps',
    file: 'net/core/dev.c',
    note: 'Schedules the backlog NAPI of the CPU an skb was queued to: locally, or by an IPI to the remote CPU for RPS.',
  },
  {
    name: 'napi_frags_skb',
    file: 'net/core/gro.c',
    note: 'napi_gro_frags() helper: turns the page fragments the driver attached into an skb with the MAC header parsed.',
  },
  {
    name: 'napi_frags_finish',
    file: 'net/core/gro.c',
    note: "Acts on GRO's verdict for a fragment-built skb: deliver it, or recycle the NAPI skb if GRO merged it.",
  },
  {
    name: 'napi_reuse_skb',
    file: 'net/core/gro.c',
    note: 'Recycles the NAPI instance skb after GRO merged its data, saving an allocation for the next packet.',
  },
  {
    name: 'napi_complete',
    file: 'include/linux/netdevice.h',
    note: 'napi_complete_done() with no packet count: ends the poll and returns whether the driver may unmask its interrupt.',
    holds: ['napi_complete_done(n, 0)'],
  },
  {
    name: 'netif_receive_skb_list',
    file: 'net/core/dev.c',
    note: 'Receives a list of skbs built by the driver (no GRO): RPS steering, then the list core.',
  },
  {
    name: 'tcp_stream_alloc_skb',
    file: 'net/ipv4/tcp.c',
    note: 'Allocates a transmit skb for the write queue, reserving MAX_TCP_HEADER of headroom for the headers pushed later.',
    holds: ['MAX_TCP_HEADER'],
  },
  {
    name: 'tcp_transmit_skb',
    file: 'net/ipv4/tcp_output.c',
    note: 'Transmits one segment: __tcp_transmit_skb() with a clone, so the original stays queued for retransmission.',
    holds: ['__tcp_transmit_skb'],
  },
  {
    name: 'validate_xmit_skb_list',
    file: 'net/core/dev.c',
    note: 'Runs validate_xmit_skb() on each skb of a list before the driver sees it: software GSO, checksums, VLAN tags.',
    holds: ['validate_xmit_skb'],
  },
  {
    name: '__netif_schedule',
    file: 'net/core/dev.c',
    note: "Puts a qdisc with packets left on this CPU's output queue so the NET_TX softirq runs it again.",
  },
  {
    name: '__netif_reschedule',
    file: 'net/core/dev.c',
    note: "Adds the qdisc to the CPU's softnet output_queue and raises NET_TX_SOFTIRQ.",
    holds: ['output_queue', 'NET_TX_SOFTIRQ'],
  },
  // XDP: the program run in the driver's poll and the redirect machinery.
  {
    name: 'bpf_prog_run_xdp',
    file: 'include/net/xdp.h',
    note: "Runs the device's XDP program on the frame in the driver's RX buffer, before any skb exists, and returns its verdict (XDP_PASS, XDP_TX, XDP_REDIRECT, XDP_DROP, XDP_ABORTED); a bond's slave may turn XDP_TX into a redirect to another slave.",
    holds: ['__bpf_prog_run', 'xdp_master_redirect'],
  },
  {
    name: 'xdp_do_redirect',
    file: 'net/core/filter.c',
    note: 'XDP_REDIRECT: sends the frame where the program chose with bpf_redirect_map() or bpf_redirect(): an AF_XDP socket, or as an xdp_frame to a device map, a CPU map or a device.',
    holds: ['__xdp_do_redirect_xsk', '__xdp_do_redirect_frame'],
  },
  {
    name: '__xdp_do_redirect_frame',
    file: 'net/core/filter.c',
    note: "Queues the xdp_frame by the redirect's target: a device map entry, every entry of a broadcast, a CPU map entry or a device by index; nothing is sent before the poll's xdp_do_flush().",
    holds: ['dev_map_enqueue', 'dev_map_enqueue_multi', 'cpu_map_enqueue', 'dev_xdp_enqueue'],
  },
  {
    name: 'xdp_do_flush',
    file: 'net/core/filter.c',
    note: "Called by the driver at the end of its poll when it redirected frames: transmits what the device maps queued, wakes the CPU maps' threads and the AF_XDP sockets.",
    holds: ['__dev_flush', '__cpu_map_flush', '__xsk_map_flush'],
  },
  {
    name: 'bq_xmit_all',
    file: 'kernel/bpf/devmap.c',
    note: "Hands the frames queued for one device to its driver's ndo_xdp_xmit in one batch (after the map's own XDP program, if any); the frames the driver refuses are freed.",
    holds: ['ndo_xdp_xmit'],
  },
  // tc: tcx programs and clsact classifiers.
  {
    name: 'tcx_run',
    file: 'net/core/dev.c',
    note: "Runs the device's tcx BPF programs in order until one returns a verdict other than TCX_NEXT, with the MAC header pushed back for ingress.",
    holds: ['bpf_prog_run', 'tcx_action_code'],
  },
  {
    name: 'tc_run',
    file: 'net/core/dev.c',
    note: "Runs the clsact qdisc's filter chain (tcf_classify) when no tcx program decided; its TC_ACT_* result is the skb's fate.",
    holds: ['tcf_classify'],
  },
  {
    name: 'skb_do_redirect',
    file: 'net/core/filter.c',
    note: 'TC_ACT_REDIRECT from a BPF program: sends the skb to the device bpf_redirect() chose, out by dev_queue_xmit() or into its receive path, or through the neighbour layer with bpf_redirect_neigh().',
    holds: ['__bpf_redirect', '__bpf_redirect_neigh'],
  },
  // UDP tunnels.
  {
    name: 'udp_tunnel_xmit_skb',
    file: 'net/ipv4/udp_tunnel_core.c',
    note: "Pushes the outer UDP header in front of the tunnel's header and sends the packet as IPv4 through iptunnel_xmit().",
    holds: ['__skb_push', 'iptunnel_xmit'],
  },
  {
    name: 'iptunnel_xmit',
    file: 'net/ipv4/ip_tunnel_core.c',
    note: 'Pushes the outer IPv4 header, scrubs what belonged to the inner packet and sends it out as a locally generated packet (ip_local_out()).',
    holds: ['skb_push', 'ip_local_out'],
  },
  {
    name: 'gro_cells_receive',
    file: 'net/core/gro_cells.c',
    note: "A tunnel device's receive: queues the decapsulated skb to a per-CPU NAPI of the device (or netif_rx() when it cannot), so the inner packet goes through GRO and the stack again.",
    holds: ['napi_schedule', 'netif_rx'],
  },
  // The bridge.
  {
    name: 'br_handle_frame',
    file: 'net/bridge/br_input.c',
    note: "A bridge port's rx_handler: link-local frames go to the bridge itself, the others through the bridge's PRE_ROUTING hooks to br_handle_frame_finish(); it tells __netif_receive_skb_core() the frame is consumed.",
    holds: ['nf_hook_bridge_pre', 'RX_HANDLER_CONSUMED'],
  },
  {
    name: 'br_handle_frame_finish',
    file: 'net/bridge/br_input.c',
    note: 'Learns the source address into the forwarding database, looks the destination up in it, and forwards the frame to its port, floods it, or passes it up to the bridge device (or both).',
    holds: ['br_fdb_update', 'br_fdb_find_rcu', 'br_forward', 'br_flood', 'br_pass_frame_up'],
  },
  {
    name: 'br_forward',
    file: 'net/bridge/br_forward.c',
    note: 'Forwards a frame to the port the forwarding database chose, cloning it first when the bridge device receives it too.',
    holds: ['deliver_clone', '__br_forward'],
  },
  {
    name: 'br_dev_queue_push_xmit',
    file: 'net/bridge/br_forward.c',
    note: 'Puts the Ethernet header back in front of the frame and queues it on the outgoing port with dev_queue_xmit().',
    holds: ['skb_push', 'dev_queue_xmit'],
  },
  {
    name: 'br_pass_frame_up',
    file: 'net/bridge/br_input.c',
    note: "Local delivery: the frame is received again with the bridge device as its device, through the bridge's LOCAL_IN hooks and netif_receive_skb().",
    holds: ['br_netif_receive_skb'],
  },
  // AF_PACKET sockets.
  {
    name: 'packet_rcv',
    file: 'net/packet/af_packet.c',
    note: "An AF_PACKET socket's tap: a clone of every matching frame, received or sent, passes the socket's filter and is queued to it; the original goes on.",
    holds: ['run_filter', 'skb_clone'],
  },
  {
    name: 'tpacket_rcv',
    file: 'net/packet/af_packet.c',
    note: "An AF_PACKET socket with a memory-mapped ring: copies the matching frame into the ring's next free slot that user space reads.",
    holds: ['run_filter', 'skb_copy_bits'],
  },
  {
    name: 'packet_sendmsg',
    file: 'net/packet/af_packet.c',
    note: "AF_PACKET's sendmsg: user space gives the whole frame, link-layer header included, sent from the mapped TX ring (tpacket_snd) or the message (packet_snd).",
    holds: ['tpacket_snd', 'packet_snd'],
  },
  {
    name: 'packet_xmit',
    file: 'net/packet/af_packet.c',
    note: "Sends a packet socket's frame: through the device's qdisc with dev_queue_xmit(), or straight to the driver with dev_direct_xmit() when the socket asked to bypass it.",
    holds: ['dev_queue_xmit', 'dev_direct_xmit'],
  },
];

const NOTES_BY_NAME: ReadonlyMap<string, FunctionNote> = new Map(
  [...FUNCTION_NOTES, ...SOCKET_NOTES].map((n) => [n.name, n]),
);

/** Our one-line note on a well-known path function. */
export function functionNote(name: string): FunctionNote | undefined {
  return NOTES_BY_NAME.get(name);
}

// ---------------------------------------------------------------------------------------
// Matching.

/** Compiles a glob: `**` any characters, `*` any except `/`, `?` one character, `{a,b}` either. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] ?? '';
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface CompiledRule {
  rule: StageRule;
  file?: RegExp;
  /** The rule's name patterns as one alternation (each is anchored). */
  names?: RegExp;
}

const COMPILED: readonly CompiledRule[] = STAGE_RULES.map((rule) => {
  const c: CompiledRule = { rule };
  if (rule.file !== undefined) c.file = globToRegExp(rule.file);
  if (rule.name !== undefined) {
    const globs = typeof rule.name === 'string' ? [rule.name] : rule.name;
    c.names = new RegExp(globs.map((g) => `(?:${globToRegExp(g).source})`).join('|'));
  }
  return c;
});

/**
 * The rules that may match a function of each file, in rule order: a walk classifies tens
 * of thousands of functions from a few thousand files. Bounded, for a long-lived server.
 */
const RULES_BY_FILE = new Map<string, readonly CompiledRule[]>();
const RULES_BY_FILE_LIMIT = 100_000;

function rulesForFile(path: string): readonly CompiledRule[] {
  let rules = RULES_BY_FILE.get(path);
  if (!rules) {
    if (RULES_BY_FILE.size >= RULES_BY_FILE_LIMIT) RULES_BY_FILE.clear();
    rules = COMPILED.filter((c) => !c.file || c.file.test(path));
    RULES_BY_FILE.set(path, rules);
  }
  return rules;
}

/** Normalises a path to the kernel-relative form used by the rules. */
function normalisePath(file: string): string {
  return file.replace(/\\/g, '/').replace(/^\.\//, '');
}

/** How a check names a rule: `gso rule for *_gso_segment ...`, its name patterns (the first few) or its files. */
export function stageRuleLabel(rule: StageRule): string {
  const names =
    rule.name === undefined ? [] : typeof rule.name === 'string' ? [rule.name] : rule.name;
  const what =
    names.length > 0
      ? `${names.slice(0, 3).join(' ')}${names.length > 3 ? ` (+${names.length - 3})` : ''}`
      : (rule.file ?? '');
  return `${rule.stage} rule for ${what}`;
}

/** The first rule matching the function; exposed for tests and for explaining a result. */
export function matchStageRule(name: string, file: string): StageRule | undefined {
  return rulesForFile(normalisePath(file)).find((c) => !c.names || c.names.test(name))?.rule;
}

/**
 * Stage and default context of a core-stack function on a packet path, with our note if we
 * have one. `file` is relative to the kernel root. Undefined for code outside the core stack
 * (drivers, unrelated subsystems).
 */
export function classifyStage(
  name: string,
  file: string,
): { stage: Stage; context?: ExecContext; note?: string; source: Citation } | undefined {
  const rule = matchStageRule(name, file);
  if (!rule) return undefined;
  const out: { stage: Stage; context?: ExecContext; note?: string; source: Citation } = {
    stage: rule.stage,
    source: rule.source,
  };
  if (rule.context) out.context = rule.context;
  const note = NOTES_BY_NAME.get(name)?.note ?? rule.note;
  if (note) out.note = note;
  return out;
}
