import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  HOOK_CALLS,
  NF_HOOKS,
  NF_PROTOS,
  findHook,
  hooksInvokedBy,
  scanHookCalls,
} from '../../../src/analysis/knowledge/netfilter';
import { classifyStage } from '../../../src/analysis/knowledge/stages';

describe('netfilter tables', () => {
  test('inet hooks have the uapi enum order', () => {
    assert.deepEqual(
      NF_HOOKS.filter((h) => h.family === 'inet').map((h) => [h.id, h.value]),
      [
        ['NF_INET_PRE_ROUTING', 0],
        ['NF_INET_LOCAL_IN', 1],
        ['NF_INET_FORWARD', 2],
        ['NF_INET_LOCAL_OUT', 3],
        ['NF_INET_POST_ROUTING', 4],
        ['NF_INET_INGRESS', 5],
      ],
    );
    assert.deepEqual(NF_PROTOS.find((p) => p.id === 'NFPROTO_IPV4')?.value, 2);
    assert.deepEqual(NF_PROTOS.find((p) => p.id === 'NFPROTO_IPV6')?.value, 10);
  });

  test('ids and labels are unique', () => {
    for (const list of [
      NF_HOOKS.map((h) => h.id),
      NF_HOOKS.map((h) => h.label),
      NF_PROTOS.map((p) => p.id),
    ])
      assert.equal(new Set(list).size, list.length);
  });

  test('each hook call names a known hook and family, and a function on the path', () => {
    const hooks = new Set(NF_HOOKS.map((h) => h.id));
    const protos = new Set(NF_PROTOS.map((p) => p.id));
    for (const r of HOOK_CALLS) {
      assert.ok(hooks.has(r.hook), r.hook);
      assert.ok(protos.has(r.proto), r.proto);
      assert.equal(
        r.proto === 'NFPROTO_NETDEV',
        r.hook.startsWith('NF_NETDEV_'),
        `${r.function}: family matches the hook`,
      );
      assert.ok(classifyStage(r.function, r.file), `${r.function} is classified`);
      if (r.macro !== 'nf_hook_ingress' && r.macro !== 'nf_hook_egress')
        assert.ok(r.okfn, `${r.function}: ${r.macro} takes an okfn`);
    }
  });

  test('the main path hooks', () => {
    const first = (fn: string): string | undefined => hooksInvokedBy(fn)[0]?.hook;
    assert.equal(first('ip_rcv'), 'NF_INET_PRE_ROUTING');
    assert.equal(first('ip_local_deliver'), 'NF_INET_LOCAL_IN');
    assert.equal(first('ip_forward'), 'NF_INET_FORWARD');
    assert.equal(first('__ip_local_out'), 'NF_INET_LOCAL_OUT');
    assert.equal(first('ip_output'), 'NF_INET_POST_ROUTING');
    assert.equal(first('ipv6_rcv'), 'NF_INET_PRE_ROUTING');
    assert.equal(first('ip6_input'), 'NF_INET_LOCAL_IN');
    assert.equal(first('ip6_xmit'), 'NF_INET_LOCAL_OUT');
    assert.equal(first('ip6_output'), 'NF_INET_POST_ROUTING');
    assert.deepEqual(hooksInvokedBy('tcp_v4_rcv'), []);
    assert.equal(first('br_pass_frame_up'), 'NF_BR_LOCAL_IN');
    assert.equal(first('br_forward_finish'), 'NF_BR_POST_ROUTING');
    assert.deepEqual(
      hooksInvokedBy('__br_forward').map((r) => r.hook),
      ['NF_BR_FORWARD', 'NF_BR_LOCAL_OUT'],
    );
  });

  test('findHook accepts ids, labels and loose spellings', () => {
    assert.equal(findHook('NF_INET_LOCAL_IN')?.id, 'NF_INET_LOCAL_IN');
    assert.equal(findHook('LOCAL_IN')?.id, 'NF_INET_LOCAL_IN');
    assert.equal(findHook('local in')?.id, 'NF_INET_LOCAL_IN');
    assert.equal(findHook('prerouting')?.id, 'NF_INET_PRE_ROUTING');
    assert.equal(findHook('post-routing')?.id, 'NF_INET_POST_ROUTING');
    assert.equal(findHook('netdev_ingress')?.id, 'NF_NETDEV_INGRESS');
    assert.equal(findHook('input'), undefined);
  });
});

