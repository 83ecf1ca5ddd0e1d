// The graph webview's browser bundle: receives graphs from the host, draws them with the
// bundled Mermaid, and turns clicks, hovers and toolbar actions into protocol messages.
// Everything that can be pure lives in the sibling modules (ids, search, limits, timeline,
// viewport, theme, tooltip); this file is the DOM glue.
//
// Safety: graph data reaches the DOM only (1) inside Mermaid's SVG, built from text in
// which the core escaped every label and rendered with securityLevel 'strict', and
// (2) through `textContent` in the tooltip, timeline and messages. Never `innerHTML`.

import mermaid from 'mermaid';
import type { MermaidConfig } from 'mermaid';
import type { GraphEdge, GraphJson, GraphNode } from '../analysis/graph-json';
import { MERMAID_EXPORT_CONFIG } from '../analysis/render/mermaid';
import type { MermaidResult } from '../analysis/render/mermaid';
import { parseConfigAttribute } from './config';
import { diagramCss } from './diagram-css';
import { edgeRef, graphNodeId, invertNodeIds, mermaidNodeId } from './id-map';
import { checkLimits } from './limits';
import type { LimitCheck } from './limits';
import { isHostMessage } from './protocol';
import type { ExportFormat, GraphMessage, HostToWebview, WebviewToHost } from './protocol';
import { cycleIndex, findMatches } from './search';
import { mermaidThemeVariables, themeKind } from './theme';
import { computeTimeline } from './timeline';
import type { SkbLayout, TimelineStep } from './timeline';
import { edgeTooltip, nodeTooltip } from './tooltip';
import type { TooltipContent } from './tooltip';
import { centreOn, fitView, initialView, parseView, toCss, zoomAt } from './viewport';
import type { ViewTransform } from './viewport';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives the panel being hidden and shown again (getState/setState). */
interface SavedState {
  graphKey?: string;
  view?: ViewTransform;
  search?: string;
  timelineOpen?: boolean;
  selected?: string;
  /** The host's `GraphMessage.restore`, handed back to it when VS Code revives the panel. */
  restore?: unknown;
}

interface Current {
  graph: GraphJson;
  mermaid: MermaidResult;
  key: string;
  nodes: Map<string, GraphNode>;
  /** Graph node id -> Mermaid node id. */
  drawn: Map<string, string>;
  /** Mermaid node id -> the node's SVG group, once drawn. */
  elements: Map<string, SVGGElement>;
  width: number;
  height: number;
}

const vscode = acquireVsCodeApi();
const post = (message: WebviewToHost): void => vscode.postMessage(message);

function byId<T extends HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`netpaths webview: #${id} is missing from the page`);
  return el as T;
}

const app = byId<HTMLDivElement>('np-app');
const viewport = byId<HTMLDivElement>('np-viewport');
const canvas = byId<HTMLDivElement>('np-canvas');
const messageBox = byId<HTMLDivElement>('np-message');
const emptyBox = byId<HTMLDivElement>('np-empty');
const tooltip = byId<HTMLDivElement>('np-tooltip');
const searchBox = byId<HTMLInputElement>('np-search');
const searchCount = byId<HTMLSpanElement>('np-search-count');
const zoomReadout = byId<HTMLSpanElement>('np-zoom');
const depthReadout = byId<HTMLSpanElement>('np-depth');
const titleBox = byId<HTMLDivElement>('np-title');
const statusBox = byId<HTMLDivElement>('np-status');
const expandButton = byId<HTMLButtonElement>('np-expand');
const collapseButton = byId<HTMLButtonElement>('np-collapse');
const timelineToggle = byId<HTMLButtonElement>('np-timeline-toggle');
const timelinePanel = byId<HTMLElement>('np-timeline');
const stepsList = byId<HTMLOListElement>('np-steps');
const exportSelect = byId<HTMLSelectElement>('np-export');
const depthMore = byId<HTMLButtonElement>('np-depth-more');
const depthLess = byId<HTMLButtonElement>('np-depth-less');

const config = parseConfigAttribute(app.dataset.config);
let saved = readState(vscode.getState());
let current: Current | undefined;
let lastMessage: GraphMessage | undefined;
let view: ViewTransform = saved.view ?? { x: 0, y: 0, scale: 1 };
let matches: string[] = [];
let matchIndex = -1;
let selected: string | undefined = saved.selected;
let renderSeq = 0;
/** When the page had loaded and said `ready` (ms since its navigation began); reported with its first drawing. */
let loadedAt: number | undefined;

