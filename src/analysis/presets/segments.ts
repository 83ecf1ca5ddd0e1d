// The shared segments the routes of the presets (routes.ts) are composed of: each is a run of
// milestone rows (rows.ts MilestoneRow) for one part of the stack, the driver's receive part,
// IPv4 or IPv6 receive, TCP, UDP, the reader, the socket send side, IP output, the device
// queue and the driver's transmit, the TX completion; and the side branches shown beside
// them. A route lists its segments in packet order; a row's parent is the row before it
// unless it names one (`after`), so a segment that starts a branch of the walk names the
// row it leaves from.
//
// The default route, tcp4, is the receive and transmit path the presets have always drawn:
// TCP and UDP over IPv4, with the reader of each.

import { READER_STAGE, SYSCALL_STAGE, type BranchRow, type MilestoneRow } from './rows';

/** The receive path of a NAPI driver, from the NIC interrupt to the core's protocol lookup. */
export const NAPI_RECEIVE: readonly MilestoneRow[] = [
  {
    id: 'irq',
    root: true,
    role: 'irq',
    hops: 0,
    label: 'an IRQ handler',
    context: 'hardirq',
    required: true,
  },
  {
    id: 'napi-schedule',
    names: ['____napi_schedule'],
    hops: 8,
    label: 'the NAPI schedule (____napi_schedule)',
    required: true,
    schedulesNapi: true,
  },
  {
    id: 'net-rx',
    names: ['net_rx_action'],
    hops: 3,
    label: 'the NET_RX softirq (net_rx_action)',
    restart: true,
    context: 'softirq',
    required: true,
  },
  { id: 'napi-poll', names: ['__napi_poll'], hops: 4, label: '__napi_poll', required: true },
  {
    id: 'poll',
    role: 'poll',
    hops: 2,
    label: "the driver's NAPI poll",
    restart: true,
    context: 'softirq',
    required: true,
  },
  {
    id: 'rx-deliver',
    names: [
      'napi_gro_receive',
      'gro_receive_skb',
      'napi_gro_frags',
      'napi_gro_receive_list',
      'netif_receive_skb',
      'netif_receive_skb_list',
      'netif_rx',
      '__netif_rx',
      'netif_rx_ni',
      'netif_receive_skb_core',
    ],
    hops: 8,
    label: 'netif_receive_skb/napi_gro_receive',
    required: true,
    handsToStack: true,
  },
  {
    id: 'core-rx',
    names: ['__netif_receive_skb_core', '__netif_receive_skb_list_core'],
    hops: 10,
    label: '__netif_receive_skb_core',
    required: true,
  },
  // The list path still runs every skb through __netif_receive_skb_core (taps, rx_handler
  // such as a bridge or bond, VLAN, the protocol lookup) before handing the list to the
  // protocol: a branch of its own, so the path goes on from core-rx.
  {
    id: 'core-classify',
    after: 'core-rx',
    names: ['__netif_receive_skb_core'],
    hops: 2,
    label: '__netif_receive_skb_core (taps, rx_handler, protocol lookup)',
    optional: true,
  },
];

/**
 * The receive path of a driver without NAPI: its IRQ handler builds the skb and queues it to
 * the per-CPU backlog with netif_rx(); the backlog's own NAPI instance (process_backlog)
 * then feeds it to the stack from the NET_RX softirq. From the core on, as NAPI_RECEIVE.
 */
