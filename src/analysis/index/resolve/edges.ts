// Edges: every call site becomes edges to what it may call (rules 3 to 6 of
// ARCHITECTURE.md, "How an indirect call becomes an edge"): a name to its visible
// definitions, a call through a field to the functions bound to that slot, a call that
// hands a function to an invoker of that parameter to the function itself, a raise to the
// handlers of its key. Every indirect or async edge says why, in `via`.

import type { CallFact, FileFacts, TypeChain } from '../facts';
import { ARG_SEPARATOR, EDGE_KINDS, bindingVia, dirOf, namedVia } from '../graph';
import type { EdgeKind } from '../../graph-json';
import { EVENT_SLOTS, TEXT_ARG_CALLS } from '../kernel-idioms';
import type { Binding, BindingTable } from './binding-table';
import type { Strings } from './columns';
import { EdgeTable } from './columns';
import type { DeferredCalls } from './deferred';
import type { NameResolver, Nodes } from './names';
import { forEachCallSite } from './names';
import type { Values } from './values';

export interface EdgeContext {
  nodes: Nodes;
  names: NameResolver;
  values: Values;
  table: BindingTable;
  deferred: DeferredCalls;
  strings: Strings;
  /** Function -> the parameters it calls (ParamFlowResult.invokes). */
  invokes: Map<number, Set<number>>;
}

export interface Edges {
  /** Unpacked: packing them waits until the tables the edges were read from are garbage. */
  edges: EdgeTable;
  /** Functions that broadcast an event (EVENT_SLOTS): flagged as dead ends. */
  dispatchers: Set<number>;
  /** Calls through a pointer that reach no function. */
  unresolved: number;
}

/** The edges of every call site, in call order, and what they found along the way. */
export function linkCalls(ctx: EdgeContext): Edges {
  const out = new EdgeWriter(ctx);
  forEachCallSite(ctx.nodes, (call, caller, fi) => {
    const callee = call.callee;
    if ('n' in callee) nameCall(ctx, out, call, caller, fi, callee.n);
    else if ('field' in callee) fieldCall(ctx, out, call, caller, fi, callee);
    else if ('l' in callee) localCall(ctx, out, call, caller, fi, callee.l);
  });
  return { edges: out.table, dispatchers: out.dispatchers, unresolved: out.unresolved };
}

const KIND = (k: EdgeKind): number => EDGE_KINDS.indexOf(k);

/** Adds edges, each once per caller, callee, kind and line, with their `via`. */
class EdgeWriter {
  readonly table = new EdgeTable();
  readonly dispatchers = new Set<number>();
  unresolved = 0;
  // A function's call sites are consecutive, so duplicates are looked for among its own
  // edges only; each with the row of its `via` (-1 without).
  private readonly seen = new Map<number, number>();
  private seenFor = -1;

  constructor(private readonly ctx: EdgeContext) {}

  add(from: number, to: number, call: CallFact, kind: EdgeKind, via = -1, args?: string[]): void {
    if (from !== this.seenFor) {
      this.seen.clear();
      this.seenFor = from;
    }
    const key = (to * 4 + KIND(kind)) * 1_048_576 + call.line;
    const had = this.seen.get(key);
    if (had !== undefined) {
      // A wrapper's candidate that the pointer's bindings reached first: the edge keeps its
      // binding and says the call names the function too.
      if (had >= 0 && call.wrapper && 'n' in call.callee) this.table.updateVia(had, namedVia);
      return;
    }
    const argText = args ? this.ctx.strings.id(args.join(ARG_SEPARATOR)) : -1;
    this.seen.set(key, this.table.push(from, to, call.line, call.col, KIND(kind), via, argText));
  }

  /** `via` as GraphData.viaValues holds it: a text. */
  text(text: string): number {
    return this.ctx.strings.id(text);
  }

  /** `via` of an edge through binding `b`: the binding, with the wrapper called through. */
  binding(b: Binding, wrapper?: string): number {
    return bindingVia(b.index, wrapper) ?? this.text(`${wrapper}: ${this.bindingText(b)}`);
  }

