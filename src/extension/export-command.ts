// Export Diagram, the host's half: the webview (or the palette, through it) asks for a
// format; this writes the document src/export.ts makes to a file the user picks.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { kernelVersion, parseLinkTemplate, usesVersion } from '../analysis/render/links';
import type { FeatureContext } from './context';
import { exportDocument } from '../analysis/render/export';
import type { ExportHandler, GraphPanel } from './panel';
import { toMermaid } from '../analysis/render';
import type { ExportFormat } from '../webview/protocol';

function fileName(title: string, extension: string): string {
  const base = title
    .replace(/→/g, 'to')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
  return `${base || 'netpaths'}.${extension}`;
}

export function runExport(ctx: FeatureContext): ExportHandler {
  return async (
    panel: GraphPanel,
    format: ExportFormat,
    svg: string | undefined,
  ): Promise<void> => {
    const graph = panel.currentGraph;
    if (!graph) {
      void vscode.window.showInformationMessage('NetPaths: the graph is not drawn yet.');
      return;
    }
    let doc;
    try {
      const template = ctx.config().linkTemplate;
      const root = ctx.kernelRoot();
      // {version} comes from the tree's own Makefile, so links match the source shown.
      const version =
        usesVersion(template) && root
          ? kernelVersion(await readFile(join(root, 'Makefile'), 'utf8').catch(() => ''))
          : undefined;
      const links = parseLinkTemplate(template, version);
      doc = exportDocument(format, {
        graph,
        mermaid: toMermaid(graph),
        ...(svg !== undefined ? { svg } : {}),
        title: panel.title,
        links,
      });
    } catch (e) {
      void vscode.window.showErrorMessage(
        `NetPaths: ${e instanceof Error ? e.message : String(e)}`,
      );
      return;
    }
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const name = fileName(panel.title, doc.extension);
    const target = await vscode.window.showSaveDialog({
      title: `Export ${panel.title}`,
      saveLabel: 'Export',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: { [format.toUpperCase()]: [doc.extension] },
    });
    if (!target) return;
    try {
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(doc.content));
    } catch (e) {
      void vscode.window.showErrorMessage(
        `NetPaths: cannot write ${target.fsPath}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
      );
      return;
    }
    ctx.log.info(`exported ${panel.title} as ${format} to ${target.fsPath}`);
    const choice = await vscode.window.showInformationMessage(
      `NetPaths: exported ${panel.title} to ${vscode.workspace.asRelativePath(target)}`,
      'Open',
    );
    if (choice === 'Open') {
      if (format === 'svg' || format === 'html')
        await vscode.commands.executeCommand('vscode.open', target);
      else await vscode.window.showTextDocument(target);
    }
  };
}
