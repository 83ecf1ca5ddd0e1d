// The `netpaths` command line: a thin shell over src/analysis. Its output is a contract
// (README.md, "Command line"): scripts and documentation pipelines depend on it.
// Invariant: every failure is one line on stderr and exit code 1 (2 for usage errors);
// never a stack trace.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { GraphJson } from '../analysis/graph-json';
import { buildIndex, openGraph } from '../analysis/index/indexer';
import type { IndexOptions } from '../analysis/index/indexer';
import { explain, formatExplanation, listTopics, readSkbuffDoc } from '../analysis/knowledge';
import { PresetContext, buildPreset, formatDriverTable, listDrivers } from '../analysis/presets';
import { findPaths } from '../analysis/query/paths';
import { QueryError, neighbourhood, where } from '../analysis/query/query';
import { LinkTemplateError, kernelVersion, parseLinkTemplate } from '../analysis/render/links';
import type { LinkTemplate } from '../analysis/render/links';
import { definitionsText } from '../analysis/render/text';
import { drawGraph, formatGraph, isDrawnFormat, isFormat } from './format';
import {
  ChromiumMissingError,
  chromiumMissingMessage,
  findChromium,
  renderMermaidSvg,
} from './render-svg';
import { NotKernelTreeError } from '../analysis/index/walk';

class UsageError extends Error {}

const USAGE = `usage: netpaths <command> [options]

commands:
  index                              build or refresh the index and print its statistics
  where FUNC...                      where functions are defined
  callees FUNC... [--depth N]        what they call (N levels, default 1)
  callers FUNC... [--depth N]        what calls them (N levels, default 1)
  path --from A --to B [--via C]... [--max-depth N] [--paths K]
                                     the K best call paths from A to B (through C)
  drivers                            the network drivers found, their entry points and
                                     whether their ingress/egress paths are complete
  ingress --driver NAME [--expand FUNC]... [--depth N]
                                     the annotated receive path of a driver, IRQ to socket
  egress --driver NAME [--expand FUNC]... [--depth N]
                                     the annotated transmit path, socket to the driver
  explain [TOPIC]                    what an sk_buff field or a concept means (skb->data,
                                     napi, gro, ...); without TOPIC, the topics

FUNC is a function name, or FILE:NAME with FILE relative to the kernel root.

options:
  --kernel DIR        the Linux tree (default: $NETPATHS_KERNEL, else the current folder)
  --format F          text (default), json, mermaid or dot; svg (an image) or html (a
                      page with pan and zoom) for graphs, drawn in a headless Chromium
  --link-template T   where svg, html (and mermaid) link each function: {path}, {line}
                      and {version} are replaced (default '{path}#L{line}'), e.g.
                      'https://elixir.bootlin.com/linux/v{version}/source/{path}#L{line}'
  --cache-dir DIR     where the index lives (default: $XDG_CACHE_HOME/netpaths/index/...)
  --scope GLOB        index only matching files (repeatable), e.g. 'net/**'
  --workers N         parse workers (default: one per core)
  --quiet             no progress on stderr
  --help, --version`;

