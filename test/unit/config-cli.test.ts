// The CLI with a kernel configuration, on the configuration fixture tree: --config on a
// query, the JSON fields (built, module, config, the configuration at the top), what text
// leaves out unless --show-unbuilt, `drivers` with y/m/n and --built, `config explain`,
// and bad configurations said in one line.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { GraphJson } from '../../src/analysis/graph-json';
import { cliConfiguration } from '../../src/cli/indexing';
import { configRoot, fixtureConfigPath } from '../helpers/config-fixture';

const repoRoot = join(__dirname, '../..');
let work: string;
let cacheDir: string;

function cli(
  args: string[],
  env: Record<string, string> = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repoRoot, 'src/cli/main.ts'),
      ...args,
      '--kernel',
      configRoot,
      '--cache-dir',
      cacheDir,
      '--scope',
      '**',
      '--workers',
      '1',
    ],
    {
      encoding: 'utf8',
      cwd: repoRoot,
      env: { ...process.env, NETPATHS_CONFIG: '', ...env },
      timeout: 120_000,
    },
  );
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[], env: Record<string, string> = {}): GraphJson {
  const r = cli([...args, '--format', 'json', '--quiet'], env);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as GraphJson;
}

/** The line of a fixture file that holds `text`, read from the file. */
function lineOf(file: string, text: string): number {
  const lines = readFileSync(join(configRoot, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${text} in ${file}`);
  return i + 1;
}

const full = fixtureConfigPath('full');
const small = fixtureConfigPath('small');

describe('the CLI with a kernel configuration (kernel-config fixture)', () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'netpaths-config-cli-'));
    cacheDir = join(work, 'cache');
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('marks each function y or m with its module, each call live, and names the configuration', () => {
    const g = json(['callees', 'acme_xmit', '--config', full]);
    assert.deepEqual(g.configuration, { source: full, chosen: '--config', arch: 'x86' });
    const acme = g.nodes.find((n) => n.name === 'acme_xmit');
    assert.equal(acme?.built, 'm');
    assert.equal(acme?.module, 'acme');
    assert.ok(g.edges.length > 0);
    for (const e of g.edges) assert.equal(e.config, 'live');
    const small_ = json(['callees', 'acme_xmit', '--config', small]);
    const builtIn = small_.nodes.find((n) => n.name === 'acme_xmit');
    assert.equal(builtIn?.built, 'y');
    assert.equal(builtIn?.module, undefined);
  });

  it('without a configuration draws the union and says why, with no build fields', () => {
    const g = json(['callees', 'netif_receive_skb', '--config', 'none']);
    assert.deepEqual(g.configuration, { chosen: '--config none' });
    assert.ok(g.nodes.every((n) => n.built === undefined));
    assert.ok(g.edges.every((e) => e.config === undefined));
    assert.ok(g.nodes.some((n) => n.name === 'rps_steer'));
    const env = json(['callees', 'netif_receive_skb'], { NETPATHS_CONFIG: small });
    assert.deepEqual(env.configuration, { source: small, chosen: 'NETPATHS_CONFIG', arch: 'x86' });
  });

  it('leaves out what the configuration does not build, and --show-unbuilt marks it with its condition', () => {
    const line = lineOf('net/core/dev.c', '-> rps_steer');
    const plain = cli(['callees', 'netif_receive_skb', '--config', small, '--quiet']);
    assert.equal(plain.status, 0, plain.stderr);
    assert.doesNotMatch(plain.stdout, /rps_steer/);
    const shown = json(['callees', 'netif_receive_skb', '--config', small, '--show-unbuilt']);
    const dead = shown.edges.find((e) => e.to.endsWith(':rps_steer'));
    assert.equal(dead?.config, 'dead');
    assert.equal(dead?.line, line);
    // The condition is the directive around the call, read from the fixture.
    const lines = readFileSync(join(configRoot, 'net/core/dev.c'), 'utf8').split('\n');
    const directive = lines
      .slice(0, line)
      .map((l, i) => ({ l, i }))
      .reverse()
      .find((x) => /^#\s*if/.test(x.l));
    assert.ok(directive);
    assert.ok(dead?.excludedBy?.includes(`at net/core/dev.c:${directive.i + 1}`), dead?.excludedBy);
    // The real rps_steer is in a file the configuration does not compile: the makefile line says so.
    const real = json(['callees', 'net/core/rps.c:rps_steer', '--config', small, '--show-unbuilt']);
    const rps = real.nodes.find((n) => n.name === 'rps_steer');
    assert.equal(rps?.built, 'n');
    assert.match(rps?.excludedBy ?? '', /obj-\$\(CONFIG_RPS\) \+= rps\.o/);
    assert.equal(real.edges[0]?.config, 'dead');
    const live = shown.edges.find((e) => e.to.endsWith(':__netif_receive_skb'));
    assert.equal(live?.config, 'live');
    const text = cli(['callees', 'netif_receive_skb', '--config', small, '--show-unbuilt']);
    assert.match(text.stdout, /dead: .*net\/core\/dev\.c/);
  });

  it('says a function the configuration does not build is not built, not unknown', () => {
    const r = cli(['where', 'steer_to_cpu', '--config', small, '--quiet']);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^netpaths: steer_to_cpu is not built by the configuration .*small\.config/,
    );
    assert.equal(r.stderr.trimEnd().split('\n').length, 1);
  });

  it('drivers --built needs a configuration', () => {
    const none = cli(['drivers', '--built', '--config', 'none', '--quiet']);
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--built needs a kernel configuration/);
  });

  it('config explain says why a file and a function are in or out, with the makefile lines', () => {
    const r = cli(['config', 'explain', 'net/core/rps.c', 'rps_steer', '--config', small]);
    assert.equal(r.status, 0, r.stderr);
    const makefile = readFileSync(join(configRoot, 'net/core/Makefile'), 'utf8').split('\n');
    const named = makefile.findIndex((l) => l.includes('rps.o'));
    assert.ok(named >= 0);
    assert.match(r.stdout, /^net\/core\/rps\.c: not built$/m);
    assert.ok(r.stdout.includes(`net/core/Makefile:${named + 1}:`), r.stdout);
    assert.match(r.stdout, /CONFIG_RPS=n/);
    assert.match(r.stdout, /^rps_steer {2}net\/core\/rps\.c:\d+: not built$/m);
    // The stub of the same name, in a header, is what this configuration builds.
    assert.match(r.stdout, /^rps_steer {2}include\/linux\/rps\.h:\d+: built in$/m);
    const dev = cli(['config', 'explain', 'pick_tx_queue', '--config', small, '--quiet']);
    assert.match(dev.stdout, /#if\S* .*: false/);
    assert.match(dev.stdout, /#if\S* .*: true/);
  });

  it('says in one line that a configuration is missing, not one, empty or a damaged .xz', () => {
    const bad = (name: string, bytes: Buffer | string): string => {
      const p = join(work, name);
      writeFileSync(p, bytes);
      return p;
    };
    const cases: [string, RegExp][] = [
      [join(work, 'absent.config'), /no such file/],
      [bad('empty.config', ''), /is not a kernel configuration: .*empty/],
      [bad('readme.config', 'hello world\n'), /is not a kernel configuration: line 1/],
      [
        bad('broken.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3])),
        /damaged \.xz/,
      ],
    ];
    for (const [path, message] of cases) {
      const r = cli(['where', 'ip_rcv', '--config', path]);
      assert.equal(r.status, 1, path);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0] ?? '', message);
    }
  });

  it('warns of unknown options and of another architecture, and the query goes on', () => {
    const text = readFileSync(small, 'utf8');
    const unknown = join(work, 'unknown.config');
    writeFileSync(unknown, `${text}CONFIG_NO_SUCH_OPTION_IN_TREE=y\n`);
    // The second run reads the tree's Kconfig symbols from the cache, not from the tree.
    for (const run of ['first', 'second']) {
      const r = cli(['where', 'ip_rcv', '--config', unknown]);
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /CONFIG_NO_SUCH_OPTION_IN_TREE/, run);
      assert.doesNotMatch(r.stderr, /CONFIG_NET\b/, `${run}: CONFIG_NET is declared`);
      assert.match(r.stdout, /ip_rcv/);
    }
    const arm = join(work, 'arm.config');
    writeFileSync(arm, text.replace('CONFIG_X86=y', 'CONFIG_ARM=y'));
    const other = cli(['where', 'ip_rcv', '--config', arm]);
    assert.equal(other.status, 0, other.stderr);
    assert.match(other.stderr, /a configuration for arm/);
  });

  it("takes the tree's .config when no --config and no NETPATHS_CONFIG say otherwise", () => {
    const tree = join(work, 'tree');
    cpSync(configRoot, tree, { recursive: true });
    cpSync(small, join(tree, '.config'));
    const c = cliConfiguration(undefined, undefined, tree);
    assert.equal(c.json.chosen, 'the tree');
    assert.equal(c.config?.source, join(tree, '.config'));
    assert.equal(cliConfiguration('none', undefined, tree).config, undefined);
    assert.equal(cliConfiguration(undefined, full, tree).json.chosen, 'NETPATHS_CONFIG');
  });
});
