// What one `CONFIG_` option is, for an editor's hover: its value in the active
// configuration (built in, a module, a number or string, or not set) and where the tree's
// Kconfig declares it (with its type and prompt). The name under the cursor comes from a
// line of C or of a Kbuild makefile (`#ifdef CONFIG_X`, `IS_ENABLED(CONFIG_X)`,
// `obj-$(CONFIG_X) += x.o`). Pure, but for kconfigDeclarations, which reads the tree.

import type { KernelConfig } from '../config/dotconfig';
import { forEachKconfig } from '../config/load';

/** A `config X` entry of a Kconfig file. */
export interface KconfigDeclaration {
  /** Relative to the tree's root, `/`-separated. */
  file: string;
  line: number;
  /** `bool`, `tristate`, `int`, `hex`, `string`, when the entry says. */
  type?: string;
  /** The entry's prompt, when it has one (options without one are set by others' `select`). */
  prompt?: string;
}

/** What an option is in a configuration. */
export type OptionState = 'y' | 'm' | 'value' | 'not set' | 'absent';

export interface OptionInfo {
  /** The option (`CONFIG_X`), as the configuration and Kconfig name it. */
  option: string;
  /** The name as written, when it differs: `CONFIG_X_MODULE`, which the headers define for X=m. */
  written?: string;
  /** The value as the configuration writes it (`y`, `m`, `16`, `"text"`), when set. */
  value?: string;
  /** `not set`: written `# CONFIG_X is not set`; `absent`: not in the file at all (also off). */
  state: OptionState;
  /** Where the tree's Kconfig declares it (the first of several), none when it does not. */
  declared?: KconfigDeclaration;
  /** How many Kconfig entries declare it (architectures often each declare one). */
  declarations: number;
}

const OPTION_NAME = /\bCONFIG_[A-Za-z0-9_]+/g;

/** The `CONFIG_` name `character` (0-based) of `line` is on, with its columns (end exclusive). */
export function optionAt(
  line: string,
  character: number,
): { name: string; start: number; end: number } | undefined {
  OPTION_NAME.lastIndex = 0;
  for (let m = OPTION_NAME.exec(line); m; m = OPTION_NAME.exec(line)) {
    const end = m.index + m[0].length;
    if (character >= m.index && character < end) return { name: m[0], start: m.index, end };
    if (m.index > character) break;
  }
  return undefined;
}

/**
 * What `name` is in `config` (undefined: no configuration is active) and in the tree's
 * Kconfig (`declarations`, undefined when not read). `CONFIG_X_MODULE` is taken as X, the
 * option it stands for, unless the tree or the configuration knows the longer name.
 */
export function optionInfo(
  name: string,
  config: KernelConfig | undefined,
  declarations: ReadonlyMap<string, readonly KconfigDeclaration[]> | undefined,
): OptionInfo {
  const known = (o: string): boolean =>
    declarations?.has(o) === true ||
    config?.values.has(o) === true ||
    config?.unset.has(o) === true;
  let option = name;
  if (name.endsWith('_MODULE') && !known(name)) {
    const base = name.slice(0, -'_MODULE'.length);
    if (known(base) || declarations === undefined) option = base;
  }
  const value = config?.values.get(option);
  const state: OptionState =
    value === 'y'
      ? 'y'
      : value === 'm'
        ? 'm'
        : value !== undefined
          ? 'value'
          : config?.unset.has(option)
            ? 'not set'
            : 'absent';
  const found = declarations?.get(option) ?? [];
  return {
    option,
    ...(option !== name ? { written: name } : {}),
    ...(value !== undefined ? { value } : {}),
    state,
    ...(found[0] ? { declared: found[0] } : {}),
    declarations: found.length,
  };
}

/** Markdown special characters escaped, for text from the tree (a Kconfig prompt). */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/**
 * The hover's text: the option's value in the configuration read from `source` (undefined:
 * none is active, every configuration is drawn), then what Kconfig says. `linkTo` makes a
 * link to a line of the tree, when the caller can open one.
 */