function readState(raw: unknown): SavedState {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: SavedState = {};
  if (typeof r.graphKey === 'string') out.graphKey = r.graphKey;
  const v = parseView(r.view);
  if (v) out.view = v;
  if (typeof r.search === 'string') out.search = r.search.slice(0, 200);
  if (typeof r.timelineOpen === 'boolean') out.timelineOpen = r.timelineOpen;
  if (typeof r.selected === 'string') out.selected = r.selected;
  if (r.restore !== undefined) out.restore = r.restore;
  return out;
}

let saveTimer: number | undefined;
function saveState(): void {
  if (saveTimer !== undefined) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = undefined;
    saved = {
      ...(current
        ? { graphKey: current.key }
        : saved.graphKey !== undefined
          ? { graphKey: saved.graphKey }
          : {}),
      view,
      search: searchBox.value,
      timelineOpen: !timelinePanel.hidden,
      ...(selected !== undefined ? { selected } : {}),
      ...(saved.restore !== undefined ? { restore: saved.restore } : {}),
    };
    vscode.setState(saved);
  }, 150);
}

/** Identifies "the same graph" across hide/show, so pan and zoom come back only for it. */
function graphKey(graph: GraphJson): string {
  return `${graph.title ?? ''}|${graph.nodes.length}|${graph.edges.length}|${graph.nodes[0]?.id ?? ''}`;
}

// ---------------------------------------------------------------------------------------
// Drawing

function mermaidConfig(): MermaidConfig {
  const style = getComputedStyle(document.body);
  const themeVariables = mermaidThemeVariables(
    (name) => style.getPropertyValue(name),
    themeKind(Array.from(document.body.classList)),
  );
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    maxTextSize: config.maxTextSize,
    maxEdges: config.maxEdges,
    suppressErrorRendering: true,
    theme: 'base',
    look: 'classic',
    layout: config.layout,
    themeVariables,
    themeCSS: diagramCss(
      style.getPropertyValue('--vscode-editor-font-family'),
      style.getPropertyValue('--vscode-font-family'),
    ),
    fontFamily: String(themeVariables.fontFamily),
    htmlLabels: true,
    flowchart: {
      htmlLabels: true,
      useMaxWidth: false,
      wrappingWidth: 400,
      nodeSpacing: 26,
      rankSpacing: 42,
      padding: 10,
      diagramPadding: 12,
      curve: 'basis',
      subGraphTitleMargin: { top: 6, bottom: 6 },
    },
  };
}

/**
 * Mermaid's configuration is global: `initialize` then `render` must run as one step, or
 * an SVG export (document settings) racing a redraw (panel settings) would mix them.
 */
let renderQueue: Promise<unknown> = Promise.resolve();
function renderWith(config: MermaidConfig, id: string, text: string): Promise<{ svg: string }> {
  const job = renderQueue.then(async () => {
    mermaid.initialize(config);
    return mermaid.render(id, text);
  });
  renderQueue = job.catch(() => undefined);
  return job;
}

/** Removes what a failed `mermaid.render` can leave in the body. */
function removeStrays(svgId: string): void {
  for (const id of [svgId, `d${svgId}`, `i${svgId}`]) {
    const el = document.getElementById(id);
    if (el && !canvas.contains(el)) el.remove();
  }
}

function setMessage(
  kind: 'too-large' | 'error' | undefined,
  build?: (box: HTMLElement) => void,
): void {
  messageBox.replaceChildren();
  messageBox.hidden = kind === undefined;
  messageBox.dataset.kind = kind ?? '';
  if (kind && build) build(messageBox);
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function showTooLarge(check: Exclude<LimitCheck, { ok: true }>): void {
  setMessage('too-large', (box) => {
    box.append(el('h2', undefined, 'Too large to draw'));
    box.append(el('p', undefined, check.message));
    box.append(
      el(
        'p',
        'np-hint',
        'Show the focused part (one level less), or export the graph as text or JSON to read it whole.',
      ),
    );
    const actions = el('div', 'np-actions');
    const focus = el('button', 'np-primary', 'Show the focused part');
    focus.type = 'button';
    focus.dataset.action = 'depth-less';
    focus.addEventListener('click', () => post({ type: 'depth', delta: -1 }));
    const text = el('button', 'np-secondary', 'Export as text');
    text.type = 'button';
    text.addEventListener('click', () => post({ type: 'export', format: 'text' }));
    actions.append(focus, text);
    box.append(actions);
  });
}

function showRenderError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  setMessage('error', (box) => {
    box.append(el('h2', undefined, 'Could not draw this graph'));
    box.append(el('pre', 'np-error-text', message));
    box.append(
      el('p', 'np-hint', 'The graph is still available: use Export to get it as text or JSON.'),
    );
  });
  post({ type: 'error', message: `Mermaid render failed: ${message}` });
}

