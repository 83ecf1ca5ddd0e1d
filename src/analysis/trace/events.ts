// What the trace readers hand the join: one TraceEvent per function a tracer saw, in the
// order it saw them, with the nesting the tracer gave (function_graph, stacks) and the
// packet each belongs to. Plain data: the readers know nothing of the graph.

import type { TraceName } from './names';

/** The tracers (and output modes) a trace can come from; detection names one per input. */
export type TraceFormat =
  | 'pwru'
  | 'pwru-json'
  | 'function_graph'
  | 'function'
  | 'ftrace-stack'
  | 'perf-script'
  | 'nettrace'
  | 'stack-dump';

/** How each format is named to users. */
export const FORMAT_TITLES: Record<TraceFormat, string> = {
  pwru: 'pwru',
  'pwru-json': 'pwru --output-json',
  function_graph: 'ftrace function_graph',
  function: 'ftrace function tracer',
  'ftrace-stack': 'ftrace stack traces',
  'perf-script': 'perf script call chains',
  nettrace: 'nettrace',
  'stack-dump': 'kernel stack dump',
};

/** Where an event was read: which input (0-based, in the order given) and which line (1-based). */
export interface SourceLine {
  input: number;
  line: number;
}

export interface TraceEvent {
  /** The event's number, 1-based, in the order events were read (outermost frame first for a stack). */
  seq: number;
  at: SourceLine;
  fn: TraceName;
  /** Where the tracer says the function is: a stack dump's `file:line`. */
  site?: { file: string; line: number };
  /** A stack dump's `[inline]` frame: the function was inlined into its caller. */
  inline?: true;
  cpu?: number;
  /** The timestamp as printed (seconds, or pwru's nanoseconds). */
  time?: string;
  /** The task, e.g. `curl:3378` or `<idle>-0`. */
  task?: string;
  /** The packet (see `packetKey`): an skb address, a CPU's call tree, a stack. */
  packet: string;
  /** The event whose function called this one (its `seq`), when the tracer gave nesting. */
  parent?: number;
  /**
   * Set when the tracer gives this event's callers (a stack frame, a function_graph call):
   * then an event without `parent` is the outermost one shown, joined from nothing.
   */
  nested?: true;
  /** The caller a tracer names beside the function (pwru --output-caller, `func <-parent`). */
  caller?: TraceName;
  /**
   * A drop: the reason as the tracer printed it (`SKB_DROP_REASON_NO_SOCKET`, `NO_SOCKET`, a
   * number, or '' when it gave none), and the function that dropped the skb when the tracer
   * names it (nettrace's `location: nf_hook_slow+0x96`).
   */
  drop?: { reason: string; in?: TraceName };
}

/** What reading left out, by kind, with the first example of each. */
export interface Skipped {
  /** Lines that are no part of the detected format. */
  lines: number;
  /** The first such line, cut short, and its place. */
  first?: { at: SourceLine; text: string };
  /** Stack frames left out: unreliable (`? func`), of the report itself (dump_stack, kasan), of user space. */
  frames: number;
  /** Events not kept: past the event limit, or of another skb than `--skb`. */
  events: number;
}

/** One input read: its format and what it held. */
export interface InputRead {
  /** The format detected, or undefined when the input is no trace this reader knows. */
  format?: TraceFormat;
  /** How many lines were read. */
  lines: number;
  /** Why the input is not a trace (binary data, no line of any format), when it is not. */
  problem?: string;
}

/** Everything read from the inputs, before the join. */
export interface TraceRead {
  inputs: InputRead[];
  events: TraceEvent[];
  skipped: Skipped;
  /** Remarks for the user: the event limit reached, a truncated nesting, a line cut short. */
  notes: string[];
}
