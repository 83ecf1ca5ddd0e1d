// End-to-end tests: the packaged extension in a real VS Code (code-server 4.100.3, VS Code
// 1.100.3) on the real Linux 6.12 tree, driven through its UI as a person would: the
// palette, QuickPicks, a click on a graph node, a mouse hover, the side bar. The scenarios
// test/electron runs too are named in test/e2e/scenarios.ts. Expectations come from the
// tree's own files (the definition's line, the kernel-doc) and from the CLI on the same tree
// and scope (which functions a path draws), never from hard-coded line numbers.
//
// Run: NETPATHS_KERNEL=$(bash scripts/kernel.sh) NETPATHS_CODE_SERVER=$(bash scripts/setup-code-server.sh) npm run test:e2e
// Screenshots of every step and timings.json land in test-results/e2e/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { GraphJson } from '../../src/analysis/graph-json';
import {
  E2E_SCOPE,
  FinalError,
  ROOT,
  Timings,
  VsCode,
  cliJson,
  kernelRoot,
  log,
  packageExtension,
  removeTempDir,
  sleep,
  tempDir,
  waitFor,
} from './harness';
import {
  E1000E_NETDEV,
  EGRESS_STAGES,
  INGRESS_STAGES,
  NOT_A_KERNEL,
  NOT_A_KERNEL_FILES,
  PWRU_TRACE,
  SCENARIOS,
  type ScenarioId,
  definitionLines,
  firstUse,
  hasName,
  readSource,
  skbFieldDoc,
} from './scenarios';
import RULE from '../../src/analysis/index/kernel-tree.json';

const timings = new Timings();
after(() => {
  const file = timings.write();
  log(`timings written to ${file}`);
});

/**
 * Where a panel draws the user-space lane: its top and the tops of the other lanes (one
 * transform holds them all, so the page's coordinates compare), and the boundary's label.
 */
async function userLaneLayout(
  frame: Frame,
): Promise<{ user: number[]; others: number[]; boundary: string }> {
  // No named helpers inside evaluate: tsx wraps them in a __name() the page lacks.
  return frame.evaluate(() => {
    const lanes = Array.from(document.querySelectorAll('#np-canvas g.cluster')).map((g) => ({
      user: g.classList.contains('np-user-lane'),
      top: g.querySelector(':scope > rect')?.getBoundingClientRect().top ?? Number.NaN,
      boundary: g.querySelector('text.np-boundary-label')?.textContent ?? '',
    }));
    return {
      user: lanes.filter((l) => l.user).map((l) => l.top),
      others: lanes.filter((l) => !l.user).map((l) => l.top),
      boundary: lanes.find((l) => l.user)?.boundary ?? '',
    };
  });
}

/** The panel's user-space lane is above every other lane, marked as the system-call boundary. */
async function assertUserLaneOnTop(vs: VsCode, title: string, entry: string): Promise<void> {
  const frame = await vs.graphFrame(title);
  // The search centres the system call's entry, so the screenshot shows the lane.
  const search = frame.locator('#np-search');
  await search.fill(entry);
  await search.press('Enter');
  await frame
    .locator('#np-canvas g.node.np-current')
    .waitFor({ state: 'visible', timeout: 10_000 });
  await sleep(300); // the pan to the match is applied on the next animation frame
  await vs.screenshot(`${title.replace(/\W+/g, '-')}-user-space-lane`);
  await search.fill('');
  await search.press('Escape');
  const layout = await userLaneLayout(frame);
  log(`${title}: user-space lane ${JSON.stringify(layout)}`);
  assert.equal(layout.user.length, 1, `${title}: one user-space lane`);
  const [user] = layout.user as [number];
  assert.ok(
    layout.others.length > 0 && layout.others.every((t) => user < t),
    `${title}: the user-space lane (top ${user}) is not above the others (tops ${layout.others.join(', ')})`,
  );
  assert.match(layout.boundary, /user space.*kernel/, `${title}: the system-call boundary`);
}

/**
 * The panel's own account of its first drawing, from NetPaths' log: the time from the
 * request to the drawing and where it went (the graph query, the page load, Mermaid).
 */
