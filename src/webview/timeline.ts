// The skb timeline: what each skb operation on the path does to the buffer's pointers.
//
// An sk_buff's linear buffer runs from `head` to `end`; the packet's bytes lie between
// `data` and `tail`. Headroom (head..data) is where lower layers push headers on egress;
// on ingress each layer pulls its header, moving `data` forward. This module replays the
// operations on a schematic buffer so the panel can draw the pointers moving. Lengths in
// the source are symbolic (`ETH_HLEN`, `hh_len`), so sizes are representative, not exact:
// the bars show direction and order, and the panel says so. Pure.

import type { SkbOp } from '../analysis/graph-json';
import { findSkbOp, skbOpCall, skbOpChanges } from '../analysis/knowledge/skb-ops';
import type { SkbOpRow } from '../analysis/knowledge/skb-ops';

/** Pointer positions as fractions of the drawn buffer, 0 (head) to 1 (end). */
export interface SkbLayout {
  head: number;
  data: number;
  tail: number;
  end: number;
}

export type SkbOpKind = 'reserve' | 'push' | 'pull' | 'put' | 'trim' | 'check';

export interface TimelineStep {
  index: number;
  op: SkbOp;
  kind: SkbOpKind;
  /** Name of the function making the call, when the graph has it. */
  caller?: string;
  before: SkbLayout;
  after: SkbLayout;
  /** The pointers this step moves. */
  moved: ('data' | 'tail')[];
  /** The change in symbols, e.g. `data += ETH_HLEN, len -= ETH_HLEN` or `no pointer moves`. */
  summary: string;
}

/** The kind of a known operation, read from its row in SKB_OPS (what it does to data and tail). */
function kindFromRow(row: SkbOpRow): SkbOpKind {
  const { data, tail, len } = row.effect;
  if (data === '+= LEN' && tail === '+= LEN') return 'reserve';
  if (data === '-= LEN') return 'push';
  if (data === '+= LEN') return 'pull';
  if (tail === '+= LEN') return 'put';
  if (row.lenMeaning === 'new-length' || len === '= LEN') return 'trim';
  return 'check';
}

/**
 * Classifies an skb helper: by its row in the kernel knowledge table (`SKB_OPS`) when it
 * has one (so `eth_type_trans` is a pull and `skb_reset_network_header` moves nothing),
 * else by name: `skb_pull`, `__skb_pull`, `pskb_pull` are pulls, `*may_pull` a check.
 */
export function classifyOp(op: string): SkbOpKind {
  const row = findSkbOp(op);
  if (row) return kindFromRow(row);
  const name = op.trim().replace(/^_+/, '');
  if (/may_pull|linearize|cow|unclone|expand_head|realloc|orphan/.test(name)) return 'check';
  if (/^skb_reserve/.test(name)) return 'reserve';
  if (/^p?skb_push/.test(name)) return 'push';
  if (/^p?skb_pull/.test(name)) return 'pull';
  if (/^skb_put/.test(name)) return 'put';
  if (/trim/.test(name)) return 'trim';
  return 'check';
}

/** Representative sizes (bytes) of common length expressions; anything else gets a default. */
const KNOWN_LENGTHS: readonly [RegExp, number][] = [
  [/^ETH_HLEN$/, 14],
  [/^ETH_ZLEN$/, 60],
  [/^VLAN_HLEN$/, 4],
  [/^NET_IP_ALIGN$/, 2],
  [/^NET_SKB_PAD$/, 64],
  [/^MAX_(TCP_)?HEADER$/, 96],
  [/^LL_RESERVED_SPACE/, 16],
  [/iphdr|ihl|network_header_len/, 20],
  [/ipv6hdr/, 40],
  [/udphdr/, 8],
  [/tcphdr|doff|tcp_header_(size|len)/, 32],
  [/hh_len|hard_header_len/, 16],
];
const PAYLOAD = 96;
const SMALL = 24;

/** A representative byte count for a symbolic length. */
export function estimateLength(expr: string): number {
  const text = expr.trim();
  if (/^\d+$/.test(text)) return Math.max(1, Math.min(4096, Number(text)));
  for (const [pattern, size] of KNOWN_LENGTHS) if (pattern.test(text)) return size;
  // Lengths of the whole frame or of user data: `length`, `len`, `size`, `copy`.
  if (/^(len|length|size|copy|pkt_len|frame_len|datalen|data_len)$/i.test(text)) return PAYLOAD;
  return SMALL;
}

