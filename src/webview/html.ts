// The one HTML builder of the graph webview. Pure: the host passes in everything that
// depends on VS Code (the CSP source, webview URIs, a nonce from crypto.randomBytes), so
// this file imports neither `vscode` nor Node, and tests build the very same page.
//
// Invariant: no data is ever spliced into script text. The page loads one module script by
// nonce (the chunks it imports inherit the nonce); the graph arrives later by postMessage,
// and the small config travels in an escaped `data-config` attribute. (Two well-known graph extensions inline their data in a
// <script> and run `</script>` in a label as markup.)

import { normaliseConfig } from './config';
import type { WebviewConfig } from './config';

export interface WebviewHtmlOptions {
  /** `webview.cspSource`: the origin webview resources are served from. */
  cspSource: string;
  /** A fresh random nonce per page load (base64 or hex), made by the host. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview/webview.js)` as a string: an ES module. */
  scriptUri: string;
  /** Chunks the first drawing imports (dist/webview/first-draw.json), fetched while the module loads. */
  preloadUris?: string[];
  /** `webview.asWebviewUri(dist/webview.css)` as a string. */
  styleUri: string;
  /** The panel's title, shown in the toolbar until a graph arrives. */
  title: string;
  config: Partial<WebviewConfig>;
}

/** Escapes text for HTML element content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The Content-Security-Policy of the page, as one header value. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    // Mermaid injects <style> elements into its SVG and sets inline style attributes, so
    // styles need 'unsafe-inline'. No nonce here on purpose: a nonce in style-src makes
    // browsers ignore 'unsafe-inline', and Mermaid's styles would be dropped.
    `style-src ${cspSource} 'unsafe-inline'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
  ].join('; ');
}

function checkToken(name: string, value: string, pattern: RegExp): void {
  if (!pattern.test(value))
    throw new Error(
      `buildWebviewHtml: ${name} has unexpected characters: ${JSON.stringify(value)}`,
    );
}

const ICON = {
  zoomIn:
    '<path d="M6.5 1a5.5 5.5 0 0 1 4.38 8.83l3.9 3.9-.7.7-3.9-3.9A5.5 5.5 0 1 1 6.5 1zm0 1a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM7 4v2h2v1H7v2H6V7H4V6h2V4h1z"/>',
  zoomOut:
    '<path d="M6.5 1a5.5 5.5 0 0 1 4.38 8.83l3.9 3.9-.7.7-3.9-3.9A5.5 5.5 0 1 1 6.5 1zm0 1a4.5 4.5 0 1 0 0 9 4.5 4.5 0 0 0 0-9zM4 6h5v1H4V6z"/>',
  fit: '<path d="M2 2h4v1H3v3H2V2zm8 0h4v4h-1V3h-3V2zM3 10v3h3v1H2v-4h1zm11 0v4h-4v-1h3v-3h1z"/>',
  expand:
    '<path d="M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm0 1a6 6 0 1 0 0 12A6 6 0 0 0 8 2zm.5 2.5v3h3v1h-3v3h-1v-3h-3v-1h3v-3h1z"/>',
  collapse:
    '<path d="M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm0 1a6 6 0 1 0 0 12A6 6 0 0 0 8 2zM4.5 7.5h7v1h-7v-1z"/>',
  timeline: '<path d="M1 3h14v1H1V3zm0 4h9v1H1V7zm0 4h12v1H1v-1z"/>',
  more: '<path d="M3 7h2v2H3V7zm4 0h2v2H7V7zm4 0h2v2h-2V7z"/>',
};

function icon(path: string): string {
  return `<svg class="np-icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" fill="currentColor">${path}</svg>`;
}

/**
 * The panels beside the graph, hidden until used: a function's drop points, the skb
 * timeline, a trace's events. Static markup: their content is set as text by
 * drops-panel.ts, timeline-panel.ts and trace-panel.ts.
 */
