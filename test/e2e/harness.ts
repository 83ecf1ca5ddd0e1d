// End-to-end harness: the packaged extension in a real VS Code. code-server (VS Code 1.100
// served to a browser, installed by scripts/setup-code-server.sh) runs the .vsix exactly
// as a user installs it, and Debian's Chromium, driven by playwright-core, clicks and
// types in its workbench. See /work/shared/notes/real-vscode-offline.md for why this and
// not @vscode/test-electron (which needs a download these machines cannot make).
//
// Every run starts clean: a fresh extensions folder, user-data folder and code-server
// config under the system temp folder, removed at the end. Nothing is written into the
// kernel tree. code-server is started in its own process group, so stopping the group
// also stops the extension host and the analysis server it forked; an exit handler does
// that too when a test throws or the runner is interrupted.

import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  closeSync,
  readdirSync,
  rmSync,
  writeFileSync,
  readFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { kernelTreeProblem } from '../../src/analysis/index/walk';
import { E2E_SCOPE, cliJson as sharedCliJson } from './scenarios';

export const ROOT = join(__dirname, '..', '..');
export const RESULTS = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';
export const CLI = join(ROOT, 'dist', 'cli.js');
const CODE_SERVER_VERSION = '4.100.3';

/**
 * What the e2e window indexes (test/e2e/scenarios.ts): the part of the tree e1000e's ingress
 * and egress paths run through. Checked with the CLI against the integration tests' wider
 * scope: the same nodes and edges on both paths; only the count of functions hidden in
 * collapsed side branches is lower. About 8,400 files, 13-25 s cold on two cores instead
 * of 50-110 s.
 */
export { E2E_SCOPE };

/** Writes a line to stderr (node:test keeps stdout for its reporter). */
export function log(message: string): void {
  process.stderr.write(`e2e: ${message}\n`);
}

/** The Linux tree: $NETPATHS_KERNEL. Fails, never skips, when it is missing. */
export function kernelRoot(): string {
  const root = process.env.NETPATHS_KERNEL;
  // The indexer's own rule (src/analysis/index/kernel-tree.json) says what a kernel tree is.
  const problem = root ? kernelTreeProblem(root) : 'it is not set';
  if (!root || problem !== undefined) {
    throw new Error(
      `NETPATHS_KERNEL must name a Linux 6.12 tree (${problem}): export NETPATHS_KERNEL=$(bash scripts/kernel.sh)`,
    );
  }
  return root;
}

/** code-server's entry.js: $NETPATHS_CODE_SERVER, else where setup-code-server.sh puts it. */
export function codeServerEntry(): string {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const entry =
    process.env.NETPATHS_CODE_SERVER ??
    join(
      cache,
      'netpaths',
      `code-server-${CODE_SERVER_VERSION}`,
      'node_modules/code-server/out/node/entry.js',
    );
  if (!existsSync(entry)) {
    throw new Error(
      `code-server is not installed (${entry} is missing): run NETPATHS_CODE_SERVER=$(bash scripts/setup-code-server.sh)`,
    );
  }
  return entry;
}

let vsix: string | undefined;

/**
 * The extension package: $NETPATHS_VSIX when set (a package built elsewhere), else
 * `npm run package` (build + vsce) once per test process, into dist/netpaths.vsix.
 */
export function packageExtension(): string {
  if (vsix) return vsix;
  const given = process.env.NETPATHS_VSIX;
  if (given) {
    if (!existsSync(given)) throw new Error(`NETPATHS_VSIX=${given} does not exist`);
    vsix = given;
    return vsix;
  }
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.status !== 0) {
    throw new Error(
      `npm run package failed (exit ${r.status ?? r.signal}); its output:\n${r.stdout}\n${r.stderr}`,
    );
  }
  vsix = join(ROOT, 'dist', 'netpaths.vsix');
  if (!existsSync(vsix)) throw new Error(`npm run package succeeded but ${vsix} is missing`);
  log(`packaged ${vsix} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return vsix;
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Thrown by a `waitFor` probe to stop waiting at once: the state is final (an error shown, a process gone). */
export class FinalError extends Error {}

/**
 * Polls `probe` until it returns a value other than undefined, or fails with `what`. An
 * error the probe throws counts as "not yet" (the DOM may be changing), except FinalError.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      if (e instanceof FinalError) throw e;
      lastError = e;
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${(timeoutMs / 1000).toFixed(0)} s waiting for ${what}${cause}`,
      );
    }
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------
// Processes

