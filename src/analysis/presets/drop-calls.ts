// Which calls drop the packet: kernel knowledge as a table, one row per function, pinned by
// test/fixtures/drops. A row says where the call names its reason (an argument that holds
// an `enum skb_drop_reason`), or which reason a call without one gives (plain kfree_skb()
// is SKB_DROP_REASON_NOT_SPECIFIED), or in which function the call drops on the caller's
// behalf (NF_HOOK frees the packet in nf_hook_slow() when a hook says NF_DROP).

export interface DropCall {
  /** The function or macro called. */
  name: string;
  /** 0-based argument that holds the drop reason. */
  reasonArg?: number;
  /** The reason of a call that names none, short form (`NOT_SPECIFIED`). */
  reason?: string;
  /** The function whose own drops happen when this is called (nf_hook_slow for NF_HOOK). */
  dropsIn?: string;
}

export const DROP_CALLS: readonly DropCall[] = [
  { name: 'kfree_skb_reason', reasonArg: 1 },
  { name: 'sk_skb_reason_drop', reasonArg: 2 },
  { name: 'kfree_skb_list_reason', reasonArg: 1 },
  { name: 'dev_kfree_skb_any_reason', reasonArg: 1 },
  { name: 'dev_kfree_skb_irq_reason', reasonArg: 1 },
  { name: '__napi_kfree_skb', reasonArg: 1 },
  { name: 'tcp_drop_reason', reasonArg: 2 },
  { name: 'kfree_skb', reason: 'NOT_SPECIFIED' },
  { name: 'kfree_skb_list', reason: 'NOT_SPECIFIED' },
  { name: 'dev_kfree_skb_any', reason: 'NOT_SPECIFIED' },
  { name: 'dev_kfree_skb_irq', reason: 'NOT_SPECIFIED' },
  { name: 'NF_HOOK', dropsIn: 'nf_hook_slow' },
  { name: 'NF_HOOK_COND', dropsIn: 'nf_hook_slow' },
  { name: 'NF_HOOK_LIST', dropsIn: 'nf_hook_slow' },
  { name: 'nf_hook', dropsIn: 'nf_hook_slow' },
  { name: 'nf_hook_slow_list', dropsIn: 'nf_hook_slow' },
  { name: 'nf_hook_slow', dropsIn: 'nf_hook_slow' },
];

/**
 * Reasons that are no drop: a call given one frees a packet that was used (SKB_CONSUMED,
 * which the kfree_skb tracepoint does not report) or has not been dropped yet.
 */
export const NOT_DROPS: ReadonlySet<string> = new Set(['CONSUMED', 'NOT_DROPPED_YET']);

/** The prefix of the enumerators of `enum skb_drop_reason`. */
export const REASON_PREFIX = 'SKB_DROP_REASON_';
