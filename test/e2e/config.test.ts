// End-to-end test of the kernel configuration in VS Code (code-server 4.100.3 with the
// packaged .vsix, on the Linux 6.12 tree and the e2e scope): Select Kernel Configuration…
// picks Debian's amd64 configuration from the installed linux-config-6.12 package, the
// status bar names it, a hover on a `CONFIG_` option in net/core/dev.c says its value, and
// a branch the configuration makes false is dimmed. The window opens a .code-workspace file
// outside the tree, so the setting the command writes never lands in the kernel tree.
// Expectations are read from the configuration file (xz -dc) and the source, never from
// NetPaths.
//
// Run: NETPATHS_KERNEL=$(bash scripts/kernel.sh) node --import tsx --test test/e2e/config.test.ts
// (screenshots in test-results/e2e/config-*.png).

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  E2E_SCOPE,
  VsCode,
  kernelRoot,
  log,
  packageExtension,
  removeTempDir,
  tempDir,
  waitFor,
} from './harness';

const DEBIAN_AMD64 = '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz';
const FILE = 'net/core/dev.c';
/** The first bytes of every .xz file: a file that has them and nothing valid after is damaged. */
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);

/** The options of a configuration file as it writes them: CONFIG_X -> value. */
function readOptions(path: string): Map<string, string> {
  const text = execFileSync('xz', ['-dc', path], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^(CONFIG_\w+)=(.*)$/gm)) out.set(m[1] as string, m[2] as string);
  return out;
}

/**
 * The first `#ifdef CONFIG_X` of `lines` (1-based line numbers) whose option satisfies
 * `want`, with the lines of its first branch when that branch holds no directive.
 */
