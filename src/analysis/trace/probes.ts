// The other direction: the tracing commands for what NetPaths drew. From a graph's
// functions, `--format pwru` writes a `pwru --filter-func` command for those that take an
// skb, `--format ftrace` the set_ftrace_filter / set_graph_function lines and a
// `trace-cmd record` command, `--format bpftrace` a script with a kprobe on each. A
// function that cannot be probed is left out with a comment naming it and why: a macro, a
// static inline (compiled into its callers, no symbol), an __init function (freed after
// boot), notrace or noinstr code, one kprobes refuse (NOKPROBE_SYMBOL). Those facts are
// read from the definition's head in the tree, which the caller hands in (`readText`).

import type { GraphJson, GraphNode } from '../graph-json';

export type ProbeFormat = 'pwru' | 'ftrace' | 'bpftrace';
export const PROBE_FORMATS: readonly ProbeFormat[] = ['pwru', 'ftrace', 'bpftrace'];

/** Which tracers cannot probe a function with a given attribute, and why. */
const BLOCKERS: readonly { pattern: RegExp; reason: string; formats: readonly ProbeFormat[] }[] = [
  {
    pattern: /\b(?:inline|__inline__|__always_inline)\b/,
    reason: 'static inline: compiled into its callers, no symbol to probe',
    formats: PROBE_FORMATS,
  },
  { pattern: /\b__init\b/, reason: '__init: its code is freed after boot', formats: PROBE_FORMATS },
  {
    pattern: /\b__exit\b/,
    reason: '__exit: only run when its module unloads',
    formats: PROBE_FORMATS,
  },
  {
    pattern: /\bnoinstr\b/,
    reason: 'noinstr: no tracer may instrument it',
    formats: PROBE_FORMATS,
  },
  { pattern: /\bnotrace\b/, reason: 'notrace: ftrace cannot trace it', formats: ['ftrace'] },
];

/** What a definition's head says about probing it. */
export interface DefinitionHead {
  /** Why it cannot be probed, per format; empty when it can. */
  blocked: { reason: string; formats: readonly ProbeFormat[] }[];
  /** The 0-based position of its `struct sk_buff *` parameter, if it has one. */
  skbArg?: number;
}

/**
 * The head of the function whose name is on `line` (1-based) of `text`: from the end of
 * whatever came before (`;`, `}`, a comment or a blank line) to the `{` of its body.
 */
export function readDefinitionHead(text: string, line: number, name: string): DefinitionHead {
  const lines = text.split('\n');
  let start = line - 1;
  while (start > 0) {
    const prev = (lines[start - 1] ?? '').trim();
    if (prev === '' || /[;}]$/.test(prev) || prev.endsWith('*/') || prev.startsWith('#')) break;
    start--;
  }
  let end = line - 1;
  while (end < lines.length - 1 && end < line + 30 && !(lines[end] ?? '').includes('{')) end++;
  const head = lines
    .slice(start, end + 1)
    .join('\n')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
  const out: DefinitionHead = { blocked: [] };
  for (const b of BLOCKERS) if (b.pattern.test(head)) out.blocked.push(b);
  if (new RegExp(`^\\s*NOKPROBE_SYMBOL\\(\\s*${name}\\s*\\)`, 'm').test(text))
    out.blocked.push({
      reason: 'NOKPROBE_SYMBOL: kprobes refuse it',
      formats: ['pwru', 'bpftrace'],
    });
  const params = paramsOf(head, name);
  const skb = params.findIndex((p) => /\bstruct\s+sk_buff\s*\*(?!\s*\*)/.test(p));
  if (skb >= 0) out.skbArg = skb;
  return out;
}

/** The parameters of `name(...)` in a head, split at top-level commas. */
function paramsOf(head: string, name: string): string[] {
  const at = new RegExp(`\\b${name}\\s*\\(`).exec(head);
  if (!at) return [];
  const params: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of head.slice(at.index + at[0].length)) {
    if (ch === '(') depth++;
    if (ch === ')' && depth-- === 0) break;
    if (ch === ',' && depth === 0) {
      params.push(current);
      current = '';
    } else current += ch;
  }
  params.push(current);
  return params.map((p) => p.trim()).filter((p) => p !== '' && p !== 'void');
}

interface Probe {
  node: GraphNode;
  skbArg?: number;
}

interface LeftOut {
  node: GraphNode;
  reason: string;
}

/** The graph's functions split into those `format` can probe and those it cannot. */
export function probePlan(
  graph: GraphJson,
  format: ProbeFormat,
  readText: (path: string) => string | undefined,
): { probes: Probe[]; leftOut: LeftOut[] } {
  const probes: Probe[] = [];
  const leftOut: LeftOut[] = [];
  const seen = new Set<string>();
  const texts = new Map<string, string | undefined>();
  for (const node of graph.nodes) {
    if (seen.has(node.name)) continue;
    seen.add(node.name);
    if (node.kind === 'macro') {
      leftOut.push({ node, reason: 'a macro: no function to probe' });
      continue;
    }
    if (!texts.has(node.file)) texts.set(node.file, readText(node.file));
    const text = texts.get(node.file);
    if (text === undefined) {
      leftOut.push({ node, reason: `its file ${node.file} cannot be read to check it` });
      continue;
    }
    const head = readDefinitionHead(text, node.line, node.name);
    const blocked = head.blocked.find((b) => b.formats.includes(format));
    if (blocked) leftOut.push({ node, reason: blocked.reason });
    else if (format === 'pwru' && head.skbArg === undefined)
      leftOut.push({
        node,
        reason: 'takes no struct sk_buff *: pwru probes only functions that do',
      });
    else probes.push(head.skbArg !== undefined ? { node, skbArg: head.skbArg } : { node });
  }
  return { probes, leftOut };
}

