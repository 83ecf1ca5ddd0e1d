// The index as the extension sees it: which folder is the kernel, whether it is indexed,
// and the one indexing run at a time, shown in a cancellable notification and the status
// bar. The indexing itself runs in the analysis server (src/server.ts), never here.

import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import * as vscode from 'vscode';
import { type NetpathsConfig, readConfig } from './config';
import { type IndexClient, RequestError } from '../server/client';
import type { ConfigurationSummary, IndexSummary } from '../server/protocol';
import { NotKernelTreeError, assertKernelTree } from '../analysis/index/walk';

type State =
  | { kind: 'idle' }
  | { kind: 'indexing' }
  | { kind: 'ready'; summary: IndexSummary }
  | { kind: 'failed'; message: string }
  | { kind: 'cancelled' };

export class KernelIndex implements vscode.Disposable {
  private readonly status: vscode.StatusBarItem;
  private state: State = { kind: 'idle' };
  private running: Promise<boolean> | undefined;
  /** Another run is due when the one under way ends (the configuration changed meanwhile). */
  private again = false;
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when an index was loaded (or lost): views refresh. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly client: IndexClient,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem(
      'netpaths.status',
      vscode.StatusBarAlignment.Left,
      50,
    );
    this.status.name = 'NetPaths';
    this.render();
    this.status.show();
  }

  dispose(): void {
    this.status.dispose();
    this.changed.dispose();
  }

  /** The kernel tree: the setting (absolute or relative to the first folder), else the first workspace folder. */
  root(config: NetpathsConfig = readConfig()): string | undefined {
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    if (config.kernelRoot) {
      if (isAbsolute(config.kernelRoot)) return resolve(config.kernelRoot);
      return folder ? resolve(folder.uri.fsPath, config.kernelRoot) : undefined;
    }
    return folder?.uri.fsPath;
  }

  /**
   * The `netpaths.config` setting as the analysis server takes it: empty for the default
   * order, `none`, or an absolute path (`~/` is the home folder, a relative path is of the
   * first workspace folder).
   */
  configSetting(config: NetpathsConfig = readConfig()): string {
    const c = config.config;
    if (c === '' || c === 'none') return c;
    if (c === '~' || c.startsWith('~/')) return join(homedir(), c.slice(1));
    if (isAbsolute(c)) return resolve(c);
    const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
    return folder ? resolve(folder.uri.fsPath, c) : resolve(c);
  }

  /** The configuration of the loaded graph, once one is loaded. */
  configuration(): ConfigurationSummary | undefined {
    return this.state.kind === 'ready' ? this.state.summary.configuration : undefined;
  }

  /**
   * Applies the configuration the settings now name: the index is opened again, which
   * reparses nothing and swaps the graph when the configured one is ready. A run under way
   * is followed by another.
   */
  reconfigure(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.index();
  }

  /** `file` relative to the kernel root with `/` separators, or undefined when outside it. */
  relativePath(uri: vscode.Uri): string | undefined {
    const root = this.root();
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = relative(root, uri.fsPath);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
    return rel.split(sep).join('/');
  }

  /** The URI of a file given relative to the kernel root. */
  uri(file: string): vscode.Uri | undefined {
    const root = this.root();
    return root ? vscode.Uri.file(join(root, ...file.split('/'))) : undefined;
  }

  isReady(): boolean {
    return this.state.kind === 'ready' && this.client.isReady();
  }

  /** Indexes unless an index is loaded; true when one is. Shows what went wrong itself. */
  ensureIndexed(): Promise<boolean> {
    if (this.isReady()) return Promise.resolve(true);
    return this.index();
  }

  /** Builds or refreshes the index (the one run at a time); true on success. */
  index(): Promise<boolean> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        void this.index();
      }
    });
    return this.running;
  }

  /** Drops the loaded graph, e.g. after the kernel root or scope changed. */
  reset(): void {
    this.client.stop('the kernel root or scope changed');
    this.setState({ kind: 'idle' });
  }

  private cacheDir(root: string, config: NetpathsConfig): string {
    // Workspace storage is per workspace; the key separates roots and scopes inside it.
    const key = createHash('sha256')
      .update(root)
      .update('\0')
      .update(config.scope.join('\0'))
      .digest('hex')
      .slice(0, 16);
    const base = this.extension.storageUri?.fsPath ?? this.extension.globalStorageUri.fsPath;
    return join(base, 'index', key);
  }

  private async run(): Promise<boolean> {
    const config = readConfig();
    const root = this.root(config);
    if (!root) {
      this.fail(
        'NetPaths needs a kernel tree: open a Linux source folder, or set netpaths.kernelRoot.',
        true,
      );
      return false;
    }
    // A folder that is not a kernel tree is told so at once, without a progress
    // notification first (the analysis server checks by the same rule, walk.ts).
    try {
      assertKernelTree(root);
    } catch (e) {
      if (!(e instanceof NotKernelTreeError)) throw e;
      this.fail(notKernelMessage(e.message), true);
      return false;
    }
    const reconfiguring = this.state.kind === 'ready';
    this.setState({ kind: 'indexing' });
    this.status.text = '$(sync~spin) NetPaths: indexing…';
    const started = Date.now();
    // An error is shown once the progress notification has closed: inside the progress
    // callback it would appear beside an "indexing the kernel" toast still on screen.
    const outcome = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: reconfiguring ? 'NetPaths: refreshing the index' : 'NetPaths: indexing the kernel',
        cancellable: true,
      },
      (progress, token) => this.open(root, config, progress, token),
    );
    if (outcome.ok) {
      this.log.info(
        `indexed ${root}: ${outcome.summary.files} files (${outcome.summary.reparsed} parsed, ${outcome.summary.reused} from the cache), ${outcome.summary.functions} functions, ${outcome.summary.edges} calls in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      this.setState({ kind: 'ready', summary: outcome.summary });
      reportConfiguration(this.log, outcome.summary.configuration);
      return true;
    }
    const e = outcome.error;
    if (e instanceof RequestError && e.cancelled) {
      this.log.info('indexing cancelled');
      this.setState({ kind: 'cancelled' });
      return false;
    }
    // VS Code keeps a progress notification on screen for at least 800 ms, however soon its
    // task ends (withNotificationProgress in microsoft/vscode's
    // src/vs/workbench/services/progress/browser/progressService.ts): a run that failed
    // sooner waits for it to close before saying why.
    const shown = Date.now() - started;
    if (shown < PROGRESS_MIN_MS) await sleep(PROGRESS_MIN_MS - shown);
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof RequestError && e.notKernel) this.fail(notKernelMessage(message), true);
    else this.fail(message, false);
    return false;
  }

  /** Asks the analysis server to index `root`, reporting its progress; never throws. */
  private async open(
    root: string,
    config: NetpathsConfig,
    progress: vscode.Progress<{ message?: string; increment?: number }>,
    token: vscode.CancellationToken,
  ): Promise<{ ok: true; summary: IndexSummary } | { ok: false; error: unknown }> {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    let reported = 0;
    try {
      const summary = await this.client.request(
        'open',
        {
          root,
          cacheDir: this.cacheDir(root, config),
          scope: config.scope,
          ...(config.workers > 0 ? { workers: config.workers } : {}),
          config: this.configSetting(config),
        },
        {
          signal: controller.signal,
          onProgress: (done, total) => {
            const percent = total > 0 ? (done / total) * 100 : 0;
            progress.report({
              message: `parsing ${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} files`,
              increment: percent - reported,
            });
            reported = percent;
            this.status.text = `$(sync~spin) NetPaths: ${Math.floor(percent)}%`;
          },
        },
      );
      return { ok: true, summary };
    } catch (error) {
      return { ok: false, error };
    } finally {
      sub.dispose();
    }
  }

  private fail(message: string, offerSetting: boolean): void {
    this.log.error(message);
    this.setState({ kind: 'failed', message });
    const action = offerSetting ? 'Set Kernel Root' : 'Show Log';
    void vscode.window.showErrorMessage(`NetPaths: ${message}`, action).then((choice) => {
      if (choice === 'Set Kernel Root')
        void vscode.commands.executeCommand('workbench.action.openSettings', 'netpaths.kernelRoot');
      else if (choice === 'Show Log') this.log.show();
    });
  }

  private setState(state: State): void {
    this.state = state;
    void vscode.commands.executeCommand('setContext', 'netpaths.indexed', state.kind === 'ready');
    void vscode.commands.executeCommand(
      'setContext',
      'netpaths.indexing',
      state.kind === 'indexing',
    );
    this.render();
    this.changed.fire();
  }

  private render(): void {
    const s = this.state;
    switch (s.kind) {
      case 'idle':
        this.status.text = '$(circuit-board) NetPaths';
        this.status.tooltip = 'NetPaths: not indexed yet. Click to index the kernel.';
        this.status.command = 'netpaths.reindex';
        break;
      case 'indexing':
        this.status.text = '$(sync~spin) NetPaths: indexing…';
        this.status.tooltip = 'NetPaths is indexing the kernel (cancel it in the notification).';
        this.status.command = undefined;
        break;
      case 'ready': {
        const m = s.summary;
        this.status.text = `$(circuit-board) NetPaths: ${compact(m.functions)} functions${configurationTag(m.configuration)}`;
        this.status.tooltip = `NetPaths index of ${m.root}\n${m.files.toLocaleString('en-US')} files, ${m.functions.toLocaleString('en-US')} functions, ${m.edges.toLocaleString('en-US')} calls (${m.indirectEdges.toLocaleString('en-US')} through pointers)\n${configurationTooltip(m.configuration)}\nClick to show an ingress path; NetPaths: Select Kernel Configuration… chooses another configuration.`;
        this.status.command = 'netpaths.showIngress';
        break;
      }
      case 'cancelled':
        this.status.text = '$(circle-slash) NetPaths: not indexed';
        this.status.tooltip = 'Indexing was cancelled. Click to index again.';
        this.status.command = 'netpaths.reindex';
        break;
      case 'failed':
        this.status.text = '$(warning) NetPaths';
        this.status.tooltip = `NetPaths: ${s.message}\nClick to try again.`;
        this.status.command = 'netpaths.reindex';
        break;
    }
  }
}

/** Logs the configuration applied; a file that could not be used is one error line. */
function reportConfiguration(
  log: vscode.LogOutputChannel,
  c: ConfigurationSummary | undefined,
): void {
  if (!c) return;
  log.info(
    c.source !== undefined
      ? `kernel configuration ${c.source} (from ${c.chosen}${c.arch ? `, ${c.arch}` : ''})`
      : `no kernel configuration (${c.problem ?? c.chosen}): every file, both sides of every #if`,
  );
  for (const w of c.warnings) log.warn(w);
  if (c.problem === undefined) return;
  const action = 'Select Kernel Configuration…';
  void vscode.window
    .showErrorMessage(`NetPaths: ${c.problem}; drawing every configuration.`, action)
    .then((choice) => {
      if (choice === action) void vscode.commands.executeCommand('netpaths.selectConfig');
    });
}

