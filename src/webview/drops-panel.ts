// The drop-points panel beside the graph: a function's drop badge (`⊘ 3 drops`, drawn by
// Mermaid in the node's label) becomes a button, and pressing it (a click, or Enter or
// Space once it has the focus) lists the places that function can drop the packet: the
// reason, what it means, and a link that opens the line in the editor (the protocol's
// `openNode` with its file and line). Escape or the panel's × closes it and gives the
// focus back to the badge. Every text is set as textContent, never as markup. The
// listeners are registered by src/webview/main.ts.

import type { GraphNode } from '../analysis/graph-json';
import { dom, el } from './dom';
import { DROP_BADGE_CLASS, badgeLabel, badgeText, dropRows, dropsSummary } from './drop-points';
import type { DropRow } from './drop-points';
import { centreOnElement } from './panzoom';
import { post, state } from './state';
import type { Current } from './state';
import { hideTooltip } from './tooltip-view';

/**
 * Wraps each node's drop badge in a focusable button element. Mermaid writes a label's
 * lines as text nodes between `<br>`s; the badge is the text node that reads exactly
 * what the core wrote for that node (drop-badge.ts).
 */
export function markDropBadges(cur: Current): void {
  for (const [mid, element] of cur.elements) {
    const graphId = cur.mermaid.nodeIds[mid];
    const node = graphId !== undefined ? cur.nodes.get(graphId) : undefined;
    const text = node ? badgeText(node) : undefined;
    if (!node || text === undefined) continue;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    let found: Text | undefined;
    while (!found && walker.nextNode())
      if (walker.currentNode.textContent?.trim() === text) found = walker.currentNode as Text;
    if (!found) continue;
    const badge = el('span', DROP_BADGE_CLASS);
    badge.dataset.node = node.id;
    badge.tabIndex = 0;
    badge.setAttribute('role', 'button');
    badge.setAttribute('aria-label', badgeLabel(node));
    badge.setAttribute('aria-controls', 'np-drops');
    badge.setAttribute('aria-expanded', String(state.dropsNode === node.id));
    badge.title = 'Show where this function can drop the packet (Enter)';
    found.replaceWith(badge);
    badge.append(found);
  }
}

function badgeOf(graphId: string): HTMLElement | undefined {
  for (const badge of Array.from(dom.canvas.querySelectorAll<HTMLElement>(`.${DROP_BADGE_CLASS}`)))
    if (badge.dataset.node === graphId) return badge;
  return undefined;
}

function badgeAt(target: EventTarget | null): HTMLElement | undefined {
  return target instanceof Element
    ? (target.closest<HTMLElement>(`.${DROP_BADGE_CLASS}`) ?? undefined)
    : undefined;
}

/** Lists the drop points of `graphId` in the panel and moves the focus into it. */
export function openDrops(graphId: string): void {
  const node = state.current?.nodes.get(graphId);
  if (!node?.drops?.length) return;
  state.dropsNode = graphId;
  hideTooltip();
  fill(node);
  dom.dropsPanel.hidden = false;
  syncBadges();
  // The first link: Tab walks the links, Enter opens one, Escape goes back to the badge.
  dom.dropsList.querySelector<HTMLButtonElement>('button.np-drop-link')?.focus();
}

/** Closes the panel; the focus goes back to the badge that opened it (if still drawn). */
export function closeDrops(): void {
  const was = state.dropsNode;
  state.dropsNode = undefined;
  dom.dropsPanel.hidden = true;
  syncBadges();
  const badge = was !== undefined ? badgeOf(was) : undefined;
  if (badge) badge.focus({ preventScroll: true });
  else dom.viewport.focus({ preventScroll: true });
}

/** After a new drawing: the open list follows its function, or closes when it is gone. */
export function refreshDrops(): void {
  if (state.dropsNode === undefined) return;
  const node = state.current?.nodes.get(state.dropsNode);
  if (node?.drops?.length) fill(node);
  else {
    state.dropsNode = undefined;
    dom.dropsPanel.hidden = true;
  }
  syncBadges();
}