export const BACKLOG_RECEIVE: readonly MilestoneRow[] = [
  {
    id: 'irq',
    root: true,
    role: 'irq',
    hops: 0,
    label: 'an IRQ handler',
    context: 'hardirq',
    required: true,
  },
  {
    id: 'rx-deliver',
    names: ['netif_rx', '__netif_rx', 'netif_rx_internal', 'netif_receive_skb'],
    hops: 6,
    label: 'netif_rx',
    required: true,
    handsToStack: true,
  },
  {
    id: 'backlog',
    names: ['enqueue_to_backlog'],
    hops: 4,
    label: 'the backlog queue (enqueue_to_backlog)',
    optional: true,
  },
  {
    id: 'napi-schedule',
    names: ['____napi_schedule'],
    hops: 4,
    label: 'the backlog NAPI schedule (____napi_schedule)',
    optional: true,
    schedulesNapi: true,
  },
  {
    id: 'net-rx',
    names: ['net_rx_action'],
    hops: 3,
    label: 'the NET_RX softirq (net_rx_action)',
    restart: true,
    context: 'softirq',
    required: true,
  },
  { id: 'napi-poll', names: ['__napi_poll'], hops: 4, label: '__napi_poll', required: true },
  {
    id: 'poll',
    names: ['process_backlog'],
    hops: 2,
    label: 'the backlog poll (process_backlog)',
    required: true,
    backlog: true,
  },
  {
    id: 'core-rx',
    names: ['__netif_receive_skb_core', '__netif_receive_skb_list_core'],
    hops: 6,
    label: '__netif_receive_skb_core',
    required: true,
  },
];

/**
 * IPv4 receive for this host, from the core: GRO hands skbs over in lists, so the list
 * variant is the one a NIC's packets take.
 */
export const IPV4_LOCAL_IN: readonly MilestoneRow[] = [
  {
    id: 'ipv4',
    after: 'core-rx',
    names: ['ip_list_rcv', 'ip_rcv'],
    hops: 5,
    label: 'ip_rcv/ip_list_rcv',
    required: true,
  },
  { id: 'dst-input', names: ['dst_input'], hops: 6, label: 'dst_input', required: true },
  {
    id: 'local-deliver',
    names: ['ip_local_deliver'],
    hops: 3,
    label: 'ip_local_deliver',
    required: true,
  },
  {
    id: 'l4-deliver',
    names: ['ip_protocol_deliver_rcu'],
    hops: 4,
    label: 'ip_protocol_deliver_rcu',
    required: true,
  },
];

/**
 * The receive of one packet by an IP version's entry, its PRE_ROUTING hook's continuation
 * (NF_HOOK's okfn) and the call through the route (dst_input: dst_entry.input), which
 * decides between local delivery and forwarding.
 */
function ipReceive(entry: string, finish: string): MilestoneRow[] {
  return [
    { id: 'ip-rcv', after: 'core-rx', names: [entry], hops: 5, label: entry, required: true },
    {
      id: 'rcv-finish',
      names: [finish],
      hops: 2,
      label: `${finish} (the PRE_ROUTING hook's continuation)`,
      required: true,
    },
    { id: 'dst-input', names: ['dst_input'], hops: 3, label: 'dst_input', required: true },
  ];
}

/** IPv6 receive for this host: ipv6_rcv, the route's input (ip6_input), the protocol's handler. */
export const IPV6_LOCAL_IN: readonly MilestoneRow[] = [
  ...ipReceive('ipv6_rcv', 'ip6_rcv_finish'),
  {
    id: 'local-deliver',
    names: ['ip6_input'],
    hops: 2,
    label: 'ip6_input (dst_entry.input)',
    required: true,
  },
  {
    id: 'l4-deliver',
    names: ['ip6_protocol_deliver_rcu'],
    hops: 3,
    label: 'ip6_protocol_deliver_rcu',
    required: true,
  },
];

/** TCP receive, from the protocol's handler (`tcp_v4_rcv`, `tcp_v6_rcv`) to the socket wake-up. */
export function tcpReceive(handler: string): MilestoneRow[] {
  return [
    { id: 'tcp', names: [handler], hops: 3, label: handler, required: true },
    {
      id: 'tcp-established',
      names: ['tcp_rcv_established'],
      hops: 4,
      label: 'tcp_rcv_established',
    },
    {
      id: 'tcp-queue',
      after: 'tcp-established',
      names: ['tcp_queue_rcv'],
      hops: 3,
      label: 'the TCP receive queue (tcp_queue_rcv)',
      optional: true,
    },
    {
      id: 'tcp-ready',
      after: 'tcp-established',
      names: ['tcp_data_ready'],
      hops: 3,
      label: 'tcp_data_ready',
      optional: true,
    },
    {
      id: 'tcp-wake',
      after: 'tcp-ready',
      names: ['sock_def_readable'],
      hops: 3,
      label: 'the socket wake-up (sock_def_readable)',
      required: true,
    },
  ];
}

