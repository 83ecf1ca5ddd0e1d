// Nodes and names: every function and calling macro of the tree is a node, numbered file
// by file in the order of the facts; a name at a call site resolves to the definitions
// visible from the call site's file (ARCHITECTURE.md, "How an indirect call becomes an
// edge", rule 7).

import type { CallFact, FileFacts, FuncFact } from '../facts';
import { REGION_WIDTH, forEachCall } from '../facts';
import { dirOf, nameOrder } from '../graph';
import { PREFERRED_ARCH_INCLUDE, fileTier } from '../kernel-layout';

/** The graph's nodes: each file's functions, numbered in order from the file's first. */
export class Nodes {
  /** Per node: its definition. */
  readonly facts: FuncFact[] = [];
  /** Per node: the index of its file in the facts. */
  private readonly fileIndex: Int32Array;
  /** Per file: its first node. */
  private readonly base: Int32Array;
  /**
   * Per node: 1 when it is defined in a header inside a branch of a preprocessor group a
   * configuration decides (`#ifdef CONFIG_BPF_SYSCALL ... #else static inline stub`).
   */
  private readonly inBranch: Uint8Array;
  /** Name -> its nodes, in node order; dropped by `nameOrder`. */
  private names: Map<string, number[]> | undefined = new Map();

  constructor(readonly files: readonly FileFacts[]) {
    this.base = new Int32Array(files.length);
    this.fileIndex = new Int32Array(files.reduce((n, f) => n + f.funcs.length, 0));
    this.inBranch = new Uint8Array(this.fileIndex.length);
    files.forEach((f, fi) => {
      this.base[fi] = this.facts.length;
      if (f.conditions && f.path.endsWith('.h')) markBranches(f, this.facts.length, this.inBranch);
      for (const fn of f.funcs) {
        const id = this.facts.length;
        this.facts.push(fn);
        this.fileIndex[id] = fi;
        const list = this.byName.get(fn.name);
        if (list) list.push(id);
        else this.byName.set(fn.name, [id]);
      }
    });
  }

  /** Name -> its nodes, in node order. */
  get byName(): Map<string, number[]> {
    if (!this.names) throw new Error('the nodes by name were dropped');
    return this.names;
  }

  /**
   * Node ids sorted by name (the graph's `nodeByName` column), once names are no longer
   * resolved: the map by name (as many entries as names in the tree) is dropped.
   */
  nameOrder(): Int32Array {
    const order = nameOrder(this.byName);
    this.names = undefined;
    return order;
  }

  get count(): number {
    return this.facts.length;
  }

  fact(node: number): FuncFact {
    return this.facts[node] as FuncFact;
  }

  /** The index of the node's file in the facts. */
  fileOf(node: number): number {
    return this.fileIndex[node] as number;
  }

  /** The path of the node's file. */
  pathOf(node: number): string {
    return (this.files[this.fileIndex[node] as number] as FileFacts).path;
  }

  /** Whether the node is defined in a header inside a branch a configuration decides. */
  inConfigBranch(node: number): boolean {
    return this.inBranch[node] === 1;
  }

  /** The node of function `fn` (an index in its FileFacts.funcs) of file `fi`. */
  at(fi: number, fn: number): number {
    return (this.base[fi] as number) + fn;
  }
}

/**
 * Marks the functions of header `f` (numbered from `first`) whose name stands in a branch
 * of a preprocessor group (a region over whole lines, facts.ts ConditionFacts).
 */
function markBranches(f: FileFacts, first: number, out: Uint8Array): void {
  const r = (f.conditions as NonNullable<FileFacts['conditions']>).regions;
  f.funcs.forEach((fn, i) => {
    for (let o = 0; o < r.length; o += REGION_WIDTH) {
      if (r[o + 1] !== 0) continue;
      if ((r[o] as number) <= fn.line && fn.line <= (r[o + 2] as number)) {
        out[first + i] = 1;
        return;
      }
    }
  });
}

/**
 * Visits every call site of the tree, file by file in order, with its caller's node: the
 * order node ids and edges follow.
 */
export function forEachCallSite(
  nodes: Nodes,
  visit: (call: CallFact, caller: number, fi: number) => void,
): void {
  nodes.files.forEach((f, fi) =>
    forEachCall(f.calls, (call) => visit(call, nodes.at(fi, call.fn), fi)),
  );
}

/** The candidates of the lowest rank that is at least `min`, and that rank. */
function bestOf(
  ranked: readonly { c: number; rank: number }[],
  min: number,
): { rank: number; nodes: number[] } {
  let nodes: number[] = [];
  let rank = Infinity;
  for (const r of ranked) {
    if (r.rank < min || r.rank > rank) continue;
    if (r.rank < rank) {
      rank = r.rank;
      nodes = [r.c];
    } else nodes.push(r.c);
  }
  return { rank, nodes };
}

