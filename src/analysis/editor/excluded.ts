// The code of one file a configuration leaves out, as ranges an editor can dim: the whole
// file when the makefiles do not build it, else the preprocessor branches (`#if`, `#ifdef`,
// `#elif`, `#else`) the configuration makes false and the bodies of C `if`s over options
// (`if (IS_ENABLED(CONFIG_X))`) it makes false. The same condition regions and evaluator the
// resolver applies (index/conditions.ts, condition.ts), read from the text the editor holds,
// so unsaved edits are dimmed as they are typed. Pure.
//
// src/analysis/editor holds what an editor shows of the analysis. It stays apart from
// src/analysis/config, whose files version the graph cache (scripts/lib/index-versions.mjs):
// what a hover or a dimmed line shows changes no graph.

import { recordConditions } from '../index/conditions';
import { REGION_WIDTH, WHOLE_LINE } from '../index/facts';
import { evaluateText } from '../config/condition';
import type { KernelConfig } from '../config/dotconfig';
import { type FileVerdict, optionValues } from '../config/explain';

/** A range of a file the configuration leaves out; lines and columns 1-based, inclusive. */
export interface ExcludedRange {
  fromLine: number;
  toLine: number;
  /** Columns, for the body of a C `if`; absent for whole lines. */
  fromColumn?: number;
  toColumn?: number;
  /** Why, in one line: `#ifdef CONFIG_RPS (line 12) is false: CONFIG_RPS=n (not set)`. */
  reason: string;
}

/** What a configuration makes of one file. */
export interface ExcludedCode {
  /** Whether the file is compiled: `y`, `m` (in a module), or `n`. */
  built: 'y' | 'm' | 'n';
  module?: string;
  /** Ranges left out, in the order of the file; the outermost of nested ones only. */
  ranges: ExcludedRange[];
}

/**
 * The ranges of `text` (the file `verdict` is of, see explain.ts's explainFile) that
 * `config` leaves out. A condition the evaluator cannot decide keeps its code.
 */
export function excludedCode(
  config: KernelConfig,
  verdict: FileVerdict,
  text: string,
): ExcludedCode {
  const head = {
    built: verdict.built,
    ...(verdict.module !== undefined ? { module: verdict.module } : {}),
  };
  if (verdict.built === 'n') {
    const lines = text.split('\n').length;
    const why = verdict.short ?? verdict.chain[0] ?? `${verdict.path} is not built`;
    return { ...head, ranges: [{ fromLine: 1, toLine: lines, reason: `not built: ${why}` }] };
  }
  const facts = recordConditions(text);
  if (!facts) return { ...head, ranges: [] };
  // A header's code is compiled into whatever includes it: built in or module, unknown.
  const module = verdict.path.endsWith('.c') ? verdict.built === 'm' : undefined;
  const found: ExcludedRange[] = [];
  const r = facts.regions;
  for (let o = 0; o < r.length; o += REGION_WIDTH) {
    const condition = facts.texts[r[o + 4] as number] as string;
    if (evaluateText(condition, { config, module }) !== 'false') continue;
    const label = facts.texts[r[o + 5] as number] as string;
    const values = optionValues(config, condition);
    const range: ExcludedRange = {
      fromLine: r[o] as number,
      toLine: r[o + 2] as number,
      reason: `${label} (line ${r[o + 6] as number}) is false${values ? `: ${values}` : ''}`,
    };
    const whole = (r[o + 1] as number) === 0 && (r[o + 3] as number) === WHOLE_LINE;
    if (!whole) {
      range.fromColumn = r[o + 1];
      range.toColumn = r[o + 3];
    }
    found.push(range);
  }
  return { ...head, ranges: outermost(found) };
}

const start = (r: ExcludedRange): number => r.fromLine * 1e6 + (r.fromColumn ?? 0);
// A whole line ends past any column.
const end = (r: ExcludedRange): number => r.toLine * 1e6 + (r.toColumn ?? 999_999);

/** The ranges no other range holds, sorted: a false branch inside a false branch is dimmed once. */
function outermost(ranges: ExcludedRange[]): ExcludedRange[] {
  const sorted = [...ranges].sort((a, b) => start(a) - start(b) || end(b) - end(a));
  const out: ExcludedRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && start(r) >= start(last) && end(r) <= end(last)) continue;
    out.push(r);
  }
  return out;
}
