// Test harness for the graph webview: builds the webview bundle, serves the page made by
// the real HTML builder from a localhost server, and drives it in Debian's Chromium with
// playwright-core. `acquireVsCodeApi` is stubbed by an init script that records every
// message the page posts, so tests assert on the protocol exactly as the host sees it.
//
// The bundle is built here alone, with the options scripts/build.mjs uses
// (scripts/lib/webview-build.mjs), so these tests do not depend on the other entries of
// the build compiling.

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { GraphJson } from '../../src/analysis/graph-json';
import { toMermaid } from '../../src/analysis/render/mermaid';
import type { MermaidOptions } from '../../src/analysis/render/mermaid';
import type { WebviewConfig } from '../../src/webview/config';
import { buildWebviewHtml } from '../../src/webview/html';
import type { HostToWebview, WebviewToHost } from '../../src/webview/protocol';
import { FIRST_DRAW_FILE, webviewBuildOptions } from '../../scripts/lib/webview-build.mjs';

export const ROOT = join(__dirname, '..', '..');
export const RESULTS = join(ROOT, 'test-results');
const BUNDLE_DIR = join(RESULTS, 'webview-bundle');
export const CHROMIUM = '/usr/bin/chromium';

let bundle: Promise<string> | undefined;

/** Builds src/webview/main.ts like scripts/build.mjs does; returns the folder of the bundle and its chunks. */
export function buildBundle(): Promise<string> {
  bundle ??= (async () => {
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
    mkdirSync(BUNDLE_DIR, { recursive: true });
    await esbuild.build(webviewBuildOptions(ROOT, BUNDLE_DIR));
    return BUNDLE_DIR;
  })();
  return bundle;
}

export function loadFixture(name: string): GraphJson {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/graphs', name), 'utf8')) as GraphJson;
}

export type Theme = 'dark' | 'light' | 'high-contrast';

/** A subset of the variables VS Code puts on the webview's <html> (Dark Modern / Light Modern). */
const THEME_VARIABLES: Record<Theme, Record<string, string>> = {
  dark: {
    'editor-background': '#1f1f1f',
    'editor-foreground': '#cccccc',
    descriptionForeground: '#9d9d9d',
    'panel-border': '#2b2b2b',
    'widget-border': '#313131',
    'editorWidget-background': '#202020',
    'editorWidget-border': '#454545',
    focusBorder: '#0078d4',
    'charts-red': '#f14c4c',
    'charts-orange': '#d18616',
    'charts-yellow': '#cca700',
    'charts-blue': '#3794ff',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'input-background': '#313131',
    'input-foreground': '#cccccc',
    'input-border': '#3c3c3c',
    'button-background': '#0078d4',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#026ec1',
    'sideBar-background': '#181818',
    'editorHoverWidget-background': '#202020',
    'editorHoverWidget-border': '#454545',
    'toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
    'icon-foreground': '#cccccc',
    'dropdown-background': '#313131',
    'dropdown-border': '#3c3c3c',
    'dropdown-foreground': '#cccccc',
    'list-hoverBackground': '#2a2d2e',
    'textLink-foreground': '#4daafc',
    errorForeground: '#f85149',
    'widget-shadow': 'rgba(0, 0, 0, 0.36)',
  },
  light: {
    'editor-background': '#ffffff',
    'editor-foreground': '#3b3b3b',
    descriptionForeground: '#616161',
    'panel-border': '#e5e5e5',
    'widget-border': '#e5e5e5',
    'editorWidget-background': '#f8f8f8',
    'editorWidget-border': '#c8c8c8',
    focusBorder: '#005fb8',
    'charts-red': '#e51400',
    'charts-orange': '#d18616',
    'charts-yellow': '#bf8803',
    'charts-blue': '#1a85ff',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'input-background': '#ffffff',
    'input-foreground': '#3b3b3b',
    'input-border': '#cecece',
    'button-background': '#005fb8',
    'button-foreground': '#ffffff',
    'button-hoverBackground': '#0258a8',
    'sideBar-background': '#f8f8f8',
    'editorHoverWidget-background': '#f8f8f8',
    'editorHoverWidget-border': '#c8c8c8',
    'toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
    'icon-foreground': '#3b3b3b',
    'dropdown-background': '#ffffff',
    'dropdown-border': '#cecece',
    'dropdown-foreground': '#3b3b3b',
    'list-hoverBackground': '#f2f2f2',
    'textLink-foreground': '#005fb8',
    errorForeground: '#f85149',
    'widget-shadow': 'rgba(0, 0, 0, 0.16)',
  },
  'high-contrast': {
    'editor-background': '#000000',
    'editor-foreground': '#ffffff',
    descriptionForeground: '#ffffff',
    'panel-border': '#6fc3df',
    'widget-border': '#6fc3df',
    'editorWidget-background': '#0c141f',
    'editorWidget-border': '#6fc3df',
    focusBorder: '#f38518',
    'charts-red': '#f48771',
    'charts-orange': '#ffab40',
    'charts-yellow': '#ffd700',
    'charts-blue': '#75beff',
    'charts-green': '#89d185',
    'charts-purple': '#d4a5ff',
    'editorHoverWidget-background': '#0c141f',
    'editorHoverWidget-border': '#6fc3df',
  },
};

