// A function's drop points in the graph webview: its badge (`⊘ N drops`) is a button that
// lists them beside the graph, each with its reason, what the reason means and a link that
// asks the host to open its line; the keyboard reaches and works all of it, Escape closes
// it, and hostile text from the C source stays text. The graph is the e1000e ingress
// fixture with drop points set on two of its functions here.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DropPoint, GraphJson, GraphNode } from '../../src/analysis/graph-json';
import type { WebviewToHost } from '../../src/webview/protocol';
import { loadFixture, screenshotPath, settle, startHarness } from './harness';
import type { Harness, WebviewPage } from './harness';

const HOSTILE = '</script><script>window.__pwned=1</script><img/src=x/onerror=window.__pwned=2>';

const IP_RCV_CORE: DropPoint[] = [
  {
    reason: 'OTHERHOST',
    known: true,
    file: 'net/ipv4/ip_input.c',
    line: 468,
    note: "packet don't belong to current host (interface is in promisc mode)",
    how: 'goto drop: kfree_skb_reason at line 552',
  },
  {
    reason: 'IP_CSUM',
    known: true,
    file: 'net/ipv4/ip_input.c',
    line: 512,
    note: 'IP checksum error',
    how: 'goto csum_error: kfree_skb_reason at line 552',
  },
  {
    reason: '?',
    known: false,
    file: 'net/ipv4/ip_input.c',
    line: 528,
    note: 'The source does not tell the reason here: `drop_reason` is what check() returns.',
    how: 'goto drop: kfree_skb_reason at line 552',
  },
];

const HOSTILE_DROP: DropPoint = {
  reason: HOSTILE,
  known: true,
  file: 'net/ipv4/tcp_ipv4.c',
  line: 2230,
  note: `<b>bold</b> & ${HOSTILE}`,
  how: `goto ${HOSTILE}: sk_skb_reason_drop at line 2393`,
};

function withDrops(): GraphJson {
  const graph = loadFixture('e1000e-ingress.json');
  graph.nodes = graph.nodes.map((n) =>
    n.name === 'ip_rcv_core'
      ? { ...n, drops: IP_RCV_CORE }
      : n.name === 'tcp_v4_rcv'
        ? { ...n, drops: [HOSTILE_DROP] }
        : n,
  );
  return graph;
}

function named(graph: GraphJson, name: string): GraphNode {
  const found = graph.nodes.find((n) => n.name === name);
  assert.ok(found, `the fixture has no ${name}`);
  return found;
}

const badge = (id: string): string => `#np-canvas .np-drop-badge[data-node="${id}"]`;

let harness: Harness;
before(async () => {
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
});

async function openPage(graph: GraphJson, theme: 'dark' | 'light' = 'dark'): Promise<WebviewPage> {
  const wp = await harness.open({ theme });
  assert.equal(await wp.showGraph(graph), 'drawn');
  return wp;
}

/** Centres `id` in the view (as the host's focusNode does), so the pointer can reach it. */
async function reveal(wp: WebviewPage, id: string): Promise<void> {
  await wp.send({ type: 'focusNode', nodeId: id });
  await settle(wp.page);
}

async function openNodes(wp: WebviewPage): Promise<WebviewToHost[]> {
  return (await wp.messages()).filter((m) => m.type === 'openNode');
}

