// Graph JSON -> Mermaid flowchart text. The webview draws exactly this text and "export for
// docs" writes it, so what a reader sees in a document is what the panel showed.
//
// Safety: Mermaid node ids are generated (`n0`, `n1`...), never taken from the graph, and
// every piece of graph data goes through `escapeMermaid`, so a function named `end`, a note
// holding `</script>` or a `via` with `|` or `"` is drawn as text and cannot change the
// diagram's structure. The panel's text has no `click` lines: the webview maps clicks itself
// through `nodeIds`. Exports add `href` click lines or SVG links (render/links.ts); strict
// security refuses only `call` callbacks and `javascript:` URLs.

import type { GraphEdge, GraphJson, GraphNode, TraceLink } from '../graph-json';
import { dropBadge } from './drop-badge';
import { escapeMermaid, singleLine, truncate } from './escape';
import { prepareGraph, shortPath, userSpaceAnchors } from './model';
import type { EdgeGroup } from './model';
import { contextClass, isExecContext } from './stages';
import { traceMarks, untakenCalls } from './trace-marks';
import { shortVia } from './via';

export type MermaidDirection = 'LR' | 'TD';

export interface MermaidOptions {
  /**
   * Flowchart direction: `TD` (top down, the default: a packet path is a long chain, and
   * top-down keeps it readable in a panel or a document that scrolls vertically) or `LR`.
   */
  direction?: MermaidDirection;
  /**
   * Draw at most this many functions: the first ones the packet reaches. The rest are
   * summarised by one extra node ("… N more functions not drawn").
   */
  maxNodes?: number;
  /** Show `file:line` as each node's second line (default true); otherwise its stage. */
  showFiles?: boolean;
  /**
   * Text for documents (GitHub, GitLab, mermaid.live): adds the title as front matter and
   * leaves out the `eN@` edge ids the webview uses (older Mermaid versions reject them).
   * Render exported SVG with {@link MERMAID_EXPORT_CONFIG}: `htmlLabels: false` is an
   * initialize option, not part of the text.
   */
  forExport?: boolean;
}

/** One drawn edge: the call sites it stands for. */
export interface MermaidEdgeRef {
  /** Graph node id of the caller. */
  from: string;
  /** Graph node id of the callee. */
  to: string;
  /** Indexes into `graph.edges`: parallel calls of the same kind are drawn as one edge. */
  edges: number[];
}

export interface MermaidResult {
  /** The Mermaid flowchart definition. */
  text: string;
  /** Mermaid node id (`n0`...) -> graph node id. */
  nodeIds: Record<string, string>;
  /**
   * Mermaid edge id (`e0`...) -> the call sites it draws. The webview text writes these ids
   * (`n0 e0@--> n1`), so the SVG paths carry them as `data-id`.
   */
  edgeIds: Record<string, MermaidEdgeRef>;
  /** Mermaid subgraph id (`s0`...) -> stage. */
  stageIds: Record<string, string>;
  /** Counts for limit checks and messages. */
  stats: { nodes: number; edges: number; omittedNodes: number; totalNodes: number };
}

/**
 * Mermaid initialize options for exported SVG (documents, images): labels as SVG text,
 * since `<foreignObject>` HTML labels vanish in many SVG tools; wide wrapping so a kernel
 * path is never broken mid-word; strict security.
 */
export const MERMAID_EXPORT_CONFIG = {
  securityLevel: 'strict',
  // The panel's look, whichever look a Mermaid release makes its default (12 has `neo`).
  look: 'classic',
  htmlLabels: false,
  flowchart: { htmlLabels: false, wrappingWidth: 480, useMaxWidth: false },
  markdownAutoWrap: false,
  // Mermaid draws edge labels on a half-transparent box: on paper the thick softirq edge
  // then runs through its own "NET_RX softirq" label.
  themeCSS: '.edgeLabel rect{opacity:1;fill:#f6f8fa}',
} as const;

/**
 * Literal colours for the execution contexts, readable on light and dark pages. The
 * webview replaces them with theme colours; documents keep these.
 */
const CLASS_DEFS: readonly string[] = [
  'classDef hardirq fill:#fde8e8,stroke:#c62828,color:#24292f',
  'classDef softirq fill:#fff4d6,stroke:#b26a00,color:#24292f',
  'classDef process fill:#e6f0ff,stroke:#1f6feb,color:#24292f',
  'classDef bhdisabled fill:#e3f6f1,stroke:#1a7f64,color:#24292f',
  'classDef collapsed stroke-dasharray:6 3,stroke-width:2px',
  'classDef nfhook stroke:#8250df,stroke-width:2.5px',
  'classDef omitted fill:#f6f8fa,stroke:#8c959f,color:#57606a,stroke-dasharray:3 3',
];

