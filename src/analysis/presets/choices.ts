// Choices among the calls of one function body, for the skb timeline: runs of consecutive
// calls (in call order) split into branches, each branch's calls excluding every call of
// the other branches. Branches hold choices of their own, so the choices of one body nest
// and the timeline can draw them as alternatives one inside another.

/** A choice: its branches, each a run of consecutive item indexes. */
export interface ItemChoice {
  branches: number[][];
}

/**
 * The choices among items 0..count-1 (in call order), outer choices before the ones in
 * their branches. A call joins the last branch when it excludes every call of the
 * branches before it; it starts a branch when it excludes the last branch's calls too; a
 * call that can run with a call of an earlier branch ends the choice.
 */
export function choicesAmong(
  count: number,
  exclusive: (i: number, j: number) => boolean,
): ItemChoice[] {
  const out: ItemChoice[] = [];
  const within = (list: readonly number[]): void => {
    let p = 0;
    while (p < list.length) {
      const branches: number[][] = [[list[p] as number]];
      let k = p + 1;
      for (; k < list.length; k++) {
        const q = list[k] as number;
        const last = branches[branches.length - 1] as number[];
        const earlier = branches.slice(0, -1).flat();
        if (!earlier.every((x) => exclusive(x, q))) break;
        if (last.every((x) => exclusive(x, q))) branches.push([q]);
        else last.push(q);
      }
      if (branches.length < 2) {
        p++;
        continue;
      }
      out.push({ branches });
      for (const b of branches) within(b);
      p = k;
    }
  };
  within(Array.from({ length: count }, (_, i) => i));
  return out;
}
