// The skb timeline of a preset: every skb operation the drawn functions call, in the order
// a packet meets them, with the length argument as written and what the call does; and,
// where operations are alternatives (i40e builds its skb with i40e_build_skb or with
// i40e_construct_skb, never both), the choices each depends on.
//
// Two operations are alternatives when the function where their ways part calls them (or
// the functions leading to them) on branches that cannot both run in one pass through its
// body. What the graph tells: the targets of one pointer call (one call reaches one of
// them), and callees that each build a new skb. What only the source tells: if/else,
// switch and `?:` arms, a branch that returns or jumps past the other (body-flow.ts reads
// those from the caller's text). Callees that build a new skb count only when the source
// cannot be read: the source says whether both can run.

import type { Graph } from '../index/graph';
import { INDIRECT_CALL_WRAPPERS } from '../index/kernel-idioms';
import type { SkbChoice, SkbChoiceKind, SkbOp } from '../graph-json';
import { findSkbLife, findSkbOp, isSkbAllocator, skbLifeEffect, skbOpEffect } from '../knowledge';
import { edgeArgs } from '../query/query';
import type { Chain } from './chain';
import type { PresetContext } from './context';
import type { Cut } from './cut';
import { JOIN_HOPS } from './rows';
import { type BodyFlow, BodyReader, type Site } from './body-flow';
import { choicesAmong } from './choices';

/** A call in a function's body the timeline walks: an skb operation, or a drawn callee. */
interface Item {
  e: number;
  op: boolean;
  /** Every site where the function calls the item's callee (an operation: its own call). */
  sites: Site[];
}

/** A choice as found in one function's body, before it is known to matter. */
interface Choice {
  kind: SkbChoiceKind;
  node: number;
  line: number;
}

/** A choice among one function's items: its branches as item indexes. */
interface FoundChoice {
  choice: Choice;
  branches: number[][];
}

/** The branch of a choice an operation (or a callee leading to it) lies on. */
interface Tag {
  choice: Choice;
  arm: number;
  /** The call of the choosing function through which the operation is reached. */
  via: number;
}

/** The skb timeline: every skb operation the drawn functions call, in packet order. */
export function skbTimeline(ctx: PresetContext, chain: Chain, cut: Cut): SkbOp[] {
  const walk = new TimelineWalk(ctx, cut);
  for (const r of chain.roots) walk.start(r.node);
  for (const n of cut.nodes) walk.start(n);
  return withChoices(ctx.graph, walk.found);
}

/** A choice being walked: the branch the walk is on, and the functions left for after it. */
interface Active {
  choice: Choice;
  arm: number;
  /** Per branch, what its calls reach within JOIN_HOPS. */
  reach: Set<number>[];
  /** Functions more than one branch reaches, walked once the choice is over. */
  joins: number[];
  /** The branches around the choice, for what comes after it. */
  outer: Tag[];
}

/**
 * Depth-first in call order from the roots: a function's operations and the calls it makes,
 * by line. A function that the other branches of a choice reach too waits until the
 * choice is over, so what every branch runs comes after the branches.
 */
class TimelineWalk {
  readonly found: { op: SkbOp; tags: Tag[] }[] = [];
  private readonly seen = new Set<number>();
  private readonly active: Active[] = [];
  private readonly finder: ChoiceFinder;
  private readonly g: Graph;

  constructor(
    ctx: PresetContext,
    private readonly cut: Cut,
  ) {
    this.g = ctx.graph;
    this.finder = new ChoiceFinder(ctx);
  }

  start(n: number): void {
    if (!this.seen.has(n)) this.visit(n, []);
  }

  private visit(n: number, inherited: readonly Tag[]): void {
    this.seen.add(n);
    const items = itemsOf(this.g, this.cut, n);
    const { tags, choices } = this.finder.find(n, items);
    items.forEach((item, k) => {
      const own = tags[k] ?? [];
      // Choices that begin here, outermost first; the branch of each the walk is now on.
      for (const c of choices)
        if (c.branches[0]?.[0] === k)
          this.enter(c, items, [
            ...inherited,
            ...own.slice(
              0,
              own.findIndex((t) => t.choice === c.choice),
            ),
          ]);
      for (const t of own) {
        const a = this.active.find((x) => x.choice === t.choice);
        if (a) a.arm = t.arm;
      }
      const here = [...inherited, ...own];
      if (item.op) this.found.push({ op: skbOp(this.g, item.e), tags: here });
      else this.descend(this.g.to(item.e), here);
      // Choices that end here, innermost first: what their branches share comes now.
      for (const c of [...choices].reverse()) {
        const last = c.branches[c.branches.length - 1];
        if (last?.[last.length - 1] === k) this.leave();
      }
    });
  }