/** UDP receive, from the protocol's handler (`udp_rcv`, `udpv6_rcv`) to the socket wake-up. */
export function udpReceive(handler: string): MilestoneRow[] {
  return [
    {
      id: 'udp',
      after: 'l4-deliver',
      names: [handler],
      hops: 3,
      label: handler,
      required: true,
    },
    {
      id: 'udp-queue',
      names: ['__udp_enqueue_schedule_skb'],
      hops: 8,
      label: 'the UDP receive queue (__udp_enqueue_schedule_skb)',
      optional: true,
    },
    {
      id: 'udp-wake',
      names: ['sock_def_readable'],
      hops: 3,
      label: 'the socket wake-up (sock_def_readable)',
      required: true,
    },
  ];
}

/**
 * The wake-up walks the socket's wait queue: each sleeper's entry has its own function (a
 * reader in recvmsg: woken_wake_function; an epoll instance: ep_poll_callback, a side
 * branch), which makes the sleeping task runnable. The scheduler switches to it later.
 * `after` is the row of the socket wake-up.
 */
export function wakeUp(after: string): MilestoneRow[] {
  return [
    {
      id: 'wait-queue',
      after,
      names: ['__wake_up_common'],
      hops: 5,
      label: 'the wait-queue wake-up (__wake_up_common)',
    },
    {
      id: 'wake-entry',
      names: ['woken_wake_function', 'receiver_wake_function', 'autoremove_wake_function'],
      hops: 2,
      label: "the sleeping reader's wake function (woken_wake_function)",
    },
    {
      id: 'wake-task',
      names: ['try_to_wake_up'],
      hops: 3,
      label: 'the reader made runnable (try_to_wake_up)',
    },
  ];
}

/** What the reader's side receives through: the address family's recvmsg, TCP's, UDP's. */
export interface ReaderOf {
  /** The address family's recvmsg (proto_ops.recvmsg): inet_recvmsg, inet6_recvmsg. */
  family: string;
  tcp?: boolean;
  /** UDP's recvmsg (proto.recvmsg): udp_recvmsg, udpv6_recvmsg. */
  udp?: string;
}

/**
 * The reader: a system call that receives on the socket, in the process's context. It
 * sleeps on the wait queue until the wake-up, then copies the data to user memory and frees
 * the skb. The receive system calls join in sock_recvmsg, which calls the address family's
 * and the protocol's recvmsg. read() (ksys_read) reaches sock_read_iter through the
 * VFS: the socket's file_operations.read_iter.
 */
export function readerRows(of: ReaderOf): MilestoneRow[] {
  const lane = READER_STAGE;
  const entry = (id: string, name: string, join: string, hops: number): MilestoneRow[] => [
    {
      id,
      root: true,
      names: [name],
      hops: 0,
      label: `the ${name} system call`,
      context: 'process',
      lane: SYSCALL_STAGE,
    },
    { id: join, names: ['sock_recvmsg'], hops, label: 'sock_recvmsg', optional: true, lane },
  ];
  const tcp: MilestoneRow[] = [
    { id: 'tcp-recv', names: ['tcp_recvmsg'], hops: 2, label: 'tcp_recvmsg' },
    {
      id: 'tcp-sleep',
      after: 'tcp-recv',
      names: ['wait_woken'],
      hops: 4,
      label: 'the reader sleeping on the wait queue (sk_wait_data)',
      optional: true,
    },
    {
      id: 'tcp-copy',
      after: 'tcp-recv',
      names: ['skb_copy_datagram_iter'],
      hops: 4,
      label: 'the copy to user memory (skb_copy_datagram_iter)',
    },
    {
      id: 'tcp-free',
      after: 'tcp-recv',
      names: ['tcp_eat_recv_skb'],
      hops: 3,
      label: 'the free of a read skb (tcp_eat_recv_skb)',
      optional: true,
    },
  ];
  const udp = (name: string): MilestoneRow[] => [
    { id: 'udp-recv', after: 'inet-recv', names: [name], hops: 2, label: name },
    {
      id: 'udp-copy',
      after: 'udp-recv',
      names: ['skb_copy_datagram_iter'],
      hops: 3,
      label: 'the copy to user memory (skb_copy_datagram_iter)',
    },
    {
      id: 'udp-free',
      after: 'udp-recv',
      names: ['skb_consume_udp'],
      hops: 2,
      label: 'the free of a read datagram (skb_consume_udp)',
      optional: true,
    },
  ];
  const rows: MilestoneRow[] = [
    ...entry('recvfrom', '__sys_recvfrom', 'sock-recv', 2),
    { id: 'inet-recv', names: [of.family], hops: 3, label: of.family },
    ...(of.tcp ? tcp : []),
    ...(of.udp !== undefined ? udp(of.udp) : []),
    ...entry('recvmsg', '__sys_recvmsg', 'sock-recvmsg', 4),
    ...entry('read', 'ksys_read', 'sock-read', 4),
  ];
  // Everything after the system call's entry is the reader's side.
  return rows.map((r) => (r.lane ? r : { ...r, lane }));
}

