// The toolbar's "Find function" box: which drawn functions match (src/webview/search.ts),
// painted on the graph, and Enter / Shift+Enter to visit them one by one.

import { dom } from './dom';
import { centreOnElement } from './panzoom';
import { cycleIndex, findMatches } from './search';
import { saveState, state } from './state';

/** Finds `query` in the drawn graph; `jump` reveals the best match. */
export function runSearch(query: string, jump: boolean): void {
  const current = state.current;
  if (!current) {
    dom.searchCount.textContent = '';
    return;
  }
  state.matches = findMatches(current.graph.nodes, current.mermaid, query);
  state.matchIndex = jump && state.matches.length > 0 ? 0 : -1;
  paintMatches();
  if (jump) revealMatch();
  saveState();
}

function paintMatches(): void {
  const current = state.current;
  if (!current) return;
  const { matches, matchIndex } = state;
  const set = new Set(matches);
  const cur = matches[matchIndex];
  for (const [id, element] of current.elements) {
    element.classList.toggle('np-match', set.has(id));
    element.classList.toggle('np-current', id === cur);
  }
  dom.canvas.classList.toggle('np-searching', matches.length > 0);
  const q = dom.searchBox.value.trim();
  dom.searchCount.textContent =
    q === ''
      ? ''
      : matches.length === 0
        ? 'no match'
        : `${matchIndex >= 0 ? matchIndex + 1 : '–'}/${matches.length}`;
  dom.searchBox.classList.toggle('np-no-match', q !== '' && matches.length === 0);
}

function revealMatch(): void {
  const id = state.matches[state.matchIndex];
  const element = id !== undefined ? state.current?.elements.get(id) : undefined;
  if (element) centreOnElement(element);
}

export function onSearchInput(): void {
  runSearch(dom.searchBox.value, false);
}

export function onSearchKey(event: KeyboardEvent): void {
  if (event.key === 'Enter') {
    event.preventDefault();
    if (state.matches.length === 0) runSearch(dom.searchBox.value, false);
    state.matchIndex = cycleIndex(state.matchIndex, state.matches.length, event.shiftKey ? -1 : 1);
    paintMatches();
    revealMatch();
  } else if (event.key === 'Escape') {
    dom.searchBox.value = '';
    runSearch('', false);
    dom.viewport.focus();
  }
}