  private descend(c: number, tags: readonly Tag[]): void {
    if (this.seen.has(c)) return;
    const join = this.active.find((a) => a.reach.some((r, arm) => arm !== a.arm && r.has(c)));
    if (join) {
      if (!join.joins.includes(c)) join.joins.push(c);
      return;
    }
    this.visit(c, tags);
  }

  private enter(c: FoundChoice, items: readonly Item[], outer: Tag[]): void {
    const reach = c.branches.map((branch) =>
      reachWithin(
        this.g,
        branch.filter((k) => !(items[k] as Item).op).map((k) => this.g.to((items[k] as Item).e)),
        JOIN_HOPS,
      ),
    );
    this.active.push({ choice: c.choice, arm: 0, reach, joins: [], outer });
  }

  private leave(): void {
    const a = this.active.pop();
    if (a) for (const n of a.joins) if (!this.seen.has(n)) this.visit(n, a.outer);
  }
}

/** What `from` calls within `hops` calls, `from` included; deferred (async) calls are not followed. */
function reachWithin(g: Graph, from: readonly number[], hops: number): Set<number> {
  const seen = new Set(from);
  let frontier = [...from];
  for (let d = 0; d < hops && frontier.length > 0; d++) {
    const next: number[] = [];
    for (const n of frontier)
      for (const e of g.outgoing(n)) {
        const m = g.to(e);
        if (seen.has(m) || g.kind(e) === 'async') continue;
        seen.add(m);
        next.push(m);
      }
    frontier = next;
  }
  return seen;
}

/**
 * Is `name` an entry of the timeline: an skb operation, or a call in the skb's life? Drops
 * are not: every check on the path has one, and the packet's way goes on past them.
 */
function isTimelineOp(name: string): boolean {
  const life = findSkbLife(name);
  return findSkbOp(name) !== undefined || (life !== undefined && !life.drop);
}

/** A function's skb operations and drawn callees, in call order. */
function itemsOf(g: Graph, cut: Cut, n: number): Item[] {
  if (isTimelineOp(g.name(n))) return [];
  const items: Item[] = [];
  const sitesOf = new Map<number, Site[]>();
  // A function handed to a callee (udp_sendmsg passes ip_generic_getfrag to ip_make_skb)
  // is called in that callee's body, where the timeline finds it when the callee is drawn:
  // the call that hands it over copies nothing yet. Such an edge shares its call site with
  // the direct call of the callee; a pointer call through INDIRECT_CALL_* shares it only
  // with the wrapper macro.
  const directCalls = new Set<string>();
  for (const e of g.outgoing(n))
    if (g.kind(e) === 'direct' && !INDIRECT_CALL_WRAPPERS.has(g.name(g.to(e))))
      directCalls.add(`${g.edgeLine(e)}:${g.edgeCol(e)}`);
  for (const e of g.outgoing(n)) {
    const c = g.to(e);
    const site = { line: g.edgeLine(e), col: g.edgeCol(e) };
    let sites = sitesOf.get(c);
    if (!sites) sitesOf.set(c, (sites = []));
    sites.push(site);
    const op = isTimelineOp(g.name(c));
    const handedOver = g.kind(e) === 'indirect' && directCalls.has(`${site.line}:${site.col}`);
    if (op && handedOver) continue;
    if (op) items.push({ e, op, sites: [site] });
    else if (cut.edges.has(e) && cut.nodes.has(c)) items.push({ e, op, sites });
  }
  return items.sort((a, b) => g.edgeLine(a.e) - g.edgeLine(b.e) || g.edgeCol(b.e) - g.edgeCol(a.e));
}

/** Finds the choices in a function's body that set its items apart. */
class ChoiceFinder {
  private readonly readers = new Map<string, BodyReader | undefined>();

  constructor(private readonly ctx: PresetContext) {}