function drawnLine(vs: VsCode, title: string): { ms: number; detail: string } | undefined {
  const lines = vs.extensionLog(400).split('\n');
  for (const l of lines.reverse()) {
    const m = new RegExp(
      `${title}: (\\d+) functions drawn (\\d+) ms after the request \\(([^)]*)\\)`,
    ).exec(l);
    if (m) return { ms: Number(m[2]), detail: `${m[1]} functions: ${m[3]}` };
  }
  return undefined;
}

describe('NetPaths in VS Code on the Linux 6.12 tree', () => {
  const kernel = kernelRoot();
  const cacheDir = tempDir('netpaths-e2e-cli-');
  const startedAt = new Date();
  let vs: VsCode;
  /** A test of the UI: a failure comes with a screenshot and the end of NetPaths' log. */
  const ui = (name: string, body: () => Promise<void>): void => {
    it(name, () => vs.step(name, body));
  };
  /** A scenario test/electron runs too: its title comes from scenarios.ts. */
  const shared = new Set<ScenarioId>();
  const scenario = (id: ScenarioId, body: () => Promise<void>): void => {
    shared.add(id);
    ui(SCENARIOS[id], body);
  };
  let ingressCli: GraphJson;
  let egressCli: GraphJson;

  before(async () => {
    packageExtension();
    // The CLI's answers on the same tree and scope (its own index, outside the tree).
    ingressCli = cliJson<GraphJson>(['ingress', '--driver', 'e1000e', '--depth', '1'], cacheDir);
    egressCli = cliJson<GraphJson>(['egress', '--driver', 'e1000e', '--depth', '1'], cacheDir);
    vs = await VsCode.start({
      name: 'kernel',
      folder: kernel,
      settings: { 'netpaths.scope': E2E_SCOPE },
    });
  });

  after(async () => {
    await vs?.close();
    removeTempDir(cacheDir);
  });

  scenario('indexOnOpen', async () => {
    const opened = Date.now();
    // The first thing after activation is progress: the status bar item and a notification.
    const progress = await vs.waitForStatusBar(/^NetPaths\b|NetPaths: (indexing|\d+%)/, 30_000);
    log(`status bar at start: "${progress}"`);
    let sawProgress = /indexing|%/.test(progress);
    await vs.screenshot('indexing');
    const ready = await waitFor(
      'the status bar to say the index is ready',
      async () => {
        const texts = await vs.statusBarTexts();
        if (texts.some((t) => /NetPaths: (indexing|\d+%)/.test(t))) sawProgress = true;
        if (!sawProgress && (await vs.notifications()).some((n) => /NetPaths: indexing/.test(n)))
          sawProgress = true;
        const failed = texts.find((t) => t === 'NetPaths');
        if (
          failed &&
          (await vs.notifications()).some((n) => /NetPaths:/.test(n) && !/indexing/.test(n))
        ) {
          throw new FinalError(`indexing failed: ${(await vs.notifications()).join(' | ')}`);
        }
        return texts.find((t) => /^NetPaths: [\d,.]+k? functions$/.test(t));
      },
      10 * 60_000,
      250,
    );
    timings.record(
      'index-cold',
      'open the kernel folder -> index ready (cold, extension host)',
      Date.now() - opened,
    );
    log(`status bar when ready: "${ready}"`);
    await vs.screenshot('indexed');
    assert.ok(
      sawProgress,
      'indexing never showed progress (status bar "NetPaths: indexing…"/"NN%" or a notification)',
    );
  });

  scenario('ingress', async () => {
    await vs.runCommandForQuickPick('NetPaths: Show Ingress Path…', 'Show Ingress Path');
    await vs.typeInQuickInput('e1000e');
    await vs.screenshot('ingress-driver-pick');
    const chosen = Date.now();
    await vs.chooseQuickPickItem('e1000e', { exact: true });
    const frame = await vs.graphFrame('e1000e ingress', 120_000);
    timings.record(
      'ingress-graph',
      'Show Ingress Path: driver chosen -> graph drawn',
      Date.now() - chosen,
    );
    await vs.screenshot('ingress-graph');
    const own = await waitFor(
      'the panel to log its drawing',
      () => drawnLine(vs, 'e1000e ingress'),
      30_000,
    );
    timings.record(
      'ingress-graph-panel',
      `Show Ingress Path: panel request -> graph drawn, as the panel logs it (${own.detail})`,
      own.ms,
    );

    const texts = await vs.graphNodeTexts(frame);
    const drawn = texts.join('\n');
    const missing = ingressCli.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
    assert.deepEqual(missing, [], 'functions of the CLI ingress path missing from the panel');
    assert.equal(
      texts.length,
      ingressCli.nodes.length,
      'the panel draws as many nodes as the CLI path has',
    );
    // The tab of the panel carries the same title.
    const tabs = await vs.page.locator('.part.editor .tab .label-name').allTextContents();
    assert.ok(
      tabs.includes('e1000e ingress'),
      `no "e1000e ingress" editor tab; tabs: ${tabs.join(', ')}`,
    );
    // The page's strict CSP let the bundle, the stylesheet and Mermaid's styles through.
    const refused = vs.consoleErrors.filter((e) => /Content Security Policy|Refused to/i.test(e));
    assert.deepEqual(refused, [], 'the webview broke its Content-Security-Policy');
  });

  ui(
    'the ingress graph runs from the NAPI poll through GRO and the core receive to TCP',
    async () => {
      const frame = await vs.graphFrame('e1000e ingress');
      const drawn = (await vs.graphNodeTexts(frame)).join('\n');
      const absent = INGRESS_STAGES.filter((name) => !hasName(drawn, name));
      // Linux 6.12 delivers GRO's batches as lists: IPv4 is entered by ip_list_rcv (which
      // runs ip_rcv_core per packet), not by ip_rcv, on this path.
      if (!hasName(drawn, 'ip_rcv') && !hasName(drawn, 'ip_list_rcv'))
        absent.push('ip_rcv or ip_list_rcv');
      assert.deepEqual(absent, [], 'stages of the receive path missing from the ingress graph');
    },
  );

  ui(
    "the ingress graph draws the reader's system calls in a user-space lane above the others",
    () => assertUserLaneOnTop(vs, 'e1000e ingress', '__sys_recvfrom'),
  );

  scenario('openDefinition', async () => {
    // Where e1000e_poll is defined, read from netdev.c itself.
    const source = readSource(kernel, E1000E_NETDEV);
    const lines = source.split('\n');
    const defined = definitionLines(source, 'e1000e_poll');
    assert.equal(defined.length, 1, `netdev.c defines e1000e_poll on lines ${defined.join(', ')}`);
    const frame = await vs.graphFrame('e1000e ingress');
    // The search box centres the match, so the node is on screen for a real mouse click.
    const search = frame.locator('#np-search');
    await search.fill('e1000e_poll');
    await search.press('Enter');
    const node = frame.locator('#np-canvas g.node.np-current');
    await node.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await node.textContent()) ?? '', /\be1000e_poll\b/);
    await sleep(300); // the pan to the match is applied on the next animation frame
    await vs.screenshot('ingress-search-e1000e_poll');
    const clicked = Date.now();
    await node.click();
    const cursor = await vs.editorOpenedAt('netdev.c');
    timings.record(
      'open-node',
      'click a graph node -> its definition in the editor',
      Date.now() - clicked,
    );
    await vs.screenshot('netdev-c-at-e1000e_poll');
    // The line the editor opened, read from the file: the one that defines e1000e_poll.
    const opened = lines[cursor.line - 1] ?? '';
    assert.match(opened, /\be1000e_poll\s*\(/, `line ${cursor.line} is "${opened.trim()}"`);
    assert.equal(cursor.line, defined[0], `line ${cursor.line} is not the definition`);
  });

  scenario('hover', async () => {
    // The kernel-doc of sk_buff's data member, as include/linux/skbuff.h writes it.
    const doc = skbFieldDoc(kernel, 'data');
    const file = 'net/core/dev.c';
    const line = firstUse(readSource(kernel, file), 'skb->data');
    await vs.openFile(file, line);
    // Move the mouse away first, so reaching the word is a real mouse move.
    await vs.page.mouse.move(5, 500);
    const at = await vs.wordCentre(line, 'skb->data', 'data');
    const hover = vs.page.locator('.monaco-hover').filter({ hasText: doc });
    const moved = Date.now();
    await vs.page.mouse.move(at.x, at.y, { steps: 2 });
    await hover.first().waitFor({ state: 'visible', timeout: 15_000 });
    timings.record(
      'hover',
      'mouse on skb->data -> NetPaths hover shown (includes editor.hover.delay 300 ms)',
      Date.now() - moved,
    );
    await vs.screenshot('hover-skb-data');
    const text = ((await hover.first().textContent()) ?? '').replace(/\s+/g, ' ');
    assert.match(text, /\bdata\b/);
    assert.ok(text.includes(doc), `the hover lacks the kernel-doc "${doc}": ${text}`);
    assert.match(text, /sk_buff|skb->data/, `the hover does not say which struct: ${text}`);
    await vs.page.mouse.move(5, 500);
  });

  scenario('openTrace', async () => {
    const file = join(ROOT, PWRU_TRACE);
    const title = `trace of ${basename(file)}`;
    const expected = cliJson<GraphJson>(['trace', file], cacheDir);
    const steps = expected.trace?.steps ?? [];
    await vs.runCommand('NetPaths: Open Trace…');
    // code-server's open dialog is a quick input that takes a path. It writes the folder it
    // starts in once it has listed it: the file's path goes in after that, and again
    // whenever the dialog has put its own back.
    const input = vs.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor(
      'the open dialog to show its folder',
      async () => ((await input.inputValue()).startsWith('/') ? true : undefined),
      15_000,
      100,
    );
    let asked = Date.now();
    let shot = false;
    await waitFor(
      'the open dialog to take the file',
      async () => {
        if (!(await vs.quickInput().isVisible())) return true;
        if ((await input.inputValue()) !== file) {
          await input.fill(file);
          await sleep(500);
          return undefined;
        }
        if (!shot) await vs.screenshot('open-trace-dialog');
        shot = true;
        asked = Date.now();
        await input.press('Enter');
        await sleep(700);
        return undefined;
      },
      30_000,
      100,
    );
    const frame = await vs.graphFrame(title, 120_000);
    timings.record(
      'trace-graph',
      'Open Trace: file chosen -> traced path drawn',
      Date.now() - asked,
    );
    await vs.screenshot('trace-graph');
    const texts = await vs.graphNodeTexts(frame);
    const drawn = texts.join('\n');
    const missing = expected.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
    assert.deepEqual(missing, [], 'functions of the CLI trace missing from the panel');
    assert.equal(texts.length, expected.nodes.length, 'as many nodes as the CLI trace has');
    // The event list beside the graph: one row per event of the trace.
    assert.equal(await frame.locator('#np-events > li').count(), steps.length);
    // Stepping through the events moves the highlight to each event's function, in order.
    const names = new Map(expected.nodes.map((n) => [n.id, n.name]));
    // The label lines of a node are elements of their own: join their texts with spaces.
    const highlighted = async (): Promise<string> =>
      (
        await frame.$$eval('#np-canvas g.node.np-trace-at', (nodes) =>
          nodes.map((n) => {
            const walker = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
            const parts: string[] = [];
            while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '');
            return parts.join(' ');
          }),
        )
      ).join(' | ');
    for (const [i, s] of steps.slice(0, 4).entries()) {
      await frame.locator('#np-trace-next').click();
      const want = s.node ? (names.get(s.node) ?? '?') : undefined;
      const shown = await waitFor(
        `event ${i + 1} highlighted`,
        async () => {
          const h = await highlighted();
          return want === undefined ? (h === '' ? h : undefined) : hasName(h, want) ? h : undefined;
        },
        10_000,
        50,
      );
      assert.equal(
        await frame.locator('#np-trace-pos').textContent(),
        `${i + 1} / ${steps.length}`,
        shown,
      );
      if (i === 1) await vs.screenshot('trace-step-2');
    }
    // A node click opens its definition's line, read from the source.
    const ipRcv = expected.nodes.find((n) => n.name === 'ip_rcv' && n.observed);
    assert.ok(ipRcv, 'the trace hits ip_rcv');
    const defined = definitionLines(readSource(kernel, ipRcv.file), 'ip_rcv');
    assert.equal(defined.length, 1, `${ipRcv.file} defines ip_rcv on lines ${defined.join(', ')}`);
    const search = frame.locator('#np-search');
    await search.fill('ip_rcv');
    await search.press('Enter');
    const node = frame.locator('#np-canvas g.node.np-current');
    await node.waitFor({ state: 'visible', timeout: 10_000 });
    const label = await node.evaluate((n) => {
      const walker = document.createTreeWalker(n, NodeFilter.SHOW_TEXT);
      const parts: string[] = [];
      while (walker.nextNode()) parts.push(walker.currentNode.textContent ?? '');
      return parts.join(' ');
    });
    assert.ok(hasName(label, 'ip_rcv'), label);
    await sleep(300);
    await node.click();
    const base = basename(ipRcv.file);
    const cursor = await vs.editorOpenedAt(base);
    await vs.screenshot('trace-node-source');
    assert.equal(cursor.line, defined[0], `line ${cursor.line} is not the definition of ip_rcv`);
  });

  /** The drivers Show Egress Path offered while netdev.c was open, first first. */
  let egressOffered: string[] = [];

  scenario('egress', async () => {
    await vs.openFile(E1000E_NETDEV);
    await vs.runCommandForQuickPick('NetPaths: Show Egress Path…', 'Show Egress Path');
    egressOffered = await vs.quickPickLabels();
    await vs.screenshot('egress-driver-pick');
    await vs.typeInQuickInput('e1000e');
    const chosen = Date.now();
    await vs.chooseQuickPickItem('e1000e', { exact: true });
    const frame = await vs.graphFrame('e1000e egress', 120_000);
    timings.record(
      'egress-graph',
      'Show Egress Path: driver chosen -> graph drawn',
      Date.now() - chosen,
    );
    await vs.screenshot('egress-graph');
    const own = await waitFor(
      'the panel to log its drawing',
      () => drawnLine(vs, 'e1000e egress'),
      30_000,
    );
    timings.record(
      'egress-graph-panel',
      `Show Egress Path: panel request -> graph drawn, as the panel logs it (${own.detail})`,
      own.ms,
    );
    const drawn = (await vs.graphNodeTexts(frame)).join('\n');
    const absent = EGRESS_STAGES.filter((name) => !hasName(drawn, name));
    assert.deepEqual(absent, [], 'stages of the transmit path missing from the egress graph');
    const missing = egressCli.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
    assert.deepEqual(missing, [], 'functions of the CLI egress path missing from the panel');
  });

  ui(
    'with the editor split, the panel keeps one toolbar row, readable labels and its legend below the graph',
    async () => {
      // netdev.c on the left, the egress panel beside it: half the editor area.
      const frame = await vs.graphFrame('e1000e egress');
      // No named helpers inside evaluate: tsx wraps them in a __name() the page lacks.
      const layout = await frame.evaluate(() => {
        const bar = document.getElementById('np-toolbar');
        const centres = Array.from(bar?.children ?? [])
          .map((c) => c.getBoundingClientRect())
          .filter((r) => r.width > 0)
          .map((r) => r.top + r.height / 2);
        const svg = document.querySelector<SVGSVGElement>('#np-canvas svg');
        const scale = svg ? svg.getBoundingClientRect().width / svg.width.baseVal.value : 0;
        const sizes = Array.from(document.querySelectorAll('#np-canvas g.node .nodeLabel p')).map(
          (p) => parseFloat(getComputedStyle(p).fontSize) * scale,
        );
        const [first, viewport, legend] = [
          '#np-canvas g.node[data-np-node="n0"]',
          '#np-viewport',
          '.np-legend',
        ].map((sel) => {
          const r = document.querySelector(sel)?.getBoundingClientRect();
          return r && { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        });
        return {
          width: document.body.clientWidth,
          spread: Math.max(...centres) - Math.min(...centres),
          more: !(document.getElementById('np-more') as HTMLButtonElement | null)?.hidden,
          smallest: Math.min(...sizes),
          labels: sizes.length,
          first,
          viewport,
          legend,
        };
      });
      await vs.screenshot('egress-split-editor');
      log(`split panel: ${JSON.stringify(layout)}`);
      assert.ok(layout.width < 900, `the panel is ${layout.width} px wide: the editor is split`);
      assert.ok(layout.spread <= 2, `the toolbar wraps: items ${layout.spread} px apart`);
      assert.ok(layout.more, 'the tools that do not fit are in the More tools menu');
      assert.ok(layout.labels > 0 && layout.smallest >= 8.99, `labels of ${layout.smallest} px`);
      const { first, viewport, legend } = layout;
      assert.ok(first && viewport && legend);
      assert.ok(
        first.left >= viewport.left && first.right <= viewport.right,
        `the first function (${first.left}-${first.right}) is cut off in ${viewport.left}-${viewport.right}`,
      );
      assert.ok(legend.top >= viewport.bottom - 0.5, 'the legend covers the graph');
    },
  );

  ui('the egress graph draws the send system calls in a user-space lane above the others', () =>
    assertUserLaneOnTop(vs, 'e1000e egress', '__sys_sendto'),
  );

  it('the driver QuickPick offers the driver of the open file (e1000e for its netdev.c) first', () => {
    assert.ok(egressOffered.length > 0, 'the egress QuickPick was not seen');
    assert.equal(
      egressOffered[0],
      'e1000e',
      `first driver offered is ${egressOffered[0]}; then: ${egressOffered.slice(1, 6).join(', ')}`,
    );
  });

  ui('the Drivers view lists e1000e with its entry points', async () => {
    await vs.runCommand('NetPaths: Focus on Drivers View');
    const sidebar = vs.page.locator('#workbench\\.parts\\.sidebar');
    const row = sidebar
      .locator('.monaco-list-row')
      .filter({ has: vs.page.locator('.label-name', { hasText: /^e1000e$/ }) });
    await row.first().waitFor({ state: 'visible', timeout: 30_000 });
    await row.first().click();
    const poll = sidebar.locator('.monaco-list-row').filter({ hasText: 'e1000e_poll' });
    await poll.first().waitFor({ state: 'visible', timeout: 10_000 });
    await vs.screenshot('drivers-view');
    const rows = (await sidebar.locator('.monaco-list-row').allTextContents()).map((t) =>
      t.replace(/\s+/g, ' ').trim(),
    );
    log(`drivers view rows: ${rows.join(' | ')}`);
    assert.ok(
      rows.some((r) => r.startsWith('e1000e_poll') && r.includes('NAPI poll')),
      'e1000e_poll is not listed as the NAPI poll',
    );
    assert.ok(
      rows.some((r) => r.startsWith('e1000_xmit_frame')),
      'e1000_xmit_frame is not listed',
    );
  });

  scenario('reindex', async () => {
    const indexedLines = (): string[] =>
      vs
        .extensionLog(500)
        .split('\n')
        .filter((l) => /\] indexed /.test(l));
    const before = indexedLines().length;
    const started = Date.now();
    await vs.runCommand('NetPaths: Reindex');
    const line = await waitFor(
      'a second "indexed" line in the NetPaths log',
      () => indexedLines()[before],
      120_000,
      100,
    );
    timings.record(
      'reindex-warm',
      'NetPaths: Reindex with nothing changed -> index ready',
      Date.now() - started,
    );
    await vs.waitForStatusBar(/^NetPaths: [\d,.]+k? functions$/, 30_000);
    log(`reindex: ${line}`);
    assert.match(
      line,
      /\(0 parsed, \d+ from the cache\)/,
      `the warm reindex parsed files again: ${line}`,
    );
  });

  scenario('untouched', async () => {
    // Files created or modified in the tree since the tests started (the index lives in
    // the extension's workspace storage, the CLI's in a temp folder).
    const r = spawnSync('find', [kernel, '-newermt', startedAt.toISOString(), '-print', '-quit'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '', `the tests wrote into the kernel tree: ${r.stdout.trim()}`);
    return Promise.resolve();
  });

  it('ran every scenario test/electron runs too', () => {
    const absent = (Object.keys(SCENARIOS) as ScenarioId[]).filter((id) => !shared.has(id));
    assert.deepEqual(absent, []);
  });
});