/** What a configuration does not build, drawn only with --show-unbuilt: faint. */
const UNBUILT_CLASS_DEF =
  'classDef unbuilt fill:#f6f8fa,stroke:#afb8c1,color:#8c959f,stroke-dasharray:2 3';
const UNBUILT_LINK_STYLE = 'stroke:#afb8c1,stroke-dasharray:2 3,opacity:0.5';

/** The style lines of the calls a configuration leaves out (by drawn link number): faint, dashed. */
function unbuiltLinkStyles(dead: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < dead.length; i += 40)
    out.push(`  linkStyle ${dead.slice(i, i + 40).join(',')} ${UNBUILT_LINK_STYLE}`);
  return out;
}

const ARROWS: Record<EdgeGroup['kind'], string> = {
  direct: '-->',
  indirect: '-.->',
  async: '==>',
  wakes: '-.->',
};
/** A wake-up (not a call): dotted finer than a pointer call, and grey. */
const WAKES_LINK_STYLE = 'stroke:#6e7781,stroke-dasharray:2 4';

/**
 * A trace drawn on the graph (`netpaths trace`): observed functions strong, the ones the
 * join inferred between them faint and dashed, a drop as a terminal node. Only a graph
 * with a `trace` gets these, so every other diagram stays as it was.
 */
const TRACE_CLASS_DEFS: readonly string[] = [
  'classDef observed stroke-width:3px',
  'classDef inferred fill:#f6f8fa,stroke:#8c959f,color:#57606a,stroke-dasharray:4 3',
  'classDef drop fill:#ffebe9,stroke:#cf222e,color:#24292f,stroke-width:3px',
  'classDef untaken opacity:0.5,stroke-dasharray:2 3',
];
const TRACE_LINK_STYLES: Record<TraceLink | 'untaken', string> = {
  observed: 'stroke-width:2.5px',
  inferred: 'stroke-dasharray:5 4,opacity:0.55',
  gap: 'stroke:#cf222e,stroke-dasharray:2 4',
  untaken: 'stroke-dasharray:2 3,opacity:0.35',
};
/** The strongest of the trace links an edge group stands for, else whether it is a branch not taken. */
function groupTrace(
  graph: GraphJson,
  group: EdgeGroup,
  untaken: (from: string, to: string) => boolean,
): TraceLink | 'untaken' | undefined {
  const links = group.indexes.map((i) => graph.edges[i]?.trace);
  if (links.includes('observed')) return 'observed';
  if (links.includes('inferred')) return 'inferred';
  if (links.includes('gap')) return 'gap';
  return untaken(group.from, group.to) ? 'untaken' : undefined;
}

/** The drop reasons a trace saw, by node id, each once and without its SKB_DROP_REASON_ prefix. */
function dropsByNode(graph: GraphJson): Map<string, string[]> {
  const drops = new Map<string, string[]>();
  for (const d of graph.drops ?? []) {
    const list = drops.get(d.node) ?? [];
    const reason = d.reason.replace(/^SKB_DROP_REASON_/, '') || 'drop';
    if (!list.includes(reason)) list.push(reason);
    drops.set(d.node, list);
  }
  return drops;
}

