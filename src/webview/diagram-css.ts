// CSS for the drawn diagram, passed to Mermaid as `themeCSS`. Two reasons it is not in
// media/webview.css: Mermaid measures labels inside its own SVG before the SVG reaches the
// page, so fonts must be set there or labels get clipped; and Mermaid scopes this CSS to
// the SVG's id, which outranks the `#id .hardirq>*` rules its classDefs generate.
// Colours are `var(--np-...)` defined in media/webview.css: only Mermaid's themeVariables
// need literal colours, plain CSS resolves variables in the browser. Pure.

/** Removes what could end a CSS declaration or rule from a font-family list. */
export function safeFontList(value: string, fallback: string): string {
  const cleaned = value.replace(/[{}<>;\\]/g, '').trim();
  return cleaned === '' ? fallback : cleaned;
}

/** A rule for the outline shape of nodes with class `cls` (rect, subroutine polygon, stadium path). */
function shapeRule(cls: string, body: string): string {
  const node = `g.node${cls}`;
  return `${node} > rect, ${node} > polygon, ${node} > path, ${node} .label-container { ${body} }`;
}

/** The diagram's CSS for the panel; `mono` and `sans` are CSS font-family lists. */
export function diagramCss(mono: string, sans: string): string {
  const m = safeFontList(mono, 'ui-monospace, monospace');
  const s = safeFontList(sans, 'system-ui, sans-serif');
  const tint = (colour: string): string =>
    `color-mix(in srgb, var(${colour}) var(--np-tint), var(--np-bg))`;
  return [
    // Function labels: monospace; the first line (the name) bold and bright, the location
    // and badges below it quieter.
    `.nodeLabel, .nodeLabel p { font-family: ${m}; font-size: 12px; line-height: 1.45; }`,
    `g.node .nodeLabel p { color: var(--np-muted) !important; }`,
    `g.node .nodeLabel p::first-line { color: var(--np-fg); font-weight: 700; font-size: 12.5px; }`,
    `g.node .nodeLabel, g.node .nodeLabel span { color: var(--np-muted) !important; }`,
    // Lane titles: a heading, not a function.
    `.cluster-label .nodeLabel, .cluster-label .nodeLabel p { font-family: ${s}; font-size: 12px; font-weight: 700; letter-spacing: 0.03em; color: var(--np-muted) !important; }`,
    `.cluster-label .nodeLabel p::first-line { color: var(--np-muted); font-weight: 700; font-size: 12px; }`,
    `.cluster rect { rx: 8px; ry: 8px; }`,
    // The system-call boundary under the user-space lane.
    `.np-user-lane > rect { stroke-dasharray: 4 3; }`,
    `.np-boundary { stroke: var(--np-muted); stroke-width: 1.5px; stroke-dasharray: 8 4; }`,
    `.np-boundary-label { fill: var(--np-muted); font-family: ${s}; font-size: 11px; }`,
    `.edgeLabel, .edgeLabel p, .edgeLabel span { font-family: ${m}; font-size: 11px; }`,
    // Execution contexts.
    shapeRule('', 'stroke-width: 1.2px;'),
    shapeRule(
      '.hardirq',
      `fill: ${tint('--np-hardirq')} !important; stroke: var(--np-hardirq) !important;`,
    ),
    shapeRule(
      '.softirq',
      `fill: ${tint('--np-softirq')} !important; stroke: var(--np-softirq) !important;`,
    ),
    shapeRule(
      '.process',
      `fill: ${tint('--np-process')} !important; stroke: var(--np-process) !important;`,
    ),
    shapeRule(
      '.bhdisabled',
      `fill: ${tint('--np-bhdisabled')} !important; stroke: var(--np-bhdisabled) !important;`,
    ),
    shapeRule('.nfhook', 'stroke: var(--np-hook) !important; stroke-width: 2.5px !important;'),
    shapeRule('.omitted', 'fill: transparent !important; stroke: var(--np-muted) !important;'),
    `g.node { cursor: pointer; }`,
    // Selection, search, timeline hover.
    shapeRule('.np-selected', 'stroke: var(--np-accent) !important; stroke-width: 3px !important;'),
    `g.node.np-selected { filter: drop-shadow(0 0 5px var(--np-accent)); }`,
    // Search matches: outlined in the text colour (context colours stay readable), the
    // current one glowing; the rest of the graph is dimmed by media/webview.css.
    shapeRule('.np-match', 'stroke: var(--np-fg) !important; stroke-width: 2.5px !important;'),
    shapeRule('.np-current', 'stroke: var(--np-match) !important; stroke-width: 4px !important;'),
    `g.node.np-current { filter: drop-shadow(0 0 8px var(--np-match)); }`,
    shapeRule('.np-flash', 'stroke: var(--np-accent) !important; stroke-width: 4px !important;'),
    // A trace on the graph: observed functions strong, inferred ones faint and dashed, a
    // branch not taken fainter, a drop in red; the event stepped to glows.
    shapeRule('.observed', 'stroke-width: 3px !important;'),
    shapeRule(
      '.inferred',
      'fill: transparent !important; stroke: var(--np-muted) !important; stroke-dasharray: 4 3 !important;',
    ),
    shapeRule('.untaken', 'stroke-dasharray: 2 3 !important; opacity: 0.45;'),
    `g.node:is(.inferred, .untaken) :is(.nodeLabel, span, p) { color: var(--np-muted) !important; }`,
    // A function's drop badge is a button (src/webview/drops-panel.ts): red, underlined.
    `g.node .nodeLabel span.np-drop-badge { color: var(--np-hardirq) !important; text-decoration: underline dotted; text-underline-offset: 2px; cursor: pointer; border-radius: 3px; padding: 0 2px; }`,
    `g.node .nodeLabel span.np-drop-badge:hover { background: color-mix(in srgb, var(--np-hardirq) 16%, transparent); }`,
    `g.node .nodeLabel span.np-drop-badge:focus-visible { outline: 2px solid var(--np-accent); outline-offset: 1px; }`,
    `g.node .nodeLabel span.np-drop-badge[aria-expanded='true'] { background: color-mix(in srgb, var(--np-hardirq) 24%, transparent); }`,
    shapeRule('.drop', 'stroke: var(--np-hardirq) !important; stroke-width: 3px !important;'),
    shapeRule('.np-trace-at', 'stroke: var(--np-match) !important; stroke-width: 5px !important;'),
    `g.node.np-trace-at { filter: drop-shadow(0 0 10px var(--np-match)); }`,
    // Edges: direct solid grey, indirect dashed purple, async thick orange, wakes dotted.
    `path.flowchart-link { stroke: var(--np-line) !important; }`,
    `path.flowchart-link.np-edge-indirect { stroke: var(--np-indirect) !important; stroke-dasharray: 5 4 !important; stroke-width: 1.6px !important; }`,
    `path.flowchart-link.np-edge-async { stroke: var(--np-async) !important; stroke-width: 3.5px !important; }`,
    // A wake-up is not a call: dotted and muted, so the eye follows the calls first.
    `path.flowchart-link.np-edge-wakes { stroke: var(--np-muted) !important; stroke-dasharray: 2 4 !important; stroke-width: 1.6px !important; }`,
    `marker :is(path, polygon) { fill: var(--np-line) !important; stroke: var(--np-line) !important; }`,
    `marker.np-marker-indirect :is(path, polygon) { fill: var(--np-indirect) !important; stroke: var(--np-indirect) !important; }`,
    `marker.np-marker-async :is(path, polygon) { fill: var(--np-async) !important; stroke: var(--np-async) !important; }`,
    `marker.np-marker-wakes :is(path, polygon) { fill: var(--np-muted) !important; stroke: var(--np-muted) !important; }`,
    `path.np-edge-hit { fill: none; stroke: transparent; stroke-width: 14px; pointer-events: stroke; cursor: pointer; }`,
    `path.np-edge-hit:hover { stroke: color-mix(in srgb, var(--np-accent) 25%, transparent); }`,
    `.edgeLabel { cursor: pointer; }`,
    `.edgeLabel .labelBkg, .edgeLabel foreignObject > div { background: var(--np-bg) !important; border-radius: 3px; }`,
    `.edgeLabel p, .edgeLabel span { background: var(--np-bg) !important; }`,
    `.np-label-indirect :is(span, p) { color: var(--np-indirect) !important; }`,
    `.np-label-async :is(span, p) { color: var(--np-async) !important; font-weight: 700; }`,
    `.np-label-wakes :is(span, p) { color: var(--np-muted) !important; font-style: italic; }`,
  ].join('\n');
}
