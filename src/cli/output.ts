// Output of the CLI: what a command writes to stdout, in the format the user chose. Graphs
// go through format.ts (text formats) or a headless Chromium (svg, html); tables and
// explanations are text or JSON.

import type { GraphJson } from '../analysis/graph-json';
import { LinkTemplateError, kernelVersion, parseLinkTemplate } from '../analysis/render/links';
import type { LinkTemplate } from '../analysis/render/links';
import { type Format, drawGraph, formatGraph, isDrawnFormat } from './format';
import { UsageError } from './options';
import {
  ChromiumMissingError,
  chromiumMissingMessage,
  findChromium,
  renderMermaidSvg,
} from './render-svg';

export interface Output {
  readonly format: Format;
  /** Writes a graph in the chosen format; `title` heads a drawn one that has none. */
  graph(graph: GraphJson, title: string): Promise<void>;
  /** Writes text as is. */
  text(text: string): void;
  /** Writes a value as indented JSON. */
  json(value: unknown): void;
}

export interface OutputOptions {
  format: Format;
  /** The --link-template given, if any. */
  linkTemplate: string | undefined;
  /** Reads a file of the kernel tree (the Makefile, for `{version}`). */
  readText: (path: string) => string | undefined;
  write?: (text: string) => void;
}

/**
 * The output of a command. The link template and Chromium are checked here, before any
 * indexing, so a typo or a missing browser fails at once rather than after a long index.
 */
export function makeOutput(options: OutputOptions): Output {
  const { format, linkTemplate } = options;
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  const drawn = isDrawnFormat(format);
  let links: LinkTemplate | undefined;
  if (drawn || linkTemplate !== undefined) {
    const makefile = options.readText('Makefile');
    try {
      links = parseLinkTemplate(
        linkTemplate,
        makefile === undefined ? undefined : kernelVersion(makefile),
      );
    } catch (e) {
      if (e instanceof LinkTemplateError)
        throw new UsageError(`--link-template ${JSON.stringify(e.template)}: ${e.problem}`);
      throw e;
    }
  }
  const chromium = drawn ? findChromium() : undefined;
  if (drawn && chromium === undefined)
    throw new ChromiumMissingError(chromiumMissingMessage(format));
  return {
    format,
    async graph(graph, title) {
      if (isDrawnFormat(format)) {
        const render = (text: string): Promise<string> =>
          renderMermaidSvg(text, { format, ...(chromium ? { chromium } : {}) });
        write(await drawGraph(graph, format, { title, render, ...(links ? { links } : {}) }));
      } else {
        // Mermaid gets click lines only when a template was asked for: the default output stays plain.
        write(
          formatGraph(
            graph,
            format,
            linkTemplate !== undefined ? links : undefined,
            options.readText,
          ),
        );
      }
    },
    text: write,
    json(value) {
      write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