function simpleIfdef(
  lines: string[],
  want: (option: string) => boolean,
): { line: number; option: string; body: [number, number] } | undefined {
  for (let i = 0; i < lines.length; i++) {
    const m = /^#ifdef (CONFIG_\w+)\s*$/.exec(lines[i] as string);
    if (!m || !want(m[1] as string)) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*#\s*(if|else|elif|endif)/.test(lines[j] as string)) j++;
    if (j - i < 2 || !/^#(endif|else)/.test(lines[j] ?? '')) continue;
    return { line: i + 1, option: m[1] as string, body: [i + 2, j] };
  }
  return undefined;
}

describe('NetPaths in VS Code: choosing a kernel configuration', () => {
  const kernel = kernelRoot();
  const dir = tempDir('netpaths-e2e-config-');
  const workspaceFile = join(dir, 'kernel.code-workspace');
  let vs: VsCode;
  const ui = (name: string, body: () => Promise<void>): void => {
    it(name, () => vs.step(name, body));
  };
  let options: Map<string, string>;
  const lines = readFileSync(join(kernel, FILE), 'utf8').split('\n');

  before(async () => {
    assert.ok(
      existsSync(DEBIAN_AMD64),
      `${DEBIAN_AMD64} is missing: apt-get install linux-config-6.12`,
    );
    options = readOptions(DEBIAN_AMD64);
    packageExtension();
    writeFileSync(workspaceFile, `${JSON.stringify({ folders: [{ path: kernel }] }, null, 2)}\n`);
    // The window must start from every configuration, whatever the environment says.
    delete process.env.NETPATHS_CONFIG;
    vs = await VsCode.start({
      name: 'config',
      folder: kernel,
      workspace: workspaceFile,
      settings: { 'netpaths.scope': E2E_SCOPE, 'netpaths.config': 'none' },
    });
  });

  after(async () => {
    await vs?.close();
    removeTempDir(dir);
  });

  ui('indexes every configuration first, with no configuration in the status bar', async () => {
    await vs.waitForStatusBar(/^NetPaths: [\d,.]+k? functions$/, 10 * 60_000);
  });

  ui(
    "Select Kernel Configuration… offers Debian's configurations and applies amd64's",
    async () => {
      await vs.runCommandForQuickPick(
        'NetPaths: Select Kernel Configuration…',
        'Select Kernel Configuration',
      );
      const labels = await vs.quickPickLabels();
      await vs.screenshot('select-kernel-configuration');
      for (const label of ['config.amd64_none_amd64.xz', 'Browse…', 'None (every configuration)'])
        assert.ok(labels.includes(label), `"${label}" is not offered: ${labels.join(' | ')}`);
      await vs.chooseQuickPickItem('config.amd64_none_amd64.xz', { exact: true });
      const picked = Date.now();
      const status = await vs.waitForStatusBar(
        /^NetPaths: [\d,.]+k? functions · config\.amd64_none_amd64$/,
        10 * 60_000,
      );
      log(`configuration applied and shown in ${((Date.now() - picked) / 1000).toFixed(1)} s`);
      await vs.screenshot('status-bar-amd64');
      assert.match(status, /config\.amd64_none_amd64/);
      // Written to the workspace (the .code-workspace file), not to the tree.
      const written = JSON.parse(readFileSync(workspaceFile, 'utf8')) as {
        settings?: Record<string, unknown>;
      };
      assert.equal(written.settings?.['netpaths.config'], DEBIAN_AMD64);
      assert.ok(!existsSync(join(kernel, '.vscode')), 'a .vscode folder was written into the tree');
      // The tooltip names the file and how many options it sets.
      const item = vs.page
        .locator('#workbench\\.parts\\.statusbar .statusbar-item')
        .filter({ hasText: 'config.amd64_none_amd64' });
      await item.first().hover();
      const tooltip = vs.page
        .locator('.workbench-hover, .monaco-hover')
        .filter({ hasText: 'options set' });
      await tooltip.first().waitFor({ state: 'visible', timeout: 15_000 });
      await vs.screenshot('status-bar-tooltip');
      const text = ((await tooltip.first().textContent()) ?? '').replace(/\s+/g, ' ');
      assert.ok(text.includes(DEBIAN_AMD64), `the tooltip does not name the file: ${text}`);
      assert.ok(
        text.includes(`${options.size.toLocaleString('en-US')} options set`),
        `the tooltip does not count ${options.size} options: ${text}`,
      );
      await vs.page.mouse.move(5, 500);
    },
  );

  ui('a hover on CONFIG_ in net/core/dev.c says its value in the configuration', async () => {
    const on = simpleIfdef(lines, (o) => options.get(o) === 'y');
    assert.ok(on, `no #ifdef CONFIG_X with X=y in ${FILE}`);
    await vs.openFile(FILE, on.line);
    await vs.page.mouse.move(5, 500);
    const at = await vs.wordCentre(on.line, `#ifdef ${on.option}`, on.option);
    const hover = vs.page.locator('.monaco-hover').filter({ hasText: `${on.option} = y` });
    await vs.page.mouse.move(at.x, at.y, { steps: 2 });
    await hover.first().waitFor({ state: 'visible', timeout: 15_000 });
    await vs.screenshot('hover-config-option');
    const text = ((await hover.first().textContent()) ?? '').replace(/\s+/g, ' ');
    assert.ok(text.includes(`${on.option} = y (built in) in config.amd64_none_amd64.xz`), text);
    assert.match(text, /Kconfig: .*declared in/, `the hover does not cite Kconfig: ${text}`);
    // No other hover takes the option for a function of the packet path.
    assert.ok(!text.includes(`${on.option}()`), `the option is hovered as a function: ${text}`);
    await vs.page.mouse.move(5, 500);
  });

  ui(
    'dims the branch of an #ifdef the configuration leaves out, and not the code around it',
    async () => {
      const off = simpleIfdef(lines, (o) => !options.has(o));
      assert.ok(off, `no #ifdef CONFIG_X with X not set in ${FILE}`);
      const [first, last] = off.body;
      await vs.goToLine(first);
      await vs.page.mouse.move(5, 500);
      // Opacity of the text of a line, as drawn: the decoration's class sets it on each token.
      const opacity = (line: number): Promise<number | string> =>
        vs.page.evaluate((line) => {
          const editor = document.querySelector('.editor-group-container.active .monaco-editor');
          const number = Array.from(
            editor?.querySelectorAll('.margin-view-overlays .line-numbers') ?? [],
          ).find((n) => n.textContent?.trim() === String(line));
          if (!editor || !number) return `line ${line} is not on screen`;
          const top = number.getBoundingClientRect().top;
          const view = Array.from(editor.querySelectorAll('.view-lines .view-line')).find(
            (l) => Math.abs(l.getBoundingClientRect().top - top) < 2,
          );
          if (!view) return `no view line at line ${line}`;
          const spans = Array.from(view.querySelectorAll('span span')).filter(
            (s) => (s.textContent ?? '').trim() !== '',
          );
          if (spans.length === 0) return `line ${line} has no text`;
          return Math.max(...spans.map((s) => Number(getComputedStyle(s).opacity)));
        }, line);
      const dimmed = await waitFor(
        `line ${first} (inside #ifdef ${off.option}) to be dimmed`,
        async () => {
          const o = await opacity(first);
          return typeof o === 'number' && o < 0.9 ? o : undefined;
        },
        60_000,
      );
      await vs.screenshot('dimmed-ifdef');
      assert.ok(dimmed < 0.9);
      // The branch's last line too (a long branch: scrolled to it first).
      await vs.goToLine(last);
      const lastOpacity = await opacity(last);
      assert.ok(
        typeof lastOpacity === 'number' && lastOpacity < 0.9,
        `line ${last}: ${lastOpacity}`,
      );
      // The directive itself is code of this kernel.
      await vs.goToLine(off.line);
      assert.equal(await opacity(off.line), 1, `the #ifdef line ${off.line} is dimmed`);
    },
  );

  ui(
    'a damaged configuration file is one error line, and every configuration is drawn',
    async () => {
      // The workspace file holds the setting: edited as a user edits it, VS Code applies it.
      const broken = join(dir, 'broken-config.xz');
      writeFileSync(broken, Buffer.concat([XZ_MAGIC, Buffer.from('not xz data at all')]));
      const workspace = JSON.parse(readFileSync(workspaceFile, 'utf8')) as {
        settings?: Record<string, unknown>;
      };
      workspace.settings = { ...workspace.settings, 'netpaths.config': broken };
      writeFileSync(workspaceFile, `${JSON.stringify(workspace, null, 2)}\n`);
      const error = await waitFor(
        'the error about the damaged file',
        async () => (await vs.notifications()).find((n) => n.includes('broken-config.xz')),
        5 * 60_000,
      );
      await vs.screenshot('damaged-configuration');
      assert.match(
        error,
        /broken-config\.xz is a damaged \.xz file .*; drawing every configuration\./,
      );
      assert.ok(!error.includes('\n'), error);
      await vs.waitForStatusBar(/^NetPaths: [\d,.]+k? functions · configuration$/, 60_000);
    },
  );
});
