// Extraction: one parsed C file in, its FileFacts out. Runs inside a parse worker.
// Invariant: extraction never throws on odd C. A construct it does not understand is
// skipped; the tree's ERROR nodes are counted, never a reason to drop the file.

import type { Node, Parser, Query, Tree } from 'web-tree-sitter';
import { encodeCalls } from './facts';
import { lineEnd } from './preprocess';
import type {
  CallFact,
  CalleeRef,
  FileFacts,
  FuncFact,
  StoreFact,
  StructFact,
  TypeChain,
  ValueRef,
} from './facts';
import {
  ASSIGNING_WRAPPERS,
  CONTAINER_OF_LIKE,
  DEFERRED_MECHANISMS,
  INDIRECT_CALL_WRAPPERS,
  NOT_CALLS,
  SCALAR_TYPEDEFS,
  TEXT_ARG_CALLS,
  TRANSPARENT_WRAPPERS,
} from './kernel-idioms';

/** The captures extraction works from; ordered by position in the file. */
export const EXTRACT_QUERY = `
(function_definition) @func
(call_expression) @call
(assignment_expression) @assign
(declaration) @decl
(struct_specifier body: (field_declaration_list)) @struct
(union_specifier body: (field_declaration_list)) @struct
(type_definition) @typedef
(return_statement) @ret
(preproc_include) @include
(preproc_function_def) @macro
(ERROR) @error
`;

/** Calls of DEFERRED_MECHANISMS, by what names their key: a constant, or a struct field's address. */
const keyedCalls = (keyedBy: 'constant' | 'field'): ReadonlySet<string> =>
  new Set(
    DEFERRED_MECHANISMS.filter((m) => m.keyedBy === keyedBy).flatMap((m) => [
      ...m.register.map((r) => r.fn),
      ...m.raise.map((r) => r.fn),
    ]),
  );
const CONSTANT_KEYED_CALLS = keyedCalls('constant');
const FIELD_KEYED_CALLS = keyedCalls('field');

const ALL_CAPS = /^[A-Z0-9_]+$/;

interface Scope {
  index: number;
  end: number;
  params: Map<string, number>;
  /** Locals and parameters: name -> struct or typedef name of the type ('' if neither). */
  types: Map<string, string>;
  locals: Set<string>;
  /**
   * Locals and parameters that never hold a function: those of a struct, union or scalar
   * type (`int msglen`, `unsigned long addr`), unless declared as a function pointer. A
   * field read into one (`msglen = skb->len`) is not followed, and a store or argument of
   * one is no function (`info->access_addr = addr` registers nothing).
   */
  dataLocals: Set<string>;
  fact: FuncFact;
  calls: CallFact[];
  stores: StoreFact[];
}

/** Name of the identifier a declarator declares, through pointers, arrays and parentheses. */
function declaredName(node: Node | null): string | undefined {
  for (let n = node, guard = 0; n && guard < 16; guard++) {
    switch (n.type) {
      case 'identifier':
      case 'field_identifier':
      case 'type_identifier':
        return n.text;
      case 'parenthesized_declarator':
        n = n.namedChild(0);
        break;
      default:
        n = n.childForFieldName('declarator');
    }
  }
  return undefined;
}

/** The function_declarator inside a definition's declarator, if any. */
function functionDeclarator(node: Node | null): Node | undefined {
  for (let n = node, guard = 0; n && guard < 16; guard++) {
    if (n.type === 'function_declarator') {
      // `int (*f(void))(int)`: a function returning a pointer to function; the outer one is a type.
      const inner = n.childForFieldName('declarator');
      if (inner && inner.type === 'parenthesized_declarator') {
        const deeper = functionDeclarator(inner.namedChild(0));
        if (deeper) return deeper;
      }
      return n;
    }
    n = n.type === 'parenthesized_declarator' ? n.namedChild(0) : n.childForFieldName('declarator');
  }
  return undefined;
}

/** The struct, union or typedef name a type node names, or ''. */
function typeName(type: Node | null): string {
  if (!type) return '';
  switch (type.type) {
    case 'struct_specifier':
    case 'union_specifier':
      return type.childForFieldName('name')?.text ?? '';
    case 'type_identifier':
      return type.text;
    case 'type_descriptor':
      return typeName(type.childForFieldName('type'));
    default:
      return '';
  }
}

function isStatic(node: Node): boolean {
  for (const child of node.children) {
    if (child?.type === 'storage_class_specifier' && child.text === 'static') return true;
  }
  return false;
}

/**
 * One `.field = fn` entry of an initializer macro, with the line it stands on, or another
 * initializer macro named in its body (mac80211_hwsim's `HWSIM_COMMON_OPS` ends with
 * `HWSIM_DEBUGFS_OPS`).
 */