function setStatus(text: string, busy = false): void {
  statusBox.textContent = text;
  statusBox.classList.toggle('np-busy', busy && text !== '');
}

async function drawGraph(message: GraphMessage, keepView: boolean): Promise<void> {
  const seq = ++renderSeq;
  // `data-state` on the app element tells tests (and anyone debugging) where drawing is.
  app.dataset.state = 'drawing';
  const { graph, mermaid: result } = message;
  const key = graphKey(graph);
  lastMessage = message;
  current = undefined;
  titleBox.textContent = graph.title ?? 'NetPaths';
  titleBox.title = graph.title ?? '';
  if (message.depth !== undefined) depthReadout.textContent = `depth ${message.depth}`;
  const hasSkb = (graph.skb?.length ?? 0) > 0;
  timelineToggle.disabled = !hasSkb;
  renderTimeline(graph);
  emptyBox.hidden = true;
  hideTooltip();

  const check = checkLimits(result, config);
  if (!check.ok) {
    canvas.replaceChildren();
    showTooLarge(check);
    app.dataset.state = 'too-large';
    return;
  }
  setMessage(undefined);
  setStatus(`Drawing ${result.stats.nodes} functions…`, true);
  const svgId = `np-graph-${seq}`;
  const renderStart = performance.now();
  try {
    const { svg } = await renderWith(mermaidConfig(), svgId, result.text);
    if (seq !== renderSeq) return;
    // Mermaid's output, rendered under securityLevel 'strict' from text whose labels the
    // core escaped: the one place markup enters the page.
    canvas.innerHTML = svg;
    const svgEl = canvas.querySelector('svg');
    if (!svgEl) throw new Error('Mermaid returned no SVG');
    const size = svgSize(svgEl);
    current = {
      graph,
      mermaid: result,
      key,
      nodes: new Map(graph.nodes.map((n) => [n.id, n])),
      drawn: invertNodeIds(result),
      elements: new Map(),
      width: size.width,
      height: size.height,
    };
    decorate(svgEl, current);
    // Same graph as before hide/show (or a theme redraw): keep the view; otherwise start
    // at the top of the path.
    if (!keepView) {
      const rect = viewport.getBoundingClientRect();
      view =
        saved.graphKey === key && saved.view
          ? saved.view
          : initialView(size.width, size.height, rect.width, rect.height);
    }
    applyView();
    if (selected !== undefined && !current.drawn.has(selected)) selected = undefined;
    updateSelection();
    runSearch(searchBox.value, false);
    if (message.focus !== undefined) focusNode(message.focus);
    if (hasSkb && saved.timelineOpen) setTimelineOpen(true);
    saveState();
    app.dataset.state = 'drawn';
    post({
      type: 'drawn',
      nodes: result.stats.nodes,
      renderMs: performance.now() - renderStart,
      ...(loadedAt !== undefined ? { loadMs: loadedAt } : {}),
    });
    loadedAt = undefined;
  } catch (error) {
    if (seq !== renderSeq) return;
    canvas.replaceChildren();
    showRenderError(error);
    app.dataset.state = 'error';
  } finally {
    removeStrays(svgId);
    if (seq === renderSeq) setStatus('');
  }
}

function svgSize(svg: SVGSVGElement): { width: number; height: number } {
  const vb = svg.viewBox.baseVal;
  const width =
    Number.parseFloat(svg.getAttribute('width') ?? '') || vb?.width || svg.getBBox().width;
  const height =
    Number.parseFloat(svg.getAttribute('height') ?? '') || vb?.height || svg.getBBox().height;
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.style.maxWidth = 'none';
  return { width, height };
}

const THEMED = new Set(['fill', 'stroke', 'color']);

