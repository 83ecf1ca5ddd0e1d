// Kernel stack dumps: oops, WARNING, KASAN and syzbot reports, `dump_stack()`, each as
// the kernel prints it (lib/dump_stack.c, arch/x86/kernel/dumpstack.c) or as
// scripts/decode_stacktrace.sh and syzbot decode it:
//   ` ip_local_deliver+0x1ce/0x6e0 net/ipv4/ip_input.c:257`     a frame, with its place
//   ` dst_input include/net/dst.h:464 [inline]`                 a function inlined there
//   ` ? __pfx_ip_rcv+0x10/0x10`                                  an unreliable frame
//   ` ip_rcv (include/net/dst.h:469 (discriminator 4))`         decoded
//   ` [<ffffffff8146b0a3>] ? nf_queue+0x103/0x1a0 [imq]`        before 4.x
// innermost first, with `<IRQ>`/`</IRQ>` and `<TASK>` around each context, after `Call
// Trace:` (or `Allocated by task N:` in KASAN's report). Each stack is a packet; its
// reliable frames, outermost first, call each other. The frames of the report itself
// (dump_stack, kasan_report, __warn) and unreliable ones are left out and counted.

import type { SourceLine, TraceEvent, TraceFormat } from './events';
import type { FormatReader, FormatSpec } from './format';
import { withoutLogPrefix } from './format';
import type { TraceName } from './names';
import type { EventSink, Frame } from './sink';
import { traceName } from './sink';

const PLACE = String.raw`([\w/.+-]+\.[chS]):(\d+)(?: \(discriminator \d+\))?`;
const NAME = String.raw`([\w.$]+)`;
const OFFSET = String.raw`\+0x[0-9a-f]+\/0x[0-9a-f]+`;
const MODULE = String.raw`(?: \[([\w-]+)\])?`;

/** The frame forms, each with where its parts are. */
const FRAMES: readonly {
  re: RegExp;
  unreliable?: number;
  name: number;
  file?: number;
  line?: number;
  module?: number;
  inline?: true;
}[] = [
  {
    // ` func+0x1a/0x2b [module] file.c:12`, `? func+0x1a/0x2b`
    re: new RegExp(`^(\\? )?${NAME}${OFFSET}${MODULE}(?:\\s+${PLACE})?$`),
    unreliable: 1,
    name: 2,
    module: 3,
    file: 4,
    line: 5,
  },
  {
    // ` func file.c:12 [inline]`
    re: new RegExp(`^${NAME} ${PLACE} \\[inline\\]$`),
    name: 1,
    file: 2,
    line: 3,
    inline: true,
  },
  {
    // ` ? func (file.c:12 (discriminator 2)) [module]`, decode_stacktrace.sh
    re: new RegExp(`^(\\? )?${NAME}(?:${OFFSET})? \\(${PLACE}\\)${MODULE}$`),
    unreliable: 1,
    name: 2,
    file: 3,
    line: 4,
    module: 5,
  },
  {
    // ` [<ffffffff8146b0a3>] ? nf_queue+0x103/0x1a0 [imq]`
    re: new RegExp(`^\\[<[0-9a-f]+>\\] (\\? )?${NAME}${OFFSET}${MODULE}$`),
    unreliable: 1,
    name: 2,
    module: 3,
  },
];

/** The function the CPU was in: `RIP: 0010:func+0x1a/0x2b`, `pc : func+0x1a/0x2b` (arm64). */
const RIP = new RegExp(`^(?:RIP: [0-9a-f]{4}:|pc : )${NAME}(?:${OFFSET})?${MODULE}`);
const CALL_TRACE =
  /^(?:Call Trace:|Call trace:|Allocated by task \d+:|Freed by task \d+:|Last potentially related work creation:|Second to last potentially related work creation:)\s*$/;
const CONTEXT = /^<\/?(?:IRQ|TASK|NMI|SOFTIRQ|EOI)>$/;
/** The report's own frames: how the kernel prints a stack, KASAN and WARN at work. */
const REPORT_FRAMES =
  /^(?:(?:__)?dump_stack(?:_lvl)?|show_stack|show_regs|show_trace_log_lvl|print_address_description|print_report|__?kasan_report(?:_error)?|kasan_\w+|__kasan_\w+|__asan_\w+|check_memory_region|kasan_check_range|__warn(?:_printk)?|warn_slowpath_\w+|report_bug|handle_bug|exc_invalid_op|asm_exc_invalid_op|panic|__stack_chk_fail|save_stack|stack_trace_save|kmsan_\w+|__msan_\w+|ubsan_\w+|__ubsan_\w+)$/;