const SIDE_PANELS = `    <aside id="np-drops" class="np-side np-drops" aria-labelledby="np-drops-title" hidden>
      <div class="np-side-head">
        <div class="np-drops-title-row">
          <h2 id="np-drops-title">Drop points <code id="np-drops-fn" class="np-drops-fn"></code></h2>
          <button type="button" id="np-drops-close" class="np-button np-text" title="Close (Escape)" aria-label="Close the drop points">×</button>
        </div>
        <p id="np-drops-summary" class="np-hint"></p>
      </div>
      <ol id="np-drops-list" class="np-drops-list"></ol>
    </aside>
    <aside id="np-timeline" class="np-side np-timeline" aria-label="skb timeline" hidden>
      <div class="np-side-head">
        <h2>skb timeline</h2>
        <p class="np-hint">Each call's effect on the buffer pointers, in path order. Bars are schematic, not to scale.</p>
      </div>
      <ol id="np-steps" class="np-steps"></ol>
    </aside>
    <aside id="np-trace" class="np-side np-trace" aria-label="Trace events" hidden>
      <div class="np-side-head">
        <h2>Trace</h2>
        <p id="np-trace-summary" class="np-hint"></p>
        <div class="np-trace-nav" role="group" aria-label="Step through the events">
          <button type="button" id="np-trace-prev" class="np-button np-text" title="Previous event (↑ or k in the list)" aria-label="Previous event">‹</button>
          <span id="np-trace-pos" class="np-readout" aria-live="polite">–</span>
          <button type="button" id="np-trace-next" class="np-button np-text" title="Next event (↓ or j in the list)" aria-label="Next event">›</button>
        </div>
      </div>
      <ol id="np-events" class="np-events" tabindex="0" aria-label="Events in order: click one to show its function, double-click or Enter to open it"></ol>
      <div id="np-trace-unmatched" class="np-trace-unmatched"></div>
    </aside>
`;

