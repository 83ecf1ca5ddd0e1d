// Show Call Hierarchy in C files from NetPaths' call graph, so callers reached through
// function pointers appear too (e1000e_poll is called by __napi_poll through
// napi_struct.poll). Registered only while `netpaths.callHierarchy.enabled` is on: VS Code
// uses one call hierarchy provider per file, and clangd or the C/C++ extension may want it.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { GraphNode } from '../analysis/graph-json';
import {
  type LineText,
  callDetail,
  callSiteSpans,
  kernelRelative,
  nodeSpans,
  type LineSpan,
} from './call-hierarchy-model';
import type { IndexClient } from '../server/client';
import type { CallGroup } from '../server/protocol';

/** What this feature uses of the extension's FeatureContext. */
interface CallHierarchyContext {
  extension: vscode.ExtensionContext;
  client: Pick<IndexClient, 'request' | 'isReady'>;
  log: vscode.LogOutputChannel;
  config(): { callHierarchy: boolean };
  kernelRoot(): string | undefined;
}

const SETTING = 'netpaths.callHierarchy.enabled';
const SELECTOR: vscode.DocumentSelector = { language: 'c', scheme: 'file' };
/** Files bigger than this are not read for name columns: items then point at the line start. */
const MAX_READ_BYTES = 4 * 1024 * 1024;

export function register(ctx: CallHierarchyContext): void {
  let registration: vscode.Disposable | undefined;
  const apply = (): void => {
    const on = ctx.config().callHierarchy;
    if (on && !registration)
      registration = vscode.languages.registerCallHierarchyProvider(
        SELECTOR,
        new GraphCallHierarchy(ctx),
      );
    else if (!on && registration) {
      registration.dispose();
      registration = undefined;
    }
  };
  apply();
  ctx.extension.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(SETTING)) apply();
    }),
    {
      dispose: () => {
        registration?.dispose();
        registration = undefined;
      },
    },
  );
}

/** An item that remembers its graph node, so expanding it needs no second lookup. */
class NodeItem extends vscode.CallHierarchyItem {
  constructor(
    readonly node: GraphNode,
    uri: vscode.Uri,
    detail: string,
    lineText: LineText,
  ) {
    const spans = nodeSpans(node, lineText);
    super(vscode.SymbolKind.Function, node.name, detail, uri, range(spans.line), range(spans.name));
  }
}

class GraphCallHierarchy implements vscode.CallHierarchyProvider {
  constructor(private readonly ctx: CallHierarchyContext) {}

  async prepareCallHierarchy(
    document: vscode.TextDocument,
    position: vscode.Position,
    token: vscode.CancellationToken,
  ): Promise<vscode.CallHierarchyItem | undefined> {
    const root = this.ctx.kernelRoot();
    const file = root ? kernelRelative(root, document.uri.fsPath) : undefined;
    if (!root || file === undefined) return undefined;
    if (!this.ctx.client.isReady()) {
      vscode.window.setStatusBarMessage(
        'NetPaths: no call graph loaded yet; run "NetPaths: Reindex" for callers through function pointers',
        6000,
      );
      return undefined;
    }
    const wordRange = document.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
    const params: { file: string; line: number; word?: string } = { file, line: position.line + 1 };
    if (wordRange) params.word = document.getText(wordRange);
    const node = await this.ask(() => this.ctx.client.request('functionAt', params));
    if (!node || token.isCancellationRequested) return undefined;
    const lines = await loadLines(root, [node.file]);
    return new NodeItem(
      node,
      fileUri(root, node.file),
      `${node.kind === 'macro' ? 'macro · ' : ''}${node.file}:${node.line}`,
      lines,
    );
  }

  async provideCallHierarchyIncomingCalls(
    item: vscode.CallHierarchyItem,
    token: vscode.CancellationToken,
  ): Promise<vscode.CallHierarchyIncomingCall[] | undefined> {
    const root = this.ctx.kernelRoot();
    const target = await this.nodeOf(item);
    if (!root || !target) return undefined;
    const groups = await this.ask(() =>
      this.ctx.client.request('calls', { nodeId: target.id, direction: 'incoming' }),
    );
    if (!groups || token.isCancellationRequested) return undefined;
    // Call sites are in each caller's own file.
    const lines = await loadLines(
      root,
      groups.map((g) => g.node.file),
    );
    return groups.map(
      (g) =>
        new vscode.CallHierarchyIncomingCall(
          this.item(root, g, lines),
          callSiteSpans(g.edges, g.node.file, target.name, lines).map(range),
        ),
    );
  }

  async provideCallHierarchyOutgoingCalls(
    item: vscode.CallHierarchyItem,
    token: vscode.CancellationToken,
  ): Promise<vscode.CallHierarchyOutgoingCall[] | undefined> {
    const root = this.ctx.kernelRoot();
    const source = await this.nodeOf(item);
    if (!root || !source) return undefined;
    const groups = await this.ask(() =>
      this.ctx.client.request('calls', { nodeId: source.id, direction: 'outgoing' }),
    );
    if (!groups || token.isCancellationRequested) return undefined;
    // Call sites are in the caller's file: the item's.
    const lines = await loadLines(root, [source.file, ...groups.map((g) => g.node.file)]);
    return groups.map(
      (g) =>
        new vscode.CallHierarchyOutgoingCall(
          this.item(root, g, lines),
          callSiteSpans(g.edges, source.file, g.node.name, lines).map(range),
        ),
    );
  }

  private item(root: string, group: CallGroup, lines: LineText): NodeItem {
    return new NodeItem(
      group.node,
      fileUri(root, group.node.file),
      callDetail(group.node, group.edges),
      lines,
    );
  }

  /** The graph node behind an item: ours carry it; any other is looked up by its name and place. */
  private async nodeOf(item: vscode.CallHierarchyItem): Promise<GraphNode | undefined> {
    if (item instanceof NodeItem) return item.node;
    const root = this.ctx.kernelRoot();
    const file = root ? kernelRelative(root, item.uri.fsPath) : undefined;
    if (file === undefined) return undefined;
    const node = await this.ask(() =>
      this.ctx.client.request('functionAt', {
        file,
        line: item.selectionRange.start.line + 1,
        word: item.name,
      }),
    );
    return node ?? undefined;
  }

  /** Runs a request; a failure (no index, a restarted server) is logged and shown briefly, never thrown at VS Code. */
  private async ask<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.ctx.log.warn(`call hierarchy: ${message}`);
      vscode.window.setStatusBarMessage(`NetPaths: ${message}`, 6000);
      return undefined;
    }
  }
}

function fileUri(root: string, file: string): vscode.Uri {
  return vscode.Uri.file(join(root, ...file.split('/')));
}

function range(s: LineSpan): vscode.Range {
  return new vscode.Range(s.line, s.start, s.line, s.end);
}

/**
 * The lines of the given kernel-relative files as they are on disk, which is what the index
 * read. Unreadable or huge files have no lines.
 */
async function loadLines(root: string, files: readonly string[]): Promise<LineText> {
  const byFile = new Map<string, string[]>();
  await Promise.all(
    [...new Set(files)].map(async (file) => {
      const path = join(root, ...file.split('/'));
      try {
        const stat = await fs.stat(path);
        if (stat.size > MAX_READ_BYTES) return;
        byFile.set(file, (await fs.readFile(path, 'utf8')).split(/\r?\n/));
      } catch {
        // A file deleted since indexing: its items point at line starts.
      }
    }),
  );
  return (file, line) => byFile.get(file)?.[line];
}
