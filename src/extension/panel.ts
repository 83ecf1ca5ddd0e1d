// The graph panel: one webview per query, drawn by dist/webview/webview.js from the graph the host
// posts after the page says `ready`. Owns its disposables; revived after a reload by the
// serializer registered in `register`.

import * as vscode from 'vscode';
import type { GraphJson } from '../analysis/graph-json';
import { toMermaid } from '../analysis/render';
import type { FeatureContext } from './context';
import { RequestError } from '../server/client';
import {
  type PanelQuery,
  parsePanelQuery,
  panelTitle,
  queryDepth,
  withCollapsed,
  withDepth,
  withExpanded,
  MAX_DEPTH,
} from './panel-query';
import { openSource, panelHtml, queryGraph } from './panel-host';
import {
  type DrawnMessage,
  type ExportFormat,
  type HostToWebview,
  type WebviewToHost,
  parseWebviewMessage,
} from '../webview/protocol';

/** A query's outcome: its graph, or the one line the panel shows instead. */
type Computed = { graph: GraphJson; remarks: string[]; queryMs: number } | { status: string };

export const VIEW_TYPE = 'netpaths.graph';

/** What the host does with an export the webview asked for (src/export-command.ts). */
export type ExportHandler = (
  panel: GraphPanel,
  format: ExportFormat,
  svg: string | undefined,
) => Promise<void>;

export class GraphPanel {
  private static readonly open = new Set<GraphPanel>();
  private static lastActive: GraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private graph: GraphJson | undefined;
  private ready = false;
  private drawing = 0;
  private focus: string | undefined;
  /** The graph of the current query: being computed, or computed. */
  private pending: Promise<Computed> | undefined;
  /** When the current query was asked for, and what its graph cost, until the page says it drew it. */
  private requestedAt = 0;
  private awaitingDraw: { seq: number; queryMs: number } | undefined;

  /** The panel that was active last, for Export Diagram from the palette. */
  static active(): GraphPanel | undefined {
    return GraphPanel.lastActive && GraphPanel.open.has(GraphPanel.lastActive)
      ? GraphPanel.lastActive
      : [...GraphPanel.open].pop();
  }

