// Extraction: one parsed C file in, its FileFacts out. Runs inside a parse worker.
// Invariant: extraction never throws on odd C. A construct it does not understand is
// skipped; the tree's ERROR nodes are counted, never a reason to drop the file.
//
// The Extractor dispatches the captures of the query (extract.scm), in the order of their
// position in the file, to the module of each job: scopes (scope.ts), calls (calls.ts),
// stores and initializers (stores.ts), types (types.ts), function-like macros (macros.ts).

import type { Node, Parser, Query, Tree } from 'web-tree-sitter';
import type { FileFacts } from '../facts';
import { emptyFacts, encodeCalls } from '../facts';
import { call } from './calls';
import type { MacroSource } from './macros';
import { extractMacros, macroSource } from './macros';
import type { InitializerEntry } from './object-macros';
import { closeScope, openFunction, returnStatement } from './scope';
import type { FileState } from './state';
import { assign, compoundLiteral, declaration } from './stores';
import { struct, typedef } from './types';

export class Extractor {
  private readonly state: FileState;
  private readonly macroSources: MacroSource[] = [];
  /** The row the chunk being walked starts at. */
  private firstRow = 0;

  constructor(
    path: string,
    private readonly query: Query,
    /** The file's initializer macros (`objectMacros`), expanded where an initializer names one. */
    initMacros?: Map<string, InitializerEntry[]>,
  ) {
    this.state = {
      facts: emptyFacts(path),
      calls: [],
      globalTypes: new Map(),
      initMacros,
      scope: undefined,
      lineOf: (row) => row + 1,
      macroMode: false,
      macroNameLines: new Map(),
    };
  }

  /** Extracts facts from the tree of one chunk of the file, which starts at `firstRow`. */
  add(tree: Tree, firstRow: number): void {
    this.state.lineOf = (row) => row + firstRow + 1;
    this.firstRow = firstRow;
    this.walk(tree.rootNode);
  }

  /** Parses and extracts the file's function-like macros; returns the file's facts. */
  finish(parser: Parser): FileFacts {
    const state = this.state;
    if (this.macroSources.length > 0)
      extractMacros(state, parser, this.macroSources, (root) => this.walk(root));
    state.facts.calls = encodeCalls(state.calls);
    return state.facts;
  }

  private walk(root: Node): void {
    const state = this.state;
    for (const { name, node } of this.query.captures(root)) {
      if (state.scope && node.startIndex >= state.scope.end) closeScope(state);
      const scope = state.scope;
      switch (name) {
        case 'func':
          openFunction(state, node);
          break;
        case 'call':
          if (scope) call(state, node, scope);
          break;
        case 'assign':
          if (scope) assign(state, node, scope);
          break;
        case 'compound':
          compoundLiteral(state, node);
          break;
        case 'decl':
          declaration(state, node);
          break;
        case 'struct':
          struct(state, node);
          break;
        case 'typedef':
          typedef(state, node);
          break;
        case 'ret':
          if (scope) returnStatement(scope, node);
          break;
        case 'include':
          this.include(node);
          break;
        case 'macro':
          this.macro(node);
          break;
        case 'error':
          if (!state.macroMode) state.facts.errors++;
          break;
      }
    }
    if (state.scope) closeScope(state);
  }

  private include(node: Node): void {
    const path = node.childForFieldName('path');
    if (!path) return;
    const text = path.text;
    this.state.facts.includes.push(path.type === 'system_lib_string' ? text.slice(1, -1) : text);
  }

  private macro(node: Node): void {
    const source = macroSource(node, this.firstRow);
    if (source) this.macroSources.push(source);
  }
}
