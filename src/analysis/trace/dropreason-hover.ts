// The hover on a drop reason in C: `SKB_DROP_REASON_NO_SOCKET` (or the short `NO_SOCKET` of
// SKB_DR_SET/SKB_DR_OR/SKB_DR_INIT) explained by the kernel-doc of the tree's own
// include/net/dropreason-core.h, with the name tracers print. Pure: the shell gives the
// line, the parsed header and how to link a file.

import { code, text } from '../knowledge/hover';
import type { DropReason, DropReasons } from './dropreason';

export interface DropReasonHover {
  reason: DropReason;
  /** The hovered name's columns on the line (end exclusive). */
  target: { start: number; end: number };
  markdown: string;
}

const PREFIX = 'SKB_DROP_REASON_';

/** The enumerator under `character` of `line`: its full name and columns. */
export function dropReasonTarget(
  line: string,
  character: number,
): { name: string; start: number; end: number } | undefined {
  const within = (start: number, end: number): boolean => character >= start && character < end;
  for (const m of line.matchAll(/\b(?:SKB_DROP_REASON_\w+|SKB_CONSUMED|SKB_NOT_DROPPED_YET)\b/g))
    if (within(m.index, m.index + m[0].length))
      return { name: m[0], start: m.index, end: m.index + m[0].length };
  // SKB_DR_SET(reason, NO_SOCKET) names the reason without its prefix.
  for (const m of line.matchAll(/\bSKB_DR_(?:SET|OR|INIT)\s*\(\s*\w+\s*,\s*(\w+)/g)) {
    const short = m[1] as string;
    const start = m.index + m[0].length - short.length;
    if (within(start, start + short.length))
      return { name: `${PREFIX}${short}`, start, end: start + short.length };
  }
  return undefined;
}

/** The hover for the drop reason under `character`, when the tree's header documents it. */
export function dropReasonHover(
  line: string,
  character: number,
  reasons: DropReasons,
  linkTo?: (file: string, line: number) => string | undefined,
): DropReasonHover | undefined {
  const target = dropReasonTarget(line, character);
  const reason = target ? reasons.byName.get(target.name) : undefined;
  if (!target || !reason) return undefined;
  const printed = reason.name.startsWith(PREFIX) ? reason.name.slice(PREFIX.length) : reason.name;
  const where = `${reasons.file}:${reason.line}`;
  const uri = linkTo?.(reasons.file, reason.line);
  const source = uri ? `[${text(where)}](${escapeDestination(uri)})` : text(where);
  const parts = [
    `**${code(reason.name)}**: drop reason ${reason.value}`,
    reason.meaning ? text(reason.meaning) : text('The header gives no kernel-doc for it.'),
    `${text('Tracers (perf trace -e skb:kfree_skb, pwru, nettrace) print it as')} ${code(printed)}${text('. From')} ${source}`,
  ];
  return {
    reason,
    target: { start: target.start, end: target.end },
    markdown: parts.join('\n\n'),
  };
}

/** A link destination that cannot break out of its parentheses: spaces, brackets and quotes percent-encoded. */
function escapeDestination(uri: string): string {
  return uri.replace(
    /[\s()<>\\`"']/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}
