// Option parsing of the `netpaths` command line: every option once, with its help text.
// Which command takes which option is said by the command table (commands.ts); this
// file only reads argv and checks what holds for every command.

import { parseArgs } from 'node:util';

/** A mistake in the command line: exit code 2 and a pointer to --help. */
export class UsageError extends Error {}

/** Every option of every command, as node:util's parseArgs reads them. */
export const OPTIONS = {
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
  route: { type: 'string' },
  expand: { type: 'string', multiple: true },
  trace: { type: 'string', multiple: true },
  skb: { type: 'string' },
  'max-gap': { type: 'string' },
  config: { type: 'string' },
  'show-unbuilt': { type: 'boolean' },
  built: { type: 'boolean' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

export type OptionName = keyof typeof OPTIONS;

/** What --help says of an option: the word for its value, and what it does (lines). */
export interface OptionHelp {
  arg?: string;
  help: readonly string[];
}

export const OPTION_HELP: Readonly<Record<OptionName, OptionHelp>> = {
  kernel: {
    arg: 'DIR',
    help: ['the Linux tree (default: $NETPATHS_KERNEL, else the current folder)'],
  },
  format: {
    arg: 'F',
    help: [
      'text (default) or json; for graphs also mermaid, dot, svg (an image) or',
      'html (a page with pan and zoom), svg and html drawn in a headless Chromium;',
      "pwru, ftrace or bpftrace: the commands that trace the graph's functions",
    ],
  },
  'link-template': {
    arg: 'T',
    help: [
      'where svg, html (and mermaid) link each function: {path}, {line}',
      "and {version} are replaced (default '{path}#L{line}'), e.g.",
      "'https://elixir.bootlin.com/linux/v{version}/source/{path}#L{line}'",
    ],
  },
  'cache-dir': {
    arg: 'DIR',
    help: ['where the index lives (default: $XDG_CACHE_HOME/netpaths/index/...)'],
  },
  scope: { arg: 'GLOB', help: ["index only matching files (repeatable), e.g. 'net/**'"] },
  workers: { arg: 'N', help: ['parse workers (default: one per core)'] },
  depth: { arg: 'N', help: ['levels of calls, or of side branches on a path (default 1)'] },
  from: { arg: 'FUNC', help: ['where paths start (repeatable)'] },
  to: { arg: 'FUNC', help: ['where paths end (repeatable)'] },
  via: { arg: 'FUNC', help: ['a function the path passes, in the order given (repeatable)'] },
  'max-depth': { arg: 'N', help: ['the longest path looked for, in calls (default 40)'] },
  paths: { arg: 'K', help: ['how many paths, best first (default 1)'] },
  driver: { arg: 'NAME', help: ['the driver, by name, alias or folder (netpaths drivers)'] },
  route: {
    arg: 'R',
    help: ['the route through the stack: tcp4 (default), udp4, tcp6, ... (netpaths routes)'],
  },
  expand: { arg: 'FUNC', help: ['show the collapsed branch under FUNC (repeatable)'] },
  trace: {
    arg: 'FILE',
    help: ['a trace to draw on the path (repeatable; - reads stdin): netpaths trace reads it'],
  },
  skb: { arg: 'ADDR', help: ['only the packet of this skb address (pwru, nettrace)'] },
  'max-gap': {
    arg: 'N',
    help: ['the most calls the join infers between two traced functions (default 8)'],
  },
  config: {
    arg: 'FILE',
    help: [
      'the kernel configuration (.config, .gz or .xz): draw the kernel it',
      "builds (default: $NETPATHS_CONFIG, else the tree's .config, else",
      'none); none: every branch of every #if, every file',
    ],
  },
  'show-unbuilt': {
    help: [
      'also show, faint, what the configuration does not build, with',
      'the condition or makefile line that leaves it out',
    ],
  },
  built: { help: ['only the drivers the configuration builds (y or m)'] },
  quiet: { help: ['no progress on stderr'] },
  help: { help: ['this text; after a command, that command alone'] },
  version: { help: ['the version of netpaths'] },
};

/** Options every command takes: where the tree and its index are, the output, the noise. */
export const COMMON_OPTIONS: readonly OptionName[] = [
  'kernel',
  'format',
  'cache-dir',
  'scope',
  'workers',
  'config',
  'quiet',
  'help',
];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: OPTIONS,
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
}

export type Values = ReturnType<typeof parse>['values'];

export interface CommandLine {
  /** The command, then its arguments. */
  positionals: string[];
  values: Values;
  /** The options given, in order, each once. */
  given: OptionName[];
}

/** Reads argv; unknown options, missing values and repeated single options are usage errors. */
export function parseCommandLine(argv: string[]): CommandLine {
  let parsed;
  try {
    parsed = parse(argv);
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  // parseArgs keeps the last of a repeated option: `--cache-dir A --cache-dir B` would quietly use B.
  const given: OptionName[] = [];
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    const name = t.name;
    const spec: { type: string; multiple?: boolean } = OPTIONS[name];
    if (given.includes(name) && !spec.multiple && spec.type !== 'boolean')
      throw new UsageError(`--${name} is given twice; give it once`);
    if (!given.includes(name)) given.push(name);
  }
  return { positionals: parsed.positionals, values: parsed.values, given };
}

/** A whole number of at least 1 given as `--flag value`, or `fallback` when not given. */
export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${flag} needs a positive whole number, not '${value}'`);
  return n;
}
