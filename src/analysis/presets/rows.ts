// The packet-path presets as data: what a milestone and a side branch are (the rows of each
// route are in segments.ts and routes.ts), and how a driver's own functions are recognised.
// Adding a hop, a branch or a naming convention is one row; the code that walks them holds
// no function names.
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
  /**
   * The driver's own functions whose names match, reached from the parent within `hops`
   * calls through the driver's files: what a driver names in its own way and registers
   * nowhere the walk can read (an XDP run's transmit of XDP_TX, `ixgbe_xmit_xdp_ring`).
   */
  driverNames?: RegExp;
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

export { SYSCALL_STAGE } from '../knowledge/stages';
/** The lane of the reader's side of a receive, from the system call to the copy and the free. */
export const READER_STAGE = 'reader';

/** Told to the reader of a route with a `backlog` row. */
export const BACKLOG_REMARK =
  'no NAPI poll: the IRQ handler queues packets to the per-CPU backlog with netif_rx()';

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
  // Queues an error report (EMSGSIZE) to the sender's error queue, not the packet sent.
  'ip_local_error',
]);

/**
 * skb timeline: a function drawn under one branch of a choice that another branch reaches
 * within JOIN_HOPS calls runs on both (neigh_hh_output and neigh_resolve_output both reach
 * dev_queue_xmit): its operations come after the choice, on every branch.
 */
export const JOIN_HOPS = 4;

/** Default cap on nodes added by `--depth`. */
export const WIDEN_LIMIT = 120;

/**
 * Wake-ups drawn as edges (kind `wakes`), for the layout: the milestone whose function makes
 * a sleeping task runnable (the first of `from` found) and the milestone where that task
 * sleeps. They are not calls: the reader woken in wait_woken runs later, on its own stack,
 * but the diagram then places the reader's side after the wake-up rather than beside the
 * interrupt.
 */
export const WAKES: readonly { from: readonly string[]; to: string }[] = [
  { from: ['wake-task', 'wake-entry'], to: 'tcp-sleep' },
];
