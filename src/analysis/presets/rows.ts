// The packet-path presets as data: the milestones each path must pass, the side branches it
// shows collapsed, and how a driver's own functions are recognised. Adding a hop, a branch
// or a naming convention is one row; the code that walks them holds no function names.
//
// Terms: ingress is the receive path (wire -> socket), egress the transmit path. NAPI is the
// kernel's polling API: the hard IRQ only schedules a poll, which runs in the NET_RX softirq.
// GRO (generic receive offload) merges segments of a flow before the stack sees them. A qdisc
// is the queueing discipline on a transmit queue; NET_TX softirq drains qdiscs later.

import type { ExecContext, Stage } from '../graph-json';
import { SIDE_VARIANTS } from '../index/kernel-idioms';
import type { Citation, CitedRow } from '../knowledge';

/** Ingress is the receive path, egress the transmit path. */
export type Direction = 'ingress' | 'egress';

/** A function a driver provides, found from its code. */
export type DriverRole =
  'irq' | 'poll' | 'xmit' | 'rx-clean' | 'rx-handoff' | 'refill' | 'tx-clean' | 'tx-ring';

/** Struct fields whose bound functions give a driver's entry points (bindings table slots). */
export const ROLE_SLOTS: Readonly<Record<'irq' | 'poll' | 'xmit', readonly string[]>> = {
  irq: ['irqaction.handler', 'irqaction.thread_fn'],
  poll: ['napi_struct.poll'],
  xmit: ['net_device_ops.ndo_start_xmit'],
};

/**
 * Names of driver functions reached from the poll (or the xmit) that play a role. Matched on
 * the function name; only functions of the driver's own files qualify.
 */
export const ROLE_NAMES: Readonly<Record<'rx-clean' | 'refill' | 'tx-clean' | 'tx-ring', RegExp>> =
  {
    'rx-clean':
      /clean_rx|rx_clean|rx_irq|process_rx|rx_process|rx_poll|poll_rx|handle_rx|rx_handler|receive|_rx$|_rx_/,
    refill:
      /alloc\w*_rx|rx_\w*alloc|refill|alloc_(?:rx_)?(?:page|frag|skb|buffer)s?|fill_rx|rx_fill|post_rx|rx_post|replenish|rx_refill/,
    'tx-clean':
      /clean_?tx|tx_clean|tx_complete|complete_tx|tx_compl|tx_poll|poll_tx|free_tx|txq?_free|free_old_xmit|tx_done|txq?_reclaim|reclaim_tx|tx_int|xmit_done|tx_irq|txq?_napi_poll|(?:^|_)tx$/,
    'tx-ring':
      /(?:^|_)(?:tx_map|tx_queue|tx_desc|desc_tx|tx_ring|ring_tx|tx_submit|submit_tx|tx_fill|fill_tx|post_send|tx_post)(?:_|$)|doorbell|kick/,
  };

/**
 * What a TX completion calls, within TX_COMPLETION_HOPS calls through the driver's own
 * functions: having freed the skbs the NIC has sent, it tells the queue (BQL's completed
 * count, a wake of a stopped queue). An xmit frees an skb it cannot send too, but stops the
 * queue. Of the functions ROLE_NAMES calls `tx-clean`, those that tell the queue come first:
 * octeon_mgmt's poll reaches `octeon_mgmt_disable_tx_irq` before
 * `octeon_mgmt_clean_tx_buffers`, ns83820's `kick_tx` before `do_tx_done`.
 */
export const TX_COMPLETION_CALLS: ReadonlySet<string> = new Set([
  'netdev_tx_completed_queue',
  'netdev_completed_queue',
  'netif_wake_queue',
  'netif_tx_wake_queue',
  'netif_wake_subqueue',
  'netif_txq_completed_wake',
  'netif_subqueue_completed_wake',
  'netif_txq_maybe_wake',
  'netif_subqueue_maybe_wake',
]);
export const TX_COMPLETION_HOPS = 3;

/**
 * The calls that free an skb. With no function named like a TX completion, one the poll or
 * interrupt handler reaches is taken for it when it tells the queue itself and frees skbs
 * within TX_COMPLETION_HOPS (enic's enic_wq_service): waking the queue alone is what a
 * link-up does. The poll or handler itself needs only to tell the queue (drivers.ts).
 */