/** Post-processing of Mermaid's SVG: theme colours, edge kinds, hit areas, node lookup. */
function decorate(svg: SVGSVGElement, cur: Current): void {
  // The classDef colours in the text suit documents; in the panel, CSS variables of the
  // VS Code theme colour the contexts, so drop the inline copies (they carry !important).
  for (const node of Array.from(svg.querySelectorAll<SVGGElement>('g.node'))) {
    const mid = mermaidNodeId(node.id, cur.mermaid);
    if (mid === undefined) continue;
    node.dataset.npNode = mid;
    cur.elements.set(mid, node);
    const graphId = cur.mermaid.nodeIds[mid];
    if (graphId !== undefined && cur.nodes.get(graphId)?.collapsed)
      node.classList.add('np-collapsed');
    for (const styled of [
      node,
      ...Array.from(node.querySelectorAll<SVGElement | HTMLElement>('[style]')),
    ]) {
      const style = (styled as HTMLElement).style;
      for (const prop of Array.from(style)) if (THEMED.has(prop)) style.removeProperty(prop);
    }
  }
  const kindOf = (dataId: string | null): GraphEdge['kind'] | undefined => {
    const ref = edgeRef(dataId, cur.mermaid);
    const index = ref?.edges[0];
    return index === undefined ? undefined : cur.graph.edges[index]?.kind;
  };
  const markers = new Map<string, string>();
  for (const path of Array.from(
    svg.querySelectorAll<SVGPathElement>('path.flowchart-link[data-id]'),
  )) {
    const dataId = path.getAttribute('data-id');
    const kind = kindOf(dataId);
    if (kind === undefined) continue;
    path.classList.add(`np-edge-${kind}`);
    if (kind !== 'direct')
      path.setAttribute('marker-end', `url(#${themedMarker(svg, path, kind, markers)})`);
    // A wide transparent twin makes thin and dotted edges easy to hover and click.
    const hit = path.cloneNode(false) as SVGPathElement;
    hit.removeAttribute('id');
    hit.removeAttribute('marker-end');
    hit.removeAttribute('style');
    hit.setAttribute('class', 'np-edge-hit');
    path.after(hit);
  }
  for (const label of Array.from(svg.querySelectorAll<SVGGElement>('.edgeLabel .label[data-id]'))) {
    const kind = kindOf(label.getAttribute('data-id'));
    if (kind !== undefined) label.closest('.edgeLabel')?.classList.add(`np-label-${kind}`);
  }
}

/** A copy of the edge's arrowhead that CSS can colour like the edge. */
function themedMarker(
  svg: SVGSVGElement,
  path: SVGPathElement,
  kind: GraphEdge['kind'],
  cache: Map<string, string>,
): string {
  const url = /url\(#([^)]+)\)/.exec(path.getAttribute('marker-end') ?? '')?.[1] ?? '';
  const key = `${url}|${kind}`;
  const existing = cache.get(key);
  if (existing) return existing;
  const marker = url ? svg.querySelector(`marker[id="${CSS.escape(url)}"]`) : null;
  if (!marker) return url;
  const copy = marker.cloneNode(true) as SVGMarkerElement;
  copy.id = `${url}-np-${kind}`;
  copy.classList.add(`np-marker-${kind}`);
  marker.after(copy);
  cache.set(key, copy.id);
  return copy.id;
}

// ---------------------------------------------------------------------------------------
// Pan and zoom

let frame = 0;
function applyView(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    canvas.style.transform = toCss(view);
    zoomReadout.textContent = `${Math.round(view.scale * 100)}%`;
  });
  saveState();
}

function viewportCentre(): { x: number; y: number; width: number; height: number } {
  const rect = viewport.getBoundingClientRect();
  return { x: rect.width / 2, y: rect.height / 2, width: rect.width, height: rect.height };
}

function zoomBy(factor: number, px?: number, py?: number): void {
  const c = viewportCentre();
  view = zoomAt(view, factor, px ?? c.x, py ?? c.y);
  applyView();
}

function fit(): void {
  if (!current) return;
  const c = viewportCentre();
  view = fitView(current.width, current.height, c.width, c.height);
  applyView();
}

viewport.addEventListener(
  'wheel',
  (event) => {
    if (!current) return;
    event.preventDefault();
    const rect = viewport.getBoundingClientRect();
    // Pixel deltas from trackpads are small and frequent; line deltas from wheels are coarse.
    const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
    zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
  },
  { passive: false },
);

let drag:
  { id: number; x: number; y: number; startX: number; startY: number; moved: boolean } | undefined;
