// Function-like macros: their bodies are parsed as C functions in one synthetic source,
// so a macro's calls (and calls of its parameters) are found like a function's, each at
// its line in the file.

import type { Node, Parser } from 'web-tree-sitter';
import { skipCommentOrLiteral } from '../c-text';
import type { FileState } from './state';

/** A function-like macro of the file, as the synthetic source needs it. */
export interface MacroSource {
  name: string;
  params: string[];
  body: string;
  nameLine: number;
  bodyLine: number;
}

/** Braces opened minus braces closed in `text`, outside comments and literals. */
function braceDepth(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) depth--;
    else i = Math.max(i, skipCommentOrLiteral(text, i) - 1);
  }
  return depth;
}

/**
 * The function-like macro a `#define` captures, or undefined for one that calls nothing
 * (only macros that call something become nodes of the graph). `firstRow` is the row the
 * parsed chunk starts at.
 */
export function macroSource(node: Node, firstRow: number): MacroSource | undefined {
  const value = node.childForFieldName('value');
  const name = node.childForFieldName('name')?.text;
  if (!value || !name) return undefined;
  const body = value.text;
  if (!/[A-Za-z_]\w*\s*\(/.test(body)) return undefined;
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
  return {
    name,
    params,
    body,
    nameLine: firstRow + node.startPosition.row + 1,
    bodyLine: firstRow + value.startPosition.row + 1,
  };
}

/**
 * Parses the bodies of the file's function-like macros as C functions in one synthetic
 * source, so a macro's calls (and calls of its parameters) are found like a function's.
 * A body that is no C (a fragment of asm, a `case` list) damages the tree around it, so a
 * source whose tree has errors is split in halves and each half parsed again, down to the
 * single macros at fault.
 */
export function extractMacros(
  state: FileState,
  parser: Parser,
  macros: MacroSource[],
  walk: (root: Node) => void,
): void {
  const lines: number[] = [];
  const chunks: string[] = [];
  state.macroNameLines.clear();
  for (const m of macros) {
    const params = m.params.map((p) => (p === '__VA_ARGS__' ? '...' : `long ${p}`)).join(', ');
    const body = m.body.replace(/\\\r?\n/g, ' \n');
    const bodyLines = body.split('\n');
    // Bodies that open a block another macro closes (`do_each_pid_task`) are balanced.
    const depth = braceDepth(m.body);
    const open = depth < 0 ? '{'.repeat(-depth) : '';
    const close = depth > 0 ? '}'.repeat(depth) : '';
    chunks.push(`void ${m.name}(${params}) {${open}${bodyLines.join('\n')}\n;${close}}`);
    state.macroNameLines.set(lines.length, m.nameLine);
    bodyLines.forEach((_, i) => lines.push(m.bodyLine + i));
    lines.push(m.bodyLine + bodyLines.length - 1);
  }
  const tree = parser.parse(chunks.join('\n'));
  if (!tree) return;
  if (macros.length > 1 && tree.rootNode.hasError) {
    tree.delete();
    const half = macros.length >> 1;
    extractMacros(state, parser, macros.slice(0, half), walk);
    extractMacros(state, parser, macros.slice(half), walk);
    return;
  }
  try {
    state.macroMode = true;
    state.lineOf = (row) => lines[row] ?? 0;
    walk(tree.rootNode);
  } finally {
    state.macroMode = false;
    state.lineOf = (row) => row + 1;
    tree.delete();
  }
}
