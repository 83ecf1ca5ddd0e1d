// Why a configuration builds a file or a function, or leaves it out: the makefile lines
// that descend to its folder and name its object (with the values of the options they
// name), and the preprocessor or C conditions around a line. `netpaths config explain`
// prints it; `--show-unbuilt` labels what it draws faint with the first reason. Pure:
// files of the tree come through `read`.

import { recordConditions } from '../index/conditions';
import { REGION_WIDTH } from '../index/facts';
import { evaluateText } from './condition';
import type { KernelConfig } from './dotconfig';
import type { BuildMap, BuildReason, ReadText, Statement } from './kbuild';

export interface FileVerdict {
  path: string;
  built: 'y' | 'm' | 'n';
  /** The module, when `m`. */
  module?: string;
  /** The reasons, outermost last: `drivers/net/Makefile:12: obj-$(CONFIG_E1000E) += e1000e/  (CONFIG_E1000E=m)`. */
  chain: string[];
  /** The first reason in a few words, for a faint node's label. */
  short?: string;
}

export interface ConditionVerdict {
  /** `#ifdef CONFIG_RPS`, `#else of #ifdef CONFIG_RPS`, `if (IS_ENABLED(CONFIG_X))`. */
  label: string;
  condition: string;
  /** The line of the directive or `if`. */
  line: number;
  truth: 'true' | 'false' | 'unknown';
}

const dirOf = (path: string): string => {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
};

/** `CONFIG_E1000E=m, CONFIG_NET=y` for the options a text names. */
export function optionValues(config: KernelConfig, text: string): string {
  const names = [...new Set(text.match(/CONFIG_\w+/g) ?? [])];
  return names
    .map((o) => `${o}=${config.values.get(o) ?? (config.unset.has(o) ? 'n (not set)' : 'n')}`)
    .join(', ');
}

function reasonLine(config: KernelConfig, r: BuildReason): string {
  const values = optionValues(config, r.text);
  return `${r.makefile}:${r.line}: ${r.text || '(the architecture makefile)'}${values ? `  (${values})` : ''}`;
}

/** The descent from the top to `dir`: one line per makefile that names the next folder. */
function descent(config: KernelConfig, build: BuildMap, dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let d = dir; d !== '' && !seen.has(d);) {
    seen.add(d);
    const entry = build.dirs.get(d);
    if (!entry?.reason) break;
    out.push(reasonLine(config, entry.reason));
    d = dirOf(entry.reason.makefile);
  }
  return out;
}

/** The assignment of a folder's makefile whose value names `word`, if any. */
function naming(statements: readonly Statement[] | undefined, word: string): Statement | undefined {
  return statements?.find(
    (s) => s.k === 'assign' && s.rhs.split(/\s+/).some((w) => w === word || w.endsWith(`/${word}`)),
  );
}

function makefileName(read: ReadText, dir: string): string {
  for (const name of ['Kbuild', 'Makefile'])
    if (read(dir ? `${dir}/${name}` : name) !== undefined) return dir ? `${dir}/${name}` : name;
  return dir ? `${dir}/Makefile` : 'Makefile';
}

/** Whether the configuration compiles a file, and why (see the head of this file). */
export function explainFile(
  config: KernelConfig,
  build: BuildMap,
  read: ReadText,
  path: string,
): FileVerdict {
  const arch = config.arch ?? 'x86';
  if (!path.endsWith('.c')) {
    if (path.startsWith('include/') || path.startsWith(`arch/${arch}/include/`))
      return {
        path,
        built: 'y',
        chain: [`a header under the include path: compiled into whatever includes it`],
      };
    if (path.startsWith('arch/') && !path.startsWith(`arch/${arch}/`))
      return {
        path,
        built: 'n',
        chain: [`a file of another architecture (the configuration is for ${arch})`],
        short: `another architecture than ${arch}`,
      };
    return {
      path,
      built: 'y',
      chain: ['a header: compiled where a compiled file beside it includes it'],
    };
  }
  const file = build.files.get(path);
  if (file) {
    const chain = [
      ...(file.composite ? [reasonLine(config, file.composite)] : []),
      reasonLine(config, file.reason),
      ...descent(config, build, dirOf(path)),
    ];
    return file.built === 'm' && file.modules[0] !== undefined
      ? { path, built: 'm', module: file.modules[0], chain }
      : { path, built: file.built, chain };
  }
  return { path, built: 'n', ...notBuilt(config, build, read, path) };
}