const options = {
  kernel: { type: 'string' },
  format: { type: 'string' },
  'link-template': { type: 'string' },
  'cache-dir': { type: 'string' },
  scope: { type: 'string', multiple: true },
  workers: { type: 'string' },
  depth: { type: 'string' },
  from: { type: 'string', multiple: true },
  to: { type: 'string', multiple: true },
  via: { type: 'string', multiple: true },
  'max-depth': { type: 'string' },
  paths: { type: 'string' },
  driver: { type: 'string' },
  expand: { type: 'string', multiple: true },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} needs a positive whole number, not '${value}'`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  // parseArgs keeps the last of a repeated option: `--cache-dir A --cache-dir B` would quietly use B.
  const given = new Set<string>();
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    const spec: { type: string; multiple?: boolean } = options[t.name];
    if (spec.multiple || spec.type === 'boolean') continue;
    if (given.has(t.name)) throw new UsageError(`--${t.name} is given twice; give it once`);
    given.add(t.name);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const [command, ...args] = positionals;
  if (!command) throw new UsageError('no command given');
  const format = values.format ?? 'text';
  if (!isFormat(format))
    throw new UsageError(`--format must be text, json, mermaid, dot, svg or html, not '${format}'`);
  const drawn = isDrawnFormat(format);
  if (drawn && ['index', 'drivers', 'explain'].includes(command))
    throw new UsageError(
      `--format ${format} draws graphs: use it with where, callees, callers, path, ingress or egress`,
    );
  if (values['link-template'] !== undefined && !drawn && format !== 'mermaid')
    throw new UsageError('--link-template applies to --format svg, html or mermaid');
  const quiet = values.quiet ?? false;
  const progress = !quiet && process.stderr.isTTY;
  const indexOptions: IndexOptions = {
    root: values.kernel ?? process.env.NETPATHS_KERNEL ?? process.cwd(),
    scope: values.scope ?? [],
    log: (line) => {
      if (!quiet) process.stderr.write(`netpaths: ${line}\n`);
    },
  };
  if (values['cache-dir']) indexOptions.cacheDir = values['cache-dir'];
  if (values.workers !== undefined)
    indexOptions.workers = positiveInt(values.workers, 'workers', 1);
  if (progress) {
    let last = 0;
    indexOptions.onProgress = (done, total) => {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      process.stderr.write(`\rnetpaths: parsing ${done}/${total} files`);
      if (done === total) process.stderr.write('\n');
    };
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  indexOptions.signal = controller.signal;

  const needFuncs = (): string[] => {
    if (args.length === 0) throw new UsageError(`${command} needs at least one FUNC`);
    return args;
  };
  /** Reads a file of the kernel tree for the presets (Makefiles, netfilter hook sites). */
  const readText = (path: string): string | undefined => {
    try {
      return readFileSync(join(indexOptions.root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  // Links and Chromium are checked before any indexing, so a typo or a missing browser
  // fails at once rather than after a long first index.
  let links: LinkTemplate | undefined;
  if (drawn || values['link-template'] !== undefined) {
    const makefile = readText('Makefile');
    try {
      links = parseLinkTemplate(
        values['link-template'],
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
  const print = async (graph: GraphJson, title: string): Promise<void> => {
    if (isDrawnFormat(format)) {
      const render = (text: string): Promise<string> =>
        renderMermaidSvg(text, { format, ...(chromium ? { chromium } : {}) });
      process.stdout.write(
        await drawGraph(graph, format, { title, render, ...(links ? { links } : {}) }),
      );
    } else {
      // Mermaid gets click lines only when a template was asked for: the default output stays plain.
      process.stdout.write(
        formatGraph(graph, format, values['link-template'] !== undefined ? links : undefined),
      );
    }
  };

  switch (command) {
    case 'index': {
      if (args.length > 0) throw new UsageError('index takes no arguments');
      const r = await buildIndex(indexOptions);
      const s = r.graph.data.stats;
      const summary = {
        files: r.files,
        reparsed: r.reparsed,
        reused: r.reused,
        removed: r.removed,
        functions: s.functions,
        macros: s.macros,
        callSites: s.callSites,
        edges: s.edges,
        indirectEdges: s.indirectEdges,
        asyncEdges: s.asyncEdges,
        bindings: s.bindings,
        filesWithParseErrors: s.filesWithErrors,
        filesSkipped: s.filesSkipped,
        unresolvedPointerCalls: s.unresolvedPointerCalls,
        seconds: r.seconds,
        cacheDir: r.cacheDir,
      };
      if (format === 'json') {
        process.stdout.write(`${JSON.stringify({ ...summary, skipped: r.skipped }, null, 2)}\n`);
      } else {
        const width = Math.max(...Object.keys(summary).map((k) => k.length));
        for (const [k, v] of Object.entries(summary))
          process.stdout.write(`${k.padEnd(width)}  ${String(v)}\n`);
        for (const sk of r.skipped.slice(0, 10))
          process.stdout.write(`skipped  ${sk.path}: ${sk.reason}\n`);
      }
      return 0;
    }
    case 'where': {
      const funcs = needFuncs();
      const found = where(await openGraph(indexOptions), funcs);
      if (format === 'text') process.stdout.write(definitionsText(found));
      else await print(found, `where ${funcs.join(' ')}`);
      return 0;
    }
    case 'callees':
    case 'callers': {
      const funcs = needFuncs();
      const depth = positiveInt(values.depth, 'depth', 1);
      await print(
        neighbourhood(await openGraph(indexOptions), funcs, depth, command),
        `${command === 'callees' ? 'calls from' : 'callers of'} ${funcs.join(', ')}`,
      );
      return 0;
    }
    case 'path': {
      if (args.length > 0)
        throw new UsageError('path takes --from and --to, not positional arguments');
      if (!values.from?.length || !values.to?.length)
        throw new UsageError('path needs --from A and --to B');
      const maxDepth = positiveInt(values['max-depth'], 'max-depth', 40);
      const paths = positiveInt(values.paths, 'paths', 1);
      await print(
        findPaths(await openGraph(indexOptions), values.from, values.to, {
          maxDepth,
          paths,
          via: values.via,
        }),
        [values.from.join(', '), ...(values.via ?? []), values.to.join(', ')].join(' → '),
      );
      return 0;
    }
    case 'drivers': {
      if (args.length > 0) throw new UsageError('drivers takes no arguments');
      const list = listDrivers(new PresetContext(await openGraph(indexOptions), readText));
      process.stdout.write(
        format === 'json' ? `${JSON.stringify(list, null, 2)}\n` : formatDriverTable(list),
      );
      return 0;
    }
    case 'ingress':
    case 'egress': {
      if (args.length > 0)
        throw new UsageError(`${command} takes --driver NAME, not positional arguments`);
      if (!values.driver)
        throw new UsageError(`${command} needs --driver NAME (netpaths drivers lists them)`);
      const depth = positiveInt(values.depth, 'depth', 1);
      const ctx = new PresetContext(await openGraph(indexOptions), readText);
      const report = (missing: readonly string[], remarks: readonly string[]): void => {
        if (missing.length > 0)
          indexOptions.log?.(
            `the ${command} path of ${values.driver ?? ''} is partial: ${missing.join('; ')}`,
          );
        for (const r of remarks) indexOptions.log?.(`${values.driver ?? ''}: ${r}`);
      };
      await print(
        buildPreset(ctx, values.driver, command, {
          expand: values.expand ?? [],
          depth,
          onReport: report,
        }),
        `${values.driver} ${command}`,
      );
      return 0;
    }
    case 'explain': {
      if (args.length === 0) {
        const topics = listTopics();
        if (format === 'json') process.stdout.write(`${JSON.stringify(topics, null, 2)}\n`);
        else process.stdout.write(topics.map((t) => `${t.kind.padEnd(10)}  ${t.title}\n`).join(''));
        return 0;
      }
      // The user's own skbuff.h, when the kernel tree has one, adds the field's type, line and kernel-doc.
      const skbuff = readText('include/linux/skbuff.h');
      const doc = skbuff === undefined ? undefined : readSkbuffDoc(skbuff);
      const found = args.map((topic) => ({ topic, e: explain(topic, doc) }));
      const unknown = found.find((f) => !f.e);
      if (unknown)
        throw new QueryError(
          `nothing known about ${unknown.topic} (netpaths explain lists the topics)`,
        );
      const explanations = found.map((f) => f.e);
      process.stdout.write(
        format === 'json'
          ? `${JSON.stringify(explanations.length === 1 ? explanations[0] : explanations, null, 2)}\n`
          : `${explanations.map((e) => (e ? formatExplanation(e) : '')).join('\n\n')}\n`,
      );
      return 0;
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

declare const NETPATHS_VERSION: string | undefined;
const VERSION = typeof NETPATHS_VERSION === 'string' ? NETPATHS_VERSION : 'dev';

// `netpaths ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    const hint =
      e instanceof NotKernelTreeError ? ': pass --kernel DIR or set NETPATHS_KERNEL' : '';
    process.stderr.write(`netpaths: ${message.split('\n')[0]}${hint}\n`);
    if (e instanceof UsageError) process.stderr.write("Try 'netpaths --help'.\n");
    process.exitCode = e instanceof UsageError ? 2 : e instanceof QueryError ? 1 : 1;
  },
);
