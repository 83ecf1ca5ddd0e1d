// Runs inside desktop VS Code's extension host (loaded by @vscode/test-electron through
// test/electron/run.ts; scripts/build.mjs compiles it into out/electron-suite). It runs the
// scenarios of the code-server suite (test/e2e/scenarios.ts) through the VS Code API where
// that suite clicks and types, with the same checks, plus the manifest's contract. A plain
// runner, no mocha: each check is a function, every result is printed, and `run` rejects
// when one failed, which makes VS Code exit non-zero.
//
// The session (NETPATHS_ELECTRON_SESSION) is `kernel`, VS Code opened on $NETPATHS_KERNEL with
// the e2e scope, or `not-a-kernel`, opened on a folder holding NOT_A_KERNEL_FILES.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import RULE from '../../src/analysis/index/kernel-tree.json';
import type { GraphJson } from '../../src/analysis/graph-json';
import { COMMANDS } from '../../src/extension/command-ids';
import {
  E1000E_NETDEV,
  EGRESS_STAGES,
  INGRESS_STAGES,
  NOT_A_KERNEL,
  NOT_A_KERNEL_FILES,
  PWRU_TRACE,
  SCENARIOS,
  type ScenarioId,
  cliJson,
  definitionLines,
  drawnCount,
  firstUse,
  hasName,
  readSource,
  skbFieldDoc,
} from '../e2e/scenarios';

const EXTENSION_ID = 'netpaths.netpaths';

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title?: string; category?: string }[];
    configuration?: { properties?: Record<string, { default?: unknown }> };
    views?: Record<string, { id: string }[]>;
  };
}

type Check = [string, () => Promise<void> | void];

async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext;
}

function env(name: string): string {
  const value = process.env[name];
  assert.ok(value, `${name} is not set: run this suite with npm run test:electron`);
  return value;
}

/** NetPaths' log (its LogOutputChannel's file under the user data folder run.ts made). */
function netpathsLog(): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === 'NetPaths.log') files.push(path);
    }
  };
  walk(join(env('NETPATHS_ELECTRON_USER_DATA'), 'logs'));
  return files.map((f) => readFileSync(f, 'utf8')).join('\n');
}

/** Lines of NetPaths' log saying an index was loaded. */
function indexedLines(): string[] {
  return netpathsLog()
    .split('\n')
    .filter((l) => /\] indexed /.test(l));
}

/** The labels of the editor tabs that are NetPaths graph panels. */
function graphTabs(): string[] {
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter(
      (t) => t.input instanceof vscode.TabInputWebview && /netpaths\.graph$/.test(t.input.viewType),
    )
    .map((t) => t.label);
}

const manifestChecks: Check[] = [
  [
    'declares every command of the contract with a title and the NetPaths category',
    () => {
      const manifest = extension().packageJSON as Manifest;
      const declared = new Map((manifest.contributes?.commands ?? []).map((c) => [c.command, c]));
      for (const id of COMMANDS) {
        const c = declared.get(id);
        assert.ok(c, `${id} is not declared in package.json`);
        assert.ok(c.title && c.title.trim() !== '', `${id} has no title`);
        assert.equal(c.category, 'NetPaths', `${id} is not in the NetPaths category`);
      }
    },
  ],
  [
    'registers every command it declares',
    async () => {
      const manifest = extension().packageJSON as Manifest;
      const registered = new Set(await vscode.commands.getCommands(true));
      const missing = (manifest.contributes?.commands ?? [])
        .map((c) => c.command)
        .filter((id) => !registered.has(id));
      assert.deepEqual(missing, [], 'declared in package.json but not registered');
    },
  ],
  [
    'declares the settings of the contract with their defaults',
    () => {
      const c = vscode.workspace.getConfiguration('netpaths');
      const defaults: Record<string, unknown> = {
        kernelRoot: '',
        'callHierarchy.enabled': false,
        'hover.enabled': true,
      };
      for (const [key, value] of Object.entries(defaults))
        assert.deepEqual(c.inspect(key)?.defaultValue, value, `netpaths.${key} default`);
      for (const key of ['scope', 'defaultDepth', 'export.format', 'export.linkTemplate'])
        assert.notEqual(c.inspect(key)?.defaultValue, undefined, `netpaths.${key} is not declared`);
    },
  ],
  [
    'contributes the Drivers view',
    () => {
      const views = Object.values(
        (extension().packageJSON as Manifest).contributes?.views ?? {},
      ).flat();
      assert.ok(
        views.some((v) => v.id === 'netpaths.drivers'),
        'no netpaths.drivers view',
      );
    },
  ],
];