/** How long VS Code keeps a progress notification up at least, with a margin (see run()). */
const PROGRESS_MIN_MS = 900;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The one-line error for a folder that is not a kernel tree, with what to do about it. */
function notKernelMessage(reason: string): string {
  return `${reason}. Open a Linux source folder, or set netpaths.kernelRoot to one.`;
}

/** The file name without its compression suffix: `config.amd64_none_amd64`, `.config`. */
function configName(source: string): string {
  return basename(source).replace(/\.(xz|gz)$/, '');
}

/** What the status bar's text adds for the configuration: nothing for every configuration, as before there were any. */
function configurationTag(c: ConfigurationSummary | undefined): string {
  if (c?.problem !== undefined) return ' · $(warning) configuration';
  return c?.source !== undefined ? ` · ${configName(c.source)}` : '';
}

/** The tooltip's line for the configuration: the file, its option count, or why none. */
export function configurationTooltip(c: ConfigurationSummary | undefined): string {
  if (!c) return 'Kernel configuration: none (every configuration).';
  if (c.problem !== undefined)
    return `Kernel configuration: ${c.problem}; every configuration is drawn instead.`;
  if (c.source === undefined)
    return `Kernel configuration: none, every configuration is drawn (${c.chosen}).`;
  const count = (n: number | undefined): string => (n ?? 0).toLocaleString('en-US');
  const warnings = c.warnings.length > 0 ? `\n${c.warnings.join('\n')}` : '';
  return `Kernel configuration: ${c.source} (from ${c.chosen}${c.arch ? `, ${c.arch}` : ''}): ${count(c.set)} options set, ${count(c.unset)} not set.${warnings}`;
}

function compact(n: number): string {
  return n >= 10_000
    ? `${Math.round(n / 1000).toLocaleString('en-US')}k`
    : n.toLocaleString('en-US');
}
