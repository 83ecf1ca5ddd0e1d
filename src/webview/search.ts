// Find-a-function for the toolbar's search box: which drawn nodes match, and in what order
// Enter visits them. Pure.

import type { GraphNode } from '../analysis/graph-json';
import type { MermaidResult } from '../analysis/render/mermaid';

/**
 * Mermaid node ids of the drawn nodes matching `query`, best first: exact name, then
 * name prefix, then name substring, then file path substring (when the query has a `/` or
 * `.`); ties keep drawing order (`n0`, `n1`...: the order the packet reaches them).
 * Matching ignores case and surrounding spaces; an empty query matches nothing.
 */
export function findMatches(
  nodes: readonly GraphNode[],
  result: Pick<MermaidResult, 'nodeIds'>,
  query: string,
): string[] {
  const q = query.trim().toLowerCase();
  if (q === '') return [];
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const looksLikePath = q.includes('/') || q.includes('.');
  const ranked: { id: string; rank: number; order: number }[] = [];
  for (const [mermaidId, graphId] of Object.entries(result.nodeIds)) {
    const node = byId.get(graphId);
    if (!node) continue;
    const name = node.name.toLowerCase();
    let rank = -1;
    if (name === q) rank = 0;
    else if (name.startsWith(q)) rank = 1;
    else if (name.includes(q)) rank = 2;
    else if (looksLikePath && `${node.file}:${node.line}`.toLowerCase().includes(q)) rank = 3;
    if (rank >= 0) ranked.push({ id: mermaidId, rank, order: Number(mermaidId.slice(1)) || 0 });
  }
  ranked.sort((a, b) => a.rank - b.rank || a.order - b.order);
  return ranked.map((r) => r.id);
}

/** The next index when cycling through `count` matches (`step` +1 for Enter, -1 for Shift+Enter). */
export function cycleIndex(current: number, count: number, step: 1 | -1): number {
  if (count <= 0) return -1;
  if (current < 0 || current >= count) return step === 1 ? 0 : count - 1;
  return (current + step + count) % count;
}
