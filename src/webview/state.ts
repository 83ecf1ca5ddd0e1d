// The webview's one state object, the VS Code API it talks through, and what of the state
// survives the panel being hidden and shown again (getState/setState). Every module of
// the page reads and writes `state` here; none keeps mutable state of its own.

import type { GraphJson, GraphNode } from '../analysis/graph-json';
import type { MermaidResult } from '../analysis/render/mermaid';
import { parseConfigAttribute } from './config';
import type { WebviewConfig } from './config';
import { dom } from './dom';
import type { GraphMessage, WebviewToHost } from './protocol';
import type { DropRow } from './drop-points';
import type { TimelineStep } from './timeline';
import type { EventRow } from './trace-events';
import { parseView } from './viewport';
import type { ViewTransform } from './viewport';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

/** Sends a message to the extension host. */
export function post(message: WebviewToHost): void {
  vscode.postMessage(message);
}

/** What survives the panel being hidden and shown again (getState/setState). */
export interface SavedState {
  graphKey?: string;
  view?: ViewTransform;
  search?: string;
  timelineOpen?: boolean;
  selected?: string;
  /** The host's `GraphMessage.restore`, handed back to it when VS Code revives the panel. */
  restore?: unknown;
}

/** The graph on screen, once Mermaid has drawn it. */
export interface Current {
  graph: GraphJson;
  mermaid: MermaidResult;
  key: string;
  nodes: Map<string, GraphNode>;
  /** Graph node id -> Mermaid node id. */
  drawn: Map<string, string>;
  /** Mermaid node id -> the node's SVG group, once drawn. */
  elements: Map<string, SVGGElement>;
  width: number;
  height: number;
}

/** A drag of a scrollbar's thumb: its axis, and where the view and the pointer were when it began. */
export interface ScrollDrag {
  axis: 'h' | 'v';
  id: number;
  view: number;
  start: number;
}

/** A pointer drag in progress: where the view and the pointer were when it began. */
export interface Drag {
  id: number;
  x: number;
  y: number;
  startX: number;
  startY: number;
  moved: boolean;
}

function readState(raw: unknown): SavedState {
  if (typeof raw !== 'object' || raw === null) return {};
  const r = raw as Record<string, unknown>;
  const out: SavedState = {};
  if (typeof r.graphKey === 'string') out.graphKey = r.graphKey;
  const v = parseView(r.view);
  if (v) out.view = v;
  if (typeof r.search === 'string') out.search = r.search.slice(0, 200);
  if (typeof r.timelineOpen === 'boolean') out.timelineOpen = r.timelineOpen;
  if (typeof r.selected === 'string') out.selected = r.selected;
  if (r.restore !== undefined) out.restore = r.restore;
  return out;
}

const saved = readState(vscode.getState());

/** The page's whole mutable state. */
export interface WebviewState {
  /** The small configuration the host wrote into `data-config`. */
  readonly config: WebviewConfig;
  /** The last state saved with setState (or handed back by VS Code at start). */
  saved: SavedState;
  /** The graph drawn now; undefined while drawing, or when nothing could be drawn. */
  current: Current | undefined;
  /** The last graph the host sent, redrawn when the colour theme changes. */
  lastMessage: GraphMessage | undefined;
  view: ViewTransform;
  /** Mermaid ids of the search matches, best first, and the one Enter reached. */
  matches: string[];
  matchIndex: number;
  /** The skb timeline's steps, in the order of its list items. */
  steps: TimelineStep[];
  /** The rows of the trace panel's event list, and the one stepped to. */
  traceRows: EventRow[];
  traceAt: number | undefined;
  /** The graph id of the function whose drop points the panel lists, and their rows. */
  dropsNode: string | undefined;
  dropRows: DropRow[];
  /** The graph id of the function highlighted while its timeline step is hovered. */
  flashed: string | undefined;
  /** The graph id of the selected function. */
  selected: string | undefined;
  /** Numbers each drawing, so that only the latest one finishes. */
  renderSeq: number;
  /** Mermaid's renders, one after another (src/webview/render.ts). */
  renderQueue: Promise<unknown>;
  exportSeq: number;
  /** When the page had loaded and said `ready` (ms since its navigation began); reported with its first drawing. */
  loadedAt: number | undefined;
  saveTimer: number | undefined;
  /** The animation frame that will apply `view`, when one is pending. */
  frame: number;
  drag: Drag | undefined;
  scrollDrag: ScrollDrag | undefined;
  /** A drag just ended: the click that follows it is not a click on the graph. */
  suppressClick: boolean;
}

export const state: WebviewState = {
  config: parseConfigAttribute(dom.app.dataset.config),
  saved,
  current: undefined,
  lastMessage: undefined,
  view: saved.view ?? { x: 0, y: 0, scale: 1 },
  matches: [],
  matchIndex: -1,
  steps: [],
  traceRows: [],
  traceAt: undefined,
  dropsNode: undefined,
  dropRows: [],
  flashed: undefined,
  selected: saved.selected,
  renderSeq: 0,
  renderQueue: Promise.resolve(),
  exportSeq: 0,
  loadedAt: undefined,
  saveTimer: undefined,
  frame: 0,
  drag: undefined,
  scrollDrag: undefined,
  suppressClick: false,
};

/** Saves what survives hide/show, at most every 150 ms. */
export function saveState(): void {
  if (state.saveTimer !== undefined) return;
  state.saveTimer = window.setTimeout(() => {
    state.saveTimer = undefined;
    const { current, saved: before, view, selected } = state;
    state.saved = {
      ...(current
        ? { graphKey: current.key }
        : before.graphKey !== undefined
          ? { graphKey: before.graphKey }
          : {}),
      view,
      search: dom.searchBox.value,
      timelineOpen: !dom.timelinePanel.hidden,
      ...(selected !== undefined ? { selected } : {}),
      ...(before.restore !== undefined ? { restore: before.restore } : {}),
    };
    vscode.setState(state.saved);
  }, 150);
}

/** Identifies "the same graph" across hide/show, so pan and zoom come back only for it. */
export function graphKey(graph: GraphJson): string {
  return `${graph.title ?? ''}|${graph.nodes.length}|${graph.edges.length}|${graph.nodes[0]?.id ?? ''}`;
}
