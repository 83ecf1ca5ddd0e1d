// OpenCloudOS/nettrace: the functions and tracepoints an skb passed, grouped by packet
// under a banner of its skb addresses (`***************** e8fbc700,e8fbdc00 ******`), as
// its src/analysis.c and src/output.c print them:
// - default: `[ktime] [func padded to 20] PROTO: summary`;
// - `--detail`: `[ktime] [skb][func][cpu:N][ifname][pid:N][comm] summary` (older
//   releases), `[skb][func][cpu:N][ifname][task-pid][ns:N]` (newer);
// - the oldest releases: `ktime: [func]: summary` under `<---- skb: ADDR ---->`;
// - diagnosis (`--diag`): notes in `*...*` after the summary and an `ANALYSIS RESULT`
//   block naming each drop's location and reason;
// - `--trace-stack`: `Call Stack:` then `    -> func+0xoff` (or `-> [addr]func+0xoff`)
//   lines, innermost first, after the event they belong to;
// - `--drop`: drop lines without a function column, `*reason: X, func+0xoff*`.

import type { SourceLine, TraceEvent, TraceFormat } from './events';
import type { FormatReader, FormatSpec } from './format';
import type { EventSink, Frame } from './sink';
import { traceName } from './sink';
import { isDropFunction } from './skb-life';

const BANNER = /^\*{5,}\s*([0-9a-f,\s]*?)\s*\*{5,}$/;
const OLD_BANNER = /^<-{3,}\s*skb:\s*([0-9a-f]+)\s*-{3,}>$/;
/**
 * `[ts] ` then `[skb]` (detail), `[func ]`, more `[...]` columns (detail), the summary: a
 * protocol (`ICMP: `, `TCP: `, `ARP: `, `ether protocol: `, a number), `unknow`, or
 * nothing (`--tiny-show`). A kernel log line (`[12345.678901] [drm] Initialized`) is none.
 */
const EVENT =
  /^\[(\d+\.\d+|\d{4}-\d+-\d+ \d\d:\d\d:\d\d\.\d+)\] (?:\[([0-9a-f]+)\])?\[([^\]\s][^\]]*?)\s*\]((?:\[[^\]]*\])*)(?: ((?:[A-Z][A-Z0-9]*|\d+|ether protocol): .*|unknow.*))?\s*$/;
const OLD_EVENT = /^(\d+\.\d+): \[([^\]\s][^\]]*?)\s*\]: (.*)$/;
/** `--drop`: the time, the packet, the reason and where: no function column. */
const DROP_ONLY =
  /^\[(\d+\.\d+|\d{4}-\d+-\d+ \d\d:\d\d:\d\d\.\d+)\] (.*?)\s*\*reason: (\w+), (\S+?)\*\s*$/;
const STACK_HEAD = /^Call Stack:\s*$/;
const STACK_FRAME = /^\s+-> (?:\[[0-9a-f]+\])?(\S+)\s*$/;
const ANALYSIS = /^-{5,} ANALYSIS RESULT -{5,}$/;
const FINDING = /^\[\d+\] (?:ERROR|WARNING|WARN|INFO) happens in (\S+?)\((.*)\):$/;
const CHATTER =
  /^(?:begin trac(?:e|ing)\.*|end trace\.*|analysis finished!|Call Stack Error!.*|load \S+ .*|attach \S+ .*)$/;

class NettraceReader implements FormatReader {
  private banner: string | undefined;
  private lastSeq: number | undefined;
  private stack: Frame[] | undefined;
  /** The drop the ANALYSIS RESULT block is about, and what its next line holds. */
  private finding: { drop?: TraceEvent; expect?: 'reason' | 'location' } | undefined;
  private inAnalysis = false;

  constructor(private readonly sink: EventSink) {}

  format(): TraceFormat {
    return 'nettrace';
  }

  line(text: string, at: SourceLine): boolean {
    if (this.stack) {
      const frame = STACK_FRAME.exec(text);
      if (frame?.[1]) {
        this.stack.push({ fn: traceName(frame[1]), at });
        return true;
      }
      this.endStack();
    }
    if (text.trim() === '') return true;
    const banner = BANNER.exec(text) ?? OLD_BANNER.exec(text);
    if (banner) {
      this.banner = (banner[1] ?? '').replace(/\s+/g, '');
      this.inAnalysis = false;
      return true;
    }
    if (STACK_HEAD.test(text)) {
      this.stack = [];
      return true;
    }
    if (ANALYSIS.test(text)) {
      this.inAnalysis = true;
      return true;
    }
    if (this.inAnalysis && this.analysisLine(text)) return true;
    if (this.eventLine(text, at)) return true;
    return CHATTER.test(text.trim());
  }

  end(): void {
    this.endStack();
  }

