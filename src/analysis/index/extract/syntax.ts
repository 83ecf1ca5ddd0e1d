// Reading tree-sitter-c's nodes: the names declarators declare, the types they name, the
// expression under casts and parentheses. Pure functions of one node, shared by the
// extraction modules.

import type { Node } from 'web-tree-sitter';
import { SCALAR_TYPEDEFS } from '../kernel-idioms';

/** An upper-case name: a constant or a macro, never a function the graph follows. */
export const ALL_CAPS = /^[A-Z0-9_]+$/;

/** Name of the identifier a declarator declares, through pointers, arrays and parentheses. */
export function declaredName(node: Node | null): string | undefined {
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
export function functionDeclarator(node: Node | null): Node | undefined {
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
export function typeName(type: Node | null): string {
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

export function isStatic(node: Node): boolean {
  for (const child of node.children) {
    if (child?.type === 'storage_class_specifier' && child.text === 'static') return true;
  }
  return false;
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
export function holdsData(type: Node | null, declarator: Node): boolean {
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
export function unwrap(node: Node | null): Node | null {
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
