// Output formats of the CLI: one place that turns a GraphJson into text for stdout.

import type { GraphJson } from './analysis/graph-json';

export const FORMATS = ['text', 'json', 'mermaid', 'dot'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export function formatGraph(graph: GraphJson, format: Format): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    default: {
      const lines = graph.nodes.map((n) => `${n.name}  ${n.file}:${n.line}`);
      for (const e of graph.edges) lines.push(`${e.from} -> ${e.to}  [${e.kind}] ${e.file}:${e.line}${e.via ? `  via ${e.via}` : ''}`);
      for (const p of graph.paths ?? []) lines.push(p.join(' -> '));
      return `${lines.join('\n')}\n`;
    }
  }
}
