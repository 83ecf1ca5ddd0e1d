// A trace in the graph webview: the event list beside the graph, stepping through the
// events on the graph, drops, gaps and unmatched names standing out, and hostile names
// from the trace shown as text. The graph is the join of a pwru trace with the small
// tree test/fixtures/trace-mini, made here by the core as the analysis server makes it.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { buildIndex } from '../../src/analysis/index/indexer';
import { toMermaid } from '../../src/analysis/render/mermaid';
import { joinTrace } from '../../src/analysis/trace/join';
import { readDropReasons } from '../../src/analysis/trace/dropreason';
import { TraceReader } from '../../src/analysis/trace/read';
import type { WebviewToHost } from '../../src/webview/protocol';
import { ROOT, screenshotPath, startHarness } from './harness';
import type { Harness, WebviewPage } from './harness';

const tree = join(ROOT, 'test/fixtures/trace-mini');
const HOSTILE = '</script><script>window.__pwned=1</script><img/src=x/onerror=alert(1)>';

const pwru = (fn: string): string => `0xffff888012345600 1 [nc] ${fn}`;
const TRACE = [
  '__netif_receive_skb_core',
  'ip_rcv',
  'ip_rcv_finish',
  'ip_local_deliver',
  'tcp_v4_rcv',
  'vendor_only_fn',
  HOSTILE,
  'lonely_after_panic',
  'sk_skb_reason_drop(SKB_DROP_REASON_NO_SOCKET)',
]
  .map(pwru)
  .join('\n');

let harness: Harness;
let graph: GraphJson;
let cacheDir: string;

before(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'netpaths-webview-trace-'));
  const g = (await buildIndex({ root: tree, cacheDir, workers: 1 })).graph;
  const reader = new TraceReader();
  reader.begin('hostile.txt');
  reader.push(Buffer.from(TRACE));
  reader.end();
  graph = joinTrace(g, reader.result(), {
    maxGap: 8,
    inputNames: ['hostile.txt'],
    dropReasons: readDropReasons(readFileSync(join(tree, 'include/net/dropreason-core.h'), 'utf8')),
  });
  graph.title = `trace of ${HOSTILE}`;
  harness = await startHarness();
});
after(async () => {
  await harness?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

async function lastMessage(wp: WebviewPage, type: WebviewToHost['type']) {
  return (await wp.messages()).filter((m) => m.type === type).pop();
}

/** The graph node id of the function the highlighted node draws. */
async function highlighted(wp: WebviewPage): Promise<string[]> {
  const ids = toMermaid(graph).nodeIds;
  const mids = await wp.page.$$eval('#np-canvas g.node.np-trace-at', (els) =>
    els.map((e) => (e as HTMLElement).dataset.npNode ?? ''),
  );
  return mids.map((m) => ids[m] ?? m);
}

describe('a trace in the webview', () => {
  it('lists the events beside the graph: drops, gaps and unmatched names stand out', async () => {
    const wp = await harness.open({ theme: 'dark' });
    assert.equal(await wp.showGraph(graph), 'drawn');
    assert.equal(await wp.page.isVisible('#np-trace'), true);
    const steps = graph.trace?.steps ?? [];
    assert.equal(await wp.page.locator('#np-events > li').count(), steps.length);
    const summary = (await wp.page.textContent('#np-trace-summary')) ?? '';
    assert.match(summary, new RegExp(`${steps.length} events in 1 packet`));
    assert.match(summary, /1 drop/);
    assert.match(summary, /1 gap/);
    const kindOf = async (name: string): Promise<string> => {
      const i = steps.findIndex((s) => s.name.startsWith(name));
      return (await wp.page.getAttribute(`#np-events > li:nth-child(${i + 1})`, 'class')) ?? '';
    };
    assert.match(await kindOf('sk_skb_reason_drop'), /np-event-drop/);
    assert.match(await kindOf('lonely_after_panic'), /np-event-gap/);
    assert.match(await kindOf('vendor_only_fn'), /np-event-unmatched/);
    const dropText = (await wp.page.textContent('#np-events > li.np-event-drop')) ?? '';
    assert.ok(dropText.includes(graph.drops?.[0]?.note ?? '?'), dropText);
    const unmatched = (await wp.page.textContent('#np-trace-unmatched')) ?? '';
    for (const u of graph.trace?.unmatched ?? []) assert.ok(unmatched.includes(u.name), u.name);
    // A graph without a trace hides the panel.
    assert.equal(
      await wp.showGraph({ nodes: graph.nodes.slice(0, 2), edges: [], title: 'plain' }),
      'drawn',
    );
    assert.equal(await wp.page.isVisible('#np-trace'), false);
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('stepping through the events moves the highlight to each event function, in order', async () => {
    const wp = await harness.open({ theme: 'dark' });
    assert.equal(await wp.showGraph(graph), 'drawn');
    const steps = graph.trace?.steps ?? [];
    assert.deepEqual(await highlighted(wp), []);
    await wp.page.click('#np-trace-next');
    assert.deepEqual(await highlighted(wp), [steps[0]?.node]);
    assert.equal(await wp.page.textContent('#np-trace-pos'), `1 / ${steps.length}`);
    await wp.page.click('#np-trace-next');
    assert.deepEqual(await highlighted(wp), [steps[1]?.node]);
    assert.notEqual(steps[0]?.node, steps[1]?.node);
    // The list's keys step too, and the current row is marked.
    await wp.page.focus('#np-events');
    await wp.page.keyboard.press('ArrowDown');
    assert.deepEqual(await highlighted(wp), [steps[2]?.node]);
    assert.match(
      (await wp.page.getAttribute('#np-events > li:nth-child(3)', 'class')) ?? '',
      /np-event-current/,
    );
    await wp.page.keyboard.press('k');
    assert.deepEqual(await highlighted(wp), [steps[1]?.node]);
    // An unmatched event highlights nothing.
    const u = steps.findIndex((s) => s.node === undefined);
    await wp.page.click(`#np-events > li:nth-child(${u + 1})`);
    assert.deepEqual(await highlighted(wp), []);
    // Enter or a double click opens the event's function; a click on a node opens its source.
    await wp.page.dblclick('#np-events > li:nth-child(2)');
    assert.deepEqual(await lastMessage(wp, 'openNode'), {
      type: 'openNode',
      nodeId: steps[1]?.node,
    });
    await wp.page.screenshot({ path: screenshotPath('dark-trace') });
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });

  it('names from the trace are text: no markup, no script', async () => {
    const wp = await harness.open({ theme: 'light' });
    assert.equal(await wp.showGraph(graph), 'drawn');
    const panel = await wp.page.$eval('#np-trace', (t) => ({
      text: t.textContent ?? '',
      html: t.innerHTML,
    }));
    // The reader skips a function name that is no C name; the panel says so, quoting it.
    assert.ok(panel.text.includes(HOSTILE), 'the hostile name is shown literally');
    assert.match(panel.text, /1 line of no trace format skipped/);
    assert.ok(
      !panel.html.includes('<img') && !panel.html.includes('<script'),
      'and not as an element',
    );
    assert.equal(await wp.page.locator('#np-trace img, #np-trace script').count(), 0);
    assert.equal(await wp.page.textContent('#np-title'), graph.title);
    assert.equal(
      await wp.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
    );
    assert.deepEqual(wp.problems, []);
    await wp.page.close();
  });
});
