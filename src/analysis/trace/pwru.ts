// cilium/pwru: one line per kernel function that took the traced skb, in time order,
// keyed by the skb's address. Read as its releases print it:
// - the column output since 2024 (internal/pwru/output.go): a header `SKB CPU PROCESS
//   [TIMESTAMP] [NETNS MARK/x IFACE PROTO MTU LEN] [TUPLE] FUNC [CALLER]` and lines
//   `0xffff... 3   curl:3378  ...  ip_rcv`; the process is `<empty>:PID` or a path cut to
//   16 characters with `~`;
// - the older output (2021-2024): `SKB CPU [PROCESS] FUNC [TIMESTAMP]` right-aligned, then
//   `netns=... mark=... ifindex=...` and the tuple `saddr:sport->daddr:dport(proto)`;
// - `--output-stack`: after an event, one kallsyms name a line, innermost first, the
//   probed function itself first; a module's function prints as `name[module]`;
// - `--output-json` (pwru-json): one object a line.
// A drop prints as `kfree_skb_reason(SKB_DROP_REASON_X)` or `sk_skb_reason_drop(...)`, or
// with the reason's number (`kfree_skb_reason (12)`) when pwru could not name it.

import type { SourceLine, TraceEvent, TraceFormat } from './events';
import type { FormatReader, FormatSpec } from './format';
import type { TraceName } from './names';
import type { EventSink, Frame } from './sink';
import { skbKey, traceName } from './sink';
import { isDropFunction, startsNewLife } from './skb-life';

/** Lines pwru prints around its events: its log, the kprobe progress bar, the end. */
const PWRU_CHATTER: readonly RegExp[] = [
  /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\b/,
  /^time=\S+ level=\w+ msg=/,
  /^\s*\d+ \/ \d+ \[[-=>\s]*\]/,
  /^\s*(?:Listening for events|Attaching kprobes|Attached|Per cpu buffer size|Detaching kprobes|Received signal)/,
  /^\^C$/,
];

/** The current column output's event line: optional absolute time, skb, CPU, process, rest. */
const COLUMN_EVENT =
  /^(?:(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+)\s+)?(0x[0-9a-f]+)\s+(\d+)\s+(\S*:\d+)\s+(\S.*)$/;
/** The older output's event line: skb, CPU (since 2022), `[process]`, function, rest. */
const OLD_EVENT = /^\s*(0x[0-9a-f]+)\s+(?:(\d+)\s+)?\[(.*?)\]\s+(\S+)(.*)$/;
/** The header of either output. */
const HEADER = /^\s*(?:TIME\s+)?SKB\s+(?:CPU\s+)?PROCESS\b(.*)$/;
/** A function as pwru prints it: a kallsyms name, `name[module]`, a drop with its reason, a BPF program with `(tc)`. */
const FUNC_TOKEN =
  /^(?:[A-Za-z_][\w.]*(?:\[[\w-]+\])?|0x[0-9a-f]+)(?:\([\w]+\))?(?:\((?:tc|xdp)\))?$/;
/** `--output-stack`: one kallsyms name alone on a line. */
const STACK_FRAME = /^\s*([A-Za-z_][\w.]*(?:\[[\w-]+\])?(?:\+0x[0-9a-f]+(?:\/0x[0-9a-f]+)?)?)\s*$/;
/** `--output-skb` and `--output-skb-shared-info` dumps, which follow an event. */
const DUMP_LINE = /^\s*(?:\(struct [\w ]+\)\{|\.\w+ = |\}|\[\d+\] = )/;

/** The columns a header announces before FUNC (each one token) and after it. */
interface Columns {
  before: number;
  caller: boolean;
  /** Whether the first column after PROCESS is TIMESTAMP. */
  timestamp: boolean;
}

function columnsOf(headerRest: string): Columns {
  const has = (re: RegExp): boolean => re.test(headerRest);
  const timestamp = /\bTIMESTAMP\b.*\bFUNC\b/.test(headerRest);
  const before =
    (timestamp ? 1 : 0) +
    (has(/\bNETNS\s+MARK/) ? 6 : 0) +
    (has(/__sk_buff->cb\[\]/) ? 1 : 0) +
    (has(/\bTUPLE\b/) ? 1 : 0);
  return { before, caller: has(/\bCALLER\b/), timestamp };
}

