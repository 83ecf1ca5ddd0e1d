// What a function's own calls say about the context its callees run in: the calls that
// disable bottom halves (softirqs) on this CPU and those that enable them again. A callee
// called after the first disable and before the last enable of its caller's body runs with
// bottom halves disabled (__dev_queue_xmit: rcu_read_lock_bh() first, then the qdisc and
// the driver's ndo_start_xmit, then rcu_read_unlock_bh() on every way out). The rule reads
// lines, not control flow: a body that enables and disables again in between counts as
// disabled throughout, which is what the transmit and socket-lock code does.

import type { Citation } from './sources';

/** Calls after which bottom halves are disabled on this CPU. */
export const BH_DISABLE_CALLS: ReadonlySet<string> = new Set([
  'local_bh_disable',
  'rcu_read_lock_bh',
  'spin_lock_bh',
  'read_lock_bh',
  'write_lock_bh',
  'spin_trylock_bh',
  'bh_lock_sock_nested',
]);

/** Calls that enable bottom halves again (and may run pending softirqs). */
export const BH_ENABLE_CALLS: ReadonlySet<string> = new Set([
  'local_bh_enable',
  'rcu_read_unlock_bh',
  'spin_unlock_bh',
  'read_unlock_bh',
  'write_unlock_bh',
]);

/** A call in a body: the callee's name and the 1-based line of the call. */
export interface BodyCall {
  name: string;
  line: number;
}

/** Where a body runs with bottom halves disabled: from the first disable to the last enable. */
export interface BhRegion {
  /** The call that disables them first. */
  disable: BodyCall;
  /** Line of the last call that enables them again; none: to the end of the body. */
  enableLine?: number;
}

/** The body's bottom-half-disabled region, from its calls; undefined when it never disables them. */
export function bhRegion(calls: readonly BodyCall[]): BhRegion | undefined {
  let disable: BodyCall | undefined;
  let enableLine: number | undefined;
  for (const c of calls) {
    if (BH_DISABLE_CALLS.has(c.name) && (!disable || c.line < disable.line)) disable = c;
    if (BH_ENABLE_CALLS.has(c.name) && (enableLine === undefined || c.line > enableLine))
      enableLine = c.line;
  }
  if (!disable) return undefined;
  const region: BhRegion = { disable };
  if (enableLine !== undefined && enableLine > disable.line) region.enableLine = enableLine;
  return region;
}

/** Whether a call at `line` runs inside the region. */
export function inBhRegion(region: BhRegion | undefined, line: number): boolean {
  return (
    region !== undefined &&
    line > region.disable.line &&
    (region.enableLine === undefined || line < region.enableLine)
  );
}

/**
 * The networking softirqs' handlers: code reached from one runs in that softirq, whatever
 * else calls it (TCP transmits from the receive softirq when an ACK opens the window:
 * tcp_rcv_established -> tcp_data_snd_check -> ... -> tcp_write_xmit). Each row cites the
 * `open_softirq` that registers the handler.
 */
export interface SoftirqEntry {
  /** The handler function. */
  name: string;
  /** How a reason names the softirq: `NET_RX softirq`. */
  label: string;
  /** The registration, with the text it must hold. */
  source: Citation;
}

export const SOFTIRQ_ENTRIES: readonly SoftirqEntry[] = [
  {
    name: 'net_rx_action',
    label: 'NET_RX softirq',
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_dev_init',
      holds: ['open_softirq(NET_RX_SOFTIRQ, net_rx_action)'],
    },
  },
  {
    name: 'net_tx_action',
    label: 'NET_TX softirq',
    source: {
      file: 'net/core/dev.c',
      symbol: 'net_dev_init',
      holds: ['open_softirq(NET_TX_SOFTIRQ, net_tx_action)'],
    },
  },
];
