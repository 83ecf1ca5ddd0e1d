// The hover on drop reasons in C (`SKB_DROP_REASON_NO_SOCKET`, or `NO_SOCKET` in
// SKB_DR_SET): what the tree's own include/net/dropreason-core.h says of it. The content
// comes from src/analysis/trace/dropreason-hover.ts; this shell reads the header (again
// when its size or mtime changes) and links it. It never needs the index.

import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import {
  DROP_REASON_HEADER,
  type DropReasons,
  readDropReasons,
} from '../analysis/trace/dropreason';
import { dropReasonHover } from '../analysis/trace/dropreason-hover';

/** What this feature uses of the extension's FeatureContext. */
interface DropHoverContext {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  config(): { hover: boolean };
  kernelRoot(): string | undefined;
}

/** A longer line is no C we hover (generated or minified text). */
const MAX_LINE = 4000;

export function register(ctx: DropHoverContext): void {
  const headers = new HeaderCache(ctx.log);
  ctx.extension.subscriptions.push(
    vscode.languages.registerHoverProvider(
      { language: 'c', scheme: 'file' },
      {
        provideHover: async (document, position, token) => {
          if (!ctx.config().hover) return undefined;
          const line = document.lineAt(position.line).text;
          const root = ctx.kernelRoot();
          if (!root || line.length > MAX_LINE || !line.includes('SKB_')) return undefined;
          const reasons = await headers.get(root);
          if (!reasons || token.isCancellationRequested) return undefined;
          const found = dropReasonHover(line, position.character, reasons, (file, lineNo) =>
            vscode.Uri.file(join(root, ...file.split('/')))
              .with({ fragment: `L${lineNo}` })
              .toString(),
          );
          if (!found) return undefined;
          // Untrusted, no HTML: the text is escaped by the builder and the link opens a file.
          const markdown = new vscode.MarkdownString(found.markdown);
          markdown.isTrusted = false;
          markdown.supportHtml = false;
          return new vscode.Hover(
            markdown,
            new vscode.Range(position.line, found.target.start, position.line, found.target.end),
          );
        },
      },
    ),
  );
}

/** The header's reasons, read once per size and mtime (a checkout of another version reads it again). */
class HeaderCache {
  private cached: { key: string; reasons: DropReasons } | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async get(root: string): Promise<DropReasons | undefined> {
    const path = join(root, ...DROP_REASON_HEADER.split('/'));
    try {
      const stat = await fs.stat(path);
      const key = `${stat.size}\0${stat.mtimeMs}`;
      if (this.cached?.key !== key) {
        this.cached = { key, reasons: readDropReasons(await fs.readFile(path, 'utf8')) };
        this.log.info(`hover: read ${this.cached.reasons.byName.size} drop reasons from ${path}`);
      }
      return this.cached.reasons;
    } catch {
      // A tree before 6.0 has no such header: no hover, nothing to report.
      return undefined;
    }
  }
}
