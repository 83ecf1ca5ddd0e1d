// The life of an sk_buff as data: the calls that allocate one, copy user data into it, clone
// or copy it, reallocate its head, copy it out to user memory and free it. They move no
// header (skb-ops.ts has those), but a packet's journey is told by them too: on receive the
// driver builds the skb and the reader's copy to user memory is followed by its free; on
// transmit TCP allocates the skb in the sender's system call, sends a clone and keeps the
// original for retransmission, and the driver frees what the NIC has sent.
//
// One row per function. `params` are the parameter names as declared in Linux 6.12 and
// `lenArg` the 0-based index of the size argument among them; `file` is where 6.12 defines
// it (both pinned against the tree by test/integration/knowledge.test.ts). `effect` says
// what happens to the skb's reference counts and buffers; `LEN` stands for the size
// argument as written at the call site.

import { SKB_ALLOCATORS } from './skb-ops';

/** What a call does in the life of an skb. */
export type SkbLife =
  /** A new sk_buff (and its data buffer, or one the driver filled by DMA). */
  | 'alloc'
  /** User data copied into the skb (the sender's system call). */
  | 'copy-in'
  /** A second sk_buff sharing the same data: skb->cloned, dataref += 1. */
  | 'clone'
  /** A new sk_buff with its own copy of the head (and of the data for skb_copy). */
  | 'copy'
  /** The head reallocated: private and writable, with more room. */
  | 'expand'
  /** The packet's bytes copied to user memory (the reader's system call). */
  | 'copy-out'
  /** A reference dropped; the skb is freed with the last one. */
  | 'free';

export interface SkbLifeRow {
  name: string;
  life: SkbLife;
  /** Parameter names as declared, e.g. ['skb', 'gfp_mask']. */
  params: readonly string[];
  /** 0-based index in `params` of the size argument. */
  lenArg?: number;
  /** What happens to the skb, in a few words; `LEN` is the size argument. */
  effect: string;
  /** Where Linux 6.12 defines it, relative to the kernel root. */
  file: string;
  /**
   * A free that drops the packet (an error path, traced as a drop): not its normal end. The
   * skb timeline leaves drops out: every check on the path has one.
   */
  drop?: boolean;
}

/** How each allocator is declared in 6.12: its parameters and which is the size. */
const ALLOCATOR_PARAMS: Readonly<Record<string, { params: readonly string[]; lenArg?: number }>> = {
  alloc_skb: { params: ['size', 'priority'], lenArg: 0 },
  __alloc_skb: { params: ['size', 'gfp_mask', 'flags', 'node'], lenArg: 0 },
  alloc_skb_fclone: { params: ['size', 'priority'], lenArg: 0 },
  alloc_skb_with_frags: {
    params: ['header_len', 'data_len', 'order', 'errcode', 'gfp_mask'],
    lenArg: 0,
  },
  build_skb: { params: ['data', 'frag_size'] },
  build_skb_around: { params: ['skb', 'data', 'frag_size'] },
  napi_build_skb: { params: ['data', 'frag_size'] },
  slab_build_skb: { params: ['data'] },
  napi_alloc_skb: { params: ['napi', 'len'], lenArg: 1 },
  netdev_alloc_skb: { params: ['dev', 'length'], lenArg: 1 },
  __netdev_alloc_skb: { params: ['dev', 'len', 'gfp_mask'], lenArg: 1 },
  netdev_alloc_skb_ip_align: { params: ['dev', 'length'], lenArg: 1 },
  __netdev_alloc_skb_ip_align: { params: ['dev', 'length', 'gfp'], lenArg: 1 },
  dev_alloc_skb: { params: ['length'], lenArg: 0 },
};

/** Builders wrap a buffer the driver already holds; the others allocate one of LEN bytes. */
const BUILDERS: ReadonlySet<string> = new Set([
  'build_skb',
  'build_skb_around',
  'napi_build_skb',
  'slab_build_skb',
]);

