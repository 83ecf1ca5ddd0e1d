// The branches of the skb timeline in words, for every renderer: where an operation begins
// a branch of a choice (SkbOp.choices), the heading to write above it. `Either:` heads the
// first branch and says why the branches exclude each other; `Or:` heads the others.

import type { SkbChoice, SkbChoiceKind, SkbOp } from '../graph-json';

const CHOICE_WORDS: Readonly<Record<SkbChoiceKind, string>> = {
  'if-else': 'if/else',
  switch: 'switch',
  ternary: '?:',
  jump: 'a branch that returns or jumps',
  'call-targets': 'one pointer call',
  'fresh-skb': 'each builds a new skb',
};

/** `Either: LABEL — one of N ways (WHY in FN, line L)` for a first branch, `Or: LABEL` for the others. */
export function branchHeading(c: SkbChoice, fnName?: string): string {
  if (c.branch > 0) return `Or: ${c.label}`;
  const fn = fnName ?? c.node.slice(c.node.lastIndexOf(':') + 1);
  return `Either: ${c.label} — one of ${c.of} ways (${CHOICE_WORDS[c.kind] ?? c.kind} in ${fn}, line ${c.line})`;
}

/**
 * Per operation, the headings of the branches it begins, outermost first: every choice of
 * its list after those it shares, choice and branch, with the operation before it.
 */
export function branchHeads(
  ops: readonly SkbOp[],
  fnName?: (nodeId: string) => string | undefined,
): string[][] {
  let previous: readonly SkbChoice[] = [];
  return ops.map((op) => {
    const choices = op.choices ?? [];
    let shared = 0;
    while (
      shared < choices.length &&
      shared < previous.length &&
      choices[shared]?.choice === previous[shared]?.choice &&
      choices[shared]?.branch === previous[shared]?.branch
    )
      shared++;
    previous = choices;
    return choices.slice(shared).map((c) => branchHeading(c, fnName?.(c.node)));
  });
}
