// The call hierarchy's items and call sites as plain numbers and text, from the analysis
// server's GraphNode and CallGroup answers. src/call-hierarchy.ts wraps them in VS Code
// objects; this file imports no `vscode`, so unit tests run it under plain Node.
//
// Lines here are 0-based (VS Code's), the server's are 1-based; files are relative to the
// kernel root with `/` separators, as the server sends them.

import type { GraphEdge, GraphNode } from '../analysis/graph-json';

/** A span on one line: 0-based line, columns with `end` exclusive. */
export interface LineSpan {
  line: number;
  start: number;
  end: number;
}

/** Where a function's name is, and the whole line around it (the item's `range`). */
export interface ItemSpans {
  /** The name: the item's `selectionRange`. */
  name: LineSpan;
  /** The line holding the name: the item's `range`, which must contain `name`. */
  line: LineSpan;
}

/** Looks up one line (0-based) of a kernel-relative file, if the text is at hand. */
export type LineText = (file: string, line: number) => string | undefined;

/** The first whole-word occurrence of `word` in `text`, or undefined. */
export function wordSpan(text: string, word: string): { start: number; end: number } | undefined {
  if (!/^\w+$/.test(word)) return undefined;
  const m = new RegExp(`(?<!\\w)${word}(?!\\w)`).exec(text);
  return m ? { start: m.index, end: m.index + word.length } : undefined;
}

/** Where a node's name sits; at the start of its line when the text is not at hand or the name is not on it. */
export function nodeSpans(
  node: Pick<GraphNode, 'name' | 'file' | 'line'>,
  lineText: LineText,
): ItemSpans {
  const line = Math.max(0, node.line - 1);
  const text = lineText(node.file, line);
  const at = text !== undefined ? wordSpan(text, node.name) : undefined;
  const name = at ? { line, ...at } : { line, start: 0, end: 0 };
  return { name, line: { line, start: 0, end: Math.max(text?.length ?? 0, name.end) } };
}

/**
 * The call sites of `edges` that lie in `file` (the caller's), one span per line: the callee's
 * name when the line shows it, else the member called through (`poll` of `napi_struct.poll`),
 * else the line without its indentation.
 */
export function callSiteSpans(
  edges: readonly GraphEdge[],
  file: string,
  callee: string,
  lineText: LineText,
): LineSpan[] {
  const out: LineSpan[] = [];
  const seen = new Set<number>();
  for (const e of edges) {
    if (e.file !== file || e.line < 1) continue;
    const line = e.line - 1;
    if (seen.has(line)) continue;
    seen.add(line);
    const text = lineText(file, line);
    if (text === undefined) {
      out.push({ line, start: 0, end: 0 });
      continue;
    }
    const slot = e.via ? /^\w+\.(\w+)\s*=/.exec(e.via)?.[1] : undefined;
    const at = wordSpan(text, callee) ?? (slot ? wordSpan(text, slot) : undefined);
    if (at) out.push({ line, ...at });
    else {
      const start = text.length - text.trimStart().length;
      out.push({ line, start, end: Math.max(start, text.trimEnd().length) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** How many distinct bindings a detail names before it says "and N more". */
const MAX_VIAS = 2;

/**
 * The detail shown beside a caller or callee: where it is for a plain call; for a call
 * through a pointer or a deferred one, how it was bound (`via napi_struct.poll = e1000e_poll
 * at ...`), since that is what a reader cannot see in the code.
 */
export function callDetail(
  node: Pick<GraphNode, 'file' | 'line' | 'kind'>,
  edges: readonly GraphEdge[],
): string {
  const where = `${node.file}:${node.line}`;
  const macro = node.kind === 'macro' ? 'macro · ' : '';
  const indirect = edges.filter((e) => e.kind !== 'direct');
  if (indirect.length === 0) return `${macro}${where}`;
  const vias = [
    ...new Set(
      indirect.map((e) => e.via ?? (e.kind === 'async' ? 'deferred call' : 'a function pointer')),
    ),
  ];
  const shown = vias.slice(0, MAX_VIAS).join('; ');
  const more = vias.length > MAX_VIAS ? ` and ${vias.length - MAX_VIAS} more` : '';
  const how = indirect.every((e) => e.kind === 'async') ? 'async via' : 'via';
  const direct = indirect.length < edges.length ? 'direct, and ' : '';
  return `${macro}${direct}${how} ${shown}${more} · ${where}`;
}

/** `fsPath` relative to `root` with `/` separators, or undefined when it is outside (either separator style). */
export function kernelRelative(root: string, fsPath: string): string | undefined {
  const norm = (p: string): string => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const r = norm(root);
  const f = norm(fsPath);
  if (!f.startsWith(`${r}/`) || (r === '' && !root.startsWith('/'))) return undefined;
  const rel = f.slice(r.length + 1);
  return rel.split('/').some((s) => s === '..') ? undefined : rel;
}
