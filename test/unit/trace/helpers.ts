// Reading trace fixtures for the unit tests: a fixture's events as compact rows that a
// table of expectations can compare.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TraceEvent, TraceRead } from '../../../src/analysis/trace/events';
import type { ReadOptions } from '../../../src/analysis/trace/read';
import { TraceReader } from '../../../src/analysis/trace/read';

export const TRACES = join(__dirname, '..', '..', 'fixtures', 'traces');

export function fixtureText(name: string): string {
  return readFileSync(join(TRACES, name), 'utf8');
}

/** Reads inputs given as texts or bytes, each pushed in chunks of `chunk` bytes. */
export function readTexts(
  inputs: readonly (string | Uint8Array)[],
  options: ReadOptions = {},
  chunk = 4096,
): TraceRead {
  const reader = new TraceReader(options);
  inputs.forEach((input, i) => {
    reader.begin(`input ${i + 1}`);
    const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
    for (let at = 0; at < bytes.length; at += chunk) reader.push(bytes.subarray(at, at + chunk));
    reader.end();
  });
  return reader.result();
}

export function readFixture(name: string, options: ReadOptions = {}): TraceRead {
  return readTexts([readFileSync(join(TRACES, name))], options);
}

/** The names of the events, as normalised. */
export function names(read: TraceRead): string[] {
  return read.events.map((e) => e.fn.name);
}

/** Each event as `name<-caller name` (the nesting), or the name alone. */
export function nesting(read: TraceRead): string[] {
  const bySeq = new Map(read.events.map((e) => [e.seq, e]));
  return read.events.map((e: TraceEvent) => {
    const parent = e.parent !== undefined ? bySeq.get(e.parent) : undefined;
    return parent ? `${e.fn.name}<-${parent.fn.name}` : e.fn.name;
  });
}
