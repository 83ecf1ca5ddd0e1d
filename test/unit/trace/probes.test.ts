// The tracing commands for a graph's functions: what each tracer can probe, read from the
// definitions' heads, and every function left out named with the reason.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GraphJson } from '../../../src/analysis/graph-json';
import { probePlan, probeScript, readDefinitionHead } from '../../../src/analysis/trace/probes';

const SOURCE = `/* net/demo.c */
static inline int fast_path(struct sk_buff *skb)
{
	return 0;
}

int ip_demo_rcv(struct net *net, struct sock *sk,
		struct sk_buff *skb)
{
	return fast_path(skb);
}

static int __init demo_init(void)
{
	return 0;
}

static notrace void demo_notrace(struct sk_buff *skb)
{
}

static int
demo_list(struct list_head *head, struct sk_buff **pskb)
{
	return 0;
}

int demo_noprobe(struct sk_buff *skb)
{
	return 0;
}
NOKPROBE_SYMBOL(demo_noprobe);

static __always_inline void demo_always(struct sk_buff *skb)
{
}
`;

const lineOf = (name: string): number =>
  SOURCE.split('\n').findIndex((l) => new RegExp(`\\b${name}\\(`).test(l)) + 1;

const node = (name: string, kind?: 'macro'): GraphJson['nodes'][number] => ({
  id: `net/demo.c:${name}`,
  name,
  file: 'net/demo.c',
  line: kind === 'macro' ? 1 : lineOf(name),
  ...(kind ? { kind } : {}),
});

const graph: GraphJson = {
  title: 'demo ingress',
  nodes: [
    node('ip_demo_rcv'),
    node('fast_path'),
    node('demo_init'),
    node('demo_notrace'),
    node('demo_list'),
    node('demo_noprobe'),
    node('demo_always'),
    node('DEMO_MACRO', 'macro'),
    { id: 'net/other.c:softirq_handler', name: 'softirq_handler', file: 'net/other.c', line: 3 },
  ],
  edges: [
    {
      from: 'net/demo.c:ip_demo_rcv',
      to: 'net/demo.c:fast_path',
      kind: 'direct',
      file: 'net/demo.c',
      line: 9,
    },
    {
      from: 'net/demo.c:ip_demo_rcv',
      to: 'net/other.c:softirq_handler',
      kind: 'async',
      file: 'net/demo.c',
      line: 9,
    },
  ],
};
const readText = (path: string): string | undefined => (path === 'net/demo.c' ? SOURCE : undefined);

describe('tracing commands for a graph', () => {
  test('a definition head: inline, __init, notrace, NOKPROBE_SYMBOL, the skb parameter', () => {
    assert.deepEqual(readDefinitionHead(SOURCE, lineOf('ip_demo_rcv'), 'ip_demo_rcv'), {
      blocked: [],
      skbArg: 2,
    });
    const reasons = (name: string): string[] =>
      readDefinitionHead(SOURCE, lineOf(name), name).blocked.map(
        (b) => b.reason.split(':')[0] ?? '',
      );
    assert.deepEqual(reasons('fast_path'), ['static inline']);
    assert.deepEqual(reasons('demo_always'), ['static inline']);
    assert.deepEqual(reasons('demo_init'), ['__init']);
    assert.deepEqual(reasons('demo_notrace'), ['notrace']);
    assert.deepEqual(reasons('demo_noprobe'), ['NOKPROBE_SYMBOL']);
    assert.equal(readDefinitionHead(SOURCE, lineOf('demo_list'), 'demo_list').skbArg, undefined);
  });

  test('pwru: the functions that take an skb, one anchored regex; the rest left out with why', () => {
    const script = probeScript(graph, 'pwru', readText);
    const command = script.split('\n').find((l) => l.startsWith('pwru '));
    assert.equal(command, "pwru --output-tuple --filter-func '^(?:ip_demo_rcv|demo_notrace)$'");
    for (const [name, why] of [
      ['fast_path', 'static inline'],
      ['demo_init', '__init'],
      ['demo_list', 'takes no struct sk_buff *'],
      ['demo_noprobe', 'NOKPROBE_SYMBOL'],
      ['DEMO_MACRO', 'a macro'],
      ['softirq_handler', 'cannot be read'],
    ] as const) {
      assert.ok(
        script.split('\n').some((l) => l.startsWith(`#   ${name} `) && l.includes(why)),
        `${name}: ${why}`,
      );
    }
  });

  test('ftrace: filter lines for what it can trace, graph functions where call trees start, trace-cmd', () => {
    const script = probeScript(graph, 'ftrace', readText);
    const lines = script.split('\n');
    assert.deepEqual(
      lines.filter((l) => l.endsWith('>> set_ftrace_filter')),
      [
        'echo ip_demo_rcv >> set_ftrace_filter',
        'echo demo_list >> set_ftrace_filter',
        'echo demo_noprobe >> set_ftrace_filter',
      ],
    );
    assert.ok(lines.some((l) => l.startsWith('#   demo_notrace ') && l.includes('notrace')));
    assert.ok(
      lines.includes(
        '# trace-cmd record -p function_graph -g ip_demo_rcv -g demo_list -g demo_noprobe -l ip_demo_rcv -l demo_list -l demo_noprobe',
      ),
      script,
    );
    // softirq_handler starts a call tree of its own (an async edge), but cannot be read.
    assert.ok(!lines.includes('echo softirq_handler >> set_graph_function'));
  });

  test('bpftrace: a kprobe on each probeable function, printing the skb argument where there is one', () => {
    const script = probeScript(graph, 'bpftrace', readText);
    assert.ok(script.startsWith('#!/usr/bin/env bpftrace\n'));
    assert.ok(
      script.includes(
        'kprobe:ip_demo_rcv\n{\n  printf("%-40s cpu %d skb %p\\n", func, cpu, arg2);\n}',
      ),
    );
    assert.ok(script.includes('kprobe:demo_list\n{\n  printf("%-40s cpu %d\\n", func, cpu);\n}'));
    assert.ok(!/kprobe:(?:fast_path|demo_noprobe|demo_init)\b/.test(script));
    assert.ok(script.includes('//   demo_noprobe '));
  });

  test('every function of the graph is either probed or left out, once', () => {
    for (const format of ['pwru', 'ftrace', 'bpftrace'] as const) {
      const plan = probePlan(graph, format, readText);
      assert.deepEqual(
        [...plan.probes.map((p) => p.node.name), ...plan.leftOut.map((l) => l.node.name)].sort(),
        graph.nodes.map((n) => n.name).sort(),
      );
    }
  });

  test('a name that is no C identifier is never written into a command', () => {
    const hostile: GraphJson = {
      nodes: [{ id: 'x', name: "a';rm -rf /;'", file: 'net/demo.c', line: 2 }],
      edges: [],
    };
    const script = probeScript(hostile, 'pwru', () => 'int x(struct sk_buff *skb) {}');
    assert.ok(!script.includes("pwru --output-tuple --filter-func '^(?:a'"));
  });
});