let suppressClick = false;
viewport.addEventListener('pointerdown', (event) => {
  if (event.button !== 0 || !current) return;
  if ((event.target as Element).closest('.np-message')) return;
  drag = {
    id: event.pointerId,
    x: view.x,
    y: view.y,
    startX: event.clientX,
    startY: event.clientY,
    moved: false,
  };
});
viewport.addEventListener('pointermove', (event) => {
  if (!drag || event.pointerId !== drag.id) return;
  const dx = event.clientX - drag.startX;
  const dy = event.clientY - drag.startY;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) {
    drag.moved = true;
    viewport.setPointerCapture(event.pointerId);
    viewport.classList.add('np-dragging');
    hideTooltip();
  }
  view = { ...view, x: drag.x + dx, y: drag.y + dy };
  applyView();
});
const endDrag = (event: PointerEvent): void => {
  if (!drag || event.pointerId !== drag.id) return;
  suppressClick = drag.moved;
  drag = undefined;
  viewport.classList.remove('np-dragging');
  if (viewport.hasPointerCapture(event.pointerId)) viewport.releasePointerCapture(event.pointerId);
};
viewport.addEventListener('pointerup', endDrag);
viewport.addEventListener('pointercancel', endDrag);

viewport.addEventListener('keydown', (event) => {
  if (!current) return;
  const step = 60;
  const keys: Record<string, () => void> = {
    '+': () => zoomBy(1.25),
    '=': () => zoomBy(1.25),
    '-': () => zoomBy(0.8),
    '0': fit,
    ArrowLeft: () => ((view = { ...view, x: view.x + step }), applyView()),
    ArrowRight: () => ((view = { ...view, x: view.x - step }), applyView()),
    ArrowUp: () => ((view = { ...view, y: view.y + step }), applyView()),
    ArrowDown: () => ((view = { ...view, y: view.y - step }), applyView()),
  };
  const action = keys[event.key];
  if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    action();
  }
});

// ---------------------------------------------------------------------------------------
// Clicks, hover, selection

function nodeAt(
  target: EventTarget | null,
): { mermaidId: string; graphId: string; element: SVGGElement } | undefined {
  if (!current || !(target instanceof Element)) return undefined;
  const element = target.closest<SVGGElement>('g.node');
  if (!element) return undefined;
  const mermaidId = mermaidNodeId(element.id, current.mermaid);
  const graphId = graphNodeId(element.id, current.mermaid);
  return mermaidId !== undefined && graphId !== undefined
    ? { mermaidId, graphId, element }
    : undefined;
}

function edgeAt(target: EventTarget | null): GraphEdge[] | undefined {
  if (!current || !(target instanceof Element)) return undefined;
  const holder = target.closest('[data-id]');
  if (!holder || !holder.closest('.edgePaths, .edgeLabels')) return undefined;
  const ref = edgeRef(holder.getAttribute('data-id'), current.mermaid);
  if (!ref) return undefined;
  const graph = current.graph;
  const edges = ref.edges.map((i) => graph.edges[i]).filter((e): e is GraphEdge => e !== undefined);
  return edges.length > 0 ? edges : undefined;
}

canvas.addEventListener('click', (event) => {
  if (suppressClick) {
    suppressClick = false;
    return;
  }
  const node = nodeAt(event.target);
  if (node) {
    selectNode(node.graphId);
    post({ type: 'openNode', nodeId: node.graphId });
    return;
  }
  const edges = edgeAt(event.target);
  const first = edges?.[0];
  if (first)
    post({ type: 'openEdge', from: first.from, to: first.to, file: first.file, line: first.line });
});

canvas.addEventListener('dblclick', (event) => {
  const node = nodeAt(event.target);
  if (node && current?.nodes.get(node.graphId)?.collapsed)
    post({ type: 'expand', nodeId: node.graphId });
});

canvas.addEventListener('mouseover', (event) => {
  if (drag?.moved || !current) return;
  const node = nodeAt(event.target);
  if (node) {
    const graphNode = current.nodes.get(node.graphId);
    if (graphNode) showTooltip(nodeTooltip(current.graph, graphNode), event);
    return;
  }
  const edges = edgeAt(event.target);
  const content = edges ? edgeTooltip(current.graph, edges) : undefined;
  if (content) showTooltip(content, event);
  else hideTooltip();
});
canvas.addEventListener('mousemove', (event) => {
  if (!tooltip.hidden) placeTooltip(event);
});
canvas.addEventListener('mouseleave', hideTooltip);

function showTooltip(content: TooltipContent, event: MouseEvent): void {
  tooltip.replaceChildren();
  tooltip.append(el('div', 'np-tip-title', content.title));
  if (content.note) tooltip.append(el('div', 'np-tip-note', content.note));
  const table = el('dl', 'np-tip-rows');
  for (const [label, value] of content.rows)
    table.append(el('dt', undefined, label), el('dd', undefined, value));
  tooltip.append(table, el('div', 'np-tip-hint', content.hint));
  tooltip.hidden = false;
  placeTooltip(event);
}

