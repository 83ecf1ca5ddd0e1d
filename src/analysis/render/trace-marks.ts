// How a trace marks what is drawn, for every renderer alike: a function the trace hit is
// `observed`, one the join inferred between hits `inferred`, a drop `drop`; on a preset
// (`--trace`), the head of a branch the packet did not take is `untaken` and a preset
// function the trace says nothing of keeps the preset's look.

import type { GraphJson, GraphNode } from '../graph-json';

export type TraceMark = 'observed' | 'inferred' | 'drop' | 'untaken';

/** The mark of each node id of a graph with a trace (none for a graph without one). */
export function traceMarks(graph: GraphJson): (node: GraphNode) => TraceMark | undefined {
  const trace = graph.trace;
  if (!trace) return () => undefined;
  const dropped = new Set((graph.drops ?? []).map((d) => d.node));
  const overlay = trace.overlay;
  if (!overlay)
    return (node) => (dropped.has(node.id) ? 'drop' : node.observed ? 'observed' : 'inferred');
  const inferred = new Set([...overlay.inferred, ...overlay.attached]);
  const untaken = new Set(overlay.untaken.map((u) => u.to));
  return (node) => {
    if (dropped.has(node.id) && node.observed) return 'drop';
    if (node.observed) return 'observed';
    if (inferred.has(node.id)) return 'inferred';
    return untaken.has(node.id) ? 'untaken' : undefined;
  };
}

/** Whether the call `from` → `to` is a preset branch the traced packet did not take. */
export function untakenCalls(graph: GraphJson): (from: string, to: string) => boolean {
  const calls = new Set((graph.trace?.overlay?.untaken ?? []).map((u) => `${u.from}\u0000${u.to}`));
  return (from, to) => calls.has(`${from}\u0000${to}`);
}
