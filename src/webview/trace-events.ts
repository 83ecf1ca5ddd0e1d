// The event list of a trace panel, as data: one row per event of the trace in order, with
// how it joined the graph, and the stepping through them. Pure: no DOM, unit-tested; the
// list itself is drawn by src/webview/trace-panel.ts.

import type { GraphJson, TraceStep } from '../analysis/graph-json';

/**
 * How a row stands out: `start` the first event of a packet, `observed` joined by a call,
 * `inferred` joined through calls the tracer did not see, `gap` joined by none, `drop` a
 * drop, `unmatched` a function the tree does not define, `undrawn` one off the drawing.
 */
export type EventKind =
  'start' | 'observed' | 'inferred' | 'gap' | 'drop' | 'unmatched' | 'undrawn';

export interface EventRow {
  /** The row's index in the list. */
  index: number;
  /** The event's number in the trace. */
  event: number;
  /** The function as the tracer printed it. */
  name: string;
  /** Its node in the graph, when the tree defines it and the graph draws it. */
  node?: string;
  kind: EventKind;
  /** `cpu 2 · 10:21:07.123`, when the tracer gave them. */
  where: string;
  /** What stands out: the drop and its meaning, the gap, the hops inferred, why unmatched. */
  note: string;
  packet: string;
}

/** The most rows the list draws; a longer trace says how many it leaves out. */
export const MAX_EVENT_ROWS = 2000;

function nameOf(graph: GraphJson, id: string): string {
  return graph.nodes.find((n) => n.id === id)?.name ?? id.slice(id.lastIndexOf(':') + 1);
}

function rowOf(
  graph: GraphJson,
  s: TraceStep,
  index: number,
  drawn: ReadonlySet<string>,
  unmatched: ReadonlyMap<string, string>,
  listed: ReadonlyMap<string, string>,
): EventRow {
  const where = [s.cpu !== undefined ? `cpu ${s.cpu}` : '', s.time !== undefined ? s.time : '']
    .filter(Boolean)
    .join(' · ');
  const base = { index, event: s.event, name: s.name, where, packet: s.packet };
  if (!s.node)
    return {
      ...base,
      kind: 'unmatched',
      note: unmatched.get(s.name) ?? 'after the drop: the free of the skb, not drawn',
    };
  if (!drawn.has(s.node))
    return {
      ...base,
      kind: 'undrawn',
      note: listed.get(s.node) ?? 'not drawn on this graph',
    };
  const node = s.node;
  if (s.drop)
    return {
      ...base,
      node,
      kind: 'drop',
      note: `dropped${s.drop.reason ? `: ${s.drop.reason}` : ''} — ${s.drop.note}`,
    };
  const from = s.from;
  if (!from) return { ...base, node, kind: 'start', note: 'first event of its packet' };
  const caller = nameOf(graph, from.node);
  switch (from.link) {
    case 'observed':
      return { ...base, node, kind: 'observed', note: `called by ${caller}` };
    case 'inferred':
      return {
        ...base,
        node,
        kind: 'inferred',
        note: `from ${caller} through ${from.through.map((t) => nameOf(graph, t)).join(' → ')} (not traced)`,
      };
    case 'gap':
      return {
        ...base,
        node,
        kind: 'gap',
        note: `gap after ${caller}: no call path the tree knows`,
      };
  }
}

/** The rows of a graph's trace (none without a trace), at most MAX_EVENT_ROWS. */
export function eventRows(graph: GraphJson): EventRow[] {
  const trace = graph.trace;
  if (!trace) return [];
  const drawn = new Set(graph.nodes.map((n) => n.id));
  const unmatched = new Map(trace.unmatched.map((u) => [u.name, u.reason]));
  const listed = new Map(
    (trace.overlay?.listed ?? []).map((l) => [l.node, `off the path: ${l.reason}`]),
  );
  return trace.steps
    .slice(0, MAX_EVENT_ROWS)
    .map((s, i) => rowOf(graph, s, i, drawn, unmatched, listed));
}

/** The summary line above the list. */
export function traceSummary(graph: GraphJson): string {
  const t = graph.trace;
  if (!t) return '';
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const parts = [
    `${t.format || 'no format'}: ${plural(t.events, 'event')} in ${plural(t.packets.length, 'packet')}`,
    `${t.matched} of ${plural(t.functions, 'function')} in the tree`,
  ];
  const drops = graph.drops?.length ?? 0;
  if (drops > 0) parts.push(plural(drops, 'drop'));
  const gaps = t.steps.filter((s) => s.from?.link === 'gap').length;
  if (gaps > 0) parts.push(plural(gaps, 'gap'));
  if (t.overlay)
    parts.push(`${t.overlay.hit.length} of the ${t.overlay.functions} path functions hit`);
  if (t.steps.length > MAX_EVENT_ROWS) parts.push(`the first ${MAX_EVENT_ROWS} events listed`);
  if (t.skipped.lines > 0)
    parts.push(
      `${plural(t.skipped.lines, 'line')} of no trace format skipped${t.skipped.first ? ` (first: ${t.skipped.first})` : ''}`,
    );
  return `${parts.join('; ')}.`;
}

/** The names the tree does not define, and the functions off a preset no call joins. */
export function unmatchedLines(graph: GraphJson): string[] {
  const t = graph.trace;
  if (!t) return [];
  return [
    ...t.unmatched.map((u) => `${u.name}: ${u.reason}`),
    ...(t.overlay?.listed ?? []).map((l) => `${l.name}: off the path, ${l.reason}`),
  ];
}

/** The row `delta` steps from `at` (clamped), or the first row when none is selected. */
export function stepTo(
  rows: readonly EventRow[],
  at: number | undefined,
  delta: number,
): number | undefined {
  if (rows.length === 0) return undefined;
  if (at === undefined) return delta < 0 ? rows.length - 1 : 0;
  return Math.min(rows.length - 1, Math.max(0, at + delta));
}
