// Types: struct and union definitions with the type of each field, and typedefs, so that
// resolve can walk a chain of fields (`dev->netdev_ops->ndo_open`) across files.

import type { Node } from 'web-tree-sitter';
import type { StructFact } from '../facts';
import type { FileState } from './state';
import { declaredName, typeName } from './syntax';

/** A struct or union with a body: its fields and their types. */
export function struct(state: FileState, node: Node, nameOverride?: string): void {
  const name = nameOverride ?? node.childForFieldName('name')?.text;
  const body = node.childForFieldName('body');
  if (!name || !body || state.macroMode) return;
  const fields: Record<string, string> = {};
  readFields(state, body, fields, 0, name);
  const fact: StructFact = { name, line: state.lineOf(node.startPosition.row), fields };
  state.facts.structs.push(fact);
}

/**
 * The fields of a struct body and their types, into `into`. Fields of an anonymous member
 * belong to the outer struct; a member of an unnamed type gets a struct of its own.
 */
function readFields(
  state: FileState,
  body: Node,
  into: Record<string, string>,
  depth: number,
  owner: string,
): void {
  for (const decl of body.namedChildren) {
    if (decl?.type !== 'field_declaration') continue;
    const typeNode = decl.childForFieldName('type');
    const declarators = decl.childrenForFieldName('declarator');
    const inner = typeNode?.childForFieldName('body');
    if (declarators.length === 0) {
      // An anonymous struct or union member: its fields belong to the outer struct.
      if (inner && depth < 6) readFields(state, inner, into, depth + 1, owner);
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
        readFields(state, inner, nested, depth + 1, type);
        state.facts.structs.push({
          name: type,
          line: state.lineOf(typeNode.startPosition.row),
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

/** A typedef: an alias of another type, or the name of an unnamed struct. */
export function typedef(state: FileState, node: Node): void {
  if (state.macroMode) return;
  const type = node.childForFieldName('type');
  for (const d of node.childrenForFieldName('declarator')) {
    const alias = declaredName(d);
    if (!alias || !type) continue;
    if (
      (type.type === 'struct_specifier' || type.type === 'union_specifier') &&
      !type.childForFieldName('name')
    ) {
      struct(state, type, alias);
      continue;
    }
    const target = typeName(type);
    if (target && target !== alias) state.facts.typedefs[alias] = target;
  }
}