/** Graph JSON -> a Mermaid `flowchart` with one subgraph per stage, in path order. */
export function toMermaid(graph: GraphJson, options: MermaidOptions = {}): MermaidResult {
  const direction: MermaidDirection = options.direction === 'LR' ? 'LR' : 'TD';
  const showFiles = options.showFiles ?? true;
  const forExport = options.forExport ?? false;
  const prepared = prepareGraph(graph, options.maxNodes);

  const nodeIds: Record<string, string> = {};
  const mermaidId = new Map<string, string>();
  prepared.kept.forEach((node, i) => {
    const id = `n${i}`;
    nodeIds[id] = node.id;
    if (!mermaidId.has(node.id)) mermaidId.set(node.id, id);
  });

  const lines: string[] = [];
  if (forExport && graph.title) {
    // Front matter is YAML: a JSON string is a valid YAML double-quoted scalar.
    lines.push('---', `title: ${JSON.stringify(documentTitle(graph.title))}`, '---');
  }
  lines.push(`flowchart ${direction}`);

  const drops = dropsByNode(graph);
  const nodeLine = (node: GraphNode, indent: string): string => {
    const id = mermaidId.get(node.id) ?? 'n0';
    const label = nodeLabel(
      node,
      showFiles,
      prepared.skbByNode.get(node.id),
      prepared.markersByNode.get(node.id),
      drops.get(node.id),
    );
    // A drop ends the packet's path: a terminal (flag) shape.
    if (drops.has(node.id)) return `${indent}${id}>"${label}"]`;
    if (node.collapsed) return `${indent}${id}[["${label}"]]`;
    if (node.kind === 'macro') return `${indent}${id}(["${label}"])`;
    return `${indent}${id}["${label}"]`;
  };

  const stageIds: Record<string, string> = {};
  prepared.lanes.forEach((lane, i) => {
    const sid = `s${i}`;
    stageIds[sid] = lane.stage;
    lines.push(`  subgraph ${sid}["${escapeMermaid(lane.title)}"]`);
    for (const node of lane.nodes) lines.push(nodeLine(node, '    '));
    lines.push('  end');
  });
  for (const node of prepared.unstaged) lines.push(nodeLine(node, '  '));
  if (prepared.omitted > 0) {
    const count = prepared.omitted;
    lines.push(`  omitted{{"… ${count} more function${count === 1 ? '' : 's'} not drawn"}}`);
  }

  const drawnEdges = edgeLines(graph, prepared.edges, mermaidId, forExport);
  lines.push(...drawnEdges.lines);
  // Invisible links after every drawn edge, so the edges' indexes (linkStyle) stay as they are.
  const anchors = userSpaceAnchors(prepared);
  if (anchors)
    for (const to of anchors.to)
      lines.push(`  ${mermaidId.get(anchors.from)} ~~~ ${mermaidId.get(to)}`);
  lines.push(...CLASS_DEFS.map((l) => `  ${l}`));
  if (graph.trace) lines.push(...TRACE_CLASS_DEFS.map((l) => `  ${l}`));
  if (prepared.kept.some((n) => n.built === 'n')) lines.push(`  ${UNBUILT_CLASS_DEF}`);
  const byClass = new Map<string, string[]>();
  const marks = traceMarks(graph);
  const addClass = (cls: string, id: string): void => {
    const list = byClass.get(cls);
    if (list) list.push(id);
    else byClass.set(cls, [id]);
  };
  for (const node of prepared.kept) {
    const id = mermaidId.get(node.id);
    if (!id || nodeIds[id] !== node.id) continue;
    if (isExecContext(node.context)) addClass(contextClass(node.context), id);
    if (node.collapsed) addClass('collapsed', id);
    if (prepared.markersByNode.has(node.id)) addClass('nfhook', id);
    if (node.built === 'n') addClass('unbuilt', id);
    const mark = marks(node);
    if (mark) addClass(mark, id);
  }
  if (prepared.omitted > 0) addClass('omitted', 'omitted');
  for (const [cls, ids] of byClass) {
    // Short lines keep diffs readable and stay well under any parser's line limit.
    for (let i = 0; i < ids.length; i += 40)
      lines.push(`  class ${ids.slice(i, i + 40).join(',')} ${cls}`);
  }

  return {
    text: `${lines.join('\n')}\n`,
    nodeIds,
    edgeIds: drawnEdges.edgeIds,
    stageIds,
    stats: {
      nodes: prepared.kept.length,
      edges: prepared.edges.length,
      omittedNodes: prepared.omitted,
      totalNodes: prepared.order.length,
    },
  };
}

