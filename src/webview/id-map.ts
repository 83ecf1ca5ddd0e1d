// Maps elements of the SVG Mermaid draws back to graph ids. Mermaid (11.17 and 12) names a node's
// group `<svgId>-flowchart-<mermaidId>-<counter>` and gives edge paths and edge labels a
// `data-id` of the edge id we wrote (`n0 e3@--> n1`). Pure string functions, so the
// mapping is unit-tested without a browser; the DOM side only reads `id`/`data-id`.

import type { MermaidEdgeRef, MermaidResult } from '../analysis/render/mermaid';

/** The Mermaid node id (`n12`) inside a node group's element id, if it is one of ours. */
export function mermaidNodeId(
  elementId: string,
  result: Pick<MermaidResult, 'nodeIds'>,
): string | undefined {
  const match = /-flowchart-(.+)-\d+$/.exec(elementId);
  const id = match?.[1];
  return id !== undefined && Object.prototype.hasOwnProperty.call(result.nodeIds, id)
    ? id
    : undefined;
}

/** The graph node id for a node group's element id. */
export function graphNodeId(
  elementId: string,
  result: Pick<MermaidResult, 'nodeIds'>,
): string | undefined {
  const id = mermaidNodeId(elementId, result);
  return id === undefined ? undefined : result.nodeIds[id];
}

/** The drawn edge for an edge path's or label's `data-id` (`e3`). */
export function edgeRef(
  dataId: string | null | undefined,
  result: Pick<MermaidResult, 'edgeIds'>,
): MermaidEdgeRef | undefined {
  if (!dataId || !Object.prototype.hasOwnProperty.call(result.edgeIds, dataId)) return undefined;
  return result.edgeIds[dataId];
}

/** Graph node id -> Mermaid node id, the inverse of `nodeIds`. */
export function invertNodeIds(result: Pick<MermaidResult, 'nodeIds'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [mermaidId, graphId] of Object.entries(result.nodeIds))
    if (!out.has(graphId)) out.set(graphId, mermaidId);
  return out;
}