/**
 * A forwarded packet, from the route's input (dst_input: dst_entry.input) to the forward
 * function, its FORWARD hook's continuation (NF_HOOK's okfn), the route's output
 * (dst_output: dst_entry.output) and the neighbour output it ends in. `root` starts the
 * path at the forward function itself (egress: the way out of a forwarded packet).
 */
function forwarding(
  fns: { forward: string; finish: string; output: string; finishOutput: string },
  root: boolean,
): MilestoneRow[] {
  const forward: MilestoneRow = root
    ? {
        id: 'forward',
        root: true,
        names: [fns.forward],
        hops: 0,
        label: fns.forward,
        context: 'softirq',
        required: true,
      }
    : {
        id: 'forward',
        names: [fns.forward],
        hops: 2,
        label: `${fns.forward} (dst_entry.input)`,
        required: true,
      };
  return [
    forward,
    {
      id: 'forward-finish',
      names: [fns.finish],
      hops: 2,
      label: `${fns.finish} (the FORWARD hook's continuation)`,
      required: true,
    },
    {
      id: 'ip-output',
      names: [fns.output],
      hops: 3,
      label: `${fns.output} (dst_entry.output)`,
      required: true,
    },
    {
      id: 'ip-finish',
      names: [fns.finishOutput],
      hops: 4,
      label: fns.finishOutput,
      required: true,
    },
  ];
}

const FORWARD4 = {
  forward: 'ip_forward',
  finish: 'ip_forward_finish',
  output: 'ip_output',
  finishOutput: 'ip_finish_output2',
};
const FORWARD6 = {
  forward: 'ip6_forward',
  finish: 'ip6_forward_finish',
  output: 'ip6_output',
  finishOutput: 'ip6_finish_output2',
};

/** IPv4 receive of a packet routed elsewhere, to its neighbour output. */
export const IPV4_FORWARD_IN: readonly MilestoneRow[] = [
  ...ipReceive('ip_rcv', 'ip_rcv_finish'),
  ...forwarding(FORWARD4, false),
];
/** IPv6 receive of a packet routed elsewhere, to its neighbour output. */
export const IPV6_FORWARD_IN: readonly MilestoneRow[] = [
  ...ipReceive('ipv6_rcv', 'ip6_rcv_finish'),
  ...forwarding(FORWARD6, false),
];
/** The way out of a packet IPv4 forwards: from ip_forward to the neighbour output. */
export const IPV4_FORWARD_OUT: readonly MilestoneRow[] = forwarding(FORWARD4, true);
/** The way out of a packet IPv6 forwards: from ip6_forward to the neighbour output. */
export const IPV6_FORWARD_OUT: readonly MilestoneRow[] = forwarding(FORWARD6, true);

/**
 * The socket send side: the send system calls joined in __sock_sendmsg, which calls the
 * address family's sendmsg (proto_ops.sendmsg: inet_sendmsg, inet6_sendmsg), which calls
 * the protocol's (proto.sendmsg). write() (ksys_write) reaches sock_write_iter through
 * the VFS: the socket's file_operations.write_iter.
 */
