// Exported diagrams in a real Chromium: the CLI's SVG renderer (src/cli/render-svg.ts) on the
// graph fixtures, the panel's own HTML export turned into a standalone page, that page
// panned, zoomed and clicked, hostile labels in it, and the built CLI with and without
// Chromium (on the small fixture tree; test/integration/export.test.ts runs the real one).
// Pages and screenshots go to test-results/export-*.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { GraphJson } from '../../src/analysis/graph-json';
import { toMermaid } from '../../src/analysis/render/mermaid';
import { ELIXIR_LINK_TEMPLATE, parseLinkTemplate } from '../../src/analysis/render/links';
import { exportDocument } from '../../src/analysis/render/export';
import { renderMermaidSvg } from '../../src/cli/render-svg';
import { parseWebviewMessage } from '../../src/webview/protocol';
import { CHROMIUM, RESULTS, ROOT, loadFixture, missingNames, startHarness } from './harness';
import type { Harness } from './harness';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const ingress = loadFixture('e1000e-ingress.json');
const hostile = loadFixture('hostile-names.json');
const elixir = parseLinkTemplate(ELIXIR_LINK_TEMPLATE, '6.12.117');

/** Draws a graph as the CLI does: the document form of its Mermaid text in headless Chromium. */
function draw(graph: GraphJson): Promise<string> {
  return renderMermaidSvg(toMermaid(graph, { forExport: true }).text, { chromium: CHROMIUM });
}

/** Writes a document to test-results/export-NAME and returns its file:// URL. */
function save(name: string, content: string): string {
  const path = join(RESULTS, `export-${name}`);
  writeFileSync(path, content);
  return pathToFileURL(path).href;
}

/** Opens a saved page, recording console errors, page errors and CSP violations. */
async function open(url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await harness.browser.newPage({
    viewport: { width: 1200, height: 800 },
    deviceScaleFactor: 1,
  });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(url);
  return { page, problems };
}

async function view(page: Page): Promise<{ scale: number; x: number; y: number }> {
  return page.$eval('#np-stage', (el) => ({
    scale: Number((el as HTMLElement).dataset.scale),
    x: Number((el as HTMLElement).dataset.x),
    y: Number((el as HTMLElement).dataset.y),
  }));
}

describe('the CLI renderer (src/cli/render-svg.ts)', () => {
  let svg: string;
  before(async () => {
    svg = await draw(ingress);
  });

  it('draws labels as SVG text, not HTML in foreignObject', async () => {
    assert.ok(svg.startsWith('<svg'));
    assert.doesNotMatch(svg, /<foreignObject/i);
    const page = await harness.browser.newPage();
    const texts = await page.evaluate(
      (markup) => {
        const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
        return Array.from(doc.querySelectorAll('text')).map((t) => t.textContent ?? '');
      },
      exportDocument('svg', {
        graph: ingress,
        mermaid: toMermaid(ingress),
        svg,
        links: elixir,
        title: 'e1000e ingress',
      }).content,
    );
    await page.close();
    assert.deepEqual(missingNames(ingress, texts.join('\n')), [], 'functions not in an SVG <text>');
  });

  it('turns click href lines into links under securityLevel strict', async () => {
    const text = exportDocument('mermaid', {
      graph: ingress,
      mermaid: toMermaid(ingress),
      links: elixir,
      title: 'e1000e ingress',
    }).content;
    const linked = await renderMermaidSvg(text, { chromium: CHROMIUM });
    const hrefs = [...linked.matchAll(/<a [^>]*xlink:href="([^"]*)"/g)].map((m) => m[1]);
    assert.equal(hrefs.length, ingress.nodes.length);
    // Each function links to its own line: net_rx_action's, built from the template by hand.
    const rx = ingress.nodes.find((n) => n.name === 'net_rx_action');
    assert.ok(rx);
    assert.ok(
      hrefs.includes(`https://elixir.bootlin.com/linux/v6.12.117/source/${rx.file}#L${rx.line}`),
      `no link to ${rx.file}#L${rx.line}`,
    );
  });

  it('reports a Mermaid error in one line', async () => {
    await assert.rejects(
      renderMermaidSvg('flowchart TD\n  a[["unclosed', { chromium: CHROMIUM }),
      (e: unknown) =>
        e instanceof Error &&
        /^cannot draw the diagram as SVG: /.test(e.message) &&
        !e.message.includes('\n'),
    );
  });

  it('writes SVG files that open as XML, with the links', async () => {
    for (const [name, graph] of [
      ['e1000e-ingress', ingress],
      ['hostile', hostile],
    ] as const) {
      const drawn = graph === ingress ? svg : await draw(graph);
      const url = save(
        `${name}.svg`,
        exportDocument('svg', {
          graph,
          mermaid: toMermaid(graph),
          svg: drawn,
          links: elixir,
          title: graph.title ?? name,
        }).content,
      );
      const { page, problems } = await open(url);
      assert.equal(
        await page.evaluate(() => document.documentElement.nodeName),
        'svg',
        `${name}: parsed as an SVG document`,
      );
      assert.equal(await page.locator('parsererror').count(), 0);
      assert.equal(await page.locator('a.np-source-link').count(), graph.nodes.length);
      assert.equal(
        await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
        undefined,
      );
      await page.screenshot({ path: join(RESULTS, `export-${name}-svg.png`) });
      assert.deepEqual(problems, []);
      await page.close();
    }
  });
});

