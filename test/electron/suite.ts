// Runs inside VS Code's extension host (loaded by @vscode/test-electron through
// test/electron/run.ts, which bundles this file). A plain runner, no mocha: each check is
// a function, every result is printed, and `run` rejects when one failed, which makes
// VS Code exit non-zero.

import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../src/extension/command-ids';

const EXTENSION_ID = 'netpaths.netpaths';

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string; title?: string; category?: string }[];
    configuration?: { properties?: Record<string, { default?: unknown }> };
    views?: Record<string, { id: string }[]>;
  };
}

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

const checks: [string, () => Promise<void> | void][] = [
  [
    'activates by itself on a folder with a Kbuild file (workspaceContains)',
    async () => {
      const ext = extension();
      assert.ok(vscode.workspace.workspaceFolders?.length, 'no workspace folder is open');
      await until('the extension to activate', () => (ext.isActive ? true : undefined), 20_000);
    },
  ],
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
        scope: [],
        'callHierarchy.enabled': false,
        'hover.enabled': true,
      };
      for (const [key, value] of Object.entries(defaults)) {
        assert.deepEqual(c.inspect(key)?.defaultValue, value, `netpaths.${key} default`);
      }
      for (const key of ['defaultDepth', 'export.format', 'export.linkTemplate']) {
        assert.notEqual(c.inspect(key)?.defaultValue, undefined, `netpaths.${key} is not declared`);
      }
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

export async function run(): Promise<void> {
  const failures: string[] = [];
  console.log(
    `NetPaths in VS Code ${vscode.version}, workspace ${process.env.NETPATHS_ELECTRON_WORKSPACE ?? '?'}`,
  );
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
