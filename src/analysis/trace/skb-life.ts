// The end of an skb's life, as tracers see it: the functions that drop a packet (and so
// end its path on a drop node), and the functions that run while an skb is being freed.
// pwru keys events by the skb's address, and the allocator hands a freed address to the
// next packet: an event on that address after a free, other than the free's own work,
// is another packet.

/**
 * Functions that drop a packet. `kfree_skb_reason` and `sk_skb_reason_drop` (6.11 and
 * later, which `kfree_skb_reason` calls) carry the reason; before 5.17 `kfree_skb` was the
 * drop and `consume_skb` the normal end.
 */
export const DROP_FUNCTIONS: ReadonlySet<string> = new Set([
  'kfree_skb_reason',
  'sk_skb_reason_drop',
  'kfree_skb',
  'kfree_skb_list_reason',
  '__kfree_skb_reason',
]);

/** Functions that free an skb's memory, called from a drop or a normal end. */
export const FREE_WORK: ReadonlySet<string> = new Set([
  'kfree_skb_reason',
  'sk_skb_reason_drop',
  'kfree_skb',
  '__kfree_skb',
  'kfree_skbmem',
  'consume_skb',
  'napi_consume_skb',
  'skb_release_head_state',
  'skb_release_data',
  'skb_release_all',
  'skb_free_head',
  'skb_attempt_defer_free',
  'kfree_skb_list_reason',
  'sock_wfree',
  'sock_rfree',
  'tcp_wfree',
  '__sock_wfree',
  'skb_orphan',
]);

export function isDropFunction(name: string): boolean {
  return DROP_FUNCTIONS.has(name);
}

/** Whether an event on a freed skb's address is a new packet, not the free's own work. */
export function startsNewLife(name: string): boolean {
  return !FREE_WORK.has(name);
}
