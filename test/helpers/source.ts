// Reading expectations from the kernel tree itself, by simple rules of the tests' own (a
// regular expression over a line or a statement), never from the code under test.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kernelRoot } from './kernel';

const fileLines = new Map<string, string[]>();

/** The lines of a file of the kernel tree, read once. */
export function treeLines(file: string): string[] {
  let lines = fileLines.get(file);
  if (!lines) {
    lines = readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
    fileLines.set(file, lines);
  }
  return lines;
}

/** The text of 1-based `line` of `file`, or '' past its end. */
export function sourceLine(file: string, line: number): string {
  return treeLines(file)[line - 1] ?? '';
}

/**
 * The statement that starts at `line`: that line and the following ones up to its `;`, or
 * the line alone when it is a designated initializer (`.handler = tcp_v4_rcv,`).
 */
export function statementAt(file: string, line: number): string {
  const lines = treeLines(file);
  if (/^\s*\.\w+\s*=/.test(lines[line - 1] ?? '')) return lines[line - 1] ?? '';
  const out: string[] = [];
  for (let i = line - 1; i < lines.length && i < line + 8; i++) {
    out.push(lines[i] ?? '');
    if ((lines[i] ?? '').includes(';')) break;
  }
  return out.join('\n');
}

/**
 * Whether the statement at `line` hands `fn` over: it names `fn`, or its last argument is a
 * variable that one of the 30 lines before sets to `fn` (`napi_handler = ena_io_poll;`), or
 * it reads the ops field `from` that the binding copies (`rtwdev->hci.ops->napi_poll`), as its
 * last argument or a branch of a condition that is.
 */
export function handsOver(file: string, line: number, fn: string, from?: string): boolean {
  const statement = statementAt(file, line);
  if (new RegExp(`\\b${fn}\\b`).test(statement)) return true;
  // The field is the last argument, or a branch of the condition that is (`xsk ? ops->xsk_poll : ops->poll`).
  if (from && new RegExp(`(?:->|\\.)${from}\\s*(?:\\)\\s*;|:)`).test(statement)) return true;
  const variable = /(\w+)\s*\)\s*;/.exec(statement)?.[1];
  if (!variable) return false;
  const set = new RegExp(`\\b${variable}\\b.*=\\s*${fn}\\s*;`);
  return treeLines(file)
    .slice(Math.max(0, line - 31), line - 1)
    .some((t) => set.test(t));
}

/**
 * Why an edge's explanation does not hold, or undefined when it does: `via` names the callee,
 * and a binding it cites at FILE:LINE is a statement of the tree that hands the callee over.
 */
export function viaProblem(via: string | undefined, callee: string): string | undefined {
  if (!via) return 'no explanation';
  if (!new RegExp(`\\b${callee}\\b`).test(via)) return `${via} does not name ${callee}`;
  const at = / at ([\w/.+-]+\.[ch]):(\d+)/.exec(via);
  if (!at) return undefined;
  const from = /[ (]from \w+\.(\w+)\)$/.exec(via)?.[1];
  return handsOver(at[1] ?? '', Number(at[2]), callee, from)
    ? undefined
    : `${via}: ${at[1]}:${at[2]} does not hand ${callee} over`;
}
