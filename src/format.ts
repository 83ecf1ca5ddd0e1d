// Output formats of the CLI: one place that turns a GraphJson into text for stdout.

import type { GraphJson } from './analysis/graph-json';
import { toDot, toMermaid, toText } from './analysis/render';

export const FORMATS = ['text', 'json', 'mermaid', 'dot'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export function formatGraph(graph: GraphJson, format: Format): string {
  const withNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    case 'mermaid':
      // The export form: no click lines, so GitHub and other renderers draw it as is.
      return withNewline(toMermaid(graph, { forExport: true }).text);
    case 'dot':
      return withNewline(toDot(graph));
    case 'text':
      return withNewline(toText(graph));
  }
}
