// Per-file facts: what the parse stage extracts from one C file, before anything is
// resolved across files. Facts are plain data (structured-clone and v8-serialize safe);
// a file's facts depend on its text and the indexer version alone, which is what lets the
// cache reuse them for unchanged files.

/**
 * A value that may name a function: an argument, the right side of an assignment, an
 * initializer. Only the forms that can carry a function pointer are kept.
 * - `{ n }` an identifier that is not a local or parameter (a function, or a global)
 * - `{ p }` the enclosing function's parameter with that index
 * - `{ l }` a local variable of the enclosing function (see FuncFact.aliases)
 * - `{ c }` the result of calling that function (see FuncFact.returns)
 * - `{ f, on }` a function pointer read from a struct field of a known type: in
 *   FuncFact.aliases (`rx_handler = rcu_dereference(skb->dev->rx_handler)`), stores and
 *   call arguments (`vp_find_one_vq_msix(..., vqi->callback, ...)`)
 */
export type ValueRef =
  { n: string } | { p: number } | { l: string } | { c: string } | { f: string; on: TypeChain };

/**
 * The struct type of an expression, as far as one file can tell. `root` names a type
 * (`t`, a struct, union or typedef name), a function whose return type it is (`c`),
 * or a global variable whose declared type it is (`g`); `path` walks fields from there.
 * `dev->netdev_ops` in a function with `struct net_device *dev` is
 * `{ root: { t: 'net_device' }, path: ['netdev_ops'] }`.
 */
export interface TypeChain {
  root: { t: string } | { c: string } | { g: string } | { none: true };
  path: string[];
}

/** What stands where a called function should: `f(...)`, `p->f(...)`, `param(...)`. */
export type CalleeRef =
  { n: string } | { field: string; on: TypeChain } | { p: number } | { l: string };

export interface FuncFact {
  name: string;
  /** 1-based line of the name. */
  line: number;
  static: boolean;
  /** A function-like macro (parsed from its body) rather than a C function. */
  macro?: true;
  params: string[];
  /** Struct type the function returns a pointer to (or value of), for `f(x)->field`. */
  returns?: string;
  /** Identifiers the function returns: functions handed out, as in `br_get_rx_handler`. */
  returnsIdents?: string[];
  /** Local variables that hold function pointers: name -> values assigned to it. */
  aliases?: Record<string, ValueRef[]>;
}

/** A call site, as the resolver sees it after decoding (see `CallCodec`). */
export interface CallFact {
  /** Index of the enclosing function in FileFacts.funcs. */
  fn: number;
  line: number;
  col: number;
  callee: CalleeRef;
  /** One entry per argument: a ValueRef where the argument can carry a function, else null. */
  args: (ValueRef | null)[];
  /** Simple argument texts (identifiers, constants) by position, for mechanisms keyed by a constant (DeferredMechanism.keyedBy). */
  keys?: (string | null)[];
  /**
   * Arguments that are the address of a struct field (`&adapter->reset_task`), by
   * position, for mechanisms keyed by an object (DeferredMechanism.keyedBy 'field').
   */
  keyFields?: ({ f: string; on: TypeChain } | null)[];
  /** Set when the call stands for an INDIRECT_CALL_* candidate or pointer: the wrapper's name. */
  wrapper?: string;
  /** The length argument's source text, kept for skb operations. */
  texts?: string[];
}

/** A function stored into a struct field: `.ndo_start_xmit = f`, `n->poll = poll`. */
export interface StoreFact {
  /** Enclosing function, or -1 at file scope (static initializers). */
  fn: number;
  line: number;
  on: TypeChain;
  field: string;
  value: ValueRef;
}

export interface StructFact {
  name: string;
  line: number;
  /** Field name -> the struct or typedef name of its type ('' when it is neither). */
  fields: Record<string, string>;
}

export interface FileFacts {
  /** Path relative to the kernel root, `/`-separated. */
  path: string;
  funcs: FuncFact[];
  /**
   * Call sites, encoded by `encodeCalls`: call sites are most of a tree's facts, and a flat
   * typed array costs a fifth of the memory of objects and copies between threads in one go.
   */
  calls: EncodedCalls;
  stores: StoreFact[];
  structs: StructFact[];
  /** typedef name -> struct or typedef name it stands for. */
  typedefs: Record<string, string>;
  /** File-scope variables: name -> struct or typedef name of their type. */
  globals: Record<string, string>;
  /**
   * Object-like macros that name a field path, by macro name: `#define sk_prot
   * __sk_common.skc_prot` gives `sk_prot: ['__sk_common', 'skc_prot']`.
   */
  fieldMacros?: Record<string, string[]>;
  /** `#include` targets as written: `linux/skbuff.h`, or `"e1000.h"` with the quotes. */
  includes: string[];
  /**
   * The conditions parts of the file sit under (conditions.ts): a configuration applied
   * at resolve time drops the functions, calls and stores inside a branch it makes false.
   */
  conditions?: ConditionFacts;
  /** Number of ERROR or MISSING nodes in the tree (kept, never a reason to drop the file). */
  errors: number;
  /** A reason the file was not parsed (binary, too large, unreadable, timed out). */
  skipped?: string;
}

