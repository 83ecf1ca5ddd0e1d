// `netpaths trace FILE... [-]`: reads the traces (files, or standard input for `-`) in
// chunks, so a trace of any size streams through the reader, then joins them with the
// index and writes the result in the chosen format. The reading and the join are the
// core's (src/analysis/trace), the streaming of files src/analysis/trace-files.ts; this
// file is the shell's part: the options and stdin. The presets' `--trace FILE` reads its
// files here too.

import type { GraphJson } from '../analysis/graph-json';
import { DEFAULT_MAX_GAP } from '../analysis/trace';
import { checkTraceFile, joinRead, readTraces, traceFile } from '../analysis/trace-files';
import type { CommandContext } from './commands';
import { UsageError, positiveInt } from './options';

/** Checks each FILE before anything is indexed: a typo fails at once. */
export function checkFiles(files: readonly string[]): void {
  if (files.length === 0)
    throw new UsageError('trace needs at least one FILE (or - for standard input)');
  if (files.filter((f) => f === '-').length > 1)
    throw new UsageError('standard input (-) can be read once');
  for (const f of files) if (f !== '-') checkTraceFile(f);
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
  const names = files.map((f) => (f === '-' ? 'standard input' : f));
  const read = await readTraces(
    files.map((f) =>
      f === '-' ? { name: 'standard input', open: () => process.stdin } : traceFile(f),
    ),
    skb,
  );
  const graph = joinRead(await ctx.graph(), read, names, {
    maxGap,
    readText: (p) => ctx.readText(p),
    ...(skb !== undefined ? { skb } : {}),
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
