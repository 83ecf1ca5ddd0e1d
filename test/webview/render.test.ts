// The graph webview in a real Chromium: the page from the real HTML builder, the real
// bundle (with Mermaid), graphs from the real renderer. Screenshots go to
// test-results/webview-*.png for a human to look at.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { toMermaid } from '../../src/analysis/render/mermaid';
import type { WebviewToHost } from '../../src/webview/protocol';
import { loadFixture, screenshotPath, startHarness, themeStyle } from './harness';
import type { Harness, Theme, WebviewPage } from './harness';

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

const ingress = loadFixture('e1000e-ingress.json');
const egress = loadFixture('e1000e-egress.json');
const hostile = loadFixture('hostile-names.json');
const large = loadFixture('large-150.json');

/** Mermaid id of the node named `name` in `graph` as `toMermaid` numbers it. */
function mermaidId(graph: GraphJson, name: string): string {
  const ids = toMermaid(graph).nodeIds;
  const entry = Object.entries(ids).find(
    ([, id]) => graph.nodes.find((n) => n.id === id)?.name === name,
  );
  assert.ok(entry, `${name} is drawn`);
  return entry[0];
}

function nodeSelector(id: string): string {
  return `#np-canvas g.node[data-np-node="${id}"]`;
}

async function lastMessage(
  wp: WebviewPage,
  type: WebviewToHost['type'],
): Promise<WebviewToHost | undefined> {
  return (await wp.messages()).filter((m) => m.type === type).pop();
}

async function focus(wp: WebviewPage, graph: GraphJson, name: string): Promise<string> {
  const id = mermaidId(graph, name);
  const nodeId = toMermaid(graph).nodeIds[id] ?? '';
  await wp.send({ type: 'focusNode', nodeId });
  await wp.page.evaluate(
    () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  );
  return id;
}