/**
 * Which definitions of a name a file sees: its own, then those of a header it includes,
 * then its folder's, then non-static ones elsewhere (other architectures and tools/
 * last). A static function of another .c file is seen only by a file including it whole.
 */
export class NameResolver {
  /** Per file: 1 if it includes a .c file whole (8390.c: `#include "lib8390.c"`). */
  private readonly includesSource: Uint8Array;
  // Resolution is asked file by file, so one file's includes and answers are kept at a time.
  private includeSet = new Set<string>();
  private includeSetFile = -1;
  private readonly answers = new Map<string, number[]>();
  private answersFile = -1;

  constructor(
    private readonly files: readonly FileFacts[],
    private readonly nodes: Nodes,
  ) {
    this.includesSource = new Uint8Array(files.length);
    files.forEach((f, fi) => {
      if (f.includes.some((i) => i.endsWith('.c"'))) this.includesSource[fi] = 1;
    });
  }

  /** Definitions of `name` visible from file `fi`, best tier only. */
  resolve(name: string, fi: number): number[] {
    const candidates = this.nodes.byName.get(name);
    if (!candidates) return [];
    if (candidates.length === 1) {
      const only = candidates[0] as number;
      const path = this.nodes.pathOf(only);
      // A static function in another .c file is invisible from here, unless this file includes it.
      return this.nodes.fact(only).static &&
        path.endsWith('.c') &&
        !this.seesStatic(fi, this.nodes.fileOf(only), path)
        ? []
        : candidates;
    }
    if (fi !== this.answersFile) {
      this.answers.clear();
      this.answersFile = fi;
    }
    let best = this.answers.get(name);
    if (!best) {
      best = this.best(candidates, fi);
      this.answers.set(name, best);
    }
    return best;
  }

  /**
   * The candidates of the best rank seen from file `fi`. When those are all in headers the
   * file includes, each inside a branch a configuration decides, the definitions of the
   * next rank elsewhere count too: `dev_map_enqueue` in bpf.h is the stub of
   * `#else` of `#ifdef CONFIG_BPF_SYSCALL`, and kernel/bpf/devmap.c holds the function the other
   * branch declares. Without a configuration every branch is taken; with one, configure
   * drops the branch and the file it does not build.
   */
  private best(candidates: number[], fi: number): number[] {
    const from = (this.files[fi] as FileFacts).path;
    const ranked: { c: number; rank: number }[] = [];
    for (const c of candidates) {
      const cfi = this.nodes.fileOf(c);
      const path = (this.files[cfi] as FileFacts).path;
      let rank: number;
      if (cfi === fi) rank = 0;
      else if (this.nodes.fact(c).static && path.endsWith('.c') && !this.seesStatic(fi, cfi, path))
        continue;
      else if (this.includes(fi, path)) rank = 1;
      else if (dirOf(path) === dirOf(from)) rank = 2;
      else rank = 2 + fileTier(path);
      ranked.push({ c, rank });
    }
    const top = bestOf(ranked, 0);
    if (top.rank === 1 && top.nodes.every((c) => this.nodes.inConfigBranch(c)))
      top.nodes.push(...bestOf(ranked, 2).nodes);
    return top.nodes;
  }

  /** Whether a static function of the .c file `path` (file `cfi`) is seen from file `fi`. */
  private seesStatic(fi: number, cfi: number, path: string): boolean {
    return cfi === fi || (this.includesSource[fi] === 1 && this.includes(fi, path));
  }

  /**
   * Whether file `fi` includes `path`: `#include <linux/x.h>` names include/linux/x.h, its
   * x86 and uapi variants; `#include "x.h"` the file beside it. Checked against the file's
   * own include texts, so no set of full paths is built per file (60k of them on the tree).
   */
  private includes(fi: number, path: string): boolean {
    const f = this.files[fi] as FileFacts;
    if (fi !== this.includeSetFile) {
      this.includeSet = new Set(f.includes);
      this.includeSetFile = fi;
    }
    const set = this.includeSet;
    if (path.startsWith('include/uapi/') && set.has(path.slice(13))) return true;
    if (path.startsWith('include/') && set.has(path.slice(8))) return true;
    if (
      path.startsWith(PREFERRED_ARCH_INCLUDE) &&
      set.has(path.slice(PREFERRED_ARCH_INCLUDE.length))
    )
      return true;
    const dir = dirOf(f.path);
    if (!dir) return set.has(`"${path}"`);
    return (
      path.length > dir.length &&
      path.startsWith(dir) &&
      path.charCodeAt(dir.length) === 47 /* / */ &&
      set.has(`"${path.slice(dir.length + 1)}"`)
    );
  }
}
