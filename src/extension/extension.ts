// The extension's entry point. It only wires: one IndexClient (the analysis server), one
// KernelIndex, one FeatureContext handed to each feature's `register`. Nothing here
// analyses anything.

import * as vscode from 'vscode';
import * as callHierarchy from './call-hierarchy';
import * as commands from './commands';
import { affectsIndex, affectsKernelConfig, readConfig } from './config';
import * as configHover from './config-hover';
import type { FeatureContext } from './context';
import * as driversView from './drivers-view';
import * as dimExcluded from './dim-excluded';
import * as dropReasonHover from './drop-reason-hover';
import { runExport } from './export-command';
import * as hover from './hover';
import { IndexClient } from '../server/client';
import { KernelIndex } from './kernel-index';
import * as panel from './panel';

export function activate(extension: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('NetPaths', { log: true });
  extension.subscriptions.push(log);
  const client = new IndexClient({
    serverPath: vscode.Uri.joinPath(extension.extensionUri, 'dist', 'server.js').fsPath,
    log: (line) => log.info(line),
    maxHeapMiB: readConfig().serverMemoryMiB,
  });
  extension.subscriptions.push({ dispose: () => client.dispose() });
  const index = new KernelIndex(extension, client, log);
  extension.subscriptions.push(index);
  const ctx: FeatureContext = {
    extension,
    client,
    index,
    log,
    config: () => readConfig(),
    kernelRoot: () => index.root(),
  };
  try {
    commands.register(ctx);
    panel.register(ctx, runExport(ctx));
    driversView.register(ctx);
    hover.register(ctx);
    dropReasonHover.register(ctx);
    callHierarchy.register(ctx);
    configHover.register(ctx);
    dimExcluded.register(ctx);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`NetPaths could not start: ${message}`);
    return;
  }
  extension.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsIndex(e)) {
        index.reset();
        void index.index();
      } else if (affectsKernelConfig(e)) {
        // Another configuration: the index is opened again, reparsing nothing.
        index.reconfigure();
      }
    }),
  );
  // Opened on a kernel tree (activation by workspaceContains): index now, so the first
  // command is fast. The cache makes this a few seconds after the first time.
  if (index.root()) void index.index();
}

export function deactivate(): void {
  // Everything is in extension.subscriptions, disposed by VS Code.
}
