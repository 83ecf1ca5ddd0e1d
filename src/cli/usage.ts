// The --help texts, written from the command table and the options' help, so that a new
// command or option is documented where it is declared.

import { type Command, COMMANDS } from './commands';
import { COMMON_OPTIONS, OPTION_HELP, type OptionName } from './options';

/** Columns where the descriptions of commands and of options start. */
const COMMAND_COLUMN = 37;
const OPTION_COLUMN = 22;

function twoColumns(left: string, lines: readonly string[], column: number): string[] {
  const [first = '', ...rest] = lines;
  const head =
    left.length < column - 1
      ? [`${left.padEnd(column)}${first}`]
      : [left, `${' '.repeat(column)}${first}`];
  return [...head, ...rest.map((l) => `${' '.repeat(column)}${l}`)];
}

function optionLines(names: readonly OptionName[]): string[] {
  return names.flatMap((name) => {
    const { arg, help } = OPTION_HELP[name];
    return twoColumns(`  --${name}${arg ? ` ${arg}` : ''}`, help, OPTION_COLUMN);
  });
}

const FUNC_NOTE = 'FUNC is a function name, or FILE:NAME with FILE relative to the kernel root.';

/** `netpaths --help`. */
export function usage(): string {
  const graphCommands = COMMANDS.filter((c) => c.options.includes('link-template')).map(
    (c) => c.name,
  );
  return [
    'usage: netpaths <command> [options]',
    '',
    'commands:',
    ...COMMANDS.flatMap((c) => twoColumns(`  ${c.usage}`, c.summary, COMMAND_COLUMN)),
    '',
    FUNC_NOTE,
    '',
    'options of every command:',
    ...optionLines(COMMON_OPTIONS.filter((o) => o !== 'help')),
    ...twoColumns('  --help, --version', OPTION_HELP.help.help, OPTION_COLUMN),
    '',
    `options of the graph commands (${graphCommands.join(', ')}):`,
    ...optionLines(['link-template', 'show-unbuilt']),
    '',
    "'netpaths COMMAND --help' lists the options of one command.",
  ].join('\n');
}

/** `netpaths COMMAND --help`. */
export function commandUsage(command: Command): string {
  return [
    `usage: netpaths ${command.usage} [options]`,
    '',
    ...command.summary,
    ...(command.usage.includes('FUNC') ? ['', FUNC_NOTE] : []),
    ...(command.options.length > 0 ? ['', 'options:', ...optionLines(command.options)] : []),
    '',
    'options of every command:',
    ...optionLines(COMMON_OPTIONS.filter((o) => o !== 'help')),
  ].join('\n');
}
