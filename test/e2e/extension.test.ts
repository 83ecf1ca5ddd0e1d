// End-to-end tests: the packaged extension in a real VS Code (code-server 4.100.3, VS Code
// 1.100.3) on the real Linux 6.12 tree, driven through its UI as a person would: the
// palette, QuickPicks, a click on a graph node, a mouse hover, the side bar. Expectations
// come from the CLI on the same tree and scope, never from hard-coded line numbers.
//
// Run: NETPATHS_KERNEL=$(bash scripts/kernel.sh) NETPATHS_CODE_SERVER=$(bash scripts/setup-code-server.sh) npm run test:e2e
// Screenshots of every step and timings.json land in test-results/e2e/.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import {
  E2E_SCOPE,
  FinalError,
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

const timings = new Timings();
after(() => {
  const file = timings.write();
  log(`timings written to ${file}`);
});

/** The definition of a function according to the CLI. */
interface Where {
  nodes: { name: string; file: string; line: number }[];
}

interface Explanation {
  title: string;
  kernelDoc?: string;
  topic: string;
}

/** Whether `name` occurs in `text` as a whole C identifier. */
function hasName(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(text);
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

/** The first line of `file` (1-based) that uses `skb->data` in code, not in a comment. */
function firstUse(file: string, needle: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const index = lines.findIndex((l) => l.includes(needle) && !/^\s*(\*|\/\*|\/\/)/.test(l));
  assert.ok(index >= 0, `${needle} does not occur in ${file}`);
  return index + 1;
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

  ui(
    'indexes the tree when it opens, showing progress, then the status bar says how many functions',
    async () => {
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
    },
  );

  ui('Show Ingress Path… draws the e1000e receive path the CLI computes', async () => {
    await vs.runCommand('NetPaths: Show Ingress Path…');
    await vs.waitForQuickPick('Show Ingress Path');
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
      const absent = [
        'e1000e_poll',
        'napi_gro_receive',
        '__netif_receive_skb_core',
        'tcp_v4_rcv',
      ].filter((name) => !hasName(drawn, name));
      // Linux 6.12 delivers GRO's batches as lists: IPv4 is entered by ip_list_rcv (which
      // runs ip_rcv_core per packet), not by ip_rcv, on this path.
      if (!hasName(drawn, 'ip_rcv') && !hasName(drawn, 'ip_list_rcv'))
        absent.push('ip_rcv or ip_list_rcv');
      assert.deepEqual(absent, [], 'stages of the receive path missing from the ingress graph');
    },
  );

  ui('clicking the e1000e_poll node opens netdev.c at its definition', async () => {
    const where = cliJson<Where>(
      ['where', 'drivers/net/ethernet/intel/e1000e/netdev.c:e1000e_poll'],
      cacheDir,
    );
    const def = where.nodes[0];
    assert.ok(def, 'the CLI does not know e1000e_poll');
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
    await waitFor(
      'netdev.c to be the active editor',
      async () => ((await vs.activeTabLabel()) === 'netdev.c' ? true : undefined),
      30_000,
      50,
    );
    const cursor = await waitFor(
      `the cursor on line ${def.line}`,
      async () => {
        const c = await vs.cursor();
        return c?.line === def.line ? c : undefined;
      },
      10_000,
      50,
    );
    timings.record(
      'open-node',
      'click a graph node -> its definition in the editor',
      Date.now() - clicked,
    );
    await vs.screenshot('netdev-c-at-e1000e_poll');
    assert.equal(cursor.line, def.line);
    // The line the cursor is on names the function.
    const lineText = readFileSync(join(kernel, def.file), 'utf8').split('\n')[def.line - 1] ?? '';
    assert.match(lineText, /\be1000e_poll\b/);
  });

  ui('hovering skb->data in net/core/dev.c explains the field with its kernel-doc', async () => {
    const explanation = cliJson<Explanation>(['explain', 'skb->data'], cacheDir);
    assert.ok(explanation.kernelDoc, 'the CLI has no kernel-doc for skb->data');
    const file = 'net/core/dev.c';
    const line = firstUse(join(kernel, file), 'skb->data');
    await vs.openFile(file, line);
    // Move the mouse away first, so reaching the word is a real mouse move.
    await vs.page.mouse.move(5, 500);
    const at = await vs.wordCentre(line, 'skb->data', 'data');
    const hover = vs.page.locator('.monaco-hover').filter({ hasText: explanation.kernelDoc });
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
    assert.ok(
      text.includes(explanation.kernelDoc),
      `the hover lacks the kernel-doc "${explanation.kernelDoc}": ${text}`,
    );
    assert.match(text, /sk_buff|skb->data/, `the hover does not say which struct: ${text}`);
    await vs.page.mouse.move(5, 500);
  });

  /** The drivers Show Egress Path offered while netdev.c was open, first first. */
  let egressOffered: string[] = [];

  ui('Show Egress Path… draws the e1000e transmit path the CLI computes', async () => {
    await vs.openFile('drivers/net/ethernet/intel/e1000e/netdev.c');
    await vs.runCommand('NetPaths: Show Egress Path…');
    await vs.waitForQuickPick('Show Egress Path');
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
    const absent = [
      'tcp_sendmsg',
      'ip_queue_xmit',
      '__dev_queue_xmit',
      'dev_hard_start_xmit',
      'e1000_xmit_frame',
    ].filter((name) => !hasName(drawn, name));
    assert.deepEqual(absent, [], 'stages of the transmit path missing from the egress graph');
    const missing = egressCli.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
    assert.deepEqual(missing, [], 'functions of the CLI egress path missing from the panel');
  });

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

  ui(
    'Reindex refreshes from the cache in the extension storage (nothing changed: nothing parsed)',
    async () => {
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
    },
  );

  it('leaves the kernel tree untouched', () => {
    // Files created or modified in the tree since the tests started (the index lives in
    // the extension's workspace storage, the CLI's in a temp folder).
    const r = spawnSync('find', [kernel, '-newermt', startedAt.toISOString(), '-print', '-quit'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), '', `the tests wrote into the kernel tree: ${r.stdout.trim()}`);
  });
});

