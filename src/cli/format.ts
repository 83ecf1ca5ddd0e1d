// Output formats of the CLI: one place that turns a GraphJson into text for stdout.

import type { GraphJson } from '../analysis/graph-json';
import { toDot, toMermaid, toText } from '../analysis/render';
import { nodeLinks, withClickLines } from '../analysis/render/links';
import type { LinkTemplate } from '../analysis/render/links';
import { exportDocument } from '../analysis/render/export';
import { probeScript } from '../analysis/trace';

/** Every --format; pwru, ftrace and bpftrace write the tracing commands for a graph's functions. */
export const FORMATS = [
  'text',
  'json',
  'mermaid',
  'dot',
  'pwru',
  'ftrace',
  'bpftrace',
  'svg',
  'html',
] as const;
export type Format = (typeof FORMATS)[number];

/** Formats drawn by Mermaid in a headless Chromium (src/render-svg.ts). */
export type DrawnFormat = 'svg' | 'html';
export type TextFormat = Exclude<Format, DrawnFormat>;

export function isFormat(s: string): s is Format {
  return (FORMATS as readonly string[]).includes(s);
}

export function isDrawnFormat(format: Format): format is DrawnFormat {
  return format === 'svg' || format === 'html';
}

/**
 * A graph in a text format. `links` adds `click` lines to Mermaid (only when the user
 * asked for a link template, so the default output stays plain Mermaid). The tracing
 * formats read each function's definition from the tree (`readText`) to leave out what
 * cannot be probed.
 */
export function formatGraph(
  graph: GraphJson,
  format: TextFormat,
  links?: LinkTemplate,
  readText: (path: string) => string | undefined = () => undefined,
): string {
  const withNewline = (s: string): string => (s.endsWith('\n') ? s : `${s}\n`);
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph, null, 2)}\n`;
    case 'mermaid': {
      // The export form, so GitHub and other renderers draw it as is.
      const result = toMermaid(graph, { forExport: true });
      return withNewline(
        links ? withClickLines(result.text, nodeLinks(graph, result.nodeIds, links)) : result.text,
      );
    }
    case 'dot':
      return withNewline(toDot(graph));
    case 'text':
      return withNewline(toText(graph));
    case 'pwru':
    case 'ftrace':
    case 'bpftrace':
      return probeScript(graph, format, readText);
  }
}

/**
 * A graph drawn as an SVG image or a standalone HTML page, each function linked to its
 * source line. `render` turns Mermaid text into SVG (`renderMermaidSvg`).
 */
export async function drawGraph(
  graph: GraphJson,
  format: DrawnFormat,
  options: {
    title: string;
    links?: LinkTemplate;
    render: (mermaidText: string) => Promise<string>;
  },
): Promise<string> {
  const titled = graph.title ? graph : { ...graph, title: options.title };
  const mermaid = toMermaid(titled);
  // The document form of the same diagram (same node ids): a title, no edge ids.
  const svg = await options.render(toMermaid(titled, { forExport: true }).text);
  return exportDocument(format, {
    graph: titled,
    mermaid,
    svg,
    title: titled.title ?? options.title,
    ...(options.links ? { links: options.links } : {}),
  }).content;
}
