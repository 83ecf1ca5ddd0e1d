// Stores and initializers: a function bound to a struct's field, by an assignment
// (`adapter->clean_rx = e1000_clean_rx_irq`), a designated initializer (`.ndo_open =
// e1000_open`, also through an initializer macro or in a compound literal), and the
// locals that hold a function (aliases) in between.

import type { Node } from 'web-tree-sitter';
import type { StoreFact, TypeChain } from '../facts';
import type { FileState, Scope } from './state';
import { ALL_CAPS, declaredName, holdsData, typeName, unwrap } from './syntax';
import { chainOf, fieldRead, valueRef } from './values';

/** Records `target = value` when the value can be a function, or a field's function pointer. */
export function store(
  state: FileState,
  scope: Scope | undefined,
  line: number,
  target: Node,
  valueNode: Node | null,
): void {
  // `mac->ops.setup_physical_interface = copper ? setup_copper : setup_serdes`: either.
  const choice = unwrap(valueNode);
  if (choice?.type === 'conditional_expression') {
    for (const branch of ['consequence', 'alternative'] as const)
      store(state, scope, line, target, choice.childForFieldName(branch));
    return;
  }
  // A function, or inside a function the value of another field (`neigh->ops->output`).
  const value =
    valueRef(valueNode, scope) ?? (scope && valueNode ? fieldRead(state, valueNode, scope) : null);
  // A field of an object whose type this file cannot tell is never followed (resolve
  // needs the source's struct): dropping it here keeps the facts small.
  if (!value || 'c' in value || ('f' in value && 'none' in value.on.root)) return;
  const field = target.childForFieldName('field')?.text;
  if (!field) return;
  const on = chainOf(state, target.childForFieldName('argument'), scope);
  pushStore(state, { fn: scope?.index ?? -1, line, on, field, value }, scope);
}

/** An assignment in a function: a store into a field, or a local that may hold a function. */
export function assign(state: FileState, node: Node, scope: Scope): void {
  const left = node.childForFieldName('left');
  const right = node.childForFieldName('right');
  if (!left || !right) return;
  const line = state.lineOf(node.startPosition.row);
  if (left.type === 'field_expression') {
    store(state, scope, line, left, right);
  } else if (left.type === 'identifier' && scope.locals.has(left.text)) {
    alias(state, scope, left.text, right);
  }
}

/** Records that local `name` may hold what `valueNode` evaluates to. */
function alias(state: FileState, scope: Scope, name: string, valueNode: Node): void {
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
    const ref = valueRef(value, scope) ?? fieldRead(state, value, scope);
    if (!ref || ('l' in ref && ref.l === name)) continue;
    const aliases = (scope.fact.aliases ??= {});
    (aliases[name] ??= []).push(ref);
  }
}

/** A declaration: locals and globals with their types, and what their initializers store. */
export function declaration(state: FileState, node: Node): void {
  const scope = state.scope;
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
      state.globalTypes.set(name, type);
      if (type) state.facts.globals[name] = type;
    }
    if (declarator.type !== 'init_declarator') continue;
    const value = declarator.childForFieldName('value');
    if (!value) continue;
    if (value.type === 'initializer_list') {
      if (type) initializer(state, value, { root: { t: type }, path: [] }, scope, 0);
    } else if (scope) {
      alias(state, scope, name, value);
    }
  }
}

/**
 * A compound literal of a struct type binds its designated initializers to the type's
 * fields wherever it stands: assigned (af_inet.c: `net_hotdata.tcp_protocol = (struct
 * net_protocol){ .handler = tcp_v4_rcv, ... }`), inside WRITE_ONCE, or handed to a function
 * by address or by value (`register_x(&(struct T){ .f = fn })`). The literal's own type
 * names the slot, `T.f`, whatever the literal is then copied into.
 */
export function compoundLiteral(state: FileState, node: Node): void {
  const type = typeName(node.childForFieldName('type'));
  const value = node.childForFieldName('value');
  if (type && value?.type === 'initializer_list')
    initializer(state, value, { root: { t: type }, path: [] }, state.scope, 0);
}

/** Designated initializers: `.ndo_start_xmit = e1000_xmit_frame` stores into the struct's field. */
function initializer(
  state: FileState,
  list: Node,
  on: TypeChain,
  scope: Scope | undefined,
  depth: number,
): void {
  if (depth > 6) return;
  for (const item of list.namedChildren) {
    if (!item) continue;
    if (item.type === 'initializer_list') {
      // An element of an array of structs: the same struct type.
      initializer(state, item, on, scope, depth + 1);
      continue;
    }
    if (item.type === 'identifier') {
      macroInitializer(state, item.text, on, scope);
      continue;
    }
    if (item.type === 'assignment_expression') {
      // `{ COMMON_OPS .reset = fn, }` reads as the assignment `COMMON_OPS.reset = fn`.
      const left = item.childForFieldName('left');
      const macro = left?.type === 'field_expression' ? left.childForFieldName('argument') : null;
      const field = left?.childForFieldName('field');
      const value = item.childForFieldName('right');
      if (macro?.type !== 'identifier' || !field || !value) continue;
      macroInitializer(state, macro.text, on, scope);
      storeValue(state, value, on, field.text, field, scope);
      continue;
    }
    if (item.type !== 'initializer_pair') continue;
    const fields = item
      .childrenForFieldName('designator')
      .filter((d) => d?.type === 'field_designator');
    const value = item.childForFieldName('value');
    if (!value || fields.length === 0) {
      if (value?.type === 'initializer_list') initializer(state, value, on, scope, depth + 1);
      continue;
    }
    const names = fields.map((f) => f?.namedChild(0)?.text ?? '');
    const field = names.pop() ?? '';
    const chain: TypeChain = { root: on.root, path: [...on.path, ...names] };
    if (value.type === 'initializer_list') {
      initializer(
        state,
        value,
        { root: chain.root, path: [...chain.path, field] },
        scope,
        depth + 1,
      );
      continue;
    }
    storeValue(state, value, chain, field, item, scope);
  }
}

/** Records `on.field = value` from an initializer, when the value can be a function. */
function storeValue(
  state: FileState,
  value: Node,
  on: TypeChain,
  field: string,
  at: Node,
  scope: Scope | undefined,
): void {
  const ref = valueRef(value, scope);
  if (!ref || 'c' in ref) return;
  pushStore(
    state,
    { fn: scope?.index ?? -1, line: state.lineOf(at.startPosition.row), on, field, value: ref },
    scope,
  );
}

function pushStore(state: FileState, fact: StoreFact, scope: Scope | undefined): void {
  if (scope) scope.stores.push(fact);
  else state.facts.stores.push(fact);
}

/** The entries of an initializer macro named inside an initializer of `on`'s type, and of the macros it names. */
function macroInitializer(
  state: FileState,
  name: string,
  on: TypeChain,
  scope: Scope | undefined,
  depth = 0,
): void {
  for (const e of state.initMacros?.get(name) ?? []) {
    if ('macro' in e) {
      if (depth < 4) macroInitializer(state, e.macro, on, scope, depth + 1);
      continue;
    }
    if (ALL_CAPS.test(e.value)) continue;
    pushStore(
      state,
      { fn: scope?.index ?? -1, line: e.line, on, field: e.field, value: { n: e.value } },
      scope,
    );
  }
}
