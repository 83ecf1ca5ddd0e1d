// The `netpaths` command line: a thin shell over src/analysis. Its output is a contract
// (README.md, "Command line"): scripts and documentation pipelines depend on it.
// Invariant: every failure is one line on stderr and exit code 1 (2 for usage errors);
// never a stack trace.
//
// Layout: options.ts reads argv, commands.ts is the table of commands and their handlers,
// output.ts writes what they answer, indexing.ts says where the index is, usage.ts --help.

import { NotKernelTreeError } from '../analysis/index/walk';
import { kernelTextReader } from '../analysis/kernel-text';
import { QueryError } from '../analysis/query/query';
import { type CommandContext, checkOptions, findCommand } from './commands';
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
  const ctx: CommandContext = {
    name,
    args,
    values,
    out: makeOutput({ format, linkTemplate: values['link-template'], readText }),
    graph: () => index.graph(),
    buildIndex: () => index.build(),
    readText,
    log,
  };
  try {
    await command.run(ctx);
  } catch (e) {
    // A function outside the default scope is not unknown to the kernel: say where to look.
    if (e instanceof QueryError && index.scope.network && e.message.startsWith('unknown function'))
      throw new QueryError(`${e.message}; the index covers ${index.scope.description}`);
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
