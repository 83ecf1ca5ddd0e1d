// What the editor shows of a kernel configuration, from the core: the ranges it dims
// (src/analysis/editor/excluded.ts, on test/fixtures/config-editor/dim.c's inline marks and
// the kernel-config fixture tree's makefiles), an option's value and Kconfig entry for a
// hover (option-info.ts), and the configurations a machine offers (candidates.ts, on a
// fake filesystem root).

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configCandidates } from '../../src/analysis/editor/candidates';
import { type ExcludedCode, excludedCode } from '../../src/analysis/editor/excluded';
import { explainFile } from '../../src/analysis/config/explain';
import {
  kconfigDeclarations,
  optionAt,
  optionInfo,
  optionMarkdown,
  readKconfigDeclarations,
} from '../../src/analysis/editor/option-info';
import { treeBuildMap } from '../../src/analysis/index/configured';
import { CONFIG_NAMES, configRoot, fixtureConfig } from '../helpers/config-fixture';

const DIM = join(__dirname, '../fixtures/config-editor/dim.c');

/** Lines (1-based) any range touches. */
function dimmedLines(code: ExcludedCode): number[] {
  const lines = new Set<number>();
  for (const r of code.ranges) for (let l = r.fromLine; l <= r.toLine; l++) lines.add(l);
  return [...lines].sort((a, b) => a - b);
}

/** Lines whose `@dim` mark names `config`. */
function markedLines(text: string, config: string): number[] {
  const out: number[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /@dim\s+([^*]+)\*\//.exec(line);
    if (m && (m[1] as string).trim().split(/\s+/).includes(config)) out.push(i + 1);
  });
  return out;
}

const read = (p: string): string | undefined => {
  try {
    return readFileSync(join(configRoot, p), 'utf8');
  } catch {
    return undefined;
  }
};

describe('excluded code (dimming)', () => {
  const text = readFileSync(DIM, 'utf8');
  for (const name of CONFIG_NAMES)
    it(`dims exactly the lines marked for ${name}, the outermost branch once`, () => {
      const config = fixtureConfig(name);
      const code = excludedCode(config, { path: 'drivers/net/dim.c', built: 'y', chain: [] }, text);
      assert.deepEqual(dimmedLines(code), markedLines(text, name));
      // Nested false branches (#ifdef CONFIG_RPS inside #ifdef CONFIG_NETFILTER) are one range.
      for (let i = 1; i < code.ranges.length; i++)
        assert.ok(
          (code.ranges[i] as { fromLine: number }).fromLine >
            (code.ranges[i - 1] as { toLine: number }).toLine ||
            (code.ranges[i] as { fromColumn?: number }).fromColumn !== undefined,
          `ranges ${i - 1} and ${i} overlap`,
        );
    });

  it('says why, with the condition and the values of its options', () => {
    const code = excludedCode(
      fixtureConfig('small'),
      { path: 'drivers/net/dim.c', built: 'y', chain: [] },
      text,
    );
    const rps = code.ranges.find((r) => r.reason.startsWith('#ifdef CONFIG_RPS'));
    assert.ok(rps, code.ranges.map((r) => r.reason).join('\n'));
    assert.match(rps.reason, /is false: CONFIG_RPS=n \(not set\)/);
    const body = code.ranges.find((r) => r.reason.startsWith('if (IS_ENABLED(CONFIG_NETFILTER))'));
    assert.ok(body?.fromColumn !== undefined && body.toColumn !== undefined, 'no columns');
  });

  it('dims `#ifdef MODULE` branches in a file built as a module only', () => {
    const config = fixtureConfig('full');
    const asModule = excludedCode(
      config,
      { path: 'drivers/net/dim.c', built: 'm', module: 'dim', chain: [] },
      text,
    );
    const line = text.split('\n').findIndex((l) => l.includes('as_module')) + 1;
    assert.ok(!dimmedLines(asModule).includes(line), 'as_module dimmed in a module');
    assert.equal(asModule.module, 'dim');
  });

  it('dims the whole of a file the makefiles do not build, naming the makefile line', () => {
    const config = fixtureConfig('full');
    const build = treeBuildMap(configRoot, config);
    const path = 'drivers/net/fec.c';
    const source = read(path) ?? '';
    const code = excludedCode(config, explainFile(config, build, read, path), source);
    assert.equal(code.built, 'n');
    assert.equal(code.ranges.length, 1);
    assert.deepEqual(
      [code.ranges[0]?.fromLine, code.ranges[0]?.toLine],
      [1, source.split('\n').length],
    );
    assert.match(code.ranges[0]?.reason ?? '', /^not built: .*CONFIG_FEC/);
    // The same file in the configuration that builds it is not dimmed as a whole.
    const small = fixtureConfig('small');
    const built = excludedCode(
      small,
      explainFile(small, treeBuildMap(configRoot, small), read, path),
      source,
    );
    assert.equal(built.built, 'y');
    assert.ok(built.ranges.every((r) => r.reason.startsWith('not built') === false));
  });
});

