// Hovers in C files: sk_buff members, skb buffer operations and packet-path functions,
// explained from the knowledge tables and the kernel-doc of the tree's own skbuff.h. The
// content comes from src/analysis/knowledge/hover.ts; this shell supplies the text around
// the cursor, the parsed header and file links. It never needs the index.

import { promises as fs } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import {
  MAX_HOVER_LINE,
  findHoverTarget,
  hoverAt,
  hoverCitation,
  readSkbuffDoc,
  surroundingLines,
  type SkbFieldDoc,
} from '../analysis/knowledge';
import { optionAt } from '../analysis/editor/option-info';

/** What this feature uses of the extension's FeatureContext. */
interface HoverContext {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  config(): { hover: boolean };
  kernelRoot(): string | undefined;
}

/** skbuff.h is about 200 KB; anything far larger is not the header we mean. */
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

export function register(ctx: HoverContext): void {
  const headers = new SkbuffDocCache(ctx.log);
  const sources = new SourceCache();
  const root = ctx.kernelRoot();
  // Parse the header ahead of the first hover (about 10 ms), off the hover's path.
  if (root && ctx.config().hover) void headers.get(root);
  ctx.extension.subscriptions.push(
    vscode.languages.registerHoverProvider(
      { language: 'c', scheme: 'file' },
      {
        provideHover: (document, position, token) =>
          provideHover(ctx, headers, sources, document, position, token),
      },
    ),
  );
}

async function provideHover(
  ctx: HoverContext,
  headers: SkbuffDocCache,
  sources: SourceCache,
  document: vscode.TextDocument,
  position: vscode.Position,
  token: vscode.CancellationToken,
): Promise<vscode.Hover | undefined> {
  if (!ctx.config().hover) return undefined;
  const line = document.lineAt(position.line).text;
  if (line.length > MAX_HOVER_LINE) return undefined;
  // A `CONFIG_` option is config-hover.ts's, not a function of the packet path.
  if (optionAt(line, position.character)) return undefined;
  const root = ctx.kernelRoot();
  const doc = root ? await headers.get(root) : undefined;
  if (token.isCancellationRequested) return undefined;

  const file = root ? kernelPath(root, document.uri.fsPath) : undefined;
  const around = surroundingLines(
    (i) => document.lineAt(i).text,
    document.lineCount,
    position.line,
  );
  const options: Parameters<typeof hoverAt>[2] = {
    before: around.before,
    after: around.after,
    linkTo: (target, lineNo) =>
      root
        ? vscode.Uri.file(join(root, ...target.split('/')))
            .with({ fragment: `L${lineNo}` })
            .toString()
        : undefined,
  };
  if (doc) options.doc = doc;
  if (file !== undefined) options.file = file;
  // The file the hover's statement cites, read ahead so the builder can link its line.
  const target = findHoverTarget(line, position.character, options);
  const cite = target ? hoverCitation(target) : undefined;
  if (root && cite) {
    const source = await sources.get(root, cite.file);
    if (token.isCancellationRequested) return undefined;
    if (source !== undefined) options.readSource = (f) => (f === cite.file ? source : undefined);
  }
  const result = hoverAt(line, position.character, options);
  if (!result) return undefined;
  // Untrusted, no HTML, no theme icons: the text is escaped by the builder and links open files only.
  const markdown = new vscode.MarkdownString(result.markdown);
  markdown.isTrusted = false;
  markdown.supportHtml = false;
  markdown.supportThemeIcons = false;
  return new vscode.Hover(
    markdown,
    new vscode.Range(position.line, result.target.start, position.line, result.target.end),
  );
}

/** `fsPath` relative to the kernel root with `/` separators, or undefined outside it. */
function kernelPath(root: string, fsPath: string): string | undefined {
  const rel = relative(root, fsPath);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel)
    ? undefined
    : rel.split(sep).join('/');
}

/**
 * `struct sk_buff` members of `<root>/include/linux/skbuff.h`, parsed once and parsed again
 * when the file's size or mtime changes (a `git checkout` of another version). A missing
 * header means no kernel-doc: hovers still show our own text.
 */
class SkbuffDocCache {
  private cached: { key: string; doc: SkbFieldDoc[] } | undefined;
  private loading: { key: string; promise: Promise<SkbFieldDoc[] | undefined> } | undefined;

  constructor(private readonly log: vscode.LogOutputChannel) {}

  async get(root: string): Promise<readonly SkbFieldDoc[] | undefined> {
    const path = join(root, 'include', 'linux', 'skbuff.h');
    let key: string;
    try {
      const stat = await fs.stat(path);
      if (!stat.isFile() || stat.size > MAX_HEADER_BYTES) return undefined;
      key = `${path}\0${stat.size}\0${stat.mtimeMs}`;
    } catch {
      return undefined;
    }
    if (this.cached?.key === key) return this.cached.doc;
    if (this.loading?.key === key) return this.loading.promise;
    const promise = fs
      .readFile(path, 'utf8')
      .then((text) => {
        const doc = readSkbuffDoc(text);
        this.cached = { key, doc };
        this.log.info(`hover: read ${doc.length} struct sk_buff members from ${path}`);
        return doc;
      })
      .catch((e: unknown) => {
        this.log.warn(`hover: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
        return undefined;
      })
      .finally(() => {
        if (this.loading?.promise === promise) this.loading = undefined;
      });
    this.loading = { key, promise };
    return promise;
  }
}

/** The files hovers cite (a handful of headers and net/core sources), read once per tree. */
class SourceCache {
  private readonly texts = new Map<string, Promise<string | undefined>>();

  get(root: string, file: string): Promise<string | undefined> {
    const key = join(root, ...file.split('/'));
    let text = this.texts.get(key);
    if (!text) {
      if (this.texts.size > 32) this.texts.clear();
      text = fs.readFile(key, 'utf8').then(
        (t) => (t.length > MAX_HEADER_BYTES ? undefined : t),
        () => undefined,
      );
      this.texts.set(key, text);
    }
    return text;
  }
}
