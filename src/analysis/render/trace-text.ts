// The text of `netpaths trace`: each packet's events in order, with the event number, CPU
// and time the tracer gave, the definition each was mapped to and how it was joined; the
// functions the join inferred between two observed ones are indented and marked, and gaps,
// drops and functions the tree does not define are said plainly. Every string from the
// trace or the graph passes through `plainText`.

import type {
  GraphEdge,
  GraphJson,
  GraphNode,
  TraceOverlay,
  TraceStep,
  TraceSummary,
} from '../graph-json';
import { plainText } from './escape';
import { shortVia } from './via';

const MARK = { observed: '→', inferred: '⋯', gap: '✂', start: '•' } as const;

/** Graph JSON of a trace -> plain text (ending with a newline). */
export function traceText(graph: GraphJson): string {
  const trace = graph.trace;
  if (!trace) return '';
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const edges = new Map<string, GraphEdge>();
  for (const e of graph.edges)
    if (!edges.has(`${e.from}\u0000${e.to}`)) edges.set(`${e.from}\u0000${e.to}`, e);
  const unmatched = new Map(trace.unmatched.map((u) => [u.name, u.reason]));
  const out: string[] = [];
  if (graph.title) out.push(plainText(graph.title), '');
  out.push(summaryLine(trace));
  for (const input of trace.inputs) {
    const what = input.problem
      ? `not read: ${input.problem}`
      : `${input.format ?? 'no trace'}, ${input.lines} line${input.lines === 1 ? '' : 's'}`;
    out.push(`Read ${plainText(input.name)}: ${plainText(what)}`);
  }
  if (trace.overlay) overlayLines(trace.overlay, byId, out);
  const steps = new Map<string, TraceStep[]>();
  for (const s of trace.steps) {
    let list = steps.get(s.packet);
    if (!list) steps.set(s.packet, (list = []));
    list.push(s);
  }
  const width = String(trace.events).length;
  const timeWidth = Math.max(0, ...trace.steps.map((s) => (s.time ?? '').length));
  for (const p of trace.packets) {
    out.push(
      '',
      `Packet ${plainText(p.id)} (${p.events === 1 ? `event ${p.first}` : `events ${p.first}-${p.last}`})`,
    );
    for (const s of steps.get(p.id) ?? [])
      stepLines(s, { byId, edges, unmatched, width, timeWidth }, out);
  }
  tail(graph, trace, out);
  return `${out.join('\n')}\n`;
}

/** What a trace did on a preset: hit, passed, branches left, functions off the path. */
function overlayLines(o: TraceOverlay, byId: ReadonlyMap<string, GraphNode>, out: string[]): void {
  const name = (id: string): string => plainText(byId.get(id)?.name ?? id);
  const list = (ids: readonly string[]): string => ids.map(name).join(', ');
  out.push(
    '',
    `On ${plainText(o.preset || 'the path')}: ${o.hit.length} of its ${o.functions} functions hit${
      o.inferred.length > 0 ? `, ${o.inferred.length} passed (inferred)` : ''
    }.`,
  );
  if (o.hit.length > 0) out.push(`  hit: ${list(o.hit)}`);
  if (o.inferred.length > 0) out.push(`  passed (inferred): ${list(o.inferred)}`);
  for (const u of o.untaken)
    out.push(`  branch not taken: ${name(u.from)} → ${name(u.to)} (it went to ${list(u.taken)})`);
  if (o.untaken.length > 0)
    out.push(
      '  (a branch is not taken when the tracer would have printed its function and the packet went on another way; a filter the tracer was given is not known)',
    );
  if (o.attached.length > 0)
    out.push(`  off the path, drawn where the tree connects them: ${list(o.attached)}`);
  for (const l of o.listed)
    out.push(`  off the path, not drawn: ${plainText(l.name)} (${plainText(l.reason)})`);
}

function summaryLine(t: TraceSummary): string {
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `Trace (${plainText(t.format || 'no format')}): ${plural(t.events, 'event')} in ${plural(
    t.packets.length,
    'packet',
  )}; ${plural(t.functions, 'function')}, ${t.matched} defined in the tree, ${t.unmatched.length} not.`;
}

function where(node: GraphNode): string {
  return `${plainText(node.file)}:${node.line}`;
}

interface Context {
  byId: Map<string, GraphNode>;
  edges: Map<string, GraphEdge>;
  unmatched: Map<string, string>;
  width: number;
  timeWidth: number;
}

