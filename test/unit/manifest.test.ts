// Guards package.json: every contributed command has a title, the NetPaths category and a
// handler (src/extension/command-ids.ts types the handler table); every setting is read by
// src/extension/config.ts and every setting config.ts reads is declared; views and menus name only
// commands and views that exist.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { COMMANDS } from '../../src/extension/command-ids';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category: string }[];
    menus: Record<string, { command: string }[]>;
    views: Record<string, { id: string }[]>;
    viewsWelcome: { view: string; contents: string }[];
    configuration: {
      properties: Record<
        string,
        { default: unknown; markdownDescription?: string; description?: string }
      >;
    };
  };
};
const c = pkg.contributes;

describe('package.json', () => {
  it('declares exactly the commands the extension registers, each titled, in one category', () => {
    assert.deepEqual(c.commands.map((x) => x.command).sort(), [...COMMANDS].sort());
    for (const cmd of c.commands) {
      assert.equal(cmd.category, 'NetPaths', cmd.command);
      assert.ok(cmd.title.length > 3, cmd.command);
    }
  });

  it('names only declared commands and views in menus and welcome content', () => {
    const commands = new Set<string>(COMMANDS);
    for (const [menu, entries] of Object.entries(c.menus))
      for (const e of entries) assert.ok(commands.has(e.command), `${menu}: ${e.command}`);
    const views = new Set(Object.values(c.views).flatMap((v) => v.map((x) => x.id)));
    for (const w of c.viewsWelcome) {
      assert.ok(views.has(w.view), w.view);
      for (const m of w.contents.matchAll(/command:(netpaths\.[A-Za-z]+)/g))
        assert.ok(commands.has(m[1] ?? ''), m[1]);
    }
  });

  it('declares every setting config.ts reads, and config.ts reads every declared one', () => {
    const source = readFileSync(join(root, 'src/extension/config.ts'), 'utf8');
    const read = new Set(
      [...source.matchAll(/c\.get<[^>]+>\('([A-Za-z.]+)'/g)].map((m) => `netpaths.${m[1] ?? ''}`),
    );
    assert.deepEqual([...read].sort(), Object.keys(c.configuration.properties).sort());
    for (const [key, p] of Object.entries(c.configuration.properties))
      assert.ok(
        (p.markdownDescription ?? p.description ?? '').length > 20,
        `${key} needs a description`,
      );
  });

  it('activates on kernel trees and on its panel, and ships the bundle it names', () => {
    assert.equal(pkg.main, './dist/extension.js');
    for (const marker of ['Kbuild', 'MAINTAINERS', 'net/core/dev.c'])
      assert.ok(pkg.activationEvents.includes(`workspaceContains:${marker}`), marker);
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:netpaths.graph'));
  });
});
