// Preprocessing keeps every offset of the user's file (ARCHITECTURE.md, "Positions are the user's").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunks } from '../../src/analysis/index/parse-file';
import { preprocess } from '../../src/analysis/index/preprocess';

function assertSameShape(input: string, output: string): void {
  assert.equal(output.length, input.length);
  for (let i = 0; i < input.length; i++) {
    if (input[i] === '\n' || output[i] === '\n')
      assert.equal(output[i], input[i], `newline moved at ${i}`);
  }
}

/** `preprocess(input)`, checked to keep every length and newline. */
function preprocessed(input: string): string {
  const out = preprocess(input);
  assertSameShape(input, out);
  return out;
}

describe('preprocess', () => {
  it('blanks annotation macros with spaces of the same length', () => {
    const input =
      'static int __init foo(char __user *p)\n{\n}\nstatic __always_inline int bar(void) { return 0; }\n';
    const out = preprocessed(input);
    assert.equal(out.split('\n')[0], 'static int        foo(char        *p)');
    assert.match(out, /static {17}int bar\(void\)/);
  });

  it('blanks the section markers of softirq entry code and of ACPICA', () => {
    const input =
      'asmlinkage __visible void __softirq_entry __do_softirq(void)\nacpi_status ACPI_INIT_FUNCTION acpi_load_tables(void)\n';
    const out = preprocessed(input);
    assert.deepEqual(
      out.split('\n').map((l) => l.replace(/ +/g, ' ')),
      [' void __do_softirq(void)', 'acpi_status acpi_load_tables(void)', ''],
    );
  });

  it('blanks annotations with arguments, nested parentheses included, across lines', () => {
    const input =
      'void f(void) __acquires(&x->lock)\n__attribute__((section(".a"),\n aligned(8)));\n';
    const out = preprocessed(input);
    assert.equal(out.trim().replace(/\s+/g, ' '), 'void f(void) ;');
  });

  it('leaves the definitions of the annotation macros themselves alone', () => {
    const input =
      '#define __init __section(".init.text")\n#define __printf(a, b) __attribute__((format(printf, a, b)))\n';
    assert.equal(preprocess(input), input);
  });

  it('rewrites SYSCALL_DEFINEn into a function named sys_NAME on the same line', () => {
    const input =
      'SYSCALL_DEFINE3(socket, int, family, int, type,\n\t\tint, protocol)\n{\n\treturn __sys_socket(family, type, protocol);\n}\n';
    const out = preprocessed(input);
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
    const out = preprocessed(input);
    assert.equal(
      out.replace(/\s+/g, ' '),
      'static inline void sync_set_bit(long nr, volatile unsigned long *addr) { asm volatile( "" ); } #define mb() asm volatile("" \\ ) register unsigned long current_stack_pointer asm("" ); ',
    );
  });

  it('empties inline asm whose template holds a comment with an apostrophe (arch/x86/kernel/rethook.c)', () => {
    const input = [
      'asm(',
      '\t".text\\n"',
      "\t/* Push a fake return address to tell the unwinder it's a rethook. */",
      '\t"\tpushq %rsp\\n"',
      ');',
      '',
    ].join('\n');
    assert.equal(preprocessed(input).replace(/\s+/g, ' '), 'asm( "" ); ');
  });

  it('keeps one configuration of an #if inside an argument list, a split function head or between a head and its bodies', () => {
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
      'static bool is_bcall(struct rep *rep)',
      '#if defined(CONFIG_SUNRPC_BACKCHANNEL)',
      '{',
      '\treturn check(rep);',
      '}',
      '#else',
      '{',
      '\treturn false;',
      '}',
      '#endif',
      '',
    ].join('\n');
    const out = preprocessed(input);
    assert.equal(
      out.replace(/\s+/g, ' '),
      'static void doorbell(struct ring *ring) { iowrite32( ring->doorbell_qpn, ring->doorbell_address); } void set_drop(struct adapter *adapter) { if ( regno == 1 || regno == 2) return; } ' +
        'static bool is_bcall(struct rep *rep) { return check(rep); } ',
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
    const lines = preprocessed(input).split('\n');
    assert.deepEqual(
      lines.slice(3, 8).map((l) => l.trim()),
      ['', '.ndo_poll_controller = e_netpoll,', '', '.ndo_poll_controller = NULL,', ''],
    );
    assert.deepEqual(
      lines.slice(9, 20),
      input.split('\n').slice(9, 20),
      'groups of whole items stay as they are',
    );
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
    const lines = preprocessed(input).split('\n');
    assert.equal(lines[3], '\t\twhile                (i)');
    assert.equal(lines[5], '\twhile                  (ptype, &ptype_all, list) {');
    assert.deepEqual(lines.slice(8, 14), input.split('\n').slice(8, 14));
  });

  it('blanks macro uses alone on a line at file scope, but not defining macros or statements', () => {
    const input = [
      'BTF_KFUNCS_START(arena_kfuncs)',
      'BTF_ID_FLAGS(func, bpf_arena_alloc_pages, KF_TRUSTED_ARGS |',
      '\t     KF_SLEEPABLE) /* two lines */',
      '_PCI_NOP_ALL(write,)',
      'static int __init kfunc_init(void)',
      '{',
      '\treturn 0;',
      '}',
      'SYSCALL_DEFINE0(getpid)',
      '{',
      '}',
      'DEFINE_MUTEX(lock);',
      'MODULE_DESC("x")',
      ';',
      '#define FOO(x) \\',
      'BAR(x)',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.deepEqual(
      lines.slice(0, 4).map((l) => l.trim()),
      ['', '', '/* two lines */', ''],
    );
    assert.equal(lines[4], 'static int        kfunc_init(void)');
    assert.match(
      lines[8] as string,
      /^long sys_getpid\(/,
      'a defining macro is rewritten, not blanked',
    );
    assert.deepEqual(
      lines.slice(11, 16),
      input.split('\n').slice(11, 16),
      'statements and #define bodies stay',
    );
  });

  it('blanks indented lines of macro uses without semicolons, as in a switch of case macros', () => {
    const input = [
      'const char *netdev_cmd_to_name(enum netdev_cmd cmd)',
      '{',
      '\tswitch (cmd) {',
      '\tN(UP) N(DOWN) N(REBOOT)',
      '\tN(CHANGE)',
      '\t}',
      '\tif (x) FOO(a) BAR(b);',
      '#define M(x) \\',
      '\tA(x) B(x)',
      '}',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.equal(lines[3]?.trim(), '');
    assert.deepEqual(
      [4, 6, 8].map((i) => lines[i]),
      ['\tN(CHANGE)', '\tif (x) FOO(a) BAR(b);', '\tA(x) B(x)'],
      'one use, code and #define bodies stay',
    );
  });

  it('blanks a statement macro without a semicolon alone between statements, nowhere else', () => {
    // lib/siphash.c: PREAMBLE(len) and POSTAMBLE hid the functions that use them.
    const input = [
      'u64 siphash_1u64(const u64 first, const siphash_key_t *key)',
      '{',
      '\tu64 m;',
      '\tPREAMBLE(8)',
      '\tv3 ^= first;',
      '#endif',
      '\tPOSTAMBLE',
      '}',
      'static const struct ops o = {',
      '\tCOMMON_OPS',
      '\t.open = f,',
      '};',
      'void g(void)',
      '{',
      '\tIL_ERR',
      '\t    ("bad %d", x);',
      '\tif (x)',
      '\t\tBUG()',
      '\ty = 1;',
      '}',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.deepEqual(
      [3, 6].map((i) => lines[i]?.trim()),
      ['', ''],
    );
    assert.deepEqual(
      [9, 14, 17].map((i) => lines[i]),
      ['\tCOMMON_OPS', '\tIL_ERR', '\t\tBUG()'],
      'initializer macros, split calls and if bodies stay',
    );
  });

  it('turns a macro that closes a loop after its brace into while', () => {
    // kernel/cgroup/cgroup.c: `} while_each_thread(leader, task);` lost the function after it.
    const input = [
      '\tdo {',
      '\t\tx++;',
      '\t} while_each_thread(leader, task);',
      '\tdo_each_pid_task(pid, type, p) {',
      '\t} while_each_pid_task(pid, type, p);',
      '\tn = while_each_count(a);',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.equal(lines[2], '\t} while            (leader, task);');
    assert.equal(lines[3], '\twhile           (pid, type, p) {');
    assert.equal(lines[4], '\t} while              (pid, type, p);');
    assert.equal(lines[5], input.split('\n')[5]);
  });

  it('finds the #if groups of an initializer after a line comment holding a comment opener', () => {
    const input = [
      'static const struct ops o = {',
      '\t.a = x, // see /* below',
      '#ifdef CONFIG_X',
      '\t.b = y,',
      '#else',
      '\t.b = z,',
      '#endif',
      '};',
      '/* below */',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.deepEqual(
      lines.slice(2, 7).map((l) => l.trim()),
      ['', '.b = y,', '', '.b = z,', ''],
    );
  });

  it('finds the #endif after a stray quote in an #if 0 group of an initializer', () => {
    const input = [
      'static const struct ops o = {',
      '\t.a = x,',
      '#if 0',
      "\tit's disabled",
      '#endif',
      '\t.b = y,',
      '};',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.deepEqual(
      lines.slice(2, 5).map((l) => l.trim()),
      ['', "it's disabled", ''],
    );
  });

  it('blanks #define and #undef lines of an X-macro table inside an initializer', () => {
    const input = [
      'static const char * const bch2_counter_names[] = {',
      '#define x(t, n, ...) (#t),',
      '\tBCH_PERSISTENT_COUNTERS()',
      '#undef x',
      '\tNULL',
      '};',
      '#define y(t) t',
      'static int f(void) { return 0; }',
      '',
    ].join('\n');
    const lines = preprocessed(input).split('\n');
    assert.equal(lines[1]?.trim(), '');
    assert.equal(lines[3]?.trim(), '');
    assert.deepEqual(
      [lines[2], lines[6]],
      ['\tBCH_PERSISTENT_COUNTERS()', '#define y(t) t'],
      'the table and a #define outside it stay',
    );
  });

  it('rewrites BPF_CALL_n into the helper it defines', () => {
    const input =
      'BPF_CALL_2(bpf_skb_pull_data, struct sk_buff *, skb, u32, len)\n{\n\treturn 0;\n}\n';
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
    assert.deepEqual(
      parts.map((p) => p.firstRow),
      [0, 3, 7],
    );
    assert.equal(parts.map((p) => p.text).join('\n'), text);
  });

  it('does not split after a macro continuation line', () => {
    const text = ['#define X \\', '}', 'int a;', '}'].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0],
    );
  });

  it('does not split inside a function at a block written in column 0', () => {
    // drivers/net/ethernet/seeq/ether3.c: ether3_rx was cut in two and lost.
    const text = [
      'static int rx(int n)',
      '{',
      '\tdo {',
      'if (n > 9) {',
      ' break;',
      '}',
      '\t} while (--n);',
      '\treturn n;',
      '}',
      'int b;',
    ].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 9],
    );
  });

  it('counts no braces in comments, literals and #define bodies', () => {
    const text = [
      '/* { */',
      '/*',
      '}',
      '*/',
      "char c = '{'; // {",
      'const char *s = "{\\"{";',
      '#define OPEN {',
      '#define OPS { .a = 1, \\',
      '\t.b = 2 }',
      'int f(void)',
      '{',
      '}',
      'int g;',
    ].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 12],
    );
  });

  it('reads a line comment continued by a backslash-newline as a comment', () => {
    const text = ['int f(void)', '{', '\tx(); // a \\', '}', '}', 'int g;'].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 5],
    );
  });

  it('opens no comment at a slash-star inside a string of a #define', () => {
    const text = ['#define OPEN "/*"', 'int f(void)', '{', '}', 'int g; /* */'].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 4],
    );
  });

  it('follows a string literal continued on the next line', () => {
    // tools/testing/selftests/bpf: expected C output in strings, `};` lines among them.
    const text = [
      'void t(void)',
      '{',
      '\tcheck(dump(b), "\\',
      'struct s {\\n\\',
      '};\\n", "c_dump");',
      '}',
      'int g;',
    ].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 6],
    );
  });

  it('starts each branch of an #if at the depth of the #if', () => {
    const text = [
      '#ifdef X',
      'int f(int a) {',
      '#else',
      'int f(void) {',
      '#endif',
      '\treturn 0;',
      '}',
      'int g;',
    ].join('\n');
    assert.deepEqual(
      chunks(text, 1).map((p) => p.firstRow),
      [0, 7],
    );
  });
});