/** The lines of one event: its inferred hops first, then the event, then its drop. */
function stepLines(s: TraceStep, c: Context, out: string[]): void {
  const head = `  #${String(s.event).padEnd(c.width)}  ${s.cpu !== undefined ? `cpu ${s.cpu}  ` : ''}${
    s.time !== undefined ? `${plainText(s.time).padEnd(c.timeWidth)}  ` : ''
  }`;
  const node = s.node ? c.byId.get(s.node) : undefined;
  const name = plainText(s.name);
  if (!node) {
    const reason = c.unmatched.get(s.name);
    out.push(
      `${head}${name}  — ${
        reason
          ? `not matched: ${plainText(reason)}`
          : 'after the drop: the free of the skb, not drawn'
      }`,
    );
    return;
  }
  if (s.from && s.from.link === 'inferred') {
    let prev = s.from.node;
    for (const hop of s.from.through) {
      const h = c.byId.get(hop);
      const via = hopVia(c, prev, hop);
      out.push(
        `${' '.repeat(head.length + 2)}${MARK.inferred} ${h ? `${plainText(h.name)}  ${where(h)}` : plainText(hop)}  (inferred${via})`,
      );
      prev = hop;
    }
  }
  out.push(`${head}${MARK[s.from?.link ?? 'start']} ${name}  ${where(node)}${fromText(s, c)}`);
  if (s.drop)
    out.push(
      `${' '.repeat(head.length + 2)}✖ dropped${s.drop.reason ? `: ${plainText(s.drop.reason)}` : ''} — ${plainText(s.drop.note)}`,
    );
}

/** `; packet_type.func` for the binding a hop went through, '' for a plain call. */
function hopVia(c: Context, from: string, to: string): string {
  const e = c.edges.get(`${from}\u0000${to}`);
  const short = e ? shortVia(e) : undefined;
  return short ? `, ${plainText(short)}` : '';
}

/** How an event was joined, after its name. */
function fromText(s: TraceStep, c: Context): string {
  if (!s.from) return '';
  const from = c.byId.get(s.from.node);
  const name = from ? plainText(from.name) : plainText(s.from.node);
  switch (s.from.link) {
    case 'observed':
      return `  (called by ${name}${hopVia(c, s.from.node, s.node ?? '')})`;
    case 'inferred': {
      const n = s.from.through.length;
      const last = s.from.through[n - 1] ?? s.from.node;
      return `  (from ${name} through ${n} inferred call${n === 1 ? '' : 's'}${hopVia(c, last, s.node ?? '')})`;
    }
    case 'gap': {
      const gap = c.edges.get(`${s.from.node}\u0000${s.node ?? ''}`);
      return `  (gap after ${name}: ${plainText(gap?.via?.replace(/^gap: /, '') ?? 'no call path')})`;
    }
  }
}

function tail(graph: GraphJson, t: TraceSummary, out: string[]): void {
  if (t.unmatched.length > 0) {
    out.push('', `Not defined in the indexed tree (${t.unmatched.length}):`);
    for (const u of t.unmatched) out.push(`  ${plainText(u.name)}: ${plainText(u.reason)}`);
  }
  const drops = graph.drops ?? [];
  if (drops.length > 0) {
    out.push('', `Drops (${drops.length}):`);
    for (const d of drops)
      out.push(
        `  event ${d.event}, packet ${plainText(d.packet)}: ${plainText(d.reason || 'no reason given')} — ${plainText(d.note)}`,
      );
  }
  const skipped: string[] = [];
  if (t.skipped.lines > 0)
    skipped.push(
      `${t.skipped.lines} line${t.skipped.lines === 1 ? '' : 's'} of no trace format${t.skipped.first ? ` (first: ${plainText(t.skipped.first)})` : ''}`,
    );
  if (t.skipped.frames > 0)
    skipped.push(
      `${t.skipped.frames} stack frame${t.skipped.frames === 1 ? '' : 's'} (unreliable \`?\` frames, the report's own, user space)`,
    );
  if (t.skipped.events > 0)
    skipped.push(
      `${t.skipped.events} event${t.skipped.events === 1 ? '' : 's'} (another skb, or past the limit)`,
    );
  if (skipped.length > 0) out.push('', `Skipped: ${skipped.join('; ')}.`);
  for (const n of t.notes) out.push(`Note: ${plainText(n)}.`);
  out.push(
    '',
    `${MARK.start} first of its packet  ${MARK.observed} observed call  ${MARK.inferred} inferred call (the tracer did not see it)  ${MARK.gap} gap (no call path the tree knows)`,
  );
}
