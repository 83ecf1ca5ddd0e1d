// ftrace, as the kernel's trace file (kernel/trace/trace_functions_graph.c, trace_output.c)
// and `trace-cmd report` print it:
// - function_graph: ` CPU)  duration  |  <indent>func() {`, a leaf `func();`, a return `}`
//   (`} /* func */` with funcgraph-tail), two spaces of indent per level; optional columns
//   before the `|`: absolute time, task-pid, latency flags, the overhead mark (`+ ! # * @ $`)
//   and the duration; `==========> |` and `<========== |` around an interrupt;
//   `------` banners around a context switch; `CPU:N [LOST 12 EVENTS]`; module functions
//   as `name [module]`. trace-cmd: `comm-pid [cpu] ts: funcgraph_entry: ... | func() {`.
// - function: `comm-pid [cpu] flags ts: func <-parent` (trace-cmd: `function: func <-- parent`).
// - stack traces (the `stacktrace` option, `kprobe -s` of perf-tools): an event line, then
//   `<stack trace>` and ` => func` lines, innermost first; the probed function is the
//   event's `(func+0x0/0x40)`.
// The nesting of function_graph is the call tree of each CPU: each function's parent is the
// entry still open on its CPU, and each call tree from the top is one packet.

import type { SourceLine, TraceEvent, TraceFormat } from './events';
import type { FormatReader, FormatSpec } from './format';
import type { TraceName } from './names';
import type { EventSink, Frame } from './sink';
import { traceName } from './sink';
import { isContextEntry } from './contexts';
import { isDropFunction } from './skb-life';

