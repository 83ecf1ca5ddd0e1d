// What a driver function does, read from its body rather than guessed from its name: the
// MMIO write of a ring's tail register (the doorbell), BQL's byte count, the xmit_more test,
// DMA mapping, descriptor writes, and on receive the fields it fills in the skb. The notes of
// the driver's transmit and hand-off functions are written from these findings, so the
// doorbell note lands on e1000_xmit_frame (which writes the tail) and not on e1000_tx_map
// (which only maps), and the checksum-and-VLAN note on ixgbe_process_skb_fields.
//
// Invariant: pure; the body text comes in (masked of comments and literals by the caller's
// citation reader, sources.ts), each finding carries the line that shows it.

import { NOT_FOUND, maskComments, matchingBracket } from '../index/c-text';

export type WorkKind =
  | 'dma-map'
  | 'descriptors'
  | 'bql'
  | 'xmit-more'
  | 'doorbell'
  | 'stop-queue'
  | 'hash'
  | 'checksum'
  | 'vlan'
  | 'rx-queue'
  | 'protocol'
  | 'hands-off';

/** One thing a function's body does, with the call and line that show it. */
export interface WorkFinding {
  kind: WorkKind;
  /** The call or store as written (`writel`, `tx_desc->buffer_addr =`). */
  what: string;
  /** 1-based line in the file. */
  line: number;
}

interface WorkRow {
  kind: WorkKind;
  /** Calls that show it. */
  calls?: readonly string[];
  /** A pattern over the masked body that shows it (a store, a call with telling arguments). */
  pattern?: RegExp;
  /** How a note says it. */
  phrase: string;
}

