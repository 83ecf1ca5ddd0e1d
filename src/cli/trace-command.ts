// `netpaths trace FILE... [-]`: reads the traces (files, or standard input for `-`) in
// chunks, so a trace of any size streams through the reader, then joins them with the
// index and writes the result in the chosen format. The reading and the join are the
// core's (src/analysis/trace); this file is the shell's part: the files and stdin. The
// presets' `--trace FILE` reads its files here too.

import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { GraphJson } from '../analysis/graph-json';
import { QueryError } from '../analysis/query/query';
import {
  DEFAULT_MAX_GAP,
  DROP_REASON_HEADER,
  TraceReader,
  joinTrace,
  nothingRead,
  readDropReasons,
} from '../analysis/trace';
import type { CommandContext } from './commands';
import { UsageError, positiveInt } from './options';

/** How much of a file is read at a time. */
const CHUNK = 1024 * 1024;

/** Reads one input into the reader; stops early when the reader has all the events it keeps. */
async function readInput(reader: TraceReader, name: string, stream: Readable): Promise<void> {
  reader.begin(name);
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
    throw new QueryError(`cannot read ${name}: ${(e as Error).message.split('\n')[0] ?? ''}`);
  }
  reader.end();
}

/** Checks each FILE before anything is indexed: a typo fails at once. */
export function checkFiles(files: readonly string[]): void {
  if (files.length === 0)
    throw new UsageError('trace needs at least one FILE (or - for standard input)');
  if (files.filter((f) => f === '-').length > 1)
    throw new UsageError('standard input (-) can be read once');
  for (const f of files) {
    if (f === '-') continue;
    let isFile = false;
    try {
      isFile = statSync(f).isFile();
    } catch {
      throw new QueryError(`cannot read ${f}: no such file`);
    }
    if (!isFile) throw new QueryError(`cannot read ${f}: not a file`);
  }
}

/** Reads the trace FILEs (checked first) and joins them with the index, for trace and --trace. */
export async function joinTraceFiles(
  ctx: CommandContext,
  files: readonly string[],
): Promise<{ graph: GraphJson; names: string[] }> {
  checkFiles(files);
  const maxGap = positiveInt(ctx.values['max-gap'], 'max-gap', DEFAULT_MAX_GAP);
  const skb = ctx.values.skb;
  if (skb !== undefined && !/^(?:0x)?[0-9a-f]+$/i.test(skb))
    throw new UsageError(`--skb needs an skb address such as 0xffff8881034b6e00, not '${skb}'`);
  const reader = new TraceReader(skb !== undefined ? { skb } : {});
  const names = files.map((f) => (f === '-' ? 'standard input' : f));
  for (const [i, f] of files.entries())
    await readInput(
      reader,
      names[i] ?? f,
      f === '-' ? process.stdin : createReadStream(f, { highWaterMark: CHUNK }),
    );
  const read = reader.result();
  const nothing = nothingRead(read, names, skb);
  if (nothing !== undefined) throw new QueryError(nothing);
  const header = ctx.readText(DROP_REASON_HEADER);
  const graph = joinTrace(await ctx.graph(), read, {
    maxGap,
    inputNames: names,
    ...(header !== undefined ? { dropReasons: readDropReasons(header) } : {}),
  });
  return { graph, names };
}

/** What a drawing or a JSON answer leaves unsaid: on stderr (the text says it itself). */
export function logSkipped(ctx: CommandContext, graph: GraphJson): void {
  if (ctx.out.format === 'text') return;
  const t = graph.trace;
  if (t && t.unmatched.length > 0)
    ctx.log(
      `${t.unmatched.length} function${t.unmatched.length === 1 ? ' is' : 's are'} not defined in the indexed tree (${t.unmatched
        .slice(0, 3)
        .map((u) => u.name)
        .join(', ')}${t.unmatched.length > 3 ? ', ...' : ''})`,
    );
  if (t && t.skipped.lines > 0)
    ctx.log(
      `skipped ${t.skipped.lines} line${t.skipped.lines === 1 ? '' : 's'} of no trace format (first: ${t.skipped.first ?? ''})`,
    );
  for (const note of t?.notes ?? []) ctx.log(note);
}

export async function runTrace(ctx: CommandContext): Promise<void> {
  const { graph, names } = await joinTraceFiles(ctx, [...ctx.args]);
  graph.title = `trace of ${names.join(', ')}`;
  logSkipped(ctx, graph);
  await ctx.out.graph(graph, graph.title);
}
