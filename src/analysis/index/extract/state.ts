// What extraction keeps while it walks one file: the facts so far, the function being
// walked (its scope), and how a parsed row maps to the file's line. Each extraction
// module reads and adds to this state; only the Extractor creates it.

import type { CallFact, FileFacts, FuncFact, StoreFact } from '../facts';
import type { InitializerEntry } from './object-macros';

/** The function being walked: its names, their types, and what it calls and stores. */
export interface Scope {
  /** Index of the function in FileFacts.funcs. */
  index: number;
  /** Where the function's text ends: a capture from there on is outside it. */
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
  /** The function's calls and stores, kept or dropped when it closes (see closeScope). */
  calls: CallFact[];
  stores: StoreFact[];
}

export interface FileState {
  readonly facts: FileFacts;
  /** The calls of closed functions that were kept, encoded into facts at the end. */
  readonly calls: CallFact[];
  /** File-scope variables: name -> struct or typedef name of the type ('' if neither). */
  readonly globalTypes: Map<string, string>;
  /** The file's initializer macros (`objectMacros`), expanded where an initializer names one. */
  readonly initMacros: Map<string, InitializerEntry[]> | undefined;
  /** The function being walked, if any. */
  scope: Scope | undefined;
  /** Maps a parsed row to the file's 1-based line. */
  lineOf: (row: number) => number;
  /** Walking the synthetic source of the file's function-like macros (see macros.ts). */
  macroMode: boolean;
  /** In the synthetic source of macros: the row of each macro's head -> the line of its name. */
  readonly macroNameLines: Map<number, number>;
}
