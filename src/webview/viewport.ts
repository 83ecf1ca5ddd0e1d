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

/** The smallest scale the first view of a graph uses: below it, labels cannot be read. */
export const READABLE_SCALE = 0.45;

/**
 * The first view of a graph: fit the width (never above 100%, never below 45% so labels
 * stay readable), centred horizontally and starting at the top, where the path begins.
 * A graph that fits entirely is centred.
 */
export function initialView(
  width: number,
  height: number,
  viewWidth: number,
  viewHeight: number,
  padding = 24,
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
  const x = width * scale <= viewWidth - 2 * padding ? (viewWidth - width * scale) / 2 : padding;
  return { scale, x, y: padding };
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