function placeTooltip(event: MouseEvent): void {
  const rect = app.getBoundingClientRect();
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  let x = event.clientX - rect.left + 14;
  let y = event.clientY - rect.top + 16;
  if (x + width > rect.width - 8) x = Math.max(8, event.clientX - rect.left - width - 14);
  if (y + height > rect.height - 8) y = Math.max(8, event.clientY - rect.top - height - 12);
  tooltip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

function hideTooltip(): void {
  tooltip.hidden = true;
}

function selectNode(graphId: string | undefined): void {
  selected = graphId;
  updateSelection();
  saveState();
}

function updateSelection(): void {
  if (!current) {
    expandButton.disabled = true;
    collapseButton.disabled = true;
    return;
  }
  const mid = selected !== undefined ? current.drawn.get(selected) : undefined;
  for (const [id, element] of current.elements) element.classList.toggle('np-selected', id === mid);
  const node = selected !== undefined ? current.nodes.get(selected) : undefined;
  expandButton.disabled = !node?.collapsed;
  collapseButton.disabled =
    !node || node.collapsed !== undefined || !current.graph.edges.some((e) => e.from === node.id);
}

/** Selects a node and pans it to the centre of the viewport. */
function focusNode(graphId: string): void {
  if (!current) return;
  const mid = current.drawn.get(graphId);
  const element = mid !== undefined ? current.elements.get(mid) : undefined;
  if (!element) return;
  selectNode(graphId);
  centreOnElement(element);
}

function centreOnElement(element: SVGGElement): void {
  if (!current) return;
  const box = element.getBBox();
  const m = element.getCTM();
  const svg = element.ownerSVGElement;
  const rootM = svg?.getCTM();
  // Node groups are translated; convert the box centre into SVG user space.
  let cx = box.x + box.width / 2;
  let cy = box.y + box.height / 2;
  if (m && rootM) {
    const local = new DOMPoint(cx, cy).matrixTransform(m).matrixTransform(rootM.inverse());
    cx = local.x;
    cy = local.y;
  }
  const vb = svg?.viewBox.baseVal;
  const scaleX = vb && vb.width ? current.width / vb.width : 1;
  const scaleY = vb && vb.height ? current.height / vb.height : 1;
  const c = viewportCentre();
  // Revealing a function (search, focus, timeline) zooms in far enough to read it.
  const readable = view.scale < READABLE_SCALE ? { ...view, scale: 1 } : view;
  view = centreOn(
    readable,
    (cx - (vb?.x ?? 0)) * scaleX,
    (cy - (vb?.y ?? 0)) * scaleY,
    c.width,
    c.height,
  );
  applyView();
}

/** Below this zoom, labels (12px monospace) are too small to read comfortably. */
const READABLE_SCALE = 0.75;

// ---------------------------------------------------------------------------------------
// Search

function runSearch(query: string, jump: boolean): void {
  if (!current) {
    searchCount.textContent = '';
    return;
  }
  matches = findMatches(current.graph.nodes, current.mermaid, query);
  matchIndex = jump && matches.length > 0 ? 0 : -1;
  paintMatches();
  if (jump) revealMatch();
  saveState();
}

function paintMatches(): void {
  if (!current) return;
  const set = new Set(matches);
  const cur = matches[matchIndex];
  for (const [id, element] of current.elements) {
    element.classList.toggle('np-match', set.has(id));
    element.classList.toggle('np-current', id === cur);
  }
  canvas.classList.toggle('np-searching', matches.length > 0);
  const q = searchBox.value.trim();
  searchCount.textContent =
    q === ''
      ? ''
      : matches.length === 0
        ? 'no match'
        : `${matchIndex >= 0 ? matchIndex + 1 : '–'}/${matches.length}`;
  searchBox.classList.toggle('np-no-match', q !== '' && matches.length === 0);
}

function revealMatch(): void {
  const id = matches[matchIndex];
  const element = id !== undefined ? current?.elements.get(id) : undefined;
  if (element) centreOnElement(element);
}

searchBox.addEventListener('input', () => runSearch(searchBox.value, false));
searchBox.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    if (matches.length === 0) runSearch(searchBox.value, false);
    matchIndex = cycleIndex(matchIndex, matches.length, event.shiftKey ? -1 : 1);
    paintMatches();
    revealMatch();
  } else if (event.key === 'Escape') {
    searchBox.value = '';
    runSearch('', false);
    viewport.focus();
  }
});

