// `netpaths config explain FUNC|FILE...`: why the kernel configuration builds a file or a
// function, or leaves it out. For a file: built in, a module or not built, and the
// makefile lines from the one that names its object up to the top, each with the values
// of the options it names. For a function: each of its definitions (in the union of every
// configuration), its file's verdict, and every condition around it with its truth. The
// explanations are the core's (src/analysis/config/explain.ts).

import {
  type ConditionVerdict,
  type FileVerdict,
  conditionsAt,
  explainFile,
} from '../analysis/config/explain';
import { QueryError, selectNodes } from '../analysis/query/query';
import type { CommandContext } from './commands';
import { UsageError } from './options';

interface FunctionExplanation {
  function: string;
  file: string;
  line: number;
  /** Whether the configuration's graph has this definition. */
  built: 'y' | 'm' | 'n';
  module?: string;
  fileVerdict: FileVerdict;
  conditions: ConditionVerdict[];
}

type Explanation = ({ kind: 'file' } & FileVerdict) | ({ kind: 'function' } & FunctionExplanation);

const looksLikeFile = (arg: string): boolean => /\.[ch]$/.test(arg) && !arg.includes(':');

export async function runConfig(ctx: CommandContext): Promise<void> {
  const [sub, ...targets] = ctx.args;
  if (sub !== 'explain')
    throw new UsageError(
      sub === undefined
        ? 'config needs a subcommand: config explain FUNC|FILE...'
        : `unknown config subcommand '${sub}' (config explain FUNC|FILE...)`,
    );
  if (targets.length === 0) throw new UsageError('config explain needs a FUNC or a FILE');
  const { config, json } = ctx.configuration();
  if (!config)
    throw new UsageError(
      `config explain needs a kernel configuration (${json.chosen}): give --config FILE`,
    );
  const build = ctx.buildMap(config);
  const read = (p: string): string | undefined => ctx.readText(p);
  const out: Explanation[] = [];
  const needsGraphs = targets.some((t) => !looksLikeFile(t));
  const union = needsGraphs ? await ctx.unionGraph() : undefined;
  const configured = needsGraphs ? await ctx.graph() : undefined;
  for (const target of targets) {
    if (looksLikeFile(target)) {
      const path = target.replace(/^\.\//, '');
      if (read(path) === undefined) throw new QueryError(`no file ${path} in the tree`);
      out.push({ kind: 'file', ...explainFile(config, build, read, path) });
      continue;
    }
    if (!union || !configured) continue;
    for (const n of selectNodes(union, target)) {
      const file = union.file(n);
      const line = union.line(n);
      const fileVerdict = explainFile(config, build, read, file);
      const text = read(file);
      const conditions =
        text === undefined ? [] : conditionsAt(config, text, line, 0, fileVerdict.built === 'm');
      const twin = configured
        .lookup(union.name(n))
        .find((c) => configured.file(c) === file && configured.line(c) === line);
      const e: FunctionExplanation = {
        function: union.name(n),
        file,
        line,
        built: twin === undefined ? 'n' : (configured.built(twin) ?? 'y'),
        fileVerdict,
        conditions,
      };
      const module = twin === undefined ? undefined : configured.module(twin);
      if (module !== undefined) e.module = module;
      out.push({ kind: 'function', ...e });
    }
  }
  if (ctx.out.format === 'json') {
    ctx.out.json({ configuration: json, explanations: out });
    return;
  }
  ctx.out.text(`${out.map(explanationText).join('\n')}`);
}

const BUILT_WORDS = { y: 'built in', m: 'a module', n: 'not built' } as const;

function builtWords(built: 'y' | 'm' | 'n', module: string | undefined): string {
  return built === 'm' && module !== undefined ? `a module (${module})` : BUILT_WORDS[built];
}

function explanationText(e: Explanation): string {
  const lines: string[] = [];
  if (e.kind === 'file') {
    lines.push(`${e.path}: ${builtWords(e.built, e.module)}`);
    for (const c of e.chain) lines.push(`  ${c}`);
  } else {
    lines.push(`${e.function}  ${e.file}:${e.line}: ${builtWords(e.built, e.module)}`);
    lines.push(`  file ${e.file}: ${builtWords(e.fileVerdict.built, e.fileVerdict.module)}`);
    for (const c of e.fileVerdict.chain) lines.push(`    ${c}`);
    for (const c of e.conditions) lines.push(`  ${c.label} at ${e.file}:${c.line}: ${c.truth}`);
    if (
      e.built === 'n' &&
      e.fileVerdict.built !== 'n' &&
      !e.conditions.some((c) => c.truth === 'false')
    )
      lines.push('  no condition around it is false: another definition of the name stands for it');
  }
  return `${lines.join('\n')}\n`;
}
