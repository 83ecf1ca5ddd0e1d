// The `netpaths` command line: a thin shell over src/analysis. Its output is a contract
// (README.md, "Command line"): scripts and documentation pipelines depend on it.
// Invariant: every failure is one line on stderr and exit code 1 (2 for usage errors);
// never a stack trace.
//
// Layout: options.ts reads argv, commands.ts is the table of commands and their handlers,
// output.ts writes what they answer, indexing.ts says where the index is, usage.ts --help.

import { markUnbuilt } from '../analysis/config/unbuilt';
import { treeBuildMap } from '../analysis/index/configured';
import { NotKernelTreeError } from '../analysis/index/walk';
import { kernelTextReader } from '../analysis/kernel-text';
import { PresetContext } from '../analysis/presets';
import { QueryError } from '../analysis/query/query';
import { type CommandContext, checkOptions, findCommand } from './commands';
import { fileDriverStore } from './driver-store';
import { cliIndex } from './indexing';
import { UsageError, parseCommandLine } from './options';
import { makeOutput } from './output';
import { commandUsage, usage } from './usage';

declare const NETPATHS_VERSION: string | undefined;
const VERSION = typeof NETPATHS_VERSION === 'string' ? NETPATHS_VERSION : 'dev';

async function main(argv: string[]): Promise<void> {
  const { positionals, values, given } = parseCommandLine(argv);
  const [name, ...args] = positionals;
  if (values.help && name === undefined) return void process.stdout.write(`${usage()}\n`);
  if (values.version) return void process.stdout.write(`${VERSION}\n`);
  if (name === undefined) throw new UsageError('no command given');
  const command = findCommand(name);
  if (values.help) return void process.stdout.write(`${commandUsage(command)}\n`);
  const format = checkOptions(command, given, values);
  const log = (line: string): void => {
    if (!values.quiet) process.stderr.write(`netpaths: ${line}\n`);
  };
  const index = cliIndex(values, log);
  const readText = kernelTextReader(index.options.root);
  const out = makeOutput({ format, linkTemplate: values['link-template'], readText });
  // --show-unbuilt answers on the union, then marks what the configuration leaves out.
  const unbuilt = (): boolean => values['show-unbuilt'] === true && !!index.configuration().config;
  const ctx: CommandContext = {
    name,
    args,
    values,
    out: {
      ...out,
      async graph(graph, title) {
        const { config, json } = index.configuration();
        graph.configuration = json;
        if (config && unbuilt())
          markUnbuilt(
            graph,
            await index.graph(),
            config,
            treeBuildMap(index.options.root, config),
            readText,
          );
        await out.graph(graph, title);
      },
    },
    graph: () => (unbuilt() ? index.union() : index.graph()),
    buildIndex: () => index.build(),
    configuration: () => index.configuration(),
    unionGraph: () => index.union(),
    buildMap: (config) => treeBuildMap(index.options.root, config),
    readText,
    presets: (graph) =>
      new PresetContext(
        graph,
        readText,
        fileDriverStore(graph, index.options.root, index.options.cacheDir),
      ),
    log,
  };
  try {
    await command.run(ctx);
  } catch (e) {
    // A function outside the default scope is not unknown to the kernel: say where to look.
    const unknown = e instanceof QueryError ? /^unknown function (\S+)/.exec(e.message) : null;
    const { config } = unknown ? index.configuration() : {};
    // A function the configuration does not build is in the union: say so, not "unknown".
    if (unknown && config) {
      const name = unknown[1] as string;
      if ((await index.union()).lookup(name).length > 0)
        throw new QueryError(
          `${name} is not built by the configuration ${config.source} (netpaths config explain ${name} says why; --config none draws every configuration)`,
        );
    }
    if (unknown && index.scope.network)
      throw new QueryError(`${(e as Error).message}; the index covers ${index.scope.description}`);
    throw e;
  }
}

// `netpaths ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  () => {
    process.exitCode = 0;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    const hint =
      e instanceof NotKernelTreeError ? ': pass --kernel DIR or set NETPATHS_KERNEL' : '';
    process.stderr.write(`netpaths: ${message.split('\n')[0]}${hint}\n`);
    if (e instanceof UsageError) process.stderr.write("Try 'netpaths --help'.\n");
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