/**
 * A file's condition regions: REGION_WIDTH ints each, in `regions`: from line, from
 * column, to line, to column (1-based, inclusive; column 0 to WHOLE_LINE for a branch of
 * a preprocessor group, which covers whole lines), the condition's text id, its label's
 * text id (`#ifdef CONFIG_RPS`, `#else of #ifdef CONFIG_RPS`, `if (IS_ENABLED(CONFIG_X))`),
 * and the line of the directive or `if` that opens it. Regions nest; a position is under
 * every region that covers it.
 */
export interface ConditionFacts {
  texts: string[];
  regions: Int32Array;
}

export const REGION_WIDTH = 7;
/** The "to column" of a region that runs to the end of its last line. */
export const WHOLE_LINE = 0x3fffffff;

/** Call sites of one file in a compact form: integers plus a per-file string table. */
export interface EncodedCalls {
  ints: Int32Array;
  strings: string[];
  chains: TypeChain[];
  /** Rare per-call extras, by call ordinal. */
  extras: {
    call: number;
    keys?: (string | null)[];
    keyFields?: ({ f: string; on: TypeChain } | null)[];
    texts?: string[];
    wrapper?: string;
  }[];
}

// Layout of one call in `ints`: fn, line, col, calleeTag | argc << 3, calleeA, calleeB,
// then one int per argument, tag | value << 3 (values are string ids or parameter indexes,
// never negative). Tags: 0 none, 1 name, 2 parameter, 3 local, 4 call result, 5 field
// (calleeA = field name, calleeB = chain index), 6 an argument read from a field (value =
// index of a chain whose path ends with the field; one chain per distinct read in a file).
// Call sites are most of the facts.
const TAG_BITS = 3;
const TAG_MASK = (1 << TAG_BITS) - 1;
const HEAD = 6;
const NONE = 0;
const NAME = 1;
const PARAM = 2;
const LOCAL = 3;
const CALL = 4;
const FIELD = 5;
const FIELD_READ = 6;

/** The facts of a file with nothing in it: where a file starts, or what is left of one. */
export function emptyFacts(path: string): FileFacts {
  return {
    path,
    funcs: [],
    calls: { ints: new Int32Array(0), strings: [], chains: [], extras: [] },
    stores: [],
    structs: [],
    typedefs: {},
    globals: {},
    includes: [],
    errors: 0,
  };
}