describe('scanHookCalls()', () => {
  const text = readFileSync(
    join(__dirname, '..', '..', 'fixtures', 'knowledge', 'hooks.c'),
    'utf8',
  );
  const lines = text.split('\n');
  const lineOf = (needle: string): number => lines.findIndex((l) => l.includes(needle)) + 1;

  test('finds every call with its arguments, line and enclosing function', () => {
    assert.deepEqual(scanHookCalls(text), [
      {
        macro: 'NF_HOOK',
        proto: 'NFPROTO_IPV4',
        hook: 'NF_INET_PRE_ROUTING',
        okfn: 'demo_rcv_finish',
        line: lineOf('return NF_HOOK(NFPROTO_IPV4'),
        function: 'demo_rcv',
      },
      {
        macro: 'NF_HOOK_COND',
        proto: 'NFPROTO_IPV6',
        hook: 'NF_INET_POST_ROUTING',
        okfn: 'demo_finish_output',
        line: lineOf('NF_HOOK_COND('),
        function: 'demo_output',
      },
      {
        macro: 'nf_hook',
        proto: 'NFPROTO_IPV4',
        hook: 'NF_INET_LOCAL_OUT',
        okfn: 'dst_output',
        line: lineOf('return nf_hook('),
        function: '__demo_local_out',
      },
      {
        macro: 'NF_HOOK_LIST',
        proto: 'NFPROTO_IPV4',
        hook: 'NF_INET_PRE_ROUTING',
        okfn: 'demo_rcv_finish',
        line: lineOf('NF_HOOK_LIST('),
        function: 'demo_sublist_rcv',
      },
      {
        macro: 'nf_hook_ingress',
        hook: 'NF_NETDEV_INGRESS',
        line: lineOf('return nf_hook_ingress('),
        function: 'demo_ingress',
      },
      ...['NF_BR_FORWARD', 'NF_BR_LOCAL_OUT'].map((hook) => ({
        macro: 'NF_HOOK',
        proto: 'NFPROTO_BRIDGE',
        hook,
        okfn: 'demo_br_forward_finish',
        line: lineOf('NF_HOOK(NFPROTO_BRIDGE, br_hook'),
        function: 'demo_br_forward',
      })),
      {
        macro: 'nf_hook_state_init',
        proto: 'NFPROTO_BRIDGE',
        hook: 'NF_BR_PRE_ROUTING',
        okfn: 'demo_br_frame_finish',
        line: lineOf('nf_hook_state_init(&state'),
        function: 'demo_br_pre',
      },
    ]);
  });

  test('ignores comments and text without calls', () => {
    assert.deepEqual(
      scanHookCalls(
        '/* NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, a, b) */\n// nf_hook(NFPROTO_IPV4, X)\n',
      ),
      [],
    );
    assert.deepEqual(scanHookCalls(''), []);
  });

  test('reads no call inside a string, nor a bracket or comment opener inside one', () => {
    const text = [
      'int f(void)',
      '{',
      '\tpr_debug("NF_HOOK(NFPROTO_IPV4, NF_INET_FORWARD, a, b)\\n");',
      '\treturn NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_IN, net, ")", "//", /* ) */',
      '\t\t       out, local_finish);',
      '}',
    ].join('\n');
    assert.deepEqual(scanHookCalls(text), [
      {
        macro: 'NF_HOOK',
        proto: 'NFPROTO_IPV4',
        hook: 'NF_INET_LOCAL_IN',
        okfn: 'local_finish',
        line: 4,
        function: 'f',
      },
    ]);
  });
});
