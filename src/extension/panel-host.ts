// What a graph panel asks of the rest of the host, kept out of the GraphPanel class: the
// page's HTML (with the chunks of its first drawing), the query that computes its graph,
// and opening a source line beside it.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { GraphJson } from '../analysis/graph-json';
import { buildWebviewHtml } from '../webview/html';
import type { FeatureContext } from './context';
import { type PanelQuery, panelTitle } from './panel-query';

/** The HTML of a graph panel's page, with a fresh nonce. */
export function panelHtml(ctx: FeatureContext, webview: vscode.Webview, title: string): string {
  const asset = (...path: string[]): string =>
    webview.asWebviewUri(vscode.Uri.joinPath(ctx.extension.extensionUri, ...path)).toString();
  return buildWebviewHtml({
    cspSource: webview.cspSource,
    nonce: randomBytes(18).toString('base64'),
    scriptUri: asset('dist', 'webview', 'webview.js'),
    preloadUris: firstDrawChunks(ctx).map((chunk) => asset('dist', 'webview', ...chunk.split('/'))),
    styleUri: asset('media', 'webview.css'),
    title,
    config: {},
  });
}

let firstDraw: string[] | undefined;

/**
 * The chunks of the webview's first drawing, as the build listed them in
 * dist/webview/first-draw.json (relative paths under dist/webview). Without the file the
 * page still works: Mermaid imports them when it first draws.
 */
function firstDrawChunks(ctx: FeatureContext): string[] {
  if (firstDraw) return firstDraw;
  try {
    const file = vscode.Uri.joinPath(
      ctx.extension.extensionUri,
      'dist',
      'webview',
      'first-draw.json',
    ).fsPath;
    const list: unknown = JSON.parse(readFileSync(file, 'utf8'));
    firstDraw = Array.isArray(list)
      ? list.filter((x): x is string => typeof x === 'string' && /^chunks\/[\w.-]+\.js$/.test(x))
      : [];
  } catch (e) {
    ctx.log.warn(
      `no list of the webview's first chunks: ${e instanceof Error ? e.message : String(e)}`,
    );
    firstDraw = [];
  }
  return firstDraw;
}

/** Asks the analysis server for the graph of `q`, titled. */
export async function queryGraph(
  ctx: FeatureContext,
  q: PanelQuery,
): Promise<{ graph: GraphJson; remarks: string[] }> {
  const client = ctx.client;
  let graph: GraphJson;
  let remarks: string[] = [];
  if (q.kind === 'preset' && q.trace)
    ({ graph, remarks } = await client.request('trace', {
      files: q.trace,
      preset: {
        driver: q.driver,
        direction: q.direction,
        depth: q.depth,
        expand: q.expand,
        ...(q.route !== undefined ? { route: q.route } : {}),
      },
    }));
  else if (q.kind === 'preset')
    ({ graph, remarks } = await client.request('preset', {
      driver: q.driver,
      direction: q.direction,
      depth: q.depth,
      expand: q.expand,
      ...(q.route !== undefined ? { route: q.route } : {}),
    }));
  else if (q.kind === 'trace')
    ({ graph, remarks } = await client.request('trace', { files: q.files }));
  else if (q.kind === 'neighbourhood')
    graph = await client.request('neighbourhood', {
      specs: q.specs,
      depth: q.depth,
      direction: q.direction,
    });
  else
    graph = await client.request('path', {
      from: q.from,
      to: q.to,
      maxDepth: 40,
      paths: q.paths,
    });
  graph.title ??= panelTitle(q);
  return { graph, remarks };
}

/**
 * Opens `file` (relative to the kernel root) at a 1-based line in the editor column
 * beside `panelColumn`.
 */
export async function openSource(
  ctx: FeatureContext,
  file: string,
  line: number,
  panelColumn: vscode.ViewColumn | undefined,
): Promise<void> {
  const uri = ctx.index.uri(file);
  if (!uri) return;
  const position = new vscode.Position(Math.max(0, line - 1), 0);
  const column =
    panelColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  try {
    await vscode.window.showTextDocument(uri, {
      viewColumn: column,
      selection: new vscode.Range(position, position),
      preserveFocus: false,
    });
  } catch (e) {
    void vscode.window.showErrorMessage(
      `NetPaths: cannot open ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  }
}
