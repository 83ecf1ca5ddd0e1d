// The configuration reader: .config text, compressed files, and bad input in one line.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import {
  kconfigSymbols,
  parseDotConfig,
  tristate,
  unknownOptions,
  unknownOptionsWarning,
} from '../../src/analysis/config/dotconfig';
import { chooseConfig, loadConfig } from '../../src/analysis/config/load';

const SAMPLE = [
  '#',
  '# Automatically generated file; DO NOT EDIT.',
  '#',
  'CONFIG_X86=y',
  'CONFIG_NET=y',
  'CONFIG_E1000E=m',
  '# CONFIG_FEC is not set',
  'CONFIG_NR_CPUS=8192',
  'CONFIG_PHYSICAL_START=0x1000000',
  'CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"',
  '',
].join('\n');

function read(text: string) {
  const r = parseDotConfig(text, 'test.config');
  if ('problem' in r) throw new Error(r.problem);
  return r.config;
}

describe('parseDotConfig', () => {
  it('reads y, m, numbers, hex, strings and "is not set"', () => {
    const c = read(SAMPLE);
    assert.equal(c.values.get('CONFIG_NET'), 'y');
    assert.equal(c.values.get('CONFIG_E1000E'), 'm');
    assert.equal(c.values.get('CONFIG_NR_CPUS'), '8192');
    assert.equal(c.values.get('CONFIG_PHYSICAL_START'), '0x1000000');
    assert.equal(c.values.get('CONFIG_CC_VERSION_TEXT'), '"gcc (Debian 12.2.0-14) 12.2.0"');
    assert.ok(c.unset.has('CONFIG_FEC'));
    assert.equal(c.values.has('CONFIG_FEC'), false);
    assert.equal(c.arch, 'x86');
  });

  it('tells built-in, module and off apart', () => {
    const c = read(SAMPLE);
    assert.equal(tristate(c, 'CONFIG_NET'), 'y');
    assert.equal(tristate(c, 'CONFIG_E1000E'), 'm');
    assert.equal(tristate(c, 'CONFIG_FEC'), 'n');
    assert.equal(tristate(c, 'CONFIG_NEVER_HEARD_OF'), 'n');
    assert.equal(tristate(c, 'CONFIG_NR_CPUS'), 'n');
  });

  it('names the architecture by the option its Kconfig sets', () => {
    assert.equal(read('CONFIG_ARM64=y\nCONFIG_NET=y\n').arch, 'arm64');
    assert.equal(read('CONFIG_NET=y\n').arch, undefined);
  });

  it('says in one line that an empty file, a binary or another text is not a configuration', () => {
    const problem = (text: string): string => {
      const r = parseDotConfig(text, 'f');
      assert.ok('problem' in r, `accepted ${JSON.stringify(text)}`);
      assert.doesNotMatch(r.problem, /\n/);
      return r.problem;
    };
    assert.match(problem(''), /^f is not a kernel configuration: .*empty/);
    assert.match(problem('\0\x01ELF'), /binary/);
    assert.match(problem('[core]\n\tbare = false\n'), /line 1 is "\[core\]"/);
    assert.match(problem('CONFIG_X=maybe\n'), /line 1 gives CONFIG_X the value "maybe"/);
    assert.match(problem('# CONFIG_X is not set\n'), /sets no CONFIG_ option/);
  });
});

describe('options the tree does not know', () => {
  it('are named in one warning line', () => {
    const known = new Set<string>();
    kconfigSymbols('config NET\n\tbool "net"\nmenuconfig E1000E\n  tristate\n', known);
    assert.deepEqual([...known].sort(), ['CONFIG_E1000E', 'CONFIG_NET']);
    const unknown = unknownOptions(read(SAMPLE), known);
    assert.deepEqual(unknown, [
      'CONFIG_CC_VERSION_TEXT',
      'CONFIG_FEC',
      'CONFIG_NR_CPUS',
      'CONFIG_PHYSICAL_START',
      'CONFIG_X86',
    ]);
    assert.equal(
      unknownOptionsWarning('test.config', unknown),
      'test.config sets 5 options this tree does not declare (CONFIG_CC_VERSION_TEXT, CONFIG_FEC, CONFIG_NR_CPUS, CONFIG_PHYSICAL_START, CONFIG_X86); they are ignored',
    );
  });
});

describe('loadConfig', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'netpaths-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a plain, a gzip and an xz configuration alike, by their first bytes', () => {
    const plain = join(dir, 'plain');
    writeFileSync(plain, SAMPLE);
    const gz = join(dir, 'config.gz');
    writeFileSync(gz, gzipSync(SAMPLE));
    const xz = join(dir, 'config-no-suffix');
    writeFileSync(xz, execFileSync('xz', ['-c'], { input: SAMPLE }));
    for (const path of [plain, gz, xz]) {
      const r = loadConfig(path);
      assert.ok('config' in r, `${path}: ${'problem' in r ? r.problem : ''}`);
      assert.equal(r.config.values.get('CONFIG_E1000E'), 'm');
      assert.equal(r.config.source, path);
    }
  });

  it('says in one line that a file is missing, a folder, or a damaged .xz or .gz', () => {
    const damagedXz = join(dir, 'damaged.xz');
    const whole = execFileSync('xz', ['-c'], { input: SAMPLE.repeat(50) });
    writeFileSync(damagedXz, whole.subarray(0, whole.length - 20));
    const damagedGz = join(dir, 'damaged.gz');
    const gz = gzipSync(SAMPLE.repeat(50));
    writeFileSync(damagedGz, gz.subarray(0, gz.length / 2));
    const cases: [string, RegExp][] = [
      [join(dir, 'missing'), /^cannot read the configuration .*missing: no such file$/],
      [dir, /is not a file$/],
      [damagedXz, /damaged\.xz is a damaged \.xz file \(xz: .+\)$/],
      [damagedGz, /damaged\.gz is a damaged \.gz file/],
    ];
    for (const [path, expected] of cases) {
      const r = loadConfig(path);
      assert.ok('problem' in r, path);
      assert.match(r.problem, expected);
      assert.doesNotMatch(r.problem, /\n/);
    }
  });
});

describe('chooseConfig', () => {
  it('takes --config, then NETPATHS_CONFIG, then the tree, and none forces the union', () => {
    assert.deepEqual(chooseConfig('a', 'b', 'c'), { path: 'a', from: '--config' });
    assert.deepEqual(chooseConfig(undefined, 'b', 'c'), { path: 'b', from: 'NETPATHS_CONFIG' });
    assert.deepEqual(chooseConfig(undefined, '', 'c'), { path: 'c', from: 'the tree' });
    assert.ok('none' in chooseConfig('none', 'b', 'c'));
    assert.ok('none' in chooseConfig(undefined, 'none', 'c'));
    assert.ok('none' in chooseConfig(undefined, undefined, undefined));
  });
});
