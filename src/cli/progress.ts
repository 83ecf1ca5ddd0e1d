// What the CLI says on stderr while it builds an index: which tree and scope, then each
// phase (walk, parse, resolve, write), the parse's progress with an estimate of the time
// left, and the total. In a terminal one line is redrawn in place; elsewhere (a pipe, a
// CI log) it is a line per phase and a line per tenth of the parse, so a log shows that
// work goes on without filling up.

import type { IndexPhase } from '../analysis/index/indexer';

export interface ProgressSink {
  write(text: string): void;
  /** Whether the stream is a terminal, where a line can be redrawn. */
  isTTY: boolean;
  /** Milliseconds, for rates and throttling. */
  now(): number;
}

/** A terminal line is redrawn at most this often. */
const REDRAW_MS = 200;
/** The estimate of the time left waits for this much of the parse, so it is not a wild guess. */
const ESTIMATE_AFTER_MS = 3000;

const count = (n: number): string => n.toLocaleString('en-US');

/** `42 s`, `3 min 10 s`: seconds rounded to tens past the first minute. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const tens = Math.round((s % 60) / 10) * 10;
  const minutes = Math.floor(s / 60) + (tens === 60 ? 1 : 0);
  return tens === 0 || tens === 60 ? `${minutes} min` : `${minutes} min ${tens} s`;
}

export class IndexProgress {
  /** The text of the line being redrawn in a terminal, '' when none is shown. */
  private shown = '';
  private started = 0;
  private parseStarted = 0;
  /** When the first file was parsed: the rate is measured from there, past the workers' start-up. */
  private firstParsed: { at: number; done: number } | undefined;
  private parseTotal = 0;
  private lastDraw = 0;
  /** The next tenth of the parse a plain log reports. */
  private nextTenth = 1;
  private walked = false;
  private parsed = false;
  /** Files in the index, once resolve says. */
  private files = 0;

  /** `what` says which tree and scope are indexed, for the first line. */
  constructor(
    private readonly sink: ProgressSink,
    private readonly what: string,
  ) {}

  /** A line that stays (a remark of the indexer, the total). */
  line(text: string): void {
    this.sink.write(this.sink.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
    if (this.sink.isTTY && this.shown) this.sink.write(this.shown);
  }

  /** The line of the moment: redrawn in a terminal, written out elsewhere. */
  private status(text: string): void {
    if (this.sink.isTTY) {
      this.shown = `netpaths: ${text}`;
      this.sink.write(`\r\x1b[K${this.shown}`);
    } else {
      this.sink.write(`netpaths: ${text}\n`);
    }
  }

  phase(phase: IndexPhase, files: number): void {
    const now = this.sink.now();
    switch (phase) {
      case 'walk':
        this.started = now;
        this.walked = true;
        this.line(`netpaths: indexing ${this.what}`);
        this.status('walk: looking for new and changed files');
        return;
      case 'parse':
        this.parsed = true;
        this.parseStarted = now;
        this.firstParsed = undefined;
        this.parseTotal = files;
        this.nextTenth = 1;
        this.status(`parse: ${count(files)} files to parse`);
        return;
      case 'resolve':
        this.files = files;
        this.status(
          `resolve: the calls of ${count(files)} files${this.parsed ? ` (parsed in ${duration(now - this.parseStarted)})` : ''}`,
        );
        return;
      case 'write':
        this.status('write: saving the index');
        return;
    }
  }

  /** Files parsed so far, of `total`. */
  progress(done: number, total: number): void {
    const now = this.sink.now();
    this.firstParsed ??= { at: now, done };
    const first = this.firstParsed;
    const text = (): string => {
      const elapsed = now - first.at;
      const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
      const left =
        done > first.done && done < total && elapsed >= ESTIMATE_AFTER_MS
          ? `, about ${duration((elapsed / (done - first.done)) * (total - done))} left`
          : '';
      return `parse: ${count(done)}/${count(total)} files (${percent}%)${left}`;
    };
    if (this.sink.isTTY) {
      if (now - this.lastDraw < REDRAW_MS && done < total) return;
      this.lastDraw = now;
      this.status(text());
      return;
    }
    if (total === 0 || done * 10 < this.nextTenth * total) return;
    while (done * 10 >= this.nextTenth * total) this.nextTenth++;
    this.status(text());
  }

  /**
   * The command has its graph: after a build, says how long it took (or that nothing had
   * changed); after a plain load from the cache, says nothing.
   */
  finish(): void {
    if (!this.walked) return;
    const took = duration(this.sink.now() - this.started);
    this.shown = '';
    this.line(
      this.parsed
        ? `netpaths: indexed ${count(this.files)} files (${count(this.parseTotal)} parsed) in ${took}`
        : 'netpaths: the index is up to date',
    );
    this.walked = false;
  }

  /** Indexing failed or was cancelled: the redrawn line is cleared for the error. */
  abandon(): void {
    if (this.sink.isTTY && this.shown) this.sink.write('\r\x1b[K');
    this.shown = '';
  }
}
