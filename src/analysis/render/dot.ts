// Graph JSON -> Graphviz DOT, for `dot -Tsvg` and tools that read DOT. Same order, lanes
// and edge styles as the Mermaid renderer; node ids are generated, all text is escaped.

import type { GraphJson, GraphNode } from '../graph-json';
import { dropBadge } from './drop-badge';
import { escapeDot, truncate } from './escape';
import { prepareGraph, shortPath, userSpaceAnchors } from './model';
import { contextTitle, isExecContext, stageTitle } from './stages';
import { traceMarks, untakenCalls } from './trace-marks';
import { shortVia } from './via';

export interface DotOptions {
  /** `TD` (default) or `LR`, as for Mermaid. */
  direction?: 'LR' | 'TD';
  /** Draw at most this many functions, the first the packet reaches. */
  maxNodes?: number;
  /** Show `file:line` under each name (default true). */
  showFiles?: boolean;
}

const CONTEXT_COLOURS = {
  hardirq: { fill: '#fde8e8', line: '#c62828' },
  softirq: { fill: '#fff4d6', line: '#b26a00' },
  process: { fill: '#e6f0ff', line: '#1f6feb' },
  'bh-disabled': { fill: '#e3f6f1', line: '#1a7f64' },
} as const;

/** Graph JSON -> a DOT `digraph` with one `cluster_N` per stage. */
export function toDot(graph: GraphJson, options: DotOptions = {}): string {
  const prepared = prepareGraph(graph, options.maxNodes);
  const showFiles = options.showFiles ?? true;
  const ids = new Map<string, string>();
  prepared.kept.forEach((node, i) => ids.set(node.id, `n${i}`));

  const out: string[] = ['digraph netpaths {'];
  const graphAttrs = [
    `rankdir=${options.direction === 'LR' ? 'LR' : 'TB'}`,
    'fontname="Helvetica"',
    'newrank=true',
    'nodesep=0.3',
    'ranksep=0.45',
  ];
  if (graph.title)
    graphAttrs.push(`label="${escapeDot(graph.title)}"`, 'labelloc=t', 'fontsize=16');
  out.push(`  graph [${graphAttrs.join(', ')}];`);
  out.push(
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", color="#57606a", fontname="Helvetica", fontsize=11];',
  );
  out.push('  edge [fontname="Helvetica", fontsize=9, color="#57606a", arrowsize=0.7];');

  const marks = traceMarks(graph);
  const untaken = untakenCalls(graph);
  const nodeLine = (node: GraphNode, indent: string): string => {
    const id = ids.get(node.id) ?? 'n0';
    const lines = [node.name];
    if (showFiles) lines.push(`${shortPath(node.file)}:${node.line}`);
    for (const op of prepared.skbByNode.get(node.id) ?? [])
      lines.push(`⇄ ${truncate(`${op.op}(${op.len})`, 34)}`);
    const dropPoints = node.drops?.length ?? 0;
    if (dropPoints > 0) lines.push(dropBadge(dropPoints));
    for (const marker of prepared.markersByNode.get(node.id) ?? []) lines.push(`◆ ${marker}`);
    if (node.collapsed) lines.push(`⊕ +${node.collapsed.hidden} hidden`);
    if (node.observed)
      lines.push(
        `● #${node.observed.first}${node.observed.count > 1 ? ` ×${node.observed.count}` : ''}`,
      );
    for (const d of graph.drops ?? [])
      if (d.node === node.id)
        lines.push(`✖ ${d.reason.replace(/^SKB_DROP_REASON_/, '') || 'drop'}`);
    const attrs = [`label="${lines.map(escapeDot).join('\\n')}"`];
    const tooltip = [`${node.file}:${node.line}`];
    if (isExecContext(node.context)) {
      const c = CONTEXT_COLOURS[node.context];
      attrs.push(`fillcolor="${c.fill}"`, `color="${c.line}"`);
      tooltip.push(contextTitle(node.context));
    }
    if (node.note) tooltip.push(node.note);
    attrs.push(`tooltip="${escapeDot(tooltip.join(' — '))}"`);
    if (node.collapsed) attrs.push('shape=box3d');
    else if (node.kind === 'macro') attrs.push('style="rounded,filled,dashed"');
    if (prepared.markersByNode.has(node.id)) attrs.push('penwidth=2.5');
    // A trace (`netpaths trace`): observed strong, inferred faint, a drop as a terminal.
    const mark = marks(node);
    if (mark === 'drop')
      attrs.push('shape=cds', 'fillcolor="#ffebe9"', 'color="#cf222e"', 'penwidth=2.5');
    else if (mark === 'observed') attrs.push('penwidth=2.5');
    else if (mark === 'inferred')
      attrs.push('style="rounded,filled,dashed"', 'fontcolor="#57606a"', 'color="#8c959f"');
    else if (mark === 'untaken')
      attrs.push('style="rounded,filled,dotted"', 'fontcolor="#8c959f"', 'color="#d0d7de"');
    return `${indent}${id} [${attrs.join(', ')}];`;
  };

  prepared.lanes.forEach((lane, i) => {
    out.push(`  subgraph cluster_${i} {`);
    out.push(
      `    label="${escapeDot(stageTitle(lane.stage))}"; style="rounded,filled"; fillcolor="#f6f8fa"; color="#d0d7de"; fontsize=12;`,
    );
    for (const node of lane.nodes) out.push(nodeLine(node, '    '));
    out.push('  }');
  });
  for (const node of prepared.unstaged) out.push(nodeLine(node, '  '));
  if (prepared.omitted > 0) {
    out.push(
      `  omitted [label="… ${prepared.omitted} more functions not drawn", shape=note, style=dashed];`,
    );
  }

  for (const group of prepared.edges) {
    const from = ids.get(group.from);
    const to = ids.get(group.to);
    if (!from || !to) continue;
    const attrs: string[] = [];
    const short = shortVia({ kind: group.kind, via: group.first.via });
    if (group.kind === 'indirect') attrs.push('style=dashed', 'color="#8250df"');
    if (group.kind === 'async') attrs.push('style=bold', 'penwidth=2.5', 'color="#b26a00"');
    if (group.kind === 'wakes') attrs.push('style=dotted', 'color="#6e7781"');
    const links = group.indexes.map((i) => graph.edges[i]?.trace);
    if (links.includes('observed')) attrs.push('penwidth=2');
    else if (links.includes('inferred')) attrs.push('style=dashed', 'color="#8c959f"');
    else if (links.includes('gap')) attrs.push('style=dotted', 'color="#cf222e"', 'label="gap"');
    else if (untaken(group.from, group.to)) attrs.push('style=dotted', 'color="#d0d7de"');
    if (short && !links.includes('gap')) attrs.push(`label="${escapeDot(short)}"`);
    const site = `${group.first.file}:${group.first.line}`;
    attrs.push(
      `tooltip="${escapeDot(group.first.via ? `${group.first.via} (call at ${site})` : `call at ${site}`)}"`,
    );
    out.push(`  ${from} -> ${to} [${attrs.join(', ')}];`);
  }
  const anchors = userSpaceAnchors(prepared);
  if (anchors)
    for (const to of anchors.to)
      out.push(`  ${ids.get(anchors.from)} -> ${ids.get(to)} [style=invis];`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
