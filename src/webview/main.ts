// The graph webview's browser bundle: receives graphs from the host, draws them with the
// bundled Mermaid, and turns clicks, hovers and toolbar actions into protocol messages.
// This file is the one place where the page's listeners are registered; the modules it
// wires share one state object (src/webview/state.ts):
//
//   dom.ts            the page's elements
//   state.ts          the state, the VS Code API, what survives hide/show
//   render.ts         Mermaid drawing, the SVG's post-processing, "too large" and errors
//   panzoom.ts        pan and zoom (wheel, drag, keys)
//   interactions.ts   clicks and hovers on the graph, selection
//   search-view.ts    the "Find function" box
//   timeline-panel.ts the skb timeline panel
//   trace-panel.ts    a trace's events, stepped through on the graph
//   drops-panel.ts    a function's drop points, opened from its badge
//   toolbar.ts        the toolbar's actions and export
//   toolbar-fold.ts   the toolbar on one row, folding into a menu when narrow
//   messages.ts       messages from the host
//
// Pure logic (ids, search, limits, timeline, viewport, theme, tooltip) lives in the
// modules those import, unit-tested without a browser.

import { dom } from './dom';
import {
  closeDrops,
  onBadgeClick,
  onBadgeFocus,
  onBadgeKey,
  onDropsClick,
  onDropsEscape,
} from './drops-panel';
import {
  onCanvasClick,
  onCanvasDoubleClick,
  onCanvasMouseMove,
  onCanvasMouseOver,
} from './interactions';
import { onHostMessage } from './messages';
import {
  fit,
  onPointerDown,
  onPointerEnd,
  onPointerMove,
  onScrollbarDown,
  onScrollbarMove,
  onScrollbarUp,
  onViewportKey,
  onWheel,
  zoomBy,
} from './panzoom';
import { isHostMessage } from './protocol';
import { drawGraph } from './render';
import { onSearchInput, onSearchKey } from './search-view';
import { post, state } from './state';
import { onStepClick, onStepHover, onStepKey, onStepsLeave } from './timeline-panel';
import { hideTooltip } from './tooltip-view';
import { onEventClick, onEventDoubleClick, onEventKey, stepEvent } from './trace-panel';
import { onCollapse, onExpand, onExportChosen, onMessageAction, onTimelineToggle } from './toolbar';
import { fitToolbar, onMenuKey, onMoreClick, onPagePointerDown } from './toolbar-fold';

function listen(): void {
  // Toolbar.
  dom.zoomIn.addEventListener('click', () => zoomBy(1.25));
  dom.zoomOut.addEventListener('click', () => zoomBy(0.8));
  dom.fitButton.addEventListener('click', fit);
  dom.depthMore.addEventListener('click', () => post({ type: 'depth', delta: 1 }));
  dom.depthLess.addEventListener('click', () => post({ type: 'depth', delta: -1 }));
  dom.expandButton.addEventListener('click', onExpand);
  dom.collapseButton.addEventListener('click', onCollapse);
  dom.timelineToggle.addEventListener('click', onTimelineToggle);
  dom.exportSelect.addEventListener('change', onExportChosen);
  dom.searchBox.addEventListener('input', onSearchInput);
  dom.searchBox.addEventListener('keydown', onSearchKey);
  dom.moreButton.addEventListener('click', onMoreClick);
  dom.menu.addEventListener('keydown', onMenuKey);
  document.addEventListener('pointerdown', onPagePointerDown);
  // The toolbar folds into its menu when the panel is narrow (a split editor).
  new ResizeObserver(fitToolbar).observe(dom.toolbar);

  // Pan and zoom.
  dom.viewport.addEventListener('wheel', onWheel, { passive: false });
  dom.viewport.addEventListener('pointerdown', onPointerDown);
  dom.viewport.addEventListener('pointermove', onPointerMove);
  dom.viewport.addEventListener('pointerup', onPointerEnd);
  dom.viewport.addEventListener('pointercancel', onPointerEnd);
  dom.viewport.addEventListener('keydown', onViewportKey);
  for (const bar of [dom.hbar, dom.vbar]) {
    bar.addEventListener('pointerdown', onScrollbarDown);
    bar.addEventListener('pointermove', onScrollbarMove);
    bar.addEventListener('pointerup', onScrollbarUp);
    bar.addEventListener('pointercancel', onScrollbarUp);
  }

  // The graph itself, and the message shown instead of it.
  // A click on a function's drop badge lists its drop points instead of opening it.
  dom.canvas.addEventListener('click', (event) => {
    if (!onBadgeClick(event)) onCanvasClick(event);
  });
  dom.canvas.addEventListener('keydown', onBadgeKey);
  dom.canvas.addEventListener('focusin', onBadgeFocus);
  dom.canvas.addEventListener('dblclick', onCanvasDoubleClick);
  dom.canvas.addEventListener('mouseover', onCanvasMouseOver);
  dom.canvas.addEventListener('mousemove', onCanvasMouseMove);
  dom.canvas.addEventListener('mouseleave', hideTooltip);
  dom.messageBox.addEventListener('click', onMessageAction);

  // The skb timeline's steps (the list is redrawn with each graph, so it delegates).
  dom.stepsList.addEventListener('click', onStepClick);
  dom.stepsList.addEventListener('keydown', onStepKey);
  dom.stepsList.addEventListener('mouseover', onStepHover);
  dom.stepsList.addEventListener('mouseleave', onStepsLeave);

  // A trace's events (the list is redrawn with each graph, so it delegates).
  dom.eventsList.addEventListener('click', onEventClick);
  dom.eventsList.addEventListener('dblclick', onEventDoubleClick);
  dom.eventsList.addEventListener('keydown', onEventKey);
  dom.tracePrev.addEventListener('click', () => stepEvent(-1));
  dom.traceNext.addEventListener('click', () => stepEvent(1));

  // The drop points of one function.
  dom.dropsList.addEventListener('click', onDropsClick);
  dom.dropsClose.addEventListener('click', closeDrops);
  document.addEventListener('keydown', onDropsEscape);

  // The host, and the page around us.
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isHostMessage(event.data)) onHostMessage(event.data);
  });
  window.addEventListener('resize', hideTooltip);
  // VS Code swaps the body's theme classes when the colour theme changes: redraw with the
  // new colours (Mermaid bakes them into the SVG), keeping the view.
  new MutationObserver(() => {
    if (state.lastMessage) void drawGraph(state.lastMessage, true);
  }).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}

listen();
fitToolbar();
if (state.saved.search) dom.searchBox.value = state.saved.search;
state.loadedAt = performance.now();
post({ type: 'ready' });