describe("the panel's HTML export as a standalone page", () => {
  let page: Page;
  let problems: string[];
  before(async () => {
    // The real flow: the webview draws the print SVG and posts it; the host checks the
    // message and writes exportDocument('html').
    const wp = await harness.open({ theme: 'dark' });
    assert.equal(await wp.showGraph(ingress), 'drawn');
    await wp.page.selectOption('#np-export', 'html');
    await wp.page.waitForFunction(() =>
      (window as unknown as { __npMessages: { type: string }[] }).__npMessages.some(
        (m) => m.type === 'export',
      ),
    );
    const posted = (await wp.messages()).find((m) => m.type === 'export');
    await wp.page.close();
    const message = parseWebviewMessage(posted);
    assert.ok(
      message?.type === 'export' && message.format === 'html' && message.svg !== undefined,
      'the webview posts the drawing for html',
    );
    assert.doesNotMatch(message.svg, /<foreignObject/i);
    const doc = exportDocument('html', {
      graph: ingress,
      mermaid: toMermaid(ingress),
      svg: message.svg,
      links: elixir,
      title: 'e1000e ingress',
    });
    ({ page, problems } = await open(save('e1000e-ingress.html', doc.content)));
    await page.waitForSelector('body[data-np-ready="true"]');
  });
  after(async () => {
    await page.close();
  });

  it('shows the drawing with its links and runs only its own script', async () => {
    assert.equal(await page.title(), 'e1000e ingress');
    assert.equal(await page.locator('#np-stage svg').count(), 1);
    assert.equal(await page.locator('#np-stage a.np-source-link').count(), ingress.nodes.length);
    assert.equal(await page.locator('script').count(), 1);
    const text = (await page.textContent('#np-stage svg')) ?? '';
    assert.deepEqual(missingNames(ingress, text), [], 'functions missing from the page');
    await page.screenshot({ path: join(RESULTS, 'export-e1000e-ingress-html.png') });
    assert.deepEqual(problems, []);
  });

  it('zooms with the buttons, the wheel and the keyboard', async () => {
    const start = await view(page);
    assert.ok(start.scale > 0 && start.scale <= 1);
    await page.click('[data-np-zoom="in"]');
    assert.ok(Math.abs((await view(page)).scale - Math.min(8, start.scale * 1.25)) < 1e-3);
    await page.click('[data-np-zoom="out"]');
    assert.ok(Math.abs((await view(page)).scale - start.scale) < 1e-3);
    await page.mouse.move(600, 400);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(
      (s) => Number(document.getElementById('np-stage')?.dataset.scale) > s,
      start.scale,
    );
    await page.click('[data-np-zoom="actual"]');
    assert.equal((await view(page)).scale, 1);
    assert.equal(await page.textContent('#np-zoom'), '100%');
    await page.click('[data-np-zoom="fit"]');
    const fit = await view(page);
    const box = await page.$eval('#np-stage', (el) => el.getBoundingClientRect().height);
    assert.ok(box <= 800, 'the whole diagram fits');
    await page.focus('#np-viewport');
    await page.keyboard.press('+');
    assert.ok((await view(page)).scale > fit.scale);
    await page.keyboard.press('0');
    assert.equal((await view(page)).scale, fit.scale);
  });

  it('pans by dragging, and a drag that ends on a function does not follow its link', async () => {
    await page.click('[data-np-zoom="fit"]');
    const node = page.locator('#np-stage a.np-source-link').first();
    const box = await node.boundingBox();
    assert.ok(box);
    const before = await view(page);
    const url = page.url();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 40, box.y + box.height / 2 + 30, { steps: 5 });
    await page.mouse.up();
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    const after = await view(page);
    assert.ok(
      Math.abs(after.x - before.x - 40) < 1 && Math.abs(after.y - before.y - 30) < 1,
      `panned by the drag: ${JSON.stringify({ before, after })}`,
    );
    assert.equal(page.url(), url, 'no navigation');
  });

  it('opens the source line when a function is clicked', async () => {
    await page.route('https://elixir.bootlin.com/**', (route) =>
      route.fulfill({ status: 200, contentType: 'text/plain', body: 'source' }),
    );
    await page.click('[data-np-zoom="fit"]');
    const link = page.locator('#np-stage a.np-source-link').first();
    // The function the link draws (its node's Mermaid id), and where it is, by the fixture.
    const drawnId = await link.locator('g.node').first().getAttribute('id');
    const mid = /-flowchart-(n\d+)-\d+$/.exec(drawnId ?? '')?.[1] ?? '';
    const target = ingress.nodes.find((n) => n.id === toMermaid(ingress).nodeIds[mid]);
    assert.ok(target, `the first link draws ${drawnId}, a function of the graph`);
    await link.click();
    await page.waitForURL('https://elixir.bootlin.com/**');
    assert.equal(
      page.url(),
      `https://elixir.bootlin.com/linux/v6.12.117/source/${target.file}#L${target.line}`,
    );
  });
});