/** The function of a drop printed with its reason: `kfree_skb_reason(SKB_DROP_REASON_X)`. */
function splitFunc(token: string): { fn: TraceName; reason?: string } {
  let text = token;
  const prog = /\((?:tc|xdp)\)$/.exec(text);
  if (prog) text = text.slice(0, prog.index);
  const m = /^(.*?)\((\w+)\)$/.exec(text);
  const fn = traceName(m?.[1] ?? text);
  if (prog) {
    // A BPF program pwru traced (--filter-trace-tc, --filter-trace-xdp): no kernel function.
    fn.symbol = false;
    fn.raw = `${fn.raw}${prog[0]}`;
  }
  const out: { fn: TraceName; reason?: string } = { fn };
  if (m?.[2]) out.reason = m[2];
  return out;
}

interface Pending {
  event: Omit<TraceEvent, 'seq' | 'packet'>;
  skb: string;
  frames: Frame[];
}

class PwruReader implements FormatReader {
  private columns: Columns | undefined;
  private pending: Pending | undefined;
  private json = false;
  /** Per skb: the packet it is on now, and whether that packet's skb was freed. */
  private readonly lives = new Map<string, { packet: string; count: number; freed: boolean }>();
  /** Per packet: the last stack kept, outermost frame first, with the events it became. */
  private readonly lastStack = new Map<string, { name: string; seq: number }[]>();

  constructor(private readonly sink: EventSink) {}

  format(): TraceFormat {
    return this.json ? 'pwru-json' : 'pwru';
  }

  line(text: string, at: SourceLine): boolean {
    if (text.trim() === '') {
      this.flush();
      return true;
    }
    if (text.startsWith('{')) return this.jsonLine(text, at);
    const header = HEADER.exec(text);
    if (header) {
      this.flush();
      this.columns = columnsOf(header[1] ?? '');
      return true;
    }
    if (this.eventLine(text, at)) return true;
    if (this.pending) {
      const frame = STACK_FRAME.exec(text);
      if (frame?.[1]) {
        this.pending.frames.push({ fn: traceName(frame[1]), at });
        return true;
      }
      if (DUMP_LINE.test(text)) return true;
    }
    this.flush();
    return PWRU_CHATTER.some((re) => re.test(text));
  }

  end(): void {
    this.flush();
  }

  private eventLine(text: string, at: SourceLine): boolean {
    const col = COLUMN_EVENT.exec(text);
    if (col) {
      const [, , skb = '', cpu = '', task = '', rest = ''] = col;
      const parsed = this.columnFunc(rest.trim().split(/\s+/));
      if (!parsed) return false;
      this.begin(skb, Number(cpu), task, parsed, at, this.timeOf(col[1], rest));
      return true;
    }
    const old = OLD_EVENT.exec(text);
    if (old) {
      const [, skb = '', cpu, task = '', func = '', rest = ''] = old;
      if (!FUNC_TOKEN.test(func)) return false;
      const parsed = splitFunc(func);
      const number = /^\s*\((\d+)\)/.exec(rest);
      if (number?.[1] && parsed.reason === undefined) parsed.reason = number[1];
      const ts = /^\s*(?:\(\d+\)\s*)?(\d+)(?:\s|$)/.exec(rest)?.[1];
      this.begin(skb, cpu === undefined ? undefined : Number(cpu), task, parsed, at, ts);
      return true;
    }
    return false;
  }

  /** The timestamp column of the current output, when the header announced one. */
  private timeOf(absolute: string | undefined, rest: string): string | undefined {
    if (absolute) return absolute;
    if (!this.columns?.timestamp) return undefined;
    const first = rest.trim().split(/\s+/)[0];
    return first && /^\d+$/.test(first) ? first : undefined;
  }

  /** The FUNC (and CALLER) of the current output's columns after PROCESS. */
  private columnFunc(
    tokens: string[],
  ): { fn: TraceName; reason?: string; caller?: TraceName } | undefined {
    // `kfree_skb_reason (12)`: the reason's number, when pwru could not name it.
    for (let i = tokens.length - 1; i > 0; i--) {
      if (/^\(\d+\)$/.test(tokens[i] ?? '') && FUNC_TOKEN.test(tokens[i - 1] ?? '')) {
        tokens.splice(i - 1, 2, `${tokens[i - 1] ?? ''}${tokens[i] ?? ''}`);
      }
    }
    const pick = (index: number, caller: boolean): ReturnType<PwruReader['columnFunc']> => {
      const token = tokens[index];
      if (token === undefined || !FUNC_TOKEN.test(token)) return undefined;
      const parsed: ReturnType<PwruReader['columnFunc']> = splitFunc(token);
      const next = tokens[index + 1];
      if (caller && next !== undefined && FUNC_TOKEN.test(next) && parsed)
        parsed.caller = traceName(next);
      return parsed;
    };
    if (this.columns) {
      const found = pick(this.columns.before, this.columns.caller);
      if (found) return found;
    }
    // No header (or a column of spaces, such as an empty NETNS NAME): the function is the
    // last token after the tuple, or the last token.
    const tuple = tokens.findIndex((t) => t.includes('->'));
    return pick(tuple >= 0 && tuple + 1 < tokens.length ? tuple + 1 : tokens.length - 1, false);
  }

