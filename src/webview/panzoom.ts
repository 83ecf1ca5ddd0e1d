// Pan and zoom of the drawn graph: the view transform applied to the canvas once per
// animation frame, the wheel (Shift+wheel scrolls sideways), a pointer drag, the arrow
// keys and the overlay scrollbars. The arithmetic is in src/webview/viewport.ts; this is
// its DOM side.

import { dom } from './dom';
import { saveState, state } from './state';
import { hideTooltip } from './tooltip-view';
import { READABLE_SCALE, centreOn, fitView, scrollThumb, toCss, zoomAt } from './viewport';

/** Applies `state.view` on the next animation frame (once, however often it changed). */
export function applyView(): void {
  if (state.frame) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    dom.canvas.style.transform = toCss(state.view);
    dom.zoomReadout.textContent = `${Math.round(state.view.scale * 100)}%`;
    paintScrollbars();
  });
  saveState();
}

/** Shows, on each axis the graph overflows, a scrollbar whose thumb is the part in view. */
function paintScrollbars(): void {
  const current = state.current;
  const { view } = state;
  const rect = dom.viewport.getBoundingClientRect();
  const axes = [
    [dom.hbar, current && scrollThumb(view.x, view.scale, current.width, rect.width), 'h'],
    [dom.vbar, current && scrollThumb(view.y, view.scale, current.height, rect.height), 'v'],
  ] as const;
  for (const [bar, thumb, axis] of axes) {
    bar.hidden = thumb === undefined;
    const knob = bar.firstElementChild as HTMLElement | null;
    if (!thumb || !knob) continue;
    const start = `${(thumb.start * 100).toFixed(2)}%`;
    const size = `${(Math.max(thumb.size, 0.02) * 100).toFixed(2)}%`;
    if (axis === 'h') {
      knob.style.left = start;
      knob.style.width = size;
    } else {
      knob.style.top = start;
      knob.style.height = size;
    }
  }
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

/** The centre of a node's group in content pixels at scale 1 (the canvas's own coordinates). */
export function contentCentre(element: SVGGElement): { x: number; y: number } | undefined {
  const current = state.current;
  if (!current) return undefined;
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
  return { x: (cx - (vb?.x ?? 0)) * scaleX, y: (cy - (vb?.y ?? 0)) * scaleY };
}

/** Pans (and zooms in, when it is too small to read) so that `element` is at the centre. */
export function centreOnElement(element: SVGGElement): void {
  const centre = contentCentre(element);
  if (!centre) return;
  const c = viewportCentre();
  // Revealing a function (search, focus, timeline) zooms in far enough to read it.
  const view = state.view;
  const readable = view.scale < READABLE_SCALE ? { ...view, scale: 1 } : view;
  state.view = centreOn(readable, centre.x, centre.y, c.width, c.height);
  applyView();
}

/** Pans the view by (`dx`, `dy`) viewport pixels. */
function panBy(dx: number, dy: number): void {
  state.view = { ...state.view, x: state.view.x + dx, y: state.view.y + dy };
  applyView();
}

export function onWheel(event: WheelEvent): void {
  if (!state.current) return;
  event.preventDefault();
  // Line deltas from wheels are coarse; pixel deltas from trackpads small and frequent.
  const unit = event.deltaMode === 1 ? 16 : 1;
  // Shift+wheel, or a trackpad's sideways swipe, scrolls sideways: a graph wider than the
  // panel is read by scrolling, not by shrinking its labels.
  if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
    panBy(-(event.deltaX !== 0 ? event.deltaX : event.deltaY) * unit, 0);
    return;
  }
  const rect = dom.viewport.getBoundingClientRect();
  zoomBy(
    Math.exp(-event.deltaY * unit * 0.0015),
    event.clientX - rect.left,
    event.clientY - rect.top,
  );
}

export function onPointerDown(event: PointerEvent): void {
  if (event.button !== 0 || !state.current) return;
  if ((event.target as Element).closest('.np-message, .np-scrollbar')) return;
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

/** A press on a scrollbar: on the thumb it starts dragging it, beside it pages that way. */
export function onScrollbarDown(event: PointerEvent): void {
  const bar = event.currentTarget as HTMLElement;
  const current = state.current;
  if (event.button !== 0 || !current) return;
  event.preventDefault();
  const axis = bar === dom.hbar ? 'h' : 'v';
  const knob = bar.firstElementChild;
  if (knob && event.target !== knob) {
    const box = knob.getBoundingClientRect();
    const before = axis === 'h' ? event.clientX < box.left : event.clientY < box.top;
    const page = (axis === 'h' ? bar.clientWidth : bar.clientHeight) * 0.9;
    if (axis === 'h') panBy(before ? page : -page, 0);
    else panBy(0, before ? page : -page);
    return;
  }
  bar.setPointerCapture(event.pointerId);
  state.scrollDrag = {
    axis,
    id: event.pointerId,
    view: axis === 'h' ? state.view.x : state.view.y,
    start: axis === 'h' ? event.clientX : event.clientY,
  };
}

/** Moving the thumb by a fraction of its track moves the view by that fraction of the graph. */
export function onScrollbarMove(event: PointerEvent): void {
  const drag = state.scrollDrag;
  const current = state.current;
  if (!drag || !current || event.pointerId !== drag.id) return;
  const bar = drag.axis === 'h' ? dom.hbar : dom.vbar;
  const track = drag.axis === 'h' ? bar.clientWidth : bar.clientHeight;
  const drawn = (drag.axis === 'h' ? current.width : current.height) * state.view.scale;
  const moved = (drag.axis === 'h' ? event.clientX : event.clientY) - drag.start;
  const offset = drag.view - (track > 0 ? (moved / track) * drawn : 0);
  state.view = drag.axis === 'h' ? { ...state.view, x: offset } : { ...state.view, y: offset };
  applyView();
}

export function onScrollbarUp(event: PointerEvent): void {
  if (state.scrollDrag?.id === event.pointerId) state.scrollDrag = undefined;
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
