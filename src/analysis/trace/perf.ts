// `perf script` of a recording with call chains (`perf record -g`): a sample header
// `comm pid/tid [cpu] ts: [period] event:`, then one frame a line, tab-indented,
// `addr sym+0xoff (dso)`, innermost first, and a blank line. Kernel frames name the dso
// `[kernel.kallsyms]`, a module's `.ko` or `[module]`; user-space frames are left out and
// counted. Each sample is a packet; its kernel frames, outermost first, call each other.

import type { SourceLine, TraceEvent, TraceFormat } from './events';
import type { FormatReader, FormatSpec } from './format';
import type { EventSink, Frame } from './sink';
import { traceName } from './sink';

const SAMPLE = /^(\S.*?)\s+(\d+)(?:\/(\d+))?\s+\[(\d+)\]\s+(\d+\.\d+):\s+(?:\d+\s+)?([\w:.@/-]+):/;
const FRAME = /^\s+([0-9a-f]+) (.+?) \(([^()]+)\)\s*$/;

/** The module a kernel frame's dso names, '' for the kernel itself, undefined for user space. */
function kernelDso(dso: string): string | undefined {
  if (/^\[kernel\.(?:kallsyms|vmlinux)\]/.test(dso) || /\/vmlinux(?:-[\w.-]+)?$/.test(dso))
    return '';
  const ko = /([\w-]+)\.ko(?:\.\w+)?$/.exec(dso);
  if (ko?.[1]) return ko[1];
  const bracket = /^\[([\w-]+)\]$/.exec(dso);
  if (
    bracket?.[1] &&
    !['unknown', 'vdso', 'vsyscall', 'heap', 'stack', 'anon'].includes(bracket[1])
  )
    return bracket[1];
  return undefined;
}

class PerfScriptReader implements FormatReader {
  private sample: { frames: Frame[]; cpu: number; time: string; task: string } | undefined;
  private samples = 0;

  constructor(private readonly sink: EventSink) {}

  format(): TraceFormat {
    return 'perf-script';
  }

  line(text: string, at: SourceLine): boolean {
    if (text.trim() === '') {
      this.flush();
      return true;
    }
    const frame = FRAME.exec(text);
    if (frame && this.sample) {
      const [, , sym = '', dso = ''] = frame;
      const module = kernelDso(dso);
      if (module === undefined || sym === '[unknown]') this.sink.skipFrames();
      else this.sample.frames.push({ fn: traceName(module ? `${sym} [${module}]` : sym), at });
      return true;
    }
    const sample = SAMPLE.exec(text);
    if (sample) {
      this.flush();
      const [, comm = '', pid = '', tid, cpu = '', time = ''] = sample;
      this.sample = { frames: [], cpu: Number(cpu), time, task: `${comm.trim()}-${tid ?? pid}` };
      return true;
    }
    this.flush();
    return false;
  }

  end(): void {
    this.flush();
  }

  private flush(): void {
    const s = this.sample;
    this.sample = undefined;
    if (!s || s.frames.length === 0) return;
    this.samples++;
    const common: Omit<TraceEvent, 'seq' | 'fn' | 'at' | 'parent'> = {
      packet: `sample ${this.samples}`,
      cpu: s.cpu,
      time: s.time,
      task: s.task,
    };
    this.sink.addChain([...s.frames].reverse(), common);
  }
}

export const PERF_SCRIPT: FormatSpec = {
  name: 'perf-script',
  signatures: [SAMPLE, /^\s+[0-9a-f]+ \S+ \(\[kernel\.kallsyms\]\)/],
  create: (sink) => new PerfScriptReader(sink),
};
