// The condition evaluator: each rule of the preprocessor and of kconfig.h, three-valued.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateText, optionsOf } from '../../src/analysis/config/condition';
import type { EvalContext } from '../../src/analysis/config/condition';
import { parseDotConfig } from '../../src/analysis/config/dotconfig';

const read = parseDotConfig(
  [
    'CONFIG_X86=y',
    'CONFIG_NET=y',
    'CONFIG_RPS=y',
    'CONFIG_E1000E=m',
    '# CONFIG_NETFILTER is not set',
    'CONFIG_NR_CPUS=64',
    'CONFIG_HZ=250',
    'CONFIG_BASE=0x10',
    'CONFIG_NAME="x"',
  ].join('\n'),
  't',
);
if (!('config' in read)) throw new Error('fixture');
const config = read.config;
const builtIn: EvalContext = { config, module: false };
const inModule: EvalContext = { config, module: true };
const unsure: EvalContext = { config, module: undefined };

function truth(text: string, ctx: EvalContext = builtIn): string {
  return evaluateText(text, ctx);
}

describe('conditions on options', () => {
  it('#ifdef and defined(): y is defined, m defines CONFIG_X_MODULE only, off and absent are not', () => {
    assert.equal(truth('defined(CONFIG_RPS)'), 'true');
    assert.equal(truth('defined CONFIG_RPS'), 'true');
    assert.equal(truth('defined(CONFIG_E1000E)'), 'false');
    assert.equal(truth('defined(CONFIG_E1000E_MODULE)'), 'true');
    assert.equal(truth('defined(CONFIG_RPS_MODULE)'), 'false');
    assert.equal(truth('defined(CONFIG_NETFILTER)'), 'false');
    assert.equal(truth('defined(CONFIG_NOT_IN_THE_FILE)'), 'false');
    assert.equal(truth('!defined(CONFIG_NETFILTER)'), 'true');
  });

  it('IS_ENABLED, IS_BUILTIN, IS_MODULE', () => {
    assert.equal(truth('IS_ENABLED(CONFIG_RPS)'), 'true');
    assert.equal(truth('IS_ENABLED(CONFIG_E1000E)'), 'true');
    assert.equal(truth('IS_ENABLED(CONFIG_NETFILTER)'), 'false');
    assert.equal(truth('IS_BUILTIN(CONFIG_RPS)'), 'true');
    assert.equal(truth('IS_BUILTIN(CONFIG_E1000E)'), 'false');
    assert.equal(truth('IS_MODULE(CONFIG_E1000E)'), 'true');
    assert.equal(truth('IS_MODULE(CONFIG_RPS)'), 'false');
  });

  it('IS_REACHABLE of a module option depends on the file being built into a module', () => {
    assert.equal(truth('IS_REACHABLE(CONFIG_RPS)'), 'true');
    assert.equal(truth('IS_REACHABLE(CONFIG_E1000E)', builtIn), 'false');
    assert.equal(truth('IS_REACHABLE(CONFIG_E1000E)', inModule), 'true');
    assert.equal(truth('IS_REACHABLE(CONFIG_E1000E)', unsure), 'unknown');
    assert.equal(truth('IS_REACHABLE(CONFIG_NETFILTER)', unsure), 'false');
  });

  it('&&, || and ! with the preprocessor rule that an undefined option is 0', () => {
    assert.equal(truth('defined(CONFIG_RPS) && !defined(CONFIG_NETFILTER)'), 'true');
    assert.equal(truth('CONFIG_RPS && CONFIG_NETFILTER'), 'false');
    assert.equal(truth('CONFIG_E1000E'), 'false');
    assert.equal(truth('CONFIG_NETFILTER || (CONFIG_RPS)'), 'true');
    assert.equal(truth('!(IS_ENABLED(CONFIG_RPS) || 0)'), 'false');
  });

  it('compares numeric options', () => {
    assert.equal(truth('CONFIG_NR_CPUS > 1'), 'true');
    assert.equal(truth('CONFIG_NR_CPUS >= 128'), 'false');
    assert.equal(truth('CONFIG_HZ == 250 && CONFIG_BASE == 16'), 'true');
    assert.equal(truth('CONFIG_HZ % 100 != 0'), 'true');
    assert.equal(truth('CONFIG_NETFILTER == 0'), 'true');
    assert.equal(truth('CONFIG_NAME == 1'), 'unknown');
  });

  it('#if 0, #if 1 and arithmetic of literals', () => {
    assert.equal(truth('0'), 'false');
    assert.equal(truth('1'), 'true');
    assert.equal(truth('(2 + 3) * 4 == 20'), 'true');
    assert.equal(truth('1 ? CONFIG_NETFILTER : 1'), 'false');
  });
});

describe('what the evaluator cannot decide keeps both branches', () => {
  it('is unknown for a macro that is not an option, an architecture macro, a function-like macro', () => {
    for (const text of [
      'defined(CONFIG_RPS) && defined(__x86_64__)',
      'BITS_PER_LONG == 64',
      'LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)',
      '!defined(_LINUX_SKBUFF_H)',
      'IS_ENABLED(SOMETHING)',
      '__has_attribute(__fallthrough__)',
    ])
      assert.equal(truth(text), 'unknown', text);
  });

  it('yet false && unknown is false and true || unknown true', () => {
    assert.equal(truth('defined(CONFIG_NETFILTER) && defined(__x86_64__)'), 'false');
    assert.equal(truth('defined(__x86_64__) && defined(CONFIG_NETFILTER)'), 'false');
    assert.equal(truth('defined(CONFIG_RPS) || ARCH_HAS_FOO'), 'true');
    assert.equal(truth('ARCH_HAS_FOO || CONFIG_NETFILTER'), 'unknown');
  });

  it('reads a C condition: the parts that are C it does not evaluate are unknown', () => {
    assert.equal(truth('IS_ENABLED(CONFIG_NETFILTER) && skb->len > 4'), 'false');
    assert.equal(truth('skb->dev && !IS_ENABLED(CONFIG_RPS)'), 'false');
    assert.equal(truth('IS_ENABLED(CONFIG_RPS) && static_branch_unlikely(&rps_needed)'), 'unknown');
    assert.equal(truth('!IS_ENABLED(CONFIG_RPS) || foo[2].bar'), 'unknown');
    assert.equal(truth('IS_ENABLED(CONFIG_RPS) || foo[2].bar'), 'true');
  });

  it('decides __KERNEL__, __ASSEMBLY__ and MODULE from what the file is', () => {
    assert.equal(truth('defined(__KERNEL__)'), 'true');
    assert.equal(truth('!defined(__ASSEMBLY__)'), 'true');
    assert.equal(truth('defined(MODULE)', inModule), 'true');
    assert.equal(truth('defined(MODULE)', builtIn), 'false');
    assert.equal(truth('defined(MODULE)', unsure), 'unknown');
  });

  it('never throws on junk', () => {
    for (const text of ['', ')', '((', 'defined(', '1 +', '? :', '"str"', '#', 'a b c'])
      assert.equal(truth(text), 'unknown', JSON.stringify(text));
  });
});

describe('optionsOf', () => {
  it('names the options, the base of a _MODULE too', () => {
    const s = new Set<string>();
    optionsOf('defined(CONFIG_A) && IS_ENABLED(CONFIG_B_MODULE) || X', s);
    assert.deepEqual([...s].sort(), ['CONFIG_A', 'CONFIG_B', 'CONFIG_B_MODULE']);
  });
});