function syncBadges(): void {
  for (const badge of Array.from(dom.canvas.querySelectorAll<HTMLElement>(`.${DROP_BADGE_CLASS}`)))
    badge.setAttribute('aria-expanded', String(badge.dataset.node === state.dropsNode));
}

function fill(node: GraphNode): void {
  const rows = dropRows(node);
  state.dropRows = rows;
  dom.dropsFunction.textContent = node.name;
  dom.dropsSummary.textContent = dropsSummary(node);
  dom.dropsList.replaceChildren(...rows.map(dropItem));
}

function dropItem(row: DropRow): HTMLLIElement {
  const li = el('li', `np-drop${row.known ? '' : ' np-drop-unknown'}`);
  li.dataset.drop = String(row.index);
  const head = el('div', 'np-drop-head');
  const link = el('button', 'np-drop-link', row.where);
  link.type = 'button';
  link.title = `Open ${row.file}:${row.line}`;
  link.setAttribute('aria-label', `${row.reason}: open ${row.file} at line ${row.line}`);
  head.append(el('code', 'np-drop-reason', row.reason), link);
  li.append(head, el('div', 'np-drop-note', row.note), el('div', 'np-drop-how', row.how));
  return li;
}

/** Opens a drop's line in the editor and marks it as the one opened. */
function openDrop(li: HTMLLIElement): void {
  const row = state.dropRows[Number(li.dataset.drop)];
  const nodeId = state.dropsNode;
  if (!row || nodeId === undefined) return;
  dom.dropsList.querySelectorAll('li.np-drop-current').forEach((item) => {
    item.classList.remove('np-drop-current');
  });
  li.classList.add('np-drop-current');
  post({ type: 'openNode', nodeId, file: row.file, line: row.line });
}

/** A click on a drop's link opens its line (a button: Enter and Space click it too). */
export function onDropsClick(event: MouseEvent): void {
  if (!(event.target instanceof Element)) return;
  const link = event.target.closest('button.np-drop-link');
  const li = link?.closest<HTMLLIElement>('li.np-drop');
  if (li) openDrop(li);
}

/**
 * A click on a node's badge opens its list instead of the function. Returns whether it was
 * on a badge (the canvas's own click handler then does nothing). A click that ends a drag
 * is no click: the canvas's handler sees to that.
 */
export function onBadgeClick(event: MouseEvent): boolean {
  if (state.suppressClick) return false;
  const badge = badgeAt(event.target);
  if (!badge?.dataset.node) return false;
  openDrops(badge.dataset.node);
  return true;
}

/** Enter or Space on a focused badge opens its list. */
export function onBadgeKey(event: KeyboardEvent): void {
  if (event.key !== 'Enter' && event.key !== ' ') return;
  const badge = badgeAt(event.target);
  if (!badge?.dataset.node) return;
  event.preventDefault();
  event.stopPropagation();
  openDrops(badge.dataset.node);
}

/**
 * A badge reached with Tab: the viewport is panned by its transform, never scrolled, so
 * the scroll the browser made to show the focused badge is undone and the function is
 * centred instead.
 */
export function onBadgeFocus(event: FocusEvent): void {
  const badge = badgeAt(event.target);
  if (!badge) return;
  dom.viewport.scrollLeft = 0;
  dom.viewport.scrollTop = 0;
  const node = badge.closest<SVGGElement>('g.node');
  if (node && badge.matches(':focus-visible')) centreOnElement(node);
}

/** Escape closes the panel, unless the search box or the tools menu takes it. */
export function onDropsEscape(event: KeyboardEvent): void {
  if (event.key !== 'Escape' || dom.dropsPanel.hidden) return;
  const active = document.activeElement;
  if (active === dom.searchBox || (active && dom.menu.contains(active))) return;
  event.preventDefault();
  closeDrops();
}
