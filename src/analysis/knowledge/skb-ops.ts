// The skb buffer operations that move data/tail/len or set header offsets, as data: which
// argument carries the length, and what the call does, so the path builder can print an skb
// timeline such as `skb_pull(skb, ETH_HLEN): data += ETH_HLEN, len -= ETH_HLEN`.
//
// One row per operation. `params` are the parameter names as declared in Linux 6.12 and
// `lenArg` the 0-based index of the length/offset argument among them (pinned against the
// real declarations by test/integration/knowledge.test.ts, which also checks `file` defines
// the name). `effect` maps a member to its new value, in order of execution; `LEN` stands
// for the length argument as written at the call site. Operations that only read the skb
// (skb_header_pointer) or change ownership (skb_orphan) are not buffer operations: no row.

import type { Citation } from './sources';

export type SkbOpField =
  | 'data'
  | 'tail'
  | 'len'
  | 'data_len'
  | 'mac_header'
  | 'network_header'
  | 'transport_header'
  | 'mac_len'
  | 'csum'
  /** NAPI_GRO_CB(skb)->data_offset: GRO's parse position; skb->data does not move. */
  | 'gro_offset';

/** What LEN means for this operation. */
export type SkbLenMeaning =
  /** Bytes added or removed. */
  | 'delta'
  /** The new total length (trim operations). */
  | 'new-length'
  /** An offset from skb->data (set-header operations). */
  | 'offset'
  /** Bytes that must be in the linear area (may-pull operations). */
  | 'linear-bytes'
  /** Headroom that must be available and writable. */
  | 'headroom';

export interface SkbOpRow {
  name: string;
  /** Parameter names as declared, e.g. ['skb', 'len']. */
  params: readonly string[];
  /** 0-based index in `params` of the length or offset argument. */
  lenArg?: number;
  /** The length the operation always uses when it takes none, e.g. `ETH_HLEN`. */
  fixedLen?: string;
  lenMeaning?: SkbLenMeaning;
  /** New value of each member, in execution order; `LEN` is the length argument. */
  effect: Readonly<Partial<Record<SkbOpField, string>>>;
  /** What it is for, in a few words (printed after the effect). */
  summary: string;
  /** What a caller must know beyond the summary (explain and the hovers show it). */
  caveat?: string;
  /** Where Linux 6.12 defines it, relative to the kernel root. */
  file: string;
  /**
   * What backs the summary when the definition of `name` in `file` alone does not: the
   * function that does the work and the text it must hold (sources.ts). Absent: the
   * definition of `name` in `file` is the citation.
   */
  source?: Citation;
}