describe('hostile labels in the standalone page', () => {
  it('stay text and run nothing', async () => {
    const svg = await draw(hostile);
    const doc = exportDocument('html', {
      graph: hostile,
      mermaid: toMermaid(hostile),
      svg,
      title: hostile.title ?? '',
    });
    const { page, problems } = await open(save('hostile.html', doc.content));
    await page.waitForSelector('body[data-np-ready="true"]');
    assert.equal(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
      'no injected script ran',
    );
    assert.equal(await page.locator('script').count(), 1);
    assert.equal(
      await page.locator('#np-stage img, #np-stage script, #np-stage iframe, #np-stage b').count(),
      0,
    );
    assert.equal(await page.title(), (hostile.title ?? '').trim());
    assert.equal(await page.textContent('h1'), (hostile.title ?? '').trim());
    const text = (await page.textContent('#np-stage svg')) ?? '';
    for (const literal of [
      '</script><script>window.__pwned=1</script>',
      '<img src=x onerror="window.__pwned=2">',
      'quote"double\'single`back`',
    ]) {
      assert.ok(text.includes(literal), `shown literally: ${literal}`);
    }
    const hrefs = await page.$$eval('#np-stage a', (as) =>
      as.map((a) => a.getAttribute('href') ?? ''),
    );
    assert.ok(
      hrefs.length > 0 && hrefs.every((h) => h.startsWith('drivers/evil%20%22dir%22/')),
      'relative links, file names percent-encoded',
    );
    await page.screenshot({ path: join(RESULTS, 'export-hostile-html.png') });
    assert.deepEqual(problems, []);
    await page.close();
  });
});

describe('the built CLI', () => {
  const cli = join(ROOT, 'dist/cli.js');
  const kernel = join(ROOT, 'test/fixtures/kernel-mini');
  let cache: string;
  before(() => {
    if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run npm run build');
    cache = mkdtempSync(join(tmpdir(), 'netpaths-export-'));
  });
  after(() => {
    rmSync(cache, { recursive: true, force: true });
  });
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(
      process.execPath,
      [cli, ...args, '--kernel', kernel, '--cache-dir', cache, '--quiet'],
      { encoding: 'utf8', env: { ...process.env, ...env } },
    );

  it('draws --format html and svg', () => {
    const html = run(['ingress', '--driver', 'acme', '--format', 'html']);
    assert.equal(html.status, 0, html.stderr);
    assert.match(html.stdout, /^<!DOCTYPE html>/);
    assert.ok(html.stdout.includes('<title>acme ingress</title>'));
    assert.match(
      html.stdout,
      /<a class="np-source-link" href="drivers\/net\/ethernet\/acme\/acme_main\.c#L\d+"/,
    );
    const svg = run([
      'callees',
      'acme_poll',
      '--format',
      'svg',
      '--link-template',
      'https://src.example/{path}?line={line}',
    ]);
    assert.equal(svg.status, 0, svg.stderr);
    assert.match(svg.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
    assert.ok(
      svg.stdout.includes('href="https://src.example/drivers/net/ethernet/acme/acme_main.c?line='),
    );
    assert.ok(svg.stdout.includes('<title>calls from acme_poll</title>'));
  });

  it('says in one line that Chromium is needed, and exits 1', () => {
    const r = run(['ingress', '--driver', 'acme', '--format', 'svg'], {
      NETPATHS_CHROMIUM: '/nonexistent/chromium',
    });
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'netpaths: --format svg needs Chromium; install it (apt-get install chromium) or set NETPATHS_CHROMIUM (NETPATHS_CHROMIUM=/nonexistent/chromium is not an executable file)\n',
    );
  });

  it('refuses a javascript: link template and svg for commands without a graph', () => {
    const bad = run([
      'ingress',
      '--driver',
      'acme',
      '--format',
      'html',
      '--link-template',
      'javascript:alert(1)//{path}',
    ]);
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /^netpaths: --link-template "javascript:alert\(1\)\/\/\{path\}": only http and https links or relative paths are allowed/,
    );
    const drivers = run(['drivers', '--format', 'svg']);
    assert.equal(drivers.status, 2);
    assert.match(drivers.stderr, /--format svg draws graphs/);
  });
});
