// End-to-end tests of the features extension.test.ts leaves out, in the same real VS Code
// (code-server 4.100.3 with the packaged .vsix) on the same Linux 6.12 tree and scope:
// the panel's − and + buttons, Export Diagram through VS Code's own save dialog, the call
// hierarchy through function pointers, Show Callers Of Here at the cursor, a function's
// drop points opened from its badge, and a window reload that brings the graph panels back
// from their saved queries. One window for the whole file; the tests run in order and
// build on each other (the ingress panel first).
// Expectations come from the CLI on the same tree and scope, never from hard-coded lines.
//
// Run: NETPATHS_KERNEL=$(bash scripts/kernel.sh) npm run test:e2e (screenshots in test-results/e2e/features-*.png).

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { GraphJson } from '../../src/analysis/graph-json';
import {
  E2E_SCOPE,
  FinalError,
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

/** The definition of a function according to the CLI. */
interface Where {
  nodes: { id: string; name: string; file: string; line: number }[];
}

/** Whether `name` occurs in `text` as a whole C identifier. */
function hasName(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(text);
}

/** What the graph webview shows right now: its drawing state, depth readout and node count. */
interface GraphView {
  state: string;
  depth: string;
  nodes: number;
  lessDisabled: boolean;
  moreDisabled: boolean;
}

async function graphView(frame: Frame): Promise<GraphView> {
  return frame.evaluate(() => ({
    state: document.getElementById('np-app')?.dataset.state ?? '',
    depth: document.getElementById('np-depth')?.textContent?.trim() ?? '',
    nodes: document.querySelectorAll('#np-canvas svg g.node').length,
    lessDisabled:
      (document.getElementById('np-depth-less') as HTMLButtonElement | null)?.disabled ?? false,
    moreDisabled:
      (document.getElementById('np-depth-more') as HTMLButtonElement | null)?.disabled ?? false,
  }));
}

/** Waits until the panel has redrawn at `depth` with `nodes` nodes; fails at once on too-large or error. */
async function waitForDepth(frame: Frame, depth: number, nodes: number): Promise<GraphView> {
  return waitFor(
    `the panel drawn at depth ${depth} with ${nodes} functions`,
    async () => {
      const v = await graphView(frame);
      if (v.state === 'too-large' || v.state === 'error')
        throw new FinalError(`the panel shows ${v.state} at ${v.depth}`);
      // The − and + buttons follow the depth too (− is disabled at 1, the least).
      return v.state === 'drawn' &&
        v.depth === `depth ${depth}` &&
        v.nodes === nodes &&
        v.lessDisabled === depth <= 1
        ? v
        : undefined;
    },
    120_000,
    100,
  );
}

describe('NetPaths in VS Code: depth, export, call hierarchy, callers, reload', () => {
  const kernel = kernelRoot();
  const cacheDir = tempDir('netpaths-e2e-cli-');
  const exportDir = tempDir('netpaths-e2e-export-');
  const netdev = 'drivers/net/ethernet/intel/e1000e/netdev.c';
  let vs: VsCode;
  /** A test of the UI: a failure comes with a screenshot and the end of NetPaths' log. */
  const ui = (name: string, body: () => Promise<void>): void => {
    it(name, () => vs.step(name, body));
  };
  let ingress1: GraphJson;
  let ingress2: GraphJson;
  let callersCli: GraphJson;
  let calleesCli: GraphJson;
  let poll: Where['nodes'][number];

  before(async () => {
    packageExtension();
    // The CLI's answers on the same tree and scope (its own index, outside the tree).
    ingress1 = cliJson<GraphJson>(['ingress', '--driver', 'e1000e', '--depth', '1'], cacheDir);
    ingress2 = cliJson<GraphJson>(['ingress', '--driver', 'e1000e', '--depth', '2'], cacheDir);
    const where = cliJson<Where>(['where', `${netdev}:e1000e_poll`], cacheDir);
    assert.ok(where.nodes[0], 'the CLI does not know e1000e_poll');
    poll = where.nodes[0];
    callersCli = cliJson<GraphJson>(['callers', poll.id, '--depth', '1'], cacheDir);
    calleesCli = cliJson<GraphJson>(['callees', poll.id, '--depth', '1'], cacheDir);
    assert.ok(
      ingress2.nodes.length > ingress1.nodes.length,
      'the CLI draws no more at depth 2 than at depth 1: the depth test would prove nothing',
    );
    assert.ok(
      callersCli.nodes.some((n) => n.name === '__napi_poll'),
      `the CLI does not list __napi_poll among e1000e_poll's callers: ${callersCli.nodes.map((n) => n.name).join(', ')}`,
    );
    vs = await VsCode.start({
      name: 'features',
      folder: kernel,
      settings: { 'netpaths.scope': E2E_SCOPE, 'netpaths.callHierarchy.enabled': true },
    });
  });

  after(async () => {
    await vs?.close();
    removeTempDir(cacheDir);
    removeTempDir(exportDir);
  });

  ui('indexes the tree and draws the e1000e ingress panel at depth 1', async () => {
    await vs.waitForStatusBar(/^NetPaths: [\d,.]+k? functions$/, 10 * 60_000);
    await vs.runCommandForQuickPick('NetPaths: Show Ingress Path…', 'Show Ingress Path');
    await vs.typeInQuickInput('e1000e');
    await vs.chooseQuickPickItem('e1000e', { exact: true });
    const frame = await vs.graphFrame('e1000e ingress', 120_000);
    const v = await waitForDepth(frame, 1, ingress1.nodes.length);
    await vs.screenshot('ingress-depth-1');
    assert.ok(v.lessDisabled, '− is enabled at depth 1, the least there is');
    assert.ok(!v.moreDisabled, '+ is disabled at depth 1');
  });

  ui(
    "+ redraws the ingress path one level deeper (depth 2, the CLI's nodes); − brings back depth 1",
    async () => {
      const frame = await vs.graphFrame('e1000e ingress');
      const before = await graphView(frame);
      assert.equal(before.depth, 'depth 1');
      assert.equal(before.nodes, ingress1.nodes.length);

      await frame.locator('#np-depth-more').click();
      const deeper = await waitForDepth(frame, 2, ingress2.nodes.length);
      await vs.screenshot('ingress-depth-2');
      assert.ok(
        deeper.nodes > before.nodes,
        `depth 2 draws ${deeper.nodes} functions, depth 1 drew ${before.nodes}`,
      );
      const drawn = (await vs.graphNodeTexts(frame)).join('\n');
      const missing = ingress2.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
      assert.deepEqual(
        missing,
        [],
        'functions of the CLI depth-2 ingress path missing from the panel',
      );

      await frame.locator('#np-depth-less').click();
      const back = await waitForDepth(frame, 1, ingress1.nodes.length);
      await vs.screenshot('ingress-depth-1-again');
      assert.equal(back.nodes, before.nodes);
    },
  );

  ui(
    "ip_rcv_core's drop badge lists its drop points; a drop's link opens its line (read from the source)",
    async () => {
      const core = ingress1.nodes.find((n) => n.name === 'ip_rcv_core');
      const drops = core?.drops ?? [];
      assert.ok(core && drops.length > 1, 'the CLI gives ip_rcv_core no drop points');
      const frame = await vs.graphFrame('e1000e ingress');
      // The search box centres the match, so the badge is on screen for a real mouse click.
      const search = frame.locator('#np-search');
      await search.fill('ip_rcv_core');
      await search.press('Enter');
      await sleep(300); // the pan to the match is applied on the next animation frame
      const badge = frame.locator(`#np-canvas .np-drop-badge[data-node="${core.id}"]`);
      await badge.waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal((await badge.textContent())?.trim(), `⊘ ${drops.length} drops`);
      await badge.click();
      await frame.locator('#np-drops').waitFor({ state: 'visible', timeout: 10_000 });
      const items = frame.locator('#np-drops-list > li');
      assert.equal(await items.count(), drops.length);
      const reasons = await items.locator('.np-drop-reason').allTextContents();
      assert.deepEqual(
        reasons,
        drops.map((p) => (p.known ? p.reason : 'reason not told')),
      );
      await vs.screenshot('drops-ip_rcv_core');

      // A drop reached by a jump to the drop label: its line is that `goto`, in the tree.
      const index = drops.findIndex((p) => p.how.startsWith('goto '));
      const point = drops[index];
      assert.ok(point, `no drop of ip_rcv_core is a goto: ${drops.map((p) => p.how).join('; ')}`);
      const label = /^goto (\w+):/.exec(point.how)?.[1] ?? '';
      const source = readFileSync(join(kernel, point.file), 'utf8').split('\n');
      assert.match(source[point.line - 1] ?? '', new RegExp(`\\bgoto\\s+${label}\\s*;`));
      await items.nth(index).locator('.np-drop-link').click();
      const cursor = await vs.editorOpenedAt(point.file.split('/').pop() ?? '');
      await vs.screenshot('drops-line-in-editor');
      assert.equal(cursor.line, point.line, `the editor opened line ${cursor.line}`);

      // Back in the panel, Escape closes the list; the search is cleared for the next tests.
      await vs.page.locator('.part.editor .tab', { hasText: 'e1000e ingress' }).first().click();
      await frame.locator('#np-drops-close').waitFor({ state: 'visible' });
      await frame.locator('#np-drops-list .np-drop-link').first().focus();
      await frame.locator('#np-drops-list .np-drop-link').first().press('Escape');
      await frame.locator('#np-drops').waitFor({ state: 'hidden', timeout: 10_000 });
      await search.fill('');
    },
  );

  ui(
    'Export Diagram… as Markdown writes a ```mermaid block and the source links, through the save dialog',
    async () => {
      const target = join(exportDir, 'e1000e-ingress.md');
      // The panel must be the active editor: Export Diagram exports the panel used last.
      await vs.showWebviewTab('e1000e ingress');
      await vs.runCommandForQuickPick('NetPaths: Export Diagram…', 'Export e1000e ingress');
      await vs.screenshot('export-format-pick');
      await vs.chooseQuickPickItem('Markdown', { exact: true });

      // code-server has no native dialog: showSaveDialog is VS Code's simple file dialog, a
      // quick input holding a path (the default: the workspace folder and the panel's name).
      const input = vs.quickInput().locator('input');
      const offered = await waitFor(
        'the save dialog with its default path',
        async () => {
          if (!(await vs.quickInput().isVisible())) return undefined;
          const value = await input.inputValue({ timeout: 1000 });
          return value.endsWith('.md') ? value : undefined;
        },
        30_000,
      );
      log(`save dialog offered ${offered}`);
      await vs.screenshot('export-save-dialog');
      assert.equal(
        offered,
        join(kernel, 'e1000e-ingress.md'),
        "the save dialog does not offer the panel's name in the workspace folder",
      );
      // The folder first, ending in "/": the dialog lists it (and then stops completing the
      // old folder's names); then the file name, and Enter.
      await input.fill(`${exportDir}/`);
      await waitFor(
        `the save dialog listing ${exportDir}`,
        async () => {
          const rows = await vs.quickInput().locator('.monaco-list-row').allTextContents();
          return rows.some((r) => r.includes('..')) &&
            (await input.inputValue()) === `${exportDir}/`
            ? true
            : undefined;
        },
        15_000,
      );
      await input.press('End');
      await input.pressSequentially('e1000e-ingress.md', { delay: 20 });
      await waitFor(
        `the path ${target} in the save dialog`,
        async () => ((await input.inputValue()) === target ? true : undefined),
        10_000,
      );
      await vs.screenshot('export-save-dialog-path');
      await input.press('Enter');

      await waitFor(
        `${target} to be written`,
        () => (existsSync(target) ? true : undefined),
        30_000,
      );
      const note = await waitFor(
        'the "exported" notification',
        async () => (await vs.notifications()).find((n) => /exported e1000e ingress/.test(n)),
        15_000,
      );
      await vs.screenshot('export-done');
      log(`notification: ${note}`);
      const text = readFileSync(target, 'utf8');
      const fence = /^```mermaid\n([\s\S]*?)\n```$/m.exec(text);
      assert.ok(fence?.[1], `no \`\`\`mermaid block in ${target}:\n${text.slice(0, 400)}`);
      assert.match(
        fence[1],
        /^(---\n[\s\S]*?\n---\n)?flowchart (TD|LR)/,
        'the block is not a Mermaid flowchart',
      );
      const missing = ingress1.nodes
        .map((n) => n.name)
        .filter((name) => !hasName(fence[1] ?? '', name));
      assert.deepEqual(
        missing,
        [],
        'functions of the ingress path missing from the exported diagram',
      );
      // After the block, the source list: `- [name](<href>) file:line`, one per function
      // drawn, linking to its definition (`path#Lline` by default). Markdown escapes `_`.
      const after = text.slice((fence.index ?? 0) + fence[0].length);
      assert.match(
        after,
        new RegExp(`<summary>Source lines \\(${ingress1.nodes.length} functions\\)</summary>`),
        `no summary of ${ingress1.nodes.length} source lines:\n${after.slice(0, 300)}`,
      );
      const hrefs = new Map<string, string>();
      for (const m of after.matchAll(/^- \[(.+?)\]\(<([^>]+)>\) (\S+)$/gm))
        hrefs.set((m[1] ?? '').replace(/\\(.)/g, '$1'), m[2] ?? '');
      const unlinked = ingress1.nodes.map((n) => n.name).filter((name) => !hrefs.has(name));
      assert.deepEqual(
        unlinked,
        [],
        `functions without a line in the source list (it has ${hrefs.size})`,
      );
      assert.equal(
        hrefs.get('e1000e_poll'),
        `${poll.file}#L${poll.line}`,
        "e1000e_poll's link is not its definition",
      );
    },
  );

  ui(
    'the call hierarchy of e1000e_poll goes through function pointers: clean_rx out, __napi_poll in',
    async () => {
      const source = readFileSync(join(kernel, poll.file), 'utf8').split('\n')[poll.line - 1] ?? '';
      const column = source.search(/\be1000e_poll\b/) + 1;
      assert.ok(
        column > 0,
        `line ${poll.line} of ${poll.file} does not name e1000e_poll: ${source}`,
      );
      await vs.openFile(poll.file, poll.line);
      await vs.goToLine(poll.line, column + 2);
      // "Calls: Show Incoming Calls" alone only switches the direction of a call hierarchy
      // already in the References view (VS Code's references-view does nothing without one),
      // so first Show Call Hierarchy, then each direction.
      await vs.runCommand('Calls: Show Call Hierarchy');
      // Its results, not only its root: the direction commands are enabled once it has them.
      await callTree(/Callers Of/, '__napi_poll');
      await vs.runCommand('Calls: Show Outgoing Calls');
      const out = await callTree(/Calls From/, 'e1000_clean_rx_irq');
      await vs.screenshot('outgoing-calls-e1000e_poll');
      log(`outgoing: ${out.map((r) => r.text).join(' | ')}`);
      assert.equal(
        out[0]?.name,
        'e1000e_poll',
        `the tree's root is not e1000e_poll: ${out[0]?.text ?? 'no rows'}`,
      );
      const callees = calleesCli.nodes.filter((n) => n.id !== poll.id).map((n) => n.name);
      assert.ok(callees.includes('e1000_clean_rx_irq'), `the CLI's callees: ${callees.join(', ')}`);
      const absentOut = callees.filter((c) => !out.some((r) => r.name === c));
      assert.deepEqual(
        absentOut,
        [],
        `callees the CLI knows missing from the call hierarchy (rows: ${out.map((r) => r.name).join(', ')})`,
      );
      // adapter->clean_rx(...) is a function pointer: the row says through what.
      const cleanRx = out.find((r) => r.name === 'e1000_clean_rx_irq');
      assert.match(
        cleanRx?.text ?? '',
        /via .*clean_rx/,
        'the e1000_clean_rx_irq row does not say it is called through clean_rx',
      );

      await vs.runCommand('Calls: Show Incoming Calls');
      const rows = await callTree(/Callers Of/, '__napi_poll');
      await vs.screenshot('incoming-calls-e1000e_poll');
      log(`incoming: ${rows.map((r) => r.text).join(' | ')}`);
      assert.equal(
        rows[0]?.name,
        'e1000e_poll',
        `the tree's root is not e1000e_poll: ${rows[0]?.text ?? 'no rows'}`,
      );
      const callers = callersCli.nodes.filter((n) => n.id !== poll.id).map((n) => n.name);
      assert.ok(callers.length > 0, 'the CLI lists no caller of e1000e_poll');
      const absent = callers.filter((c) => !rows.some((r) => r.name === c));
      assert.deepEqual(
        absent,
        [],
        `callers the CLI knows missing from the call hierarchy (rows: ${rows.map((r) => r.name).join(', ')})`,
      );
      // __napi_poll calls it only through napi_struct.poll, and no C/C++ extension is
      // installed: NetPaths' provider is the one that answered, and says so.
      const napiPoll = rows.find((r) => r.name === '__napi_poll');
      assert.match(
        napiPoll?.text ?? '',
        /via napi_struct\.poll\b/,
        'the __napi_poll row does not say it calls through napi_struct.poll',
      );
    },
  );

  /** The References view's heading and rows once it shows `heading` and a row named `row`. */
  async function callTree(heading: RegExp, row: string): Promise<{ name: string; text: string }[]> {
    const sidebar = vs.page.locator('#workbench\\.parts\\.sidebar');
    return waitFor(
      `the References view "${String(heading)}" with ${row}`,
      async () => {
        const title =
          (await sidebar.locator('.composite.title').first().textContent({ timeout: 1000 })) ?? '';
        if (!heading.test(title)) return undefined;
        const rows = await sidebar.locator('.monaco-list-row').evaluateAll((els) =>
          els.map((e) => ({
            name: e.querySelector('.label-name')?.textContent?.trim() ?? '',
            text: (e.textContent ?? '').replace(/\s+/g, ' ').trim(),
          })),
        );
        return rows.some((r) => r.name === row) ? rows : undefined;
      },
      30_000,
    );
  }

  ui(
    'Show Callers Of Here with the cursor inside e1000e_poll opens "callers of e1000e_poll" with __napi_poll',
    async () => {
      const lines = readFileSync(join(kernel, poll.file), 'utf8').split('\n');
      // A line of the body, a few lines down, that names no other function definition.
      const bodyLine = lines.findIndex((l, i) => i >= poll.line && /clean_rx\(/.test(l)) + 1;
      assert.ok(
        bodyLine > poll.line && bodyLine < poll.line + 40,
        `no clean_rx( line in e1000e_poll's body (found ${bodyLine})`,
      );
      await vs.openFile(poll.file, bodyLine);
      await vs.screenshot('cursor-in-e1000e_poll');
      await vs.runCommand('NetPaths: Show Callers Of Here');
      const frame = await vs.graphFrame('callers of e1000e_poll', 120_000);
      await vs.screenshot('callers-of-e1000e_poll');
      const texts = await vs.graphNodeTexts(frame);
      const drawn = texts.join('\n');
      assert.ok(
        hasName(drawn, '__napi_poll'),
        `__napi_poll is not drawn among the callers: ${texts.join(' | ')}`,
      );
      const missing = callersCli.nodes.map((n) => n.name).filter((name) => !hasName(drawn, name));
      assert.deepEqual(missing, [], 'functions of the CLI callers graph missing from the panel');
      assert.equal(
        texts.length,
        callersCli.nodes.length,
        'the panel draws as many nodes as the CLI callers graph has',
      );
      const tabs = await vs.page.locator('.part.editor .tab .label-name').allTextContents();
      assert.ok(
        tabs.includes('callers of e1000e_poll'),
        `no "callers of e1000e_poll" tab; tabs: ${tabs.join(', ')}`,
      );
    },
  );

  ui(
    'Developer: Reload Window brings back the graph panels, redrawn from their saved queries',
    async () => {
      // Both panels have drawn (and so saved their queries) before the reload.
      await vs.page.locator('.part.editor .tab', { hasText: 'e1000e ingress' }).first().click();
      const before = await graphView(await vs.graphFrame('e1000e ingress'));
      await sleep(1000); // the webview saves its state 150 ms after a change
      await vs.reloadWindow();
      await vs.screenshot('after-reload');
      const tabs = await waitFor(
        'the graph panel tabs after the reload',
        async () => {
          const labels = (
            await vs.page.locator('.part.editor .tab .label-name').allTextContents()
          ).map((t) => t.trim());
          return labels.includes('e1000e ingress') && labels.includes('callers of e1000e_poll')
            ? labels
            : undefined;
        },
        60_000,
      );
      log(`tabs after reload: ${tabs.join(', ')}`);
      // A hidden webview is revived when it is shown: click each tab.
      await vs.page.locator('.part.editor .tab', { hasText: 'e1000e ingress' }).first().click();
      const frame = await vs.graphFrame('e1000e ingress', 180_000);
      // The same query: the same depth and as many functions as before the reload.
      const v = await waitForDepth(frame, Number(before.depth.replace(/\D/g, '')), before.nodes);
      await vs.screenshot('ingress-after-reload');
      assert.equal(v.depth, before.depth);
      const drawn = (await vs.graphNodeTexts(frame)).join('\n');
      assert.ok(
        hasName(drawn, 'e1000e_poll'),
        'the restored ingress panel does not draw e1000e_poll',
      );

      await vs.page
        .locator('.part.editor .tab', { hasText: 'callers of e1000e_poll' })
        .first()
        .click();
      const callers = await vs.graphFrame('callers of e1000e_poll', 60_000);
      await vs.screenshot('callers-after-reload');
      const callerTexts = await vs.graphNodeTexts(callers);
      assert.ok(
        hasName(callerTexts.join('\n'), '__napi_poll'),
        'the restored callers panel does not draw __napi_poll',
      );
      assert.equal(
        callerTexts.length,
        callersCli.nodes.length,
        'the restored callers panel draws a different graph',
      );
    },
  );
});