/** Process groups started here and not yet stopped; the exit handler kills what is left. */
const liveGroups = new Set<number>();
/** Temp folders made here and not yet removed; the exit handler removes what is left. */
const liveDirs = new Set<string>();

/** A fresh folder under the system temp folder, removed by removeTempDir or at exit. */
export function tempDir(prefix: string): string {
  installExitHandlers();
  const dir = mkdtempSync(join(tmpdir(), prefix));
  liveDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  liveDirs.delete(dir);
}

function cleanUpNow(): void {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true });
}

function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // ESRCH: the whole group is gone.
  }
}

function groupAlive(pid: number): boolean {
  return killGroup(pid, 0 as unknown as NodeJS.Signals);
}

let handlersInstalled = false;
function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Synchronous last resort: a test that threw before close(), or the runner exiting.
  process.on('exit', cleanUpNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanUpNow();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
async function stopGroup(pid: number, graceMs = 5000): Promise<void> {
  killGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pid)) {
    killGroup(pid, 'SIGKILL');
    const hard = Date.now() + 5000;
    while (groupAlive(pid) && Date.now() < hard) await sleep(100);
  }
  if (groupAlive(pid)) throw new Error(`process group ${pid} survived SIGKILL`);
  liveGroups.delete(pid);
}

// ---------------------------------------------------------------------------------------
// VS Code

let cleaned = false;
/**
 * Empties test-results/e2e/ once per run, so no screenshot of an earlier run is mistaken for
 * this one's. node --test runs each test file in its own process, children of one runner:
 * a marker with the runner's pid keeps the second file from wiping the first one's results.
 */
