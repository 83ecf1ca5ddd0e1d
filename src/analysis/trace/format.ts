// The contract between the trace reader and the format readers: each format is a table of
// the lines it prints (`FormatSpec.signatures`, used to detect it) and a reader that turns
// its lines into events, one line at a time, so that a trace of any size streams through.

import type { SourceLine, TraceFormat } from './events';
import type { EventSink } from './sink';

export interface FormatReader {
  /**
   * Reads one line (without its line end): true when the line belongs to the format (an
   * event, a frame, a header, a progress line), false when it does not (it is counted as
   * skipped).
   */
  line(text: string, at: SourceLine): boolean;
  /** The input ended: flush a stack or call tree still open. */
  end(): void;
  /** The format the input turned out to be (ftrace's output modes differ by what they print). */
  format(): TraceFormat;
}

export interface FormatSpec {
  /** What detection calls the format when it wins. */
  name: string;
  /** Lines only this format prints; the format whose signatures match most lines wins. */
  signatures: readonly RegExp[];
  create(sink: EventSink, input: number): FormatReader;
}

/** Printk's time stamp and caller id (`[ 1967.600414][ C0] `), and a syslog prefix (`Mar  1 12:00:00 host kernel: `). */
export const LOG_PREFIX =
  /^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: )?(?:\[\s*\d+\.\d+\])?(?:\[\s*[CT]\d+\])?/;

/** A line without printk's and syslog's prefixes (see LOG_PREFIX). */
export function withoutLogPrefix(line: string): string {
  return line.replace(LOG_PREFIX, '');
}