export function socketSend(family: string): MilestoneRow[] {
  return [
    {
      id: 'sendto',
      root: true,
      names: ['__sys_sendto'],
      hops: 0,
      label: 'the __sys_sendto system call',
      context: 'process',
      lane: SYSCALL_STAGE,
    },
    { id: 'sock-send', names: ['__sock_sendmsg'], hops: 2, label: '__sock_sendmsg' },
    {
      id: 'sendmsg',
      root: true,
      names: ['__sys_sendmsg'],
      hops: 0,
      label: 'the __sys_sendmsg system call',
      context: 'process',
      lane: SYSCALL_STAGE,
    },
    {
      id: 'sock-sendmsg',
      names: ['__sock_sendmsg'],
      hops: 4,
      label: '__sock_sendmsg',
      optional: true,
    },
    {
      id: 'write',
      root: true,
      names: ['ksys_write'],
      hops: 0,
      label: 'the write() system call (ksys_write)',
      context: 'process',
      lane: SYSCALL_STAGE,
    },
    {
      id: 'sock-write',
      names: ['__sock_sendmsg'],
      hops: 4,
      label: '__sock_sendmsg',
      optional: true,
    },
    { id: 'inet-send', after: 'sock-send', names: [family], hops: 3, label: family },
  ];
}

/**
 * TCP's send side, to __tcp_transmit_skb. Without the socket layer (a tree indexed without
 * net/socket.c), the path starts at the protocol's sendmsg.
 */
export const TCP_SEND: readonly MilestoneRow[] = [
  {
    id: 'tcp-send',
    names: ['tcp_sendmsg'],
    hops: 2,
    label: 'tcp_sendmsg',
    restart: true,
    context: 'process',
    required: true,
  },
  {
    id: 'tcp-push',
    names: ['tcp_push', '__tcp_push_pending_frames', 'tcp_push_one'],
    hops: 4,
    label: 'tcp_push',
  },
  { id: 'tcp-write', names: ['tcp_write_xmit'], hops: 3, label: 'tcp_write_xmit' },
  {
    id: 'tcp-transmit',
    names: ['__tcp_transmit_skb'],
    hops: 4,
    label: '__tcp_transmit_skb',
    required: true,
  },
];

/** IPv4 output of a TCP segment: the queue_xmit of inet_connection_sock_af_ops, to ip_finish_output2. */
export const IPV4_TCP_OUT: readonly MilestoneRow[] = [
  { id: 'ip-queue', names: ['ip_queue_xmit'], hops: 2, label: 'ip_queue_xmit', required: true },
  { id: 'ip-local-out', names: ['ip_local_out'], hops: 4, label: 'ip_local_out', required: true },
  { id: 'ip-output', names: ['ip_output'], hops: 4, label: 'ip_output', required: true },
  {
    id: 'ip-finish',
    names: ['ip_finish_output2'],
    hops: 4,
    label: 'ip_finish_output2',
    required: true,
  },
];

/**
 * IPv6 output of a TCP segment: inet6_csk_xmit, then ip6_xmit, which runs the LOCAL_OUT hook
 * itself with dst_output as its continuation, to ip6_finish_output2.
 */
export const IPV6_TCP_OUT: readonly MilestoneRow[] = [
  { id: 'ip-queue', names: ['inet6_csk_xmit'], hops: 2, label: 'inet6_csk_xmit', required: true },
  { id: 'ip-local-out', names: ['ip6_xmit'], hops: 2, label: 'ip6_xmit', required: true },
  {
    id: 'ip-output',
    names: ['ip6_output'],
    hops: 4,
    label: 'ip6_output (dst_entry.output)',
    required: true,
  },
  {
    id: 'ip-finish',
    names: ['ip6_finish_output2'],
    hops: 4,
    label: 'ip6_finish_output2',
    required: true,
  },
];