export const SKB_FREE_CALLS: ReadonlySet<string> = new Set([
  'napi_consume_skb',
  'dev_kfree_skb_any',
  'dev_kfree_skb_any_reason',
  'dev_kfree_skb_irq',
  'dev_kfree_skb_irq_reason',
  'dev_consume_skb_any',
  'dev_consume_skb_irq',
  'dev_kfree_skb',
  'consume_skb',
  'kfree_skb',
  'kfree_skb_reason',
]);

/**
 * The last resort for a driver whose interrupt handlers the resolver cannot see handed to
 * request_irq and kin (by name, a local, a parameter, a field of its own struct such as
 * ice's `vsi->irq_handler`, or a condition's branch): its functions bound to any field
 * whose names say they handle an interrupt (chain.ts irqCandidates). Never used beside a
 * handler seen: tasklets, work items and notifiers are named so too.
 */
export const IRQ_NAMES =
  /(?:^|_)(?:irq|intr|isr|interrupt|msix|msi|int)(?:_|$)|interrupt|_intr|_isr|clean_rings/;

/** How far from the poll (or xmit) role functions are looked for. */
export const ROLE_SEARCH_HOPS = 4;

/**
 * For a driver without an IRQ handler of its own (chain.ts transportIrq): how far its
 * functions may be from the NAPI schedule, and a bus's interrupt handler from them.
 * Hyper-V's vmbus_percpu_isr is three calls from netvsc_channel_cb; a longer way is a
 * guess through timers and callbacks far from the bus.
 */
export const TRANSPORT_HOPS = { schedule: 4, handler: 3 } as const;

/**
 * Functions a shortest path should only take when nothing else is as short, and never
 * drawn as helpers: the special-purpose variants of kernel-idioms.ts (zero-copy AF_XDP,
 * XDP and FCoE variants of the RX clean, PTP, trap and self-test queues), which the
 * default path does not run. The value is added to the cost of entering the function (a
 * call costs 1000, search.ts CALL_COST).
 */
export const DETOUR_COST = 1500;
export const DETOURS: readonly { name?: RegExp; file?: RegExp; cost: number }[] = SIDE_VARIANTS.map(
  (v) => ({ ...v, cost: DETOUR_COST }),
);
/**
 * One hop of a preset's main path. A row's path starts at its parent's function (`after`,
 * default the previous row) and ends at the nearest of `names` (or the driver's `role`
 * functions) within `hops` calls.
 */
export interface MilestoneRow {
  id: string;
  /** Parent milestone; absent on a root and then the previous row. */
  after?: string;
  /** A root of the path (no parent): it starts at its own functions. */
  root?: boolean;
  names?: readonly string[];
  role?: DriverRole;
  hops: number;
  /** What the reader calls it, for "no path to ..." explanations. */
  label: string;
  /** When not found, the path goes on from the parent instead of failing. */
  optional?: boolean;
  /** When the parent is missing, start afresh here (its own functions become a root). */
  restart?: boolean;
  /** The context of a root's functions. */
  context?: ExecContext;
  /** Part of what makes a driver's path complete. */
  required?: boolean;
  /** Show the function collapsed: `--expand` opens its callees. */
  collapse?: boolean;
  /**
   * A stand-in: walked only when the row with this id was not found, and when found it
   * makes up for it (the path is complete without that row). A stand-in root is dropped
   * when no row after it is found: the diagram would show it alone.
   */
  instead?: string;
  /**
   * The NAPI schedule: the driver's own functions on the way to it handle the interrupt;
   * a driver without an IRQ handler of its own is found a bus's by what reaches it; and a
   * driver without a NAPI poll that reaches it later than the backlog route's hand-off
   * takes the backlog route (build.ts milestonesFor).
   */
  schedulesNapi?: boolean;
  /**
   * Where the driver hands the skb to the stack: the driver's first own function on the
   * way cleans the RX ring, its last hands the skb over (the roles `rx-clean` and
   * `rx-handoff`).
   */
  handsToStack?: boolean;
  /**
   * The backlog's own NAPI poll (process_backlog): a route with it queues packets to the
   * per-CPU backlog, and the reader is told so (BACKLOG_REMARK).
   */
  backlog?: boolean;
  /**
   * The lane of the functions this row's path adds, over their own stage: a system call's
   * entry, where user space enters the kernel, is drawn in the user-space lane
   * (SYSCALL_STAGE) above the others; the reader's side of a receive in READER_STAGE.
   */
  lane?: Stage;
}

