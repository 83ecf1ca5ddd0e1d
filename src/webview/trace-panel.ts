// The trace panel beside the graph: the summary of a trace, its events in order (drops and
// gaps marked), the names the tree does not define, and stepping through the events (the
// ‹ › buttons, the list's arrow keys, j/k): each step highlights the event's function in
// the graph. Every text from the trace is set as textContent, never as markup. The
// listeners are registered by src/webview/main.ts.

import type { GraphJson } from '../analysis/graph-json';
import { dom, el } from './dom';
import { centreOnElement } from './panzoom';
import { post, state } from './state';
import { eventRows, stepTo, traceSummary, unmatchedLines } from './trace-events';
import type { EventRow } from './trace-events';

/** Draws the panel for `graph`'s trace, or hides it for a graph without one. */
export function renderTracePanel(graph: GraphJson): void {
  const rows = eventRows(graph);
  state.traceRows = rows;
  state.traceAt = undefined;
  dom.tracePanel.hidden = !graph.trace;
  dom.app.classList.toggle('np-has-trace', graph.trace !== undefined);
  dom.traceSummary.textContent = traceSummary(graph);
  dom.eventsList.replaceChildren(...rows.map(eventItem));
  const unmatched = unmatchedLines(graph);
  dom.traceUnmatched.replaceChildren();
  if (unmatched.length > 0) {
    dom.traceUnmatched.append(el('h3', undefined, `Not drawn (${unmatched.length})`));
    const list = el('ul');
    for (const line of unmatched) list.append(el('li', undefined, line));
    dom.traceUnmatched.append(list);
  }
  updatePosition();
}

function eventItem(row: EventRow): HTMLLIElement {
  const li = el('li', `np-event np-event-${row.kind}`);
  li.dataset.row = String(row.index);
  if (row.node !== undefined) li.dataset.node = row.node;
  const head = el('div', 'np-event-head');
  head.append(el('span', 'np-event-no', `#${row.event}`), el('code', 'np-event-fn', row.name));
  if (row.where) head.append(el('span', 'np-event-where', row.where));
  li.append(head, el('div', 'np-event-note', row.note));
  li.title = row.note;
  return li;
}

function updatePosition(): void {
  const n = state.traceRows.length;
  dom.tracePosition.textContent =
    state.traceAt === undefined ? `– / ${n}` : `${state.traceAt + 1} / ${n}`;
  dom.tracePrev.disabled = n === 0 || state.traceAt === 0;
  dom.traceNext.disabled = n === 0 || state.traceAt === n - 1;
}

/** The drawn node element of a graph id, if the graph draws it. */
function nodeElement(id: string): SVGGElement | undefined {
  const mid = state.current?.drawn.get(id);
  return mid !== undefined ? state.current?.elements.get(mid) : undefined;
}

/** Selects row `index`: marks it, highlights its function in the graph and centres on it. */
export function selectEvent(index: number | undefined): void {
  const rows = state.traceRows;
  const row = index !== undefined ? rows[index] : undefined;
  state.traceAt = row ? index : undefined;
  dom.eventsList.querySelectorAll('li.np-event-current').forEach((li) => {
    li.classList.remove('np-event-current');
    li.removeAttribute('aria-current');
  });
  if (state.current)
    for (const element of state.current.elements.values()) element.classList.remove('np-trace-at');
  updatePosition();
  if (!row) return;
  const li = dom.eventsList.children[row.index];
  if (li) {
    li.classList.add('np-event-current');
    li.setAttribute('aria-current', 'step');
    li.scrollIntoView({ block: 'nearest' });
  }
  const element = row.node !== undefined ? nodeElement(row.node) : undefined;
  if (element) {
    element.classList.add('np-trace-at');
    centreOnElement(element);
  }
}

/** Applies the current event's highlight again after a redraw (a theme change). */
export function reapplyTraceHighlight(): void {
  if (state.traceAt !== undefined) selectEvent(state.traceAt);
}

export function stepEvent(delta: number): void {
  selectEvent(stepTo(state.traceRows, state.traceAt, delta));
}

function rowAt(target: EventTarget | null): EventRow | undefined {
  if (!(target instanceof Element)) return undefined;
  const li = target.closest<HTMLLIElement>('li.np-event');
  return li ? state.traceRows[Number(li.dataset.row)] : undefined;
}

/** A click selects the event; a double click also opens its function's definition. */
export function onEventClick(event: MouseEvent): void {
  const row = rowAt(event.target);
  if (!row) return;
  selectEvent(row.index);
  dom.eventsList.focus();
}

export function onEventDoubleClick(event: MouseEvent): void {
  const row = rowAt(event.target);
  if (row?.node !== undefined) post({ type: 'openNode', nodeId: row.node });
}

/** ↓/j and ↑/k step, Home/End go to the ends, Enter opens the function. */
export function onEventKey(event: KeyboardEvent): void {
  const keys: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1 };
  const delta = keys[event.key];
  if (delta !== undefined) stepEvent(delta);
  else if (event.key === 'Home') selectEvent(0);
  else if (event.key === 'End') selectEvent(state.traceRows.length - 1);
  else if (event.key === 'Enter') {
    const row = state.traceAt !== undefined ? state.traceRows[state.traceAt] : undefined;
    if (row?.node !== undefined) post({ type: 'openNode', nodeId: row.node });
  } else return;
  event.preventDefault();
}
