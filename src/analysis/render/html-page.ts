// The standalone HTML page of an exported diagram: one self-contained file (no network, no
// CDN) with the SVG inline, pan (drag) and zoom (wheel, buttons, keys), and a print style.
// Pure string building.
//
// Safety: the Content-Security-Policy allows no source at all except the page's own
// inline script, by its SHA-256 hash, and inline styles (Mermaid's SVG carries a <style>
// element and style attributes). No data is ever spliced into the script: it is a
// constant, and reads the drawing from the DOM. The title is escaped; the SVG goes
// through `sanitizeSvg` (no script, no event attributes, only http(s) or relative links),
// and Mermaid wrote every label in it as escaped text, so `</script>` in a function name
// stays text.

import { singleLine } from './escape';
import { cspHash } from './sha256';
import { escapeXml, sanitizeSvg } from './svg-markup';

export interface StandaloneHtmlOptions {
  /** The drawing, as Mermaid rendered it (with `MERMAID_EXPORT_CONFIG`). */
  svg: string;
  /** The page title and heading, e.g. `e1000e ingress`. */
  title: string;
  /** One line under the heading, e.g. `34 functions, 41 calls · Linux 6.12.117`. */
  subtitle?: string;
}

/** The page's only script: pan and zoom over `#np-stage`. Kept free of data so its hash is fixed. */
const SCRIPT = `(() => {
  'use strict';
  const viewport = document.getElementById('np-viewport');
  const stage = document.getElementById('np-stage');
  const svg = stage ? stage.querySelector('svg') : null;
  const readout = document.getElementById('np-zoom');
  if (!viewport || !stage || !svg) return;
  document.documentElement.classList.add('np-js');
  const MIN = 0.05;
  const MAX = 8;
  const PAD = 16;
  const box = svg.getBoundingClientRect();
  const width = box.width || 1;
  const height = box.height || 1;
  let view = { x: 0, y: 0, k: 1 };
  const apply = () => {
    stage.style.transform = 'translate(' + view.x.toFixed(1) + 'px, ' + view.y.toFixed(1) + 'px) scale(' + view.k.toFixed(4) + ')';
    stage.dataset.scale = view.k.toFixed(4);
    stage.dataset.x = view.x.toFixed(1);
    stage.dataset.y = view.y.toFixed(1);
    if (readout) readout.textContent = Math.round(view.k * 100) + '%';
  };
  const clamp = (k) => Math.min(MAX, Math.max(MIN, k));
  const rect = () => viewport.getBoundingClientRect();
  const zoomAt = (factor, px, py) => {
    const k = clamp(view.k * factor);
    const f = k / view.k;
    view = { k, x: px - (px - view.x) * f, y: py - (py - view.y) * f };
    apply();
  };
  const zoomCentre = (factor) => {
    const r = rect();
    zoomAt(factor, r.width / 2, r.height / 2);
  };
  const fit = () => {
    const r = rect();
    const k = clamp(Math.min(1, (r.width - 2 * PAD) / width, (r.height - 2 * PAD) / height));
    view = { k, x: (r.width - width * k) / 2, y: Math.max(PAD, (r.height - height * k) / 2) };
    apply();
  };
  // First view: the whole width (a packet path is tall), starting at the top where it begins.
  const start = () => {
    const r = rect();
    const k = clamp(Math.min(1, (r.width - 2 * PAD) / width));
    if (height * k <= r.height - 2 * PAD) return fit();
    view = { k, x: (r.width - width * k) / 2, y: PAD };
    apply();
  };
  viewport.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = rect();
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaMode === 2 ? e.deltaY * r.height : e.deltaY;
    zoomAt(Math.exp(-dy * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  let drag = null;
  let dragged = false;
  viewport.addEventListener('pointerdown', (e) => {
    if (e.button !== 0) return;
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY, vx: view.x, vy: view.y };
    dragged = false;
  });
  viewport.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    if (!dragged && Math.abs(dx) + Math.abs(dy) < 4) return;
    if (!dragged) {
      dragged = true;
      viewport.setPointerCapture(e.pointerId);
      viewport.classList.add('np-dragging');
    }
    view = { k: view.k, x: drag.vx + dx, y: drag.vy + dy };
    apply();
  });
  const release = (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    drag = null;
    viewport.classList.remove('np-dragging');
  };
  viewport.addEventListener('pointerup', release);
  viewport.addEventListener('pointercancel', release);
  // A drag that ends on a node is a pan, not a click on its source link. With the pointer
  // captured Chromium sends that click to the viewport; a browser that sends it to the
  // link has it cancelled here.
  viewport.addEventListener('click', (e) => {
    if (!dragged) return;
    dragged = false;
    e.preventDefault();
    e.stopPropagation();
  }, true);
  viewport.addEventListener('dragstart', (e) => e.preventDefault());
  const actions = { in: () => zoomCentre(1.25), out: () => zoomCentre(0.8), fit, actual: () => zoomCentre(1 / view.k) };
  for (const button of document.querySelectorAll('[data-np-zoom]')) {
    button.addEventListener('click', () => {
      const action = actions[button.getAttribute('data-np-zoom')];
      if (action) action();
    });
  }
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const pan = { ArrowLeft: [60, 0], ArrowRight: [-60, 0], ArrowUp: [0, 60], ArrowDown: [0, -60] }[e.key];
    if (pan) {
      view = { k: view.k, x: view.x + pan[0], y: view.y + pan[1] };
      apply();
    } else if (e.key === '+' || e.key === '=') zoomCentre(1.25);
    else if (e.key === '-') zoomCentre(0.8);
    else if (e.key === '0') fit();
    else if (e.key === '1') actions.actual();
    else return;
    e.preventDefault();
  });
  start();
  document.body.dataset.npReady = 'true';
})();`;