describe('option info (hovers)', () => {
  it('finds the CONFIG_ name under the cursor in C and in makefiles', () => {
    const c = '#if IS_ENABLED(CONFIG_NET_SCHED) && defined(CONFIG_RPS)';
    assert.deepEqual(optionAt(c, c.indexOf('NET_SCHED')), {
      name: 'CONFIG_NET_SCHED',
      start: c.indexOf('CONFIG_NET_SCHED'),
      end: c.indexOf('CONFIG_NET_SCHED') + 'CONFIG_NET_SCHED'.length,
    });
    assert.equal(optionAt(c, c.indexOf('CONFIG_RPS') + 3)?.name, 'CONFIG_RPS');
    assert.equal(optionAt(c, c.indexOf('IS_ENABLED')), undefined);
    const make = 'obj-$(CONFIG_ACME) += acme/';
    assert.equal(optionAt(make, make.indexOf('ACME'))?.name, 'CONFIG_ACME');
    assert.equal(optionAt(make, make.indexOf('acme/')), undefined);
  });

  it('reads y, m, values, not set and absent, and the option a _MODULE name stands for', () => {
    const full = fixtureConfig('full');
    const small = fixtureConfig('small');
    const decl = kconfigDeclarations(configRoot);
    assert.equal(optionInfo('CONFIG_RPS', full, decl).state, 'y');
    assert.equal(optionInfo('CONFIG_ACME', full, decl).state, 'm');
    const queues = optionInfo('CONFIG_NR_QUEUES', small, decl);
    assert.deepEqual([queues.state, queues.value], ['value', '1']);
    assert.equal(optionInfo('CONFIG_RPS', small, decl).state, 'not set');
    assert.equal(optionInfo('CONFIG_NOWHERE', small, decl).state, 'absent');
    const module = optionInfo('CONFIG_NET_SCHED_MODULE', small, decl);
    assert.deepEqual(
      [module.option, module.written, module.state],
      ['CONFIG_NET_SCHED', 'CONFIG_NET_SCHED_MODULE', 'm'],
    );
    // Without a configuration: no value, the Kconfig entry still.
    const none = optionInfo('CONFIG_ACME', undefined, decl);
    assert.equal(none.value, undefined);
    assert.equal(none.declared?.file, 'Kconfig');
  });

  it('finds the Kconfig entry with its type and prompt, and says when none declares it', () => {
    const decl = kconfigDeclarations(configRoot);
    const lines = (read('Kconfig') ?? '').split('\n');
    const acme = optionInfo('CONFIG_ACME', fixtureConfig('full'), decl);
    assert.equal(lines[(acme.declared?.line ?? 0) - 1], 'config ACME');
    assert.deepEqual([acme.declared?.type, acme.declared?.prompt], ['tristate', 'ACME Ethernet']);
    const text = optionMarkdown(acme, '/x/configs/full.config', true);
    assert.match(text, /`CONFIG_ACME` = `m` \(a module\) in `full\.config`/);
    assert.match(text, /tristate "ACME Ethernet", declared in `Kconfig:\d+`/);
    const unknown = optionMarkdown(optionInfo('CONFIG_NOWHERE', undefined, decl), undefined, true);
    assert.match(unknown, /no kernel configuration is active/);
    assert.match(unknown, /no Kconfig file of this tree declares it/);
    const notSet = optionMarkdown(
      optionInfo('CONFIG_RPS', fixtureConfig('small'), decl),
      'small.config',
      true,
    );
    assert.match(notSet, /= \*\*not set\*\* in `small\.config`/);
  });

  it('reads prompts given apart, def_bool without a prompt, and ends an entry at column 0', () => {
    const into = new Map<
      string,
      { file: string; line: number; type?: string; prompt?: string }[]
    >();
    readKconfigDeclarations(
      [
        'menuconfig NET_VENDOR_X',
        '\tbool',
        '\tprompt "Vendor X devices"',
        'config X_AUTO',
        '\tdef_bool y',
        'if NET_VENDOR_X',
        'config X_DRV',
        '\ttristate "X driver" if NET',
        'endif',
      ].join('\n'),
      'drivers/net/x/Kconfig',
      into,
    );
    assert.deepEqual(into.get('CONFIG_NET_VENDOR_X')?.[0], {
      file: 'drivers/net/x/Kconfig',
      line: 1,
      type: 'bool',
      prompt: 'Vendor X devices',
    });
    assert.deepEqual(into.get('CONFIG_X_AUTO')?.[0], {
      file: 'drivers/net/x/Kconfig',
      line: 4,
      type: 'bool',
    });
    assert.equal(into.get('CONFIG_X_DRV')?.[0]?.prompt, 'X driver');
  });
});