const FREE =
  'users -= 1; with the last reference the skb is freed, and its data when dataref drops to 0';

export const SKB_LIFE: readonly SkbLifeRow[] = [
  ...SKB_ALLOCATORS.map((a): SkbLifeRow => {
    const decl = ALLOCATOR_PARAMS[a.name] ?? { params: [] };
    return {
      name: a.name,
      life: 'alloc',
      ...decl,
      effect: BUILDERS.has(a.name)
        ? 'a new sk_buff around a buffer the driver already filled (no copy): users = 1, dataref = 1'
        : 'a new sk_buff with a data buffer[ of LEN bytes]: users = 1, dataref = 1, len = 0',
      file: a.file,
    };
  }),
  {
    name: 'sock_alloc_send_pskb',
    life: 'alloc',
    params: ['sk', 'header_len', 'data_len', 'noblock', 'errcode', 'max_page_order'],
    lenArg: 1,
    effect:
      'a new sk_buff[ with a LEN-byte head] charged to the socket send buffer (waits for room unless non-blocking): users = 1',
    file: 'net/core/sock.c',
  },
  {
    name: 'sock_alloc_send_skb',
    life: 'alloc',
    params: ['sk', 'size', 'noblock', 'errcode'],
    lenArg: 1,
    effect: 'a new sk_buff[ of LEN bytes] charged to the socket send buffer: users = 1',
    file: 'include/net/sock.h',
  },
  {
    name: 'skb_copy_to_page_nocache',
    life: 'copy-in',
    params: ['sk', 'from', 'skb', 'page', 'off', 'copy'],
    lenArg: 5,
    effect:
      'copies[ LEN bytes of] user data into a page fragment of the skb: len and data_len grow by as much',
    file: 'include/net/sock.h',
  },
  {
    name: 'skb_add_data_nocache',
    life: 'copy-in',
    params: ['sk', 'skb', 'from', 'copy'],
    lenArg: 3,
    effect:
      'copies[ LEN bytes of] user data to the tail of the linear area: tail and len grow by as much',
    file: 'include/net/sock.h',
  },
  // UDP and raw IP sockets copy user data in through a getfrag callback, the generic one
  // unless the protocol has its own (UDP-Lite's checksums the data it copies).
  {
    name: 'ip_generic_getfrag',
    life: 'copy-in',
    params: ['from', 'to', 'offset', 'len', 'odd', 'skb'],
    lenArg: 3,
    effect:
      "copies[ LEN bytes of] the sender's user data into the skb (the linear area or a page fragment), adding their checksum to skb->csum when the device does not checksum",
    file: 'net/ipv4/ip_output.c',
  },
  {
    name: 'skb_clone',
    life: 'clone',
    params: ['skb', 'gfp_mask'],
    effect:
      'a second sk_buff sharing the data: skb->cloned = 1 on both, dataref += 1; headers must not be written without a private copy',
    file: 'net/core/skbuff.c',
  },
  {
    name: 'pskb_copy',
    life: 'copy',
    params: ['skb', 'gfp_mask'],
    effect:
      'a new sk_buff with a private copy of the linear head; page fragments are shared (dataref of the copy = 1)',
    file: 'include/linux/skbuff.h',
  },
  {
    name: '__pskb_copy_fclone',
    life: 'copy',
    params: ['skb', 'headroom', 'gfp_mask', 'fclone'],
    effect:
      'a new sk_buff with a private copy of the linear head; page fragments are shared (dataref of the copy = 1)',
    file: 'net/core/skbuff.c',
  },
  {
    name: 'skb_copy',
    life: 'copy',
    params: ['skb', 'gfp_mask'],
    effect: 'a new sk_buff with a private copy of the head and all the data',
    file: 'net/core/skbuff.c',
  },
  {
    name: 'pskb_expand_head',
    life: 'expand',
    params: ['skb', 'nhead', 'ntail', 'gfp_mask'],
    effect:
      'reallocates the head with more room (data moves, header offsets kept): private again, skb->cloned = 0',
    file: 'net/core/skbuff.c',
  },
  {
    name: 'skb_copy_datagram_msg',
    life: 'copy-out',
    params: ['from', 'offset', 'msg', 'size'],
    lenArg: 3,
    effect: "copies[ LEN bytes of] the packet to the reader's user memory (msg->msg_iter)",
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_copy_datagram_iter',
    life: 'copy-out',
    params: ['skb', 'offset', 'to', 'len'],
    lenArg: 3,
    effect: "copies[ LEN bytes of] the packet to the reader's user memory",
    file: 'net/core/datagram.c',
  },
  {
    name: 'skb_copy_and_csum_datagram_msg',
    life: 'copy-out',
    params: ['skb', 'hlen', 'msg'],
    effect: "copies the packet to the reader's user memory, checksumming it on the way",
    file: 'net/core/datagram.c',
  },
  ...(
    [
      ['kfree_skb', 'include/linux/skbuff.h', ['skb'], 'a drop: '],
      [
        'kfree_skb_reason',
        'include/linux/skbuff.h',
        ['skb', 'reason'],
        'a drop, with its reason: ',
      ],
      [
        'sk_skb_reason_drop',
        'net/core/skbuff.c',
        ['sk', 'skb', 'reason'],
        'a drop, with its reason: ',
      ],
      ['__kfree_skb', 'net/core/skbuff.c', ['skb'], 'no reference check: '],
      ['consume_skb', 'net/core/skbuff.c', ['skb'], 'after use, not a drop: '],
      [
        '__consume_stateless_skb',
        'net/core/skbuff.c',
        ['skb'],
        'after use, no socket state to release: ',
      ],
      [
        'napi_consume_skb',
        'net/core/skbuff.c',
        ['skb', 'budget'],
        'after use, in the NAPI poll (recycled per CPU): ',
      ],
      [
        'skb_attempt_defer_free',
        'net/core/skbuff.c',
        ['skb'],
        'after use, on the CPU that allocated it when it can: ',
      ],
      ['dev_kfree_skb_any', 'include/linux/netdevice.h', ['skb'], 'a drop, from any context: '],
      [
        'dev_consume_skb_any',
        'include/linux/netdevice.h',
        ['skb'],
        'after use, from any context: ',
      ],
      [
        'dev_kfree_skb_irq',
        'include/linux/netdevice.h',
        ['skb'],
        'a drop, deferred to NET_TX from a hard IRQ: ',
      ],
      [
        'dev_consume_skb_irq',
        'include/linux/netdevice.h',
        ['skb'],
        'after use, deferred to NET_TX from a hard IRQ: ',
      ],
      [
        'dev_kfree_skb_any_reason',
        'net/core/dev.c',
        ['skb', 'reason'],
        'a drop, with its reason, from any context: ',
      ],
      [
        'dev_kfree_skb_irq_reason',
        'net/core/dev.c',
        ['skb', 'reason'],
        'a drop, deferred to NET_TX from a hard IRQ: ',
      ],
    ] as const
  ).map(([name, file, params, how]): SkbLifeRow => ({
    name,
    life: 'free',
    params,
    effect: `${how}${FREE}`,
    file,
    ...(how.startsWith('a drop') ? { drop: true } : {}),
  })),
];

const BY_NAME: ReadonlyMap<string, SkbLifeRow> = new Map(SKB_LIFE.map((r) => [r.name, r]));

/** The row of a call in the life of an skb, if `name` is one. */
export function findSkbLife(name: string): SkbLifeRow | undefined {
  return BY_NAME.get(name.trim());
}

/**
 * What the call does to the skb: `LEN` is the size argument as written; a part in brackets
 * that names it is left out when the call site's arguments are not known.
 */
export function skbLifeEffect(row: SkbLifeRow, lenText: string | undefined): string {
  const len = lenText?.trim();
  return row.effect.replace(/\[([^\]]*)\]/g, (_, part: string) =>
    len ? part.replace(/\bLEN\b/g, () => len) : '',
  );
}
