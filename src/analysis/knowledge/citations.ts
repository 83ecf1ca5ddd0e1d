// The citation of every knowledge row, in one list: what `netpaths knowledge-sources` and
// the integration tests check against a tree, and what explain() and the hovers show as the
// source of a statement. A row that carries no explicit `source` is backed by the
// definition it names (a function note by its function in its file, an skb member by its
// declaration in include/linux/skbuff.h).

import { CONCEPTS } from './concepts';
import { SOFTIRQ_ENTRIES } from './contexts';
import { HOOK_CALLS, NF_HOOKS, NF_PROTOS } from './netfilter';
import { SKB_FIELDS, type SkbFieldRow } from './skb-fields';
import { SKB_ALLOCATORS, SKB_OPS, type SkbOpRow } from './skb-ops';
import { type Citation, type CitationCheck, type ReadSource, checkCitation } from './sources';
import { SOCKET_NOTES } from './socket-notes';
import { FUNCTION_NOTES, STAGE_RULES, type FunctionNote, stageRuleLabel } from './stages';

/** The release the knowledge is written for and checked against; another release may differ. */
export const KNOWLEDGE_RELEASE = '6.12';

/**
 * How a check names the tree beside the release the knowledge is written for:
 * ` (Linux 6.1.192; the knowledge is written for 6.12)`, '' for a tree of that release or
 * of no known version.
 */
export function releaseNote(version: string | undefined): string {
  if (version === undefined) return '';
  if (version === KNOWLEDGE_RELEASE || version.startsWith(`${KNOWLEDGE_RELEASE}.`)) return '';
  return ` (Linux ${version}; the knowledge is written for ${KNOWLEDGE_RELEASE})`;
}

/** One row of a knowledge table with the place that backs it. */
export interface CitedRow {
  /** The table, e.g. `skb-ops`, `concepts`, `function-notes`, `stage-rules`, `role-notes`. */
  table: string;
  /** The row's key in its table: a name, a topic id, a role. */
  row: string;
  cite: Citation;
}

const SKBUFF_H = 'include/linux/skbuff.h';
const NF_UAPI = 'include/uapi/linux/netfilter.h';
/** The bridge's hooks are macros of their own header. */
const NF_BRIDGE_UAPI = 'include/uapi/linux/netfilter_bridge.h';

export function skbFieldCitation(row: SkbFieldRow): Citation | undefined {
  if (row.source) return row.source;
  return row.struct === 'derived'
    ? undefined
    : { file: SKBUFF_H, symbol: `${row.struct}.${row.field}` };
}

export function skbOpCitation(row: SkbOpRow): Citation {
  return row.source ?? { file: row.file, symbol: row.name };
}

/** A note's own function with what it must hold; its `source` when the claim lives elsewhere. */
export function functionNoteCitations(row: FunctionNote): Citation[] {
  const own: Citation = { file: row.file, symbol: row.name };
  if (row.holds) own.holds = row.holds;
  return row.source ? [own, row.source] : [own];
}

/** Every row of the knowledge tables with its citation; a row with two citations appears twice. */
export function knowledgeCitations(): CitedRow[] {
  const out: CitedRow[] = [];
  for (const r of SKB_FIELDS) {
    const cite = skbFieldCitation(r);
    // A derived row with no source is reported by the tests, never dropped silently.
    out.push({ table: 'skb-fields', row: r.field, cite: cite ?? { file: '', symbol: '' } });
    for (const ev of r.events ?? [])
      out.push({
        table: 'skb-field-events',
        row: `${r.field} ${ev.source.symbol}`,
        cite: ev.source,
      });
  }
  for (const r of SKB_OPS) out.push({ table: 'skb-ops', row: r.name, cite: skbOpCitation(r) });
  for (const r of SKB_ALLOCATORS)
    out.push({ table: 'skb-allocators', row: r.name, cite: { file: r.file, symbol: r.name } });
  for (const r of CONCEPTS)
    out.push({ table: 'concepts', row: r.id, cite: r.source ?? { file: '', symbol: '' } });
  for (const r of FUNCTION_NOTES)
    for (const cite of functionNoteCitations(r))
      out.push({ table: 'function-notes', row: r.name, cite });
  for (const r of STAGE_RULES)
    out.push({ table: 'stage-rules', row: stageRuleLabel(r), cite: r.source });
  for (const r of SOFTIRQ_ENTRIES)
    out.push({ table: 'softirq-entries', row: r.name, cite: r.source });
  for (const r of SOCKET_NOTES)
    for (const cite of functionNoteCitations(r))
      out.push({ table: 'socket-notes', row: r.name, cite });
  for (const r of NF_HOOKS)
    out.push({
      table: 'nf-hooks',
      row: r.id,
      cite: { file: r.family === 'bridge' ? NF_BRIDGE_UAPI : NF_UAPI, symbol: r.id },
    });
  for (const r of NF_PROTOS)
    out.push({ table: 'nf-protos', row: r.id, cite: { file: NF_UAPI, symbol: r.id } });
  for (const r of HOOK_CALLS)
    out.push({
      table: 'nf-hook-calls',
      row: `${r.function} ${r.hook}`,
      // The device-level hooks run through a wrapper that names the hook inside it.
      cite: {
        file: r.file,
        symbol: r.function,
        holds: [r.macro.startsWith('nf_hook_') ? r.macro : r.hook],
      },
    });
  return out;
}

/** A row checked against one tree. */
export interface RowCheck extends CitedRow {
  check: CitationCheck;
}

/** Checks each row's citation against a tree; rows with no citation fail with that reason. */
export function checkRows(rows: readonly CitedRow[], read: ReadSource): RowCheck[] {
  return rows.map((r) => ({
    ...r,
    check:
      r.cite.file === ''
        ? { ok: false, reason: `${r.table} row ${r.row} cites no source` }
        : checkCitation(read, r.cite),
  }));
}
