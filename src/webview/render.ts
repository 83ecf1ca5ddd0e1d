// Drawing a graph with the bundled Mermaid: the panel's Mermaid configuration from the
// VS Code theme, one render at a time, the SVG post-processed (theme colours, edge kinds,
// hit areas), and the messages shown instead of a graph that is too large or failed.
//
// Safety: graph data reaches the DOM only inside Mermaid's SVG, built from text in which
// the core escaped every label and rendered with securityLevel 'strict', and through
// `textContent` elsewhere. Never `innerHTML` but for that SVG.

import mermaid from 'mermaid';
import type { MermaidConfig } from 'mermaid';
import type { GraphEdge } from '../analysis/graph-json';
import { SYSCALL_STAGE } from '../analysis/knowledge/stages';
import { diagramCss } from './diagram-css';
import { dom, el } from './dom';
import { edgeRef, invertNodeIds, mermaidNodeId } from './id-map';
import { focusNode, updateSelection } from './interactions';
import { checkLimits } from './limits';
import type { LimitCheck } from './limits';
import { markDropBadges, refreshDrops } from './drops-panel';
import { applyView, contentCentre } from './panzoom';
import type { GraphMessage } from './protocol';
import { runSearch } from './search-view';
import { graphKey, post, saveState, state } from './state';
import type { Current } from './state';
import { mermaidThemeVariables, themeKind } from './theme';
import { renderTimeline, setTimelineOpen } from './timeline-panel';
import { fitToolbar } from './toolbar-fold';
import { reapplyTraceHighlight, renderTracePanel } from './trace-panel';
import { hideTooltip } from './tooltip-view';
import { initialView } from './viewport';