/**
 * The scenarios on the real tree, each as the code-server suite runs it but through the
 * VS Code API: a command instead of the palette, the panel's log line instead of its
 * drawing, the hover provider instead of a mouse.
 */
function kernelScenarios(): Record<ScenarioId, () => Promise<void>> {
  const kernel = env('NETPATHS_KERNEL');
  const root = extension().extensionPath;
  const cache = mkdtempSync(join(tmpdir(), 'netpaths-electron-cli-'));
  const started = new Date();
  const cli = (args: string[]): GraphJson => cliJson<GraphJson>(root, kernel, cache, args);
  const preset = async (direction: 'ingress' | 'egress', stages: string[]): Promise<void> => {
    const title = `e1000e ${direction}`;
    const expected = cli([direction, '--driver', 'e1000e', '--depth', '1']);
    const absent = stages.filter((s) => !expected.nodes.some((n) => hasName(n.name, s)));
    assert.deepEqual(absent, [], `stages of the ${direction} path the CLI lacks`);
    await vscode.commands.executeCommand(
      direction === 'ingress' ? 'netpaths.showIngress' : 'netpaths.showEgress',
      'e1000e',
    );
    await until(
      `a "${title}" panel`,
      () => (graphTabs().includes(title) ? true : undefined),
      60_000,
    );
    // The webview reports its drawing to the host, which logs how many functions it drew.
    const drawn = await until(
      `the ${title} panel to draw`,
      () => drawnCount(netpathsLog(), title),
      120_000,
    );
    assert.equal(
      drawn,
      expected.nodes.length,
      `the panel draws as many functions as the CLI path has`,
    );
  };
  return {
    indexOnOpen: async () => {
      await until(
        'the extension to activate',
        () => (extension().isActive ? true : undefined),
        30_000,
      );
      const line = await until(
        'an "indexed" line in the NetPaths log',
        () => indexedLines()[0],
        600_000,
      );
      assert.match(line, /[1-9][\d,]* functions/, line);
    },
    ingress: () => preset('ingress', INGRESS_STAGES),
    openTrace: async () => {
      const file = join(root, PWRU_TRACE);
      const title = `trace of ${basename(file)}`;
      const expected = cli(['trace', file]);
      await vscode.commands.executeCommand('netpaths.openTrace', vscode.Uri.file(file));
      await until(
        `a "${title}" panel`,
        () => (graphTabs().includes(title) ? true : undefined),
        60_000,
      );
      const drawn = await until(
        `the ${title} panel to draw`,
        () => drawnCount(netpathsLog(), title),
        120_000,
      );
      assert.equal(drawn, expected.nodes.length, 'the panel draws as many functions as the CLI');
      // A node of the trace opens its definition, as a click on it does.
      const ipRcv = expected.nodes.find((n) => n.name === 'ip_rcv' && n.observed);
      assert.ok(ipRcv, 'the trace hits ip_rcv');
      await vscode.commands.executeCommand('netpaths.openFunction', ipRcv.id);
      const editor = await until(
        `${ipRcv.file} in the editor`,
        () => {
          const e = vscode.window.activeTextEditor;
          return e?.document.uri.fsPath.endsWith(ipRcv.file) ? e : undefined;
        },
        30_000,
      );
      const defined = definitionLines(readSource(kernel, ipRcv.file), 'ip_rcv');
      assert.deepEqual([editor.selection.active.line + 1], defined);
    },
    openDefinition: async () => {
      const source = readSource(kernel, E1000E_NETDEV);
      const defined = definitionLines(source, 'e1000e_poll');
      assert.equal(
        defined.length,
        1,
        `netdev.c defines e1000e_poll on lines ${defined.join(', ')}`,
      );
      await vscode.commands.executeCommand('netpaths.openFunction', `${E1000E_NETDEV}:e1000e_poll`);
      const editor = await until(
        'netdev.c in the editor',
        () => {
          const e = vscode.window.activeTextEditor;
          return e?.document.uri.fsPath.endsWith(E1000E_NETDEV) ? e : undefined;
        },
        30_000,
      );
      const line = editor.selection.active.line + 1;
      const text = source.split('\n')[line - 1] ?? '';
      assert.match(text, /\be1000e_poll\s*\(/, `line ${line} is "${text.trim()}"`);
      assert.equal(line, defined[0], `line ${line} is not the definition`);
    },
    hover: async () => {
      const doc = skbFieldDoc(kernel, 'data');
      const file = join(kernel, 'net/core/dev.c');
      const source = readSource(kernel, 'net/core/dev.c');
      const line = firstUse(source, 'skb->data');
      const column = (source.split('\n')[line - 1] ?? '').indexOf('skb->data') + 'skb->'.length;
      const document = await vscode.workspace.openTextDocument(file);
      await vscode.window.showTextDocument(document);
      const hovers = await until(
        'a NetPaths hover on skb->data',
        async () => {
          const all = await vscode.commands.executeCommand<vscode.Hover[]>(
            'vscode.executeHoverProvider',
            document.uri,
            new vscode.Position(line - 1, column + 1),
          );
          const text = all
            .flatMap((h) => h.contents)
            .map((c) => (typeof c === 'string' ? c : c.value))
            .join('\n');
          return text.includes(doc) ? text : undefined;
        },
        30_000,
      );
      assert.match(hovers, /sk_buff|skb->data/, `the hover does not say which struct: ${hovers}`);
    },
    egress: () => preset('egress', EGRESS_STAGES),
    reindex: async () => {
      const before = indexedLines().length;
      const ok = await vscode.commands.executeCommand<boolean>('netpaths.reindex');
      assert.equal(ok, true, 'Reindex failed');
      const line = await until('a new "indexed" line', () => indexedLines()[before], 120_000);
      assert.match(
        line,
        /\(0 parsed, \d+ from the cache\)/,
        `the warm reindex parsed files again: ${line}`,
      );
    },
    untouched: () => {
      rmSync(cache, { recursive: true, force: true });
      const r = spawnSync('find', [kernel, '-newermt', started.toISOString(), '-print', '-quit'], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), '', `the tests wrote into the kernel tree: ${r.stdout.trim()}`);
      return Promise.resolve();
    },
  };
}