describe('drop points in the webview', () => {
  it("a click on a function's drop badge lists its drop points: reason, meaning, a link per line", async () => {
    const graph = withDrops();
    const core = named(graph, 'ip_rcv_core');
    const wp = await openPage(graph);
    // One badge per function with drop points, a button that says what it does.
    assert.equal(await wp.page.locator('#np-canvas .np-drop-badge').count(), 2);
    assert.equal(await wp.page.isVisible('#np-drops'), false);
    const b = wp.page.locator(badge(core.id));
    assert.equal(await b.textContent(), '⊘ 3 drops');
    assert.equal(await b.getAttribute('role'), 'button');
    assert.equal(await b.getAttribute('aria-expanded'), 'false');
    assert.match((await b.getAttribute('aria-label')) ?? '', /3 drop points of ip_rcv_core/);

    await reveal(wp, core.id);
    const before = (await openNodes(wp)).length;
    await b.click();
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    assert.equal(await b.getAttribute('aria-expanded'), 'true');
    // The badge opens the list, not the function.
    assert.equal((await openNodes(wp)).length, before);
    assert.equal(await wp.page.textContent('#np-drops-fn'), 'ip_rcv_core');
    assert.match((await wp.page.textContent('#np-drops-summary')) ?? '', /at 3 places/);
    const items = wp.page.locator('#np-drops-list > li');
    assert.equal(await items.count(), IP_RCV_CORE.length);
    for (const [i, p] of IP_RCV_CORE.entries()) {
      const item = items.nth(i);
      const reason = (await item.locator('.np-drop-reason').textContent()) ?? '';
      assert.equal(reason, p.known ? p.reason : 'reason not told');
      assert.equal(await item.locator('.np-drop-note').textContent(), p.note);
      assert.equal(await item.locator('.np-drop-how').textContent(), p.how);
      assert.equal(await item.locator('.np-drop-link').textContent(), `ip_input.c:${p.line}`);
    }
    assert.match((await items.nth(2).getAttribute('class')) ?? '', /np-drop-unknown/);
    await wp.page.screenshot({ path: screenshotPath('dark-drops') });

    // A drop's link asks the host to open its line, through the protocol's openNode.
    await items.nth(1).locator('.np-drop-link').click();
    assert.deepEqual((await openNodes(wp)).at(-1), {
      type: 'openNode',
      nodeId: core.id,
      file: 'net/ipv4/ip_input.c',
      line: 512,
    });
    assert.match((await items.nth(1).getAttribute('class')) ?? '', /np-drop-current/);

    // The rest of the node still opens the function's definition.
    await wp.page.click('#np-drops-close');
    assert.equal(await wp.page.isVisible('#np-drops'), false);
    await reveal(wp, core.id);
    await wp.page
      .locator(`#np-canvas g.node:has(${badge(core.id).slice('#np-canvas '.length)})`)
      .locator('rect, polygon, path')
      .first()
      .click({ position: { x: 6, y: 6 } });
    assert.deepEqual((await openNodes(wp)).at(-1), { type: 'openNode', nodeId: core.id });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('works from the keyboard: Tab reaches a badge, Enter or Space opens the list, Escape closes it', async () => {
    const graph = withDrops();
    const core = named(graph, 'ip_rcv_core');
    const wp = await openPage(graph, 'light');
    await wp.page.focus('#np-viewport');
    // Tab walks from the graph to its badges (in drawing order) until ip_rcv_core's.
    let reached = '';
    for (let i = 0; i < 4 && reached !== core.id; i++) {
      await wp.page.keyboard.press('Tab');
      reached = await wp.page.evaluate(
        () => (document.activeElement as HTMLElement | null)?.dataset.node ?? '',
      );
    }
    assert.equal(reached, core.id, 'Tab does not reach the badge of ip_rcv_core');
    await settle(wp.page);
    // The view is panned by its transform, never scrolled by the focus.
    assert.deepEqual(
      await wp.page.$eval('#np-viewport', (v) => [v.scrollLeft, v.scrollTop]),
      [0, 0],
    );
    await wp.page.keyboard.press('Enter');
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    // The focus is on the first drop's link: Enter opens its line.
    assert.equal(
      await wp.page.evaluate(() => document.activeElement?.textContent ?? ''),
      'ip_input.c:468',
    );
    await wp.page.keyboard.press('Enter');
    assert.deepEqual((await openNodes(wp)).at(-1), {
      type: 'openNode',
      nodeId: core.id,
      file: 'net/ipv4/ip_input.c',
      line: 468,
    });
    await wp.page.keyboard.press('Tab');
    await wp.page.keyboard.press('Enter');
    // Tab goes on to the next drop's link.
    assert.deepEqual((await openNodes(wp)).at(-1), {
      type: 'openNode',
      nodeId: core.id,
      file: 'net/ipv4/ip_input.c',
      line: 512,
    });
    await wp.page.screenshot({ path: screenshotPath('light-drops-keyboard') });
    // Escape closes the list and gives the focus back to the badge.
    await wp.page.keyboard.press('Escape');
    assert.equal(await wp.page.isVisible('#np-drops'), false);
    assert.equal(
      await wp.page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.node),
      core.id,
    );
    assert.equal(await wp.page.getAttribute(badge(core.id), 'aria-expanded'), 'false');
    await wp.page.keyboard.press(' ');
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    assert.equal(await wp.page.textContent('#np-drops-fn'), 'ip_rcv_core');
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('reasons, notes and ways of dropping from the source are text: no markup, no script', async () => {
    const graph = withDrops();
    const tcp = named(graph, 'tcp_v4_rcv');
    const wp = await openPage(graph);
    await reveal(wp, tcp.id);
    await wp.page.click(badge(tcp.id));
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    const item = wp.page.locator('#np-drops-list > li').first();
    assert.equal(await item.locator('.np-drop-reason').textContent(), HOSTILE);
    assert.equal(await item.locator('.np-drop-note').textContent(), HOSTILE_DROP.note);
    assert.equal(await item.locator('.np-drop-how').textContent(), HOSTILE_DROP.how);
    assert.equal(await wp.page.locator('#np-drops :is(b, img, script)').count(), 0);
    assert.equal(
      await wp.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    await wp.page.screenshot({ path: screenshotPath('dark-drops-hostile') });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('a new graph without that function closes the list; with it, the list follows', async () => {
    const graph = withDrops();
    const core = named(graph, 'ip_rcv_core');
    const wp = await openPage(graph);
    await reveal(wp, core.id);
    await wp.page.click(badge(core.id));
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    // The same graph again (a depth change that keeps the function): still open.
    assert.equal(await wp.showGraph(graph), 'drawn');
    assert.equal(await wp.page.isVisible('#np-drops'), true);
    assert.equal(await wp.page.locator('#np-drops-list > li').count(), IP_RCV_CORE.length);
    assert.equal(await wp.page.getAttribute(badge(core.id), 'aria-expanded'), 'true');
    const without = {
      ...graph,
      nodes: graph.nodes.filter((n) => n.id !== core.id),
      edges: graph.edges.filter((e) => e.from !== core.id && e.to !== core.id),
    };
    assert.equal(await wp.showGraph(without), 'drawn');
    assert.equal(await wp.page.isVisible('#np-drops'), false);
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});