/** The complete HTML page of the graph webview. Throws if `nonce` or `cspSource` could break out of the CSP. */
export function buildWebviewHtml(options: WebviewHtmlOptions): string {
  checkToken('nonce', options.nonce, /^[A-Za-z0-9+/=_-]{16,}$/);
  // A CSP source list: schemes, hosts, wildcards and paths, and the keyword 'self' (which
  // code-server's webviews use), never another quoted keyword, a `;` or a `,`.
  checkToken('cspSource', options.cspSource, /^\s*(?:(?:'self'|[A-Za-z0-9:/.*+_-]+)(?:\s+|$))+$/);
  const csp = contentSecurityPolicy(options.cspSource, options.nonce);
  const config = escapeHtml(JSON.stringify(normaliseConfig(options.config)));
  const title = escapeHtml(options.title);
  const preloads = (options.preloadUris ?? [])
    .map(
      (uri) =>
        `<link rel="modulepreload" nonce="${escapeHtml(options.nonce)}" href="${escapeHtml(uri)}">\n`,
    )
    .join('');

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(options.styleUri)}">
${preloads}<title>${title}</title>
</head>
<body>
<div id="np-app" class="np-app" data-config="${config}">
  <header id="np-toolbar" class="np-toolbar" role="toolbar" aria-label="Graph tools">
    <div class="np-title" id="np-title" title="${title}">${title}</div>
    <div class="np-search">
      <input id="np-search" type="search" placeholder="Find function" aria-label="Find function (Enter: next match, Shift+Enter: previous)" spellcheck="false" autocomplete="off">
      <span id="np-search-count" class="np-count" aria-live="polite"></span>
    </div>
    <div class="np-group np-foldable" role="group" aria-label="Zoom" data-label="Zoom">
      <button type="button" id="np-zoom-out" class="np-button" title="Zoom out (-)" aria-label="Zoom out">${icon(ICON.zoomOut)}</button>
      <span id="np-zoom" class="np-readout" title="Zoom level">100%</span>
      <button type="button" id="np-zoom-in" class="np-button" title="Zoom in (+)" aria-label="Zoom in">${icon(ICON.zoomIn)}</button>
      <button type="button" id="np-fit" class="np-button" title="Fit to view (0)" aria-label="Fit to view">${icon(ICON.fit)}</button>
    </div>
    <div class="np-group np-foldable" role="group" aria-label="Depth" data-label="Depth">
      <button type="button" id="np-depth-less" class="np-button np-text" title="Show one level less" aria-label="Less depth">−</button>
      <span id="np-depth" class="np-readout" title="Depth of the call graph">depth</span>
      <button type="button" id="np-depth-more" class="np-button np-text" title="Show one level more" aria-label="More depth">+</button>
    </div>
    <div class="np-group np-foldable" role="group" aria-label="Branches" data-label="Branches">
      <button type="button" id="np-expand" class="np-button" title="Expand the selected collapsed branch (double-click a ⊕ node)" aria-label="Expand branch" disabled>${icon(ICON.expand)}</button>
      <button type="button" id="np-collapse" class="np-button" title="Collapse the branch below the selected function" aria-label="Collapse branch" disabled>${icon(ICON.collapse)}</button>
    </div>
    <div class="np-group np-foldable" role="group" aria-label="Panels" data-label="Panels">
      <button type="button" id="np-timeline-toggle" class="np-button np-labelled" title="Show the skb timeline: what each call does to the packet buffer" aria-pressed="false" disabled>${icon(ICON.timeline)}<span>skb</span></button>
      <select id="np-export" class="np-select" title="Export the graph" aria-label="Export">
        <option value="" selected>Export…</option>
        <option value="markdown">Markdown (Mermaid)</option>
        <option value="mermaid">Mermaid</option>
        <option value="svg">SVG image</option>
        <option value="html">HTML page (pan and zoom)</option>
        <option value="dot">Graphviz DOT</option>
        <option value="text">Text</option>
        <option value="json">JSON</option>
      </select>
    </div>
    <div id="np-status" class="np-status" aria-live="polite"></div>
    <div class="np-more">
      <button type="button" id="np-more" class="np-button" title="More tools" aria-label="More tools" aria-haspopup="true" aria-expanded="false" aria-controls="np-menu" hidden>${icon(ICON.more)}</button>
      <div id="np-menu" class="np-menu" role="group" aria-label="More tools" hidden></div>
    </div>
  </header>
  <main class="np-main">
    <div id="np-viewport" class="np-viewport" tabindex="0" aria-label="Call graph: drag to pan, wheel to zoom, Shift+wheel to scroll sideways, click a function to open it">
      <div id="np-canvas" class="np-canvas"></div>
      <div id="np-hbar" class="np-scrollbar np-scrollbar-h" hidden><div class="np-thumb"></div></div>
      <div id="np-vbar" class="np-scrollbar np-scrollbar-v" hidden><div class="np-thumb"></div></div>
      <div id="np-message" class="np-message" role="alert" hidden></div>
      <div id="np-empty" class="np-empty">Waiting for a graph…</div>
    </div>
${SIDE_PANELS}  </main>
  <footer class="np-legend" aria-label="Legend">
    <span class="np-chip np-ctx-hardirq">hard IRQ</span>
    <span class="np-chip np-ctx-softirq">softirq</span>
    <span class="np-chip np-ctx-process">process</span>
    <span class="np-chip np-ctx-bhdisabled">BH disabled</span>
    <span class="np-sep"></span>
    <span class="np-edge-key np-edge-direct">direct call</span>
    <span class="np-edge-key np-edge-indirect">indirect (fn pointer)</span>
    <span class="np-edge-key np-edge-async">async (softirq, work)</span>
    <span class="np-edge-key np-edge-wakes">wakes (a sleeping task)</span>
    <span class="np-sep"></span>
    <span class="np-badge-key">⇄ skb op</span>
    <span class="np-badge-key">◆ netfilter hook</span>
    <span class="np-badge-key">⊘ drop points (click)</span>
    <span class="np-badge-key">⊕ collapsed</span>
  </footer>
  <div id="np-tooltip" class="np-tooltip" role="tooltip" hidden></div>
</div>
<script type="module" nonce="${escapeHtml(options.nonce)}" src="${escapeHtml(options.scriptUri)}"></script>
</body>
</html>
`;
}