function mermaidConfig(): MermaidConfig {
  const style = getComputedStyle(document.body);
  const themeVariables = mermaidThemeVariables(
    (name) => style.getPropertyValue(name),
    themeKind(Array.from(document.body.classList)),
  );
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    maxTextSize: state.config.maxTextSize,
    maxEdges: state.config.maxEdges,
    suppressErrorRendering: true,
    theme: 'base',
    look: 'classic',
    layout: state.config.layout,
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
export function renderWith(
  config: MermaidConfig,
  id: string,
  text: string,
): Promise<{ svg: string }> {
  const job = state.renderQueue.then(async () => {
    mermaid.initialize(config);
    return mermaid.render(id, text);
  });
  state.renderQueue = job.catch(() => undefined);
  return job;
}

/** Removes what a failed `mermaid.render` can leave in the body. */
export function removeStrays(svgId: string): void {
  for (const id of [svgId, `d${svgId}`, `i${svgId}`]) {
    const found = document.getElementById(id);
    if (found && !dom.canvas.contains(found)) found.remove();
  }
}

function setMessage(
  kind: 'too-large' | 'error' | undefined,
  build?: (box: HTMLElement) => void,
): void {
  const box = dom.messageBox;
  box.replaceChildren();
  box.hidden = kind === undefined;
  box.dataset.kind = kind ?? '';
  if (kind && build) build(box);
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
    // Their clicks are handled by onMessageAction (src/webview/toolbar.ts), by data-action.
    const focus = el('button', 'np-primary', 'Show the focused part');
    focus.type = 'button';
    focus.dataset.action = 'depth-less';
    const text = el('button', 'np-secondary', 'Export as text');
    text.type = 'button';
    text.dataset.action = 'export-text';
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

/** The toolbar's status line; `busy` adds a spinner. */
export function setStatus(text: string, busy = false): void {
  dom.statusBox.textContent = text;
  dom.statusBox.classList.toggle('np-busy', busy && text !== '');
}

/** Draws the graph of `message`; `keepView` keeps pan and zoom (a theme redraw). */
export async function drawGraph(message: GraphMessage, keepView: boolean): Promise<void> {
  const seq = ++state.renderSeq;
  // `data-state` on the app element tells tests (and anyone debugging) where drawing is.
  dom.app.dataset.state = 'drawing';
  const { graph, mermaid: result } = message;
  const key = graphKey(graph);
  state.lastMessage = message;
  state.current = undefined;
  dom.titleBox.textContent = graph.title ?? 'NetPaths';
  dom.titleBox.title = graph.title ?? '';
  if (message.depth !== undefined) dom.depthReadout.textContent = `depth ${message.depth}`;
  fitToolbar();
  const hasSkb = (graph.skb?.length ?? 0) > 0;
  dom.timelineToggle.disabled = !hasSkb;
  renderTimeline(graph);
  if (!keepView) renderTracePanel(graph);
  dom.emptyBox.hidden = true;
  hideTooltip();

  const check = checkLimits(result, state.config);
  if (!check.ok) {
    dom.canvas.replaceChildren();
    showTooLarge(check);
    dom.app.dataset.state = 'too-large';
    return;
  }
  setMessage(undefined);
  setStatus(`Drawing ${result.stats.nodes} functions…`, true);
  const svgId = `np-graph-${seq}`;
  const renderStart = performance.now();
  try {
    const { svg } = await renderWith(mermaidConfig(), svgId, result.text);
    if (seq !== state.renderSeq) return;
    // Mermaid's output, rendered under securityLevel 'strict' from text whose labels the
    // core escaped: the one place markup enters the page.
    dom.canvas.innerHTML = svg;
    const svgEl = dom.canvas.querySelector('svg');
    if (!svgEl) throw new Error('Mermaid returned no SVG');
    const size = svgSize(svgEl);
    const current: Current = {
      graph,
      mermaid: result,
      key,
      nodes: new Map(graph.nodes.map((n) => [n.id, n])),
      drawn: invertNodeIds(result),
      elements: new Map(),
      width: size.width,
      height: size.height,
    };
    state.current = current;
    decorate(svgEl, current);
    markDropBadges(current);
    refreshDrops();
    // Same graph as before hide/show (or a theme redraw): keep the view; otherwise start
    // at the top of the path, its first function in view. The graph lists its functions in
    // packet order, so that is its first node (the IRQ handler of an ingress path), which
    // Mermaid may draw elsewhere than first (the reader's lanes come before it).
    if (!keepView) {
      const rect = dom.viewport.getBoundingClientRect();
      const firstId = graph.nodes[0] ? current.drawn.get(graph.nodes[0].id) : undefined;
      const first = current.elements.get(firstId ?? 'n0');
      const anchorX = first ? contentCentre(first)?.x : undefined;
      state.view =
        state.saved.graphKey === key && state.saved.view
          ? state.saved.view
          : initialView(size.width, size.height, rect.width, rect.height, 24, anchorX);
    }
    applyView();
    if (state.selected !== undefined && !current.drawn.has(state.selected))
      state.selected = undefined;
    updateSelection();
    runSearch(dom.searchBox.value, false);
    if (message.focus !== undefined) focusNode(message.focus);
    if (hasSkb && state.saved.timelineOpen) setTimelineOpen(true);
    reapplyTraceHighlight();
    saveState();
    dom.app.dataset.state = 'drawn';
    post({
      type: 'drawn',
      nodes: result.stats.nodes,
      renderMs: performance.now() - renderStart,
      ...(state.loadedAt !== undefined ? { loadMs: state.loadedAt } : {}),
    });
    state.loadedAt = undefined;
  } catch (error) {
    if (seq !== state.renderSeq) return;
    dom.canvas.replaceChildren();
    showRenderError(error);
    dom.app.dataset.state = 'error';
  } finally {
    removeStrays(svgId);
    if (seq === state.renderSeq) setStatus('');
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
  markUserSpace(svg, cur);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * The user-space lane: the system calls' entries, with the system-call boundary drawn as a
 * dashed line under it, user space above and the kernel below.
 */
function markUserSpace(svg: SVGSVGElement, cur: Current): void {
  for (const cluster of Array.from(svg.querySelectorAll<SVGGElement>('g.cluster'))) {
    const sid = /-(s\d+)$/.exec(cluster.id)?.[1];
    if (sid === undefined || cur.mermaid.stageIds[sid] !== SYSCALL_STAGE) continue;
    cluster.classList.add('np-user-lane');
    const rect = cluster.querySelector('rect');
    if (!rect) continue;
    const x = Number(rect.getAttribute('x'));
    const y = Number(rect.getAttribute('y')) + Number(rect.getAttribute('height')) + 6;
    const width = Number(rect.getAttribute('width'));
    const line = document.createElementNS(SVG_NS, 'line');
    line.setAttribute('class', 'np-boundary');
    line.setAttribute('x1', String(x));
    line.setAttribute('x2', String(x + width));
    line.setAttribute('y1', String(y));
    line.setAttribute('y2', String(y));
    const text = document.createElementNS(SVG_NS, 'text');
    text.setAttribute('class', 'np-boundary-label');
    text.setAttribute('x', String(x + width));
    // Under the line, in the gap before the next lane: above it, it would cross the lane's border.
    text.setAttribute('y', String(y + 13));
    text.setAttribute('text-anchor', 'end');
    text.textContent = 'system call: user space ↑ kernel ↓';
    cluster.append(line, text);
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