/**
 * The folder that is not a kernel tree: Reindex fails with one line that names what is
 * missing and not what the folder has. (The notification itself, and that no progress is
 * left beside it, can only be seen on screen: the code-server suite checks those.)
 */
async function notKernel(): Promise<void> {
  await until('the extension to activate', () => (extension().isActive ? true : undefined), 30_000);
  const ok = await vscode.commands.executeCommand<boolean>('netpaths.reindex');
  assert.equal(ok, false, 'Reindex succeeded on a folder that is not a kernel tree');
  const lacking = RULE.required.filter((path) => !(path in NOT_A_KERNEL_FILES));
  const missing = `it has no ${lacking.join(' and no ')}`;
  const line = await until(
    'the error in the NetPaths log',
    () =>
      netpathsLog()
        .split('\n')
        .find((l) => l.includes('does not look like a Linux kernel tree')),
    30_000,
  );
  assert.ok(line.includes(missing), `the error does not say "${missing}": ${line}`);
  for (const present of Object.keys(NOT_A_KERNEL_FILES))
    assert.ok(!line.includes(`no ${present}`), `the error says ${present} is missing: ${line}`);
}

/** The scenarios in the order scenarios.ts lists them, as the code-server suite runs them. */
function scenarioChecks(): Check[] {
  const bodies = kernelScenarios();
  return (Object.keys(SCENARIOS) as ScenarioId[]).map((id) => [SCENARIOS[id], bodies[id]]);
}

export async function run(): Promise<void> {
  const session = process.env.NETPATHS_ELECTRON_SESSION ?? 'kernel';
  const checks: Check[] =
    session === 'not-a-kernel'
      ? [[NOT_A_KERNEL, notKernel], ...manifestChecks]
      : [...scenarioChecks(), ...manifestChecks];
  console.log(
    `NetPaths in VS Code ${vscode.version}, ${session} session, folder ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '?'}`,
  );
  const failures: string[] = [];
  for (const [name, check] of checks) {
    try {
      await check();
      console.log(`  ok    ${name}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      console.log(`  FAIL  ${name}\n        ${message.split('\n').join('\n        ')}`);
      failures.push(name);
    }
  }
  console.log(`${checks.length - failures.length} of ${checks.length} passed`);
  if (failures.length > 0)
    throw new Error(`${failures.length} check(s) failed: ${failures.join('; ')}`);
}
