// Scopes: a function definition opens one, the first capture past its end closes it.
// While open, its parameters and locals type the expressions inside it; when it closes,
// what refers to locals that never held a function is dropped (facts stay in memory for
// the whole tree, so what resolve can never use is not kept).

import type { Node } from 'web-tree-sitter';
import type { FuncFact, ValueRef } from '../facts';
import type { FileState, Scope } from './state';
import {
  ALL_CAPS,
  declaredName,
  functionDeclarator,
  holdsData,
  isStatic,
  typeName,
  unwrap,
} from './syntax';
import { chainOf } from './values';

/** Opens the scope of a function definition, and records the function. */
export function openFunction(state: FileState, node: Node): void {
  // C has no nested functions: one inside a body is an iterator macro such as
  // `for_each_possible_cpu(i) { ... }` misread as a definition. Its calls belong to the outer function.
  if (state.scope) return;
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
        if (!state.macroMode && holdsData(ptype, pdecl)) dataLocals.add(pname);
      }
      paramNames.push(pname);
    }
  }
  // `f(void)` has one unnamed parameter; keep positions only for named ones.
  if (paramNames.length === 1 && paramNames[0] === '') paramNames.length = 0;
  const row = declarator.startPosition.row;
  const fact: FuncFact = {
    name,
    line: (state.macroMode ? state.macroNameLines.get(row) : undefined) ?? state.lineOf(row),
    static: state.macroMode ? !state.facts.path.endsWith('.h') : isStatic(node),
    params: paramNames,
  };
  if (state.macroMode) fact.macro = true;
  const returns = state.macroMode
    ? macroResultType(state, node.childForFieldName('body'))
    : typeName(node.childForFieldName('type'));
  if (returns) fact.returns = returns;
  const index = state.facts.funcs.length;
  state.facts.funcs.push(fact);
  state.scope = {
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

/**
 * The struct a function-like macro's value points to, when its body is one expression of a
 * known struct type: `#define udp_sk(ptr) container_of_const(ptr, struct udp_sock, inet.sk)`
 * or a cast, `((struct foo *)(p))`. Then `udp_sk(sk)->encap_rcv = ...` stores into
 * `udp_sock.encap_rcv`, as it would through a static inline returning `struct udp_sock *`.
 */
function macroResultType(state: FileState, body: Node | null): string | undefined {
  const statements = body?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
  const only = statements[0];
  if (statements.length !== 1 || only?.type !== 'expression_statement') return undefined;
  const chain = chainOf(state, only.namedChild(0), undefined);
  return 't' in chain.root && chain.path.length === 0 ? chain.root.t : undefined;
}

/** Ends the current function: drops what refers to locals that never hold a function. */
export function closeScope(state: FileState): void {
  const scope = state.scope;
  if (!scope) return;
  state.scope = undefined;
  const aliases = scope.fact.aliases;
  const keep = (v: ValueRef | null): ValueRef | null =>
    v && 'l' in v && !aliases?.[v.l] ? null : v;
  for (const call of scope.calls) {
    if ('l' in call.callee && !aliases?.[call.callee.l]) continue;
    call.args = call.args.map(keep);
    state.calls.push(call);
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
      state.facts.stores.push(store);
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

/** `return fn;`: a function handed out, as in `br_get_rx_handler`. */
export function returnStatement(scope: Scope, node: Node): void {
  const value = unwrap(node.namedChild(0));
  if (value?.type !== 'identifier') return;
  const name = value.text;
  if (ALL_CAPS.test(name) || scope.types.has(name)) return;
  (scope.fact.returnsIdents ??= []).push(name);
}
