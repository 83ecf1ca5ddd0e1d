// The commands of `netpaths`, as a table: each entry has its name, its usage line, the
// options it takes beyond the common ones, the kind of output it writes, and its handler.
// Adding a command or an option to one is a change to its entry (and to OPTIONS for a
// new option), not to the dispatcher in main.ts.

import type { KernelConfig } from '../analysis/config/dotconfig';
import type { BuildMap } from '../analysis/config/kbuild';
import { markDrivers } from '../analysis/config/unbuilt';
import type { Graph } from '../analysis/index/graph';
import type { IndexReport } from '../analysis/index/indexer';
import {
  checkRows,
  explain,
  formatExplanation,
  knowledgeCitations,
  listTopics,
  readSkbuffDoc,
  releaseNote,
} from '../analysis/knowledge';
import { kernelVersion } from '../analysis/render/links';
import type { PresetContext } from '../analysis/presets';
import {
  ROUTES,
  buildPreset,
  formatDriverTable,
  formatDropList,
  listDrivers,
  listDrops,
  roleCitations,
} from '../analysis/presets';
import { findPaths } from '../analysis/query/paths';
import { overlayTrace } from '../analysis/trace';
import { QueryError, neighbourhood, where } from '../analysis/query/query';
import { definitionsText } from '../analysis/render/text';
import { FORMATS, type Format, isDrawnFormat, isFormat } from './format';
import { COMMON_OPTIONS, type OptionName, UsageError, type Values, positiveInt } from './options';
import type { CliConfiguration } from './indexing';
import type { Output } from './output';
import { runConfig } from './config-command';
import { checkFiles, joinTraceFiles, logSkipped, runTrace } from './trace-command';

/** What a handler gets: its arguments, the options, the output, and the tree and its index. */
export interface CommandContext {
  /** The command as typed (callers and callees share a handler). */
  readonly name: string;
  /** The positional arguments after the command. */
  readonly args: readonly string[];
  readonly values: Values;
  readonly out: Output;
  /** The call graph of the tree: from the index, built first when there is none. */
  graph(): Promise<Graph>;
  /** Builds or refreshes the index. */
  buildIndex(): Promise<IndexReport>;
  /** The kernel configuration the command applies, if any (read on first use). */
  configuration(): CliConfiguration;
  /** The call graph of every configuration at once, whatever the configuration. */
  unionGraph(): Promise<Graph>;
  /** What Kbuild builds of the tree with a configuration. */
  buildMap(config: KernelConfig): BuildMap;
  /** Reads a file of the kernel tree (Makefiles, netfilter hook sites, skbuff.h). */
  readText(path: string): string | undefined;
  /** The presets' state for `graph`, its drivers kept in the index folder between commands. */
  presets(graph: Graph): PresetContext;
  /** A one-line remark on stderr (silenced by --quiet). */
  log(line: string): void;
}

export interface Command {
  readonly name: string;
  /** The usage line: the name, its arguments and its own options. */
  readonly usage: string;
  /** What it does, for --help (one or more lines). */
  readonly summary: readonly string[];
  /** The options it takes beyond COMMON_OPTIONS. */
  readonly options: readonly OptionName[];
  /** `graph` writes a call graph (every format); `data` a table or an explanation (text, json). */
  readonly output: 'graph' | 'data';
  readonly run: (ctx: CommandContext) => Promise<void> | void;
}

function noArguments(ctx: CommandContext, instead?: string): void {
  if (ctx.args.length === 0) return;
  throw new UsageError(
    instead
      ? `${ctx.name} takes ${instead}, not positional arguments`
      : `${ctx.name} takes no arguments`,
  );
}

function functions(ctx: CommandContext): string[] {
  if (ctx.args.length === 0) throw new UsageError(`${ctx.name} needs at least one FUNC`);
  return [...ctx.args];
}

async function runIndex(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const r = await ctx.buildIndex();
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
    configuration: r.config?.source ?? 'none',
    ...(r.config
      ? { configGraph: r.config.cached ? 'cached' : 'resolved', configSeconds: r.config.seconds }
      : {}),
  };
  if (ctx.out.format === 'json') {
    ctx.out.json({ ...summary, skipped: r.skipped });
    return;
  }
  const width = Math.max(...Object.keys(summary).map((k) => k.length));
  const lines = Object.entries(summary).map(([k, v]) => `${k.padEnd(width)}  ${String(v)}\n`);
  for (const sk of r.skipped.slice(0, 10)) lines.push(`skipped  ${sk.path}: ${sk.reason}\n`);
  ctx.out.text(lines.join(''));
}

