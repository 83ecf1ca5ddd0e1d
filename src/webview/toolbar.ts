// The toolbar's actions (zoom, depth, branches, the skb timeline, export) and the buttons
// of the "too large" message. Handlers only; src/webview/main.ts registers them.

import type { MermaidConfig } from 'mermaid';
import { MERMAID_EXPORT_CONFIG } from '../analysis/render/mermaid';
import { dom } from './dom';
import type { ExportFormat } from './protocol';
import { removeStrays, renderWith, setStatus } from './render';
import { post, state } from './state';
import { setTimelineOpen } from './timeline-panel';

export function onExpand(): void {
  if (state.selected !== undefined) post({ type: 'expand', nodeId: state.selected });
}

export function onCollapse(): void {
  if (state.selected !== undefined) post({ type: 'collapse', nodeId: state.selected });
}

export function onTimelineToggle(): void {
  setTimelineOpen(dom.timelinePanel.hidden);
}

export function onExportChosen(): void {
  const select = dom.exportSelect;
  const format = select.value as ExportFormat | '';
  select.value = '';
  if (format === '') return;
  if (format === 'svg' || format === 'html') void exportSvg(format);
  else post({ type: 'export', format });
}

/** The buttons of the message shown instead of a graph, by their `data-action`. */
export function onMessageAction(event: MouseEvent): void {
  if (!(event.target instanceof Element)) return;
  const action = event.target.closest<HTMLElement>('button[data-action]')?.dataset.action;
  if (action === 'depth-less') post({ type: 'depth', delta: -1 });
  else if (action === 'export-text') post({ type: 'export', format: 'text' });
}

/**
 * Draws the current text again for documents (SVG text labels, light theme) and sends it
 * to the host, which writes it as an SVG file or inside a standalone HTML page.
 */
async function exportSvg(format: 'svg' | 'html'): Promise<void> {
  const current = state.current;
  if (!current) return;
  const id = `np-export-${++state.exportSeq}`;
  setStatus('Preparing SVG…', true);
  try {
    const exportConfig: MermaidConfig = {
      ...MERMAID_EXPORT_CONFIG,
      flowchart: { ...MERMAID_EXPORT_CONFIG.flowchart },
      startOnLoad: false,
      theme: 'default',
      maxTextSize: state.config.maxTextSize,
      maxEdges: state.config.maxEdges,
      suppressErrorRendering: true,
      layout: state.config.layout,
    };
    const { svg } = await renderWith(exportConfig, id, current.mermaid.text);
    post({ type: 'export', format, svg });
  } catch (error) {
    post({
      type: 'error',
      message: `SVG export failed: ${error instanceof Error ? error.message : String(error)}`,
    });
  } finally {
    removeStrays(id);
    if (dom.app.dataset.state !== 'drawing') setStatus('');
  }
}