/** The lane of the functions where a system call enters the kernel, drawn above the others. */
export const SYSCALL_STAGE = 'syscall';
/** The lane of the reader's side of a receive, from the system call to the copy and the free. */
export const READER_STAGE = 'reader';

/** Told to the reader of a route with a `backlog` row. */
export const BACKLOG_REMARK =
  'no NAPI poll: the IRQ handler queues packets to the per-CPU backlog with netif_rx()';

/** The receive path, from the NIC interrupt to the socket wake-up. */
export const INGRESS: readonly MilestoneRow[] = [
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
  // GRO hands skbs over in lists, so the list variant is the one a NIC's packets take.
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
  { id: 'tcp', names: ['tcp_v4_rcv'], hops: 3, label: 'tcp_v4_rcv', required: true },
  { id: 'tcp-established', names: ['tcp_rcv_established'], hops: 4, label: 'tcp_rcv_established' },
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
  { id: 'udp', after: 'l4-deliver', names: ['udp_rcv'], hops: 3, label: 'udp_rcv', required: true },
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
  // The wake-up walks the socket's wait queue: each sleeper's entry has its own function
  // (a reader in recvmsg: woken_wake_function; an epoll instance: ep_poll_callback, a side
  // branch), which makes the sleeping task runnable. The scheduler switches to it later.
  {
    id: 'wait-queue',
    after: 'tcp-wake',
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
  // The reader: a system call that receives on the socket, in the process's context. It
  // sleeps on the wait queue until the wake-up above, then copies the data to user memory
  // and frees the skb. read() reaches sock_read_iter through the VFS, which the network
  // scope does not index.
  ...readerRows(),
];

/**
 * The reader's side of INGRESS: the receive system calls joined in sock_recvmsg, the
 * address family's and the protocol's recvmsg, the sleep, the copy to user memory and the
 * free, for TCP and UDP.
 */
function readerRows(): MilestoneRow[] {
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
  const rows: MilestoneRow[] = [
    ...entry('recvfrom', '__sys_recvfrom', 'sock-recv', 2),
    { id: 'inet-recv', names: ['inet_recvmsg'], hops: 3, label: 'inet_recvmsg' },
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
    { id: 'udp-recv', after: 'inet-recv', names: ['udp_recvmsg'], hops: 2, label: 'udp_recvmsg' },
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
    ...entry('recvmsg', '__sys_recvmsg', 'sock-recvmsg', 4),
    ...entry('read', 'sock_read_iter', 'sock-read', 2),
  ];
  // Everything after the system call's entry is the reader's side.
  return rows.map((r) => (r.lane ? r : { ...r, lane }));
}

/**
 * The receive path of a driver without NAPI: its IRQ handler builds the skb and queues it to
 * the per-CPU backlog with netif_rx(); the backlog's own NAPI instance (process_backlog)
 * then feeds it to the stack from the NET_RX softirq. From the core on, as INGRESS.
 */
export const INGRESS_LEGACY: readonly MilestoneRow[] = [
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
  ...INGRESS.slice(INGRESS.findIndex((r) => r.id === 'ipv4')),
];

/**
 * The transmit path, from the send system calls to the driver's descriptor ring. The
 * system calls join in __sock_sendmsg, which calls the address family's sendmsg
 * (proto_ops.sendmsg), which calls the protocol's (proto.sendmsg). write() reaches
 * sock_write_iter through the VFS, which the network scope does not index.
 */
export const EGRESS: readonly MilestoneRow[] = [
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
    names: ['sock_write_iter'],
    hops: 0,
    label: 'write() on a socket (sock_write_iter)',
    context: 'process',
    lane: SYSCALL_STAGE,
  },
  { id: 'sock-write', names: ['__sock_sendmsg'], hops: 2, label: '__sock_sendmsg', optional: true },
  {
    id: 'inet-send',
    after: 'sock-send',
    names: ['inet_sendmsg'],
    hops: 3,
    label: 'inet_sendmsg',
  },
  // Without the socket layer (a tree indexed without net/socket.c), the path starts at the
  // protocol's sendmsg.
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
  // UDP joins the IP output path.
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
  // TX completion runs in the NAPI poll, in the NET_RX softirq.
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

/**
 * A side branch: the first call off the main path towards `names` (or the driver's `role`
 * functions) becomes one collapsed node; `--expand` opens the rest and the `expand` chains.
 */
export interface BranchRow {
  id: string;
  label: string;
  names?: readonly string[];
  role?: DriverRole;
  /** Calls from the main path to the branch target. */
  hops: number;
  /** Main-path milestones the branch may leave from (their path segments); all when absent. */
  from?: readonly string[];
  /**
   * What `--expand` shows beyond the target: paths to these names, each from the target or
   * from where an earlier entry (`from`, its index) ended; else the target's callees.
   */
  expand?: readonly { names: readonly string[]; hops: number; from?: number }[];
  /** Draw the branch's path open (not collapsed). */
  open?: boolean;
}

export const INGRESS_BRANCHES: readonly BranchRow[] = [
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
  {
    id: 'gro',
    label: 'GRO merge',
    names: ['dev_gro_receive', 'napi_gro_complete', 'gro_receive_skb'],
    hops: 2,
    from: ['core-rx'],
    expand: [
      { names: ['tcp4_gro_receive'], hops: 4 },
      { names: ['udp4_gro_receive'], hops: 4 },
    ],
  },
  {
    id: 'rps',
    label: 'RPS / backlog',
    names: ['enqueue_to_backlog'],
    hops: 3,
    from: ['core-rx'],
    expand: [{ names: ['process_backlog'], hops: 7 }],
  },
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
  {
    id: 'netfilter',
    label: 'netfilter hook',
    names: ['nf_hook_slow', 'nf_hook_slow_list'],
    hops: 3,
    from: ['dst-input', 'l4-deliver'],
    expand: [{ names: ['nf_hook_entry_hookfn'], hops: 3 }],
  },
];

export const EGRESS_BRANCHES: readonly BranchRow[] = [
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
  {
    id: 'netfilter',
    label: 'netfilter hook',
    names: ['nf_hook_slow'],
    hops: 3,
    from: ['ip-local-out', 'ip-finish'],
    expand: [{ names: ['nf_hook_entry_hookfn'], hops: 3 }],
  },
  {
    id: 'gso',
    label: 'GSO / checksum',
    names: ['validate_xmit_skb_list', 'validate_xmit_skb'],
    hops: 2,
    from: ['qdisc-direct', 'hard-start', 'qdisc-restart'],
    expand: [{ names: ['__skb_gso_segment', 'skb_gso_segment'], hops: 4 }],
  },
];

/** Stages of the driver's own functions, by role (the core stack's come from knowledge/stages.ts). */
export const ROLE_STAGES: Readonly<Record<DriverRole, Stage>> = {
  irq: 'driver-irq',
  poll: 'driver-rx',
  'rx-clean': 'driver-rx',
  'rx-handoff': 'driver-rx',
  refill: 'driver-rx',
  'tx-clean': 'driver-tx',
  xmit: 'driver-tx',
  'tx-ring': 'driver-tx',
};

/**
 * Our one-line notes on the driver roles; `SITE` becomes where the driver registered it. The
 * xmit, TX ring and hand-off notes are rewritten from what the function's body does
 * (driver-work.ts) when the source is at hand; these are what is said without it.
 */
export const ROLE_NOTES: Readonly<Record<DriverRole, string>> = {
  irq: 'The NIC interrupt handler (hard IRQ), registered SITE: acknowledges the device and schedules NAPI instead of processing packets here.',
  poll: "The driver's NAPI poll, registered SITE: run from the NET_RX softirq with a budget, it receives up to that many packets (a NIC's also reclaims finished TX descriptors).",
  'rx-clean':
    'RX clean: walks the RX descriptor ring, turns each completed descriptor into an skb and hands it to the stack.',
  'rx-handoff':
    'Finishes the skb (protocol from eth_type_trans, checksum and VLAN results from the descriptor) and hands it to the stack.',
  refill:
    'RX ring refill: allocates fresh buffers, maps them for DMA and returns the descriptors to the NIC.',
  'tx-clean':
    'TX completion: frees the skbs of descriptors the NIC has sent, unmaps their DMA and wakes a stopped queue.',
  xmit: "The driver's ndo_start_xmit, registered SITE: hands the skb to the TX ring (what it does itself is read from its body when the source is at hand).",
  'tx-ring':
    "A step of the driver's TX ring work, found by its name; its body was not read, so what it does (descriptors, doorbell) is not said.",
};

/**
 * The place in the tree that backs each role note (knowledge/sources.ts): the kernel side of
 * the contract the driver's function plays its part in. `netpaths check-knowledge` and the
 * integration tests check them with the knowledge tables' rows.
 */
export const ROLE_CITATIONS: Readonly<Record<DriverRole, Citation>> = {
  irq: {
    file: 'net/core/dev.c',
    symbol: '____napi_schedule',
    holds: ['list_add_tail(&napi->poll_list', 'raise_softirq_irqoff(NET_RX_SOFTIRQ)'],
  },
  poll: { file: 'net/core/dev.c', symbol: '__napi_poll', holds: ['n->poll(n, weight)'] },
  'rx-clean': { file: 'net/core/gro.c', symbol: 'napi_gro_receive', holds: ['dev_gro_receive'] },
  'rx-handoff': {
    file: 'net/ethernet/eth.c',
    symbol: 'eth_type_trans',
    holds: ['skb->dev = dev', 'eth_skb_pull_mac'],
  },
  refill: {
    file: 'include/linux/dma-mapping.h',
    symbol: 'dma_map_single',
    holds: ['dma_map_single_attrs'],
  },
  'tx-clean': {
    file: 'include/linux/netdevice.h',
    symbol: 'netdev_tx_completed_queue',
    holds: ['dql_completed', 'netif_schedule_queue'],
  },
  xmit: {
    file: 'include/linux/netdevice.h',
    symbol: '__netdev_start_xmit',
    holds: ['ops->ndo_start_xmit(skb, dev)'],
  },
  'tx-ring': {
    file: 'include/linux/netdevice.h',
    symbol: '__netdev_tx_sent_queue',
    holds: ['netdev_tx_sent_queue', 'netif_tx_queue_stopped'],
  },
};

/** The role notes as rows of the knowledge check (knowledge/citations.ts). */
export function roleCitations(): CitedRow[] {
  return (Object.keys(ROLE_CITATIONS) as DriverRole[]).map((role) => ({
    table: 'role-notes',
    row: role,
    cite: ROLE_CITATIONS[role],
  }));
}

/** Notes for functions in a driver's files that have no role, by the stage they inherit. */
export const DRIVER_HELPER_NOTE = "A helper of the driver's SIDE.";

/** Functions on the path whose body only forwards to the next hop get this note when none is known. */
export const STAGE_FALLBACK_NOTE = 'A step of the STAGE stage: NOTE';

/**
 * Callees worth a node of their own even off the main path: skb operations with a stage of
 * their own (eth_type_trans strips the Ethernet header) and header helpers with skb
 * operations of their own (ip_rcv_core). Generic skb helpers stay timeline entries only.
 */
export const HELPER_STAGES_EXCLUDED: ReadonlySet<Stage> = new Set(['skb', 'core', 'softirq']);

/** Callees never drawn as helpers: they move the skb only on paths the presets do not show. */
export const HELPERS_EXCLUDED: ReadonlySet<string> = new Set([
  // TCP_REPAIR: queues data restored by checkpoint/restore, not sent data.
  'tcp_send_rcvq',
]);

/**
 * skb timeline: a function drawn under one branch of a choice that another branch reaches
 * within JOIN_HOPS calls runs on both (neigh_hh_output and neigh_resolve_output both reach
 * dev_queue_xmit): its operations come after the choice, on every branch.
 */
export const JOIN_HOPS = 4;

/** Default cap on nodes added by `--depth`. */
export const WIDEN_LIMIT = 120;
