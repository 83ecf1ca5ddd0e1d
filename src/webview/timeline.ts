// The skb timeline: what each skb operation on the path does to the buffer's pointers.
//
// An sk_buff's linear buffer runs from `head` to `end`; the packet's bytes lie between
// `data` and `tail`. Headroom (head..data) is where lower layers push headers on egress;
// on ingress each layer pulls its header, moving `data` forward. This module replays the
// operations on a schematic buffer so the panel can draw the pointers moving. Lengths in
// the source are symbolic (`ETH_HLEN`, `hh_len`), so sizes are representative, not exact:
// the bars show direction and order, and the panel says so. Operations that are
// alternatives (SkbOp.choices: i40e builds its skb one way or the other) are replayed each
// from the buffer as it was before the choice, and the timeline heads each branch. Pure.

import type { SkbChoice, SkbOp } from '../analysis/graph-json';
import { findSkbOp, skbOpCall, skbOpChanges } from '../analysis/knowledge/skb-ops';
import type { SkbOpRow } from '../analysis/knowledge/skb-ops';
import { branchHeads } from '../analysis/render/skb-branches';

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
  /** The choices the step depends on (SkbOp.choices), outermost first; empty on every way. */
  choices: readonly SkbChoice[];
  /**
   * Headings above the step where it begins a branch, outermost first: `Either:
   * i40e_build_skb — one of 2 ways (if/else in i40e_clean_rx_irq, line 2548)`, `Or:
   * i40e_construct_skb`.
   */
  heads: string[];
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
  // Lengths of the whole frame or of user data: `length`, `len`, `size`, `copy`, and the
  // frame an XDP buffer holds (`xdp->data_end - xdp->data`, i40e_build_skb).
  if (/^(len|length|size|copy|pkt_len|frame_len|datalen|data_len|headlen)$/i.test(text))
    return PAYLOAD;
  if (/data_end\s*-\s*[\w>.-]*data$/.test(text)) return PAYLOAD;
  return SMALL;
}

interface Raw {
  data: number;
  tail: number;
}

/** A choice being replayed: the buffer before it, after its first branch, and the branch now. */
interface OpenChoice {
  choice: number;
  branch: number;
  start: Raw;
  firstEnd?: Raw;
}

/** Replays `ops` (in path order) on a schematic buffer; each branch of a choice from the buffer before it. */
export function computeTimeline(
  ops: readonly SkbOp[],
  callerName?: (nodeId: string) => string | undefined,
): TimelineStep[] {
  const kinds = ops.map((op) => classifyOp(op.op));
  // A path that starts by filling the buffer (reserve/put) starts from an empty skb;
  // otherwise the packet is already there (e.g. the path begins after the driver).
  const firstMove = kinds.find((k) => k !== 'check');
  let state: Raw = { data: 0, tail: firstMove === 'reserve' || firstMove === 'put' ? 0 : PAYLOAD };
  const open: OpenChoice[] = [];
  const heads = branchHeads(ops, callerName);
  const raw: {
    before: Raw;
    after: Raw;
    kind: SkbOpKind;
    moved: ('data' | 'tail')[];
    summary: string;
    heads: string[];
  }[] = [];
  ops.forEach((op, i) => {
    state = enterChoices(op.choices ?? [], open, state);
    const kind = kinds[i] ?? 'check';
    const row = findSkbOp(op.op);
    const len = op.len.trim() || row?.fixedLen || '?';
    const { after, moved, summary } = applyOp(kind, op, len, state);
    // The knowledge table says it exactly: `mac_header = data, data += ETH_HLEN, len -= ETH_HLEN`.
    const known = row ? skbOpChanges(op.op, op.len.trim() || undefined) : undefined;
    raw.push({
      before: state,
      after,
      kind,
      moved,
      summary: known === undefined ? summary : known === '' ? 'no pointer moves' : known,
      heads: heads[i] ?? [],
    });
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
      choices: op.choices ?? [],
      heads: r.heads,
    };
  });
}

/** What one operation does to the schematic buffer, and the change in symbols. */
function applyOp(
  kind: SkbOpKind,
  op: SkbOp,
  len: string,
  before: Raw,
): { after: Raw; moved: ('data' | 'tail')[]; summary: string } {
  const n = estimateLength(len);
  switch (kind) {
    case 'reserve':
      return {
        after: { data: before.data + n, tail: before.tail + n },
        moved: ['data', 'tail'],
        summary: `data, tail += ${len}`,
      };
    case 'push':
      return {
        after: { data: before.data - n, tail: before.tail },
        moved: ['data'],
        summary: `data -= ${len}`,
      };
    case 'pull': {
      const step = Math.min(n, Math.max(0, before.tail - before.data));
      return {
        after: { data: before.data + step, tail: before.tail },
        moved: ['data'],
        summary: `data += ${len}`,
      };
    }
    case 'put':
      return /padto/.test(op.op)
        ? {
            after: { data: before.data, tail: Math.max(before.tail, before.data + n) },
            moved: ['tail'],
            summary: `tail = max(tail, data + ${len})`,
          }
        : {
            after: { data: before.data, tail: before.tail + n },
            moved: ['tail'],
            summary: `tail += ${len}`,
          };
    case 'trim': {
      // Trimming to a symbolic length: show the tail moving back a little (padding dropped).
      const target = Math.min(before.tail, before.data + n);
      return {
        after: {
          data: before.data,
          tail: target < before.tail ? target : Math.max(before.data, before.tail - 6),
        },
        moved: ['tail'],
        summary: `tail = data + ${len}`,
      };
    }
    case 'check':
      return { after: before, moved: [], summary: 'no pointer moves' };
  }
}

/**
 * Follows the choices of the next operation: a choice it leaves goes on from the buffer
 * after its first branch, a branch it switches to starts from the buffer before the
 * choice. Returns the buffer to apply the operation to.
 */
function enterChoices(choices: readonly SkbChoice[], open: OpenChoice[], state: Raw): Raw {
  let depth = 0;
  while (
    depth < open.length &&
    depth < choices.length &&
    open[depth]?.choice === choices[depth]?.choice &&
    open[depth]?.branch === choices[depth]?.branch
  )
    depth++;
  // Close the choices below the shared ones, innermost first.
  while (open.length > depth) {
    const c = open.pop() as OpenChoice;
    const switching = choices[open.length]?.choice === c.choice;
    const firstEnd = c.branch === 0 ? state : c.firstEnd;
    if (switching) {
      open.push({ ...c, branch: choices[open.length]?.branch ?? 0, firstEnd });
      state = c.start;
      depth = open.length;
      break;
    }
    state = firstEnd ?? state;
  }
  for (const c of choices.slice(depth))
    open.push({ choice: c.choice, branch: c.branch, start: state });
  return state;
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
