// A trace on a preset (`netpaths ingress|egress --driver NAME --trace FILE`): the preset's
// nodes and edges as they are, with what the trace saw put on them.
// - A preset function an event hit carries the event's `observed`; a preset call the join
//   used carries its `trace` link (`observed`, `inferred`, `gap`).
// - A branch the packet did not take: a preset call from a function the packet passed to
//   one it did not, where the packet left that function by another preset call and went on
//   past it, and only
//   when the tracer would have seen the branch's function: pwru and nettrace see functions
//   that take an skb, function_graph those it can probe; a stack, a sample or the (always
//   filtered) function tracer says nothing of what did not run, so leaves no branch untaken.
// - An observed function off the preset is drawn attached where the join or the static
//   graph connects it to what is drawn (with the join's inferred hops); otherwise it is
//   listed with why. Stage lanes, skb operations and markers of the preset are kept.

import type { GraphEdge, GraphJson, GraphNode, TraceLink, TraceOverlay } from '../graph-json';
import type { Graph } from '../index/graph';
import { edgeJson } from '../query/query';
import { FORMAT_TITLES } from './events';
import type { ProbeFormat } from './probes';
import { probePlan } from './probes';

const STRENGTH: Record<TraceLink, number> = { observed: 3, inferred: 2, gap: 1 };

const edgeKey = (from: string, to: string): string => `${from}\u0000${to}`;

/** The graph's node of an id, through the definitions of its name. */
function nodeOfId(graph: Graph, id: string, name: string): number | undefined {
  return graph.lookup(name).find((n) => graph.nodeId(n) === id);
}

/** The strongest link the join gave each call, by caller and callee. */
function joinedLinks(joined: GraphJson): Map<string, TraceLink> {
  const links = new Map<string, TraceLink>();
  for (const e of joined.edges) {
    if (!e.trace) continue;
    const key = edgeKey(e.from, e.to);
    const known = links.get(key);
    if (!known || STRENGTH[e.trace] > STRENGTH[known]) links.set(key, e.trace);
  }
  return links;
}

/**
 * Adds the joined functions connected to what is drawn by a call of the join (observed or
 * inferred), repeatedly, so an attached function brings the inferred hops that lead to it.
 */
function attachByJoin(
  joined: GraphJson,
  drawn: Map<string, GraphNode>,
  edges: Map<string, GraphEdge>,
): Set<string> {
  const byId = new Map(joined.nodes.map((n) => [n.id, n]));
  const attached = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of joined.edges) {
      if (e.trace === 'gap') continue;
      const key = edgeKey(e.from, e.to);
      const hasFrom = drawn.has(e.from);
      const hasTo = drawn.has(e.to);
      if (!hasFrom && !hasTo) continue;
      const other = hasFrom ? e.to : e.from;
      if (!drawn.has(other)) {
        const n = byId.get(other);
        if (!n) continue;
        drawn.set(other, { ...n });
        attached.add(other);
        grew = true;
      }
      if (!edges.has(key)) edges.set(key, { ...e });
    }
  }
  return attached;
}

/** A call of the static graph between an observed function and one drawn, if any. */
function staticCall(
  graph: Graph,
  n: number,
  drawn: ReadonlyMap<string, GraphNode>,
): number | undefined {
  for (const e of graph.outgoing(n)) if (drawn.has(graph.nodeId(graph.to(e)))) return e;
  let found: number | undefined;
  graph.forEachIncoming(n, (e, caller) => {
    if (found === undefined && drawn.has(graph.nodeId(caller))) found = e;
  });
  return found;
}

/**
 * The tracers that print every call of what they can probe, and the probes they use. The
 * function tracer is left out: it is run with a filter of a few functions, and the trace
 * does not say which, so a function it did not print may have run all the same.
 */
const SEES_EVERY_CALL: ReadonlyMap<string, ProbeFormat> = new Map([
  [FORMAT_TITLES.pwru, 'pwru'],
  [FORMAT_TITLES['pwru-json'], 'pwru'],
  [FORMAT_TITLES.nettrace, 'pwru'],
  [FORMAT_TITLES.function_graph, 'ftrace'],
]);

/**
 * Which functions the trace's tracers would have printed had the packet reached them: for
 * every input, a function its probes can attach to (none when an input is a stack or a
 * sample, which shows only what ran).
 */