export const SKB_OPS: readonly SkbOpRow[] = [
  // Remove bytes from the front (receive: consume a header).
  {
    name: 'skb_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary:
      'strips a header from the front; NULL only if LEN exceeds skb->len, so the bytes must already be linear',
    caveat:
      'skb_pull() compares the length with skb->len only: when the bytes are not all in the linear part (skb_headlen()), __skb_pull() hits BUG(), so receive code calls pskb_may_pull() first.',
    file: 'net/core/skbuff.c',
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'skb_pull_inline',
      holds: ['len > skb->len', '__skb_pull'],
    },
  },
  {
    name: '__skb_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary:
      'strips a header from the front without checking skb->len (BUG if it reaches paged data)',
    caveat:
      'It only checks that the pull does not reach into paged data (skb->len would fall below data_len), and then calls BUG().',
    file: 'include/linux/skbuff.h',
    source: {
      file: 'include/linux/skbuff.h',
      symbol: '__skb_pull',
      holds: ['skb->len < skb->data_len', 'BUG()'],
    },
  },
  {
    name: 'skb_pull_inline',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary:
      'the inline skb_pull: strips a header from the front, NULL only if LEN exceeds skb->len',
    file: 'include/linux/skbuff.h',
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'skb_pull_inline',
      holds: ['len > skb->len'],
    },
  },
  {
    name: 'skb_pull_data',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary:
      'strips a header from the front and returns a pointer to the removed bytes (NULL if the packet is shorter)',
    file: 'net/core/skbuff.c',
    source: {
      file: 'net/core/skbuff.c',
      symbol: 'skb_pull_data',
      holds: ['skb->len < len', 'skb_pull'],
    },
  },
  {
    name: 'pskb_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary:
      'makes LEN bytes linear (may reallocate the head), then strips them from the front; NULL if it cannot',
    file: 'include/linux/skbuff.h',
    source: { file: 'include/linux/skbuff.h', symbol: 'pskb_pull', holds: ['pskb_may_pull'] },
  },
  {
    name: 'skb_pull_rcsum',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN', csum: '-= sum(pulled bytes)' },
    summary: 'strips a header and keeps a CHECKSUM_COMPLETE sum valid',
    file: 'net/core/skbuff.c',
    source: { file: 'net/core/skbuff.c', symbol: 'skb_pull_rcsum', holds: ['skb_postpull_rcsum'] },
  },
  {
    name: 'udp_csum_pull_header',
    params: ['skb'],
    fixedLen: 'sizeof(struct udphdr)',
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN', csum: '-= sum(pulled bytes)' },
    summary: 'strips the UDP header before the datagram is queued to its socket',
    file: 'include/net/udp.h',
    source: {
      file: 'include/net/udp.h',
      symbol: 'udp_csum_pull_header',
      holds: ['skb_pull_rcsum'],
    },
  },
  {
    name: 'eth_type_trans',
    params: ['skb', 'dev'],
    fixedLen: 'ETH_HLEN',
    lenMeaning: 'delta',
    effect: { mac_header: '= data', data: '+= LEN', len: '-= LEN' },
    summary:
      'marks and strips the Ethernet header, sets skb->dev and pkt_type, and returns the EtherType for skb->protocol',
    file: 'net/ethernet/eth.c',
    source: {
      file: 'net/ethernet/eth.c',
      symbol: 'eth_type_trans',
      holds: ['skb->dev = dev', 'skb_reset_mac_header', 'eth_skb_pull_mac', 'pkt_type'],
    },
  },
  {
    name: 'eth_skb_pull_mac',
    params: ['skb'],
    fixedLen: 'ETH_HLEN',
    lenMeaning: 'delta',
    effect: { data: '+= LEN', len: '-= LEN' },
    summary: 'strips the Ethernet header for eth_type_trans and returns a pointer to it',
    file: 'include/linux/etherdevice.h',
  },
  {
    name: 'skb_gro_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { gro_offset: '+= LEN' },
    summary: "advances GRO's parse offset past a header; skb->data and len do not move",
    file: 'include/net/gro.h',
    source: { file: 'include/net/gro.h', symbol: 'skb_gro_pull', holds: ['data_offset += len'] },
  },
  // Make sure bytes are linear without consuming them.
  {
    name: 'pskb_may_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'linear-bytes',
    effect: {},
    summary:
      'makes the first LEN bytes linear, possibly in a new head: reload header pointers after it; false if the packet is shorter or memory runs out',
    caveat:
      'When the linear part is too short, __pskb_pull_tail() copies bytes from the fragments into it: tail moves, data_len shrinks, and pskb_expand_head() may move the packet to a new head, so skb->data and every header pointer taken before the call (the classic stale iph) must be read again. skb->len does not change. It returns false when the packet is shorter than the length and when an allocation fails.',
    file: 'include/linux/skbuff.h',
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'pskb_may_pull_reason',
      holds: ['len > skb->len', '__pskb_pull_tail', 'SKB_DROP_REASON_NOMEM'],
    },
  },
  {
    name: 'pskb_network_may_pull',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'linear-bytes',
    effect: {},
    summary:
      'makes LEN bytes past the network header linear, possibly in a new head: reload header pointers after it',
    caveat:
      'It is pskb_may_pull() counted from the network header: the head may be reallocated, so header pointers taken before it must be read again, and it fails when the packet is too short or memory runs out.',
    file: 'include/linux/skbuff.h',
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'pskb_network_may_pull_reason',
      holds: ['pskb_may_pull_reason(skb, skb_network_offset(skb) + len)'],
    },
  },
  // Add bytes at the front (transmit: prepend a header).
  {
    name: 'skb_push',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '-= LEN', len: '+= LEN' },
    summary: 'prepends room for a header into the headroom (panics if the headroom is too small)',
    file: 'net/core/skbuff.c',
    source: { file: 'net/core/skbuff.c', symbol: 'skb_push', holds: ['skb_under_panic'] },
  },
  {
    name: '__skb_push',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '-= LEN', len: '+= LEN' },
    summary: 'prepends room for a header without the headroom check',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_push_rcsum',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '-= LEN', len: '+= LEN', csum: '+= sum(pushed bytes)' },
    summary: 'puts a pulled header back and keeps a CHECKSUM_COMPLETE sum valid',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_cow_head',
    params: ['skb', 'headroom'],
    lenArg: 1,
    lenMeaning: 'headroom',
    effect: {},
    summary:
      'makes sure LEN bytes of private, writable headroom exist, reallocating the head if needed',
    caveat:
      'When the headroom is short or shared with a clone, pskb_expand_head() copies the head: pointers into the packet taken before the call must be read again.',
    file: 'include/linux/skbuff.h',
    source: { file: 'include/linux/skbuff.h', symbol: '__skb_cow', holds: ['pskb_expand_head'] },
  },
  // Add bytes at the end (build a packet).
  {
    name: 'skb_put',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends room at the end of a linear skb (panics if the tailroom is too small)',
    file: 'net/core/skbuff.c',
    source: { file: 'net/core/skbuff.c', symbol: 'skb_put', holds: ['skb_over_panic'] },
  },
  {
    name: '__skb_put',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends room at the end without the tailroom check',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_put_zero',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends LEN zeroed bytes',
    file: 'include/linux/skbuff.h',
  },
  {
    name: '__skb_put_zero',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends LEN zeroed bytes without the tailroom check',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_put_data',
    params: ['skb', 'data', 'len'],
    lenArg: 2,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends a copy of LEN bytes',
    file: 'include/linux/skbuff.h',
  },
  {
    name: '__skb_put_data',
    params: ['skb', 'data', 'len'],
    lenArg: 2,
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends a copy of LEN bytes without the tailroom check',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_put_u8',
    params: ['skb', 'val'],
    fixedLen: '1',
    lenMeaning: 'delta',
    effect: { tail: '+= LEN', len: '+= LEN' },
    summary: 'appends one byte',
    file: 'include/linux/skbuff.h',
  },
  // Reserve headroom in an empty buffer.
  {
    name: 'skb_reserve',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'delta',
    effect: { data: '+= LEN', tail: '+= LEN' },
    summary: 'reserves headroom in an empty skb; len does not change',
    file: 'include/linux/skbuff.h',
  },
  // Cut bytes from the end: LEN is the new length.
  {
    name: 'skb_trim',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'new-length',
    effect: { len: '= LEN', tail: '= data + LEN' },
    summary: 'cuts a linear skb down to LEN bytes (no-op if already shorter)',
    file: 'net/core/skbuff.c',
    source: {
      file: 'net/core/skbuff.c',
      symbol: 'skb_trim',
      holds: ['skb->len > len', '__skb_trim'],
    },
  },
  {
    name: '__skb_trim',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'new-length',
    effect: { len: '= LEN', tail: '= data + LEN' },
    summary: 'cuts a linear skb to LEN bytes without checks',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'pskb_trim',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'new-length',
    effect: { len: '= LEN' },
    summary:
      'cuts the packet to LEN bytes, dropping or shrinking fragments if needed (no-op if already shorter)',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'pskb_trim_rcsum',
    params: ['skb', 'len'],
    lenArg: 1,
    lenMeaning: 'new-length',
    effect: { len: '= LEN' },
    summary: 'cuts link-layer padding off a received packet, keeping the checksum state valid',
    file: 'include/linux/skbuff.h',
  },
  // Header offsets: recorded relative to head, data does not move.
  {
    name: 'skb_reset_mac_header',
    params: ['skb'],
    effect: { mac_header: '= data' },
    summary: 'marks the link-layer header at the current data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_reset_network_header',
    params: ['skb'],
    effect: { network_header: '= data' },
    summary: 'marks the network (IP) header at the current data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_reset_transport_header',
    params: ['skb'],
    effect: { transport_header: '= data' },
    summary: 'marks the transport (TCP/UDP) header at the current data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_set_mac_header',
    params: ['skb', 'offset'],
    lenArg: 1,
    lenMeaning: 'offset',
    effect: { mac_header: '= data + LEN' },
    summary: 'marks the link-layer header LEN bytes from data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_set_network_header',
    params: ['skb', 'offset'],
    lenArg: 1,
    lenMeaning: 'offset',
    effect: { network_header: '= data + LEN' },
    summary: 'marks the network header LEN bytes from data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_set_transport_header',
    params: ['skb', 'offset'],
    lenArg: 1,
    lenMeaning: 'offset',
    effect: { transport_header: '= data + LEN' },
    summary: 'marks the transport header LEN bytes from data',
    file: 'include/linux/skbuff.h',
  },
  {
    name: 'skb_reset_mac_len',
    params: ['skb'],
    effect: { mac_len: '= network_header - mac_header' },
    summary: 'records the link-layer header length',
    file: 'include/linux/skbuff.h',
  },
];