export function encodeCalls(calls: CallFact[]): EncodedCalls {
  const ints: number[] = [];
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const str = (s: string): number => {
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  const chains: TypeChain[] = [];
  const readChains = new Map<string, number>();
  const extras: EncodedCalls['extras'] = [];
  const tagged = (tag: number, v: number): number => tag | (v << TAG_BITS);
  const readChain = (v: { f: string; on: TypeChain }): number => {
    const root = v.on.root;
    const path = [...v.on.path, v.f];
    const key = `${'t' in root ? `t${root.t}` : 'c' in root ? `c${root.c}` : 'g' in root ? `g${root.g}` : '-'}.${path.join('.')}`;
    let id = readChains.get(key);
    if (id === undefined) {
      id = chains.length;
      chains.push({ root, path });
      readChains.set(key, id);
    }
    return id;
  };
  const value = (v: ValueRef | null): void => {
    if (!v) ints.push(NONE);
    else if ('n' in v) ints.push(tagged(NAME, str(v.n)));
    else if ('p' in v) ints.push(tagged(PARAM, v.p));
    else if ('l' in v) ints.push(tagged(LOCAL, str(v.l)));
    else if ('c' in v) ints.push(tagged(CALL, str(v.c)));
    else ints.push(tagged(FIELD_READ, readChain(v)));
  };
  calls.forEach((c, i) => {
    ints.push(c.fn, c.line, c.col);
    const callee = c.callee;
    const argc = c.args.length;
    if ('n' in callee) ints.push(tagged(NAME, argc), str(callee.n), 0);
    else if ('p' in callee) ints.push(tagged(PARAM, argc), callee.p, 0);
    else if ('l' in callee) ints.push(tagged(LOCAL, argc), str(callee.l), 0);
    else {
      chains.push(callee.on);
      ints.push(tagged(FIELD, argc), str(callee.field), chains.length - 1);
    }
    for (const a of c.args) value(a);
    if (c.keys || c.keyFields || c.texts || c.wrapper) {
      const extra: EncodedCalls['extras'][number] = { call: i };
      if (c.keys) extra.keys = c.keys;
      if (c.keyFields) extra.keyFields = c.keyFields;
      if (c.texts) extra.texts = c.texts;
      if (c.wrapper) extra.wrapper = c.wrapper;
      extras.push(extra);
    }
  });
  return { ints: Int32Array.from(ints), strings, chains, extras };
}

export function callCount(encoded: EncodedCalls): number {
  let n = 0;
  const ints = encoded.ints;
  for (let at = 0; at < ints.length; at += HEAD + ((ints[at + 3] as number) >>> TAG_BITS)) n++;
  return n;
}

/** Decodes each call in order; the objects passed to `visit` are fresh and may be kept. */
export function forEachCall(
  encoded: EncodedCalls,
  visit: (call: CallFact, ordinal: number) => void,
): void {
  const { ints, strings, chains } = encoded;
  const s = (i: number): string => strings[i] as string;
  const value = (packed: number): ValueRef | null => {
    const v = packed >>> TAG_BITS;
    switch (packed & TAG_MASK) {
      case NAME:
        return { n: s(v) };
      case PARAM:
        return { p: v };
      case LOCAL:
        return { l: s(v) };
      case CALL:
        return { c: s(v) };
      case FIELD_READ: {
        const chain = chains[v] as TypeChain;
        return {
          f: chain.path[chain.path.length - 1] as string,
          on: { root: chain.root, path: chain.path.slice(0, -1) },
        };
      }
      default:
        return null;
    }
  };
  let extra = 0;
  for (let at = 0, ordinal = 0; at < ints.length; ordinal++) {
    const tag = (ints[at + 3] as number) & TAG_MASK;
    const argc = (ints[at + 3] as number) >>> TAG_BITS;
    const a = ints[at + 4] as number;
    let callee: CalleeRef;
    if (tag === NAME) callee = { n: s(a) };
    else if (tag === PARAM) callee = { p: a };
    else if (tag === LOCAL) callee = { l: s(a) };
    else callee = { field: s(a), on: chains[ints[at + 5] as number] as TypeChain };
    const args: (ValueRef | null)[] = new Array<ValueRef | null>(argc);
    for (let k = 0; k < argc; k++) args[k] = value(ints[at + HEAD + k] as number);
    const call: CallFact = {
      fn: ints[at] as number,
      line: ints[at + 1] as number,
      col: ints[at + 2] as number,
      callee,
      args,
    };
    const x = encoded.extras[extra];
    if (x && x.call === ordinal) {
      if (x.keys) call.keys = x.keys;
      if (x.keyFields) call.keyFields = x.keyFields;
      if (x.texts) call.texts = x.texts;
      if (x.wrapper) call.wrapper = x.wrapper;
      extra++;
    }
    visit(call, ordinal);
    at += HEAD + argc;
  }
}

/**
 * Makes equal strings of `facts` one string, shared through `pool` with the facts interned
 * before. Facts reach the main thread as copies, one string per occurrence (`skb`, `dev`,
 * `list_head` thousands of times over): sharing them takes about a quarter off the memory
 * the whole tree's facts hold while resolving. The facts are changed in place.
 */
export function internFacts(facts: FileFacts, pool: Map<string, string>): void {
  const s = (v: string): string => {
    const shared = pool.get(v);
    if (shared !== undefined) return shared;
    pool.set(v, v);
    return v;
  };
  const list = (a: string[]): void => {
    for (let i = 0; i < a.length; i++) a[i] = s(a[i] as string);
  };
  const record = (r: Record<string, string>): void => {
    for (const k of Object.keys(r)) r[k] = s(r[k] as string);
  };
  const chain = (c: TypeChain): void => {
    const root = c.root;
    if ('t' in root) root.t = s(root.t);
    else if ('c' in root) root.c = s(root.c);
    else if ('g' in root) root.g = s(root.g);
    list(c.path);
  };
  const value = (v: ValueRef): void => {
    if ('n' in v) v.n = s(v.n);
    else if ('l' in v) v.l = s(v.l);
    else if ('c' in v) v.c = s(v.c);
    else if ('f' in v) {
      v.f = s(v.f);
      chain(v.on);
    }
  };
  facts.path = s(facts.path);
  for (const fn of facts.funcs) {
    fn.name = s(fn.name);
    list(fn.params);
    if (fn.returns !== undefined) fn.returns = s(fn.returns);
    if (fn.returnsIdents) list(fn.returnsIdents);
    if (fn.aliases) for (const values of Object.values(fn.aliases)) values.forEach(value);
  }
  list(facts.calls.strings);
  facts.calls.chains.forEach(chain);
  for (const x of facts.calls.extras) {
    if (x.wrapper !== undefined) x.wrapper = s(x.wrapper);
    if (x.keys)
      for (let i = 0; i < x.keys.length; i++)
        if (x.keys[i] != null) x.keys[i] = s(x.keys[i] as string);
    for (const k of x.keyFields ?? []) {
      if (!k) continue;
      k.f = s(k.f);
      chain(k.on);
    }
  }
  for (const st of facts.stores) {
    st.field = s(st.field);
    chain(st.on);
    value(st.value);
  }
  for (const st of facts.structs) {
    st.name = s(st.name);
    record(st.fields);
  }
  record(facts.typedefs);
  record(facts.globals);
  list(facts.includes);
  if (facts.conditions) list(facts.conditions.texts);
}
