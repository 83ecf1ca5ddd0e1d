// Graph JSON -> human-readable text for the terminal (`netpaths ... --format text`).
// Four shapes, chosen by what the graph carries:
//   - `trace` (netpaths trace): each packet's events in order (trace-text.ts); a trace on
//     a preset (`--trace`) is the preset's text, then the trace's;
//   - `paths` (netpaths path): each path as an indented chain, one call per line;
//   - preset annotations (stages): one section per stage with notes, hooks and skb ops,
//     then the skb timeline;
//   - a plain call graph: the calls grouped by caller.
// Every string from the graph passes through `plainText`, so a name cannot carry terminal
// escape sequences.

import type { GraphEdge, GraphJson, GraphNode } from '../graph-json';
import { skbOpCall } from '../knowledge/skb-ops';
import { plainText } from './escape';
import { branchHeads } from './skb-branches';
import { prepareGraph } from './model';
import type { PreparedGraph } from './model';
import { contextTitle, isExecContext } from './stages';
import { traceText } from './trace-text';

const ARROW: Record<GraphEdge['kind'], string> = {
  direct: '→',
  indirect: '⇢',
  async: '⇒',
  wakes: '⇝',
};

/** Graph JSON -> plain text (UTF-8, `\n` line ends, ending with a newline). */
export function toText(graph: GraphJson): string {
  if (graph.trace && !graph.trace.overlay) return traceText(graph);
  const prepared = prepareGraph(graph);
  const byId = new Map(prepared.order.map((n) => [n.id, n]));
  const out: string[] = [];
  if (graph.title) out.push(plainText(graph.title), '');

  if (graph.paths && graph.paths.length > 0) pathsText(graph, byId, out);
  else if (prepared.lanes.length > 0) presetText(graph, prepared, out);
  else callsText(graph, prepared, out);

  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  // A trace on a preset: the path as above (hit functions marked), then what the trace did.
  if (graph.trace) out.push('', traceText({ ...graph, title: '' }).trimEnd());
  return `${out.join('\n')}\n`;
}

/** The text of `netpaths where`: one definition per line, with no call lines. */
export function definitionsText(graph: GraphJson): string {
  const lines = graph.nodes.map(definitionLine);
  return `${[...lines, '', `${graph.nodes.length} definition${graph.nodes.length === 1 ? '' : 's'}.`].join('\n')}\n`;
}

function where(node: GraphNode): string {
  return `${plainText(node.file)}:${node.line}`;
}

/** `napi_schedule  include/linux/netdevice.h:519`, and `(macro)` after a macro. */
function definitionLine(node: GraphNode): string {
  return `${plainText(node.name)}  ${where(node)}${node.kind === 'macro' ? '  (macro)' : ''}${builtTag(node)}`;
}

/**
 * What a configuration makes of a function: `  [module e1000e]`, or `  (not built: #ifdef
 * CONFIG_RPS at net/core/dev.c:4810)` with --show-unbuilt; nothing when built in.
 */
export function builtTag(node: GraphNode): string {
  if (node.built === 'm') return `  [module${node.module ? ` ${plainText(node.module)}` : ''}]`;
  if (node.built === 'n')
    return `  (not built${node.excludedBy ? `: ${plainText(node.excludedBy)}` : ''})`;
  return '';
}

/**
 * A callee's name, with its definition when the graph holds another function of that name:
 * `migrate_disable` is a static inline in preempt.h for one configuration and a function in
 * kernel/sched/core.c for another, and both are callees of one call.
 */
function calleeLabel(graph: GraphJson): (node: GraphNode | undefined, id: string) => string {
  const count = new Map<string, number>();
  for (const n of graph.nodes) count.set(n.name, (count.get(n.name) ?? 0) + 1);
  return (node, id) => {
    if (!node) return plainText(id);
    return (count.get(node.name) ?? 0) > 1
      ? `${plainText(node.name)}  ${where(node)}`
      : plainText(node.name);
  };
}

/** `(indirect: napi_struct.poll = ... at ...; call at net/core/dev.c:6830)` */
function edgeNote(edge: GraphEdge): string {
  const site = `call at ${plainText(edge.file)}:${edge.line}`;
  const dead =
    edge.config === 'dead'
      ? `dead${edge.excludedBy ? `: ${plainText(edge.excludedBy)}` : ''}; `
      : '';
  const verdict = edge.verdict ? `${plainText(edge.verdict)}; ` : '';
  if (edge.kind === 'direct') return `(${dead}${verdict}${site})`;
  return `(${dead}${verdict}${edge.kind}${edge.via ? `: ${plainText(edge.via)}` : ''}; ${site})`;
}

function findEdge(graph: GraphJson, from: string, to: string): GraphEdge | undefined {
  return graph.edges.find((e) => e.from === from && e.to === to);
}