async function runWhere(ctx: CommandContext): Promise<void> {
  const funcs = functions(ctx);
  const found = where(await ctx.graph(), funcs);
  if (ctx.out.format === 'text') ctx.out.text(definitionsText(found));
  else await ctx.out.graph(found, `where ${funcs.join(' ')}`);
}

async function runNeighbourhood(ctx: CommandContext): Promise<void> {
  const funcs = functions(ctx);
  const depth = positiveInt(ctx.values.depth, 'depth', 1);
  const direction = ctx.name === 'callees' ? 'callees' : 'callers';
  await ctx.out.graph(
    neighbourhood(await ctx.graph(), funcs, depth, direction),
    `${direction === 'callees' ? 'calls from' : 'callers of'} ${funcs.join(', ')}`,
  );
}

async function runPath(ctx: CommandContext): Promise<void> {
  noArguments(ctx, '--from and --to');
  const { from, to, via } = ctx.values;
  if (!from?.length || !to?.length) throw new UsageError('path needs --from A and --to B');
  const maxDepth = positiveInt(ctx.values['max-depth'], 'max-depth', 40);
  const paths = positiveInt(ctx.values.paths, 'paths', 1);
  await ctx.out.graph(
    findPaths(await ctx.graph(), from, to, { maxDepth, paths, via }),
    [from.join(', '), ...(via ?? []), to.join(', ')].join(' → '),
  );
}

async function runDrivers(ctx: CommandContext): Promise<void> {
  noArguments(ctx);
  const { config } = ctx.configuration();
  if (ctx.values.built && !config)
    throw new UsageError(
      "--built needs a kernel configuration (--config FILE, $NETPATHS_CONFIG or the tree's .config)",
    );
  // Every driver of the tree is listed, each with what the configuration builds of it.
  const graph = config ? await ctx.unionGraph() : await ctx.graph();
  let list = listDrivers(ctx.presets(graph));
  if (config) {
    markDrivers(list, config, ctx.buildMap(config), (p) => ctx.readText(p));
    if (ctx.values.built) list = list.filter((d) => d.built !== 'n');
  }
  if (ctx.out.format === 'json') ctx.out.json(list);
  else ctx.out.text(formatDriverTable(list));
}

async function runPreset(ctx: CommandContext): Promise<void> {
  noArguments(ctx, '--driver NAME');
  const direction = ctx.name === 'egress' ? 'egress' : 'ingress';
  const driver = ctx.values.driver;
  if (!driver)
    throw new UsageError(`${direction} needs --driver NAME (netpaths drivers lists them)`);
  const depth = positiveInt(ctx.values.depth, 'depth', 1);
  if (!ctx.values.trace && (ctx.values.skb !== undefined || ctx.values['max-gap'] !== undefined))
    throw new UsageError('--skb and --max-gap choose how --trace FILE is read: give --trace');
  if (ctx.values.trace) checkFiles(ctx.values.trace);
  const presets = ctx.presets(await ctx.graph());
  const route = ctx.values.route;
  const preset = buildPreset(presets, driver, direction, {
    expand: ctx.values.expand ?? [],
    depth,
    ...(route !== undefined ? { route } : {}),
    onReport: (missing, remarks) => {
      if (missing.length > 0)
        ctx.log(
          `the ${direction} path of ${driver}${route !== undefined ? ` on route ${route}` : ''} is partial: ${missing.join('; ')}`,
        );
      for (const r of remarks) ctx.log(`${driver}: ${r}`);
    },
  });
  const title = `${driver} ${direction}${route !== undefined ? ` ${route}` : ''}`;
  const traces = ctx.values.trace;
  if (!traces || traces.length === 0) {
    await ctx.out.graph(preset, title);
    return;
  }
  // The trace on the preset: the same read and join as `netpaths trace`, then the overlay.
  preset.title ??= title;
  const { graph: joined } = await joinTraceFiles(ctx, traces);
  const graph = overlayTrace(await ctx.graph(), preset, joined, (p) => ctx.readText(p));
  logSkipped(ctx, graph);
  await ctx.out.graph(graph, title);
}

async function runDrops(ctx: CommandContext): Promise<void> {
  noArguments(ctx, '--driver NAME');
  const driver = ctx.values.driver;
  if (!driver) throw new UsageError('drops needs --driver NAME (netpaths drivers lists them)');
  const presets = ctx.presets(await ctx.graph());
  const route = ctx.values.route;
  const list = listDrops(presets, driver, (direction) =>
    buildPreset(presets, driver, direction, route !== undefined ? { route } : {}),
  );
  if (ctx.out.format === 'json') ctx.out.json(list);
  else ctx.out.text(formatDropList(list));
}