/** `comm-pid [cpu] flags ts: rest` of the trace file, and trace-cmd's `comm-pid [cpu] ts: rest`. */
const EVENT_LINE =
  /^\s*(.+?)-(\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[(\d+)\]\s+(?:([.a-zA-Z0-9]{3,6})\s+)?(\d+\.\d+):\s+(.*)$/;
const FUNCTION =
  /^(?:function:\s+)?([\w.$]+(?: \[[\w-]+\])?)\s+<-{1,2}\s*([\w.$]+(?:\+0x[0-9a-f]+\/0x[0-9a-f]+)?(?: \[[\w-]+\])?)\s*$/;
const STACK_EVENT = /^(?:kernel_stack:\s+)?<stack trace\s?>\s*$/;
const STACK_FRAME = /^\s*=> ([^\s(]+(?: \[[\w-]+\])?)(?: \([0-9a-f]+\))?\s*$/;
/** A probe event naming its function: `mytcp: (tcp_init_cwnd+0x0/0x40)`. */
const PROBED = /^\w+: \(([\w.$]+)\+0x0\/0x[0-9a-f]+(?: \[([\w-]+)\])?\)/;
const GRAPH_TRACE_CMD = /^funcgraph_(entry|exit):\s+(.*)$/;

/** The function part of a function_graph line, after its `|`. */
const GRAPH_ENTRY = /^([\w.$]+(?: \[[\w-]+\])?)\((.*)\)\s*\{\s*(?:\/\*.*\*\/\s*)?$/;
const GRAPH_LEAF = /^([\w.$]+(?: \[[\w-]+\])?)\((.*)\);\s*(?:\/\*.*\*\/\s*)?$/;
const GRAPH_EXIT = /^\}\s*(?:\/\*.*\*\/\s*)?$/;
const GRAPH_COMMENT = /^\/\*\s*(.*?)\s*\*\/\s*$/;
/** What may stand before a function_graph line's `|`: time, `CPU)`, task-pid, flags, overhead, duration. */
const GRAPH_PREFIX =
  /^\s*(?:(\d+\.\d+)\s+\|\s+)?(?:(\d+)\)\s*)?(?:(\S+-\d+)\s+\|\s+)?(?:[.a-zA-Z0-9]{4,5}\s+\|\s+)?(?:[+!#*@$]\s+)?(?:\d+(?:\.\d+)?\s+us\s+)?$/;
const CONTEXT_SWITCH = /^\s*(?:\d+\)\s+)?\S+-\d+\s+=>\s+\S+-\d+\s*$/;
const BANNER = /^\s*-{20,}\s*$/;
const LOST = /^CPU:\d+ \[LOST (?:\d+ )?EVENTS\]$/;
/** Comment lines of the trace file, and trace-cmd report's header. */
const HEADER_COMMENT = /^(?:#|cpus=\d+$|CPU \d+ is empty$|version = \d+$)/;

/** One CPU's open calls: the event of each open entry, or a wall where an interrupt came in. */
type Open = { seq: number | undefined; depth: number } | { wall: true; depth: number };

class FtraceReader implements FormatReader {
  private readonly open = new Map<number, Open[]>();
  private readonly trees = new Map<number, number>();
  private readonly packetOf = new Map<number, string>();
  private stack: { frames: Frame[]; probe?: Pending; cpu: number } | undefined;
  private probe: Pending | undefined;
  private stacks = 0;
  private readonly seen = { graph: 0, function: 0, stack: 0 };
  private unmatchedCloses = 0;

  constructor(private readonly sink: EventSink) {}

  format(): TraceFormat {
    if (this.seen.graph > 0) return 'function_graph';
    if (this.seen.function > 0 && this.seen.function >= this.seen.stack) return 'function';
    return this.seen.stack > 0 ? 'ftrace-stack' : 'function_graph';
  }

  line(text: string, at: SourceLine): boolean {
    if (this.stack) {
      const frame = STACK_FRAME.exec(text);
      if (frame?.[1]) {
        this.stack.frames.push({ fn: traceName(frame[1]), at });
        return true;
      }
      this.endStack();
    }
    if (text.trim() === '' || HEADER_COMMENT.test(text)) return true;
    if (BANNER.test(text) || CONTEXT_SWITCH.test(text) || LOST.test(text)) {
      if (LOST.test(text)) this.open.clear();
      return true;
    }
    const event = EVENT_LINE.exec(text);
    if (event) return this.eventLine(event, at);
    return this.graphLine(text, at, undefined);
  }

  end(): void {
    this.endStack();
    this.flushProbe();
    if (this.unmatchedCloses > 0)
      this.sink.notes.push(
        `the function_graph trace starts inside ${this.unmatchedCloses} call${this.unmatchedCloses === 1 ? '' : 's'}: their returns have no entry`,
      );
  }

  /** A line of the trace file's event format, or of trace-cmd report. */
  private eventLine(m: RegExpExecArray, at: SourceLine): boolean {
    const [, comm = '', pid = '', cpuText = '', , time = '', rest = ''] = m;
    const cpu = Number(cpuText);
    const task = `${comm.trim()}-${pid}`;
    const graph = GRAPH_TRACE_CMD.exec(rest);
    if (graph) return this.graphLine(graph[2] ?? '', at, { cpu, time, task });
    if (STACK_EVENT.test(rest)) {
      this.stack = { frames: [], cpu, ...(this.probe?.cpu === cpu ? { probe: this.probe } : {}) };
      if (this.probe?.cpu === cpu) this.probe = undefined;
      return true;
    }
    this.flushProbe();
    const fn = FUNCTION.exec(rest);
    if (fn?.[1] && fn[2]) {
      this.seen.function++;
      const e: Omit<TraceEvent, 'seq'> = {
        at,
        fn: traceName(fn[1]),
        caller: traceName(fn[2]),
        cpu,
        time,
        task,
        packet: `cpu ${cpu}`,
      };
      this.sink.add(e);
      return true;
    }
    const probed = PROBED.exec(rest);
    if (probed?.[1]) {
      const name = traceName(probed[2] ? `${probed[1]} [${probed[2]}]` : probed[1]);
      this.probe = { fn: name, cpu, time, task, at };
      return true;
    }
    // Another event (a tracepoint) of the trace: part of the format, nothing to draw.
    return true;
  }

  /** A function_graph line; `ctx` is trace-cmd's task, CPU and time, when it printed them. */
  private graphLine(
    text: string,
    at: SourceLine,
    ctx: { cpu: number; time: string; task: string } | undefined,
  ): boolean {
    if (!text.includes('|')) return false;
    const commentAt = text.indexOf('/*');
    const bar = commentAt >= 0 ? text.lastIndexOf('|', commentAt) : text.lastIndexOf('|');
    const prefix = text.slice(0, bar);
    const body = text.slice(bar + 1);
    const p = GRAPH_PREFIX.exec(prefix);
    if (!p && !ctx) {
      if (/==========>|<==========/.test(text)) return this.irqMarker(text);
      return false;
    }
    const cpu = ctx?.cpu ?? (p?.[2] !== undefined ? Number(p[2]) : 0);
    const time = ctx?.time ?? p?.[1];
    const task = ctx?.task ?? p?.[3];
    const indent = /^\s*/.exec(body)?.[0].length ?? 0;
    const depth = Math.max(0, Math.floor((indent - 2) / 2));
    const part = body.trim();
    if (/^==========>$/.test(part) || /^<==========$/.test(part)) return this.irqMarker(part, cpu);
    const entry = GRAPH_ENTRY.exec(part);
    const leaf = entry ? undefined : GRAPH_LEAF.exec(part);
    if (entry?.[1] || leaf?.[1]) {
      this.seen.graph++;
      const fn = traceName((entry ?? leaf)?.[1] ?? '');
      const seq = this.call(fn, cpu, depth, at, time, task);
      if (entry) this.stackOf(cpu).push({ seq, depth });
      return true;
    }
    if (GRAPH_EXIT.test(part)) {
      this.seen.graph++;
      const open = this.stackOf(cpu);
      const top = open[open.length - 1];
      if (top && !('wall' in top)) open.pop();
      else if (!top) this.unmatchedCloses++;
      return true;
    }
    const comment = GRAPH_COMMENT.exec(part);
    if (comment) {
      this.dropComment(comment[1] ?? '', cpu);
      return true;
    }
    return false;
  }

  /** The open calls of a CPU. */
  private stackOf(cpu: number): Open[] {
    let s = this.open.get(cpu);
    if (!s) {
      s = [];
      this.open.set(cpu, s);
    }
    return s;
  }

  /** A call at `depth` on `cpu`: its parent is the innermost entry still open there. */
  private call(
    fn: TraceName,
    cpu: number,
    depth: number,
    at: SourceLine,
    time: string | undefined,
    task: string | undefined,
  ): number | undefined {
    const open = this.stackOf(cpu);
    // Lost returns (a full buffer, a depth limit): the indent says how deep this call is.
    while (open.length > 0 && (open[open.length - 1]?.depth ?? 0) >= depth && !this.isWallTop(open))
      open.pop();
    const top = open[open.length - 1];
    if (open.length === 0 || !this.packetOf.has(cpu)) {
      const n = (this.trees.get(cpu) ?? 0) + 1;
      this.trees.set(cpu, n);
      this.packetOf.set(cpu, `cpu ${cpu} #${n}`);
    }
    const e: Omit<TraceEvent, 'seq'> = {
      at,
      fn,
      cpu,
      packet: this.packetOf.get(cpu) ?? `cpu ${cpu}`,
      nested: true,
    };
    if (time !== undefined) e.time = time;
    if (task !== undefined) e.task = task;
    // An interrupt's entry point was not called by the function it interrupted.
    const parent = top && !('wall' in top) && !isContextEntry(fn.name) ? top.seq : undefined;
    if (parent !== undefined) e.parent = parent;
    if (isDropFunction(fn.name)) e.drop = { reason: '' };
    return this.sink.add(e);
  }

  private isWallTop(open: Open[]): boolean {
    const top = open[open.length - 1];
    return top !== undefined && 'wall' in top;
  }

  /** `==========>` opens an interrupt on the CPU, `<==========` closes it. */
  private irqMarker(text: string, cpu?: number): boolean {
    const c = cpu ?? Number(/^\s*(\d+)\)/.exec(text)?.[1] ?? 0);
    const open = this.stackOf(c);
    if (text.includes('==========>')) {
      open.push({ wall: true, depth: Number.MAX_SAFE_INTEGER });
    } else {
      while (open.length > 0 && !this.isWallTop(open)) open.pop();
      open.pop();
    }
    return true;
  }

  /** A `kfree_skb` event printed inside the graph: the reason of the drop under way on the CPU. */
  private dropComment(text: string, cpu: number): void {
    const m = /^kfree_skb: .*\breason: (\w+)/.exec(text);
    if (!m?.[1]) return;
    const open = this.stackOf(cpu);
    for (let i = open.length - 1; i >= 0; i--) {
      const o = open[i];
      if (!o || 'wall' in o || o.seq === undefined) continue;
      const e = this.sink.events[o.seq - 1];
      if (e && isDropFunction(e.fn.name)) {
        e.drop = { reason: m[1] };
        return;
      }
    }
  }

  private flushProbe(): void {
    const p = this.probe;
    if (!p) return;
    this.probe = undefined;
    this.sink.add({
      at: p.at,
      fn: p.fn,
      cpu: p.cpu,
      time: p.time,
      task: p.task,
      packet: `cpu ${p.cpu}`,
    });
  }

  /** A `<stack trace>` block: its frames call each other, outermost first, then the probed function. */
  private endStack(): void {
    const s = this.stack;
    this.stack = undefined;
    if (!s) return;
    this.seen.stack++;
    this.stacks++;
    const frames = s.frames.slice();
    if (s.probe && frames[0]?.fn.name === s.probe.fn.name) frames.shift();
    frames.reverse();
    if (s.probe) frames.push({ fn: s.probe.fn, at: s.probe.at });
    const common: Omit<TraceEvent, 'seq' | 'fn' | 'at' | 'parent'> = {
      packet: `stack ${this.stacks}`,
      cpu: s.cpu,
    };
    if (s.probe) {
      common.time = s.probe.time;
      common.task = s.probe.task;
    }
    this.sink.addChain(frames, common);
  }
}

interface Pending {
  fn: TraceName;
  cpu: number;
  time: string;
  task: string;
  at: SourceLine;
}

export const FTRACE: FormatSpec = {
  name: 'ftrace',
  signatures: [
    /^\s*\d+\)\s+(?:[+!#*@$]\s+)?(?:\d+\.\d+\s+us\s+)?\|\s+(?:[\w.$]+(?: \[[\w-]+\])?\(.*\)\s*[{;]|\})/,
    /funcgraph_(?:entry|exit):/,
    /^# tracer: (?:function_graph|function|nop)/,
    /^\s*.+?-\d+\s+\[\d+\]\s.*\d+\.\d+:\s+(?:function:\s+)?[\w.$]+\s+<-{1,2}\s*[\w.$]+/,
    /<stack trace\s?>/,
    /^ => [\w.$]+/,
  ],
  create: (sink) => new FtraceReader(sink),
};
