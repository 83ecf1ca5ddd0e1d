// Folding the toolbar: it never wraps. When its groups do not fit on one row, the last
// ones move, in order, into the menu of the "More tools" button at its end, and come back
// when there is room again. The elements move, so their ids and listeners stay. Run when
// the toolbar's width changes (a ResizeObserver in main.ts) and when its texts change.

import { dom } from './dom';

/** The groups that may fold, in toolbar order; the last folds first. */
function foldable(): HTMLElement[] {
  return Array.from(dom.app.querySelectorAll<HTMLElement>('.np-foldable'));
}

/** Whether the toolbar's items run past its content box (into its padding or beyond). */
function overflowing(): boolean {
  const toolbar = dom.toolbar;
  const limit =
    toolbar.getBoundingClientRect().right - parseFloat(getComputedStyle(toolbar).paddingRight);
  let right = 0;
  for (const child of Array.from(toolbar.children))
    right = Math.max(right, child.getBoundingClientRect().right);
  return right > limit + 0.5;
}

/**
 * Lays the toolbar out on one row for its current width: groups fold, last first, until
 * the title, the search box and the rest fit at their full width; only when every group
 * is folded do the title and the search box get narrower.
 */
export function fitToolbar(): void {
  const groups = foldable();
  const anchor = dom.statusBox;
  dom.toolbar.classList.add('np-measuring');
  for (const group of groups) dom.toolbar.insertBefore(group, anchor);
  dom.moreButton.hidden = true;
  if (overflowing()) {
    dom.moreButton.hidden = false;
    for (const group of groups.reverse()) {
      dom.menu.prepend(group);
      if (!overflowing()) break;
    }
  }
  dom.toolbar.classList.remove('np-measuring');
  if (dom.menu.childElementCount === 0) setMenuOpen(false);
  dom.toolbar.dataset.folded = String(dom.menu.childElementCount);
}

export function setMenuOpen(open: boolean): void {
  dom.menu.hidden = !open;
  dom.moreButton.setAttribute('aria-expanded', String(open));
  dom.moreButton.classList.toggle('np-on', open);
}

export function onMoreClick(): void {
  setMenuOpen(dom.menu.hidden);
}

/** A press outside the menu and its button closes the menu. */
export function onPagePointerDown(event: PointerEvent): void {
  if (dom.menu.hidden || !(event.target instanceof Node)) return;
  if (dom.menu.contains(event.target) || dom.moreButton.contains(event.target)) return;
  setMenuOpen(false);
}

/** Escape closes the menu and gives the focus back to its button. */
export function onMenuKey(event: KeyboardEvent): void {
  if (event.key !== 'Escape' || dom.menu.hidden) return;
  event.preventDefault();
  setMenuOpen(false);
  dom.moreButton.focus();
}
