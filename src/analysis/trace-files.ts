// Reading trace files into the trace stage's reader, chunk by chunk, so a trace of any size
// streams through it. The CLI (`netpaths trace`, `--trace`) and the analysis server (Open
// Trace in VS Code) both read traces here; the reading and the join stay pure in
// src/analysis/trace.

import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { GraphJson } from './graph-json';
import type { Graph } from './index/graph';
import { QueryError } from './query/query';
import type { TraceRead } from './trace';
import { DROP_REASON_HEADER, TraceReader, joinTrace, nothingRead, readDropReasons } from './trace';

/** How much of a file is read at a time. */
const CHUNK = 1024 * 1024;

/** One input: its name for messages, and how to open it. */
export interface TraceInput {
  name: string;
  open(): Readable;
}

/** Reads one input into the reader; stops early when the reader has all the events it keeps. */
async function readInput(reader: TraceReader, input: TraceInput): Promise<void> {
  reader.begin(input.name);
  const stream = input.open();
  try {
    for await (const chunk of stream) {
      reader.push(chunk as Buffer);
      if (reader.abandoned) break;
      if (reader.full) {
        reader.stop();
        stream.destroy();
        return;
      }
    }
  } catch (e) {
    throw new QueryError(`cannot read ${input.name}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  reader.end();
}

/** Checks that a path names a readable file: one line for a typo, before anything is read. */
export function checkTraceFile(path: string): void {
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new QueryError(`cannot read ${path}: no such file`);
  }
  if (!isFile) throw new QueryError(`cannot read ${path}: not a file`);
}

/** An input of a file on disk. */
export function traceFile(path: string, name = path): TraceInput {
  return { name, open: () => createReadStream(path, { highWaterMark: CHUNK }) };
}

/** Reads the inputs in order; `skb` keeps the events of one packet. */
export async function readTraces(inputs: readonly TraceInput[], skb?: string): Promise<TraceRead> {
  const reader = new TraceReader(skb !== undefined ? { skb } : {});
  for (const input of inputs) await readInput(reader, input);
  return reader.result();
}

/**
 * Joins what was read with the graph (the tree's drop reasons read through `readText`), or
 * says in one line why nothing could be drawn.
 */
export function joinRead(
  graph: Graph,
  read: TraceRead,
  names: readonly string[],
  options: { maxGap: number; skb?: string; readText: (path: string) => string | undefined },
): GraphJson {
  const nothing = nothingRead(read, names, options.skb);
  if (nothing !== undefined) throw new QueryError(nothing);
  const header = options.readText(DROP_REASON_HEADER);
  return joinTrace(graph, read, {
    maxGap: options.maxGap,
    inputNames: names,
    ...(header !== undefined ? { dropReasons: readDropReasons(header) } : {}),
  });
}
