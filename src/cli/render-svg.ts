// Mermaid text -> SVG for the CLI's `--format svg|html`: Mermaid needs a browser to lay out
// and measure text, so the text is drawn in a headless Chromium driven by playwright-core,
// with the same document settings as the panel's SVG export (MERMAID_EXPORT_CONFIG, the
// fixed light `default` theme, labels as SVG text).
//
// Chromium comes from the system: $NETPATHS_CHROMIUM, /usr/bin/chromium, or chromium /
// google-chrome on PATH; nothing is downloaded. The page is blank, loads Mermaid from
// node_modules/mermaid/dist and may not fetch anything.
//
// playwright-core and mermaid are loaded at run time from node_modules, never bundled:
// playwright-core reads its own package.json beside its files and breaks inside a bundle,
// and Mermaid is injected into the page as a file. `createRequire` keeps esbuild from
// following them.

import { accessSync, constants } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import type * as Playwright from 'playwright-core';
import { MERMAID_EXPORT_CONFIG } from '../analysis/render/mermaid';

/** Chromium is not installed (or not where NETPATHS_CHROMIUM says). */
export class ChromiumMissingError extends Error {
  override name = 'ChromiumMissingError';
}

/** Launch flags: no sandbox (containers, root), no GPU, and no background traffic of any kind. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
] as const;

/** The names looked up on PATH, in order, after $NETPATHS_CHROMIUM and /usr/bin/chromium. */
const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium to use: $NETPATHS_CHROMIUM when set (and only it, so a wrong value is
 * reported rather than silently replaced), else /usr/bin/chromium, else the first of
 * chromium, chromium-browser, google-chrome, google-chrome-stable on PATH.
 */
export function findChromium(
  env: NodeJS.ProcessEnv = process.env,
  executable: (path: string) => boolean = isExecutable,
): string | undefined {
  const chosen = env.NETPATHS_CHROMIUM?.trim();
  if (chosen) return executable(chosen) ? chosen : undefined;
  if (executable('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of PATH_NAMES) {
      const candidate = join(dir, name);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** The one-line message for a missing Chromium, naming the format that needs it. */
export function chromiumMissingMessage(
  format: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const chosen = env.NETPATHS_CHROMIUM?.trim();
  const base = `--format ${format} needs Chromium; install it (apt-get install chromium) or set NETPATHS_CHROMIUM`;
  return chosen ? `${base} (NETPATHS_CHROMIUM=${chosen} is not an executable file)` : base;
}

const runtimeRequire = createRequire(__filename);

function loadPlaywright(): typeof Playwright {
  try {
    return runtimeRequire('playwright-core') as typeof Playwright;
  } catch {
    throw new Error('drawing SVG needs the playwright-core package: npm install playwright-core');
  }
}

/** Path of Mermaid's browser bundle (the same version the webview bundles). */
export function mermaidScriptPath(): string {
  try {
    return runtimeRequire.resolve('mermaid/dist/mermaid.min.js');
  } catch {
    throw new Error('drawing SVG needs the mermaid package: run npm ci in the NetPaths folder');
  }
}

/**
 * Mermaid settings of an exported drawing, as the webview's SVG export uses them. The
 * limits are far above the panel's: a document may hold a graph too large to explore
 * comfortably on screen.
 */
export const EXPORT_RENDER_CONFIG = {
  ...MERMAID_EXPORT_CONFIG,
  flowchart: { ...MERMAID_EXPORT_CONFIG.flowchart },
  startOnLoad: false,
  theme: 'default',
  maxTextSize: 2_000_000,
  maxEdges: 10_000,
  suppressErrorRendering: true,
  layout: 'dagre',
} as const;

export interface RenderSvgOptions {
  /** The Chromium executable; default `findChromium()`. */
  chromium?: string;
  /** The format asking, for the missing-Chromium message (default `svg`). */
  format?: string;
  /** Gives up after this long (default 120 s: a 500-node graph takes a few seconds). */
  timeoutMs?: number;
}

interface MermaidGlobal {
  initialize(config: unknown): void;
  render(id: string, text: string): Promise<{ svg: string }>;
}

/**
 * Draws each Mermaid text to SVG in one headless Chromium. Throws `ChromiumMissingError`
 * when there is no Chromium, and an Error with Mermaid's message when a text does not draw.
 */
export async function renderMermaidSvgs(
  texts: readonly string[],
  options: RenderSvgOptions = {},
): Promise<string[]> {
  const executablePath = options.chromium ?? findChromium();
  if (executablePath === undefined)
    throw new ChromiumMissingError(chromiumMissingMessage(options.format ?? 'svg'));
  const script = mermaidScriptPath();
  const { chromium } = loadPlaywright();
  const timeoutMs = options.timeoutMs ?? 120_000;
  // Closed exactly once, also when the timeout fires while Chromium is still starting.
  let browser: Playwright.Browser | undefined;
  let finished = false;
  const close = async (): Promise<void> => {
    finished = true;
    const b = browser;
    browser = undefined;
    await b?.close().catch(() => undefined);
  };
  const work = async (): Promise<string[]> => {
    const launched = await chromium.launch({
      executablePath,
      args: [...CHROMIUM_ARGS],
      timeout: timeoutMs,
    });
    browser = launched;
    if (finished) {
      await close();
      throw new Error('cancelled');
    }
    const page = await launched.newPage();
    // A blank page that loads nothing: Mermaid comes from a local file, and any request
    // (a font, an image in a label) is refused.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(
      '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body></body></html>',
    );
    await page.addScriptTag({ path: script });
    const out: string[] = [];
    for (const [i, text] of texts.entries()) {
      out.push(
        await page.evaluate(
          async ({ text, config, id }) => {
            const mermaid = (globalThis as unknown as { mermaid: MermaidGlobal }).mermaid;
            mermaid.initialize(config);
            return (await mermaid.render(id, text)).svg;
          },
          { text, config: EXPORT_RENDER_CONFIG, id: `netpaths-export-${i}` },
        ),
      );
    }
    return out;
  };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it took more than ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
  });
  const running = work();
  try {
    return await Promise.race([running, timeout]);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new Error(`cannot draw the diagram as SVG: ${message.split('\n')[0] ?? message}`);
  } finally {
    clearTimeout(timer);
    running.catch(() => undefined);
    await close();
  }
}

/** Draws one Mermaid text to SVG (see `renderMermaidSvgs`). */
export async function renderMermaidSvg(
  text: string,
  options: RenderSvgOptions = {},
): Promise<string> {
  const [svg] = await renderMermaidSvgs([text], options);
  if (svg === undefined)
    throw new Error('cannot draw the diagram as SVG: Mermaid returned nothing');
  return svg;
}
