// The one message protocol between the extension host and the graph webview.
//
// Architecture invariant: every message either side sends is declared here, and the host
// passes every message it receives through `parseWebviewMessage` before acting on it. The
// webview is a browser page showing data from C source we do not control; if a label ever
// managed to run script there, all it could do is post messages, and those are checked
// field by field here (types, sizes, relative paths), never trusted.
//
// This file is imported by both sides, so it uses no DOM, Node or VS Code API.

import type { GraphJson } from '../analysis/graph-json';
import type { MermaidResult } from '../analysis/render/mermaid';
import {
  EXPORT_FORMATS,
  exportNeedsSvg,
  type ExportFormat,
} from '../analysis/render/export-formats';

export {
  EXPORT_FORMATS,
  exportNeedsSvg,
  type ExportFormat,
} from '../analysis/render/export-formats';

/* eslint-disable-next-line no-control-regex -- a name or id with control characters is refused */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

// ---------------------------------------------------------------------------------------
// Host -> webview

/**
 * Draw a graph. Sent after the webview posts `ready` (and again whenever the query,
 * depth or expansion changes). `mermaid` is `toMermaid(graph)`, computed by the host so
 * that "export for docs" writes exactly the text the panel draws.
 */
export interface GraphMessage {
  type: 'graph';
  graph: GraphJson;
  mermaid: MermaidResult;
  /** Current depth of the query, shown between the depth buttons. */
  depth?: number;
  /** Graph node id to select and centre once drawn (e.g. the function at the cursor). */
  focus?: string;
  /**
   * What the host needs to draw this graph again after a reload (the query). Opaque to the
   * webview, which keeps it in its state; VS Code hands that state back to the host's
   * panel serializer, which validates it like any other input.
   */
  restore?: unknown;
}

/** Search for functions whose name contains `query` and highlight them (as if typed in the search box). */
export interface HighlightMessage {
  type: 'highlight';
  query: string;
}

/** The query's depth changed without a new graph yet (e.g. while the host recomputes). */
export interface SetDepthMessage {
  type: 'setDepth';
  depth: number;
  /** Largest depth the host allows, to disable the "+" button. */
  maxDepth?: number;
}

/** Select and centre one node of the current graph, e.g. "reveal the function at the cursor". */
export interface FocusNodeMessage {
  type: 'focusNode';
  nodeId: string;
}

/** Show a short status line (e.g. "Expanding e1000_clean_tx_irq…"); an empty `text` clears it. */
export interface StatusMessage {
  type: 'status';
  text: string;
  /** Show a progress indicator while true. */
  busy?: boolean;
}

/** Export the graph as if the format had been chosen in the toolbar (the palette's Export Diagram). */
export interface RequestExportMessage {
  type: 'requestExport';
  format: ExportFormat;
}

export type HostToWebview =
  | GraphMessage
  | HighlightMessage
  | SetDepthMessage
  | FocusNodeMessage
  | StatusMessage
  | RequestExportMessage;

// ---------------------------------------------------------------------------------------
// Webview -> host

/** The page has loaded and listens for messages: send the current `graph`. */
export interface ReadyMessage {
  type: 'ready';
}

/**
 * Open a function in the editor: its definition, or `file:line` inside it when given
 * (an skb operation in the timeline). `file` is relative to the kernel root.
 */
export interface OpenNodeMessage {
  type: 'openNode';
  nodeId: string;
  file?: string;
  line?: number;
}

/** Open the call site of an edge (`file:line`, relative to the kernel root). */
export interface OpenEdgeMessage {
  type: 'openEdge';
  from: string;
  to: string;
  file: string;
  line: number;
}

/** Expand a collapsed side branch (`--expand ID`) and send a new graph. */
export interface ExpandMessage {
  type: 'expand';
  nodeId: string;
}

/** Collapse the branch below a node and send a new graph. */
export interface CollapseMessage {
  type: 'collapse';
  nodeId: string;
}

/** Show one level more (`+1`) or less (`-1`) of the call graph. `-1` is also the "show the focused part" action of a too-large graph. */
export interface DepthMessage {
  type: 'depth';
  delta: 1 | -1;
}

/** Export the current graph. For `svg` and `html`, `svg` holds the drawing made with `htmlLabels: false`. */
export interface ExportMessage {
  type: 'export';
  format: ExportFormat;
  svg?: string;
}

/**
 * A graph is on screen: how many functions, how long Mermaid took to lay it out and draw
 * it, and, for the page's first drawing, how long the page took to load and start (both in
 * milliseconds). The host logs them beside its own query time.
 */
export interface DrawnMessage {
  type: 'drawn';
  nodes: number;
  renderMs: number;
  loadMs?: number;
}

/** Something failed in the webview (a render error); the host logs it. */
export interface ErrorMessage {
  type: 'error';
  message: string;
}

export type WebviewToHost =
  | ReadyMessage
  | OpenNodeMessage
  | OpenEdgeMessage
  | ExpandMessage
  | CollapseMessage
  | DepthMessage
  | ExportMessage
  | DrawnMessage
  | ErrorMessage;

// ---------------------------------------------------------------------------------------
// Validation

/** Longest node id or path accepted (kernel paths are far shorter). */
const MAX_ID = 4096;
/** Longest error message kept; longer ones are cut, not rejected. */
const MAX_ERROR = 4000;
/** Largest exported SVG accepted: a 500-node drawing is about 2 MB. */
export const MAX_EXPORT_SVG = 32 * 1024 * 1024;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function id(x: unknown): string | undefined {
  return typeof x === 'string' && x.length > 0 && x.length <= MAX_ID && !CONTROL_CHARACTERS.test(x)
    ? x
    : undefined;
}

