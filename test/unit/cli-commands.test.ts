// The CLI's table of commands (src/cli/commands.ts): every command documented and handled,
// the options it takes said once, and anything else a usage error (exit 2) before any work.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { ROUTES } from '../../src/analysis/presets';
import { COMMANDS, type CommandContext, checkOptions, findCommand } from '../../src/cli/commands';
import {
  COMMON_OPTIONS,
  OPTIONS,
  OPTION_HELP,
  type OptionName,
  UsageError,
  parseCommandLine,
} from '../../src/cli/options';
import type { Output } from '../../src/cli/output';
import { commandUsage, usage } from '../../src/cli/usage';

const repoRoot = join(__dirname, '../..');
const ALL_OPTIONS = Object.keys(OPTIONS) as OptionName[];

/** Runs the CLI from source (no build needed) with an empty environment for the tree. */
function runSource(args: string[]): { status: number; stderr: string; stdout: string } {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'src/cli/main.ts'), ...args],
    {
      encoding: 'utf8',
      cwd: repoRoot,
      env: { ...process.env, NETPATHS_KERNEL: '/nonexistent-netpaths-tree' },
    },
  );
  return { status: r.status ?? -1, stderr: r.stderr, stdout: r.stdout };
}

/** A handler's context with no tree behind it: any use of the index fails the test. */
function bareContext(
  name: string,
  args: string[],
  written: string[] = [],
  format: 'text' | 'json' = 'text',
): CommandContext {
  const out: Output = {
    format,
    graph: (_g: GraphJson) => Promise.reject(new Error('no graph expected')),
    text: (t) => void written.push(t),
    json: (v) => void written.push(JSON.stringify(v)),
  };
  return {
    name,
    args,
    values: parseCommandLine([]).values,
    out,
    graph: () => Promise.reject(new Error('the index must not be opened')),
    buildIndex: () => Promise.reject(new Error('the index must not be built')),
    configuration: () => ({ json: { chosen: 'none in this test' } }),
    unionGraph: () => Promise.reject(new Error('the index must not be opened')),
    buildMap: () => {
      throw new Error('the makefiles must not be read');
    },
    readText: () => undefined,
    presets: () => {
      throw new Error('no preset expected');
    },
    log: () => undefined,
  };
}

