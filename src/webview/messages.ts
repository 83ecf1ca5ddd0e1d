// Messages from the extension host (src/webview/protocol.ts), each turned into what the
// page does with it.

import { dom } from './dom';
import { focusNode } from './interactions';
import type { HostToWebview } from './protocol';
import { drawGraph, setStatus } from './render';
import { runSearch } from './search-view';
import { saveState, state } from './state';
import { fitToolbar } from './toolbar-fold';

export function onHostMessage(message: HostToWebview): void {
  switch (message.type) {
    case 'graph':
      if (message.restore !== undefined) {
        state.saved = { ...state.saved, restore: message.restore };
        saveState();
      }
      void drawGraph(message, false);
      break;
    case 'highlight':
      dom.searchBox.value = message.query;
      runSearch(message.query, true);
      break;
    case 'setDepth':
      dom.depthReadout.textContent = `depth ${message.depth}`;
      dom.depthMore.disabled = message.maxDepth !== undefined && message.depth >= message.maxDepth;
      dom.depthLess.disabled = message.depth <= 1;
      fitToolbar();
      break;
    case 'focusNode':
      focusNode(message.nodeId);
      break;
    case 'status':
      setStatus(message.text, message.busy ?? false);
      break;
    case 'requestExport':
      // The palette's Export Diagram: the same path as choosing the format in the toolbar.
      dom.exportSelect.value = message.format;
      dom.exportSelect.dispatchEvent(new Event('change'));
      break;
  }
}
