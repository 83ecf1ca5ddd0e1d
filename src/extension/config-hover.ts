// Hovers on `CONFIG_X` in C files and Kbuild makefiles: the option's value in the active
// kernel configuration and its Kconfig entry, asked of the analysis server (which read
// the configuration and the tree's Kconfig files); the text is built by
// src/analysis/editor/option-info.ts.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { optionAt, optionMarkdown } from '../analysis/editor/option-info';
import type { FeatureContext } from './context';

/** C sources and headers (VS Code calls `.h` C++), and Kbuild makefiles, which have no language of their own. */
export const CONFIG_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'c', scheme: 'file' },
  { language: 'cpp', scheme: 'file' },
  { language: 'makefile', scheme: 'file' },
  { pattern: '**/{Kbuild,Makefile,Makefile.*,Kbuild.*}', scheme: 'file' },
];

export function register(ctx: FeatureContext): void {
  ctx.extension.subscriptions.push(
    vscode.languages.registerHoverProvider(CONFIG_DOCUMENTS, {
      provideHover: (document, position, token) => provideHover(ctx, document, position, token),
    }),
  );
}

async function provideHover(
  ctx: FeatureContext,
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
): Promise<vscode.Hover | undefined> {
  if (!ctx.config().hover) return undefined;
  const line = document.lineAt(position.line).text;
  const at = optionAt(line, position.character);
  // Only a server that has opened the index knows the configuration (and this starts none).
  if (!at || !ctx.client.isReady()) return undefined;
  let answer;
  try {
    answer = await ctx.client.request('configOption', { name: at.name });
  } catch (e) {
    // Before the first index there is no configuration to tell of: no hover, and a line in the log.
    ctx.log.info(`CONFIG_ hover: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
  if (token.isCancellationRequested) return undefined;
  const root = ctx.kernelRoot();
  const text = optionMarkdown(answer.info, answer.source, answer.kconfigRead, (file, lineNo) =>
    root
      ? vscode.Uri.file(join(root, ...file.split('/')))
          .with({ fragment: `L${lineNo}` })
          .toString()
      : undefined,
  );
  const markdown = new vscode.MarkdownString(text);
  // Untrusted, no HTML: the text comes from the tree's files and links open files only.
  markdown.isTrusted = false;
  markdown.supportHtml = false;
  return new vscode.Hover(
    markdown,
    new vscode.Range(position.line, at.start, position.line, at.end),
  );
}
