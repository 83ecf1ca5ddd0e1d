// The wake-up edges of a preset (rows.ts WAKES): from the function that makes a sleeping
// task runnable to the function where the task sleeps. Not calls, so they are added to the
// drawn graph only, after the walk: no path, timeline or context is computed through them.

import type { Graph } from '../index/graph';
import type { GraphEdge, GraphJson } from '../graph-json';
import type { Chain } from './chain';
import { WAKES } from './rows';

/** Adds a `wakes` edge for each WAKES row whose two milestones the walk found. */
export function addWakeEdges(g: Graph, chain: Chain, json: GraphJson): void {
  for (const row of WAKES) {
    const from = row.from.map((id) => chain.legs.get(id)).find((leg) => leg !== undefined);
    const to = chain.legs.get(row.to);
    if (!from || !to) continue;
    const sleeper = to.end;
    // The edge opens where the task sleeps, which is where it resumes once woken.
    const edge: GraphEdge = {
      from: g.nodeId(from.end),
      to: g.nodeId(sleeper),
      kind: 'wakes',
      file: g.file(sleeper),
      line: g.line(sleeper),
      via: `${g.name(from.end)} wakes the task sleeping in ${g.name(sleeper)}`,
    };
    const drawn = new Set(json.nodes.map((n) => n.id));
    if (drawn.has(edge.from) && drawn.has(edge.to)) json.edges.push(edge);
  }
}