/** A comment line: a static function may have been inlined by the compiler all the same. */
const INLINED_NOTE = (comment: string, then: string): string =>
  `${comment} A static function the compiler inlined has no symbol of its own: ${then}.`;

/** `# name  file:line  reason` lines for what is left out, after a heading. */
function leftOutLines(leftOut: readonly LeftOut[], comment: string): string[] {
  if (leftOut.length === 0) return [];
  const width = Math.max(...leftOut.map((l) => l.node.name.length));
  return [
    `${comment} Left out (${leftOut.length}):`,
    ...leftOut.map(
      (l) =>
        `${comment}   ${l.node.name.padEnd(width)}  ${l.node.file}:${l.node.line}  ${l.reason}`,
    ),
  ];
}

/** A name as safe in a shell word, a regex or a bpftrace probe: C identifiers only. */
function identifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * Where a function_graph trace starts: the functions no call of the graph enters, and those
 * a deferral runs (a softirq handler starts a call tree of its own).
 */
function roots(graph: GraphJson, names: ReadonlySet<string>): string[] {
  const called = new Set(
    graph.edges.filter((e) => e.from !== e.to && e.kind !== 'async').map((e) => e.to),
  );
  const byId = new Map(graph.nodes.map((n) => [n.id, n.name]));
  const out = graph.nodes.filter((n) => !called.has(n.id) && names.has(n.name)).map((n) => n.name);
  if (out.length > 0) return [...new Set(out)];
  const first = graph.nodes.find((n) => names.has(n.name));
  return first ? [byId.get(first.id) ?? first.name] : [];
}

/** The tracing commands for a graph's functions, in `format` (text ending with a newline). */
export function probeScript(
  graph: GraphJson,
  format: ProbeFormat,
  readText: (path: string) => string | undefined,
): string {
  const plan = probePlan(graph, format, readText);
  const odd = plan.probes.filter((p) => !identifier(p.node.name));
  const probes = plan.probes.filter((p) => identifier(p.node.name));
  const leftOut = [
    ...plan.leftOut,
    ...odd.map((p) => ({ node: p.node, reason: 'not a C identifier' })),
  ];
  const title = (graph.title ?? 'the graph').replace(/[\r\n]+/g, ' ');
  const names = probes.map((p) => p.node.name);
  const count = `${names.length} function${names.length === 1 ? '' : 's'}`;
  const out: string[] = [];
  if (format === 'pwru') {
    out.push(`# pwru: the ${count} of ${title} that take an skb.`);
    out.push(INLINED_NOTE('#', 'pwru skips it'));
    out.push(`# Add a pcap filter ('tcp and port 80') to follow one flow.`);
    out.push(
      names.length > 0
        ? `pwru --output-tuple --filter-func '^(?:${names.join('|')})$'`
        : '# (no function of the graph can be probed by pwru)',
    );
    out.push(...leftOutLines(leftOut, '#'));
  } else if (format === 'ftrace') {
    const set = new Set(names);
    const graphRoots = roots(graph, set);
    out.push(
      `# ftrace: the ${count} of ${title}, as function_graph from ${graphRoots.join(', ') || 'them'}.`,
    );
    out.push(INLINED_NOTE('#', 'ftrace refuses its name'));
    out.push('cd /sys/kernel/tracing');
    out.push('echo nop > current_tracer');
    out.push('echo > set_ftrace_filter');
    out.push('echo > set_graph_function');
    for (const n of names) out.push(`echo ${n} >> set_ftrace_filter`);
    for (const n of graphRoots) out.push(`echo ${n} >> set_graph_function`);
    out.push('echo function_graph > current_tracer');
    out.push('# Or, with trace-cmd:');
    out.push(
      `# trace-cmd record -p function_graph ${[...graphRoots.map((n) => `-g ${n}`), ...names.map((n) => `-l ${n}`)].join(' ')}`,
    );
    out.push(...leftOutLines(leftOut, '#'));
  } else {
    out.push('#!/usr/bin/env bpftrace');
    out.push(`// bpftrace: a kprobe on each of the ${count} of ${title};`);
    out.push('// each hit prints the function, the CPU and the skb when it takes one.');
    out.push(INLINED_NOTE('//', 'bpftrace stops at its probe: remove that line'));
    const byArg = new Map<number | undefined, string[]>();
    for (const p of probes) byArg.set(p.skbArg, [...(byArg.get(p.skbArg) ?? []), p.node.name]);
    for (const [arg, list] of byArg) {
      const attach = list.map((n) => `kprobe:${n}`).join(',\n');
      const print =
        arg === undefined
          ? 'printf("%-40s cpu %d\\n", func, cpu);'
          : `printf("%-40s cpu %d skb %p\\n", func, cpu, arg${arg});`;
      out.push('', `${attach}\n{\n  ${print}\n}`);
    }
    if (leftOut.length > 0) out.push('', ...leftOutLines(leftOut, '//'));
  }
  return `${out.join('\n')}\n`;
}