// ---------------------------------------------------------------------------------------
// skb timeline

function setTimelineOpen(open: boolean): void {
  timelinePanel.hidden = !open;
  timelineToggle.setAttribute('aria-pressed', String(open));
  timelineToggle.classList.toggle('np-on', open);
  saveState();
}

function renderTimeline(graph: GraphJson): void {
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  const steps = computeTimeline(graph.skb ?? [], (id) => names.get(id));
  stepsList.replaceChildren(...steps.map(stepItem));
  if (steps.length === 0) setTimelineOpen(false);
}

function stepItem(step: TimelineStep): HTMLLIElement {
  const li = el('li', `np-step np-step-${step.kind}`);
  li.tabIndex = 0;
  li.dataset.node = step.op.node;
  const head = el('div', 'np-step-head');
  head.append(
    el('span', 'np-step-no', String(step.index + 1)),
    el('code', 'np-step-op', `${step.op.op}(${step.op.len})`),
  );
  li.append(head);
  const where = el('div', 'np-step-where');
  where.append(
    el('span', 'np-step-fn', step.caller ?? step.op.node),
    el('span', 'np-step-loc', ` · ${basename(step.op.file)}:${step.op.line}`),
  );
  where.title = `${step.op.file}:${step.op.line}`;
  li.append(where, bar(step));
  // The analysis writes `effect` as `<changes> — <what it is for>` (knowledge/skb-ops.ts):
  // the changes in code type, once, then the words.
  const effect = step.op.effect.trim();
  const words = effect.startsWith(step.summary)
    ? effect.slice(step.summary.length).replace(/^[\s—:;,.-]+/, '')
    : effect;
  li.append(el('div', 'np-step-summary', step.summary));
  if (words) li.append(el('div', 'np-step-effect', words));
  const open = (): void => {
    post({ type: 'openNode', nodeId: step.op.node, file: step.op.file, line: step.op.line });
    if (current?.drawn.has(step.op.node)) focusNode(step.op.node);
  };
  li.addEventListener('click', open);
  li.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open();
    }
  });
  li.addEventListener('mouseenter', () => flashNode(step.op.node, true));
  li.addEventListener('mouseleave', () => flashNode(step.op.node, false));
  return li;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * The head/data/tail/end diagram of one step: the buffer after it, the bytes the step
 * moved over highlighted, the old pointer ghosted. `data`/`tail` are labelled above the
 * bar and `head`/`end` below, so labels never collide with the buffer's ends.
 */
function bar(step: TimelineStep): HTMLDivElement {
  const box = el('div', 'np-bar');
  box.setAttribute('role', 'img');
  box.setAttribute('aria-label', step.summary);
  const pct = (v: number): string => `${(v * 100).toFixed(2)}%`;
  const seg = (cls: string, from: number, to: number): HTMLDivElement => {
    const s = el('div', cls);
    s.style.left = pct(from);
    s.style.width = pct(Math.max(0, to - from));
    return s;
  };
  const tick = (row: HTMLElement, name: string, at: number, cls: string): void => {
    const t = el('span', `np-tick ${cls}`, name);
    t.style.left = pct(at);
    row.append(t);
  };
  const a: SkbLayout = step.after;
  const b: SkbLayout = step.before;
  const dataMoved = step.moved.includes('data') && b.data !== a.data;
  const tailMoved = step.moved.includes('tail') && b.tail !== a.tail;

  const top = el('div', 'np-ticks np-ticks-top');
  if (a.tail - a.data < 0.12) {
    tick(
      top,
      a.tail === a.data ? 'data = tail' : 'data tail',
      (a.data + a.tail) / 2,
      dataMoved || tailMoved ? 'np-moved' : '',
    );
  } else {
    tick(top, 'data', a.data, dataMoved ? 'np-moved' : '');
    tick(top, 'tail', a.tail, tailMoved ? 'np-moved' : '');
  }
  const track = el('div', 'np-bar-track');
  track.append(
    seg('np-seg np-seg-head', a.head, a.data),
    seg('np-seg np-seg-data', a.data, a.tail),
    seg('np-seg np-seg-tail', a.tail, a.end),
  );
  if (dataMoved) track.append(seg('np-delta', Math.min(a.data, b.data), Math.max(a.data, b.data)));
  if (tailMoved) track.append(seg('np-delta', Math.min(a.tail, b.tail), Math.max(a.tail, b.tail)));
  for (const [moved, at] of [
    [dataMoved, b.data],
    [tailMoved, b.tail],
  ] as const) {
    if (!moved) continue;
    const ghost = el('div', 'np-ghost');
    ghost.style.left = pct(at);
    track.append(ghost);
  }
  const bottom = el('div', 'np-ticks np-ticks-bottom');
  tick(bottom, 'head', a.head, 'np-tick-head');
  tick(bottom, 'end', a.end, 'np-tick-end');
  box.append(top, track, bottom);
  return box;
}