export function optionMarkdown(
  info: OptionInfo,
  source: string | undefined,
  kconfigRead: boolean,
  linkTo?: (file: string, line: number) => string | undefined,
): string {
  const lines: string[] = [];
  const name = `\`${info.option}\``;
  if (source === undefined)
    lines.push(
      `${name}: no kernel configuration is active, so NetPaths draws every configuration (**NetPaths: Select Kernel Configuration…** picks one).`,
    );
  else {
    const file = `\`${source.split('/').pop() ?? source}\``;
    const what =
      info.state === 'y'
        ? '`y` (built in)'
        : info.state === 'm'
          ? '`m` (a module)'
          : info.state === 'value'
            ? `\`${info.value ?? ''}\``
            : info.state === 'not set'
              ? '**not set**'
              : '**not set** (absent from the file)';
    lines.push(`${name} = ${what} in ${file}`);
    if (info.written !== undefined)
      lines.push(
        `\`${info.written}\` is defined when ${name} is \`m\`: here it is ${info.state === 'm' ? 'defined' : 'not defined'}.`,
      );
  }
  const d = info.declared;
  if (d) {
    const at = `${d.file}:${d.line}`;
    const link = linkTo?.(d.file, d.line);
    const kind = [d.type, d.prompt !== undefined ? `"${escape(d.prompt)}"` : undefined]
      .filter((x) => x !== undefined)
      .join(' ');
    const more = info.declarations > 1 ? ` (and ${info.declarations - 1} more)` : '';
    lines.push(
      `Kconfig: ${kind ? `${kind}, ` : ''}declared in ${link ? `[${at}](${link})` : `\`${at}\``}${more}`,
    );
  } else if (kconfigRead) lines.push('Kconfig: no Kconfig file of this tree declares it.');
  return lines.join('\n\n');
}

/** The `config X` entries of one Kconfig file's text, added to `into` under `CONFIG_X`. */
export function readKconfigDeclarations(
  text: string,
  file: string,
  into: Map<string, KconfigDeclaration[]>,
): void {
  const lines = text.split('\n');
  let current: KconfigDeclaration | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const entry = /^[ \t]*(?:menu)?config[ \t]+([A-Za-z0-9_]+)[ \t]*$/.exec(line);
    if (entry) {
      current = { file, line: i + 1 };
      const name = `CONFIG_${entry[1] as string}`;
      const list = into.get(name);
      if (list) list.push(current);
      else into.set(name, [current]);
      continue;
    }
    if (!current) continue;
    // An entry's attributes are indented; anything at column 0 ends it.
    if (/^\S/.test(line)) {
      current = undefined;
      continue;
    }
    const typed =
      /^\s+(bool|tristate|int|hex|string|def_bool|def_tristate)\b\s*(?:"((?:[^"\\]|\\.)*)")?/.exec(
        line,
      );
    if (typed) {
      current.type ??= (typed[1] as string).replace(/^def_/, '');
      if (typed[2] !== undefined && !typed[1]?.startsWith('def_')) current.prompt ??= typed[2];
      continue;
    }
    const prompt = /^\s+prompt\s+"((?:[^"\\]|\\.)*)"/.exec(line);
    if (prompt) current.prompt ??= prompt[1] as string;
  }
}

/**
 * Every Kconfig entry of the tree at `root`, by option; of several, those outside arch/
 * first, then by path.
 */
export function kconfigDeclarations(root: string): Map<string, KconfigDeclaration[]> {
  const found = new Map<string, KconfigDeclaration[]>();
  forEachKconfig(root, (path, text) => readKconfigDeclarations(text, path, found));
  const rank = (d: KconfigDeclaration): string => `${d.file.startsWith('arch/') ? 1 : 0}${d.file}`;
  for (const list of found.values())
    list.sort((a, b) => rank(a).localeCompare(rank(b)) || a.line - b.line);
  return found;
}