/** `netpaths routes`: every route of the presets with its one line; needs no tree. */
function runRoutes(ctx: CommandContext): void {
  noArguments(ctx);
  const list = ROUTES.map((r) => ({ id: r.id, description: r.description }));
  if (ctx.out.format === 'json') ctx.out.json(list);
  else {
    const width = Math.max(...list.map((r) => r.id.length));
    ctx.out.text(list.map((r) => `${r.id.padEnd(width)}  ${r.description}\n`).join(''));
  }
}

function runExplain(ctx: CommandContext): void {
  if (ctx.args.length === 0) {
    const topics = listTopics();
    if (ctx.out.format === 'json') ctx.out.json(topics);
    else ctx.out.text(topics.map((t) => `${t.kind.padEnd(10)}  ${t.title}\n`).join(''));
    return;
  }
  // The user's own skbuff.h, when the kernel tree has one, adds the field's type, line and kernel-doc.
  const skbuff = ctx.readText('include/linux/skbuff.h');
  const doc = skbuff === undefined ? undefined : readSkbuffDoc(skbuff);
  const cut = ctx.args.find((topic) => /^\w+-$/.test(topic));
  if (cut !== undefined)
    throw new UsageError(
      `'${cut}' is ${cut}>FIELD cut short by the shell, which read > as a redirection: quote it ('${cut}>data') or write ${cut.slice(0, -1)}.data`,
    );
  const explanations = ctx.args.map((topic) => {
    // The user's tree also gives the lines of the place each explanation cites.
    const e = explain(topic, doc, (file) => ctx.readText(file));
    if (!e)
      throw new QueryError(`nothing known about ${topic} (netpaths explain lists the topics)`);
    return e;
  });
  if (ctx.out.format === 'json')
    ctx.out.json(explanations.length === 1 ? explanations[0] : explanations);
  else ctx.out.text(`${explanations.map(formatExplanation).join('\n\n')}\n`);
}

/**
 * Finds the place each knowledge row cites in the tree and says which no longer hold there
 * (another release, a patched tree): the list on stdout, then an error when any fails.
 */
function runCheckKnowledge(ctx: CommandContext): void {
  noArguments(ctx);
  const rows = checkRows([...knowledgeCitations(), ...roleCitations()], (file) =>
    ctx.readText(file),
  );
  const failed = rows.filter((r) => !r.check.ok);
  if (ctx.out.format === 'json')
    ctx.out.json(
      rows.map((r) => ({
        table: r.table,
        row: r.row,
        file: r.cite.file,
        symbol: r.cite.symbol,
        ...(r.check.place ? { line: r.check.place.line } : {}),
        holds: r.check.ok,
        ...(r.check.ok ? {} : { reason: r.check.reason }),
      })),
    );
  const makefile = ctx.readText('Makefile');
  // Another release is named, so a user reads the list as differences, not as breakage.
  const release = releaseNote(makefile === undefined ? undefined : kernelVersion(makefile));
  if (ctx.out.format !== 'json')
    ctx.out.text(
      [
        ...failed.map((r) => `${r.table}  ${r.row}: ${r.check.ok ? '' : r.check.reason}\n`),
        `${rows.length - failed.length} of ${rows.length} knowledge rows hold in this tree${release}${
          failed.length > 0 ? `; ${failed.length} do not (listed above)` : ''
        }\n`,
      ].join(''),
    );
  if (failed.length > 0)
    throw new QueryError(`${failed.length} knowledge rows do not hold in this tree${release}`);
}

const GRAPH_OPTIONS: readonly OptionName[] = ['link-template', 'show-unbuilt'];
/** A trace on a preset: the files, and the options `netpaths trace` reads them with. */
const TRACE_OPTIONS: readonly OptionName[] = ['trace', 'skb', 'max-gap'];

