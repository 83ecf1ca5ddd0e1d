// Pan and zoom of the drawn graph: the view transform applied to the canvas once per
// animation frame, the wheel, a pointer drag and the arrow keys. The arithmetic is in
// src/webview/viewport.ts; this is its DOM side.

import { dom } from './dom';
import { saveState, state } from './state';
import { hideTooltip } from './tooltip-view';
import { centreOn, fitView, toCss, zoomAt } from './viewport';

/** Below this zoom, labels (12px monospace) are too small to read comfortably. */
const READABLE_SCALE = 0.75;

/** Applies `state.view` on the next animation frame (once, however often it changed). */
export function applyView(): void {
  if (state.frame) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    dom.canvas.style.transform = toCss(state.view);
    dom.zoomReadout.textContent = `${Math.round(state.view.scale * 100)}%`;
  });
  saveState();
}

function viewportCentre(): { x: number; y: number; width: number; height: number } {
  const rect = dom.viewport.getBoundingClientRect();
  return { x: rect.width / 2, y: rect.height / 2, width: rect.width, height: rect.height };
}

/** Zooms by `factor` about a viewport point (its centre by default). */
export function zoomBy(factor: number, px?: number, py?: number): void {
  const c = viewportCentre();
  state.view = zoomAt(state.view, factor, px ?? c.x, py ?? c.y);
  applyView();
}

/** Shows the whole graph. */
export function fit(): void {
  if (!state.current) return;
  const c = viewportCentre();
  state.view = fitView(state.current.width, state.current.height, c.width, c.height);
  applyView();
}

/** Pans (and zooms in, when it is too small to read) so that `element` is at the centre. */
export function centreOnElement(element: SVGGElement): void {
  const current = state.current;
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
  const view = state.view;
  const readable = view.scale < READABLE_SCALE ? { ...view, scale: 1 } : view;
  state.view = centreOn(
    readable,
    (cx - (vb?.x ?? 0)) * scaleX,
    (cy - (vb?.y ?? 0)) * scaleY,
    c.width,
    c.height,
  );
  applyView();
}

export function onWheel(event: WheelEvent): void {
  if (!state.current) return;
  event.preventDefault();
  const rect = dom.viewport.getBoundingClientRect();
  // Pixel deltas from trackpads are small and frequent; line deltas from wheels are coarse.
  const delta = event.deltaMode === 1 ? event.deltaY * 16 : event.deltaY;
  zoomBy(Math.exp(-delta * 0.0015), event.clientX - rect.left, event.clientY - rect.top);
}

export function onPointerDown(event: PointerEvent): void {
  if (event.button !== 0 || !state.current) return;
  if ((event.target as Element).closest('.np-message')) return;
  state.drag = {
    id: event.pointerId,
    x: state.view.x,
    y: state.view.y,
    startX: event.clientX,
    startY: event.clientY,
    moved: false,
  };
}

export function onPointerMove(event: PointerEvent): void {
  const drag = state.drag;
  if (!drag || event.pointerId !== drag.id) return;
  const dx = event.clientX - drag.startX;
  const dy = event.clientY - drag.startY;
  if (!drag.moved && Math.hypot(dx, dy) < 4) return;
  if (!drag.moved) {
    drag.moved = true;
    dom.viewport.setPointerCapture(event.pointerId);
    dom.viewport.classList.add('np-dragging');
    hideTooltip();
  }
  state.view = { ...state.view, x: drag.x + dx, y: drag.y + dy };
  applyView();
}

export function onPointerEnd(event: PointerEvent): void {
  const drag = state.drag;
  if (!drag || event.pointerId !== drag.id) return;
  state.suppressClick = drag.moved;
  state.drag = undefined;
  dom.viewport.classList.remove('np-dragging');
  if (dom.viewport.hasPointerCapture(event.pointerId))
    dom.viewport.releasePointerCapture(event.pointerId);
}

/** Pans the view by (`dx`, `dy`) viewport pixels. */
function panBy(dx: number, dy: number): void {
  state.view = { ...state.view, x: state.view.x + dx, y: state.view.y + dy };
  applyView();
}

export function onViewportKey(event: KeyboardEvent): void {
  if (!state.current) return;
  const step = 60;
  const keys: Record<string, () => void> = {
    '+': () => zoomBy(1.25),
    '=': () => zoomBy(1.25),
    '-': () => zoomBy(0.8),
    '0': fit,
    ArrowLeft: () => panBy(step, 0),
    ArrowRight: () => panBy(-step, 0),
    ArrowUp: () => panBy(0, step),
    ArrowDown: () => panBy(0, -step),
  };
  const action = keys[event.key];
  if (action && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    action();
  }
}