  private eventLine(text: string, at: SourceLine): boolean {
    const e = EVENT.exec(text);
    if (e) {
      const [, time = '', skb, func = '', columns = '', summary = ''] = e;
      if (!/^[A-Za-z_][\w.]*(?:\s->\s.*)?$/.test(func)) return false;
      const event = this.event(func.split(' -> ')[0] ?? func, time, at, summary);
      const cpu = /\[cpu:\s*(\d+)\s*\]/.exec(columns);
      if (cpu?.[1]) event.cpu = Number(cpu[1]);
      const task = /\[pid:\s*(\d+)\s*\]\[([^\]]*?)\s*\]/.exec(columns);
      const newTask = /\]\[([^\]]*-\d+)\]\[ns:/.exec(columns);
      if (task) event.task = `${task[2] ?? ''}-${task[1] ?? ''}`;
      else if (newTask?.[1]) event.task = newTask[1];
      this.keep(event, skb);
      return true;
    }
    const old = OLD_EVENT.exec(text);
    if (old) {
      const [, time = '', func = '', summary = ''] = old;
      this.keep(this.event(func, time, at, summary), undefined);
      return true;
    }
    const drop = DROP_ONLY.exec(text);
    if (drop) {
      const [, time = '', , reason = '', where = ''] = drop;
      const event = this.event(where, time, at, '');
      event.drop = { reason, in: traceName(where) };
      this.keep(event, undefined);
      return true;
    }
    return false;
  }

  private event(
    func: string,
    time: string,
    at: SourceLine,
    summary: string,
  ): Omit<TraceEvent, 'seq'> {
    const fn = traceName(func);
    const event: Omit<TraceEvent, 'seq'> = { at, fn, time, packet: this.banner ?? 'nettrace' };
    const reason = /\*reason: (\w+)(?:, (\S+?))?\*/.exec(summary);
    if (reason?.[1]) {
      event.drop = { reason: reason[1] };
      if (reason[2] && reason[2] !== 'unknow') event.drop.in = traceName(reason[2]);
    } else if (isDropFunction(fn.name) && /\*packet is dropped by kernel\*/.test(summary)) {
      event.drop = { reason: '' };
    }
    return event;
  }

  private keep(event: Omit<TraceEvent, 'seq'>, skb: string | undefined): void {
    this.lastSeq = this.sink.add(event, skb ?? this.banner);
  }

  /** The stack printed after an event: its callers, innermost first. */
  private endStack(): void {
    const frames = this.stack;
    this.stack = undefined;
    if (!frames || frames.length === 0 || this.lastSeq === undefined) return;
    const event = this.sink.events[this.lastSeq - 1];
    if (!event) return;
    // The first frame is the traced function itself (`icmp_rcv+0x1`).
    while (frames[0]?.fn.name === event.fn.name) frames.shift();
    const callers = frames.reverse();
    const common: Omit<TraceEvent, 'seq' | 'fn' | 'at' | 'parent'> = { packet: event.packet };
    if (event.cpu !== undefined) common.cpu = event.cpu;
    const parent = this.sink.addChain(callers, common, undefined, this.banner);
    // The event was kept before its stack was read: its caller is the innermost frame.
    if (parent !== undefined && event.parent === undefined) event.parent = parent;
  }

  /** A line of the ANALYSIS RESULT block: the drop's reason and location. */
  private analysisLine(text: string): boolean {
    const finding = FINDING.exec(text);
    if (finding) {
      const fn = traceName(finding[1] ?? '');
      const packet = this.banner ?? 'nettrace';
      const events = this.sink.events;
      let drop: TraceEvent | undefined;
      for (let i = events.length - 1; i >= 0 && !drop; i--) {
        const e = events[i];
        if (e?.packet !== packet) break;
        if (e.fn.name === fn.name && e.drop) drop = e;
      }
      this.finding = drop ? { drop } : {};
      return true;
    }
    if (!this.finding) return /^\s/.test(text);
    const trimmed = text.trim();
    if (/^drop reason:$/.test(trimmed)) this.finding.expect = 'reason';
    else if (/^location:$/.test(trimmed)) this.finding.expect = 'location';
    else if (this.finding.expect && this.finding.drop?.drop && /^\S+$/.test(trimmed)) {
      if (this.finding.expect === 'reason') this.finding.drop.drop.reason = trimmed;
      else this.finding.drop.drop.in = traceName(trimmed);
      this.finding.expect = undefined;
    } else if (!/^\s/.test(text)) return false;
    return true;
  }
}

export const NETTRACE: FormatSpec = {
  name: 'nettrace',
  signatures: [BANNER, OLD_BANNER, EVENT, OLD_EVENT, STACK_FRAME, ANALYSIS],
  create: (sink) => new NettraceReader(sink),
};
