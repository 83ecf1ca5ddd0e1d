// Applying a kernel configuration: the first stage of resolving for one configuration.
// It takes every file's facts (parsed once, for all configurations) and keeps what that
// kernel has: the files Kbuild compiles (config/kbuild.ts) and the headers they include,
// and in them the functions, calls and stores outside every branch the configuration makes
// false (the conditions the facts recorded, evaluated by config/condition.ts). The stages
// after it resolve what is kept as they resolve the union, so a stub and the real
// function of one name never compete: only one of them is left.
//
// A header is compiled when a compiled file includes it: one under include/ or the
// architecture's arch/<arch>/include/ is built in (`y`); another is what the compiled
// files that include it by a quoted name are (looked up beside the includer and in the
// folders above it, as Kbuild's `-I$(src)` allows), and `n` when none does; one of
// another architecture is `n`.

import type { Condition, Truth } from '../../config/condition';
import { evaluate, parseCondition } from '../../config/condition';
import type { KernelConfig } from '../../config/dotconfig';
import type { BuildMap } from '../../config/kbuild';
import type { ConditionFacts, FileFacts } from '../facts';
import { REGION_WIDTH, emptyFacts } from '../facts';
import { dirOf } from '../graph';

/** A configuration as resolve applies it: the options, and what Kbuild builds with them. */
export interface AppliedConfiguration {
  config: KernelConfig;
  build: BuildMap;
}

/** Per file: 0 not built, 1 built in, 2 a module. */
export const BUILT_N = 0;
export const BUILT_Y = 1;
export const BUILT_M = 2;

export interface Configured {
  /** The facts of the configured kernel, file for file in the order given. */
  files: FileFacts[];
  /** Per file: BUILT_N, BUILT_Y or BUILT_M. */
  built: Uint8Array;
  /** Per file: its module when BUILT_M (the first, when it is linked into several). */
  modules: (string | undefined)[];
}

/**
 * The facts a configuration is applied to: every file's path, and a file's facts when
 * asked. Only the files the configuration builds are asked for, so a cache read a file at
 * a time (cache.ts, FactsFile) never reads the others.
 */
export interface FactsSource {
  readonly paths: readonly string[];
  facts(i: number): FileFacts;
}

/** Facts already in memory as a FactsSource. */
export function factsSource(files: readonly FileFacts[]): FactsSource {
  return { paths: files.map((f) => f.path), facts: (i) => files[i] as FileFacts };
}

/** What a configuration builds of each file (see the head of this file). */
export function fileStates(
  source: FactsSource,
  applied: AppliedConfiguration,
): { built: Uint8Array; modules: (string | undefined)[] } {
  const arch = applied.config.arch ?? 'x86';
  const paths = source.paths;
  const built = new Uint8Array(paths.length);
  const modules: (string | undefined)[] = new Array<string | undefined>(paths.length);
  const index = new Map<string, number>();
  paths.forEach((p, i) => index.set(p, i));
  const pending: number[] = [];
  const reach = (i: number, state: number, module: string | undefined): void => {
    const had = built[i] as number;
    if (had === BUILT_Y || (had === BUILT_M && state === BUILT_M && modules[i] === module)) return;
    if (had === BUILT_M && state === BUILT_M) {
      modules[i] = undefined; // Included by several modules: no one module to name.
      return;
    }
    built[i] = state;
    modules[i] = state === BUILT_M ? module : undefined;
    pending.push(i);
  };
  paths.forEach((path, i) => {
    if (path.endsWith('.c')) {
      const b = applied.build.files.get(path);
      if (b) reach(i, b.built === 'y' ? BUILT_Y : BUILT_M, b.modules[0]);
    } else if (
      path.startsWith('include/') ||
      path.startsWith(`arch/${arch}/include/`) ||
      path.startsWith('usr/include/')
    )
      built[i] = BUILT_Y;
  });
  // Headers included by name from what is compiled, transitively.
  for (let i = pending.pop(); i !== undefined; i = pending.pop()) {
    const path = paths[i] as string;
    for (const inc of source.facts(i).includes) {
      if (!inc.startsWith('"')) continue;
      const name = inc.slice(1, -1);
      for (let dir = dirOf(path), up = 0; up < 5; up++) {
        const target = index.get(normalize(dir ? `${dir}/${name}` : name));
        if (target !== undefined) {
          reach(target, built[i] as number, modules[i]);
          break;
        }
        if (dir === '') break;
        dir = dirOf(dir);
      }
    }
  }
  return { built, modules };
}

