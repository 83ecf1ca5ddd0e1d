// The page's elements, looked up once, and the one helper that makes new ones. The ids
// are those of the page src/webview/html.ts builds; a missing one is a bug of the page,
// reported at start-up rather than as a null deep inside a handler.

function byId<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`netpaths webview: #${id} is missing from the page`);
  return found as T;
}

/** Every element the webview's code reads or writes. */
export const dom = {
  app: byId<HTMLDivElement>('np-app'),
  toolbar: byId<HTMLElement>('np-toolbar'),
  moreButton: byId<HTMLButtonElement>('np-more'),
  menu: byId<HTMLDivElement>('np-menu'),
  viewport: byId<HTMLDivElement>('np-viewport'),
  canvas: byId<HTMLDivElement>('np-canvas'),
  hbar: byId<HTMLDivElement>('np-hbar'),
  vbar: byId<HTMLDivElement>('np-vbar'),
  messageBox: byId<HTMLDivElement>('np-message'),
  emptyBox: byId<HTMLDivElement>('np-empty'),
  tooltip: byId<HTMLDivElement>('np-tooltip'),
  searchBox: byId<HTMLInputElement>('np-search'),
  searchCount: byId<HTMLSpanElement>('np-search-count'),
  zoomReadout: byId<HTMLSpanElement>('np-zoom'),
  zoomIn: byId<HTMLButtonElement>('np-zoom-in'),
  zoomOut: byId<HTMLButtonElement>('np-zoom-out'),
  fitButton: byId<HTMLButtonElement>('np-fit'),
  depthReadout: byId<HTMLSpanElement>('np-depth'),
  depthMore: byId<HTMLButtonElement>('np-depth-more'),
  depthLess: byId<HTMLButtonElement>('np-depth-less'),
  titleBox: byId<HTMLDivElement>('np-title'),
  statusBox: byId<HTMLDivElement>('np-status'),
  expandButton: byId<HTMLButtonElement>('np-expand'),
  collapseButton: byId<HTMLButtonElement>('np-collapse'),
  timelineToggle: byId<HTMLButtonElement>('np-timeline-toggle'),
  timelinePanel: byId<HTMLElement>('np-timeline'),
  stepsList: byId<HTMLOListElement>('np-steps'),
  tracePanel: byId<HTMLElement>('np-trace'),
  traceSummary: byId<HTMLParagraphElement>('np-trace-summary'),
  tracePrev: byId<HTMLButtonElement>('np-trace-prev'),
  traceNext: byId<HTMLButtonElement>('np-trace-next'),
  tracePosition: byId<HTMLSpanElement>('np-trace-pos'),
  eventsList: byId<HTMLOListElement>('np-events'),
  traceUnmatched: byId<HTMLDivElement>('np-trace-unmatched'),
  exportSelect: byId<HTMLSelectElement>('np-export'),
  dropsPanel: byId<HTMLElement>('np-drops'),
  dropsFunction: byId<HTMLElement>('np-drops-fn'),
  dropsSummary: byId<HTMLParagraphElement>('np-drops-summary'),
  dropsClose: byId<HTMLButtonElement>('np-drops-close'),
  dropsList: byId<HTMLOListElement>('np-drops-list'),
};

/** A new element with an optional class and text (set as `textContent`, never as HTML). */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}