function visibleTo(
  joined: GraphJson,
  nodes: readonly GraphNode[],
  readText: (path: string) => string | undefined,
): Set<string> {
  const formats = (joined.trace?.inputs ?? []).flatMap((i) => (i.format ? [i.format] : []));
  const probes = formats.map((f) => SEES_EVERY_CALL.get(f));
  if (probes.length === 0 || probes.some((p) => p === undefined)) return new Set();
  let visible: Set<string> | undefined;
  for (const format of new Set(probes as ProbeFormat[])) {
    const plan = probePlan({ nodes: [...nodes], edges: [] }, format, readText);
    const ids = new Set(plan.probes.map((p) => p.node.id));
    visible = visible ? new Set([...visible].filter((id) => ids.has(id))) : ids;
  }
  return visible ?? new Set();
}

/**
 * The preset with the joined trace on it. `joined` is joinTrace's answer for the same
 * graph; the result keeps the preset's title, lanes, skb timeline and markers, and the
 * trace's summary, steps and drops, with `trace.overlay` saying what the trace did on it.
 */
export function overlayTrace(
  graph: Graph,
  preset: GraphJson,
  joined: GraphJson,
  readText: (path: string) => string | undefined,
): GraphJson {
  const observed = new Map(joined.nodes.map((n) => [n.id, n]));
  const links = joinedLinks(joined);
  const drawn = new Map<string, GraphNode>();
  for (const n of preset.nodes) {
    const seen = observed.get(n.id)?.observed;
    drawn.set(n.id, seen ? { ...n, observed: { ...seen } } : { ...n });
  }
  const edges = new Map<string, GraphEdge>();
  for (const e of preset.edges) {
    const key = edgeKey(e.from, e.to);
    const link = links.get(key);
    if (!edges.has(key)) edges.set(key, link ? { ...e, trace: link } : { ...e });
  }
  const onPreset = new Set(preset.nodes.map((n) => n.id));
  const hit = preset.nodes.filter((n) => observed.get(n.id)?.observed).map((n) => n.id);
  const passed = new Set(preset.nodes.filter((n) => observed.has(n.id)).map((n) => n.id));

  const attached = attachByJoin(joined, drawn, edges);
  const listed: TraceOverlay['listed'] = [];
  for (const n of joined.nodes) {
    if (!n.observed || drawn.has(n.id)) continue;
    const index = nodeOfId(graph, n.id, n.name);
    const e = index === undefined ? undefined : staticCall(graph, index, drawn);
    if (e === undefined) {
      listed.push({
        name: n.name,
        node: n.id,
        reason: 'no call of the tree joins it to a function drawn',
      });
      continue;
    }
    drawn.set(n.id, { ...n });
    attached.add(n.id);
    const json = edgeJson(graph, e);
    const key = edgeKey(json.from, json.to);
    if (!edges.has(key)) edges.set(key, { ...json, trace: 'inferred' });
  }
  // A gap between two functions drawn is drawn too: the join found no call path there.
  for (const e of joined.edges)
    if (e.trace === 'gap' && drawn.has(e.from) && drawn.has(e.to))
      edges.set(edgeKey(e.from, e.to), { ...e });

  const untaken: TraceOverlay['untaken'] = [];
  const heads = preset.nodes.filter((n) => !passed.has(n.id));
  const visible = visibleTo(joined, heads, readText);
  const out = new Map<string, GraphEdge[]>();
  for (const e of preset.edges) {
    const list = out.get(e.from);
    if (list) list.push(e);
    else out.set(e.from, [e]);
  }
  // The packet went on past the branch: a function it took from `from` leads on to another
  // it passed. A trace that ends at the branch (a quote cut short) judges nothing there.
  const wentOn = (id: string): boolean =>
    (out.get(id) ?? []).some((e) => e.to !== id && passed.has(e.to));
  for (const [from, list] of out) {
    if (!passed.has(from)) continue;
    const taken = list.filter((e) => passed.has(e.to) && e.to !== from).map((e) => e.to);
    if (!taken.some(wentOn)) continue;
    for (const e of list)
      if (
        !passed.has(e.to) &&
        visible.has(e.to) &&
        !untaken.some((u) => u.from === from && u.to === e.to)
      )
        untaken.push({ from, to: e.to, taken });
  }

  const overlay: TraceOverlay = {
    preset: preset.title ?? '',
    functions: preset.nodes.length,
    hit,
    inferred: [...passed].filter((id) => !hit.includes(id)),
    untaken,
    attached: [...attached].filter((id) => !onPreset.has(id)),
    listed,
  };
  const result: GraphJson = {
    ...preset,
    nodes: [...drawn.values()],
    edges: [...edges.values()],
    drops: joined.drops ?? [],
  };
  if (joined.trace) result.trace = { ...joined.trace, overlay };
  return result;
}
