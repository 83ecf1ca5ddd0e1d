// What the hover tooltip says about a node or an edge. Pure: returns plain strings that
// the DOM side writes with `textContent` (never as HTML: names and notes come from C
// source and may hold `<`, `&` or `</script>`).

import type { GraphEdge, GraphJson, GraphNode } from '../analysis/graph-json';
import { contextTitle, isExecContext, stageTitle } from '../analysis/render/stages';

export interface TooltipContent {
  title: string;
  /** Label/value pairs, in display order. */
  rows: [string, string][];
  /** A longer free text (the node's note, an edge's full `via`). */
  note?: string;
  /** A hint for the action a click performs. */
  hint: string;
}

export function nodeTooltip(graph: GraphJson, node: GraphNode): TooltipContent {
  const rows: [string, string][] = [['defined at', `${node.file}:${node.line}`]];
  if (node.stage)
    rows.push([
      'stage',
      `${stageTitle(node.stage)}${stageTitle(node.stage) !== node.stage ? ` (${node.stage})` : ''}`,
    ]);
  if (isExecContext(node.context))
    rows.push([
      'context',
      `${contextTitle(node.context)}${node.contextReason ? `: ${node.contextReason}` : ''}`,
    ]);
  if (node.kind === 'macro') rows.push(['kind', 'function-like macro']);
  for (const marker of graph.markers ?? [])
    if (marker.node === node.id) rows.push(['netfilter hook', marker.label]);
  for (const op of graph.skb ?? [])
    if (op.node === node.id) rows.push(['skb', `${op.op}(${op.len}) at line ${op.line}`]);
  const drops = node.drops?.length ?? 0;
  if (drops > 0)
    rows.push([
      'drops',
      `${drops} place${drops === 1 ? '' : 's'} the packet can be dropped (click ⊘ to list them)`,
    ]);
  if (node.collapsed)
    rows.push([
      'collapsed',
      `${node.collapsed.hidden} more functions below (double-click or ⊕ to expand)`,
    ]);
  const out: TooltipContent = { title: node.name, rows, hint: 'Click to open the definition' };
  if (node.note) out.note = node.note;
  return out;
}

/** How the tooltip names each kind of edge. */
const EDGE_KIND_TEXT: Record<GraphEdge['kind'], string> = {
  direct: 'direct call',
  indirect: 'indirect call (function pointer)',
  async: 'asynchronous (deferred)',
  wakes: 'wake-up of a sleeping task (not a call)',
};

export function edgeTooltip(
  graph: GraphJson,
  edges: readonly GraphEdge[],
): TooltipContent | undefined {
  const first = edges[0];
  if (!first) return undefined;
  const name = (id: string): string => graph.nodes.find((n) => n.id === id)?.name ?? id;
  const wakes = first.kind === 'wakes';
  const kind = EDGE_KIND_TEXT[first.kind];
  const rows: [string, string][] = [['kind', kind]];
  // A wake-up is not a call: its place is where the woken task sleeps.
  const site = wakes ? 'sleeps at' : 'call site';
  edges.forEach((e, i) =>
    rows.push([edges.length > 1 ? `${site} ${i + 1}` : site, `${e.file}:${e.line}`]),
  );
  const out: TooltipContent = {
    title: `${name(first.from)} → ${name(first.to)}`,
    rows,
    hint: wakes ? 'Click to open where the task sleeps' : 'Click to open the call site',
  };
  if (first.via) out.note = first.via;
  return out;
}
