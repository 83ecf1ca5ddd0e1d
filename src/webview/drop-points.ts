// What the drop-points panel says about a function: one row per place the packet can be
// dropped there (GraphNode.drops, made by the presets), with its reason, what the reason
// means and where its line is. Pure: plain strings that the DOM side
// (src/webview/drops-panel.ts) writes with `textContent`, never as markup, since reasons,
// notes and paths come from C source.

import type { DropPoint, GraphNode } from '../analysis/graph-json';
import { dropBadge } from '../analysis/render/drop-badge';

/** The class of the element the panel wraps around a node's drop badge. */
export const DROP_BADGE_CLASS = 'np-drop-badge';

export interface DropRow {
  /** Position in the node's `drops`. */
  index: number;
  /** `NO_SOCKET`, or, when the source does not tell one, `reason not told`. */
  reason: string;
  known: boolean;
  /** What the reason means (the tree's kernel-doc), or why it cannot be told. */
  note: string;
  /** How the packet is dropped there: `goto drop: kfree_skb_reason at line 552`. */
  how: string;
  /** `ip_input.c:468`: the file's name and the line, the link's text. */
  where: string;
  file: string;
  line: number;
}

/** The rows of a function's drop points, in the order the presets gave them (line order). */
export function dropRows(node: GraphNode): DropRow[] {
  return (node.drops ?? []).map((p: DropPoint, index) => ({
    index,
    reason: p.known ? p.reason : 'reason not told',
    known: p.known,
    note: p.note,
    how: p.how,
    where: `${p.file.slice(p.file.lastIndexOf('/') + 1)}:${p.line}`,
    file: p.file,
    line: p.line,
  }));
}

/** The text of the badge a drawn node shows for its drop points, if it has any. */
export function badgeText(node: GraphNode): string | undefined {
  const count = node.drops?.length ?? 0;
  return count > 0 ? dropBadge(count) : undefined;
}

/** The panel's line under its heading: which function, how many places. */
export function dropsSummary(node: GraphNode): string {
  const count = node.drops?.length ?? 0;
  return `${node.name} can drop the packet at ${count} place${count === 1 ? '' : 's'}, in line order. Open one to see its line.`;
}

/** What a screen reader says for the badge, which is a button. */
export function badgeLabel(node: GraphNode): string {
  const count = node.drops?.length ?? 0;
  return `${count} drop point${count === 1 ? '' : 's'} of ${node.name}: show the list`;
}