  /** The text of `Graph.via` for an edge through `b` (kept as a text only after an unknown wrapper's name). */
  private bindingText(b: Binding): string {
    const name = this.ctx.nodes.fact(b.fn).name;
    return `${b.slot} = ${name} at ${this.ctx.strings.get(b.file)}:${b.line}${b.via ? ` (${b.via})` : ''}`;
  }
}

/** `f(...)`: the definitions of `f` seen from here, what an invoker calls, what a raise reaches. */
function nameCall(
  ctx: EdgeContext,
  out: EdgeWriter,
  call: CallFact,
  caller: number,
  fi: number,
  name: string,
): void {
  const targets = ctx.names.resolve(name, fi);
  const texts = call.texts && TEXT_ARG_CALLS.test(name) ? call.texts : undefined;
  for (const t of targets) {
    if (call.wrapper)
      out.add(caller, t, call, 'indirect', out.text(`${call.wrapper} candidate ${name}`));
    else out.add(caller, t, call, 'direct', undefined, texts);
  }
  // Calls through a parameter of the callee (NF_HOOK's okfn), attributed to this call site.
  for (const g of targets) {
    const inv = ctx.invokes.get(g);
    if (!inv) continue;
    const params = ctx.nodes.fact(g).params;
    for (const p of inv) {
      const arg = call.args[p];
      if (!arg) continue;
      const fns = new Set<number>();
      ctx.values.argFns(arg, caller, fns);
      for (const fn of fns) {
        const text = `${name}(${params[p] ?? `#${p}`} = ${ctx.nodes.fact(fn).name})`;
        out.add(caller, fn, call, 'indirect', out.text(text));
      }
    }
  }
  ctx.deferred.forEachRaised(name, call, fi, (fn, via) =>
    out.add(caller, fn, call, 'async', out.text(via)),
  );
}

/** `p->f(...)`: every function bound to the slot, each citing one binding. */
function fieldCall(
  ctx: EdgeContext,
  out: EdgeWriter,
  call: CallFact,
  caller: number,
  fi: number,
  callee: { field: string; on: TypeChain },
): void {
  const found = ctx.table.field(callee.on, callee.field, fi);
  if (found.length === 0) {
    out.unresolved++;
    return;
  }
  for (const b of cited(ctx, found, (ctx.nodes.files[fi] as FileFacts).path))
    out.add(caller, b.fn, call, 'indirect', out.binding(b, call.wrapper));
  if (found.some((b) => EVENT_SLOTS.has(b.slot))) out.dispatchers.add(caller);
}

/**
 * The binding each function's edge cites: its first (the table is ranked), or one made in
 * the call site's own folder: vring_interrupt's call reaches skb_recv_done as bound by
 * drivers/virtio's transports, not by a platform driver that also hands it on.
 */
function cited(ctx: EdgeContext, found: Binding[], callerPath: string): Iterable<Binding> {
  if (found.length <= 1) return found;
  const here = dirOf(callerPath);
  const cite = new Map<number, Binding>();
  for (const b of found) {
    const had = cite.get(b.fn);
    if (
      !had ||
      (dirOf(ctx.strings.get(had.file)) !== here && dirOf(ctx.strings.get(b.file)) === here)
    )
      cite.set(b.fn, b);
  }
  return cite.values();
}

/** `local(...)`: what was assigned to the local, or what the field it was read from holds. */
function localCall(
  ctx: EdgeContext,
  out: EdgeWriter,
  call: CallFact,
  caller: number,
  fi: number,
  local: string,
): void {
  for (const a of ctx.nodes.fact(caller).aliases?.[local] ?? []) {
    if ('f' in a) {
      const found = ctx.table.field(a.on, a.f, fi);
      for (const b of found) out.add(caller, b.fn, call, 'indirect', out.binding(b));
      if (found.some((b) => EVENT_SLOTS.has(b.slot))) out.dispatchers.add(caller);
      continue;
    }
    const fns = new Set<number>();
    ctx.values.fns(a, caller, fns, undefined);
    for (const fn of fns)
      out.add(
        caller,
        fn,
        call,
        'indirect',
        out.text(`local ${local} = ${ctx.nodes.fact(fn).name}`),
      );
  }
  const fns = new Set<number>();
  ctx.values.fns({ l: local }, caller, fns, undefined);
  if (fns.size === 0 && !ctx.invokes.get(caller)) out.unresolved++;
}