  private begin(
    skb: string,
    cpu: number | undefined,
    task: string,
    parsed: { fn: TraceName; reason?: string; caller?: TraceName },
    at: SourceLine,
    time: string | undefined,
  ): void {
    this.flush();
    const event: Omit<TraceEvent, 'seq' | 'packet'> = { at, fn: parsed.fn, task };
    if (cpu !== undefined && Number.isFinite(cpu)) event.cpu = cpu;
    if (time !== undefined) event.time = time;
    if (parsed.caller) event.caller = parsed.caller;
    if (parsed.reason !== undefined) event.drop = { reason: parsed.reason };
    else if (isDropFunction(parsed.fn.name)) event.drop = { reason: '' };
    this.pending = { event, skb, frames: [] };
  }

  private jsonLine(text: string, at: SourceLine): boolean {
    let o: unknown;
    try {
      o = JSON.parse(text);
    } catch {
      return false;
    }
    if (typeof o !== 'object' || o === null) return false;
    const r = o as Record<string, unknown>;
    if (typeof r.skb !== 'string' || typeof r.func !== 'string') return false;
    this.json = true;
    const parsed: { fn: TraceName; reason?: string; caller?: TraceName } = splitFunc(
      r.func.replace(/ \((\d+)\)$/, '($1)'),
    );
    if (typeof r.caller_func === 'string' && r.caller_func !== '')
      parsed.caller = traceName(r.caller_func);
    const time =
      typeof r.time === 'number' || typeof r.time === 'string' ? String(r.time) : undefined;
    this.begin(
      r.skb,
      typeof r.cpu === 'number' ? r.cpu : 0,
      typeof r.process === 'string' ? r.process : '',
      parsed,
      at,
      time,
    );
    const stack = Array.isArray(r.stack)
      ? r.stack.filter((s): s is string => typeof s === 'string')
      : typeof r.stack === 'string'
        ? r.stack.split('\n')
        : [];
    for (const s of stack) if (s.trim() !== '') this.pending?.frames.push({ fn: traceName(s), at });
    this.flush();
    return true;
  }

  /** The packet of an skb's event: a new one when the skb was freed since (its address reused). */
  private packetOf(skb: string, name: string): string {
    const key = skbKey(skb);
    let life = this.lives.get(key);
    if (!life) {
      life = { packet: skb, count: 1, freed: false };
      this.lives.set(key, life);
    } else if (life.freed && startsNewLife(name)) {
      life.count++;
      life.packet = `${skb} #${life.count}`;
      life.freed = false;
    }
    return life.packet;
  }

  /** Keeps the pending event, after the stack frames that called it. */
  private flush(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    const packet = this.packetOf(p.skb, p.event.fn.name);
    const life = this.lives.get(skbKey(p.skb));
    if (
      life &&
      (p.event.drop || /^(?:kfree_skbmem|__kfree_skb|consume_skb)$/.test(p.event.fn.name))
    )
      life.freed = true;
    // The first frame is the probed function itself; the rest called it, innermost first.
    const frames = p.frames.slice();
    while (frames[0]?.fn.name === p.event.fn.name) frames.shift();
    frames.reverse();
    const common = { packet, ...(p.event.cpu !== undefined ? { cpu: p.event.cpu } : {}) };
    const previous = this.lastStack.get(packet) ?? [];
    const chain: { name: string; seq: number }[] = [];
    let parent: number | undefined;
    let shared = 0;
    while (
      shared < frames.length &&
      shared < previous.length &&
      previous[shared]?.name === frames[shared]?.fn.raw
    ) {
      const kept = previous[shared] as { name: string; seq: number };
      chain.push(kept);
      parent = kept.seq;
      shared++;
    }
    for (const f of frames.slice(shared)) {
      const seq = this.sink.addChain([f], common, parent, p.skb);
      if (seq !== undefined && seq !== parent) chain.push({ name: f.fn.raw, seq });
      parent = seq ?? parent;
    }
    if (frames.length > 0) this.lastStack.set(packet, chain);
    const event: Omit<TraceEvent, 'seq'> = { ...p.event, packet };
    if (parent !== undefined) event.parent = parent;
    this.sink.add(event, p.skb);
  }
}

export const PWRU: FormatSpec = {
  name: 'pwru',
  signatures: [HEADER, COLUMN_EVENT, OLD_EVENT, /^\{"skb":"0x[0-9a-f]+"/],
  create: (sink) => new PwruReader(sink),
};
