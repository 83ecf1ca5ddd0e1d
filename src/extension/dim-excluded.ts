// Dims, in the editor, the code the active kernel configuration leaves out: a file its
// makefiles do not build, the `#if` branches it makes false, the bodies of C `if`s over
// options it makes false. The ranges come from the analysis server (computed by
// src/analysis/editor/excluded.ts from the editor's text); a hover on them says why. Off
// with `netpaths.dimExcluded`.

import * as vscode from 'vscode';
import type { ExcludedCode } from '../analysis/editor/excluded';
import { affectsKernelConfig } from './config';
import type { FeatureContext } from './context';

/** Files whose #if branches mean something to a configuration. */
const C_FILE = /\.[ch]$/;
/** Typing pauses this long before the ranges are asked again. */
const TYPING_DELAY_MS = 400;

export function register(ctx: FeatureContext): void {
  const dimmer = new Dimmer(ctx);
  ctx.extension.subscriptions.push(
    dimmer,
    vscode.window.onDidChangeVisibleTextEditors(() => dimmer.updateAll()),
    vscode.workspace.onDidChangeTextDocument((e) => dimmer.changed(e.document)),
    ctx.index.onDidChange(() => dimmer.updateAll()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('netpaths.dimExcluded') || affectsKernelConfig(e))
        dimmer.updateAll();
    }),
  );
  dimmer.updateAll();
}

class Dimmer implements vscode.Disposable {
  private readonly decoration = vscode.window.createTextEditorDecorationType({
    opacity: '0.4',
    rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
  });
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** The document version each editor's decorations were asked for: an older answer is dropped. */
  private readonly asked = new Map<string, number>();

  constructor(private readonly ctx: FeatureContext) {}

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.decoration.dispose();
  }

  updateAll(): void {
    for (const editor of vscode.window.visibleTextEditors) void this.update(editor);
  }

  changed(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        for (const editor of vscode.window.visibleTextEditors)
          if (editor.document === document) void this.update(editor);
      }, TYPING_DELAY_MS),
    );
  }

  private async update(editor: vscode.TextEditor): Promise<void> {
    const document = editor.document;
    const file = this.ctx.index.relativePath(document.uri);
    if (
      !file ||
      !C_FILE.test(file) ||
      !this.ctx.config().dimExcluded ||
      !this.ctx.index.isReady()
    ) {
      editor.setDecorations(this.decoration, []);
      return;
    }
    const key = document.uri.toString();
    const version = document.version;
    this.asked.set(key, version);
    let code: ExcludedCode | null;
    try {
      code = await this.ctx.client.request('excludedCode', { file, text: document.getText() });
    } catch (e) {
      this.ctx.log.warn(`dimming ${file}: ${e instanceof Error ? e.message : String(e)}`);
      code = null;
    }
    // A newer text was asked for meanwhile (typing), or the editor closed: its answer decides.
    if (this.asked.get(key) !== version || document.isClosed) return;
    editor.setDecorations(this.decoration, code ? decorations(document, code) : []);
  }
}

function decorations(
  document: vscode.TextDocument,
  code: ExcludedCode,
): vscode.DecorationOptions[] {
  const last = document.lineCount - 1;
  return code.ranges.map((r) => {
    const from = Math.min(r.fromLine - 1, last);
    const to = Math.min(r.toLine - 1, last);
    const range = new vscode.Range(
      from,
      r.fromColumn !== undefined ? r.fromColumn - 1 : 0,
      to,
      r.toColumn !== undefined ? r.toColumn : document.lineAt(to).text.length,
    );
    const hover = new vscode.MarkdownString();
    hover.appendText(`Not in this kernel configuration: ${r.reason}`);
    return { range, hoverMessage: hover };
  });
}