describe('webview page', () => {
  it('has the strict CSP, loads its script by nonce and says ready', async () => {
    const wp = await harness.open();
    const csp = await wp.page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(
      csp ?? '',
      /^default-src 'none'; script-src 'nonce-[A-Za-z0-9+/=]+'; style-src http:\/\/127\.0\.0\.1:\d+ 'unsafe-inline'; img-src http:\/\/127\.0\.0\.1:\d+ data:; font-src http:\/\/127\.0\.0\.1:\d+$/,
    );
    assert.deepEqual(await wp.messages(), [{ type: 'ready' }]);
    assert.equal(await wp.page.locator('script').count(), 1);
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});

describe('drawing the e1000e ingress graph (dark theme)', () => {
  let wp: WebviewPage;
  before(async () => {
    wp = await harness.open({ theme: 'dark' });
    assert.equal(await wp.showGraph(ingress, { depth: 4 }), 'drawn');
  });
  after(async () => {
    await wp.page.close();
  });

  it('shows every function name and each stage as a lane', async () => {
    const text = (await wp.page.textContent('#np-canvas svg')) ?? '';
    for (const node of ingress.nodes) assert.ok(text.includes(node.name), `${node.name} is drawn`);
    assert.equal(await wp.page.locator('#np-canvas g.node').count(), ingress.nodes.length);
    const lanes = await wp.page.$$eval('#np-canvas g.cluster .cluster-label', (els) =>
      els.map((e) => e.textContent?.trim()),
    );
    assert.deepEqual(
      new Set(lanes),
      new Set([
        'Driver · hard IRQ',
        'NAPI · NET_RX softirq',
        'Softirq machinery',
        'Driver · NAPI poll',
        'Link layer · Ethernet',
        'GRO · generic receive offload',
        'Core RX · __netif_receive_skb',
        'IPv4',
        'Netfilter hooks',
        'TCP',
        'Socket',
      ]),
    );
    assert.equal(await wp.page.textContent('#np-title'), 'e1000e ingress');
    assert.equal(await wp.page.textContent('#np-depth'), 'depth 4');
    assert.deepEqual(wp.problems, [], 'no console errors or CSP violations');
  });

  it('tells the host it drew the graph: how many functions, Mermaid time, page load time', async () => {
    const drawn = (await wp.messages()).filter((m) => m.type === 'drawn');
    assert.equal(drawn.length, 1, 'one drawing, one message');
    const first = drawn[0];
    assert.ok(first?.type === 'drawn');
    assert.equal(first.nodes, ingress.nodes.length);
    assert.ok(first.renderMs > 0, `Mermaid took ${first.renderMs} ms`);
    assert.ok(
      first.loadMs !== undefined && first.loadMs > 0,
      'the first drawing reports the page load',
    );
  });

  it('styles edges by kind and contexts with theme colours', async () => {
    const kinds = await wp.page.$$eval('#np-canvas path.flowchart-link', (paths) =>
      paths.map((p) =>
        ['direct', 'indirect', 'async'].find((k) => p.classList.contains(`np-edge-${k}`)),
      ),
    );
    assert.equal(
      kinds.filter((k) => k === 'indirect').length,
      ingress.edges.filter((e) => e.kind === 'indirect').length,
    );
    assert.equal(kinds.filter((k) => k === 'async').length, 1);
    const style = await wp.page.$eval(
      '#np-canvas path.np-edge-async',
      (p) => getComputedStyle(p).strokeWidth,
    );
    assert.equal(style, '3.5px');
    const dash = await wp.page.$eval(
      '#np-canvas path.np-edge-indirect',
      (p) => getComputedStyle(p).strokeDasharray,
    );
    assert.notEqual(dash, 'none');
    // The classDef pastel is replaced by a tint of the theme's chart colour over the dark background.
    const fill = await wp.page.$eval(
      `${nodeSelector(mermaidId(ingress, 'e1000_intr_msi'))} .label-container`,
      (r) => getComputedStyle(r).fill,
    );
    assert.notEqual(fill, 'rgb(253, 232, 232)');
  });

  it('posts openNode with the graph id when a function is clicked', async () => {
    const id = mermaidId(ingress, 'e1000_intr_msi');
    await wp.page.click(nodeSelector(id));
    assert.deepEqual(await lastMessage(wp, 'openNode'), {
      type: 'openNode',
      nodeId: 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_intr_msi',
    });
    assert.equal(await wp.page.locator(`${nodeSelector(id)}.np-selected`).count(), 1);

    await focus(wp, ingress, 'ip_rcv');
    await wp.page.click(nodeSelector(mermaidId(ingress, 'ip_rcv')));
    assert.deepEqual(await lastMessage(wp, 'openNode'), {
      type: 'openNode',
      nodeId: 'net/ipv4/ip_input.c:ip_rcv',
    });
  });

  it('posts openEdge with the call site when an edge label is clicked', async () => {
    await focus(wp, ingress, '__raise_softirq_irqoff');
    await wp.page.click('#np-canvas .edgeLabel.np-label-async');
    assert.deepEqual(await lastMessage(wp, 'openEdge'), {
      type: 'openEdge',
      from: 'kernel/softirq.c:__raise_softirq_irqoff',
      to: 'net/core/dev.c:net_rx_action',
      file: 'kernel/softirq.c',
      line: 706,
    });
  });

  it('posts openEdge when the edge line itself is clicked', async () => {
    const result = toMermaid(ingress);
    const [eid] =
      Object.entries(result.edgeIds).find(
        ([, e]) => e.from.endsWith(':napi_poll') && e.to.endsWith(':__napi_poll'),
      ) ?? [];
    assert.ok(eid);
    await focus(wp, ingress, 'napi_poll');
    // A straight edge has a zero-width box: click the middle of the line itself.
    const point = await wp.page.$eval(`#np-canvas path.np-edge-hit[data-id="${eid}"]`, (p) => {
      const path = p as SVGPathElement;
      const mid = path.getPointAtLength(path.getTotalLength() / 2);
      const screen = new DOMPoint(mid.x, mid.y).matrixTransform(
        path.getScreenCTM() ?? new DOMMatrix(),
      );
      return { x: screen.x, y: screen.y };
    });
    await wp.page.mouse.click(point.x, point.y);
    assert.deepEqual(await lastMessage(wp, 'openEdge'), {
      type: 'openEdge',
      from: 'net/core/dev.c:napi_poll',
      to: 'net/core/dev.c:__napi_poll',
      file: 'net/core/dev.c',
      line: 6896,
    });
  });

  it('shows a tooltip with note, stage, context and location on hover', async () => {
    const id = await focus(wp, ingress, 'net_rx_action');
    await wp.page.hover(nodeSelector(id));
    await wp.page.waitForSelector('#np-tooltip:not([hidden])');
    const text = (await wp.page.textContent('#np-tooltip')) ?? '';
    assert.ok(text.includes('net_rx_action'));
    assert.ok(text.includes('NET_RX softirq handler: polls each scheduled NAPI instance'));
    assert.ok(text.includes('net/core/dev.c:6943'));
    assert.ok(text.includes('NAPI · NET_RX softirq (napi-softirq)'));
    assert.ok(text.includes('softirq'));
    await wp.page.mouse.move(2, 790);
  });

  it('finds functions, and Enter cycles through the matches', async () => {
    await wp.page.fill('#np-search', 'napi');
    assert.equal(await wp.page.textContent('#np-search-count'), '–/7');
    assert.equal(await wp.page.locator('#np-canvas g.node.np-match').count(), 7);
    await wp.page.press('#np-search', 'Enter');
    assert.equal(await wp.page.textContent('#np-search-count'), '1/7');
    await wp.page.press('#np-search', 'Enter');
    assert.equal(await wp.page.textContent('#np-search-count'), '2/7');
    await wp.page.press('#np-search', 'Shift+Enter');
    assert.equal(await wp.page.textContent('#np-search-count'), '1/7');
    assert.equal(await wp.page.locator('#np-canvas g.node.np-current').count(), 1);
    await wp.page.screenshot({ path: screenshotPath('dark-search') });

    await wp.send({ type: 'highlight', query: 'tcp_v4_rcv' });
    assert.equal(await wp.page.textContent('#np-search-count'), '1/1');
    await wp.page.press('#np-search', 'Escape');
    assert.equal(await wp.page.locator('#np-canvas g.node.np-match').count(), 0);
  });

  it('posts depth, expand and collapse from the toolbar and double-click', async () => {
    await wp.page.click('#np-depth-more');
    assert.deepEqual(await lastMessage(wp, 'depth'), { type: 'depth', delta: 1 });
    await wp.page.click('#np-depth-less');
    assert.deepEqual(await lastMessage(wp, 'depth'), { type: 'depth', delta: -1 });

    const collapsed = await focus(wp, ingress, 'e1000_clean_tx_irq');
    assert.equal(await wp.page.isEnabled('#np-expand'), true);
    assert.equal(await wp.page.isEnabled('#np-collapse'), false);
    await wp.page.click('#np-expand');
    assert.deepEqual(await lastMessage(wp, 'expand'), {
      type: 'expand',
      nodeId: 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_clean_tx_irq',
    });
    await wp.page.dblclick(nodeSelector(collapsed));
    assert.equal((await wp.messages()).filter((m) => m.type === 'expand').length, 2);

    await focus(wp, ingress, 'e1000e_poll');
    assert.equal(await wp.page.isEnabled('#np-collapse'), true);
    await wp.page.click('#np-collapse');
    assert.deepEqual(await lastMessage(wp, 'collapse'), {
      type: 'collapse',
      nodeId: 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll',
    });
  });

  it('pans by drag and zooms by wheel and buttons, without posting clicks', async () => {
    const before = await wp.page.$eval('#np-canvas', (c) => c.style.transform);
    const clicks = (await wp.messages()).length;
    await wp.page.mouse.move(300, 400);
    await wp.page.mouse.down();
    await wp.page.mouse.move(200, 300, { steps: 5 });
    await wp.page.mouse.up();
    await wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    const panned = await wp.page.$eval('#np-canvas', (c) => c.style.transform);
    assert.notEqual(panned, before);
    assert.equal((await wp.messages()).length, clicks, 'a drag is not a click');
    await wp.page.click('#np-fit');
    await wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    const fit = Number(((await wp.page.textContent('#np-zoom')) ?? '').replace('%', ''));
    assert.ok(fit > 5 && fit < 60, `fit zoom ${fit}%`);
    await wp.page.mouse.move(400, 300);
    await wp.page.mouse.wheel(0, -300);
    await wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    const zoomed = Number(((await wp.page.textContent('#np-zoom')) ?? '').replace('%', ''));
    assert.ok(zoomed > fit, `wheel zooms in: ${fit}% -> ${zoomed}%`);
  });

  it('remembers pan, zoom and search in the webview state', async () => {
    await wp.page.fill('#np-search', 'gro');
    await wp.page.waitForFunction(
      () => (window as unknown as { __npState?: { search?: string } }).__npState?.search === 'gro',
    );
    const state = await wp.page.evaluate(
      () =>
        (window as unknown as { __npState: { view: { scale: number }; graphKey: string } })
          .__npState,
    );
    assert.ok(state.view.scale > 0);
    assert.ok(state.graphKey.startsWith('e1000e ingress|35|35|'));
    await wp.page.fill('#np-search', '');
  });

  it('draws the skb timeline; a step opens its line', async () => {
    await wp.page.click('#np-timeline-toggle');
    assert.equal(await wp.page.isVisible('#np-timeline'), true);
    assert.equal(await wp.page.locator('#np-steps > li').count(), ingress.skb?.length);
    const first = await wp.page.textContent('#np-steps > li:nth-child(2)');
    assert.ok(
      first?.includes('eth_type_trans(ETH_HLEN)') &&
        first.includes('e1000_clean_rx_irq') &&
        first.includes('data += ETH_HLEN'),
    );
    await wp.page.click('#np-steps > li:nth-child(2)');
    assert.deepEqual(await lastMessage(wp, 'openNode'), {
      type: 'openNode',
      nodeId: 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000_clean_rx_irq',
      file: 'drivers/net/ethernet/intel/e1000e/netdev.c',
      line: 1020,
    });
    await wp.page.click('#np-timeline-toggle');
    assert.equal(await wp.page.isVisible('#np-timeline'), false);
  });

  it('exports an SVG drawn with text labels for documents', async () => {
    await wp.page.selectOption('#np-export', 'svg');
    await wp.page.waitForFunction(() =>
      (window as unknown as { __npMessages: { type: string }[] }).__npMessages.some(
        (m) => m.type === 'export',
      ),
    );
    const message = await lastMessage(wp, 'export');
    assert.ok(
      message?.type === 'export' && message.format === 'svg' && message.svg?.startsWith('<svg'),
    );
    assert.ok(
      message.type === 'export' && !message.svg?.includes('<foreignObject'),
      'htmlLabels: false',
    );
    assert.ok(message.type === 'export' && message.svg?.includes('e1000_intr_msi'));
    await wp.page.selectOption('#np-export', 'markdown');
    assert.deepEqual(await lastMessage(wp, 'export'), { type: 'export', format: 'markdown' });
    // The export's document settings do not leak into the next panel drawing.
    assert.equal(await wp.showGraph(ingress), 'drawn');
    assert.ok(
      (await wp.page.locator('#np-canvas foreignObject').count()) > 0,
      'panel labels are HTML again',
    );
    assert.deepEqual(wp.problems, []);
  });
});

describe('hostile labels', () => {
  it('render as literal text and run nothing', async () => {
    const wp = await harness.open({ theme: 'dark' });
    assert.equal(await wp.showGraph(hostile), 'drawn');
    const pwned = await wp.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned);
    assert.equal(pwned, undefined, 'no injected script ran');
    assert.equal(await wp.page.locator('script').count(), 1, 'only our own script element');
    assert.equal(
      await wp.page
        .locator('#np-canvas img, #np-canvas script, #np-canvas iframe, #np-canvas b, #np-canvas a')
        .count(),
      0,
      'no injected elements',
    );
    const handlers = await wp.page.$$eval(
      '#np-canvas *',
      (els) =>
        els.filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
    );
    assert.equal(handlers, 0, 'no event-handler attributes');

    const text = (await wp.page.textContent('#np-canvas svg')) ?? '';
    for (const literal of [
      '</script><script>window.__pwned=1</script>',
      '<img src=x onerror="window.__pwned=2">',
      'quote"double\'single`back`',
      'hash#35;amp&amp;semi;pipe|',
      '[brackets]{braces}(parens)<angle>',
      '%%{init: {"securityLevel":"loose"}}%%',
      '#quot;#lt;b#gt;',
      '<b>bold</b>&nbsp;',
      '-->|x| evil --> y',
      'a;b;click n0 call alert(1)',
    ]) {
      assert.ok(text.includes(literal), `shown literally: ${literal}`);
    }
    for (const keyword of ['end', 'click', 'style', 'classDef', 'subgraph']) {
      assert.ok(
        await wp.page.locator(`#np-canvas g.node .nodeLabel p:text-matches("^${keyword}")`).count(),
        `function named ${keyword} is drawn`,
      );
    }
    assert.equal(await wp.page.textContent('#np-title'), hostile.title);

    const id = mermaidId(hostile, '</script><script>window.__pwned=1</script>');
    await wp.send({ type: 'focusNode', nodeId: toMermaid(hostile).nodeIds[id] ?? '' });
    await wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await wp.page.hover(nodeSelector(id));
    await wp.page.waitForSelector('#np-tooltip:not([hidden])');
    const tip = await wp.page.$eval('#np-tooltip', (t) => ({
      text: t.textContent ?? '',
      html: t.innerHTML,
    }));
    assert.ok(tip.text.includes('note with </script><script>window.__pwned=3</script>'));
    assert.ok(!tip.html.includes('<script'), 'tooltip text is escaped');

    await wp.page.click('#np-timeline-toggle');
    const step = await wp.page.$eval('#np-steps > li', (li) => ({
      text: li.textContent ?? '',
      html: li.innerHTML,
    }));
    assert.ok(step.text.includes('<script>skb_pull</script>("ETH_HLEN"|<b>)'));
    assert.ok(!step.html.includes('<script') && !step.html.includes('<img'));
    assert.equal(
      await wp.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    await wp.page.screenshot({ path: screenshotPath('dark-hostile') });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});

describe('every Mermaid output parses and draws', () => {
  const graphs: [string, GraphJson][] = [
    ['e1000e-ingress', ingress],
    ['e1000e-egress', egress],
    ['hostile-names', hostile],
    ['path-napi-to-ip-rcv', loadFixture('path-napi-to-ip-rcv.json')],
    ['plain-callees', loadFixture('plain-callees.json')],
  ];
  it('in panel, document (forExport), LR and limited modes', async () => {
    const wp = await harness.open({ theme: 'light' });
    for (const [name, graph] of graphs) {
      for (const options of [
        {},
        { forExport: true },
        { direction: 'LR' as const, showFiles: false },
        { maxNodes: 6 },
      ]) {
        const mermaid = toMermaid(graph, options);
        await wp.page.evaluate(() => {
          const app = document.getElementById('np-app');
          if (app) app.dataset.state = 'sent';
        });
        await wp.send({ type: 'graph', graph, mermaid });
        await wp.page.waitForFunction(
          () =>
            ['drawn', 'too-large', 'error'].includes(
              document.getElementById('np-app')?.dataset.state ?? '',
            ),
          undefined,
          { timeout: 60_000 },
        );
        const state = await wp.page.evaluate(
          () => document.getElementById('np-app')?.dataset.state,
        );
        assert.equal(
          state,
          'drawn',
          `${name} ${JSON.stringify(options)}: ${await wp.page.textContent('#np-message')}`,
        );
        const drawn = await wp.page.locator('#np-canvas g.node').count();
        assert.equal(
          drawn,
          mermaid.stats.nodes + (mermaid.stats.omittedNodes > 0 ? 1 : 0),
          `${name} ${JSON.stringify(options)}`,
        );
      }
    }
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});

describe('themes', () => {
  it('follow the body class VS Code swaps, redrawing with the new colours', async () => {
    const wp = await harness.open({ theme: 'light' });
    assert.equal(await wp.showGraph(egress), 'drawn');
    assert.equal(
      await wp.page.$eval('#np-viewport', (v) => getComputedStyle(v).backgroundColor),
      'rgb(255, 255, 255)',
    );
    const lightLane = await wp.page.$eval(
      '#np-canvas g.cluster rect',
      (r) => getComputedStyle(r).fill,
    );
    await wp.page.evaluate((style) => {
      document.getElementById('np-app')?.setAttribute('data-state', 'sent');
      document.documentElement.setAttribute('style', style);
      document.body.className = 'vscode-dark';
    }, themeStyle('dark'));
    await wp.page.waitForFunction(
      () => document.getElementById('np-app')?.dataset.state === 'drawn',
    );
    assert.equal(
      await wp.page.$eval('#np-viewport', (v) => getComputedStyle(v).backgroundColor),
      'rgb(31, 31, 31)',
    );
    const darkLane = await wp.page.$eval(
      '#np-canvas g.cluster rect',
      (r) => getComputedStyle(r).fill,
    );
    assert.notEqual(darkLane, lightLane, 'Mermaid drew the lanes again with the dark colours');
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});

describe('large graphs', () => {
  it('draws 150 functions, and pans and zooms smoothly', async () => {
    const wp = await harness.open({ theme: 'dark' });
    const t0 = Date.now();
    assert.equal(await wp.showGraph(large), 'drawn');
    const drawMs = Date.now() - t0;
    assert.equal(await wp.page.locator('#np-canvas g.node').count(), 150);
    assert.ok(drawMs < 20_000, `drawn in ${drawMs} ms`);

    // 40 wheel steps and a 40-step drag; the page must keep producing frames.
    const frames = await wp.page.evaluate(async () => {
      const vp = document.getElementById('np-viewport');
      if (!vp) return [];
      const times: number[] = [];
      let last = performance.now();
      for (let i = 0; i < 40; i++) {
        vp.dispatchEvent(
          new WheelEvent('wheel', {
            deltaY: i < 20 ? -40 : 40,
            clientX: 500,
            clientY: 400,
            bubbles: true,
            cancelable: true,
          }),
        );
        await new Promise((r) => requestAnimationFrame(r));
        const now = performance.now();
        times.push(now - last);
        last = now;
      }
      return times;
    });
    frames.sort((a, b) => a - b);
    const median = frames[Math.floor(frames.length / 2)] ?? 0;
    assert.ok(median < 50, `median frame ${median.toFixed(1)} ms while zooming`);
    await wp.page.click('#np-fit');
    await wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );
    await wp.page.screenshot({ path: screenshotPath('dark-large-fit') });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('over the limits, explains instead of drawing, and offers the focused part', async () => {
    const wp = await harness.open({ theme: 'dark', config: { maxTextSize: 5_000 } });
    assert.equal(await wp.showGraph(large), 'too-large');
    const message = (await wp.page.textContent('#np-message')) ?? '';
    assert.ok(message.includes('Too large to draw'));
    assert.ok(message.includes('This graph has 150 functions and 188 calls'));
    assert.equal(await wp.page.locator('#np-canvas svg').count(), 0);
    assert.equal(
      await wp.page.locator('.error-icon, [id^="dnp-graph"]').count(),
      0,
      'no Mermaid error box',
    );
    await wp.page.screenshot({ path: screenshotPath('dark-too-large') });
    await wp.page.click('#np-message button[data-action="depth-less"]');
    assert.deepEqual(await lastMessage(wp, 'depth'), { type: 'depth', delta: -1 });
    await wp.page.close();
  });

  it('a Mermaid error shows a message, not an error box or a blank panel', async () => {
    const wp = await harness.open({ theme: 'dark' });
    const graph = loadFixture('plain-callees.json');
    const mermaid = { ...toMermaid(graph), text: 'flowchart TD\n  n0[["unclosed' };
    await wp.send({ type: 'graph', graph, mermaid });
    await wp.page.waitForFunction(
      () => document.getElementById('np-app')?.dataset.state === 'error',
    );
    const message = (await wp.page.textContent('#np-message')) ?? '';
    assert.ok(message.includes('Could not draw this graph'));
    assert.equal(await wp.page.locator('.error-icon').count(), 0, 'no Mermaid error box');
    const error = await lastMessage(wp, 'error');
    assert.ok(error?.type === 'error' && error.message.startsWith('Mermaid render failed:'));

    // The next good graph replaces the message.
    assert.equal(await wp.showGraph(graph), 'drawn');
    assert.equal(await wp.page.isVisible('#np-message'), false);
    await wp.page.close();
  });
});

describe('state across hide and show', () => {
  it('restores pan and zoom for the same graph', async () => {
    const first = await harness.open();
    await first.showGraph(ingress);
    await first.page.click('#np-zoom-in');
    await first.page.click('#np-zoom-in');
    await first.page.fill('#np-search', 'tcp');
    await first.page.waitForFunction(
      () => (window as unknown as { __npState?: { search?: string } }).__npState?.search === 'tcp',
    );
    const state = await first.page.evaluate(
      () => (window as unknown as { __npState: unknown }).__npState,
    );
    const transform = await first.page.$eval('#np-canvas', (c) => c.style.transform);
    await first.page.close();

    // A hidden webview is reloaded, and VS Code hands the page its saved state again.
    const third = await harness.open();
    await third.page.addInitScript((s) => {
      (window as unknown as { __npState: unknown }).__npState = s;
    }, state);
    await third.page.reload();
    await third.page.waitForFunction(() =>
      (window as unknown as { __npMessages: { type: string }[] }).__npMessages.some(
        (m) => m.type === 'ready',
      ),
    );
    assert.equal(await third.page.inputValue('#np-search'), 'tcp');
    await third.showGraph(ingress);
    assert.equal(await third.page.$eval('#np-canvas', (c) => c.style.transform), transform);
    const tcp = ingress.nodes.filter((n) => n.name.includes('tcp')).length;
    assert.equal(await third.page.textContent('#np-search-count'), `–/${tcp}`);
    await third.page.close();
  });
});

/** Screenshots for a human to judge (test-results/webview-*.png): fresh pages, typical views. */
describe('screenshots', () => {
  const settle = (wp: WebviewPage): Promise<unknown> =>
    wp.page.evaluate(
      () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
    );

  async function shoot(
    theme: Theme,
    graph: GraphJson,
    name: string,
    detail: string,
  ): Promise<void> {
    const wp = await harness.open({ theme });
    assert.equal(await wp.showGraph(graph, { depth: 6 }), 'drawn');
    await wp.page.click('#np-timeline-toggle');
    await settle(wp);
    await wp.page.screenshot({ path: screenshotPath(`${theme}-${name}`) });
    // Detail: one function selected at 100%, its tooltip open.
    const id = await focus(wp, graph, detail);
    await wp.page.hover(nodeSelector(id));
    await wp.page.waitForSelector('#np-tooltip:not([hidden])');
    await wp.page.screenshot({ path: screenshotPath(`${theme}-${name}-detail`) });
    await wp.page.mouse.move(5, 700);
    await wp.page.click('#np-timeline-toggle');
    await wp.page.click('#np-fit');
    await settle(wp);
    await wp.page.screenshot({ path: screenshotPath(`${theme}-${name}-fit`) });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  }

  it('dark: e1000e ingress', () => shoot('dark', ingress, 'ingress', 'ip_rcv'));
  it('light: e1000e egress', () => shoot('light', egress, 'egress', 'ip_output'));
  it('high contrast: e1000e ingress', () =>
    shoot('high-contrast', ingress, 'ingress', 'e1000_clean_rx_irq'));
});
