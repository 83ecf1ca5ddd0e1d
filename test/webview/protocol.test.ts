// The host runs every message from the webview through parseWebviewMessage: these tests
// feed it what a compromised page could post.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isHostMessage,
  isRelativeKernelPath,
  MAX_EXPORT_SVG,
  parseWebviewMessage,
} from '../../src/webview/protocol';

describe('parseWebviewMessage accepts each declared message', () => {
  const valid: unknown[] = [
    { type: 'ready' },
    { type: 'openNode', nodeId: 'net/core/dev.c:__napi_poll' },
    { type: 'openNode', nodeId: 'net/core/dev.c:__napi_poll', file: 'net/core/dev.c', line: 6830 },
    { type: 'openEdge', from: 'a.c:f', to: 'b.c:g', file: 'net/core/dev.c', line: 12 },
    { type: 'expand', nodeId: 'x.c:f' },
    { type: 'collapse', nodeId: 'x.c:f' },
    { type: 'depth', delta: 1 },
    { type: 'depth', delta: -1 },
    { type: 'export', format: 'markdown' },
    { type: 'export', format: 'json' },
    { type: 'export', format: 'svg', svg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' },
    { type: 'drawn', nodes: 58, renderMs: 412 },
    { type: 'drawn', nodes: 0, renderMs: 0, loadMs: 350 },
    { type: 'error', message: 'boom' },
  ];
  for (const message of valid) {
    it(JSON.stringify(message).slice(0, 90), () =>
      assert.deepEqual(parseWebviewMessage(message), message),
    );
  }
});

describe('parseWebviewMessage rejects hostile or malformed input', () => {
  const invalid: [string, unknown][] = [
    ['null', null],
    ['a string', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['no type', { nodeId: 'a' }],
    ['unknown type', { type: 'runCommand', command: 'rm -rf /' }],
    ['type of wrong kind', { type: ['ready'] }],
    ['inherited type', Object.create({ type: 'ready' }) as unknown],
    ['openNode without id', { type: 'openNode' }],
    ['openNode with empty id', { type: 'openNode', nodeId: '' }],
    ['openNode with numeric id', { type: 'openNode', nodeId: 42 }],
    ['openNode with control characters', { type: 'openNode', nodeId: 'a\u0000b' }],
    ['openNode with a huge id', { type: 'openNode', nodeId: 'x'.repeat(5000) }],
    ['openNode with file but no line', { type: 'openNode', nodeId: 'a', file: 'a.c' }],
    [
      'openNode with absolute path',
      { type: 'openNode', nodeId: 'a', file: '/etc/passwd', line: 1 },
    ],
    [
      'openNode escaping the tree',
      { type: 'openNode', nodeId: 'a', file: 'net/../../../etc/passwd', line: 1 },
    ],
    [
      'openEdge with a drive letter',
      { type: 'openEdge', from: 'a', to: 'b', file: 'C:/Windows/win.ini', line: 1 },
    ],
    [
      'openEdge with a URI',
      { type: 'openEdge', from: 'a', to: 'b', file: 'file:///etc/passwd', line: 1 },
    ],
    [
      'openEdge with backslashes',
      { type: 'openEdge', from: 'a', to: 'b', file: 'net\\..\\x', line: 1 },
    ],
    ['openEdge with line 0', { type: 'openEdge', from: 'a', to: 'b', file: 'a.c', line: 0 }],
    [
      'openEdge with fractional line',
      { type: 'openEdge', from: 'a', to: 'b', file: 'a.c', line: 1.5 },
    ],
    [
      'openEdge with line as string',
      { type: 'openEdge', from: 'a', to: 'b', file: 'a.c', line: '3' },
    ],
    [
      'openEdge with NaN line',
      { type: 'openEdge', from: 'a', to: 'b', file: 'a.c', line: Number.NaN },
    ],
    ['depth by 5', { type: 'depth', delta: 5 }],
    ['depth as string', { type: 'depth', delta: '1' }],
    ['unknown export format', { type: 'export', format: 'exe' }],
    ['svg export without svg', { type: 'export', format: 'svg' }],
    ['svg attached to another format', { type: 'export', format: 'json', svg: '<svg></svg>' }],
    [
      'svg that is not svg',
      { type: 'export', format: 'svg', svg: '<html><script>alert(1)</script>' },
    ],
    [
      'svg too large',
      { type: 'export', format: 'svg', svg: `<svg>${'x'.repeat(MAX_EXPORT_SVG)}</svg>` },
    ],
    ['drawn without a render time', { type: 'drawn', nodes: 3 }],
    ['drawn with negative nodes', { type: 'drawn', nodes: -1, renderMs: 5 }],
    ['drawn with fractional nodes', { type: 'drawn', nodes: 1.5, renderMs: 5 }],
    [
      'drawn with an infinite time',
      { type: 'drawn', nodes: 3, renderMs: Number.POSITIVE_INFINITY },
    ],
    ['drawn with a load time as string', { type: 'drawn', nodes: 3, renderMs: 5, loadMs: '9' }],
    ['error without message', { type: 'error' }],
    ['error with object message', { type: 'error', message: { toString: 'x' } }],
  ];
  for (const [name, message] of invalid) {
    it(name, () => assert.equal(parseWebviewMessage(message), undefined));
  }

  it('drops undeclared fields and never returns the input object', () => {
    const input = { type: 'expand', nodeId: 'a.c:f', extra: 'x', __proto__: { polluted: true } };
    const parsed = parseWebviewMessage(input);
    assert.deepEqual(parsed, { type: 'expand', nodeId: 'a.c:f' });
    assert.notEqual(parsed, input);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  });

  it('cuts long error messages instead of passing them through', () => {
    const parsed = parseWebviewMessage({ type: 'error', message: 'e'.repeat(10_000) });
    assert.ok(parsed?.type === 'error' && parsed.message.length <= 4001);
  });

  it('returns undefined, not an exception, for getters that throw', () => {
    const tricky = {
      type: 'openNode',
      get nodeId(): string {
        throw new Error('gotcha');
      },
    };
    assert.equal(parseWebviewMessage(tricky), undefined);
  });
});

describe('isRelativeKernelPath', () => {
  it('accepts kernel-relative paths only', () => {
    assert.ok(isRelativeKernelPath('drivers/net/ethernet/intel/e1000e/netdev.c'));
    assert.ok(isRelativeKernelPath('drivers/evil "dir"/f0.c'));
    for (const bad of [
      '',
      '/abs',
      './x',
      'a/./b',
      'a//b',
      'a/',
      '..',
      'a/..',
      'c:x',
      'a\\b',
      'a\nb',
    ])
      assert.ok(!isRelativeKernelPath(bad), bad);
  });
});

describe('isHostMessage', () => {
  it('recognises host messages and ignores anything else', () => {
    assert.ok(
      isHostMessage({
        type: 'graph',
        graph: { nodes: [], edges: [] },
        mermaid: { text: 'flowchart TD\n', nodeIds: {}, edgeIds: {} },
      }),
    );
    assert.ok(isHostMessage({ type: 'highlight', query: 'napi' }));
    assert.ok(isHostMessage({ type: 'setDepth', depth: 3 }));
    assert.ok(isHostMessage({ type: 'focusNode', nodeId: 'a' }));
    assert.ok(isHostMessage({ type: 'status', text: '' }));
    assert.ok(!isHostMessage({ type: 'graph', graph: {} }));
    assert.ok(!isHostMessage({ type: 'openNode', nodeId: 'a' }));
    assert.ok(!isHostMessage('graph'));
  });
});