const REPORT_LINE =
  /^(?:BUG:|WARNING:|KASAN:|UBSAN:|#PF:|general protection fault|Oops|Kernel panic|CPU: \d+|Hardware name|Workqueue:|Code:|RSP:|RAX:|RDX:|RBP:|R\d+:|FS:|CS:|CR2:|DR\d:|Modules linked in|---\[ end trace|Read of size|Write of size|The buggy address|Memory state|page:|flags:|raw:|page dumped|\s*[0-9a-f]{16}:|Disabling lock debugging|Tainted:|Call Trace:|=+$|-+$|Dumping ftrace buffer|irq event stamp|hardirqs |softirqs |Kernel Offset|Rebooting|INFO:|syzbot|RIP:|pc :|lr :|sp :|x\d+ :|<\/?(?:IRQ|TASK|NMI)>)/;

/** What an oops prints between a context's frames: registers, the code bytes. */
const REGISTERS =
  /^(?:Code:|RSP:|RAX:|RBX:|RCX:|RDX:|RSI:|RDI:|RBP:|R\d+:|FS:|CS:|CR\d:|DR\d:|PKRU:|EFLAGS:|ORIG_RAX:)/;

interface Segment {
  frames: Frame[];
}

class StackDumpReader implements FormatReader {
  private segments: Segment[] | undefined;
  private rip: TraceName | undefined;
  private stacks = 0;

  constructor(private readonly sink: EventSink) {}

  format(): TraceFormat {
    return 'stack-dump';
  }

  line(raw: string, at: SourceLine): boolean {
    const text = withoutLogPrefix(raw).trim();
    if (text === '') {
      this.flush();
      return true;
    }
    if (CALL_TRACE.test(text)) {
      this.flush();
      this.segments = [{ frames: [] }];
      return true;
    }
    if (CONTEXT.test(text)) {
      // Another context: its frames do not call the ones before.
      if (this.segments && (this.segments[this.segments.length - 1]?.frames.length ?? 0) > 0)
        this.segments.push({ frames: [] });
      return true;
    }
    const rip = RIP.exec(text);
    if (rip?.[1]) {
      const fn = traceName(rip[2] ? `${rip[1]} [${rip[2]}]` : rip[1]);
      // Inside a stack, the function a context was interrupted in: the innermost frame of
      // that context, whose callers follow. Before one, where the report itself happened.
      if (this.segments) this.segments.push({ frames: [{ fn, at }] });
      else this.rip = fn;
      return true;
    }
    for (const f of FRAMES) {
      const m = f.re.exec(text);
      if (!m) continue;
      const printed = m[f.name] ?? '';
      const module = f.module !== undefined ? m[f.module] : undefined;
      const fn = traceName(module ? `${printed} [${module}]` : printed);
      if ((f.unreliable !== undefined && m[f.unreliable]) || REPORT_FRAMES.test(fn.name)) {
        this.sink.skipFrames();
        if (!this.segments) this.segments = [{ frames: [] }];
        return true;
      }
      const frame: Frame = { fn, at };
      const file = f.file !== undefined ? m[f.file] : undefined;
      const line = f.line !== undefined ? m[f.line] : undefined;
      if (file && line) frame.site = { file: file.replace(/^\.\//, ''), line: Number(line) };
      if (f.inline) frame.inline = true;
      if (!this.segments) this.segments = [{ frames: [] }];
      this.segments[this.segments.length - 1]?.frames.push(frame);
      return true;
    }
    // The registers and code printed between a stack's contexts do not end it.
    if (this.segments && REGISTERS.test(text)) return true;
    this.flush();
    return REPORT_LINE.test(text);
  }

  end(): void {
    this.flush();
  }

  /** Keeps the stack read: each context's frames, outermost first. */
  private flush(): void {
    const segments = this.segments;
    this.segments = undefined;
    if (!segments || segments.every((s) => s.frames.length === 0)) return;
    this.stacks++;
    const common: Omit<TraceEvent, 'seq' | 'fn' | 'at' | 'parent'> = {
      packet: `stack ${this.stacks}`,
    };
    const rip = this.rip;
    this.rip = undefined;
    const first = segments.find((s) => s.frames.length > 0);
    if (rip && first && first.frames[0]?.fn.name !== rip.name)
      first.frames.unshift({ fn: rip, at: first.frames[0]?.at ?? { input: 0, line: 0 } });
    // The innermost context is printed first; its outermost frame was called by nothing shown.
    for (const s of [...segments].reverse()) {
      if (s.frames.length > 0) this.sink.addChain([...s.frames].reverse(), common);
    }
  }
}

export const STACK_DUMP: FormatSpec = {
  name: 'stack-dump',
  signatures: [
    ...FRAMES.map((f) => f.re),
    CALL_TRACE,
    CONTEXT,
    RIP,
    /^(?:BUG: KASAN|WARNING: CPU|general protection fault|Oops:|BUG: unable to handle)/,
  ],
  create: (sink) => new StackDumpReader(sink),
};