/**
 * Functions that make a new sk_buff, and where Linux 6.12 defines them. Two callees of one
 * function that each call one build two different skbs (i40e_build_skb and
 * i40e_construct_skb), so the operations under them never both happen to one packet.
 * Clones and copies are not here: they duplicate a packet that exists.
 */
export const SKB_ALLOCATORS: readonly { name: string; file: string }[] = [
  { name: 'alloc_skb', file: 'include/linux/skbuff.h' },
  { name: '__alloc_skb', file: 'net/core/skbuff.c' },
  { name: 'alloc_skb_fclone', file: 'include/linux/skbuff.h' },
  { name: 'alloc_skb_with_frags', file: 'net/core/skbuff.c' },
  { name: 'build_skb', file: 'net/core/skbuff.c' },
  { name: 'build_skb_around', file: 'net/core/skbuff.c' },
  { name: 'napi_build_skb', file: 'net/core/skbuff.c' },
  { name: 'slab_build_skb', file: 'net/core/skbuff.c' },
  { name: 'napi_alloc_skb', file: 'net/core/skbuff.c' },
  { name: 'netdev_alloc_skb', file: 'include/linux/skbuff.h' },
  { name: '__netdev_alloc_skb', file: 'net/core/skbuff.c' },
  { name: 'netdev_alloc_skb_ip_align', file: 'include/linux/skbuff.h' },
  { name: '__netdev_alloc_skb_ip_align', file: 'include/linux/skbuff.h' },
  { name: 'dev_alloc_skb', file: 'include/linux/skbuff.h' },
];