function notBuilt(
  config: KernelConfig,
  build: BuildMap,
  read: ReadText,
  path: string,
): { chain: string[]; short: string } {
  const dir = dirOf(path);
  if (!build.dirs.has(dir)) {
    // The nearest folder Kbuild reaches, and the line of its makefile that would descend further.
    let up = dir;
    while (up !== '' && !build.dirs.has(up)) up = dirOf(up);
    const next = dir.slice(up ? up.length + 1 : 0).split('/')[0] ?? '';
    const s = naming(build.makefiles.get(up), `${next}/`);
    const makefile = makefileName(read, up);
    const line =
      s?.k === 'assign'
        ? `${makefile}:${s.line}: ${s.text.replace(/\s+/g, ' ')}  (${optionValues(config, s.text) || 'no option'})`
        : `${makefile} never descends into ${next}/`;
    return {
      chain: [
        `the folder ${dir}/ is not built: ${line}`,
        ...descent(config, build, up).map((l) => `reached by ${l}`),
      ],
      short:
        s?.k === 'assign' ? `${s.text.replace(/\s+/g, ' ')} in ${makefile}` : `${dir}/ not built`,
    };
  }
  const base = path.slice(dir ? dir.length + 1 : 0).replace(/\.c$/, '.o');
  const statements = build.makefiles.get(dir);
  const makefile = makefileName(read, dir);
  const s = naming(statements, base);
  if (s?.k !== 'assign')
    return {
      chain: [`no line of ${makefile} names ${base}`, ...descent(config, build, dir)],
      short: `${makefile} does not name ${base}`,
    };
  const text = s.text.replace(/\s+/g, ' ');
  const chain = [`${makefile}:${s.line}: ${text}  (${optionValues(config, text) || 'no option'})`];
  // A part of a composite object: the line that builds the composite decides too.
  const composite = /^([\w-]+?)-(?:objs|y|m|\$\(CONFIG_\w+\))$/.exec(s.lhs)?.[1];
  if (composite !== undefined && composite !== 'obj' && composite !== 'lib') {
    const c = naming(statements, `${composite}.o`);
    if (c?.k === 'assign')
      chain.push(
        `${makefile}:${c.line}: ${c.text.replace(/\s+/g, ' ')}  (${optionValues(config, c.text) || 'no option'})`,
      );
  }
  chain.push(...descent(config, build, dir));
  return { chain, short: `${text} in ${makefile}:${s.line}` };
}

/** The conditions around a position of a file's text, outermost first, each with its truth. */
export function conditionsAt(
  config: KernelConfig,
  text: string,
  line: number,
  column: number,
  module: boolean,
): ConditionVerdict[] {
  const facts = recordConditions(text);
  if (!facts) return [];
  const out: ConditionVerdict[] = [];
  const r = facts.regions;
  for (let o = 0; o < r.length; o += REGION_WIDTH) {
    const pos = (l: number, c: number): number => l * 1e6 + Math.min(c, 1e6 - 1);
    const from = pos(r[o] as number, r[o + 1] as number);
    const to = pos(r[o + 2] as number, r[o + 3] as number);
    const at = pos(line, column);
    if (at < from || at > to) continue;
    const condition = facts.texts[r[o + 4] as number] as string;
    out.push({
      label: facts.texts[r[o + 5] as number] as string,
      condition,
      line: r[o + 6] as number,
      truth: evaluateText(condition, { config, module }),
    });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The condition that leaves a position out, as `#ifdef CONFIG_RPS at FILE:LINE`, if one does. */
export function excludingCondition(
  config: KernelConfig,
  path: string,
  text: string,
  line: number,
  column: number,
  module: boolean,
): string | undefined {
  const found = conditionsAt(config, text, line, column, module).find((c) => c.truth === 'false');
  return found ? `${found.label} at ${path}:${found.line}` : undefined;
}