// UDP builds its skb in the sender's system call: ip_make_skb's __ip_append_data allocates
// it (sock_alloc_send_skb, charged to the send buffer) and copies the user data in through
// the getfrag callback (ip_generic_getfrag) that udp_sendmsg hands it.
function udpMake(make: string, append: string): MilestoneRow[] {
  return [
    {
      id: 'udp-make',
      after: 'udp-send',
      names: [make],
      hops: 2,
      label: `the UDP skb built (${make})`,
      optional: true,
    },
    {
      id: 'udp-append',
      after: 'udp-make',
      names: [append],
      hops: 2,
      label: `the skb allocated and the user data copied in (${append})`,
      optional: true,
    },
  ];
}

/**
 * UDP's send side as a route of its own: the protocol's sendmsg (restarting there without
 * the socket layer), the send of the datagram and the IP output to the neighbour output.
 */
function udpSend(fns: {
  sendmsg: string;
  send: string;
  localOut: string;
  output: string;
  finishOutput: string;
  make: string;
  append: string;
}): MilestoneRow[] {
  return [
    {
      id: 'udp-send',
      after: 'inet-send',
      names: [fns.sendmsg],
      hops: 2,
      label: fns.sendmsg,
      restart: true,
      context: 'process',
      required: true,
    },
    ...udpMake(fns.make, fns.append),
    {
      id: 'udp-out',
      after: 'udp-send',
      names: [fns.send],
      hops: 4,
      label: fns.send,
      required: true,
    },
    { id: 'ip-local-out', names: [fns.localOut], hops: 2, label: fns.localOut, required: true },
    {
      id: 'ip-output',
      names: [fns.output],
      hops: 4,
      label: `${fns.output} (dst_entry.output)`,
      required: true,
    },
    {
      id: 'ip-finish',
      names: [fns.finishOutput],
      hops: 4,
      label: fns.finishOutput,
      required: true,
    },
  ];
}

export const UDP4_SEND: readonly MilestoneRow[] = udpSend({
  sendmsg: 'udp_sendmsg',
  send: 'ip_send_skb',
  localOut: 'ip_local_out',
  output: 'ip_output',
  finishOutput: 'ip_finish_output2',
  make: 'ip_make_skb',
  append: '__ip_append_data',
});
export const UDP6_SEND: readonly MilestoneRow[] = udpSend({
  sendmsg: 'udpv6_sendmsg',
  send: 'ip6_send_skb',
  localOut: 'ip6_local_out',
  output: 'ip6_output',
  finishOutput: 'ip6_finish_output2',
  make: 'ip6_make_skb',
  append: '__ip6_append_data',
});

/**
 * From the neighbour output to the driver's descriptor ring: the device queue, the qdisc,
 * dev_hard_start_xmit and the driver's ndo_start_xmit; the queued case after it.
 */
export const DEVICE_TRANSMIT: readonly MilestoneRow[] = [
  { id: 'neigh', names: ['neigh_output'], hops: 3, label: 'neigh_output', required: true },
  { id: 'neigh-hh', names: ['neigh_hh_output'], hops: 2, label: 'neigh_hh_output', optional: true },
  {
    id: 'dev-queue',
    names: ['__dev_queue_xmit'],
    hops: 4,
    label: '__dev_queue_xmit',
    required: true,
  },
  {
    id: 'qdisc',
    names: ['__dev_xmit_skb'],
    hops: 3,
    label: 'the qdisc (__dev_xmit_skb)',
    required: true,
  },
  {
    id: 'qdisc-direct',
    names: ['sch_direct_xmit'],
    hops: 3,
    label: 'sch_direct_xmit',
    required: true,
  },
  {
    id: 'hard-start',
    names: ['dev_hard_start_xmit'],
    hops: 3,
    label: 'dev_hard_start_xmit',
    required: true,
  },
  { id: 'xmit', role: 'xmit', hops: 5, label: "the driver's ndo_start_xmit", required: true },
  { id: 'tx-ring', role: 'tx-ring', hops: 4, label: 'the TX descriptor ring', optional: true },
  // The queued case: __dev_xmit_skb enqueues, __qdisc_run drains; NET_TX softirq resumes it.
  {
    id: 'qdisc-run',
    after: 'qdisc',
    names: ['__qdisc_run'],
    hops: 3,
    label: '__qdisc_run',
    optional: true,
  },
  {
    id: 'qdisc-restart',
    after: 'qdisc-run',
    names: ['sch_direct_xmit'],
    hops: 3,
    label: 'sch_direct_xmit',
    optional: true,
  },
  {
    id: 'net-tx',
    after: 'qdisc-run',
    names: ['net_tx_action'],
    hops: 4,
    label: 'the NET_TX softirq (net_tx_action)',
    optional: true,
  },
  {
    id: 'net-tx-run',
    after: 'net-tx',
    names: ['__qdisc_run'],
    hops: 3,
    label: '__qdisc_run',
    optional: true,
  },
];