/** Every command, in the order --help lists them. */
export const COMMANDS: readonly Command[] = [
  {
    name: 'index',
    usage: 'index',
    summary: ['build or refresh the index and print its statistics'],
    options: [],
    output: 'data',
    run: runIndex,
  },
  {
    name: 'where',
    usage: 'where FUNC...',
    summary: ['where functions are defined'],
    options: GRAPH_OPTIONS,
    output: 'graph',
    run: runWhere,
  },
  {
    name: 'callees',
    usage: 'callees FUNC... [--depth N]',
    summary: ['what they call (N levels, default 1)'],
    options: ['depth', ...GRAPH_OPTIONS],
    output: 'graph',
    run: runNeighbourhood,
  },
  {
    name: 'callers',
    usage: 'callers FUNC... [--depth N]',
    summary: ['what calls them (N levels, default 1)'],
    options: ['depth', ...GRAPH_OPTIONS],
    output: 'graph',
    run: runNeighbourhood,
  },
  {
    name: 'path',
    usage: 'path --from A --to B [--via C]... [--max-depth N] [--paths K]',
    summary: ['the K best call paths from A to B (through C)'],
    options: ['from', 'to', 'via', 'max-depth', 'paths', ...GRAPH_OPTIONS],
    output: 'graph',
    run: runPath,
  },
  {
    name: 'drivers',
    usage: 'drivers [--built]',
    summary: [
      'the network drivers found, their entry points,',
      'whether their ingress/egress paths are complete and',
      'what the configuration builds of them (y, m, n)',
    ],
    options: ['built'],
    output: 'data',
    run: runDrivers,
  },
  {
    name: 'ingress',
    usage:
      'ingress --driver D [--route R] [--expand F]... [--depth N] [--trace F]... [--skb A] [--max-gap N]',
    summary: ['the annotated receive path of a driver, IRQ to the reader'],
    options: ['driver', 'route', 'expand', 'depth', ...TRACE_OPTIONS, ...GRAPH_OPTIONS],
    output: 'graph',
    run: runPreset,
  },
  {
    name: 'egress',
    usage:
      'egress --driver D [--route R] [--expand F]... [--depth N] [--trace F]... [--skb A] [--max-gap N]',
    summary: ['the annotated transmit path, send system calls to the driver'],
    options: ['driver', 'route', 'expand', 'depth', ...TRACE_OPTIONS, ...GRAPH_OPTIONS],
    output: 'graph',
    run: runPreset,
  },
  {
    name: 'drops',
    usage: 'drops --driver NAME [--route R]',
    summary: [
      'where the ingress and egress paths of a driver can drop',
      'the packet, in path order, with each drop reason',
    ],
    options: ['driver', 'route'],
    output: 'data',
    run: runDrops,
  },
  {
    name: 'routes',
    usage: 'routes',
    summary: ['the routes through the stack ingress, egress and drops', 'draw with --route'],
    options: [],
    output: 'data',
    run: runRoutes,
  },
  {
    name: 'trace',
    usage: 'trace FILE... [-] [--skb ADDR] [--max-gap N]',
    summary: [
      'what pwru, ftrace, perf script, nettrace or a kernel stack',
      'dump saw, on the call graph: the path each packet took,',
      'the calls the tracer skipped, the drops; - reads stdin',
    ],
    options: ['skb', 'max-gap', ...GRAPH_OPTIONS],
    output: 'graph',
    run: runTrace,
  },
  {
    name: 'config',
    usage: 'config explain FUNC|FILE...',
    summary: [
      'why the kernel configuration builds a function or a file',
      'or leaves it out: the makefile lines and the #if around it',
    ],
    options: [],
    output: 'data',
    run: runConfig,
  },
  {
    name: 'explain',
    usage: 'explain [TOPIC]...',
    summary: [
      "what an sk_buff field or a concept means ('skb->data', napi,",
      'gro, ...); without TOPIC, the topics',
    ],
    options: [],
    output: 'data',
    run: runExplain,
  },
  {
    name: 'check-knowledge',
    usage: 'check-knowledge',
    summary: [
      'find the place in the tree each explanation cites; list the',
      'statements that no longer hold there (another release)',
    ],
    options: [],
    output: 'data',
    run: runCheckKnowledge,
  },
];

/** The command named `name`, or a usage error that lists them. */
export function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command)
    throw new UsageError(
      `unknown command '${name}' (commands: ${COMMANDS.map((c) => c.name).join(', ')})`,
    );
  return command;
}

/**
 * Checks what the table says of a command line: only options the command takes, a format
 * it writes, a link template only where there is a drawing. Returns the format.
 */
export function checkOptions(
  command: Command,
  given: readonly OptionName[],
  values: Values,
): Format {
  for (const option of given) {
    if (option === 'version' || COMMON_OPTIONS.includes(option) || command.options.includes(option))
      continue;
    throw new UsageError(`${command.name} takes no --${option} (netpaths ${command.name} --help)`);
  }
  const format = values.format ?? 'text';
  if (!isFormat(format))
    throw new UsageError(
      `--format must be ${FORMATS.slice(0, -1).join(', ')} or html, not '${format}'`,
    );
  if (command.output === 'data' && format !== 'text' && format !== 'json') {
    const graphs = COMMANDS.filter((c) => c.output === 'graph').map((c) => c.name);
    const verb = isDrawnFormat(format) ? 'draws' : 'writes';
    throw new UsageError(
      `--format ${format} ${verb} graphs: use it with ${graphs.slice(0, -1).join(', ')} or ${graphs.at(-1) ?? ''}`,
    );
  }
  if (values['link-template'] !== undefined && !['svg', 'html', 'mermaid'].includes(format))
    throw new UsageError('--link-template applies to --format svg, html or mermaid');
  return format;
}