describe('the command table', () => {
  it('has one entry per name, each with a usage line, a summary and a handler', () => {
    const names = COMMANDS.map((c) => c.name);
    assert.equal(new Set(names).size, names.length);
    assert.deepEqual(names, [
      'index',
      'where',
      'callees',
      'callers',
      'path',
      'drivers',
      'ingress',
      'egress',
      'drops',
      'routes',
      'trace',
      'config',
      'explain',
      'check-knowledge',
    ]);
    for (const c of COMMANDS) {
      assert.ok(c.usage.startsWith(c.name), `${c.name}: usage starts with its name`);
      assert.ok(c.summary.length > 0 && c.summary.every((l) => l.length > 0), c.name);
      assert.equal(typeof c.run, 'function', c.name);
      assert.equal(findCommand(c.name), c);
    }
  });

  it("names in each usage line exactly the command's own options (those of every graph aside)", () => {
    for (const c of COMMANDS) {
      const inUsage = [...c.usage.matchAll(/--([a-z-]+)/g)].map((m) => m[1]).sort();
      const own = c.options.filter((o) => o !== 'link-template' && o !== 'show-unbuilt').sort();
      assert.deepEqual(inUsage, own, c.name);
    }
  });

  it('documents every option, and every option is common or taken by some command', () => {
    for (const o of ALL_OPTIONS) {
      assert.ok(OPTION_HELP[o].help.length > 0, o);
      const used =
        o === 'version' ||
        COMMON_OPTIONS.includes(o) ||
        COMMANDS.some((c) => c.options.includes(o));
      assert.ok(used, `--${o} is taken by no command`);
    }
  });

  it('lists every command in --help, and every option of a command in its own --help', () => {
    const text = usage();
    for (const c of COMMANDS) {
      assert.ok(text.includes(`  ${c.usage}`), c.name);
      const own = commandUsage(c);
      for (const o of [...c.options, ...COMMON_OPTIONS.filter((x) => x !== 'help')])
        assert.ok(own.includes(`--${o}`), `${c.name} --help names --${o}`);
    }
    for (const line of text.split('\n')) assert.ok(line.length <= 100, line);
  });

  it('refuses, for each command, every option it does not take', () => {
    let refused = 0;
    for (const c of COMMANDS) {
      for (const o of ALL_OPTIONS) {
        if (o === 'version' || COMMON_OPTIONS.includes(o) || c.options.includes(o)) continue;
        const line = parseCommandLine([
          c.name,
          `--${o}`,
          ...(OPTIONS[o].type === 'string' ? ['x'] : []),
        ]);
        assert.throws(
          () => checkOptions(c, line.given, line.values),
          (e: unknown) => e instanceof UsageError && e.message.includes(`--${o}`),
          `${c.name} --${o}`,
        );
        refused++;
      }
      const ok = parseCommandLine([c.name, ...c.options.flatMap((o) => [`--${o}`, 'x'])]);
      if (!c.options.includes('link-template')) checkOptions(c, ok.given, ok.values);
    }
    assert.ok(refused > 40);
  });

  it('lets a table or an explanation be text or JSON, never a drawing', () => {
    for (const c of COMMANDS.filter((x) => x.output === 'data')) {
      for (const format of ['mermaid', 'dot', 'svg', 'html']) {
        const line = parseCommandLine([c.name, '--format', format]);
        assert.throws(
          () => checkOptions(c, line.given, line.values),
          UsageError,
          `${c.name} ${format}`,
        );
      }
      const json = parseCommandLine([c.name, '--format', 'json']);
      assert.equal(checkOptions(c, json.given, json.values), 'json');
    }
  });

  it('refuses positional arguments where a command takes options instead, before opening the index', async () => {
    for (const name of ['index', 'drivers', 'path', 'ingress', 'egress']) {
      await assert.rejects(
        async () => findCommand(name).run(bareContext(name, ['stray'])),
        UsageError,
        name,
      );
    }
    for (const name of ['where', 'callees', 'callers'])
      await assert.rejects(
        async () => findCommand(name).run(bareContext(name, [])),
        UsageError,
        name,
      );
  });

  it('lists every route with its one line, in text and JSON, without opening the index', async () => {
    const text: string[] = [];
    await findCommand('routes').run(bareContext('routes', [], text));
    const lines = (text[0] ?? '').trimEnd().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split(/\s+/, 1)[0]),
      ROUTES.map((r) => r.id),
    );
    for (const [i, l] of lines.entries()) assert.ok(l.endsWith(ROUTES[i]?.description ?? '?'), l);
    const json: string[] = [];
    await findCommand('routes').run(bareContext('routes', [], json, 'json'));
    assert.deepEqual(
      JSON.parse(json[0] ?? '[]'),
      ROUTES.map((r) => ({ id: r.id, description: r.description })),
    );
    await assert.rejects(
      async () => findCommand('routes').run(bareContext('routes', ['x'])),
      UsageError,
    );
  });

  it('exits 2 with one line and a pointer to --help on a usage error', () => {
    for (const args of [
      ['where', 'tcp_v4_rcv', '--driver', 'e1000e'],
      ['drivers', '--from', 'x'],
      ['drivers', '--format', 'svg'],
      [],
    ]) {
      const r = runSource(args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 2, r.stderr);
      assert.match(lines[0] ?? '', /^netpaths: /);
      assert.equal(lines[1], "Try 'netpaths --help'.");
      assert.equal(r.stdout, '');
    }
    const r = runSource(['where', 'x', '--driver', 'e1000e']);
    assert.match(r.stderr, /where takes no --driver/);
  });

  it('prints the help of one command after its name', () => {
    const r = runSource(['path', '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.startsWith('usage: netpaths path --from A --to B'), r.stdout);
  });

  it("explains skb->data also as skb.data and data, and says when the shell cut 'skb->data' short", async () => {
    const explained = async (topic: string): Promise<string> => {
      const written: string[] = [];
      await findCommand('explain').run(bareContext('explain', [topic], written, 'json'));
      return written.join('');
    };
    const arrow = await explained('skb->data');
    assert.match(arrow, /"title":"skb->data"/);
    assert.equal(await explained('skb.data'), arrow);
    assert.equal(await explained('data'), arrow);
    // Unquoted, `netpaths explain skb->data` reaches us as `skb-` with stdout sent to a file `data`.
    await assert.rejects(
      async () => findCommand('explain').run(bareContext('explain', ['skb-'])),
      (e: unknown) =>
        e instanceof UsageError && /quote it \('skb->data'\) or write skb\.data/.test(e.message),
    );
  });
});
