// Renderers: pure functions from the graph JSON contract to text formats. No I/O, no VS Code,
// no DOM: the CLI prints their output, the extension posts it to the webview.

export { toMermaid, toMermaidMarkdown, MERMAID_EXPORT_CONFIG } from './mermaid';
export type { MermaidDirection, MermaidEdgeRef, MermaidOptions, MermaidResult } from './mermaid';
export { toDot } from './dot';
export type { DotOptions } from './dot';
export { toText } from './text';
export { stageTitle, contextTitle } from './stages';
export { shortVia } from './via';
export { escapeMermaid, escapeDot, plainText } from './escape';
export { pathOrder, prepareGraph } from './model';
export type { PreparedGraph, StageLane, EdgeGroup } from './model';