function cleanResultsOnce(): void {
  if (cleaned) return;
  cleaned = true;
  const marker = join(RESULTS, '.run');
  const run = String(process.ppid);
  const previous = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : undefined;
  if (previous === run) return;
  rmSync(RESULTS, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(marker, `${run}\n`);
}

export interface StartOptions {
  /** A short name for this window: prefixes its screenshots and log folder. */
  name: string;
  /** The folder the window opens. */
  folder: string;
  /**
   * A .code-workspace file to open instead, holding `folder`: what the extension writes
   * to workspace settings then goes into this file, never into the folder (the kernel tree).
   */
  workspace?: string;
  /** User settings added to (or overriding) the harness's defaults. */
  settings?: Record<string, unknown>;
  /** Install the packaged extension (default true). */
  installExtension?: boolean;
  viewport?: { width: number; height: number };
}

/** User settings every window gets: quiet, untrusting-free, nothing opened at start. */
export function baseSettings(): Record<string, unknown> {
  return {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'git.autoRepositoryDetection': false,
    // A stable layout for screenshots and for the hover position.
    'window.zoomLevel': 0,
    'editor.minimap.enabled': false,
    'workbench.colorTheme': 'Default Dark Modern',
  };
}

/** A QuickPick row's label (its first line; the detail line has a `.label-name` too). */
const MAIN_LABEL = '.quick-input-list-rows > .quick-input-list-row:first-child .label-name';

export class VsCode {
  private screenshotCount = 0;
  private closed = false;
  /** Errors the workbench and webviews logged to the browser console, and page errors. */
  readonly consoleErrors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly browser: Browser,
    private readonly server: ChildProcess,
    readonly port: number,
    readonly dir: string,
    readonly folder: string,
    readonly logFile: string,
    readonly name: string,
  ) {}

  /**
   * Starts code-server with the packaged extension on a free port and opens `folder` in
   * Chromium. Resolves once the workbench is drawn. On failure everything started is stopped.
   */
  static async start(options: StartOptions): Promise<VsCode> {
    installExitHandlers();
    cleanResultsOnce();
    const entry = codeServerEntry();
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)`,
      );
    mkdirSync(RESULTS, { recursive: true });
    const dir = tempDir('netpaths-e2e-');
    const extensionsDir = join(dir, 'extensions');
    const userDataDir = join(dir, 'user-data');
    mkdirSync(join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      join(userDataDir, 'User', 'settings.json'),
      `${JSON.stringify({ ...baseSettings(), ...options.settings }, null, 2)}\n`,
    );
    const port = await freePort();
    // Its own config file, so code-server neither reads nor writes ~/.config/code-server.
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
    // code-server also keeps a little state (last opened folder, heartbeat) in its data folder.
    const env = {
      ...process.env,
      XDG_DATA_HOME: join(dir, 'data'),
      XDG_CONFIG_HOME: join(dir, 'config'),
    };
    const common = [
      '--config',
      config,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
    ];

    if (options.installExtension !== false) {
      const pkg = packageExtension();
      const r = spawnSync(
        process.execPath,
        [entry, ...common, '--install-extension', pkg, '--force'],
        { encoding: 'utf8', env, timeout: 120_000 },
      );
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
        throw new Error(
          `code-server --install-extension ${pkg} failed (exit ${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`,
        );
      }
    }

    const logFile = join(RESULTS, `code-server-${options.name}.log`);
    const fd = openSync(logFile, 'w');
    const args = [
      entry,
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      '--disable-getting-started-override',
      '--ignore-last-opened',
      options.workspace ?? options.folder,
    ];
    // detached: its own process group, which stopGroup() ends as a whole.
    const server = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
    });
    closeSync(fd);
    const pid = server.pid;
    if (pid === undefined) throw new Error('could not start code-server');
    liveGroups.add(pid);
    let browser: Browser | undefined;
    try {
      await waitFor(
        `code-server on port ${port} (log: ${logFile})`,
        async () => {
          if (server.exitCode !== null)
            throw new FinalError(`code-server exited with ${server.exitCode}: ${tail(logFile)}`);
          const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
          return res?.ok ? true : undefined;
        },
        60_000,
      );
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-dev-shm-usage',
        ],
      });
      const context = await browser.newContext({
        viewport: options.viewport ?? { width: 1600, height: 1000 },
        deviceScaleFactor: 1,
      });
      const page = await context.newPage();
      const vs = new VsCode(
        page,
        browser,
        server,
        port,
        dir,
        options.folder,
        logFile,
        options.name,
      );
      page.on('pageerror', (e) => vs.consoleErrors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error')
          vs.consoleErrors.push(`${m.location().url.split('/').pop() ?? ''}: ${m.text()}`);
      });
      const opened = options.workspace
        ? `workspace=${encodeURIComponent(options.workspace)}`
        : `folder=${encodeURIComponent(options.folder)}`;
      await page.goto(`http://127.0.0.1:${port}/?${opened}`);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      // The explorer shows the folder once the window is connected to its server.
      await page
        .locator('.explorer-folders-view, .explorer-viewlet')
        .first()
        .waitFor({ state: 'attached', timeout: 60_000 });
      return vs;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      await stopGroup(pid).catch(() => undefined);
      removeTempDir(dir);
      throw e;
    }
  }

  /** Stops Chromium and the whole code-server process group, removes the temp folder. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.browser.close().catch((e: unknown) => log(`closing Chromium: ${String(e)}`));
    if (this.server.pid !== undefined) await stopGroup(this.server.pid);
    // Keep VS Code's logs (the extension host's, NetPaths' output channel) for whoever
    // reads a failure; the rest of the temp folder goes.
    const logs = join(this.dir, 'user-data', 'logs');
    if (existsSync(logs)) cpSync(logs, join(RESULTS, `logs-${this.name}`), { recursive: true });
    removeTempDir(this.dir);
  }

  /** The NetPaths output channel so far (its log file under the user-data folder). */
  extensionLog(lines = 30): string {
    const files = findFiles(join(this.dir, 'user-data', 'logs'), (f) => /NetPaths\.log$/.test(f));
    return files.map((f) => `${f.slice(this.dir.length)}:\n${tail(f, lines)}`).join('\n');
  }

  /**
   * Runs one step of a test; when it fails, saves a screenshot named after it and adds the
   * end of NetPaths' log to the error, so a red test says what the window showed.
   */
  async step<T>(name: string, body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (e) {
      const shot = await this.screenshot(`FAILED-${name}`).catch(() => 'no screenshot');
      const console = this.consoleErrors.slice(-8).join('\n');
      const note = `\n  screenshot: ${shot}\n  NetPaths log:\n${this.extensionLog(20).replace(/^/gm, '    ')}\n  browser console errors (last 8):\n${console.replace(/^/gm, '    ')}`;
      if (e instanceof Error) {
        e.message += note;
        throw e;
      }
      throw new Error(`${String(e)}${note}`);
    }
  }

  /** Saves a screenshot of the whole window as test-results/e2e/WINDOW-NN-name.png; returns its path. */
  async screenshot(name: string): Promise<string> {
    const slug = name
      .replace(/[^A-Za-z0-9_.-]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80);
    const file = join(
      RESULTS,
      `${this.name}-${String(++this.screenshotCount).padStart(2, '0')}-${slug}.png`,
    );
    // Finite CSS animations (the hover's fade-in) are run to their end: a shot taken mid-fade shows a translucent widget.
    await this.page.screenshot({ path: file, animations: 'disabled' });
    log(`screenshot ${file}`);
    return file;
  }

  /** The last lines code-server (and the extension host) logged. */
  serverLog(lines = 40): string {
    return tail(this.logFile, lines);
  }

  // -------------------------------------------------------------------------------------
  // Workbench

  /** The visible quick input (command palette, quick open, QuickPick). */
  quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /**
   * Clicks the editor tab titled `title` and, for a webview's tab, waits for its page to take
   * the focus: VS Code focuses a webview a moment after its tab is shown, and a QuickPick
   * opened in that moment closes when it loses the focus.
   */
  async showWebviewTab(title: string): Promise<void> {
    await this.page.locator('.part.editor .tab', { hasText: title }).first().click();
    // Held for half a second: a webview that had the focus before the click gets it back
    // only after the tab has had it.
    let since: number | undefined;
    await waitFor(
      `the ${title} webview to take the focus`,
      async () => {
        const webview = await this.page.evaluate(
          () => document.activeElement?.tagName === 'IFRAME',
        );
        since = webview ? (since ?? Date.now()) : undefined;
        return since !== undefined && Date.now() - since >= 500 ? true : undefined;
      },
      15_000,
      50,
    );
  }

  /**
   * Runs `command` from the palette and waits for the QuickPick titled `pickTitle` that it
   * opens; runs it again when that QuickPick did not show or closed at once (the focus
   * taken away from it), up to three times.
   */
  async runCommandForQuickPick(command: string, pickTitle: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await this.runCommand(command);
      try {
        await this.waitForQuickPick(pickTitle, attempt < 3 ? 10_000 : 30_000);
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        log(`"${command}" did not leave its QuickPick "${pickTitle}" open; running it again`);
      }
    }
  }

  /** Opens the command palette, types `title`, waits for the exact entry and runs it. */
  async runCommand(title: string): Promise<void> {
    // The palette lists the commands enabled when it opens: one that becomes enabled a
    // moment later (a view that just got its results) shows up only in a new palette.
    for (let attempt = 1; ; attempt++) {
      await this.openPalette('>');
      await this.typeInQuickInput(title);
      try {
        await this.chooseQuickPickItem(title, {
          exact: true,
          timeoutMs: attempt < 3 ? 8_000 : 20_000,
        });
        return;
      } catch (e) {
        if (attempt >= 3) throw e;
        log(`"${title}" is not in the command palette yet; opening it again`);
      }
    }
  }

  /** Opens the quick input with `prefix` ('>' commands, '' files, ':' go to line). */
  async openPalette(prefix: string): Promise<void> {
    const input = this.quickInput().locator('input');
    // F1 now and then opens nothing (focus in a tree view that just took it, say), and a
    // webview that takes the focus a moment after its tab was clicked closes a palette that
    // just opened: try again until the prefix is typed, with the other key binding last.
    const keys = ['F1', 'F1', 'Control+Shift+P'];
    for (const [attempt, key] of keys.entries()) {
      const last = attempt === keys.length - 1;
      await this.page.keyboard.press('Escape');
      await this.page.keyboard.press(key);
      try {
        await input.waitFor({ state: 'visible', timeout: last ? 15_000 : 5_000 });
        await input.fill(prefix, { timeout: last ? 15_000 : 5_000 });
        return;
      } catch (e) {
        if (last) throw e;
        log(`the command palette did not open (or closed again) with ${key}; trying again`);
      }
    }
  }

  /** Types into the open quick input (after what is there). */
  async typeInQuickInput(text: string): Promise<void> {
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.press('End');
    await input.pressSequentially(text, { delay: 10 });
  }

  /** Waits for a row of the open QuickPick whose label is (or contains) `label`, focuses it and presses Enter. */
  async chooseQuickPickItem(
    label: string,
    options: { exact?: boolean; timeoutMs?: number } = {},
  ): Promise<void> {
    const rows = this.quickInput().locator('.monaco-list-row');
    const row = await waitFor(
      `"${label}" in the quick pick`,
      async () => {
        const n = await rows.count();
        for (let i = 0; i < n; i++) {
          const r = rows.nth(i);
          // Before the palette applies what was typed (it filters a moment later), the
          // whole command list is there, its rows mostly scrolled out of sight.
          if (!(await r.isVisible())) continue;
          const text = (
            (await r
              .locator(MAIN_LABEL)
              .first()
              .textContent({ timeout: 1000 })
              .catch(() => null)) ?? ''
          )
            .replace(/\s+/g, ' ')
            .trim();
          if (options.exact ? text === label || text.endsWith(`: ${label}`) : text.includes(label))
            return r;
        }
        return undefined;
      },
      options.timeoutMs ?? 20_000,
    );
    await row.click();
    await this.quickInput()
      .waitFor({ state: 'hidden', timeout: 15_000 })
      .catch(() => undefined);
  }

  /** Waits for a QuickPick whose title contains `title` (e.g. the driver picker after a command). */
  async waitForQuickPick(title: string, timeoutMs = 30_000): Promise<void> {
    const heading = this.quickInput().locator('.quick-input-title');
    await waitFor(
      `a QuickPick titled "${title}"`,
      async () =>
        (await heading.isVisible()) &&
        ((await heading.textContent()) ?? '').includes(title) &&
        (await this.quickPickLabels()).length > 0
          ? true
          : undefined,
      timeoutMs,
      50,
    );
  }

  /** Labels of the rows the open QuickPick shows. */
  async quickPickLabels(): Promise<string[]> {
    const rows = this.quickInput().locator(`.monaco-list-row ${MAIN_LABEL}`);
    return (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** Texts of the status bar items. */
  async statusBarTexts(): Promise<string[]> {
    const items = this.page.locator('#workbench\\.parts\\.statusbar .statusbar-item');
    return (await items.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
  }

  /** The first status bar item whose text matches `pattern`, waiting up to `timeoutMs`. */
  async waitForStatusBar(pattern: RegExp, timeoutMs: number): Promise<string> {
    return waitFor(
      `a status bar item matching ${String(pattern)}`,
      async () => (await this.statusBarTexts()).find((t) => pattern.test(t)),
      timeoutMs,
      500,
    );
  }

  /** Texts of the notification toasts on screen (and of the notification centre when open). */
  async notifications(): Promise<string[]> {
    const items = this.page.locator('.notification-list-item');
    const out: string[] = [];
    for (const item of await items.all()) {
      // A closed toast can stay in the DOM for its fade-out; only what is on screen counts.
      if (!(await item.isVisible().catch(() => false))) continue;
      const message = await item
        .locator('.notification-list-item-message')
        .textContent()
        .catch(() => null);
      const source = await item
        .locator('.notification-list-item-source')
        .textContent()
        .catch(() => null);
      if (message) out.push(`${message.trim()}${source ? ` (${source.trim()})` : ''}`);
    }
    return out;
  }

  /** The label of the active editor tab of the active group, e.g. "netdev.c". */
  async activeTabLabel(): Promise<string | undefined> {
    // Each editor group has an active tab; the active group's is the one with focus.
    const tab = this.page
      .locator('.part.editor .editor-group-container.active .tab.active .label-name')
      .first();
    return (await tab.textContent({ timeout: 2000 }).catch(() => null))?.trim() ?? undefined;
  }

  /** The active editor's cursor, read from the status bar's "Ln 12, Col 5". */
  async cursor(): Promise<{ line: number; column: number } | undefined> {
    const text = await this.page
      .locator('#status\\.editor\\.selection')
      .textContent({ timeout: 2000 })
      .catch(() => null);
    const m = /Ln (\d+), Col (\d+)/.exec(text ?? '');
    return m ? { line: Number(m[1]), column: Number(m[2]) } : undefined;
  }

  /**
   * Waits for `label` to be the active editor with its cursor moved off the first line, as
   * opening a definition from the graph leaves it, and returns the cursor.
   */
  async editorOpenedAt(label: string): Promise<{ line: number; column: number }> {
    await waitFor(
      `${label} to be the active editor`,
      async () => ((await this.activeTabLabel()) === label ? true : undefined),
      30_000,
      50,
    );
    return waitFor(
      'the cursor to leave the first line',
      async () => {
        const c = await this.cursor();
        return c && c.line > 1 ? c : undefined;
      },
      10_000,
      50,
    );
  }

  /** Opens `relPath` (relative to the folder) through Quick Open, and moves the cursor to `line`. */
  async openFile(relPath: string, line?: number): Promise<void> {
    await this.openPalette('');
    await this.typeInQuickInput(relPath);
    const base = relPath.split('/').pop() ?? relPath;
    const dir = relPath.slice(0, relPath.length - base.length).replace(/\/$/, '');
    // The focused row must be this file, not one whose name ends the same (netdev.c for dev.c).
    await waitFor(
      `${relPath} focused in Quick Open`,
      async () => {
        const row = this.quickInput().locator('.monaco-list-row.focused');
        const label = (
          (await row.locator(MAIN_LABEL).first().textContent({ timeout: 1000 })) ?? ''
        ).trim();
        const where = `${(await row.getAttribute('aria-label', { timeout: 1000 })) ?? ''} ${(await row.textContent({ timeout: 1000 })) ?? ''}`;
        return label === base && where.includes(dir) ? true : undefined;
      },
      20_000,
      100,
    );
    await this.page.keyboard.press('Enter');
    await waitFor(
      `the ${base} tab`,
      async () => ((await this.activeTabLabel()) === base ? true : undefined),
      20_000,
    );
    if (line !== undefined) await this.goToLine(line);
  }

  /** Moves the cursor of the active editor to `line`, and to `column` (1-based) when given (Go to Line). */
  async goToLine(line: number, column?: number): Promise<void> {
    await this.openPalette(':');
    await this.typeInQuickInput(column === undefined ? String(line) : `${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await waitFor(
      `the cursor on line ${line}${column === undefined ? '' : `, column ${column}`}`,
      async () => {
        const c = await this.cursor();
        return c?.line === line && (column === undefined || c.column === column) ? true : undefined;
      },
      10_000,
    );
  }

  /**
   * Reloads the window as "Developer: Reload Window" from the palette does, and resolves once
   * the new workbench is drawn and connected (a marker set on the old page must be gone).
   */
  async reloadWindow(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as Record<string, unknown>).__netpathsBeforeReload = true;
    });
    await this.runCommand('Developer: Reload Window');
    await waitFor(
      'the reloaded workbench',
      async () => {
        const fresh = await this.page.evaluate(
          () =>
            !('__netpathsBeforeReload' in window) &&
            document.querySelector('.monaco-workbench') !== null,
        );
        return fresh ? true : undefined;
      },
      60_000,
    );
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await this.page
      .locator('.explorer-folders-view, .explorer-viewlet')
      .first()
      .waitFor({ state: 'attached', timeout: 60_000 });
  }

  /**
   * The frame of the webview whose document has `selector` (a webview's page sits in two
   * nested iframes); waits up to `timeoutMs`.
   */
  async webviewFrame(selector: string, timeoutMs = 30_000): Promise<Frame> {
    return waitFor(
      `a webview frame with ${selector}`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame() || frame.isDetached()) continue;
          const found = await frame.$(selector).catch(() => null);
          if (found) {
            await found.dispose();
            return frame;
          }
        }
        return undefined;
      },
      timeoutMs,
      250,
    );
  }

  /**
   * The frame of the graph panel titled `title` once its graph is drawn (`#np-app`'s
   * `data-state` is `drawn`; `too-large` and `error` fail at once). Polls every 50 ms so
   * the caller can time it.
   */
  async graphFrame(title: string, timeoutMs = 60_000): Promise<Frame> {
    return waitFor(
      `the graph panel "${title}" to be drawn`,
      async () => {
        for (const frame of this.page.frames()) {
          if (frame === this.page.mainFrame() || frame.isDetached()) continue;
          const state = await frame
            .evaluate((t) => {
              const app = document.getElementById('np-app');
              const shown = document.getElementById('np-title')?.textContent?.trim();
              return app && shown === t ? (app.dataset.state ?? '') : undefined;
            }, title)
            .catch(() => undefined);
          if (state === 'drawn') return frame;
          if (state === 'too-large' || state === 'error') {
            const message = await frame
              .evaluate(() => document.getElementById('np-message')?.textContent ?? '')
              .catch(() => '');
            throw new FinalError(`the graph panel "${title}" shows ${state}: ${message}`);
          }
        }
        return undefined;
      },
      timeoutMs,
      50,
    );
  }

  /** The texts of the graph's nodes (`g.node` in the SVG the webview drew). */
  async graphNodeTexts(frame: Frame): Promise<string[]> {
    // Each label line is its own element: join text nodes with spaces, or a name would run
    // into the file under it ("napi_gro_receivenet/core/gro.c:646").
    return frame.$$eval('#np-canvas svg g.node', (nodes) =>
      nodes.map((n) => {
        const walker = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
        const parts: string[] = [];
        while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '');
        return parts.join(' ').replace(/\s+/g, ' ').trim();
      }),
    );
  }

  /**
   * The centre of `word` where it occurs inside `text` on `line` of the active editor, in
   * page coordinates (the line must be on screen). Monaco draws each line as spans of
   * tokens; a DOM Range over the characters gives their box.
   */
  async wordCentre(line: number, text: string, word: string): Promise<{ x: number; y: number }> {
    const box = await this.page.evaluate(
      ({ line, text, word }) => {
        const editor = document.querySelector('.editor-group-container.active .monaco-editor');
        if (!editor) return 'no active editor';
        const number = Array.from(
          editor.querySelectorAll('.margin-view-overlays .line-numbers'),
        ).find((n) => n.textContent?.trim() === String(line));
        if (!number) return `line ${line} is not on screen`;
        const top = number.getBoundingClientRect().top;
        const view = Array.from(editor.querySelectorAll('.view-lines .view-line')).find(
          (l) => Math.abs(l.getBoundingClientRect().top - top) < 2,
        );
        if (!view) return `no view line at line ${line}`;
        const walker = document.createTreeWalker(view, NodeFilter.SHOW_TEXT);
        const pieces: { node: Text; start: number }[] = [];
        let full = '';
        while (walker.nextNode()) {
          const node = walker.currentNode as Text;
          pieces.push({ node, start: full.length });
          full += node.data;
        }
        const at = full.replace(/\u00a0/g, ' ').indexOf(text);
        if (at < 0) return `"${text}" is not on line ${line}: ${full}`;
        const start = at + text.indexOf(word);
        const end = start + word.length;
        // No named helper functions in here: tsx compiles with esbuild's keepNames, which
        // wraps them in a __name() call the page does not have (privatenumber/tsx#113).
        const a = pieces.find((p) => start < p.start + p.node.data.length);
        const b = pieces.find((p) => end <= p.start + p.node.data.length);
        if (!a || !b) return 'offset outside the line';
        const range = document.createRange();
        range.setStart(a.node, start - a.start);
        range.setEnd(b.node, end - b.start);
        const r = range.getBoundingClientRect();
        return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
      },
      { line, text, word },
    );
    if (typeof box === 'string') throw new Error(`cannot find "${word}" in "${text}": ${box}`);
    return box;
  }

  /** Every webview frame that has `selector` right now (one per open panel). */
  async webviewFrames(selector: string): Promise<Frame[]> {
    const out: Frame[] = [];
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame() || frame.isDetached()) continue;
      const found = await frame.$(selector).catch(() => null);
      if (found) {
        await found.dispose();
        out.push(frame);
      }
    }
    return out;
  }
}

