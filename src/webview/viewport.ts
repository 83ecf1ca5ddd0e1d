// Pan and zoom arithmetic for the graph viewport: a translate + scale applied as one CSS
// transform on a wrapper (transform-origin 0 0). Pure, so the maths is unit-tested.

export interface ViewTransform {
  x: number;
  y: number;
  scale: number;
}

export const MIN_SCALE = 0.05;
export const MAX_SCALE = 4;

export function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, Number.isFinite(scale) ? scale : 1));
}

/** Zooms by `factor` keeping the content point under (`px`, `py`) (viewport pixels) still. */
export function zoomAt(view: ViewTransform, factor: number, px: number, py: number): ViewTransform {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
}

/** The whole content (`width` x `height` at scale 1) centred in the viewport, at most 100%. */
export function fitView(
  width: number,
  height: number,
  viewWidth: number,
  viewHeight: number,
  padding = 24,
): ViewTransform {
  if (width <= 0 || height <= 0 || viewWidth <= 0 || viewHeight <= 0)
    return { x: 0, y: 0, scale: 1 };
  const scale = clampScale(
    Math.min(1, (viewWidth - 2 * padding) / width, (viewHeight - 2 * padding) / height),
  );
  return { scale, x: (viewWidth - width * scale) / 2, y: (viewHeight - height * scale) / 2 };
}

/** The size function labels are drawn at (`.nodeLabel` in src/webview/diagram-css.ts), in CSS pixels. */
export const LABEL_PX = 12;
/** The smallest size a view the panel chooses itself shows them at: below it, `file:line` cannot be read. */
export const MIN_LABEL_PX = 9;
/**
 * The smallest scale the first view of a graph, and revealing a function, use: labels stay
 * at least MIN_LABEL_PX. A graph wider than that is scrolled sideways, not shrunk further
 * (only the user's own zoom or Fit goes below it).
 */
export const READABLE_SCALE = MIN_LABEL_PX / LABEL_PX;

/**
 * The first view of a graph: fit the width (never above 100%, never below READABLE_SCALE
 * so labels stay readable), starting at the top, where the path begins. A graph that fits
 * entirely is centred. One wider than the panel at that scale shows the column of
 * `anchorX` (the first function's centre, in content pixels at scale 1) in the middle,
 * without scrolling past either side of the graph.
 */
export function initialView(
  width: number,
  height: number,
  viewWidth: number,
  viewHeight: number,
  padding = 24,
  anchorX?: number,
): ViewTransform {
  if (width <= 0 || height <= 0 || viewWidth <= 0 || viewHeight <= 0)
    return { x: 0, y: 0, scale: 1 };
  const widthScale = Math.min(1, (viewWidth - 2 * padding) / width);
  if (height * widthScale <= viewHeight - 2 * padding) {
    // A wide graph in a narrow panel would fit only at an unreadable size: start readable instead.
    const fit = fitView(width, height, viewWidth, viewHeight, padding);
    if (fit.scale >= READABLE_SCALE) return fit;
  }
  const scale = clampScale(Math.max(widthScale, READABLE_SCALE));
  const drawn = width * scale;
  let x: number;
  if (drawn <= viewWidth - 2 * padding) x = (viewWidth - drawn) / 2;
  else if (anchorX === undefined || !Number.isFinite(anchorX)) x = padding;
  else {
    const centred = viewWidth / 2 - anchorX * scale;
    x = Math.min(padding, Math.max(viewWidth - padding - drawn, centred));
  }
  return { scale, x, y: padding };
}

/**
 * Where the scrollbar thumb of one axis goes: the part of the content (`length` pixels at
 * scale 1) the viewport (`viewLength` pixels) shows when the content starts at `offset`,
 * as fractions of the track. `undefined` when the whole content is in view.
 */
export function scrollThumb(
  offset: number,
  scale: number,
  length: number,
  viewLength: number,
): { start: number; size: number } | undefined {
  const drawn = length * scale;
  if (drawn <= 0 || viewLength <= 0) return undefined;
  const from = Math.max(0, -offset);
  const to = Math.min(drawn, viewLength - offset);
  if (from <= 0 && to >= drawn) return undefined;
  const size = Math.max(0, to - from) / drawn;
  return { start: Math.min(1, from / drawn), size: Math.min(1, size) };
}

/** Pans so that content point (`cx`, `cy`) is at the viewport's centre, keeping the scale. */
export function centreOn(
  view: ViewTransform,
  cx: number,
  cy: number,
  viewWidth: number,
  viewHeight: number,
): ViewTransform {
  return {
    scale: view.scale,
    x: viewWidth / 2 - cx * view.scale,
    y: viewHeight / 2 - cy * view.scale,
  };
}

/** `translate(...) scale(...)` for the wrapper's `style.transform`. */
export function toCss(view: ViewTransform): string {
  return `translate(${view.x.toFixed(1)}px, ${view.y.toFixed(1)}px) scale(${view.scale.toFixed(4)})`;
}

/** A transform read back from saved state, or `undefined` if it is not one. */
export function parseView(x: unknown): ViewTransform | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const v = x as Record<string, unknown>;
  if (typeof v.x !== 'number' || typeof v.y !== 'number' || typeof v.scale !== 'number')
    return undefined;
  if (!Number.isFinite(v.x) || !Number.isFinite(v.y) || !Number.isFinite(v.scale)) return undefined;
  return { x: v.x, y: v.y, scale: clampScale(v.scale) };
}