const FONTS = {
  'font-family': '"DejaVu Sans", system-ui, sans-serif',
  'font-size': '13px',
  'editor-font-family': '"DejaVu Sans Mono", monospace',
};

/**
 * A colour of the theme as the browser computes it (`rgb(r, g, b)`), from the variables
 * VS Code gives the page (`charts-red` for `--vscode-charts-red`): expectations of
 * colours come from the theme, not from the webview's CSS.
 */
export function themeColour(theme: Theme, name: string): string {
  const hex = THEME_VARIABLES[theme][name];
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  if (!m) throw new Error(`the ${theme} theme has no colour ${name}`);
  return `rgb(${parseInt(m[1] ?? '', 16)}, ${parseInt(m[2] ?? '', 16)}, ${parseInt(m[3] ?? '', 16)})`;
}

/** Names of `graph`'s functions that do not occur in `text` (fails on a graph without any). */
export function missingNames(graph: GraphJson, text: string): string[] {
  if (graph.nodes.length === 0) throw new Error(`${graph.title ?? 'the graph'} has no functions`);
  return graph.nodes.map((n) => n.name).filter((name) => !text.includes(name));
}

/** Resolves after two animation frames: the pan/zoom transform has been applied. */
export function settle(page: Page): Promise<unknown> {
  return page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
}

/** The `style` attribute VS Code would put on <html> for `theme`. */
export function themeStyle(theme: Theme): string {
  return Object.entries({ ...FONTS, ...THEME_VARIABLES[theme] })
    .map(([k, v]) => `--vscode-${k}: ${v}`)
    .join('; ');
}

export const BODY_CLASS: Record<Theme, string> = {
  dark: 'vscode-dark',
  light: 'vscode-light',
  'high-contrast': 'vscode-high-contrast',
};

export interface Harness {
  browser: Browser;
  /** Opens the webview page in a fresh tab. */
  open(options?: {
    theme?: Theme;
    config?: Partial<WebviewConfig>;
    viewport?: { width: number; height: number };
  }): Promise<WebviewPage>;
  close(): Promise<void>;
}

export interface WebviewPage {
  page: Page;
  /** Every message the page posted through the stubbed `acquireVsCodeApi`. */
  messages(): Promise<WebviewToHost[]>;
  /** Sends a host message, as `webview.postMessage` would. */
  send(message: HostToWebview): Promise<void>;
  /** Sends `graph` with `toMermaid(graph, options)` and waits until it is drawn (or refused). */
  showGraph(graph: GraphJson, options?: MermaidOptions & { depth?: number }): Promise<string>;
  /** Console errors, page errors and CSP violations seen so far. */
  problems: string[];
}

const INIT_SCRIPT = `
  window.__npMessages = [];
  window.__npState = undefined;
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => { window.__npMessages.push(JSON.parse(JSON.stringify(m))); },
    getState: () => window.__npState,
    setState: (s) => { window.__npState = JSON.parse(JSON.stringify(s)); },
  });
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI);
  });
`;