/** UDP beside TCP on the default route: it joins the IP output path TCP drew. */
export const UDP4_BESIDE: readonly MilestoneRow[] = [
  {
    id: 'udp-send',
    after: 'inet-send',
    names: ['udp_sendmsg'],
    hops: 2,
    label: 'udp_sendmsg',
    restart: true,
    context: 'process',
  },
  {
    id: 'udp-out',
    names: ['ip_local_out', 'ip_send_skb'],
    hops: 6,
    label: 'ip_local_out',
    optional: true,
  },
  ...udpMake('ip_make_skb', '__ip_append_data'),
];

/** TX completion runs in the NAPI poll, in the NET_RX softirq. */
export const TX_COMPLETION: readonly MilestoneRow[] = [
  {
    id: 'tx-napi',
    root: true,
    names: ['__napi_poll'],
    hops: 0,
    label: '__napi_poll',
    context: 'softirq',
  },
  {
    id: 'tx-poll',
    role: 'poll',
    hops: 2,
    label: "the driver's NAPI poll",
    restart: true,
    context: 'softirq',
  },
  {
    id: 'tx-clean',
    role: 'tx-clean',
    hops: 4,
    label: 'TX completion',
    required: true,
    collapse: true,
  },
  // Without a NAPI poll that reclaims them, sent buffers are reclaimed in the interrupt
  // handler itself (8139too's rtl8139_tx_interrupt, amd8111e_tx), in hard-IRQ context.
  {
    id: 'tx-irq',
    root: true,
    role: 'irq',
    hops: 0,
    label: 'an IRQ handler',
    context: 'hardirq',
    instead: 'tx-clean',
  },
  {
    id: 'tx-clean-irq',
    role: 'tx-clean',
    hops: 4,
    label: 'TX completion',
    collapse: true,
    instead: 'tx-clean',
  },
];

/** The receive path of the default route (tcp4) after the driver's part, as always drawn. */
export const TCP4_RECEIVE: readonly MilestoneRow[] = [
  ...IPV4_LOCAL_IN,
  ...tcpReceive('tcp_v4_rcv'),
  ...udpReceive('udp_rcv'),
  ...wakeUp('tcp-wake'),
  ...readerRows({ family: 'inet_recvmsg', tcp: true, udp: 'udp_recvmsg' }),
];

/** The receive path of the default route, from the NIC interrupt to the reader. */
export const INGRESS: readonly MilestoneRow[] = [...NAPI_RECEIVE, ...TCP4_RECEIVE];

/** The default route's receive path of a driver without NAPI (BACKLOG_RECEIVE). */
export const INGRESS_LEGACY: readonly MilestoneRow[] = [...BACKLOG_RECEIVE, ...TCP4_RECEIVE];

/**
 * The transmit path of the default route, from the send system calls to the driver's
 * descriptor ring, and its TX completion.
 */
export const EGRESS: readonly MilestoneRow[] = [
  ...socketSend('inet_sendmsg'),
  ...TCP_SEND,
  ...IPV4_TCP_OUT,
  ...DEVICE_TRANSMIT,
  ...UDP4_BESIDE,
  ...TX_COMPLETION,
];

