// What a driver function does, read from its body rather than guessed from its name: the
// MMIO write of a ring's tail register (the doorbell), BQL's byte count, the xmit_more test,
// DMA mapping, descriptor writes, and on receive the fields it fills in the skb. The notes of
// the driver's transmit and hand-off functions are written from these findings, so the
// doorbell note lands on e1000_xmit_frame (which writes the tail) and not on e1000_tx_map
// (which only maps), and the checksum-and-VLAN note on ixgbe_process_skb_fields.
//
// A driver often writes its registers through function-like macros of its own (r8169's
// `RTL_W16(tp, TxPoll_8125, BIT(0))` for `writew(...)`): the caller hands in the macros the
// body calls that the driver defines, and a call of one is read as its expansion, arguments
// put in for the parameters, at the line of the call.
//
// Invariant: pure; the body text comes in (masked of comments and literals here), each
// finding carries the line that shows it.

import { NOT_FOUND, maskComments, matchingBracket, splitArguments } from '../index/c-text';

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
  /\b(?:writel|writel_relaxed|writeq|writeq_relaxed|writew|writew_relaxed|writeb|writeb_relaxed|iowrite32|iowrite64|iowrite16|iowrite8|iowrite32be|__raw_writel)\s*\(/g;
/** Register names of a doorbell; `TxPoll` is the Realtek name of the transmit-poll register. */
const DOORBELL_ADDRESS = /tail|doorbell|\bdb\b|_db\b|db_|tdt|\bprod|kick|notify|tx_?poll/i;

/** A function-like macro of the driver: `#define RTL_W16(tp, reg, val16) writew(...)`. */
export interface FunctionMacro {
  name: string;
  params: readonly string[];
  /** The replacement text, continuation lines joined. */
  body: string;
}

/** Expansions nest at most this deep (a macro written with another of the driver's macros). */
const MACRO_DEPTH = 4;

/** A `#define` of a function-like macro, as written, parsed; undefined for an object-like one. */
export function parseFunctionMacro(define: string): FunctionMacro | undefined {
  const m = maskComments(define, { literals: false });
  const head = /^[ \t]*#[ \t]*define[ \t]+(\w+)\(/.exec(m);
  if (!head) return undefined;
  const open = head[0].length - 1;
  const close = matchingBracket(m, open);
  if (close === NOT_FOUND) return undefined;
  const params = m
    .slice(open + 1, close)
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const body = m
    .slice(close + 1)
    .replace(/\\\r?\n/g, ' ')
    .trim();
  return { name: head[1] as string, params, body };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A macro's body with `args` put in for its parameters, `a##b` pasted (`#x` left as written). */
function substitute(macro: FunctionMacro, args: readonly string[]): string {
  if (macro.params.length === 0) return macro.body;
  const byName = new Map(macro.params.map((p, i) => [p, args[i]?.trim() ?? '']));
  const re = new RegExp(`\\b(?:${macro.params.map(escapeRe).join('|')})\\b`, 'g');
  return macro.body.replace(re, (p) => byName.get(p) ?? p).replace(/\s*##\s*/g, '');
}

/**
 * Each call of one of `macros` in masked text, expanded: the call's offset, the macro names
 * from the outermost in, and the text it stands for (nested macros expanded in turn).
 */
function macroExpansions(
  m: string,
  macros: ReadonlyMap<string, FunctionMacro>,
): { offset: number; names: string[]; text: string }[] {
  if (macros.size === 0) return [];
  const out: { offset: number; names: string[]; text: string }[] = [];
  const call = new RegExp(
    `(?<![\\w.>])(${[...macros.keys()].map(escapeRe).join('|')})\\s*\\(`,
    'g',
  );
  const expand = (text: string, offset: number, names: string[], depth: number): void => {
    for (const hit of text.matchAll(call)) {
      const macro = macros.get(hit[1] as string) as FunctionMacro;
      const open = hit.index + hit[0].length - 1;
      const { args, close } = splitArguments(text, open);
      if (close === NOT_FOUND) continue;
      const expanded = substitute(
        macro,
        args.map((a) => text.slice(a.from, a.to)),
      );
      const at = depth === 0 ? hit.index : offset;
      const chain = [...names, macro.name];
      out.push({ offset: at, names: chain, text: expanded });
      if (depth + 1 < MACRO_DEPTH) expand(expanded, at, chain, depth + 1);
    }
  };
  expand(m, 0, [], 0);
  return out;
}

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

/** The MMIO writes of `text` whose address names a doorbell register: the call's name and offset. */
function doorbellWrites(text: string): { call: string; offset: number }[] {
  const out: { call: string; offset: number }[] = [];
  for (const hit of text.matchAll(MMIO_WRITE)) {
    const open = hit.index + hit[0].length - 1;
    const close = matchingBracket(text, open);
    const args = close === NOT_FOUND ? '' : text.slice(open + 1, close);
    if (DOORBELL_ADDRESS.test(args))
      out.push({ call: hit[0].replace(/[\s(]+$/, ''), offset: hit.index });
  }
  return out;
}

/**
 * What the body does, in DRIVER_WORK's order, each kind once (its first occurrence).
 * `body` is the function's text from its name to its closing brace; `firstLine` the line of
 * its first character in the file; `macros` the driver's function-like macros, whose calls
 * are read as what they expand to (`RTL_W16 → writew`).
 */
export function driverWork(
  body: string,
  firstLine: number,
  macros: ReadonlyMap<string, FunctionMacro> = new Map(),
): WorkFinding[] {
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
    if (row.kind === 'doorbell') {
      for (const w of doorbellWrites(m)) take(w.call, w.offset);
      for (const x of macroExpansions(m, macros))
        for (const w of doorbellWrites(x.text)) take([...x.names, w.call].join(' → '), x.offset);
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