function flashNode(graphId: string, on: boolean): void {
  const mid = current?.drawn.get(graphId);
  const element = mid !== undefined ? current?.elements.get(mid) : undefined;
  element?.classList.toggle('np-flash', on);
}

// ---------------------------------------------------------------------------------------
// Toolbar

byId<HTMLButtonElement>('np-zoom-in').addEventListener('click', () => zoomBy(1.25));
byId<HTMLButtonElement>('np-zoom-out').addEventListener('click', () => zoomBy(0.8));
byId<HTMLButtonElement>('np-fit').addEventListener('click', fit);
depthMore.addEventListener('click', () => post({ type: 'depth', delta: 1 }));
depthLess.addEventListener('click', () => post({ type: 'depth', delta: -1 }));
expandButton.addEventListener('click', () => {
  if (selected !== undefined) post({ type: 'expand', nodeId: selected });
});
collapseButton.addEventListener('click', () => {
  if (selected !== undefined) post({ type: 'collapse', nodeId: selected });
});
timelineToggle.addEventListener('click', () => setTimelineOpen(timelinePanel.hidden));
exportSelect.addEventListener('change', () => {
  const format = exportSelect.value as ExportFormat | '';
  exportSelect.value = '';
  if (format === '') return;
  if (format === 'svg' || format === 'html') void exportSvg(format);
  else post({ type: 'export', format });
});

/**
 * Draws the current text again for documents (SVG text labels, light theme) and sends it
 * to the host, which writes it as an SVG file or inside a standalone HTML page.
 */
let exportSeq = 0;
async function exportSvg(format: 'svg' | 'html'): Promise<void> {
  if (!current) return;
  const id = `np-export-${++exportSeq}`;
  setStatus('Preparing SVG…', true);
  try {
    const exportConfig: MermaidConfig = {
      ...MERMAID_EXPORT_CONFIG,
      flowchart: { ...MERMAID_EXPORT_CONFIG.flowchart },
      startOnLoad: false,
      theme: 'default',
      maxTextSize: config.maxTextSize,
      maxEdges: config.maxEdges,
      suppressErrorRendering: true,
      layout: config.layout,
    };
    const { svg } = await renderWith(exportConfig, id, current.mermaid.text);
    post({ type: 'export', format, svg });
  } catch (error) {
    post({
      type: 'error',
      message: `SVG export failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  } finally {
    removeStrays(id);
    if (app.dataset.state !== 'drawing') setStatus('');
  }
}

// ---------------------------------------------------------------------------------------
// Messages from the host, theme changes, start-up

function onHostMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'graph':
      if (message.restore !== undefined) {
        saved = { ...saved, restore: message.restore };
        saveState();
      }
      void drawGraph(message, false);
      break;
    case 'highlight':
      searchBox.value = message.query;
      runSearch(message.query, true);
      break;
    case 'setDepth':
      depthReadout.textContent = `depth ${message.depth}`;
      depthMore.disabled = message.maxDepth !== undefined && message.depth >= message.maxDepth;
      depthLess.disabled = message.depth <= 1;
      break;
    case 'focusNode':
      focusNode(message.nodeId);
      break;
    case 'status':
      setStatus(message.text, message.busy ?? false);
      break;
    case 'requestExport':
      // The palette's Export Diagram: the same path as choosing the format in the toolbar.
      exportSelect.value = message.format;
      exportSelect.dispatchEvent(new Event('change'));
      break;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) onHostMessage(event.data);
});

// VS Code swaps the body's theme classes when the colour theme changes: redraw with the
// new colours (Mermaid bakes them into the SVG), keeping the view.
new MutationObserver(() => {
  if (lastMessage) void drawGraph(lastMessage, true);
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

window.addEventListener('resize', () => hideTooltip());

if (saved.search) searchBox.value = saved.search;
loadedAt = performance.now();
post({ type: 'ready' });
