// Reading traces: bytes in, events out. The caller (the CLI, the extension) hands each
// input's bytes in chunks as it reads them, so that a trace of any size streams through and
// memory stays bounded: lines longer than MAX_LINE are cut, at most `maxEvents` events are
// kept, and the first lines of each input decide its format (`detectFormat`). Pure: no I/O.

import type { InputRead, SourceLine, TraceFormat, TraceRead } from './events';
import { FORMAT_TITLES } from './events';
import type { FormatReader, FormatSpec } from './format';
import { withoutLogPrefix } from './format';
import { FTRACE } from './ftrace';
import { NETTRACE } from './nettrace';
import { PERF_SCRIPT } from './perf';
import { PWRU } from './pwru';
import type { SinkOptions } from './sink';
import { EventSink } from './sink';
import { STACK_DUMP } from './stack-dump';

/** Every format, in the order a tie in detection goes. */
export const FORMATS: readonly FormatSpec[] = [PWRU, NETTRACE, FTRACE, PERF_SCRIPT, STACK_DUMP];

/** Lines longer than this are cut: no trace prints one, and binary data would fill memory. */
export const MAX_LINE = 64 * 1024;
/** Detection reads at most this many lines (or DETECT_BYTES) of an input before it decides. */
const DETECT_LINES = 2000;
const DETECT_BYTES = 1024 * 1024;
/** An input with no line of any format in this many lines is no trace: the rest is not read. */
const SCAN_LINES = 100_000;
/**
 * The default event limit: past it, a trace's events are counted, not kept, so memory
 * stays bounded (a packet is a few dozen events; `--skb` keeps one packet of any trace).
 */
export const DEFAULT_MAX_EVENTS = 200_000;

/** Terminal colours (nettrace prints its notes in colour). */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

/**
 * The format most of `lines` belong to: each line counts once for every format one of
 * whose signatures it matches; a format needs at least one line. Undefined when no line
 * is of any format.
 */
export function detectFormat(lines: readonly string[]): FormatSpec | undefined {
  const counts = FORMATS.map(() => 0);
  for (const line of lines) {
    const bare = withoutLogPrefix(line).trim();
    FORMATS.forEach((f, i) => {
      if (f.signatures.some((re) => re.test(line) || re.test(bare)))
        counts[i] = (counts[i] ?? 0) + 1;
    });
  }
  let best = -1;
  counts.forEach((c, i) => {
    if (c > 0 && (best < 0 || c > (counts[best] ?? 0))) best = i;
  });
  return best < 0 ? undefined : FORMATS[best];
}

export interface ReadOptions {
  /** Keep only this skb's events (`--skb ADDR`). */
  skb?: string;
  /** Keep at most this many events (DEFAULT_MAX_EVENTS). */
  maxEvents?: number;
}

/** One input being read: its lines until the format is known, then its reader. */
interface Input {
  name: string;
  index: number;
  lines: number;
  /** The partial last line of the bytes so far. */
  rest: Buffer[];
  restBytes: number;
  /** Whether the line being read was cut at MAX_LINE (the rest is skipped to its end). */
  cutting: boolean;
  /** Lines held until detection decides, and their size. */
  held: { text: string; at: SourceLine }[];
  heldBytes: number;
  reader?: FormatReader;
  spec?: FormatSpec;
  problem?: string;
  /** Whether the first bytes were looked at for binary data. */
  checked: boolean;
}

/**
 * Reads traces: `begin(name)`, `push(bytes)` as often as needed, `end()`, for each input in
 * turn, then `result()`.
 */
export class TraceReader {
  private readonly sink: EventSink;
  private readonly inputs: Input[] = [];
  private current: Input | undefined;
  private cutLines = 0;

  constructor(options: ReadOptions = {}) {
    const sinkOptions: SinkOptions = { maxEvents: options.maxEvents ?? DEFAULT_MAX_EVENTS };
    if (options.skb !== undefined) sinkOptions.skb = options.skb;
    this.sink = new EventSink(sinkOptions);
  }

  /** Starts the next input, named as the user named it (a path, `-`). */
  begin(name: string): void {
    if (this.current) this.end();
    this.current = {
      name,
      index: this.inputs.length,
      lines: 0,
      rest: [],
      restBytes: 0,
      cutting: false,
      held: [],
      heldBytes: 0,
      checked: false,
    };
    this.inputs.push(this.current);
  }