/**
 * A path relative to the kernel root, as the graph contract writes them: `/` separators,
 * no absolute path, drive letter, URI scheme, backslash, `.` or `..` segment, so a forged message cannot
 * make the host open a file outside the tree.
 */
export function isRelativeKernelPath(x: unknown): x is string {
  if (id(x) === undefined) return false;
  const path = x as string;
  if (path.startsWith('/') || path.includes('\\') || /^[A-Za-z]:/.test(path) || path.includes(':'))
    return false;
  return path.split('/').every((segment) => segment !== '..' && segment !== '.' && segment !== '');
}

/** A duration in milliseconds as the webview measures them: finite, not negative, under a day. */
function duration(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) && x >= 0 && x < 86_400_000
    ? Math.round(x)
    : undefined;
}

function line(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= 100_000_000 ? x : undefined;
}

/**
 * Validates a message from the webview. Returns a fresh object holding only the declared
 * fields, or `undefined` for anything malformed: unknown type, wrong field types, ids or
 * paths that are empty, too long, hold control characters, or paths leaving the tree.
 * Never throws.
 */
export function parseWebviewMessage(x: unknown): WebviewToHost | undefined {
  try {
    return parse(x);
  } catch {
    // A getter that throws, a revoked proxy: not a message we declared.
    return undefined;
  }
}

function parse(x: unknown): WebviewToHost | undefined {
  if (!isRecord(x)) return undefined;
  const type = own(x, 'type');
  switch (type) {
    case 'ready':
      return { type };
    case 'openNode': {
      const nodeId = id(own(x, 'nodeId'));
      if (nodeId === undefined) return undefined;
      const file = own(x, 'file');
      const ln = own(x, 'line');
      if (file === undefined && ln === undefined) return { type, nodeId };
      if (!isRelativeKernelPath(file) || line(ln) === undefined) return undefined;
      return { type, nodeId, file, line: ln as number };
    }
    case 'openEdge': {
      const from = id(own(x, 'from'));
      const to = id(own(x, 'to'));
      const file = own(x, 'file');
      const ln = line(own(x, 'line'));
      if (from === undefined || to === undefined || !isRelativeKernelPath(file) || ln === undefined)
        return undefined;
      return { type, from, to, file, line: ln };
    }
    case 'expand':
    case 'collapse': {
      const nodeId = id(own(x, 'nodeId'));
      return nodeId === undefined ? undefined : { type, nodeId };
    }
    case 'depth': {
      const delta = own(x, 'delta');
      return delta === 1 || delta === -1 ? { type, delta } : undefined;
    }
    case 'export': {
      const format = own(x, 'format');
      if (typeof format !== 'string' || !(EXPORT_FORMATS as readonly string[]).includes(format))
        return undefined;
      const svg = own(x, 'svg');
      const needsSvg = exportNeedsSvg(format as ExportFormat);
      if (svg === undefined) return needsSvg ? undefined : { type, format: format as ExportFormat };
      if (!needsSvg || typeof svg !== 'string' || svg.length === 0 || svg.length > MAX_EXPORT_SVG)
        return undefined;
      if (!/^\s*<svg[\s>]/.test(svg)) return undefined;
      return { type, format: format as ExportFormat, svg };
    }
    case 'drawn': {
      const nodes = own(x, 'nodes');
      const renderMs = duration(own(x, 'renderMs'));
      const rawLoad = own(x, 'loadMs');
      const loadMs = duration(rawLoad);
      if (
        typeof nodes !== 'number' ||
        !Number.isInteger(nodes) ||
        nodes < 0 ||
        nodes > 1_000_000 ||
        renderMs === undefined
      )
        return undefined;
      if (rawLoad === undefined) return { type, nodes, renderMs };
      return loadMs === undefined ? undefined : { type, nodes, renderMs, loadMs };
    }
    case 'error': {
      const message = own(x, 'message');
      if (typeof message !== 'string') return undefined;
      return {
        type,
        message: message.length > MAX_ERROR ? `${message.slice(0, MAX_ERROR)}…` : message,
      };
    }
    default:
      return undefined;
  }
}

/**
 * A light check of messages from the host (which we trust: it built them), so the webview
 * ignores anything else that arrives on `window` `message` events.
 */
export function isHostMessage(x: unknown): x is HostToWebview {
  if (!isRecord(x)) return false;
  switch (own(x, 'type')) {
    case 'graph': {
      const graph = own(x, 'graph');
      const mermaid = own(x, 'mermaid');
      return (
        isRecord(graph) &&
        Array.isArray(graph.nodes) &&
        Array.isArray(graph.edges) &&
        isRecord(mermaid) &&
        typeof mermaid.text === 'string' &&
        isRecord(mermaid.nodeIds)
      );
    }
    case 'highlight':
      return typeof own(x, 'query') === 'string';
    case 'setDepth':
      return typeof own(x, 'depth') === 'number';
    case 'focusNode':
      return typeof own(x, 'nodeId') === 'string';
    case 'status':
      return typeof own(x, 'text') === 'string';
    case 'requestExport':
      return (EXPORT_FORMATS as readonly unknown[]).includes(own(x, 'format'));
    default:
      return false;
  }
}
