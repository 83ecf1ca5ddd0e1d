// Preprocessing keeps every offset of the user's file (ARCHITECTURE.md, "Positions are the user's").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks } from '../../src/analysis/parse-file';
import { preprocess } from '../../src/analysis/preprocess';

function assertSameShape(input: string, output: string): void {
  assert.equal(output.length, input.length);
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\n' || output[i] === '\n') assert.equal(output[i], input[i], `newline moved at ${i}`);
  }
}

describe('preprocess', () => {
  it('blanks annotation macros with spaces of the same length', () => {
    const input = 'static int __init foo(char __user *p)\n{\n}\nstatic __always_inline int bar(void) { return 0; }\n';
    const out = preprocess(input);
    assertSameShape(input, out);
    assert.equal(out.split('\n')[0], 'static int        foo(char        *p)');
    assert.match(out, /static {17}int bar\(void\)/);
  });

  it('blanks annotations with arguments, nested parentheses included, across lines', () => {
    const input = 'void f(void) __acquires(&x->lock)\n__attribute__((section(".a"),\n aligned(8)));\n';
    const out = preprocess(input);
    assertSameShape(input, out);
    assert.equal(out.trim().replace(/\s+/g, ' '), 'void f(void) ;');
  });

  it('leaves the definitions of the annotation macros themselves alone', () => {
    const input = '#define __init __section(".init.text")\n#define __printf(a, b) __attribute__((format(printf, a, b)))\n';
    assert.equal(preprocess(input), input);
  });

  it('rewrites SYSCALL_DEFINEn into a function named sys_NAME on the same line', () => {
    const input = 'SYSCALL_DEFINE3(socket, int, family, int, type,\n\t\tint, protocol)\n{\n\treturn __sys_socket(family, type, protocol);\n}\n';
    const out = preprocess(input);
    assertSameShape(input, out);
    assert.match(out.split('\n')[0] as string, /^long sys_socket\( +$/);
    assert.match(out.split('\n')[1] as string, /^ +\)$/);
  });

  it('empties inline asm, whose template may hold macros, keeping lines and #define continuations', () => {
    const input = [
      'static inline void sync_set_bit(long nr, volatile unsigned long *addr)',
      '{',
      '\tasm volatile(',
      '\t\t"lock " __ASM_SIZE(bts) " %1,%0" : "+m" (ADDR) : "Ir" (nr) : "memory");',
      '}',
      '#define mb() asm volatile(ALTERNATIVE("lock addl $0,-4(%%esp)", "mfence", \\',
      '\t\t\t\t      X86_FEATURE_XMM2) ::: "memory", "cc")',
      'register unsigned long current_stack_pointer asm(_ASM_SP);',
      '',
    ].join('\n');
    const out = preprocess(input);
    assertSameShape(input, out);
    assert.equal(out.replace(/\s+/g, ' '), 'static inline void sync_set_bit(long nr, volatile unsigned long *addr) { asm volatile( "" ); } #define mb() asm volatile("" \\ ) register unsigned long current_stack_pointer asm("" ); ');
  });

  it('keeps one configuration of an #if inside an argument list or a split function head', () => {
    const input = [
      'static void doorbell(struct ring *ring)',
      '{',
      '#if defined(__LITTLE_ENDIAN)',
      '\tiowrite32(',
      '#else',
      '\tiowrite32be(',
      '#endif',
      '\t\t  ring->doorbell_qpn, ring->doorbell_address);',
      '}',
      '#ifdef CONFIG_IXGBE_DCB',
      'void set_drop(struct adapter *adapter)',
      '#else',
      'static void set_drop(struct adapter *adapter)',
      '#endif',
      '{',
      '\tif (',
      '#ifdef CONFIG_X86_32',
      '\t    regno == 1 ||',
      '#endif',
      '\t    regno == 2)',
      '\t\treturn;',
      '}',
      '',
    ].join('\n');
    const out = preprocess(input);
    assertSameShape(input, out);
    assert.equal(
      out.replace(/\s+/g, ' '),
      'static void doorbell(struct ring *ring) { iowrite32( ring->doorbell_qpn, ring->doorbell_address); } void set_drop(struct adapter *adapter) { if ( regno == 1 || regno == 2) return; } ',
    );
  });

  it('keeps every branch of an #if inside an initializer, and whole groups elsewhere', () => {
    const input = [
      '#ifndef __ASSEMBLY__',
      'static const struct net_device_ops ops = {',
      '\t.ndo_open = e_open,',
      '#ifdef CONFIG_NET_POLL_CONTROLLER',
      '\t.ndo_poll_controller = e_netpoll,',
      '#else',
      '\t.ndo_poll_controller = NULL,',
      '#endif',
      '};',
      '#ifdef CONFIG_X',
      'int f(void) { return 1; }',
      '#else',
      'int f(void) { return 0; }',
      '#endif',
      '#endif',
      '#ifdef __ASSEMBLY__',
      '.macro FOO reg (',
      '#else',
      'int g(void);',
      '#endif',
      '',
    ].join('\n');
    const out = preprocess(input);
    assertSameShape(input, out);
    const lines = out.split('\n');
    assert.deepEqual(lines.slice(3, 8).map((l) => l.trim()), ['', '.ndo_poll_controller = e_netpoll,', '', '.ndo_poll_controller = NULL,', '']);
    assert.deepEqual(lines.slice(9, 20), input.split('\n').slice(9, 20), 'groups of whole items stay as they are');
  });

  it('turns an iterator macro followed by its loop body into while, and leaves calls and #defines alone', () => {
    const input = [
      'static inline int qdisc_qlen_sum(const struct Qdisc *q)',
      '{',
      '\tif (percpu)',
      '\t\tfor_each_possible_cpu(i)',
      '\t\t\tqlen += per_cpu_ptr(q->cpu_qstats, i)->qlen;',
      '\tlist_for_each_entry_rcu(ptype, &ptype_all, list) {',
      '\t\tdeliver_skb(skb, ptype, orig_dev);',
      '\t}',
      '\tidr_for_each(&idr, free_one, NULL);',
      '\tskb = tcp_sacktag_walk(skb, sk, NULL, state, start, end, dup);',
      '\treturn qlen;',
      '}',
      '#define for_each_dev(d) \\',
      '\tlist_for_each_entry(d, &devs, list)',
      '',
    ].join('\n');
    const out = preprocess(input);
    assertSameShape(input, out);
    const lines = out.split('\n');
    assert.equal(lines[3], '\t\twhile                (i)');
    assert.equal(lines[5], '\twhile                  (ptype, &ptype_all, list) {');
    assert.deepEqual(lines.slice(8, 14), input.split('\n').slice(8, 14));
  });

  it('rewrites BPF_CALL_n into the helper it defines', () => {
    const input = 'BPF_CALL_2(bpf_skb_pull_data, struct sk_buff *, skb, u32, len)\n{\n\treturn 0;\n}\n';
    assert.match(preprocess(input), /^long bpf_skb_pull_data\( +\)\n\{/);
  });

  it('returns the very same string when there is nothing to do', () => {
    const input = 'int main(void) { return 0; }\n';
    assert.equal(preprocess(input), input);
  });
});

describe('chunks', () => {
  it('ends chunks at a closing brace in column 0 once they are long enough, and covers every line', () => {
    const text = ['int a(void)', '{', '}', 'int b(void)', '{', '  x();', '}', 'int c;'].join('\n');
    const parts = chunks(text, 3);
    assert.deepEqual(parts.map((p) => p.firstRow), [0, 3, 7]);
    assert.equal(parts.map((p) => p.text).join('\n'), text);
  });

  it('does not split after a macro continuation line', () => {
    const text = ['#define X \\', '}', 'int a;', '}'].join('\n');
    assert.deepEqual(chunks(text, 1).map((p) => p.firstRow), [0]);
  });
});