describe('NetPaths in VS Code on a folder that is not a kernel tree', () => {
  let vs: VsCode;
  const ui = (name: string, body: () => Promise<void>): void => {
    it(name, () => vs.step(name, body));
  };
  const folder = tempDir('netpaths-e2e-not-a-kernel-');
  /** What the folder lacks, by the rule's paths and the files the test wrote. */
  const lacking = RULE.required.filter((path) => !(path in NOT_A_KERNEL_FILES));

  /** The notifications on screen now that speak of progress. */
  const progressShown = async (): Promise<string[]> =>
    (await vs.notifications()).filter((n) => /indexing/i.test(n));

  before(async () => {
    // A Kbuild file activates the extension, as in a kernel tree; nothing else is there.
    for (const [file, text] of Object.entries(NOT_A_KERNEL_FILES)) {
      mkdirSync(dirname(join(folder, file)), { recursive: true });
      writeFileSync(join(folder, file), text);
    }
    assert.ok(lacking.length > 0 && lacking.length < RULE.required.length);
    vs = await VsCode.start({ name: 'not-a-kernel', folder });
  });

  after(async () => {
    await vs?.close();
    removeTempDir(folder);
  });

  ui(NOT_A_KERNEL, async () => {
    // When the error shows, the "indexing the kernel" notification is already gone.
    const { message, progress } = await waitFor(
      'a NetPaths error notification',
      async () => {
        const shown = await vs.notifications();
        const error = shown.find((n) => /^NetPaths/.test(n) && /kernel tree/i.test(n));
        return error ? { message: error, progress: await progressShown() } : undefined;
      },
      60_000,
      100,
    );
    log(`message: ${message}`);
    await vs.screenshot('not-a-kernel');
    assert.deepEqual(progress, [], 'a progress notification is left beside the error');
    // It says exactly what is missing, and not what the folder has.
    const missing = `it has no ${lacking.join(' and no ')}`;
    assert.ok(message.includes(missing), `the message does not say "${missing}": ${message}`);
    for (const present of Object.keys(NOT_A_KERNEL_FILES))
      assert.ok(!message.includes(`no ${present}`), `the message says ${present} is missing`);
    // And it stays so: no progress comes back while the error is up.
    await sleep(3000);
    assert.deepEqual(await progressShown(), [], 'progress came back after the error');
    await vs.screenshot('not-a-kernel-later');
    // The status bar says something went wrong and offers to try again; no spinner is left.
    const status = (await vs.statusBarTexts()).filter((t) => /NetPaths/.test(t));
    assert.ok(status.length > 0, 'no NetPaths item in the status bar');
    assert.deepEqual(
      status.filter((t) => /indexing|%/.test(t)),
      [],
      `the status bar still shows progress`,
    );
  });

  ui(
    'the message speaks VS Code: the netpaths.kernelRoot setting, not command-line flags',
    async () => {
      const message = await waitFor(
        'the NetPaths error notification',
        async () => (await vs.notifications()).find((n) => /kernel tree/i.test(n)),
        30_000,
      );
      const buttons = await vs.page
        .locator('.notification-list-item .monaco-button')
        .allTextContents();
      assert.ok(
        buttons.some((b) => /kernel root/i.test(b)),
        `no button leads to the setting; buttons: ${buttons.join(', ')}`,
      );
      assert.doesNotMatch(
        message,
        /--kernel\b|NETPATHS_KERNEL/,
        'the notification gives command-line advice to a VS Code user',
      );
    },
  );

  ui('a command on it answers with the same message, not a stack trace', async () => {
    await vs.runCommand('Notifications: Clear All Notifications');
    await waitFor(
      'no notification on screen',
      async () => ((await vs.notifications())?.length === 0 ? true : undefined),
      10_000,
    );
    await vs.runCommand('NetPaths: Show Ingress Path…');
    // The progress notification ("indexing the kernel") shows first: wait for the one that
    // names the problem, and keep all the messages shown by then.
    const messages = await waitFor(
      'a message saying the folder is not a kernel tree',
      async () => {
        const all = (await vs.notifications()) ?? [];
        return all.some((m) => /kernel tree/i.test(m)) ? all : undefined;
      },
      30_000,
    ).catch(async () => (await vs.notifications()) ?? []);
    log(`messages: ${messages.join(' | ')}`);
    assert.ok(
      messages.some((m) => /kernel tree/i.test(m)),
      `no message says what is wrong: ${messages.join(' | ')}`,
    );
    assert.deepEqual(
      messages.filter((m) => /indexing/i.test(m)),
      [],
      'a progress notification is left beside the error',
    );
    await vs.screenshot('not-a-kernel-command');
    const frames = await vs.webviewFrames('#np-app');
    assert.equal(frames.length, 0, 'a graph panel opened on a folder that is not a kernel');
    for (const m of messages)
      assert.doesNotMatch(
        m,
        /\n\s+at |Error: |TypeError|undefined/,
        `a raw error reached the user: ${m}`,
      );
  });
});
