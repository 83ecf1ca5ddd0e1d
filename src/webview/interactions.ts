// Clicks and hovers on the drawn graph, and the selection: a click on a function opens
// it, on an edge opens the call site, a double-click expands a collapsed branch, hovering
// shows the tooltip. Handlers only; src/webview/main.ts registers them.

import type { GraphEdge } from '../analysis/graph-json';
import { dom } from './dom';
import { edgeRef, graphNodeId, mermaidNodeId } from './id-map';
import { centreOnElement } from './panzoom';
import { post, saveState, state } from './state';
import { edgeTooltip, nodeTooltip } from './tooltip';
import { hideTooltip, placeTooltip, showTooltip } from './tooltip-view';

function nodeAt(
  target: EventTarget | null,
): { mermaidId: string; graphId: string; element: SVGGElement } | undefined {
  const current = state.current;
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
  const current = state.current;
  if (!current || !(target instanceof Element)) return undefined;
  const holder = target.closest('[data-id]');
  if (!holder || !holder.closest('.edgePaths, .edgeLabels')) return undefined;
  const ref = edgeRef(holder.getAttribute('data-id'), current.mermaid);
  if (!ref) return undefined;
  const graph = current.graph;
  const edges = ref.edges.map((i) => graph.edges[i]).filter((e): e is GraphEdge => e !== undefined);
  return edges.length > 0 ? edges : undefined;
}

export function onCanvasClick(event: MouseEvent): void {
  if (state.suppressClick) {
    state.suppressClick = false;
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
}

export function onCanvasDoubleClick(event: MouseEvent): void {
  const node = nodeAt(event.target);
  if (node && state.current?.nodes.get(node.graphId)?.collapsed)
    post({ type: 'expand', nodeId: node.graphId });
}

export function onCanvasMouseOver(event: MouseEvent): void {
  const current = state.current;
  if (state.drag?.moved || !current) return;
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
}

export function onCanvasMouseMove(event: MouseEvent): void {
  if (!dom.tooltip.hidden) placeTooltip(event);
}

export function selectNode(graphId: string | undefined): void {
  state.selected = graphId;
  updateSelection();
  saveState();
}

/** Marks the selected node and enables the branch buttons that apply to it. */
export function updateSelection(): void {
  const { current, selected } = state;
  if (!current) {
    dom.expandButton.disabled = true;
    dom.collapseButton.disabled = true;
    return;
  }
  const mid = selected !== undefined ? current.drawn.get(selected) : undefined;
  for (const [id, element] of current.elements) element.classList.toggle('np-selected', id === mid);
  const node = selected !== undefined ? current.nodes.get(selected) : undefined;
  dom.expandButton.disabled = !node?.collapsed;
  dom.collapseButton.disabled =
    !node || node.collapsed !== undefined || !current.graph.edges.some((e) => e.from === node.id);
}

/** Selects a node and pans it to the centre of the viewport. */
export function focusNode(graphId: string): void {
  const current = state.current;
  if (!current) return;
  const mid = current.drawn.get(graphId);
  const element = mid !== undefined ? current.elements.get(mid) : undefined;
  if (!element) return;
  selectNode(graphId);
  centreOnElement(element);
}

/** Highlights a node while its skb timeline step is hovered. */
export function flashNode(graphId: string, on: boolean): void {
  const mid = state.current?.drawn.get(graphId);
  const element = mid !== undefined ? state.current?.elements.get(mid) : undefined;
  element?.classList.toggle('np-flash', on);
}