/** Launches Chromium and serves the page. Fails (does not skip) when Chromium is missing. */
export async function startHarness(): Promise<Harness> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run the webview tests`,
    );
  const bundleDir = await buildBundle();
  const firstDraw = JSON.parse(readFileSync(join(bundleDir, FIRST_DRAW_FILE), 'utf8')) as string[];
  const absent = firstDraw.filter((chunk) => !existsSync(join(bundleDir, chunk)));
  if (firstDraw.length === 0 || absent.length > 0)
    throw new Error(
      `${FIRST_DRAW_FILE} lists no chunks, or chunks the build did not write: ${absent.join(', ')}`,
    );
  const css = readFileSync(join(ROOT, 'media/webview.css'));
  const pages = new Map<string, string>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const page = pages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
      });
      res.end(page);
    } else if (
      url.pathname.startsWith('/dist/webview/') &&
      url.pathname.endsWith('.js') &&
      !url.pathname.includes('..')
    ) {
      // The module and the chunks it imports, from the bundle's folder only.
      const file = normalize(join(bundleDir, url.pathname.slice('/dist/webview/'.length)));
      if (!file.startsWith(bundleDir + sep) || !existsSync(file)) {
        res.writeHead(404);
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(readFileSync(file));
    } else if (url.pathname === '/media/webview.css') {
      res.writeHead(200, { 'content-type': 'text/css; charset=utf-8' });
      res.end(css);
    } else if (url.pathname === '/favicon.ico') {
      res.writeHead(204);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  let counter = 0;

  return {
    browser,
    async open({ theme = 'dark', config = {}, viewport = { width: 1280, height: 800 } } = {}) {
      const html = buildWebviewHtml({
        cspSource: origin,
        nonce: randomBytes(16).toString('base64'),
        scriptUri: `${origin}/dist/webview/webview.js`,
        preloadUris: firstDraw.map((chunk) => `${origin}/dist/webview/${chunk}`),
        styleUri: `${origin}/media/webview.css`,
        title: 'NetPaths',
        config,
      })
        // What VS Code adds around our page: theme variables on <html>, a class on <body>.
        .replace('<html lang="en">', `<html lang="en" style='${themeStyle(theme)}'>`)
        .replace('<body>', `<body class="${BODY_CLASS[theme]}">`);
      const path = `/page-${++counter}.html`;
      pages.set(path, html);
      const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.addInitScript(INIT_SCRIPT);
      await page.goto(`${origin}${path}`);
      await page.waitForFunction(() =>
        (window as unknown as { __npMessages: { type: string }[] }).__npMessages.some(
          (m) => m.type === 'ready',
        ),
      );
      const wp: WebviewPage = {
        page,
        problems,
        messages: () =>
          page.evaluate(
            () => (window as unknown as { __npMessages: WebviewToHost[] }).__npMessages,
          ),
        send: (message) => page.evaluate((m) => window.postMessage(m, '*'), message),
        async showGraph(graph, options = {}) {
          const { depth, ...mermaidOptions } = options;
          const mermaid = toMermaid(graph, mermaidOptions);
          await page.evaluate(() => {
            const app = document.getElementById('np-app');
            if (app) app.dataset.state = 'sent';
          });
          await wp.send({
            type: 'graph',
            graph,
            mermaid,
            ...(depth !== undefined ? { depth } : {}),
          });
          await page.waitForFunction(
            () =>
              ['drawn', 'too-large', 'error'].includes(
                document.getElementById('np-app')?.dataset.state ?? '',
              ),
            undefined,
            { timeout: 60_000 },
          );
          // Let the pan/zoom transform (applied on the next animation frame) settle.
          await page.evaluate(
            () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
          );
          return page.evaluate(() => document.getElementById('np-app')?.dataset.state ?? '');
        },
      };
      return wp;
    },
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where screenshots go: test-results/webview-<name>.png. */
export function screenshotPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, `webview-${name}.png`);
}
