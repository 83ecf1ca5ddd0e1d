// The formats a drawn graph can be exported to, shared by the document export
// (export.ts), the webview's messages and the extension's Export Diagram command.

/**
 * Formats the host can export the current graph to. `svg` and `html` (a standalone page
 * with the drawing) carry the SVG the webview drew for documents.
 */
export const EXPORT_FORMATS = [
  'mermaid',
  'markdown',
  'svg',
  'html',
  'dot',
  'text',
  'json',
] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The formats whose export message must carry the drawing. */
export function exportNeedsSvg(format: ExportFormat): boolean {
  return format === 'svg' || format === 'html';
}