export type InitializerEntry = { field: string; value: string; line: number } | { macro: string };

/** What the file's object-like macros tell extraction and resolution. */
export interface ObjectMacros {
  /**
   * Macros that stand for a path of fields (include/net/sock.h: `#define sk_prot
   * __sk_common.skc_prot`), so that `sk->sk_prot->recvmsg` can be typed through them.
   */
  fields?: Record<string, string[]>;
  /**
   * Macros whose body is designated-initializer entries, expanded by the ops tables of the
   * same file: `#define X550_COMMON_MAC .fw_recovery_mode = &fn, \` ... then
   * `static const struct ixgbe_mac_operations mac_ops_X550 = { X550_COMMON_MAC ... }`.
   */
  initializers?: Map<string, InitializerEntry[]>;
}

const OBJECT_MACRO = /#[ \t]*define[ \t]+([A-Za-z_]\w*)(?=[ \t]|\\\n)/g;
const FIELD_PATH = /^[A-Za-z_]\w*(?:[ \t]*\.[ \t]*[A-Za-z_]\w*)+$/;
const ENTRY = /\.[ \t]*([a-z_]\w*)[ \t]*=[ \t\\\n]*&?[ \t]*([A-Za-z_]\w*)[ \t]*(?=,|\\|\n|$)/g;
/** An upper-case name standing alone among the entries: another initializer macro. */
const NESTED = /(?:^|[\\\n,{])[ \t]*([A-Z_][A-Z0-9_]*)[ \t]*(?=\\|\n|,|$)/g;

/** One pass over the file's object-like macros whose bodies name fields (see ObjectMacros). */
export function objectMacros(text: string): ObjectMacros {
  const out: ObjectMacros = {};
  let counted = 0; // Lines are counted once, up to the macro at hand.
  let countedLine = 1;
  OBJECT_MACRO.lastIndex = 0;
  for (let m = OBJECT_MACRO.exec(text); m; m = OBJECT_MACRO.exec(text)) {
    const name = m[1] as string;
    const body = text.slice(m.index + m[0].length, lineEnd(text, m.index));
    if (!body.includes('.')) continue;
    const path = body.replace(/\/\*.*?\*\/|\/\/.*/g, '').trim();
    if (/^[a-z_]/.test(name) && FIELD_PATH.test(path)) {
      (out.fields ??= {})[name] = path.split('.').map((f) => f.trim());
      continue;
    }
    for (
      let nl = text.indexOf('\n', counted);
      nl >= 0 && nl < m.index;
      nl = text.indexOf('\n', nl + 1)
    )
      countedLine++;
    counted = m.index;
    let line = countedLine;
    let at = 0;
    const entries: InitializerEntry[] = [];
    ENTRY.lastIndex = 0;
    for (let e = ENTRY.exec(body); e; e = ENTRY.exec(body)) {
      for (
        let nl = body.indexOf('\n', at);
        nl >= 0 && nl < e.index;
        nl = body.indexOf('\n', nl + 1)
      )
        line++;
      at = e.index;
      entries.push({ field: e[1] as string, value: e[2] as string, line });
    }
    NESTED.lastIndex = 0;
    for (let n = NESTED.exec(body); n; n = NESTED.exec(body))
      if (n[1] !== name) entries.push({ macro: n[1] as string });
    if (entries.length > 0) (out.initializers ??= new Map()).set(name, entries);
  }
  return out;
}

/** Braces opened minus braces closed in `text`, outside string and character literals. */
function braceDepth(text: string): number {
  let depth = 0;
  for (const m of text.matchAll(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[{}]/g)) {
    if (m[0] === '{') depth++;
    else if (m[0] === '}') depth--;
  }
  return depth;
}

/** Whether a declarator declares a function or a pointer to one, through pointers, arrays and parentheses. */
function declaresFunction(node: Node | null): boolean {
  for (let n = node, guard = 0; n && guard < 16; guard++) {
    if (n.type === 'function_declarator') return true;
    n = n.type === 'parenthesized_declarator' ? n.namedChild(0) : n.childForFieldName('declarator');
  }
  return false;
}

/** Whether a variable of this type and declarator can never hold a function (see Scope.dataLocals). */
function holdsData(type: Node | null, declarator: Node): boolean {
  if (!type || declaresFunction(declarator)) return false;
  switch (type.type) {
    case 'struct_specifier':
    case 'union_specifier':
    case 'sized_type_specifier':
      return true;
    case 'primitive_type':
      return type.text !== 'void';
    case 'type_identifier':
      return SCALAR_TYPEDEFS.has(type.text);
    default:
      return false;
  }
}

/** Strips parentheses, casts, `&` and `*` around an expression. */
function unwrap(node: Node | null): Node | null {
  for (let n = node, guard = 0; n && guard < 16; guard++) {
    switch (n.type) {
      case 'parenthesized_expression':
        n = n.namedChild(0);
        break;
      case 'cast_expression':
        n = n.childForFieldName('value');
        break;
      case 'pointer_expression':
        n = n.childForFieldName('argument');
        break;
      default:
        return n;
    }
  }
  return null;
}

export class Extractor {
  private readonly facts: FileFacts;
  private readonly calls: CallFact[] = [];
  private readonly globalTypes = new Map<string, string>();
  private scope: Scope | undefined;
  private readonly macroSources: {
    name: string;
    params: string[];
    body: string;
    nameLine: number;
    bodyLine: number;
  }[] = [];
  /** Maps a parsed row to the file's 1-based line (identity for the file itself). */
  private lineOf: (row: number) => number = (row) => row + 1;
  private macroMode = false;
  /** In the synthetic source of macros: the row of each macro's head -> the line of its name. */
  private readonly macroNameLines = new Map<number, number>();
  private rowOffset = 0;

  constructor(
    path: string,
    private readonly query: Query,
    /** The file's initializer macros (`objectMacros`), expanded where an initializer names one. */
    private readonly initMacros?: Map<string, InitializerEntry[]>,
  ) {
    this.facts = {
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

  /** Extracts facts from the tree of one chunk of the file, which starts at `firstRow`. */
  add(tree: Tree, firstRow: number): void {
    this.lineOf = (row) => row + firstRow + 1;
    this.rowOffset = firstRow;
    this.walk(tree.rootNode);
  }

  /** Parses and extracts the file's function-like macros; returns the file's facts. */
  finish(parser: Parser): FileFacts {
    if (this.macroSources.length > 0) this.extractMacros(parser);
    this.facts.calls = encodeCalls(this.calls);
    return this.facts;
  }

  private walk(root: Node): void {
    for (const { name, node } of this.query.captures(root)) {
      if (this.scope && node.startIndex >= this.scope.end) this.closeScope();
      switch (name) {
        case 'func':
          this.openFunction(node);
          break;
        case 'call':
          if (this.scope) this.call(node, this.scope);
          break;
        case 'assign':
          if (this.scope) this.assign(node, this.scope);
          break;
        case 'decl':
          this.declaration(node);
          break;
        case 'struct':
          this.struct(node);
          break;
        case 'typedef':
          this.typedef(node);
          break;
        case 'ret':
          if (this.scope) this.ret(node, this.scope);
          break;
        case 'include':
          this.include(node);
          break;
        case 'macro':
          this.macro(node);
          break;
        case 'error':
          if (!this.macroMode) this.facts.errors++;
          break;
      }
    }
    if (this.scope) this.closeScope();
  }

  // ---- functions -------------------------------------------------------------------

  private openFunction(node: Node): void {
    // C has no nested functions: one inside a body is an iterator macro such as
    // `for_each_possible_cpu(i) { ... }` misread as a definition. Its calls belong to the outer function.
    if (this.scope) return;
    const declarator = functionDeclarator(node.childForFieldName('declarator'));
    const name = declaredName(declarator?.childForFieldName('declarator') ?? null);
    if (!declarator || !name) return;
    const params = new Map<string, number>();
    const types = new Map<string, string>();
    const dataLocals = new Set<string>();
    const paramNames: string[] = [];
    const list = declarator.childForFieldName('parameters');
    if (list) {
      for (const p of list.namedChildren) {
        if (!p) continue;
        if (p.type === 'variadic_parameter') {
          params.set('__VA_ARGS__', paramNames.length);
          paramNames.push('__VA_ARGS__');
          continue;
        }
        if (p.type !== 'parameter_declaration') continue;
        const pdecl = p.childForFieldName('declarator');
        const pname = declaredName(pdecl) ?? '';
        if (pname && pdecl) {
          const ptype = p.childForFieldName('type');
          params.set(pname, paramNames.length);
          types.set(pname, typeName(ptype));
          // A macro's parameters are declared `long` in its synthetic source: never data.
          if (!this.macroMode && holdsData(ptype, pdecl)) dataLocals.add(pname);
        }
        paramNames.push(pname);
      }
    }
    // `f(void)` has one unnamed parameter; keep positions only for named ones.
    if (paramNames.length === 1 && paramNames[0] === '') paramNames.length = 0;
    const row = declarator.startPosition.row;
    const fact: FuncFact = {
      name,
      line: (this.macroMode ? this.macroNameLines.get(row) : undefined) ?? this.lineOf(row),
      static: this.macroMode ? !this.facts.path.endsWith('.h') : isStatic(node),
      params: paramNames,
    };
    if (this.macroMode) fact.macro = true;
    const returns = typeName(node.childForFieldName('type'));
    if (returns) fact.returns = returns;
    const index = this.facts.funcs.length;
    this.facts.funcs.push(fact);
    this.scope = {
      index,
      end: node.endIndex,
      params,
      types,
      locals: new Set(),
      dataLocals,
      fact,
      calls: [],
      stores: [],
    };
  }

  /** Ends the current function: drops what refers to locals that never hold a function. */
  private closeScope(): void {
    const scope = this.scope;
    if (!scope) return;
    this.scope = undefined;
    const aliases = scope.fact.aliases;
    const keep = (v: ValueRef | null): ValueRef | null =>
      v && 'l' in v && !aliases?.[v.l] ? null : v;
    for (const call of scope.calls) {
      if ('l' in call.callee && !aliases?.[call.callee.l]) continue;
      call.args = call.args.map(keep);
      this.calls.push(call);
    }
    // Only the aliases of locals that a kept call or store (or another such alias) names
    // can ever be read: the others are about half of them, and facts stay in memory.
    const used = new Set<string>();
    const use = (v: ValueRef | null): void => {
      if (v && 'l' in v) used.add(v.l);
    };
    for (const call of scope.calls) {
      if ('l' in call.callee) {
        if (!aliases?.[call.callee.l]) continue;
        used.add(call.callee.l);
      }
      for (const a of call.args) use(a);
    }
    for (const store of scope.stores) {
      if (keep(store.value)) {
        use(store.value);
        this.facts.stores.push(store);
      }
    }
    if (aliases) {
      const kept: Record<string, ValueRef[]> = {};
      const seen = new Set<string>();
      const pending = [...used];
      for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
        if (seen.has(name) || !Object.hasOwn(aliases, name)) continue;
        seen.add(name);
        const values = aliases[name] as ValueRef[];
        kept[name] = values;
        for (const v of values) if ('l' in v) pending.push(v.l);
      }
      if (seen.size > 0) scope.fact.aliases = kept;
      else delete scope.fact.aliases;
    }
  }

  private ret(node: Node, scope: Scope): void {
    const value = unwrap(node.namedChild(0));
    if (value?.type !== 'identifier') return;
    const name = value.text;
    if (ALL_CAPS.test(name) || scope.types.has(name)) return;
    (scope.fact.returnsIdents ??= []).push(name);
  }

  // ---- values and types ------------------------------------------------------------

  private valueRef(node: Node | null, scope: Scope | undefined): ValueRef | null {
    const n = unwrap(node);
    if (!n) return null;
    if (n.type === 'identifier') {
      const name = n.text;
      if (scope) {
        if (scope.dataLocals.has(name)) return null;
        const p = scope.params.get(name);
        if (p !== undefined) return { p };
        if (scope.locals.has(name)) return { l: name };
      }
      if (ALL_CAPS.test(name)) return null;
      return { n: name };
    }
    if (n.type === 'call_expression') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier' && !TRANSPARENT_WRAPPERS.has(fn.text)) return { c: fn.text };
      if (fn?.type === 'identifier')
        return this.valueRef(n.childForFieldName('arguments')?.namedChild(0) ?? null, scope);
    }
    return null;
  }

  /** A function pointer read from a field: `skb->dev->rx_handler`, seen through READ_ONCE and kin. */
  private fieldRead(node: Node, scope: Scope): ValueRef | null {
    let n = unwrap(node);
    for (let guard = 0; n?.type === 'call_expression' && guard < 4; guard++) {
      const fn = n.childForFieldName('function');
      if (fn?.type !== 'identifier' || !TRANSPARENT_WRAPPERS.has(fn.text)) return null;
      n = unwrap(n.childForFieldName('arguments')?.namedChild(0) ?? null);
    }
    if (n?.type !== 'field_expression') return null;
    const field = n.childForFieldName('field')?.text;
    if (!field) return null;
    return { f: field, on: this.chainOf(n.childForFieldName('argument'), scope) };
  }

  /**
   * A call's argument: a value that can be a function, or a function pointer read from a
   * field of a type this file can tell (`vp_find_one_vq_msix(..., vqi->callback, ...)`
   * hands on whatever `virtqueue_info.callback` holds). A field's address (`&priv->napi`)
   * is no function.
   */
  private argRef(node: Node, scope: Scope): ValueRef | null {
    const value = this.valueRef(node, scope);
    if (value || (node.type === 'pointer_expression' && node.child(0)?.type === '&')) return value;
    const read = this.fieldRead(node, scope);
    return read && 'f' in read && !('none' in read.on.root) ? read : null;
  }

  /** The struct type of an expression as far as this file can tell. */
  private chainOf(node: Node | null, scope: Scope | undefined, depth = 0): TypeChain {
    const none: TypeChain = { root: { none: true }, path: [] };
    if (!node || depth > 12) return none;
    switch (node.type) {
      case 'identifier': {
        const name = node.text;
        const local = scope?.types.get(name);
        if (local !== undefined) return local ? { root: { t: local }, path: [] } : none;
        const global = this.globalTypes.get(name);
        if (global !== undefined) return global ? { root: { t: global }, path: [] } : none;
        return { root: { g: name }, path: [] };
      }
      case 'field_expression': {
        const field = node.childForFieldName('field')?.text;
        const inner = this.chainOf(node.childForFieldName('argument'), scope, depth + 1);
        if (!field || 'none' in inner.root) return none;
        inner.path.push(field);
        return inner;
      }
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        if (fn?.type !== 'identifier') return none;
        const args = node.childForFieldName('arguments');
        const typeArg = CONTAINER_OF_LIKE.get(fn.text);
        if (typeArg !== undefined && args) {
          const m = /\b(?:struct|union)\s+(\w+)/.exec(args.text);
          return m?.[1] ? { root: { t: m[1] }, path: [] } : none;
        }
        if (TRANSPARENT_WRAPPERS.has(fn.text))
          return this.chainOf(args?.namedChild(0) ?? null, scope, depth + 1);
        return { root: { c: fn.text }, path: [] };
      }
      case 'cast_expression': {
        const t = typeName(node.childForFieldName('type'));
        return t
          ? { root: { t }, path: [] }
          : this.chainOf(node.childForFieldName('value'), scope, depth + 1);
      }
      case 'parenthesized_expression':
        return this.chainOf(node.namedChild(0), scope, depth + 1);
      case 'pointer_expression':
      case 'subscript_expression':
        return this.chainOf(node.childForFieldName('argument'), scope, depth + 1);
      default:
        return none;
    }
  }

  private callee(node: Node | null, scope: Scope): CalleeRef | undefined {
    const n = unwrap(node);
    if (!n) return undefined;
    if (n.type === 'identifier') {
      const name = n.text;
      // A variable that holds data cannot be called: `u16 base_status = base_status(x)` calls the macro.
      if (scope.dataLocals.has(name)) return { n: name };
      const p = scope.params.get(name);
      if (p !== undefined) return { p };
      if (scope.locals.has(name)) return { l: name };
      return { n: name };
    }
    if (n.type === 'field_expression') {
      const field = n.childForFieldName('field')?.text;
      if (!field) return undefined;
      return { field, on: this.chainOf(n.childForFieldName('argument'), scope) };
    }
    if (n.type === 'call_expression') {
      // `READ_ONCE(n->output)(n, skb)`: the wrapper's argument is the called pointer.
      const fn = n.childForFieldName('function');
      if (fn?.type === 'identifier' && TRANSPARENT_WRAPPERS.has(fn.text)) {
        return this.callee(n.childForFieldName('arguments')?.namedChild(0) ?? null, scope);
      }
    }
    return undefined;
  }

  // ---- calls, assignments, declarations --------------------------------------------

  private call(node: Node, scope: Scope): void {
    const fnNode = node.childForFieldName('function');
    const callee = this.callee(fnNode, scope);
    if (!callee) return;
    // Compiler built-ins are not calls; `likely(x)` and kin are seen through (x is captured itself).
    if ('n' in callee && (NOT_CALLS.has(callee.n) || TRANSPARENT_WRAPPERS.has(callee.n))) return;
    const argList = node.childForFieldName('arguments');
    const argNodes = argList
      ? argList.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment')
      : [];
    const line = this.lineOf(node.startPosition.row);
    const col = node.startPosition.column + 1;
    const fact: CallFact = {
      fn: scope.index,
      line,
      col,
      callee,
      args: argNodes.map((a) => this.argRef(a, scope)),
    };
    if ('n' in callee) {
      if (CONSTANT_KEYED_CALLS.has(callee.n)) {
        fact.keys = argNodes.map((a) =>
          a.type === 'identifier' || a.type === 'number_literal' ? a.text : null,
        );
      } else if (FIELD_KEYED_CALLS.has(callee.n)) {
        const fields = argNodes.map((a) => this.addressOfField(a, scope));
        if (fields.some((k) => k !== null)) fact.keyFields = fields;
      }
      if (TEXT_ARG_CALLS.test(callee.n)) fact.texts = argNodes.map((a) => a.text.slice(0, 80));
      const assigning = ASSIGNING_WRAPPERS.get(callee.n);
      const target = assigning ? unwrap(argNodes[assigning.target] ?? null) : null;
      if (assigning && target?.type === 'field_expression') {
        this.store(scope, line, target, argNodes[assigning.value] ?? null);
      }
      const wrapper = INDIRECT_CALL_WRAPPERS.get(callee.n);
      if (wrapper) {
        const rest = argNodes
          .slice(Math.max(...wrapper.candidates) + 1)
          .map((a) => this.valueRef(a, scope));
        const pointer = this.callee(argNodes[wrapper.pointer] ?? null, scope);
        if (pointer)
          scope.calls.push({
            fn: scope.index,
            line,
            col,
            callee: pointer,
            args: rest,
            wrapper: callee.n,
          });
        for (const c of wrapper.candidates) {
          const cand = unwrap(argNodes[c] ?? null);
          if (cand?.type === 'identifier') {
            scope.calls.push({
              fn: scope.index,
              line,
              col,
              callee: { n: cand.text },
              args: rest,
              wrapper: callee.n,
            });
          }
        }
      }
    }
    scope.calls.push(fact);
  }

  /** `&adapter->reset_task` as the field and the type chain of its object; null for anything else. */
  private addressOfField(node: Node, scope: Scope): { f: string; on: TypeChain } | null {
    if (node.type !== 'pointer_expression' || node.child(0)?.type !== '&') return null;
    const target = unwrap(node.childForFieldName('argument'));
    if (target?.type !== 'field_expression') return null;
    const f = target.childForFieldName('field')?.text;
    const on = this.chainOf(target.childForFieldName('argument'), scope);
    return f && !('none' in on.root) ? { f, on } : null;
  }

  private store(
    scope: Scope | undefined,
    line: number,
    target: Node,
    valueNode: Node | null,
  ): void {
    // `mac->ops.setup_physical_interface = copper ? setup_copper : setup_serdes`: either.
    const choice = unwrap(valueNode);
    if (choice?.type === 'conditional_expression') {
      for (const branch of ['consequence', 'alternative'] as const)
        this.store(scope, line, target, choice.childForFieldName(branch));
      return;
    }
    // A function, or inside a function the value of another field (`neigh->ops->output`).
    const value =
      this.valueRef(valueNode, scope) ??
      (scope && valueNode ? this.fieldRead(valueNode, scope) : null);
    // A field of an object whose type this file cannot tell is never followed (resolve
    // needs the source's struct): dropping it here keeps the facts small.
    if (!value || 'c' in value || ('f' in value && 'none' in value.on.root)) return;
    const field = target.childForFieldName('field')?.text;
    if (!field) return;
    const on = this.chainOf(target.childForFieldName('argument'), scope);
    this.pushStore({ fn: scope?.index ?? -1, line, on, field, value }, scope);
  }

  private assign(node: Node, scope: Scope): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return;
    const line = this.lineOf(node.startPosition.row);
    if (left.type === 'field_expression') {
      this.store(scope, line, left, right);
    } else if (left.type === 'identifier' && scope.locals.has(left.text)) {
      this.alias(scope, left.text, right);
    }
  }

  /** Records that local `name` may hold what `valueNode` evaluates to. */
  private alias(scope: Scope, name: string, valueNode: Node): void {
    if (scope.dataLocals.has(name)) return;
    const values: Node[] = [];
    const v = unwrap(valueNode);
    if (v?.type === 'conditional_expression') {
      for (const f of ['consequence', 'alternative'] as const) {
        const branch = v.childForFieldName(f);
        if (branch) values.push(branch);
      }
    } else if (v) {
      values.push(v);
    }
    for (const value of values) {
      const ref = this.valueRef(value, scope) ?? this.fieldRead(value, scope);
      if (!ref || ('l' in ref && ref.l === name)) continue;
      const aliases = (scope.fact.aliases ??= {});
      (aliases[name] ??= []).push(ref);
    }
  }

  private declaration(node: Node): void {
    const scope = this.scope;
    const typeNode = node.childForFieldName('type');
    const type = typeName(typeNode);
    for (const declarator of node.childrenForFieldName('declarator')) {
      if (!declarator) continue;
      const name = declaredName(declarator);
      if (!name) continue;
      if (scope) {
        scope.locals.add(name);
        scope.types.set(name, type);
        if (holdsData(typeNode, declarator)) scope.dataLocals.add(name);
      } else if (declarator.type !== 'function_declarator') {
        this.globalTypes.set(name, type);
        if (type) this.facts.globals[name] = type;
      }
      if (declarator.type !== 'init_declarator') continue;
      const value = declarator.childForFieldName('value');
      if (!value) continue;
      if (value.type === 'initializer_list') {
        if (type) this.initializer(value, { root: { t: type }, path: [] }, scope, 0);
      } else if (scope) {
        this.alias(scope, name, value);
      }
    }
  }

  /** Designated initializers: `.ndo_start_xmit = e1000_xmit_frame` stores into the struct's field. */
  private initializer(list: Node, on: TypeChain, scope: Scope | undefined, depth: number): void {
    if (depth > 6) return;
    for (const item of list.namedChildren) {
      if (!item) continue;
      if (item.type === 'initializer_list') {
        // An element of an array of structs: the same struct type.
        this.initializer(item, on, scope, depth + 1);
        continue;
      }
      if (item.type === 'identifier') {
        this.macroInitializer(item.text, on, scope);
        continue;
      }
      if (item.type === 'assignment_expression') {
        // `{ COMMON_OPS .reset = fn, }` reads as the assignment `COMMON_OPS.reset = fn`.
        const left = item.childForFieldName('left');
        const macro = left?.type === 'field_expression' ? left.childForFieldName('argument') : null;
        const field = left?.childForFieldName('field');
        const value = item.childForFieldName('right');
        if (macro?.type !== 'identifier' || !field || !value) continue;
        this.macroInitializer(macro.text, on, scope);
        this.storeValue(value, on, field.text, field, scope);
        continue;
      }
      if (item.type !== 'initializer_pair') continue;
      const fields = item
        .childrenForFieldName('designator')
        .filter((d) => d?.type === 'field_designator');
      const value = item.childForFieldName('value');
      if (!value || fields.length === 0) {
        if (value?.type === 'initializer_list') this.initializer(value, on, scope, depth + 1);
        continue;
      }
      const names = fields.map((f) => f?.namedChild(0)?.text ?? '');
      const field = names.pop() ?? '';
      const chain: TypeChain = { root: on.root, path: [...on.path, ...names] };
      if (value.type === 'initializer_list') {
        this.initializer(
          value,
          { root: chain.root, path: [...chain.path, field] },
          scope,
          depth + 1,
        );
        continue;
      }
      this.storeValue(value, chain, field, item, scope);
    }
  }

  /** Records `on.field = value` from an initializer, when the value can be a function. */
  private storeValue(
    value: Node,
    on: TypeChain,
    field: string,
    at: Node,
    scope: Scope | undefined,
  ): void {
    const ref = this.valueRef(value, scope);
    if (!ref || 'c' in ref) return;
    this.pushStore(
      { fn: scope?.index ?? -1, line: this.lineOf(at.startPosition.row), on, field, value: ref },
      scope,
    );
  }

  private pushStore(fact: StoreFact, scope: Scope | undefined): void {
    if (scope) scope.stores.push(fact);
    else this.facts.stores.push(fact);
  }

  /** The entries of an initializer macro named inside an initializer of `on`'s type, and of the macros it names. */
  private macroInitializer(name: string, on: TypeChain, scope: Scope | undefined, depth = 0): void {
    for (const e of this.initMacros?.get(name) ?? []) {
      if ('macro' in e) {
        if (depth < 4) this.macroInitializer(e.macro, on, scope, depth + 1);
        continue;
      }
      if (ALL_CAPS.test(e.value)) continue;
      this.pushStore(
        { fn: scope?.index ?? -1, line: e.line, on, field: e.field, value: { n: e.value } },
        scope,
      );
    }
  }

  // ---- types -------------------------------------------------------------------------

  private struct(node: Node, nameOverride?: string): void {
    const name = nameOverride ?? node.childForFieldName('name')?.text;
    const body = node.childForFieldName('body');
    if (!name || !body || this.macroMode) return;
    const fields: Record<string, string> = {};
    this.fields(body, fields, 0, name);
    const fact: StructFact = { name, line: this.lineOf(node.startPosition.row), fields };
    this.facts.structs.push(fact);
  }

  private fields(body: Node, into: Record<string, string>, depth: number, owner: string): void {
    for (const decl of body.namedChildren) {
      if (decl?.type !== 'field_declaration') continue;
      const typeNode = decl.childForFieldName('type');
      const declarators = decl.childrenForFieldName('declarator');
      const inner = typeNode?.childForFieldName('body');
      if (declarators.length === 0) {
        // An anonymous struct or union member: its fields belong to the outer struct.
        if (inner && depth < 6) this.fields(inner, into, depth + 1, owner);
        continue;
      }
      let type = typeName(typeNode);
      if (
        !type &&
        inner &&
        depth < 6 &&
        (typeNode?.type === 'struct_specifier' || typeNode?.type === 'union_specifier')
      ) {
        // A member of an unnamed type (kernel/cpu.c: `union { int (*single)(...); ... } startup;`)
        // gets a type named after it, `cpuhp_step.startup`, so `step->startup.single` is typed.
        const first = declaredName(declarators[0] ?? null);
        if (first) {
          type = `${owner}.${first}`;
          const nested: Record<string, string> = {};
          this.fields(inner, nested, depth + 1, type);
          this.facts.structs.push({
            name: type,
            line: this.lineOf(typeNode.startPosition.row),
            fields: nested,
          });
        }
      }
      for (const d of declarators) {
        const fname = declaredName(d);
        if (fname) into[fname] = type;
      }
    }
  }

  private typedef(node: Node): void {
    if (this.macroMode) return;
    const type = node.childForFieldName('type');
    for (const d of node.childrenForFieldName('declarator')) {
      const alias = declaredName(d);
      if (!alias || !type) continue;
      if (
        (type.type === 'struct_specifier' || type.type === 'union_specifier') &&
        !type.childForFieldName('name')
      ) {
        this.struct(type, alias);
        continue;
      }
      const target = typeName(type);
      if (target && target !== alias) this.facts.typedefs[alias] = target;
    }
  }

  private include(node: Node): void {
    const path = node.childForFieldName('path');
    if (!path) return;
    const text = path.text;
    this.facts.includes.push(path.type === 'system_lib_string' ? text.slice(1, -1) : text);
  }

  // ---- function-like macros ----------------------------------------------------------

  private macro(node: Node): void {
    const value = node.childForFieldName('value');
    const name = node.childForFieldName('name')?.text;
    if (!value || !name) return;
    const body = value.text;
    // Only macros that call something become nodes of the graph.
    if (!/[A-Za-z_]\w*\s*\(/.test(body)) return;
    const params: string[] = [];
    for (const p of node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p) continue;
      params.push(p.type === 'identifier' ? p.text : '__VA_ARGS__');
    }
    if (
      node.childForFieldName('parameters')?.text.includes('...') &&
      !params.includes('__VA_ARGS__')
    ) {
      params.push('__VA_ARGS__');
    }
    this.macroSources.push({
      name,
      params,
      body,
      nameLine: this.rowOffset + node.startPosition.row + 1,
      bodyLine: this.rowOffset + value.startPosition.row + 1,
    });
  }

  /**
   * Parses the bodies of the file's function-like macros as C functions in one synthetic
   * source, so a macro's calls (and calls of its parameters) are found like a function's.
   * A body that is no C (a fragment of asm, a `case` list) damages the tree around it, so a
   * source whose tree has errors is split in halves and each half parsed again, down to the
   * single macros at fault.
   */
  private extractMacros(parser: Parser, macros = this.macroSources): void {
    const lines: number[] = [];
    const chunks: string[] = [];
    this.macroNameLines.clear();
    for (const m of macros) {
      const params = m.params.map((p) => (p === '__VA_ARGS__' ? '...' : `long ${p}`)).join(', ');
      const body = m.body.replace(/\\\r?\n/g, ' \n');
      const bodyLines = body.split('\n');
      // Bodies that open a block another macro closes (`do_each_pid_task`) are balanced.
      const depth = braceDepth(body);
      const open = depth < 0 ? '{'.repeat(-depth) : '';
      const close = depth > 0 ? '}'.repeat(depth) : '';
      chunks.push(`void ${m.name}(${params}) {${open}${bodyLines.join('\n')}\n;${close}}`);
      this.macroNameLines.set(lines.length, m.nameLine);
      bodyLines.forEach((_, i) => lines.push(m.bodyLine + i));
      lines.push(m.bodyLine + bodyLines.length - 1);
    }
    const tree = parser.parse(chunks.join('\n'));
    if (!tree) return;
    if (macros.length > 1 && tree.rootNode.hasError) {
      tree.delete();
      const half = macros.length >> 1;
      this.extractMacros(parser, macros.slice(0, half));
      this.extractMacros(parser, macros.slice(half));
      return;
    }
    try {
      this.macroMode = true;
      this.lineOf = (row) => lines[row] ?? 0;
      this.walk(tree.rootNode);
    } finally {
      this.macroMode = false;
      this.lineOf = (row) => row + 1;
      tree.delete();
    }
  }
}