interface Raw {
  data: number;
  tail: number;
}

/** Replays `ops` (in path order) on a schematic buffer. */
export function computeTimeline(
  ops: readonly SkbOp[],
  callerName?: (nodeId: string) => string | undefined,
): TimelineStep[] {
  const kinds = ops.map((op) => classifyOp(op.op));
  // A path that starts by filling the buffer (reserve/put) starts from an empty skb;
  // otherwise the packet is already there (e.g. the path begins after the driver).
  const firstMove = kinds.find((k) => k !== 'check');
  let state: Raw = { data: 0, tail: firstMove === 'reserve' || firstMove === 'put' ? 0 : PAYLOAD };
  const raw: {
    before: Raw;
    after: Raw;
    kind: SkbOpKind;
    moved: ('data' | 'tail')[];
    summary: string;
  }[] = [];
  ops.forEach((op, i) => {
    const kind = kinds[i] ?? 'check';
    const row = findSkbOp(op.op);
    const len = op.len.trim() || row?.fixedLen || '?';
    const n = estimateLength(len);
    const before = state;
    let after: Raw = before;
    let moved: ('data' | 'tail')[] = [];
    let summary = 'no pointer moves';
    switch (kind) {
      case 'reserve':
        after = { data: before.data + n, tail: before.tail + n };
        moved = ['data', 'tail'];
        summary = `data, tail += ${len}`;
        break;
      case 'push':
        after = { data: before.data - n, tail: before.tail };
        moved = ['data'];
        summary = `data -= ${len}`;
        break;
      case 'pull': {
        const step = Math.min(n, Math.max(0, before.tail - before.data));
        after = { data: before.data + step, tail: before.tail };
        moved = ['data'];
        summary = `data += ${len}`;
        break;
      }
      case 'put':
        if (/padto/.test(op.op)) {
          after = { data: before.data, tail: Math.max(before.tail, before.data + n) };
          summary = `tail = max(tail, data + ${len})`;
        } else {
          after = { data: before.data, tail: before.tail + n };
          summary = `tail += ${len}`;
        }
        moved = ['tail'];
        break;
      case 'trim': {
        // Trimming to a symbolic length: show the tail moving back a little (padding dropped).
        const target = Math.min(before.tail, before.data + n);
        after = {
          data: before.data,
          tail: target < before.tail ? target : Math.max(before.data, before.tail - 6),
        };
        moved = ['tail'];
        summary = `tail = data + ${len}`;
        break;
      }
      case 'check':
        break;
    }
    // The knowledge table says it exactly: `mac_header = data, data += ETH_HLEN, len -= ETH_HLEN`.
    const known = row ? skbOpChanges(op.op, op.len.trim() || undefined) : undefined;
    if (known !== undefined) summary = known === '' ? 'no pointer moves' : known;
    raw.push({ before, after, kind, moved, summary });
    state = after;
  });

  const all = raw.flatMap((r) => [r.before, r.after]);
  const head = Math.min(0, ...all.map((r) => r.data)) - 12;
  const end = Math.max(PAYLOAD, ...all.map((r) => r.tail)) + 16;
  const span = end - head;
  const frac = (v: number): number => Math.round(((v - head) / span) * 10_000) / 10_000;
  const layout = (r: Raw): SkbLayout => ({
    head: 0,
    data: frac(r.data),
    tail: frac(r.tail),
    end: 1,
  });

  return raw.map((r, index) => {
    const op = ops[index] as SkbOp;
    const caller = callerName?.(op.node);
    return {
      index,
      op,
      kind: r.kind,
      ...(caller !== undefined ? { caller } : {}),
      before: layout(r.before),
      after: layout(r.after),
      moved: r.moved,
      summary: r.summary,
    };
  });
}

/** The texts of a step as the timeline shows them: the call, the pointer changes, what it is for. */
export function stepNote(step: TimelineStep): { call: string; changes: string; words: string } {
  const len = step.op.len.trim();
  const call = skbOpCall(step.op.op, len || undefined) ?? `${step.op.op}(${len || '…'})`;
  // The analysis writes `effect` as `<changes> — <what it is for>` (knowledge/skb-ops.ts):
  // the changes once, then the words.
  const effect = step.op.effect.trim();
  const words = effect.startsWith(step.summary)
    ? effect.slice(step.summary.length).replace(/^[\s—:;,.-]+/, '')
    : effect;
  return { call, changes: step.summary, words };
}