  /** Opens a panel for `query`, or reveals the one already showing it. */
  static show(
    ctx: FeatureContext,
    onExport: ExportHandler,
    query: PanelQuery,
    focus?: string,
  ): GraphPanel {
    const title = panelTitle(query);
    for (const p of GraphPanel.open) {
      if (panelTitle(p.query) === title) {
        p.panel.reveal();
        p.setQuery(query, focus);
        return p;
      }
    }
    // Beside the editor the first time; later graphs join the column the last one is in,
    // instead of opening one more column each time.
    const column = GraphPanel.active()?.panel.viewColumn ?? vscode.ViewColumn.Beside;
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      title,
      column,
      GraphPanel.options(ctx),
    );
    return new GraphPanel(ctx, onExport, panel, query, focus);
  }

  static options(ctx: FeatureContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [
        vscode.Uri.joinPath(ctx.extension.extensionUri, 'dist'),
        vscode.Uri.joinPath(ctx.extension.extensionUri, 'media'),
      ],
    };
  }

  constructor(
    private readonly ctx: FeatureContext,
    private readonly onExport: ExportHandler,
    readonly panel: vscode.WebviewPanel,
    private query: PanelQuery,
    focus?: string,
  ) {
    this.focus = focus;
    GraphPanel.open.add(this);
    GraphPanel.lastActive = this;
    const webview = panel.webview;
    webview.options = GraphPanel.options(ctx);
    panel.iconPath = vscode.Uri.joinPath(ctx.extension.extensionUri, 'media', 'netpaths.svg');
    webview.html = panelHtml(ctx, webview, panelTitle(query));
    this.disposables.push(
      webview.onDidReceiveMessage((raw: unknown) => {
        const message = parseWebviewMessage(raw);
        if (!message) {
          ctx.log.warn('ignored a malformed message from the graph webview');
          return;
        }
        this.receive(message).catch((e: unknown) => {
          const text = this.report(e);
          if (this.ready) this.post({ type: 'status', text });
        });
      }),
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.active) GraphPanel.lastActive = this;
      }),
      panel.onDidDispose(() => this.dispose()),
      ctx.index.onDidChange(() => {
        if (ctx.index.isReady()) this.refresh();
      }),
    );
    this.refresh();
  }

  get currentGraph(): GraphJson | undefined {
    return this.graph;
  }

  get title(): string {
    return panelTitle(this.query);
  }

  /** What the panel shows, as a query (Overlay Trace… and Copy Tracing Command read it). */
  get currentQuery(): PanelQuery {
    return this.query;
  }

  /** Redraws the panel's preset with trace files on it (Overlay Trace…). */
  overlayTrace(files: string[]): void {
    if (this.query.kind !== 'preset') return;
    this.setQuery({ ...this.query, trace: files });
    this.panel.reveal();
  }

  /** Asks the webview for an export (it draws the SVG for `svg` and `html`). */
  requestExport(format: ExportFormat): void {
    this.post({ type: 'requestExport', format });
  }

  private setQuery(query: PanelQuery, focus?: string): void {
    this.query = query;
    this.focus = focus;
    this.panel.title = panelTitle(query);
    this.refresh();
  }

  private post(message: HostToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async receive(message: WebviewToHost): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.ready = true;
        await this.deliver(this.drawing);
        return;
      case 'openNode': {
        const node = this.graph?.nodes.find((n) => n.id === message.nodeId);
        const file = message.file ?? node?.file;
        const line = message.line ?? node?.line;
        if (file !== undefined && line !== undefined) await this.reveal(file, line);
        return;
      }
      case 'openEdge':
        await this.reveal(message.file, message.line);
        return;
      case 'expand':
      case 'collapse': {
        const next =
          message.type === 'expand'
            ? withExpanded(this.query, message.nodeId)
            : withCollapsed(this.query, message.nodeId);
        if (next) this.setQuery(next, message.nodeId);
        else
          this.post({
            type: 'status',
            text:
              message.type === 'expand'
                ? 'Already shown.'
                : 'Only a branch opened with ⊕ can be collapsed.',
          });
        return;
      }
      case 'depth': {
        const next = withDepth(this.query, message.delta);
        if (next) this.setQuery(next);
        return;
      }
      case 'export':
        await this.onExport(this, message.format, message.svg);
        return;
      case 'drawn':
        this.logDrawn(message);
        return;
      case 'error':
        this.ctx.log.error(`graph webview: ${message.message}`);
        return;
    }
  }

  /** Opens `file` (relative to the kernel root) at a 1-based line in the editor beside the panel. */
  private reveal(file: string, line: number): Promise<void> {
    return openSource(this.ctx, file, line, this.panel.viewColumn);
  }

  /**
   * Starts computing the current query's graph at once, while the page may still be
   * loading; it is posted when the page is ready. Only the latest query posts.
   */
  private refresh(): void {
    const seq = ++this.drawing;
    this.requestedAt = Date.now();
    this.pending = this.compute(seq);
    if (this.ready) void this.deliver(seq);
  }

  private async compute(seq: number): Promise<Computed> {
    if (!(await this.ctx.index.ensureIndexed()))
      return { status: 'No index: run “NetPaths: Reindex”.' };
    const started = Date.now();
    try {
      const { graph, remarks } = await queryGraph(this.ctx, this.query);
      return { graph, remarks, queryMs: Date.now() - started };
    } catch (e) {
      if (seq !== this.drawing) return { status: '' };
      return { status: this.report(e) };
    }
  }

  /** Posts the graph of query `seq` once computed (the page is ready). */
  private async deliver(seq: number): Promise<void> {
    this.post({
      type: 'status',
      text: this.ctx.index.isReady() ? 'Computing the graph…' : 'Indexing the kernel…',
      busy: true,
    });
    const result = await this.pending;
    if (!result || seq !== this.drawing) return;
    if ('status' in result) {
      this.post({ type: 'status', text: result.status });
      return;
    }
    const { graph, remarks } = result;
    const q = this.query;
    this.graph = graph;
    for (const r of remarks) this.ctx.log.info(`${panelTitle(q)}: ${r}`);
    const depth = queryDepth(q);
    this.awaitingDraw = { seq, queryMs: result.queryMs };
    this.post({
      type: 'graph',
      graph,
      mermaid: toMermaid(graph),
      ...(depth !== undefined ? { depth } : {}),
      ...(this.focus !== undefined ? { focus: this.focus } : {}),
      restore: q,
    });
    if (depth !== undefined) this.post({ type: 'setDepth', depth, maxDepth: MAX_DEPTH });
    this.post({ type: 'status', text: remarks[0] ?? '' });
  }

  /** Logs where the time of a drawing went: the query, the page's start, Mermaid. */
  private logDrawn(message: DrawnMessage): void {
    const parts = [`Mermaid ${message.renderMs} ms`];
    if (message.loadMs !== undefined) parts.unshift(`page load ${message.loadMs} ms`);
    const waited = this.awaitingDraw?.seq === this.drawing ? this.awaitingDraw : undefined;
    this.awaitingDraw = undefined;
    if (waited) {
      parts.unshift(`graph ${waited.queryMs} ms`);
      this.ctx.log.info(
        `${this.title}: ${message.nodes} functions drawn ${Date.now() - this.requestedAt} ms after the request (${parts.join(', ')})`,
      );
    } else {
      this.ctx.log.info(`${this.title}: ${message.nodes} functions redrawn (${parts.join(', ')})`);
    }
  }

  /** Tells the user (and the log, unless the server refused the request) what failed; returns the line. */
  private report(e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    if (!(e instanceof RequestError)) this.ctx.log.error(message);
    void vscode.window.showWarningMessage(`NetPaths: ${message}`);
    return message;
  }

  dispose(): void {
    GraphPanel.open.delete(this);
    if (GraphPanel.lastActive === this) GraphPanel.lastActive = undefined;
    while (this.disposables.length > 0) this.disposables.pop()?.dispose();
  }
}

/** Registers the serializer that redraws panels after a reload. */
export function register(ctx: FeatureContext, onExport: ExportHandler): void {
  ctx.extension.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const restore =
          typeof state === 'object' && state !== null
            ? (state as Record<string, unknown>).restore
            : undefined;
        const query = parsePanelQuery(restore);
        if (!query) {
          panel.dispose();
          return Promise.resolve();
        }
        new GraphPanel(ctx, onExport, panel, query);
        return Promise.resolve();
      },
    }),
  );
}
