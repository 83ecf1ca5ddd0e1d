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