function pathsText(graph: GraphJson, byId: Map<string, GraphNode>, out: string[]): void {
  const paths = graph.paths ?? [];
  paths.forEach((path, p) => {
    out.push(
      `Path ${p + 1} of ${paths.length} (${path.length} function${path.length === 1 ? '' : 's'})`,
    );
    path.forEach((id, i) => {
      const node = byId.get(id);
      const name = node
        ? `${plainText(node.name)}  ${where(node)}${builtTag(node)}`
        : plainText(id);
      if (i === 0) {
        out.push(`  ${name}`);
        return;
      }
      const edge = findEdge(graph, path[i - 1] ?? '', id);
      const arrow = ARROW[edge?.kind ?? 'direct'];
      out.push(`  ${'  '.repeat(i)}${arrow} ${name}${edge ? `  ${edgeNote(edge)}` : ''}`);
    });
    out.push('');
  });
}

function presetText(graph: GraphJson, prepared: PreparedGraph, out: string[]): void {
  const byId = new Map(prepared.order.map((n) => [n.id, n]));
  const label = calleeLabel(graph);
  const callsFrom = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    const list = callsFrom.get(edge.from);
    if (list) list.push(edge);
    else callsFrom.set(edge.from, [edge]);
  }
  const section = (title: string, nodes: GraphNode[]): void => {
    out.push(`== ${title} ==`);
    for (const node of nodes) {
      const ctx = isExecContext(node.context) ? `  [${contextTitle(node.context)}]` : '';
      const macro = node.kind === 'macro' ? '  (macro)' : '';
      const seen = node.observed
        ? `  ● #${node.observed.first}${node.observed.count > 1 ? ` ×${node.observed.count}` : ''}`
        : '';
      out.push(`  ${plainText(node.name)}  ${where(node)}${ctx}${macro}${builtTag(node)}${seen}`);
      if (node.note) out.push(`      ${plainText(node.note)}`);
      // Why a function may not sleep although the path began in a system call.
      if (node.context === 'bh-disabled' && node.contextReason)
        out.push(`      ◇ ${plainText(node.contextReason)}`);
      for (const marker of prepared.markersByNode.get(node.id) ?? [])
        out.push(`      ◆ netfilter hook ${plainText(marker)}`);
      for (const op of prepared.skbByNode.get(node.id) ?? []) {
        out.push(
          `      ⇄ ${plainText(op.op)}(${plainText(op.len)})  ${plainText(op.file)}:${op.line}`,
        );
      }
      for (const drop of node.drops ?? []) {
        const why = drop.known ? '' : `  ${plainText(drop.note)}`;
        out.push(
          `      ⊘ drop ${plainText(drop.reason)}  ${plainText(drop.file)}:${drop.line}  (${plainText(drop.how)})${why}`,
        );
      }
      if (node.collapsed)
        out.push(
          `      ⊕ ${node.collapsed.hidden} more functions collapsed (expand with --expand ${plainText(node.id)})`,
        );
      for (const edge of callsFrom.get(node.id) ?? []) {
        out.push(
          `      ${ARROW[edge.kind]} ${label(byId.get(edge.to), edge.to)}  ${edgeNote(edge)}`,
        );
      }
    }
    out.push('');
  };
  for (const lane of prepared.lanes)
    section(`${lane.title} (${plainText(lane.stage)})`, lane.nodes);
  if (prepared.unstaged.length > 0) section('Other functions', prepared.unstaged);

  const skb = graph.skb ?? [];
  if (skb.length > 0) {
    out.push('== skb timeline ==');
    const heads = branchHeads(skb, (id) => byId.get(id)?.name);
    skb.forEach((op, i) => {
      const fn = byId.get(op.node);
      // A branch of a choice: its heading, indented by the choices around it.
      const depth = op.choices?.length ?? 0;
      for (const [k, head] of (heads[i] ?? []).entries())
        out.push(`  ${'  '.repeat(depth - (heads[i]?.length ?? 0) + k)}${plainText(head)}`);
      out.push(
        `  ${String(i + 1).padStart(2)}. ${plainText(skbOpCall(op.op, op.len || undefined) ?? `${op.op}(${op.len})`)}  in ${plainText(fn?.name ?? op.node)}  ${plainText(op.file)}:${op.line}`,
      );
      if (op.effect) out.push(`      ${plainText(op.effect)}`);
    });
    out.push('');
  }
}

function callsText(graph: GraphJson, prepared: PreparedGraph, out: string[]): void {
  const byId = new Map(prepared.order.map((n) => [n.id, n]));
  const label = calleeLabel(graph);
  const callsFrom = new Map<string, GraphEdge[]>();
  for (const edge of graph.edges) {
    const list = callsFrom.get(edge.from);
    if (list) list.push(edge);
    else callsFrom.set(edge.from, [edge]);
  }
  const called = new Set(graph.edges.map((e) => e.to));
  for (const node of prepared.order) {
    const calls = callsFrom.get(node.id) ?? [];
    if (calls.length === 0 && called.has(node.id)) continue;
    out.push(definitionLine(node));
    if (calls.length === 0) out.push('  (no calls)');
    for (const edge of calls) {
      out.push(`  ${ARROW[edge.kind]} ${label(byId.get(edge.to), edge.to)}  ${edgeNote(edge)}`);
    }
  }
  out.push(
    '',
    `${graph.nodes.length} functions, ${graph.edges.length} calls. → direct  ⇢ indirect (function pointer)  ⇒ async (softirq, work)`,
  );
}