  /** Hands over the next bytes of the current input. */
  push(chunk: Uint8Array): void {
    const input = this.current;
    if (!input || input.problem) return;
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!input.checked) {
      input.checked = true;
      // Text has no NUL bytes; compressed files, images and executables do early on.
      if (bytes.subarray(0, 8192).includes(0)) {
        input.problem = 'binary data, not a trace';
        return;
      }
    }
    let start = 0;
    for (let nl = bytes.indexOf(10, start); nl >= 0; nl = bytes.indexOf(10, start)) {
      this.append(input, bytes.subarray(start, nl));
      this.lineEnd(input);
      start = nl + 1;
    }
    if (start < bytes.length) this.append(input, bytes.subarray(start));
  }

  /** Ends the current input. */
  end(): void {
    const input = this.current;
    if (!input) return;
    this.current = undefined;
    if (!input.problem && input.restBytes > 0) {
      this.lineEnd(input);
      if (input.reader || input.held.length > 0)
        this.sink.notes.push(
          `the last line of ${input.name} has no line end: the trace may be cut short`,
        );
    }
    if (!input.problem) this.decide(input);
    input.reader?.end();
  }

  /** What was read from every input. */
  result(): TraceRead {
    if (this.current) this.end();
    const notes = [...this.sink.notes];
    if (this.cutLines > 0)
      notes.push(
        `${this.cutLines} line${this.cutLines === 1 ? ' was' : 's were'} longer than ${MAX_LINE} bytes and cut`,
      );
    const inputs: InputRead[] = this.inputs.map((i) => {
      const r: InputRead = { lines: i.lines };
      if (i.reader) r.format = i.reader.format();
      if (i.problem) r.problem = i.problem;
      return r;
    });
    return { inputs, events: this.sink.events, skipped: this.sink.skipped, notes };
  }

  /** Whether the current input turned out to be no trace: the caller may stop reading it. */
  get abandoned(): boolean {
    return this.current?.problem !== undefined;
  }

  /** Whether the event limit was reached: the caller may stop reading the rest. */
  get full(): boolean {
    return this.sink.isFull;
  }

  /** Stops reading the current input early (the event limit was reached), and says so. */
  stop(): void {
    const input = this.current;
    if (!input) return;
    this.sink.notes.push(`${input.name} was read up to line ${input.lines}: the rest was not read`);
    input.rest = [];
    input.restBytes = 0;
    this.end();
  }

  /** The name of input `index` as the caller gave it. */
  inputName(index: number): string {
    return this.inputs[index]?.name ?? '';
  }

  private append(input: Input, bytes: Buffer): void {
    if (input.cutting || bytes.length === 0) return;
    const room = MAX_LINE - input.restBytes;
    if (bytes.length > room) {
      input.rest.push(bytes.subarray(0, room));
      input.restBytes += room;
      input.cutting = true;
      this.cutLines++;
      return;
    }
    input.rest.push(Buffer.from(bytes));
    input.restBytes += bytes.length;
  }

  private lineEnd(input: Input): void {
    const raw = input.rest.length === 1 ? (input.rest[0] as Buffer) : Buffer.concat(input.rest);
    input.rest = [];
    input.restBytes = 0;
    input.cutting = false;
    input.lines++;
    const at: SourceLine = { input: input.index, line: input.lines };
    if (raw.includes(0)) {
      this.sink.skipLine('(binary data)', at);
      return;
    }
    const text = raw.toString('utf8').replace(/\r$/, '').replace(ANSI, '');
    if (input.reader) {
      this.feed(input.reader, text, at);
      return;
    }
    input.held.push({ text, at });
    input.heldBytes += text.length;
    if (input.held.length >= DETECT_LINES || input.heldBytes >= DETECT_BYTES)
      this.decide(input, false);
  }

  /**
   * Picks the input's format from the lines held, then reads them. Lines of no format
   * before the trace (a boot log before an oops in `dmesg`) are counted as skipped and the
   * next lines looked at, up to SCAN_LINES; at the end of the input, none is a problem.
   */
  private decide(input: Input, atEnd = true): void {
    if (input.reader || input.problem) return;
    const spec = detectFormat(input.held.map((h) => h.text));
    if (!spec) {
      if (!atEnd && input.lines < SCAN_LINES) {
        for (const h of input.held) this.sink.skipLine(h.text, h.at);
        input.held = [];
        input.heldBytes = 0;
        return;
      }
      input.problem =
        input.lines === 0
          ? 'empty'
          : `no line of a trace NetPaths reads (${FORMAT_NAMES}) in its ${atEnd ? '' : 'first '}${input.lines} lines`;
      input.held = [];
      return;
    }
    input.spec = spec;
    input.reader = spec.create(this.sink, input.index);
    const held = input.held;
    input.held = [];
    for (const h of held) this.feed(input.reader, h.text, h.at);
  }

  private feed(reader: FormatReader, text: string, at: SourceLine): void {
    if (!reader.line(text, at)) this.sink.skipLine(text, at);
  }
}

const FORMAT_NAMES = [
  ...new Set(
    (Object.keys(FORMAT_TITLES) as TraceFormat[])
      .filter((f) => f !== 'pwru-json' && f !== 'function' && f !== 'ftrace-stack')
      .map((f) => FORMAT_TITLES[f]),
  ),
].join(', ');
