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
 * - `{ f, on }` a function pointer read from a struct field (only in FuncFact.aliases:
 *   `rx_handler = rcu_dereference(skb->dev->rx_handler)`)
 */
export type ValueRef = { n: string } | { p: number } | { l: string } | { c: string } | { f: string; on: TypeChain };

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
  | { n: string }
  | { field: string; on: TypeChain }
  | { p: number }
  | { l: string };

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

export interface CallFact {
  /** Index of the enclosing function in FileFacts.funcs. */
  fn: number;
  line: number;
  col: number;
  callee: CalleeRef;
  /** One entry per argument: a ValueRef where the argument can carry a function, else null. */
  args: (ValueRef | null)[];
  /** Simple argument texts (identifiers, constants) by position, for keyed mechanisms. */
  keys?: (string | null)[];
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
  calls: CallFact[];
  stores: StoreFact[];
  structs: StructFact[];
  /** typedef name -> struct or typedef name it stands for. */
  typedefs: Record<string, string>;
  /** File-scope variables: name -> struct or typedef name of their type. */
  globals: Record<string, string>;
  /** `#include` targets as written: `linux/skbuff.h`, or `"e1000.h"` with the quotes. */
  includes: string[];
  /** Number of ERROR or MISSING nodes in the tree (kept, never a reason to drop the file). */
  errors: number;
  /** A reason the file was not parsed (binary, too large, unreadable, timed out). */
  skipped?: string;
}