/** MMIO writes: a doorbell when the address names a tail, doorbell or producer index. */
const MMIO_WRITE =
  /\b(?:writel|writel_relaxed|writeq|writeq_relaxed|writew|iowrite32|iowrite64|iowrite16|iowrite32be|__raw_writel)\s*\(/g;
const DOORBELL_ADDRESS = /tail|doorbell|\bdb\b|_db\b|db_|tdt|\bprod|kick|notify/i;

/** What a body may do, in the order a note tells it. Kernel knowledge as data. */
export const DRIVER_WORK: readonly WorkRow[] = [
  {
    kind: 'dma-map',
    calls: [
      'dma_map_single',
      'dma_map_page',
      'skb_frag_dma_map',
      'dma_map_single_attrs',
      'dma_map_sg',
    ],
    phrase: 'maps the packet for DMA',
  },
  {
    kind: 'descriptors',
    // A store into a member of something named a descriptor: `tx_desc->buffer_addr = ...`.
    pattern: /\b\w*desc\w*(?:\s*\[[^\]]*\])?\s*(?:->|\.)\s*[\w.>-]*?\w\s*(?:\|=|&=|=(?!=))/g,
    phrase: 'fills the descriptors',
  },
  {
    kind: 'bql',
    calls: [
      'netdev_tx_sent_queue',
      '__netdev_tx_sent_queue',
      'netdev_sent_queue',
      '__netdev_sent_queue',
      'netif_txq_maybe_stop',
    ],
    phrase: 'reports the queued bytes to BQL',
  },
  {
    kind: 'xmit-more',
    calls: ['netdev_xmit_more', '__netdev_tx_sent_queue', '__netdev_sent_queue'],
    phrase: 'checks whether more packets follow (xmit_more)',
  },
  { kind: 'doorbell', phrase: 'writes the tail register, the doorbell that makes the NIC fetch' },
  {
    kind: 'stop-queue',
    calls: [
      'netif_stop_queue',
      'netif_tx_stop_queue',
      'netif_stop_subqueue',
      'netif_txq_maybe_stop',
    ],
    phrase: 'stops the queue when the ring is full',
  },
  { kind: 'hash', calls: ['skb_set_hash', 'libeth_rx_pt_set_hash'], phrase: 'the RSS hash' },
  {
    kind: 'checksum',
    pattern: /\bip_summed\s*=\s*CHECKSUM_\w+|\b__skb_incr_checksum_unnecessary\s*\(/g,
    phrase: 'the checksum result',
  },
  { kind: 'vlan', calls: ['__vlan_hwaccel_put_tag'], phrase: 'the VLAN tag' },
  { kind: 'rx-queue', calls: ['skb_record_rx_queue'], phrase: 'the RX queue' },
  { kind: 'protocol', calls: ['eth_type_trans'], phrase: 'the protocol' },
  {
    kind: 'hands-off',
    calls: [
      'napi_gro_receive',
      'napi_gro_frags',
      'netif_receive_skb',
      'netif_receive_skb_list',
      'netif_rx',
      'gro_receive_skb',
    ],
    phrase: 'hands the skb to the stack',
  },
];

function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * What the body does, in DRIVER_WORK's order, each kind once (its first occurrence).
 * `body` is the function's text from its name to its closing brace; `firstLine` the line of
 * its first character in the file.
 */
export function driverWork(body: string, firstLine: number): WorkFinding[] {
  const m = maskComments(body, { literals: true });
  const at = (offset: number): number => firstLine + lineAt(m, offset) - 1;
  const out: WorkFinding[] = [];
  for (const row of DRIVER_WORK) {
    let best: WorkFinding | undefined;
    const take = (what: string, offset: number): void => {
      if (!best || at(offset) < best.line) best = { kind: row.kind, what, line: at(offset) };
    };
    for (const call of row.calls ?? []) {
      const hit = new RegExp(`(?<![\\w.>])${call}\\s*\\(`).exec(m);
      if (hit) take(call, hit.index);
    }
    if (row.pattern)
      for (const hit of m.matchAll(row.pattern))
        take(
          hit[0]
            .replace(/\s+/g, ' ')
            .replace(/\s*\($/, '')
            .trim(),
          hit.index,
        );
    if (row.kind === 'doorbell')
      for (const hit of m.matchAll(MMIO_WRITE)) {
        const open = hit.index + hit[0].length - 1;
        const close = matchingBracket(m, open);
        const args = close === NOT_FOUND ? '' : m.slice(open + 1, close);
        if (DOORBELL_ADDRESS.test(args)) take(hit[0].replace(/[\s(]+$/, ''), hit.index);
      }
    if (best) out.push(best);
  }
  return out;
}

/** `writes the tail register ... (writel, line 5923)`. */
function said(f: WorkFinding): string {
  const row = DRIVER_WORK.find((r) => r.kind === f.kind) as WorkRow;
  return `${row.phrase} (${f.what}, line ${f.line})`;
}

/**
 * A transmit-side sentence from the findings: `maps the packet for DMA (dma_map_single, line
 * 5571)`, or for the doorbell with xmit_more `writes the tail register ... unless more packets
 * follow (netdev_xmit_more, line 5917)`. Undefined when the body shows no transmit work.
 */
export function transmitWork(findings: readonly WorkFinding[]): string | undefined {
  const by = new Map(findings.map((f) => [f.kind, f]));
  const parts: string[] = [];
  for (const kind of ['dma-map', 'descriptors', 'bql', 'stop-queue'] as const) {
    const f = by.get(kind);
    if (f) parts.push(said(f));
  }
  const bell = by.get('doorbell');
  const more = by.get('xmit-more');
  if (bell)
    parts.push(
      `${said(bell)}${more ? `, skipped while more packets follow (${more.what}, line ${more.line})` : ''}`,
    );
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** A receive-side sentence: `sets the RSS hash, the checksum result, ... and hands the skb to the stack`. */
export function receiveWork(findings: readonly WorkFinding[]): string | undefined {
  const order: WorkKind[] = ['hash', 'checksum', 'vlan', 'rx-queue', 'protocol'];
  const fields = findings
    .filter((f) => order.includes(f.kind))
    .sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
  const hands = findings.find((f) => f.kind === 'hands-off');
  const parts: string[] = [];
  if (fields.length > 0)
    parts.push(`fills in the skb from the descriptor: ${fields.map(said).join(', ')}`);
  if (hands) parts.push(said(hands));
  return parts.length > 0 ? parts.join(', then ') : undefined;
}