  /** The choices among a function's items, outermost first, and per item the branches it lies on. */
  find(n: number, items: readonly Item[]): { tags: Tag[][]; choices: FoundChoice[] } {
    const g = this.ctx.graph;
    const out: Tag[][] = items.map(() => []);
    const found: FoundChoice[] = [];
    if (items.length < 2) return { tags: out, choices: found };
    const flow = this.flowOf(n, items);
    const builds = flow ? [] : items.map((item) => !item.op && buildsSkb(g, g.to(item.e)));
    const exclusive = (i: number, j: number): boolean =>
      sameTargets(g, items, i, j) ||
      (flow ? flow.exclusive(i, j) : builds[i] === true && builds[j] === true);
    for (const { branches } of choicesAmong(items.length, exclusive)) {
      const [i, j] = [branches[0]?.[0] as number, branches[1]?.[0] as number];
      const choice: Choice = sameTargets(g, items, i, j)
        ? { kind: 'call-targets', node: n, line: g.edgeLine((items[i] as Item).e) }
        : flow
          ? { ...flow.parting(i, j), node: n }
          : { kind: 'fresh-skb', node: n, line: g.edgeLine((items[i] as Item).e) };
      branches.forEach((branch, arm) => {
        for (const k of branch) out[k]?.push({ choice, arm, via: (items[k] as Item).e });
      });
      found.push({ choice, branches });
    }
    return { tags: out, choices: found };
  }

  /** The flow of `n`'s body from its source; undefined when it cannot be read. */
  private flowOf(n: number, items: readonly Item[]): BodyFlow | undefined {
    const g = this.ctx.graph;
    if (g.isMacro(n) || !this.ctx.readText) return undefined;
    const file = g.file(n);
    if (!this.readers.has(file)) {
      const text = this.ctx.readText(file);
      this.readers.set(file, text === undefined ? undefined : new BodyReader(text));
    }
    return this.readers.get(file)?.flow(
      g.line(n),
      items.map((item) => item.sites),
    );
  }
}

/** One pointer call reaches one function: its targets at one call site exclude each other. */
function sameTargets(g: Graph, items: readonly Item[], i: number, j: number): boolean {
  const a = items[i];
  const b = items[j];
  if (!a || !b || a.sites.length !== 1 || b.sites.length !== 1) return false;
  if (g.kind(a.e) !== 'indirect' || g.kind(b.e) !== 'indirect') return false;
  return g.edgeLine(a.e) === g.edgeLine(b.e) && g.edgeCol(a.e) === g.edgeCol(b.e);
}

/** Does `n` build a new skb (call an allocator of SKB_ALLOCATORS)? */
function buildsSkb(g: Graph, n: number): boolean {
  for (const e of g.outgoing(n)) if (isSkbAllocator(g.name(g.to(e)))) return true;
  return false;
}

/**
 * The operations with the choices that matter: those with operations on two branches or
 * more, numbered in the order of their first operation, their branches in path order.
 */
function withChoices(g: Graph, found: readonly { op: SkbOp; tags: Tag[] }[]): SkbOp[] {
  const arms = new Map<Choice, number[]>();
  for (const { tags } of found)
    for (const t of tags) {
      const list = arms.get(t.choice) ?? [];
      if (!list.includes(t.arm)) list.push(t.arm);
      arms.set(t.choice, list);
    }
  const numbers = new Map<Choice, number>();
  const labels = new Map<string, string>();
  return found.map(({ op, tags }) => {
    const kept: SkbChoice[] = [];
    for (const t of tags) {
      const order = arms.get(t.choice) ?? [];
      if (order.length < 2) continue;
      if (!numbers.has(t.choice)) numbers.set(t.choice, numbers.size);
      const choice = numbers.get(t.choice) as number;
      const branch = order.indexOf(t.arm);
      const key = `${choice}:${branch}`;
      if (!labels.has(key)) labels.set(key, g.name(g.to(t.via)));
      kept.push({
        choice,
        branch,
        of: order.length,
        kind: t.choice.kind,
        node: g.nodeId(t.choice.node),
        line: t.choice.line,
        label: labels.get(key) as string,
      });
    }
    return kept.length > 0 ? { ...op, choices: kept } : op;
  });
}

function skbOp(g: Graph, e: number): SkbOp {
  const from = g.from(e);
  const op = g.name(g.to(e));
  const row = findSkbOp(op);
  const args = edgeArgs(g, e);
  const life = row ? undefined : findSkbLife(op);
  if (life) {
    const given = life.lenArg !== undefined ? args?.[life.lenArg] : undefined;
    return {
      node: g.nodeId(from),
      op,
      len: given ?? '',
      file: g.file(from),
      line: g.edgeLine(e),
      effect: skbLifeEffect(life, given),
      life: life.life,
    };
  }
  const given = row?.lenArg !== undefined ? args?.[row.lenArg] : undefined;
  const len = given ?? row?.fixedLen ?? '';
  return {
    node: g.nodeId(from),
    op,
    len,
    file: g.file(from),
    line: g.edgeLine(e),
    effect: skbOpEffect(op, given) ?? '',
  };
}