describe('NetPaths in VS Code on a folder that is not a kernel tree', () => {
  let vs: VsCode;
  const ui = (name: string, body: () => Promise<void>): void => {
    it(name, () => vs.step(name, body));
  };
  const folder = tempDir('netpaths-e2e-not-a-kernel-');

  before(async () => {
    // A Kbuild file activates the extension, as in a kernel tree; nothing else is there.
    writeFileSync(join(folder, 'Kbuild'), 'obj-y += hello.o\n');
    mkdirSync(join(folder, 'src'));
    writeFileSync(join(folder, 'src', 'hello.c'), 'int main(void) { return 0; }\n');
    vs = await VsCode.start({ name: 'not-a-kernel', folder });
  });

  after(async () => {
    await vs?.close();
    removeTempDir(folder);
  });

  ui('says in one clear message that the folder is not a kernel tree', async () => {
    const message = await waitFor(
      'a NetPaths error notification',
      async () =>
        (await vs.notifications())?.find((n) => /^NetPaths/.test(n) && /kernel tree/i.test(n)),
      60_000,
      250,
    );
    log(`message: ${message}`);
    // The progress notification goes once indexing has failed.
    await waitFor(
      'the progress notification to close',
      async () => ((await vs.notifications()).some((n) => /indexing/.test(n)) ? undefined : true),
      15_000,
    );
    await vs.screenshot('not-a-kernel');
    assert.match(
      message,
      /not look like a Linux kernel tree|not a kernel tree|needs a kernel tree/i,
    );
    // The status bar says something went wrong and offers to try again; no spinner is left.
    const status = (await vs.statusBarTexts()).filter((t) => /NetPaths/.test(t));
    assert.ok(
      status.every((t) => !/indexing|%/.test(t)),
      `the status bar still shows progress: ${status.join(', ')}`,
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
    // The progress notification ("indexing the kernel") may show first: wait for the one
    // that names the problem, and keep all the messages shown by then.
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