const ALLOCATOR_NAMES: ReadonlySet<string> = new Set(SKB_ALLOCATORS.map((r) => r.name));

/** Does `name` make a new sk_buff (SKB_ALLOCATORS)? */
export function isSkbAllocator(name: string): boolean {
  return ALLOCATOR_NAMES.has(name);
}

const BY_NAME: ReadonlyMap<string, SkbOpRow> = new Map(SKB_OPS.map((r) => [r.name, r]));

/** The row for an operation name, if it is a known skb buffer operation. */
export function findSkbOp(name: string): SkbOpRow | undefined {
  return BY_NAME.get(name.trim());
}

/** The length text to show: the call's argument, else the fixed length, else the parameter name in capitals. */
function lengthText(row: SkbOpRow, lenText: string | undefined): string {
  const given = lenText?.trim();
  if (given) return given;
  if (row.fixedLen) return row.fixedLen;
  return row.lenArg !== undefined ? (row.params[row.lenArg] ?? 'len').toUpperCase() : '';
}

/** Does `text` open with a parenthesis that closes at its very end? */
function wrapped(text: string): boolean {
  if (!text.startsWith('(')) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i === text.length - 1;
  }
  return false;
}

/** Wraps compound length expressions in parentheses when they follow an operator. */
function operand(len: string): string {
  return /^[\w.>-]+$|^\w+\([^()]*\)$/.test(len) || wrapped(len) ? len : `(${len})`;
}