describe('configuration candidates', () => {
  let fake: string;
  let tree: string;
  before(() => {
    fake = mkdtempSync(join(tmpdir(), 'netpaths-candidates-'));
    tree = join(fake, 'src', 'linux');
    const files = [
      'src/linux/.config',
      'proc/config.gz',
      'boot/config-6.1.0-18-amd64',
      'boot/config-6.12.9-amd64',
      'boot/vmlinuz-6.12.9-amd64',
      'usr/src/linux-config-6.12/config.amd64_none_amd64.xz',
      'usr/src/linux-config-6.12/config.arm64_none_arm64.xz',
      'usr/src/linux-source-6.12.tar.xz',
      'usr/src/linux-headers-6.12/.config',
    ];
    for (const f of files) {
      mkdirSync(join(fake, f, '..'), { recursive: true });
      writeFileSync(join(fake, f), 'CONFIG_X86=y\n');
    }
    mkdirSync(join(fake, 'boot', 'config-dir'), { recursive: true });
  });
  after(() => rmSync(fake, { recursive: true, force: true }));

  it("offers the tree's .config, the running kernel's, /boot's newest first, and the linux-config packages' files", () => {
    const found = configCandidates(tree, fake);
    assert.deepEqual(
      found.map((c) => [c.kind, c.path.slice(fake.length + 1)]),
      [
        ['tree', 'src/linux/.config'],
        ['running', 'proc/config.gz'],
        ['boot', 'boot/config-6.12.9-amd64'],
        ['boot', 'boot/config-6.1.0-18-amd64'],
        ['package', 'usr/src/linux-config-6.12/config.amd64_none_amd64.xz'],
        ['package', 'usr/src/linux-config-6.12/config.arm64_none_arm64.xz'],
      ],
    );
    assert.equal(found[4]?.description, 'package linux-config-6.12');
  });

  it('offers nothing from folders that are not there, and no tree config without a tree', () => {
    const empty = mkdtempSync(join(tmpdir(), 'netpaths-candidates-empty-'));
    try {
      assert.deepEqual(configCandidates(undefined, empty), []);
      assert.deepEqual(configCandidates(join(empty, 'nowhere'), empty), []);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
