// The badge a preset's function carries when it can drop the packet: `⊘ 3 drops`. One
// function, so that Mermaid, DOT and the panel (which finds the badge in Mermaid's drawing
// to make it open the list of drop points) all write and read the same text.

/** The badge of a function with `count` drop points (count > 0). */
export function dropBadge(count: number): string {
  return `⊘ ${count} drop${count === 1 ? '' : 's'}`;
}
