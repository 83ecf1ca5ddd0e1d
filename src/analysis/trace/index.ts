// The trace stage's public face, for the CLI and the extension: read traces (bytes in,
// chunk by chunk), join them with a loaded graph, say in one line why nothing could be
// drawn, and write the tracing commands for a graph (Copy Tracing Command). Pure: the
// caller reads the files, the tree's dropreason-core.h and the definitions' heads.

export type { TraceEvent, TraceFormat, TraceRead } from './events';
export { FORMAT_TITLES } from './events';
export { DEFAULT_MAX_EVENTS, TraceReader, detectFormat } from './read';
export type { ReadOptions } from './read';
export { DEFAULT_MAX_GAP, joinTrace } from './join';
export type { JoinOptions } from './join';
export { DROP_REASON_HEADER, readDropReasons } from './dropreason';
export { overlayTrace } from './overlay';
export { PROBE_FORMATS, probePlan, probeScript } from './probes';
export type { ProbeFormat } from './probes';

import type { TraceRead } from './events';

/**
 * Why a read gave no event, in one line for the user, or undefined when it gave some:
 * each input's problem (binary data, no trace), else the skb that matched nothing.
 */
export function nothingRead(
  read: TraceRead,
  inputNames: readonly string[],
  skb: string | undefined,
): string | undefined {
  if (read.events.length > 0) return undefined;
  const problems = read.inputs.flatMap((input, i) =>
    input.problem ? [`${inputNames[i] ?? `input ${i + 1}`}: ${input.problem}`] : [],
  );
  if (problems.length === read.inputs.length && problems.length > 0) return problems.join('; ');
  if (skb !== undefined && read.skipped.events > 0)
    return `no event of skb ${skb} in the trace (${read.skipped.events} events of other packets)`;
  return `no function call in the trace${problems.length > 0 ? ` (${problems.join('; ')})` : ''}`;
}
