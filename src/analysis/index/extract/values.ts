// Values and type chains: what an expression can carry (a function, a parameter, a
// local, a field's function pointer) and the struct type it has, as far as one file can
// tell. Calls, stores and aliases are all read through these.

import type { Node } from 'web-tree-sitter';
import type { CalleeRef, TypeChain, ValueRef } from '../facts';
import { CONTAINER_OF_LIKE, TRANSPARENT_WRAPPERS } from '../kernel-idioms';
import type { FileState, Scope } from './state';
import { ALL_CAPS, typeName, unwrap } from './syntax';

/** What a value can be as far as functions go: a name, a parameter, a local, a call's result. */
export function valueRef(node: Node | null, scope: Scope | undefined): ValueRef | null {
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
      return valueRef(n.childForFieldName('arguments')?.namedChild(0) ?? null, scope);
  }
  return null;
}

/** A function pointer read from a field: `skb->dev->rx_handler`, seen through READ_ONCE and kin. */
export function fieldRead(state: FileState, node: Node, scope: Scope): ValueRef | null {
  let n = unwrap(node);
  for (let guard = 0; n?.type === 'call_expression' && guard < 4; guard++) {
    const fn = n.childForFieldName('function');
    if (fn?.type !== 'identifier' || !TRANSPARENT_WRAPPERS.has(fn.text)) return null;
    n = unwrap(n.childForFieldName('arguments')?.namedChild(0) ?? null);
  }
  if (n?.type !== 'field_expression') return null;
  const field = n.childForFieldName('field')?.text;
  if (!field) return null;
  return { f: field, on: chainOf(state, n.childForFieldName('argument'), scope) };
}

/**
 * A call's argument: a value that can be a function, or a function pointer read from a
 * field of a type this file can tell (`vp_find_one_vq_msix(..., vqi->callback, ...)`
 * hands on whatever `virtqueue_info.callback` holds). A field's address (`&priv->napi`)
 * is no function.
 */
export function argRef(state: FileState, node: Node, scope: Scope): ValueRef | null {
  const choice = unwrap(node);
  if (choice?.type === 'conditional_expression') return choiceArg(state, choice, scope);
  const value = valueRef(node, scope);
  if (value || (node.type === 'pointer_expression' && node.child(0)?.type === '&')) return value;
  const read = fieldRead(state, node, scope);
  return read && 'f' in read && !('none' in read.on.root) ? read : null;
}

/**
 * An argument chosen by a condition (`request_irq(irq, gqi ? gve_intr : gve_intr_dqo, ...)`,
 * `netif_napi_add(dev, napi, xsk ? dp->ops->xsk_poll : dp->ops->poll)`): either branch. Two
 * or more candidates become a local of the function's own (an alias named after the
 * expression's offset, which no C identifier can spell), so the resolver reads them as it
 * reads a local that holds one of several functions.
 */
function choiceArg(state: FileState, choice: Node, scope: Scope): ValueRef | null {
  const refs: ValueRef[] = [];
  for (const branch of ['consequence', 'alternative'] as const) {
    const b = choice.childForFieldName(branch);
    const ref = b ? argRef(state, b, scope) : null;
    if (ref) refs.push(ref);
  }
  if (refs.length <= 1) return refs[0] ?? null;
  const name = `?${choice.startIndex}`;
  const aliases = (scope.fact.aliases ??= {});
  aliases[name] = refs;
  return { l: name };
}

/** The struct type of an expression as far as this file can tell. */
export function chainOf(
  state: FileState,
  node: Node | null,
  scope: Scope | undefined,
  depth = 0,
): TypeChain {
  const none: TypeChain = { root: { none: true }, path: [] };
  if (!node || depth > 12) return none;
  switch (node.type) {
    case 'identifier': {
      const name = node.text;
      const local = scope?.types.get(name);
      if (local !== undefined) return local ? { root: { t: local }, path: [] } : none;
      const global = state.globalTypes.get(name);
      if (global !== undefined) return global ? { root: { t: global }, path: [] } : none;
      return { root: { g: name }, path: [] };
    }
    case 'field_expression': {
      const field = node.childForFieldName('field')?.text;
      const inner = chainOf(state, node.childForFieldName('argument'), scope, depth + 1);
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
        return chainOf(state, args?.namedChild(0) ?? null, scope, depth + 1);
      return { root: { c: fn.text }, path: [] };
    }
    case 'cast_expression': {
      const t = typeName(node.childForFieldName('type'));
      return t
        ? { root: { t }, path: [] }
        : chainOf(state, node.childForFieldName('value'), scope, depth + 1);
    }
    case 'parenthesized_expression':
      return chainOf(state, node.namedChild(0), scope, depth + 1);
    case 'pointer_expression':
    case 'subscript_expression':
      return chainOf(state, node.childForFieldName('argument'), scope, depth + 1);
    default:
      return none;
  }
}

/** What a call calls: a name, a parameter, a local, or a field of a typed chain. */
export function calleeRef(
  state: FileState,
  node: Node | null,
  scope: Scope,
): CalleeRef | undefined {
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
    return { field, on: chainOf(state, n.childForFieldName('argument'), scope) };
  }
  if (n.type === 'call_expression') {
    // `READ_ONCE(n->output)(n, skb)`: the wrapper's argument is the called pointer.
    const fn = n.childForFieldName('function');
    if (fn?.type === 'identifier' && TRANSPARENT_WRAPPERS.has(fn.text)) {
      return calleeRef(state, n.childForFieldName('arguments')?.namedChild(0) ?? null, scope);
    }
  }
  return undefined;
}