/** Files under `dir` (recursively) whose path satisfies `match`. */
function findFiles(dir: string, match: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findFiles(path, match));
    else if (match(path)) out.push(path);
  }
  return out;
}

/** The last `lines` lines of a file, for error messages. */
export function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

// ---------------------------------------------------------------------------------------
// The CLI on the same tree, for expectations that must not be hard-coded

/** Runs `netpaths ARGS --format json` on the kernel with the e2e scope and its own cache. */
export function cliJson<T>(args: string[], cacheDir: string): T {
  return sharedCliJson<T>(ROOT, kernelRoot(), cacheDir, args);
}

// ---------------------------------------------------------------------------------------
// Timings

export interface Timing {
  /** Stable key, e.g. "ingress-graph". */
  id: string;
  /** What was measured, for people. */
  label: string;
  ms: number;
}

/** Collects timings and writes test-results/e2e/timings.json (see README of the format in the file itself). */
export class Timings {
  private readonly entries: Timing[] = [];

  record(id: string, label: string, ms: number): void {
    this.entries.push({ id, label, ms: Math.round(ms) });
    log(`timing ${label}: ${(ms / 1000).toFixed(2)} s`);
  }

  write(extra: Record<string, unknown> = {}): string {
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, 'timings.json');
    const body = {
      format: 'netpaths-e2e-timings/1',
      recordedAt: new Date().toISOString(),
      vscode: `code-server ${CODE_SERVER_VERSION}`,
      scope: E2E_SCOPE,
      ...extra,
      timings: this.entries,
    };
    writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
    return file;
  }
}
