// The verdict a drawn call runs under: a call in a `case XDP_TX:` of a driver's XDP run, a
// `case TC_ACT_REDIRECT:` of a tc hook, is the way of that verdict, and the edge says so
// (`GraphEdge.verdict`). The labels are read from the caller's source (case-labels.ts);
// only the kernel's verdict constants count, never a switch over anything else.

import type { GraphJson, GraphNode } from '../graph-json';
import { BodyReader } from './body-flow';
import { caseLabelsAt } from './case-labels';
import type { PresetContext } from './context';

/** Case labels that are verdicts: XDP's, tc's and tcx's, netfilter's and an rx_handler's. */
export const VERDICT_LABELS = /^(?:XDP|TC_ACT|TCX|NF|RX_HANDLER)_[A-Z_]+$/;

/** Sets `verdict` on each edge whose call sits under verdict case labels in its caller. */
export function addVerdicts(ctx: PresetContext, json: GraphJson): void {
  const nodes = new Map<string, GraphNode>(json.nodes.map((n) => [n.id, n]));
  const readers = new Map<string, BodyReader | undefined>();
  const reader = (file: string): BodyReader | undefined => {
    if (!readers.has(file)) {
      const text = ctx.readText?.(file);
      readers.set(file, text === undefined ? undefined : new BodyReader(text));
    }
    return readers.get(file);
  };
  for (const edge of json.edges) {
    const caller = nodes.get(edge.from);
    if (!caller || caller.file !== edge.file || edge.line <= 0) continue;
    const r = reader(edge.file);
    if (!r) continue;
    // The call's line, at its first character: the statement that holds it.
    const lineText = r.text.slice(r.offset(edge.line), r.offset(edge.line + 1));
    const col = Math.max(0, lineText.search(/\S/)) + 1;
    const labels = caseLabelsAt(r, caller.line, { line: edge.line, col }).filter((l) =>
      VERDICT_LABELS.test(l),
    );
    if (labels.length > 0) edge.verdict = labels.join(' / ');
  }
}
