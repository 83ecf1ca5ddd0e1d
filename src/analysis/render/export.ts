// Export Diagram, the document half: the file content for each export format, from the
// graph on screen. Used by the extension's Export Diagram command (src/extension/export-command.ts,
// which asks where to write it) and by the CLI's `--format svg|html`.
//
// Pure: no VS Code, no Node, no DOM. The caller reads the kernel's Makefile for the
// version a link template may use, and brings the SVG Mermaid drew.

import type { GraphJson } from '../graph-json';
import { toDot, toMermaid, toText } from '.';
import type { MermaidOptions, MermaidResult } from '.';
import { standaloneHtml } from './html-page';
import {
  linkSvgNodes,
  markdownSourceList,
  nodeLinks,
  parseLinkTemplate,
  withClickLines,
} from './links';
import type { LinkTemplate } from './links';
import { singleLine } from './escape';
import { escapeXml, sanitizeSvg } from './svg-markup';
import type { ExportFormat } from './export-formats';

export interface ExportInput {
  graph: GraphJson;
  /**
   * The Mermaid result of the diagram on screen (`toMermaid(graph, ...)`, as the panel drew
   * it). Its node ids name the node groups of `svg`; documents get the same diagram in its
   * export form (front matter title, no edge ids).
   */
  mermaid: MermaidResult;
  /** The SVG Mermaid drew with `MERMAID_EXPORT_CONFIG`; needed for `svg` and `html`. */
  svg?: string;
  /** Where functions link to (`parseLinkTemplate`); default: relative `{path}#L{line}`. */
  links?: LinkTemplate;
  /** The diagram's title, e.g. `e1000e ingress`. */
  title: string;
}

export interface ExportDocument {
  content: string;
  /** File extension, without the dot. */
  extension: string;
  /** A VS Code language id for the content, when VS Code has one built in. */
  languageId?: string;
}

/** Builds the document for `format`. Throws an Error with a message for the user when it cannot. */
export function exportDocument(format: ExportFormat, input: ExportInput): ExportDocument {
  const links = input.links ?? parseLinkTemplate(undefined);
  switch (format) {
    case 'json':
      return {
        content: `${JSON.stringify(input.graph, null, 2)}\n`,
        extension: 'json',
        languageId: 'json',
      };
    case 'text':
      return {
        content: withNewline(toText(input.graph)),
        extension: 'txt',
        languageId: 'plaintext',
      };
    case 'dot':
      return { content: withNewline(toDot(input.graph)), extension: 'dot' };
    case 'mermaid': {
      const doc = documentMermaid(input);
      return {
        content: withClickLines(doc.text, nodeLinks(input.graph, doc.nodeIds, links)),
        extension: 'mmd',
      };
    }
    case 'markdown': {
      const doc = documentMermaid(input);
      const linked = nodeLinks(input.graph, doc.nodeIds, links);
      // Every line of the text is generated or escaped and no URL holds a backtick, so the
      // fence cannot be closed early.
      const fence = `\`\`\`mermaid\n${withClickLines(doc.text, linked)}\`\`\`\n`;
      const list = markdownSourceList(linked);
      return {
        content: list ? `${fence}\n${list}` : fence,
        extension: 'md',
        languageId: 'markdown',
      };
    }
    case 'svg':
      return {
        content: `<?xml version="1.0" encoding="UTF-8"?>\n${linkedSvg(input, links)}\n`,
        extension: 'svg',
        languageId: 'xml',
      };
    case 'html': {
      const { stats } = input.mermaid;
      const parts = [
        `${stats.nodes} function${stats.nodes === 1 ? '' : 's'}, ${stats.edges} call${stats.edges === 1 ? '' : 's'}`,
      ];
      if (stats.omittedNodes > 0) parts.push(`${stats.omittedNodes} more not drawn`);
      if (links.version !== undefined) parts.push(`Linux ${links.version}`);
      return {
        content: standaloneHtml({
          svg: linkedSvg(input, links),
          title: input.title,
          subtitle: parts.join(' · '),
        }),
        extension: 'html',
        languageId: 'html',
      };
    }
  }
}

function withNewline(s: string): string {
  return s.endsWith('\n') ? s : `${s}\n`;
}

/**
 * The diagram on screen in its document form: the same nodes, numbered the same way, with
 * a title and without the panel's edge ids. The panel draws `toMermaid(graph)` with the
 * default options apart from direction and the node limit, both read back from `mermaid`.
 */
function documentMermaid(input: ExportInput): MermaidResult {
  const options: MermaidOptions = {
    forExport: true,
    direction: /^flowchart LR$/m.test(input.mermaid.text) ? 'LR' : 'TD',
  };
  if (input.mermaid.stats.omittedNodes > 0) options.maxNodes = input.mermaid.stats.nodes;
  const graph = input.graph.title ? input.graph : { ...input.graph, title: input.title };
  const doc = toMermaid(graph, options);
  const same = (a: Record<string, string>, b: Record<string, string>): boolean =>
    Object.keys(a).length === Object.keys(b).length &&
    Object.entries(a).every(([k, v]) => b[k] === v);
  if (!same(doc.nodeIds, input.mermaid.nodeIds))
    throw new Error('the diagram on screen does not match its graph; draw it again, then export');
  return doc;
}

/** The drawing, sanitized, titled and with each node linked to its source line. */
function linkedSvg(input: ExportInput, links: LinkTemplate): string {
  if (input.svg === undefined || input.svg.trim() === '')
    throw new Error('an SVG or HTML export needs the drawing: export it from the graph panel');
  const clean = sanitizeSvg(input.svg);
  const root = /<svg\b[^>]*>/i.exec(clean);
  if (!root) throw new Error('the drawing is not an SVG image');
  let svg = clean.slice(root.index).trim();
  // A <title> first in the root names the image for screen readers and file browsers.
  if (!/^<svg\b[^>]*>\s*<title[\s>]/i.test(svg)) {
    const end = root[0].length;
    svg = `${svg.slice(0, end)}<title>${escapeXml(singleLine(input.title))}</title>${svg.slice(end)}`;
  }
  return linkSvgNodes(svg, nodeLinks(input.graph, input.mermaid.nodeIds, links));
}
