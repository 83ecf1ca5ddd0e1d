// The hover tooltip on the page: what src/webview/tooltip.ts says about a node or an edge,
// written with `textContent` and placed beside the pointer, inside the panel.

import { dom, el } from './dom';
import type { TooltipContent } from './tooltip';

export function showTooltip(content: TooltipContent, event: MouseEvent): void {
  const { tooltip } = dom;
  tooltip.replaceChildren();
  tooltip.append(el('div', 'np-tip-title', content.title));
  if (content.note) tooltip.append(el('div', 'np-tip-note', content.note));
  const table = el('dl', 'np-tip-rows');
  for (const [label, value] of content.rows)
    table.append(el('dt', undefined, label), el('dd', undefined, value));
  tooltip.append(table, el('div', 'np-tip-hint', content.hint));
  tooltip.hidden = false;
  placeTooltip(event);
}

export function placeTooltip(event: MouseEvent): void {
  const { tooltip } = dom;
  const rect = dom.app.getBoundingClientRect();
  const width = tooltip.offsetWidth;
  const height = tooltip.offsetHeight;
  let x = event.clientX - rect.left + 14;
  let y = event.clientY - rect.top + 16;
  if (x + width > rect.width - 8) x = Math.max(8, event.clientX - rect.left - width - 14);
  if (y + height > rect.height - 8) y = Math.max(8, event.clientY - rect.top - height - 12);
  tooltip.style.transform = `translate(${Math.round(x)}px, ${Math.round(y)}px)`;
}

export function hideTooltip(): void {
  dom.tooltip.hidden = true;
}
