// The skb timeline of a preset: every skb operation the drawn functions call, in the order
// a packet meets them, with the length argument as written and what the call does.

import type { Graph } from '../index/graph';
import type { SkbOp } from '../graph-json';
import { findSkbOp, skbOpEffect } from '../knowledge';
import { edgeArgs } from '../query/query';
import type { Chain } from './chain';
import type { Cut } from './cut';

/** The skb timeline: every skb operation the drawn functions call, in packet order. */
export function skbTimeline(g: Graph, chain: Chain, cut: Cut): SkbOp[] {
  const ops: SkbOp[] = [];
  const seen = new Set<number>();
  const visit = (start: number): void => {
    // Depth-first in call order: a function's operations and the calls it makes, by line.
    const stack: {
      items: { line: number; col: number; e: number; op: boolean }[];
      i: number;
      n: number;
    }[] = [];
    const push = (n: number): void => {
      seen.add(n);
      const items: { line: number; col: number; e: number; op: boolean }[] = [];
      if (!findSkbOp(g.name(n))) {
        for (const e of g.outgoing(n)) {
          const c = g.to(e);
          const isOp = findSkbOp(g.name(c)) !== undefined;
          if (isOp || (cut.edges.has(e) && cut.nodes.has(c)))
            items.push({ line: g.edgeLine(e), col: g.edgeCol(e), e, op: isOp });
        }
      }
      items.sort((a, b) => a.line - b.line || b.col - a.col);
      stack.push({ items, i: 0, n });
    };
    push(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.i >= top.items.length) {
        stack.pop();
        continue;
      }
      const item = top.items[top.i++] as { line: number; col: number; e: number; op: boolean };
      if (item.op) {
        ops.push(skbOp(g, item.e));
        continue;
      }
      const c = g.to(item.e);
      if (!seen.has(c)) push(c);
    }
  };
  for (const r of chain.roots) if (!seen.has(r.node)) visit(r.node);
  for (const n of cut.nodes) if (!seen.has(n)) visit(n);
  return ops;
}

function skbOp(g: Graph, e: number): SkbOp {
  const from = g.from(e);
  const op = g.name(g.to(e));
  const row = findSkbOp(op);
  const args = edgeArgs(g, e);
  const given = row?.lenArg !== undefined ? args?.[row.lenArg] : undefined;
  const len = given ?? row?.fixedLen ?? '';
  return {
    node: g.nodeId(from),
    op,
    len,
    file: g.file(from),
    line: g.edgeLine(e),
    effect: skbOpEffect(op, given) ?? '',
  };
}
