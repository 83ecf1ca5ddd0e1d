// Where the format readers put what they read: numbers events, keeps one skb (`--skb`),
// stops at the event limit, and counts what was left out. Shared by every reader, so each
// reader is only the table of its lines and the little state its format needs.

import type { Skipped, SourceLine, TraceEvent } from './events';
import type { TraceName } from './names';
import { parseTraceName } from './names';
import { isContextEntry } from './contexts';

export interface SinkOptions {
  /** Keep only the events of this skb (an address as any tracer prints it). */
  skb?: string;
  /** Keep at most this many events; the rest of the input is counted, not kept. */
  maxEvents: number;
}

/** An skb address in one spelling: lower case, no `0x`, no leading zeros. */
export function skbKey(address: string): string {
  return address
    .toLowerCase()
    .replace(/^0x/, '')
    .replace(/^0+(?=.)/, '');
}

/**
 * Whether two skb addresses name the same skb. nettrace prints the low 32 bits
 * (`e8fbc700`), pwru the whole pointer (`0xffff9c03e8fbc700`): one ending the other matches.
 */
export function sameSkb(a: string, b: string): boolean {
  const x = skbKey(a);
  const y = skbKey(b);
  return x === y || (x.length >= 8 && y.endsWith(x)) || (y.length >= 8 && x.endsWith(y));
}

/** Whether any address of a list (`e8fbc700,e8fbdc00`, a nettrace packet and its clone) is `skb`. */
function listHasSkb(list: string, skb: string): boolean {
  return list.split(',').some((a) => a.trim() !== '' && sameSkb(a.trim(), skb));
}

/** A stack frame before it becomes an event: a stack dump's line, a perf sample's frame. */
export interface Frame {
  fn: TraceName;
  site?: { file: string; line: number };
  inline?: true;
  at: SourceLine;
}

export class EventSink {
  readonly events: TraceEvent[] = [];
  readonly skipped: Skipped = { lines: 0, frames: 0, events: 0 };
  readonly notes: string[] = [];
  private full = false;
  private readonly skb: string | undefined;

  constructor(private readonly options: SinkOptions) {
    this.skb = options.skb;
  }

  /** Whether the event limit was reached: readers may stop parsing lines in earnest. */
  get isFull(): boolean {
    return this.full;
  }

  /**
   * Keeps an event and returns its number, or undefined when it is not kept (another skb,
   * or past the limit). `skb` is the event's skb address, when the tracer printed one.
   */
  add(event: Omit<TraceEvent, 'seq'>, skb?: string): number | undefined {
    if (this.skb !== undefined && (skb === undefined || !listHasSkb(skb, this.skb))) {
      this.skipped.events++;
      return undefined;
    }
    if (this.events.length >= this.options.maxEvents) {
      if (!this.full) {
        this.full = true;
        this.notes.push(
          `only the first ${this.options.maxEvents} events are kept; the rest of the trace is counted as left out`,
        );
      }
      this.skipped.events++;
      return undefined;
    }
    const seq = this.events.length + 1;
    this.events.push({ seq, ...event });
    return seq;
  }

  /**
   * Keeps a call chain, outermost frame first, each frame an event called by the one
   * before it; `parent` is the event that called the outermost frame, if known. Returns the
   * number of the innermost frame kept.
   */
  addChain(
    frames: readonly Frame[],
    common: Omit<TraceEvent, 'seq' | 'fn' | 'at' | 'parent'>,
    parent?: number,
    skb?: string,
  ): number | undefined {
    // A function and the part the compiler split off it (`tcp_send_ack` calling
    // `tcp_send_ack.part.37`) are one function of the source; the part's place is where
    // the call to the next frame is.
    const merged: Frame[] = [];
    for (const f of frames) {
      const last = merged[merged.length - 1];
      if (last && last.fn.name === f.fn.name && last.fn.raw !== f.fn.raw) {
        merged[merged.length - 1] = f.site ? { ...last, site: f.site } : last;
        continue;
      }
      merged.push(f);
    }
    let up = parent;
    for (const f of merged) {
      // An interrupt's entry was not called by the function it interrupted.
      if (isContextEntry(f.fn.name)) up = undefined;
      const e: Omit<TraceEvent, 'seq'> = { ...common, fn: f.fn, at: f.at, nested: true };
      if (f.site) e.site = f.site;
      if (f.inline) e.inline = true;
      if (up !== undefined) e.parent = up;
      up = this.add(e, skb) ?? up;
    }
    return up;
  }

  /** Counts a line that is no part of the format. */
  skipLine(text: string, at: SourceLine): void {
    this.skipped.lines++;
    if (!this.skipped.first) this.skipped.first = { at, text: text.slice(0, 120) };
  }

  /** Counts stack frames left out (unreliable, of the report itself, of user space). */
  skipFrames(count = 1): void {
    this.skipped.frames += count;
  }
}

/** A name read from a trace line. */
export function traceName(printed: string): TraceName {
  return parseTraceName(printed);
}
