// Calls: each call site with its callee, the arguments that can carry a function, the
// keys of deferred-execution calls, and the extra calls an INDIRECT_CALL_* wrapper makes.

import type { Node } from 'web-tree-sitter';
import type { CallFact, TypeChain } from '../facts';
import {
  ASSIGNING_WRAPPERS,
  DEFERRED_MECHANISMS,
  INDIRECT_CALL_WRAPPERS,
  NOT_CALLS,
  TEXT_ARG_CALLS,
  TRANSPARENT_WRAPPERS,
} from '../kernel-idioms';
import type { FileState, Scope } from './state';
import { store } from './stores';
import { unwrap } from './syntax';
import { argRef, calleeRef, chainOf, valueRef } from './values';

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

/** Records one call site of the function being walked. */
export function call(state: FileState, node: Node, scope: Scope): void {
  const fnNode = node.childForFieldName('function');
  const callee = calleeRef(state, fnNode, scope);
  if (!callee) return;
  // Compiler built-ins are not calls; `likely(x)` and kin are seen through (x is captured itself).
  if ('n' in callee && (NOT_CALLS.has(callee.n) || TRANSPARENT_WRAPPERS.has(callee.n))) return;
  const argList = node.childForFieldName('arguments');
  const argNodes = argList
    ? argList.namedChildren.filter((a): a is Node => a !== null && a.type !== 'comment')
    : [];
  const line = state.lineOf(node.startPosition.row);
  const col = node.startPosition.column + 1;
  const fact: CallFact = {
    fn: scope.index,
    line,
    col,
    callee,
    args: argNodes.map((a) => argRef(state, a, scope)),
  };
  if ('n' in callee) {
    if (CONSTANT_KEYED_CALLS.has(callee.n)) {
      fact.keys = argNodes.map((a) =>
        a.type === 'identifier' || a.type === 'number_literal' ? a.text : null,
      );
    } else if (FIELD_KEYED_CALLS.has(callee.n)) {
      const fields = argNodes.map((a) => addressOfField(state, a, scope));
      if (fields.some((k) => k !== null)) fact.keyFields = fields;
    }
    if (TEXT_ARG_CALLS.test(callee.n)) fact.texts = argNodes.map((a) => a.text.slice(0, 80));
    const assigning = ASSIGNING_WRAPPERS.get(callee.n);
    const target = assigning ? unwrap(argNodes[assigning.target] ?? null) : null;
    if (assigning && target?.type === 'field_expression') {
      store(state, scope, line, target, argNodes[assigning.value] ?? null);
    }
    const wrapper = INDIRECT_CALL_WRAPPERS.get(callee.n);
    if (wrapper) {
      const rest = argNodes
        .slice(Math.max(...wrapper.candidates) + 1)
        .map((a) => valueRef(a, scope));
      const pointer = calleeRef(state, argNodes[wrapper.pointer] ?? null, scope);
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
function addressOfField(
  state: FileState,
  node: Node,
  scope: Scope,
): { f: string; on: TypeChain } | null {
  if (node.type !== 'pointer_expression' || node.child(0)?.type !== '&') return null;
  const target = unwrap(node.childForFieldName('argument'));
  if (target?.type !== 'field_expression') return null;
  const f = target.childForFieldName('field')?.text;
  const on = chainOf(state, target.childForFieldName('argument'), scope);
  return f && !('none' in on.root) ? { f, on } : null;
}
