// A kernel configuration as `make` writes it (`.config`, Debian's `config.amd64_none_amd64`,
// `/boot/config-*`): one option a line, `CONFIG_X=y`, `CONFIG_X=m`, `CONFIG_X=123`,
// `CONFIG_X="text"`, or `# CONFIG_X is not set`. Pure: the text comes from load.ts.
//
// What the kernel's headers make of it (include/generated/autoconf.h): `=y` defines
// `CONFIG_X` as 1; `=m` defines `CONFIG_X_MODULE` as 1 and leaves `CONFIG_X` undefined (so
// `#ifdef CONFIG_X` is false for a module, which is why IS_ENABLED exists); numbers and
// strings define `CONFIG_X` as written; an option not set, or not in the file, is undefined.

import { ARCH_OPTIONS } from './kernel-options';

/** A kernel configuration, read. */
export interface KernelConfig {
  /** Option (with its `CONFIG_` prefix) -> value as written: `y`, `m`, `123`, `0x10`, `"text"`. */
  readonly values: ReadonlyMap<string, string>;
  /** Options written `# CONFIG_X is not set`. */
  readonly unset: ReadonlySet<string>;
  /** The architecture folder (SRCARCH) the configuration is for: `x86`, `arm64`, ...; undefined when none says. */
  readonly arch: string | undefined;
  /** Where it was read from, for the user. */
  readonly source: string;
}

export type ConfigRead = { config: KernelConfig } | { problem: string };

const OPTION = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/;
const NOT_SET = /^# (CONFIG_[A-Za-z0-9_]+) is not set$/;
const VALUE = /^(?:y|m|-?\d+|0[xX][0-9a-fA-F]+|"(?:[^"\\]|\\.)*")$/;

/**
 * Reads the text of a configuration. A text that is not one (another file, a binary, an
 * empty file) gives one line saying so, naming `source`; so does a line that is neither an
 * option, a comment nor blank.
 */
export function parseDotConfig(text: string, source: string): ConfigRead {
  if (text.includes('\0'))
    return { problem: `${source} is not a kernel configuration (it is a binary file)` };
  const values = new Map<string, string>();
  const unset = new Set<string>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).replace(/\r$/, '');
    const option = OPTION.exec(line);
    if (option) {
      const value = option[2] as string;
      if (!VALUE.test(value))
        return {
          problem: `${source} is not a kernel configuration: line ${i + 1} gives ${option[1]} the value ${shorten(value)}, neither y, m, a number nor a quoted string`,
        };
      values.set(option[1] as string, value);
      continue;
    }
    const notSet = NOT_SET.exec(line);
    if (notSet) {
      unset.add(notSet[1] as string);
      continue;
    }
    if (line.trim() === '' || line.startsWith('#')) continue;
    return {
      problem: `${source} is not a kernel configuration: line ${i + 1} is ${shorten(line)}, not CONFIG_X=value or a comment`,
    };
  }
  if (values.size === 0)
    return {
      problem:
        unset.size === 0
          ? `${source} is not a kernel configuration: it sets no CONFIG_ option${text.trim() === '' ? ' (it is empty)' : ''}`
          : `${source} sets no CONFIG_ option (every one is "not set")`,
    };
  return { config: { values, unset, arch: archOf(values), source } };
}

/** The architecture a configuration is for, by the option only that architecture's Kconfig sets. */
function archOf(values: ReadonlyMap<string, string>): string | undefined {
  for (const [option, arch] of ARCH_OPTIONS) if (values.get(option) === 'y') return arch;
  return undefined;
}

function shorten(text: string): string {
  const t = JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
  return t;
}

/** What an option is in a configuration: built in, a module, a value, or off. */
export type Tristate = 'y' | 'm' | 'n';

/** `y`, `m`, or `n` for anything else that is not a true bool (unset, absent, a number, a string). */
export function tristate(config: KernelConfig, option: string): Tristate {
  const v = config.values.get(option);
  return v === 'y' ? 'y' : v === 'm' ? 'm' : 'n';
}

/**
 * The options of `config` that no Kconfig of the tree declares (`known`), sorted: a
 * configuration of another kernel release, or a typo in a hand-written one.
 */
export function unknownOptions(config: KernelConfig, known: ReadonlySet<string>): string[] {
  return [...config.values.keys(), ...config.unset].filter((o) => !known.has(o)).sort();
}

/** One warning line for options the tree does not know, naming the first few. */
export function unknownOptionsWarning(source: string, unknown: readonly string[]): string {
  const shown = unknown.slice(0, 5).join(', ');
  const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
  return `${source} sets ${unknown.length} option${unknown.length === 1 ? '' : 's'} this tree does not declare (${shown}${more}); they are ignored`;
}

/** The Kconfig symbols a Kconfig file declares (`config X`, `menuconfig X`), as `CONFIG_X`. */
export function kconfigSymbols(text: string, into: Set<string>): void {
  const re = /^[ \t]*(?:menu)?config[ \t]+([A-Za-z0-9_]+)[ \t]*$/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) into.add(`CONFIG_${m[1] as string}`);
}