/** The edge lines (`n0 e0@--> n1`) with their link styles, and what each edge id draws. */
function edgeLines(
  graph: GraphJson,
  groups: readonly EdgeGroup[],
  mermaidId: ReadonlyMap<string, string>,
  forExport: boolean,
): { lines: string[]; edgeIds: Record<string, MermaidEdgeRef> } {
  const lines: string[] = [];
  const edgeIds: Record<string, MermaidEdgeRef> = {};
  const linkStyles = new Map<TraceLink | 'untaken', number[]>();
  const untaken = untakenCalls(graph);
  // Calls a configuration leaves out (drawn with --show-unbuilt only): faint and dashed.
  const deadLinks: number[] = [];
  const wakes: number[] = [];
  let drawn = 0;
  groups.forEach((group, i) => {
    const eid = `e${i}`;
    edgeIds[eid] = { from: group.from, to: group.to, edges: group.indexes };
    const from = mermaidId.get(group.from);
    const to = mermaidId.get(group.to);
    if (!from || !to) return;
    const link = groupTrace(graph, group, untaken);
    const short = edgeLabel(group.kind, group.first, link);
    const label = short ? `|"${escapeMermaid(short)}"|` : '';
    const id = forExport ? '' : `${eid}@`;
    lines.push(`  ${from} ${id}${ARROWS[group.kind]}${label} ${to}`);
    if (link) linkStyles.set(link, [...(linkStyles.get(link) ?? []), drawn]);
    if (group.indexes.every((k) => graph.edges[k]?.config === 'dead')) deadLinks.push(drawn);
    if (group.kind === 'wakes') wakes.push(drawn);
    drawn++;
  });
  for (const [link, indexes] of linkStyles) {
    for (let i = 0; i < indexes.length; i += 40)
      lines.push(`  linkStyle ${indexes.slice(i, i + 40).join(',')} ${TRACE_LINK_STYLES[link]}`);
  }
  if (wakes.length > 0) lines.push(`  linkStyle ${wakes.join(',')} ${WAKES_LINK_STYLE}`);
  lines.push(...unbuiltLinkStyles(deadLinks));
  return { lines, edgeIds };
}

/** A Markdown document fragment: the export text in a ```mermaid fence, titled by front matter. */
export function toMermaidMarkdown(
  graph: GraphJson,
  options: Omit<MermaidOptions, 'forExport'> = {},
): string {
  const { text } = toMermaid(graph, { ...options, forExport: true });
  // Every line of `text` is generated or escaped (no backticks survive escapeMermaid),
  // so the fence cannot be closed early.
  return `\`\`\`mermaid\n${text}\`\`\`\n`;
}

/** The label of a node: name, then a small location line, then badges. */
function nodeLabel(
  node: GraphNode,
  showFiles: boolean,
  skb: readonly { op: string; len: string }[] | undefined,
  markers: readonly string[] | undefined,
  drops?: readonly string[],
): string {
  const lines = [escapeMermaid(node.name)];
  if (showFiles) lines.push(escapeMermaid(`${shortPath(node.file)}:${node.line}`));
  else if (node.stage) lines.push(escapeMermaid(node.stage));
  const badges: string[] = [];
  if (skb && skb.length > 0) {
    const first = skb[0];
    const more = skb.length > 1 ? ` +${skb.length - 1}` : '';
    if (first) badges.push(`⇄ ${escapeMermaid(truncate(`${first.op}(${first.len})`, 34))}${more}`);
  }
  // A preset's drop points: places the packet can be dropped, counted (the list is in the JSON and text).
  const dropPoints = node.drops?.length ?? 0;
  if (dropPoints > 0) badges.push(dropBadge(dropPoints));
  for (const marker of markers ?? []) badges.push(`◆ ${escapeMermaid(truncate(marker, 34))}`);
  if (node.observed) {
    const { first, count } = node.observed;
    badges.push(`● #${first}${count > 1 ? ` ×${count}` : ''}`);
  }
  for (const reason of drops ?? []) badges.push(`✖ ${escapeMermaid(truncate(reason, 34))}`);
  if (node.built === 'm') badges.push(`▣ ${escapeMermaid(truncate(node.module ?? 'module', 34))}`);
  if (node.built === 'n')
    badges.push(`not built: ${escapeMermaid(truncate(node.excludedBy ?? '', 40))}`);
  if (node.collapsed) {
    const hidden = Number.isFinite(node.collapsed.hidden)
      ? Math.max(0, Math.floor(node.collapsed.hidden))
      : 0;
    badges.push(`⊕ +${hidden} hidden`);
  }
  return [...lines, ...badges].join('<br/>');
}

/** A title for front matter: one line, and only characters that no Mermaid version treats specially. */
function documentTitle(title: string): string {
  return singleLine(title)
    .replace(/[^\p{L}\p{N} _.,:/()+=*@!?~^'·→-]+/gu, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** An arrow's label: the verdict the call runs under (XDP_TX), then its binding in short. */
function edgeLabel(
  kind: GraphEdge['kind'],
  edge: GraphEdge,
  link: TraceLink | 'untaken' | undefined,
): string | undefined {
  const via = link === 'gap' ? 'gap' : shortVia({ kind, via: edge.via });
  if (!edge.verdict) return via;
  return via ? `${edge.verdict} · ${via}` : edge.verdict;
}
