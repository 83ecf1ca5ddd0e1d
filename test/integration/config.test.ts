// A kernel configuration applied to the real Linux 6.12 tree: Debian's amd64 configuration
// (linux-config-6.12) and one derived from it with RPS, XPS and netfilter switched off.
// Each expectation about a branch is read from the tree's source (the directive and the
// call lines), never written here.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfigText } from '../../src/analysis/config/load';
import type { GraphJson } from '../../src/analysis/graph-json';
import type { DriverSummary } from '../../src/analysis/presets';
import { kernelRoot, runCli } from '../helpers/kernel';

const DEBIAN = '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz';
const SWITCHED_OFF = ['CONFIG_RPS', 'CONFIG_XPS', 'CONFIG_NETFILTER'];

let work: string;
let derived: string;

function json<T = GraphJson>(args: string[]): T {
  const r = runCli([...args, '--format', 'json']);
  assert.equal(r.status, 0, `netpaths ${args.join(' ')}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

function lines(file: string): string[] {
  return readFileSync(join(kernelRoot(), file), 'utf8').split('\n');
}

/** The 1-based line of the nearest `#if`/`#ifdef` above `line` that names `option`. */
function directiveAbove(file: string, line: number, option: string): number {
  const text = lines(file);
  for (let i = line - 2; i >= 0; i--)
    if (/^\s*#\s*if/.test(text[i] ?? '') && new RegExp(`\\b${option}\\b`).test(text[i] ?? ''))
      return i + 1;
  assert.fail(`no #if naming ${option} above ${file}:${line}`);
}

/** The 1-based line of the `#else` that closes the `#ifdef option` group opened at `from`. */
function elseOf(file: string, from: number): number {
  const text = lines(file);
  let depth = 0;
  for (let i = from - 1; i < text.length; i++) {
    const l = text[i] ?? '';
    if (/^\s*#\s*if/.test(l)) depth++;
    else if (/^\s*#\s*endif/.test(l)) depth--;
    else if (depth === 1 && /^\s*#\s*else/.test(l)) return i + 1;
    if (depth === 0) break;
  }
  assert.fail(`no #else for ${file}:${from}`);
}

describe('a kernel configuration on the 6.12 tree (Debian amd64 and one derived from it)', () => {
  before(() => {
    kernelRoot();
    work = mkdtempSync(join(tmpdir(), 'netpaths-config-it-'));
    const read = readConfigText(DEBIAN);
    if ('problem' in read) throw new Error(read.problem);
    let text = read.text;
    for (const option of SWITCHED_OFF) {
      assert.match(text, new RegExp(`^${option}=y$`, 'm'), `${option} is on in Debian's`);
      text = text.replace(new RegExp(`^${option}=y$`, 'm'), `# ${option} is not set`);
    }
    derived = join(work, 'derived.config');
    writeFileSync(derived, text);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('builds e1000e and ixgbe as modules and leaves out the i.MX fec driver', () => {
    const drivers = json<DriverSummary[]>(['drivers', '--config', DEBIAN]);
    const state = (name: string): { built?: string; module?: string } =>
      drivers.find((d) => d.name === name) ?? assert.fail(`${name} is not listed`);
    assert.deepEqual(state('e1000e'), { ...state('e1000e'), built: 'm', module: 'e1000e' });
    assert.deepEqual(state('ixgbe'), { ...state('ixgbe'), built: 'm', module: 'ixgbe' });
    assert.equal(state('fec').built, 'n');
    const built = json<DriverSummary[]>(['drivers', '--config', DEBIAN, '--built']);
    assert.ok(built.some((d) => d.name === 'ixgbe'));
    assert.ok(!built.some((d) => d.name === 'fec'));
  });

  for (const driver of ['e1000e', 'ixgbe'])
    for (const direction of ['ingress', 'egress'])
      it(`draws the ${direction} path of ${driver}, its functions in module ${driver}`, () => {
        const g = json([direction, '--driver', driver, '--config', DEBIAN]);
        assert.equal(g.configuration?.source, DEBIAN);
        const own = g.nodes.filter((n) => n.file.includes(`/intel/${driver}/`));
        assert.ok(own.length >= 2, `${driver} functions on the path`);
        for (const n of own) assert.deepEqual([n.built, n.module], ['m', driver], n.id);
        assert.ok(g.nodes.some((n) => n.file.startsWith('net/') && n.built === 'y'));
        assert.ok(g.nodes.every((n) => n.built === 'y' || n.built === 'm'));
      });

  it('RPS: the receive path steers by get_rps_cpu with it, and never calls it without it', () => {
    const callers = json(['callers', 'get_rps_cpu', '--config', DEBIAN]);
    const calls = callers.edges.filter((e) => e.to.endsWith(':get_rps_cpu'));
    assert.ok(calls.length >= 2);
    for (const e of calls) {
      assert.match(lines(e.file)[e.line - 1] ?? '', /get_rps_cpu\(/);
      directiveAbove(e.file, e.line, 'CONFIG_RPS');
    }
    const off = runCli(['where', 'get_rps_cpu', '--config', derived]);
    assert.equal(off.status, 1);
    assert.match(off.stderr, /get_rps_cpu is not built by the configuration/);
    const internal = json([
      'callees',
      'netif_receive_skb_internal',
      '--config',
      derived,
      '--show-unbuilt',
    ]);
    const dead = internal.edges.find((e) => e.to.endsWith(':get_rps_cpu'));
    assert.ok(dead, 'the call is drawn with --show-unbuilt');
    assert.equal(dead.config, 'dead');
    const directive = directiveAbove(dead.file, dead.line, 'CONFIG_RPS');
    assert.equal(
      dead.excludedBy,
      `${lines(dead.file)[directive - 1]?.trim()} at ${dead.file}:${directive}`,
    );
    const live = json(['callees', 'netif_receive_skb_internal', '--config', derived]);
    assert.ok(!live.edges.some((e) => e.to.endsWith(':get_rps_cpu')));
    assert.ok(live.edges.some((e) => e.to.endsWith(':__netif_receive_skb')));
  });

  it('XPS: get_xps_queue reads the XPS maps with it, and calls nothing of them without it', () => {
    const on = json(['callees', 'get_xps_queue', '--config', DEBIAN]);
    const idx = on.edges.filter((e) => e.to.endsWith(':__get_xps_queue_idx'));
    assert.ok(idx.length >= 1);
    for (const e of idx) {
      assert.match(lines(e.file)[e.line - 1] ?? '', /__get_xps_queue_idx\(/);
      directiveAbove(e.file, e.line, 'CONFIG_XPS');
    }
    const off = json(['callees', 'get_xps_queue', '--config', derived]);
    assert.ok(!off.edges.some((e) => e.to.endsWith(':__get_xps_queue_idx')));
    assert.ok(off.nodes.some((n) => n.name === 'get_xps_queue' && n.built === 'y'));
  });

  it('netfilter: NF_HOOK runs the hooks with it, and calls its okfn directly without it', () => {
    const where = (config: string): GraphJson => json(['where', 'NF_HOOK', '--config', config]);
    const [real] = where(DEBIAN).nodes;
    const [stub] = where(derived).nodes;
    assert.equal(where(DEBIAN).nodes.length, 1);
    assert.equal(where(derived).nodes.length, 1);
    assert.ok(real && stub && real.file === stub.file);
    const open = directiveAbove(real.file, real.line, 'CONFIG_NETFILTER');
    const other = elseOf(real.file, open);
    assert.ok(real.line > open && real.line < other, `${real.line} in #ifdef CONFIG_NETFILTER`);
    assert.ok(stub.line > other, `${stub.line} after the #else at ${other}`);
    const on = json(['callees', 'NF_HOOK', '--config', DEBIAN]);
    assert.ok(on.edges.some((e) => e.to.endsWith(':nf_hook')));
    const off = json(['callees', 'NF_HOOK', '--config', derived]);
    assert.ok(!off.edges.some((e) => e.to.endsWith(':nf_hook')));
    // The stub's body, read from the tree, is the okfn call alone.
    const body = lines(stub.file)
      .slice(stub.line - 1, stub.line + 6)
      .join('\n');
    assert.match(body, /return okfn\(/);
    assert.doesNotMatch(body, /nf_hook/);
    assert.equal(off.edges.length, 0, 'the stub calls no function by name');
    const hooks = runCli(['path', '--from', 'ip_rcv', '--to', 'nf_hook_slow', '--config', DEBIAN]);
    assert.equal(hooks.status, 0, hooks.stderr);
    const none = runCli(['path', '--from', 'ip_rcv', '--to', 'nf_hook_slow', '--config', derived]);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /nf_hook_slow is not built by the configuration/);
    // Either way ip_rcv's okfn, ip_rcv_finish, is called through NF_HOOK's parameter.
    for (const config of [DEBIAN, derived])
      assert.ok(
        json(['callees', 'ip_rcv', '--config', config]).edges.some(
          (e) => e.to.endsWith(':ip_rcv_finish') && e.kind === 'indirect',
        ),
      );
  });

  it('a stub and the real function of one name: exactly one on the graph per configuration', () => {
    const union = json(['where', 'nf_hook', '--config', 'none']).nodes;
    assert.equal(union.length, 2, 'the union holds both nf_hook');
    const on = json(['where', 'nf_hook', '--config', DEBIAN]).nodes;
    const off = json(['where', 'nf_hook', '--config', derived]).nodes;
    assert.equal(on.length, 1);
    assert.equal(off.length, 1);
    const [a, b] = [on[0], off[0]];
    assert.ok(a && b && a.line !== b.line);
    const open = directiveAbove(a.file, a.line, 'CONFIG_NETFILTER');
    assert.ok(a.line < elseOf(a.file, open) && b.line > elseOf(b.file, open));
    assert.match(
      lines(b.file)
        .slice(b.line - 1, b.line + 1)
        .join(' '),
      /static inline/,
    );
  });

  it('switching between the two configurations on the warm index parses nothing', () => {
    type Stats = { reparsed: number; configuration: string; configGraph: string };
    const first = json<Stats>(['index', '--config', DEBIAN]);
    const second = json<Stats>(['index', '--config', derived]);
    const back = json<Stats>(['index', '--config', DEBIAN]);
    for (const s of [first, second, back]) assert.equal(s.reparsed, 0);
    assert.equal(second.configuration, derived);
    assert.equal(back.configGraph, 'cached');
  });
});