/** The side branches of the driver's receive part. */
export const DRIVER_RECEIVE_BRANCHES: readonly BranchRow[] = [
  {
    id: 'refill',
    label: 'RX ring refill',
    role: 'refill',
    hops: 3,
    from: ['poll', 'rx-deliver'],
    open: true,
  },
  {
    id: 'tx-clean',
    label: 'TX completion',
    role: 'tx-clean',
    hops: 3,
    from: ['poll', 'rx-deliver'],
  },
];

/** GRO's merge, opening onto the GRO receive of a route's protocols (`tcp4_gro_receive`). */
export function groBranch(protocols: readonly string[]): BranchRow {
  return {
    id: 'gro',
    label: 'GRO merge',
    names: ['dev_gro_receive', 'napi_gro_complete', 'gro_receive_skb'],
    hops: 2,
    from: ['core-rx'],
    expand: protocols.map((name) => ({ names: [name], hops: 4 })),
  };
}

export const RPS_BRANCH: BranchRow = {
  id: 'rps',
  label: 'RPS / backlog',
  names: ['enqueue_to_backlog'],
  hops: 3,
  from: ['core-rx'],
  expand: [{ names: ['process_backlog'], hops: 7 }],
};

/** The netfilter hook runner, left from the main path's milestones `from`. */
export function netfilterBranch(from: readonly string[], names: readonly string[]): BranchRow {
  return {
    id: 'netfilter',
    label: 'netfilter hook',
    names,
    hops: 3,
    from,
    expand: [{ names: ['nf_hook_entry_hookfn'], hops: 3 }],
  };
}

/**
 * An epoll instance's entry on the socket's wait queue: the wake-up calls its
 * ep_poll_callback (init_waitqueue_func_entry in fs/eventpoll.c), which queues the ready
 * file and wakes the task in epoll_wait.
 */
export const EPOLL_BRANCH: BranchRow = {
  id: 'epoll',
  label: 'epoll wake-up',
  names: ['ep_poll_callback'],
  hops: 2,
  from: ['wait-queue'],
};

export const INGRESS_BRANCHES: readonly BranchRow[] = [
  ...DRIVER_RECEIVE_BRANCHES,
  groBranch(['tcp4_gro_receive', 'udp4_gro_receive']),
  RPS_BRANCH,
  {
    id: 'ipv6',
    label: 'IPv6',
    names: ['ipv6_list_rcv', 'ipv6_rcv'],
    hops: 3,
    from: ['ipv4'],
    expand: [
      { names: ['ip6_protocol_deliver_rcu'], hops: 10 },
      { names: ['tcp_v6_rcv'], hops: 2, from: 0 },
      { names: ['udpv6_rcv'], hops: 2, from: 0 },
    ],
  },
  netfilterBranch(['dst-input', 'l4-deliver'], ['nf_hook_slow', 'nf_hook_slow_list']),
  EPOLL_BRANCH,
];

/** The side branches of the device queue and the driver's transmit. */
export const DEVICE_TRANSMIT_BRANCHES: readonly BranchRow[] = [
  // Drivers often split the ring work: e1000e maps in e1000_tx_map, writes the tail in e1000_tx_queue.
  {
    id: 'tx-doorbell',
    label: 'TX descriptors and doorbell',
    role: 'tx-ring',
    hops: 2,
    from: ['xmit', 'tx-ring'],
    open: true,
  },
  {
    id: 'neigh-resolve',
    label: 'neighbour resolution',
    names: ['neigh_resolve_output'],
    hops: 2,
    from: ['neigh-hh', 'dev-queue'],
    expand: [{ names: ['eth_header'], hops: 5 }],
  },
];

export const GSO_BRANCH: BranchRow = {
  id: 'gso',
  label: 'GSO / checksum',
  names: ['validate_xmit_skb_list', 'validate_xmit_skb'],
  hops: 2,
  from: ['qdisc-direct', 'hard-start', 'qdisc-restart'],
  expand: [{ names: ['__skb_gso_segment', 'skb_gso_segment'], hops: 4 }],
};

export const EGRESS_BRANCHES: readonly BranchRow[] = [
  ...DEVICE_TRANSMIT_BRANCHES,
  netfilterBranch(['ip-local-out', 'ip-finish'], ['nf_hook_slow']),
  GSO_BRANCH,
];