const STYLE = `
:root { color-scheme: light; --fg: #24292f; --muted: #57606a; --line: #d0d7de; --bar: #f6f8fa; }
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; background: #ffffff; color: var(--fg); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
body { display: flex; flex-direction: column; }
.np-bar { display: flex; align-items: center; gap: 16px; padding: 8px 16px; border-bottom: 1px solid var(--line); background: var(--bar); }
.np-heading { flex: 1; min-width: 0; }
.np-heading h1 { margin: 0; font-size: 16px; font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.np-heading p { margin: 2px 0 0; color: var(--muted); font-size: 12px; }
.np-tools { display: none; align-items: center; gap: 4px; }
.np-js .np-tools { display: flex; }
.np-tools button { min-width: 32px; height: 28px; padding: 0 8px; border: 1px solid var(--line); border-radius: 6px; background: #ffffff; color: var(--fg); font: inherit; cursor: pointer; }
.np-tools button:hover { background: #eaeef2; }
.np-tools button:focus-visible, #np-viewport:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
#np-zoom { min-width: 48px; text-align: center; color: var(--muted); font-variant-numeric: tabular-nums; }
.np-hint { color: var(--muted); font-size: 12px; white-space: nowrap; }
#np-viewport { position: relative; flex: 1; overflow: auto; }
.np-js #np-viewport { overflow: hidden; cursor: grab; touch-action: none; user-select: none; }
.np-js #np-viewport.np-dragging { cursor: grabbing; }
.np-js #np-stage { position: absolute; left: 0; top: 0; transform-origin: 0 0; }
#np-stage { padding: 0; }
#np-stage svg { display: block; max-width: none; }
#np-stage a.np-source-link { cursor: pointer; }
#np-stage a.np-source-link:hover rect, #np-stage a.np-source-link:hover polygon, #np-stage a.np-source-link:hover path { stroke-width: 2.5px; }
@media print {
  .np-tools, .np-hint { display: none !important; }
  .np-bar { background: none; border: 0; padding: 0 0 8px; }
  html, body { height: auto; }
  #np-viewport, .np-js #np-viewport { overflow: visible; position: static; }
  #np-stage, .np-js #np-stage { position: static; transform: none !important; }
  #np-stage svg { max-width: 100%; height: auto; }
}
`;

/** The Content-Security-Policy of the page: nothing but its own script (by hash) and inline styles. */
export function standaloneCsp(): string {
  // Mermaid's SVG has a <style> element and style attributes: style-src needs 'unsafe-inline'.
  return [
    "default-src 'none'",
    `script-src ${cspHash(SCRIPT)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    'font-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The page's inline script, for tests that check the CSP hash. */
export const STANDALONE_SCRIPT = SCRIPT;

/** A self-contained HTML page showing `svg` with pan and zoom. Throws when `svg` holds no `<svg>` element. */
export function standaloneHtml(options: StandaloneHtmlOptions): string {
  const clean = sanitizeSvg(options.svg);
  const at = clean.search(/<svg[\s>/]/i);
  if (at < 0) throw new Error('the drawing is not an SVG image');
  const svg = clean.slice(at).trim();
  const title = escapeXml(singleLine(options.title) || 'NetPaths diagram');
  const subtitle = options.subtitle ? `\n<p>${escapeXml(singleLine(options.subtitle))}</p>` : '';
  const linked = svg.includes('class="np-source-link"');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${standaloneCsp()}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="generator" content="NetPaths">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="np-bar">
<div class="np-heading">
<h1>${title}</h1>${subtitle}
</div>
<span class="np-hint">Drag to pan · wheel or + − to zoom · 0 fits${linked ? ' · click a function for its source' : ''}</span>
<div class="np-tools" role="toolbar" aria-label="Zoom">
<button type="button" data-np-zoom="out" title="Zoom out (−)" aria-label="Zoom out">−</button>
<output id="np-zoom" aria-live="polite">100%</output>
<button type="button" data-np-zoom="in" title="Zoom in (+)" aria-label="Zoom in">+</button>
<button type="button" data-np-zoom="fit" title="Fit the whole diagram (0)">Fit</button>
<button type="button" data-np-zoom="actual" title="Actual size (1)">1:1</button>
</div>
</header>
<main id="np-viewport" tabindex="0" aria-label="${title}: drag to pan, wheel to zoom">
<div id="np-stage">
${svg}
</div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;
}