function normalize(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/** Evaluates conditions, each text parsed once and evaluated once per kind of file. */
export class ConditionCache {
  private readonly parsed = new Map<string, Condition>();
  private readonly truths = [new Map<string, Truth>(), new Map<string, Truth>()];

  constructor(private readonly config: KernelConfig) {}

  truth(text: string, module: boolean): Truth {
    const cache = this.truths[module ? 1 : 0] as Map<string, Truth>;
    let t = cache.get(text);
    if (t === undefined) {
      let c = this.parsed.get(text);
      if (!c) {
        c = parseCondition(text);
        this.parsed.set(text, c);
      }
      t = evaluate(c, { config: this.config, module });
      cache.set(text, t);
    }
    return t;
  }
}

/** A position as one number: line, then column. */
const at = (line: number, col: number): number => line * 0x40000000 + Math.min(col, 0x3fffffff);

/**
 * The spans of a file a configuration makes false (merged, sorted), as pairs of
 * positions in one array; empty when nothing is false.
 */
export function deadSpans(
  conditions: ConditionFacts,
  cache: ConditionCache,
  module: boolean,
): number[] {
  const spans: [number, number][] = [];
  const r = conditions.regions;
  for (let o = 0; o < r.length; o += REGION_WIDTH) {
    const text = conditions.texts[r[o + 4] as number] as string;
    if (cache.truth(text, module) !== 'false') continue;
    spans.push([
      at(r[o] as number, r[o + 1] as number),
      at(r[o + 2] as number, r[o + 3] as number),
    ]);
  }
  if (spans.length === 0) return [];
  spans.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [from, to] of spans) {
    if (out.length > 0 && from <= (out[out.length - 1] as number)) {
      out[out.length - 1] = Math.max(out[out.length - 1] as number, to);
    } else out.push(from, to);
  }
  return out;
}

/** Whether a position lies in one of the spans. */
export function inSpans(spans: readonly number[], line: number, col: number): boolean {
  if (spans.length === 0) return false;
  const p = at(line, col);
  let lo = 0;
  let hi = spans.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if ((spans[mid * 2] as number) > p) hi = mid - 1;
    else if ((spans[mid * 2 + 1] as number) < p) lo = mid + 1;
    else return true;
  }
  return false;
}

// The layout of encoded calls (facts.ts): fn, line, col, tag | argc << 3, then args.
const HEAD = 6;
const TAG_BITS = 3;

/** The facts a configuration keeps of one file, or the file itself when it keeps all. */
function keep(f: FileFacts, spans: readonly number[]): FileFacts {
  if (spans.length === 0) return f;
  const remap = new Int32Array(f.funcs.length).fill(-1);
  const funcs = f.funcs.filter((fn, i) => {
    if (inSpans(spans, fn.line, 0)) return false;
    remap[i] = i;
    return true;
  });
  let next = 0;
  remap.forEach((v, i) => {
    if (v >= 0) remap[i] = next++;
  });
  const ints = f.calls.ints;
  const out = new Int32Array(ints.length);
  let length = 0;
  const extras: FileFacts['calls']['extras'] = [];
  let extra = 0;
  let kept = 0;
  for (let p = 0, ordinal = 0; p < ints.length; ordinal++) {
    const size = HEAD + ((ints[p + 3] as number) >>> TAG_BITS);
    const fn = remap[ints[p] as number] as number;
    const x = f.calls.extras[extra];
    const hasExtra = x !== undefined && x.call === ordinal;
    if (hasExtra) extra++;
    if (fn >= 0 && !inSpans(spans, ints[p + 1] as number, ints[p + 2] as number)) {
      out.set(ints.subarray(p, p + size), length);
      out[length] = fn;
      length += size;
      if (hasExtra) extras.push({ ...x, call: kept });
      kept++;
    }
    p += size;
  }
  const stores = f.stores.filter(
    (s) => (s.fn < 0 || (remap[s.fn] as number) >= 0) && !inSpans(spans, s.line, 0),
  );
  return {
    ...f,
    funcs,
    calls: { ...f.calls, ints: out.slice(0, length), extras },
    stores: stores.map((s) => (s.fn < 0 ? s : { ...s, fn: remap[s.fn] as number })),
  };
}

/**
 * The facts of the configured kernel (see the head of this file). A file it does not
 * build keeps nothing, not even its types: no compiled file can name them.
 */
export function configure(source: FactsSource, applied: AppliedConfiguration): Configured {
  const { built, modules } = fileStates(source, applied);
  const cache = new ConditionCache(applied.config);
  const out = source.paths.map((path, i) => {
    // What is left of a file the configuration does not build: its path.
    if (built[i] === BUILT_N) return emptyFacts(path);
    const f = source.facts(i);
    if (!f.conditions) return f;
    return keep(f, deadSpans(f.conditions, cache, built[i] === BUILT_M));
  });
  return { files: out, built, modules };
}
