// Whether a Mermaid text can be drawn. Beyond `maxTextSize` Mermaid silently draws an
// error box and beyond `maxEdges` it throws (notes/pitfalls.md), so the webview checks
// first and shows its own message with a way out. Pure.

import type { MermaidResult } from '../analysis/render/mermaid';
import type { WebviewConfig } from './config';

export type LimitCheck =
  | { ok: true }
  | { ok: false; reason: 'text' | 'edges'; message: string; nodes: number; edges: number };

/** Checks `result` against the configured limits and explains a refusal in words. */
export function checkLimits(
  result: Pick<MermaidResult, 'text' | 'stats'>,
  config: Pick<WebviewConfig, 'maxTextSize' | 'maxEdges'>,
): LimitCheck {
  const nodes = result.stats.nodes + result.stats.omittedNodes;
  const edges = result.stats.edges;
  const size = `This graph has ${nodes.toLocaleString('en-US')} functions and ${edges.toLocaleString('en-US')} calls`;
  if (edges > config.maxEdges) {
    return {
      ok: false,
      reason: 'edges',
      nodes,
      edges,
      message: `${size}: more than the ${config.maxEdges.toLocaleString('en-US')} calls the diagram can draw.`,
    };
  }
  if (result.text.length > config.maxTextSize) {
    return {
      ok: false,
      reason: 'text',
      nodes,
      edges,
      message: `${size}: its diagram (${result.text.length.toLocaleString('en-US')} characters) is over the ${config.maxTextSize.toLocaleString('en-US')}-character limit.`,
    };
  }
  return { ok: true };
}
