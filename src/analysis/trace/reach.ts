// How many calls apart two functions are, within a limit: the test the join makes before
// it asks `path` for the best way between them. A search from one end to the limit can
// cover much of a kernel's graph (kfree_skb has thousands of callers), so each side
// searches half the limit and the two meet: every path of L <= 2r calls has a function at
// most r calls from either end. Each side's ball is kept per function, since a trace
// names the same functions again and again. DEAD_ENDS are never passed through, as `path`
// never does.

import type { Graph } from '../index/graph';

/** The most functions one ball holds; a bigger one is cut (its far edge is not searched). */
const BALL_LIMIT = 200_000;

export class Reach {
  private readonly forward = new Map<number, Map<number, number>>();
  private readonly backward = new Map<number, Map<number, number>>();
  private readonly radius: number;

  constructor(
    private readonly graph: Graph,
    /** The most calls between two functions that count as reaching. */
    readonly limit: number,
  ) {
    this.radius = Math.ceil(limit / 2);
  }

  /** The fewest calls from `from` to `to` (at least 1), or undefined beyond the limit. */
  distance(from: number, to: number): number | undefined {
    const f = this.ball(from, 'forward');
    const b = this.ball(to, 'backward');
    const [small, large] = f.size <= b.size ? [f, b] : [b, f];
    let best: number | undefined;
    for (const [n, d] of small) {
      const e = large.get(n);
      // A path may start or end at a dead end, never pass one.
      if (e === undefined || (n !== from && n !== to && this.graph.isDeadEnd(n))) continue;
      const total = d + e;
      if (total > 0 && total <= this.limit && (best === undefined || total < best)) best = total;
    }
    return best;
  }

  /** The functions within `radius` calls of `node`, with their distance, one way. */
  private ball(node: number, way: 'forward' | 'backward'): Map<number, number> {
    const cache = way === 'forward' ? this.forward : this.backward;
    let ball = cache.get(node);
    if (ball) return ball;
    ball = new Map([[node, 0]]);
    let frontier = [node];
    for (let d = 1; d <= this.radius && frontier.length > 0 && ball.size < BALL_LIMIT; d++) {
      const next: number[] = [];
      const visit = (m: number): void => {
        if (ball?.has(m)) return;
        ball?.set(m, d);
        // A dead end may end a path, never carry one on.
        if (!this.graph.isDeadEnd(m)) next.push(m);
      };
      for (const n of frontier) {
        if (way === 'forward') for (const e of this.graph.outgoing(n)) visit(this.graph.to(e));
        else this.graph.forEachCaller(n, visit);
      }
      frontier = next;
    }
    cache.set(node, ball);
    return ball;
  }
}