/** Members of struct sk_buff an effect names (`gro_offset` is GRO's control block, not the skb's). */
const SKB_MEMBERS: ReadonlySet<string> = new Set([
  'data',
  'tail',
  'len',
  'data_len',
  'mac_header',
  'network_header',
  'transport_header',
  'mac_len',
  'csum',
]);

/**
 * What the operation does, without the call: `data += ETH_HLEN, len -= ETH_HLEN — strips a
 * header from the front`. Suitable for `SkbOp.effect` in the graph JSON.
 */
export function skbOpEffect(name: string, lenText?: string): string | undefined {
  const row = findSkbOp(name);
  if (!row) return undefined;
  const changes = skbOpChanges(name, lenText);
  const length = lengthText(row, lenText);
  // A function replacer: the length is source text, and `$&` in it must stay `$&`.
  const summary = row.summary.replace(/\bLEN\b/g, () => length);
  return changes ? `${changes} — ${summary}` : summary;
}

/**
 * Only the member changes, e.g. `data += ETH_HLEN, len -= ETH_HLEN`; '' when none move. When
 * the length names a member the operation touches (`pskb_trim_rcsum(skb, len)`), the members
 * are written `skb->len`, so the change reads `skb->len = len`, never `len = len`.
 */
export function skbOpChanges(name: string, lenText?: string): string | undefined {
  const row = findSkbOp(name);
  if (!row) return undefined;
  const len = operand(lengthText(row, lenText));
  const words = (text: string): string[] => text.match(/[A-Za-z_]\w*/g) ?? [];
  const touched = new Set(
    Object.entries(row.effect).flatMap(([field, value]) => [field, ...words(value)]),
  );
  const clash = words(len).some((w) => SKB_MEMBERS.has(w) && touched.has(w));
  const member = (w: string): string => (clash && SKB_MEMBERS.has(w) ? `skb->${w}` : w);
  return Object.entries(row.effect)
    .map(([field, value]) => {
      // One pass over the words of the value, so the length's own words are left as written.
      const rhs = value.replace(/[A-Za-z_]\w*/g, (w) => (w === 'LEN' ? len : member(w)));
      return `${member(field)} ${rhs}`;
    })
    .join(', ');
}

/**
 * The call as the timeline writes it: `skb_pull(skb, ETH_HLEN)`, the length as written at
 * the call site (or the parameter in capitals when it is not known), the other arguments by
 * their parameter names.
 */
export function skbOpCall(name: string, lenText?: string): string | undefined {
  const row = findSkbOp(name);
  if (!row) return undefined;
  const len = lengthText(row, lenText);
  const args = row.params.map((p, i) => (i === row.lenArg ? len : p));
  return `${row.name}(${args.join(', ')})`;
}

/**
 * One line for the timeline: `skb_pull(skb, ETH_HLEN): data += ETH_HLEN, len -= ETH_HLEN —
 * strips a header from the front ...`. Unknown names are reported as such.
 */
export function describeSkbOp(name: string, lenText?: string): string {
  const call = skbOpCall(name, lenText);
  if (!call) return `${name}(${lenText ?? ''}): not a known skb buffer operation`;
  return `${call}: ${skbOpEffect(name, lenText) ?? ''}`;
}
