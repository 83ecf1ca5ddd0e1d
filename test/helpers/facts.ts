// Hand-written facts for tests of the resolver: FileFacts built in the test, not parsed
// from C, so a test of one rule says exactly what the resolver is given.

import type {
  CallFact,
  CalleeRef,
  FileFacts,
  FuncFact,
  ValueRef,
} from '../../src/analysis/index/facts';
import { emptyFacts, encodeCalls } from '../../src/analysis/index/facts';

/** The facts of one file: what is not given is empty. */
export function fileFacts(
  path: string,
  parts: Partial<Omit<FileFacts, 'path' | 'calls'>> & { calls?: CallFact[] } = {},
): FileFacts {
  const { calls, ...rest } = parts;
  return { ...emptyFacts(path), ...rest, calls: encodeCalls(calls ?? []) };
}

/** A function defined at `line`, with its parameters' names. */
export function func(
  name: string,
  line: number,
  params: string[] = [],
  more: Partial<FuncFact> = {},
): FuncFact {
  return { name, line, static: false, params, ...more };
}

/** A call in function `fn` (its index in the file's funcs) at `line`. */
export function call(
  fn: number,
  line: number,
  callee: CalleeRef,
  args: (ValueRef | null)[] = [],
  more: Partial<CallFact> = {},
): CallFact {
  return { fn, line, col: 2, callee, args, ...more };
}
