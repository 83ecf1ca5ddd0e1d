// `--show-unbuilt`: a query answered on the union of every configuration, each function
// and call then marked by what the configuration makes of it. A function is built (`y`,
// `m` and its module) when the configuration's graph has it at the same place; else `n`,
// with the first reason (the makefile line, or the condition around it). A call is `live`
// when the configuration's graph has it, else `dead`.

import type { GraphJson, GraphNode } from '../graph-json';
import type { Graph } from '../index/graph';
import type { KernelConfig } from './dotconfig';
import { type FileVerdict, excludingCondition, explainFile } from './explain';
import type { BuildMap, ReadText } from './kbuild';

export function markUnbuilt(
  json: GraphJson,
  configured: Graph,
  config: KernelConfig,
  build: BuildMap,
  read: ReadText,
): void {
  const verdicts = new Map<string, FileVerdict>();
  const verdict = (path: string): FileVerdict => {
    let v = verdicts.get(path);
    if (!v) verdicts.set(path, (v = explainFile(config, build, read, path)));
    return v;
  };
  const excluded = (path: string, line: number): string | undefined => {
    const v = verdict(path);
    if (v.built === 'n') return v.short ?? `${path} is not built`;
    const text = read(path);
    if (text === undefined) return undefined;
    const m = v.built === 'm';
    return (
      excludingCondition(config, path, text, line, 0, m) ??
      excludingCondition(config, path, text, line, 1e6 - 1, m)
    );
  };
  const found = (node: GraphNode): number | undefined =>
    configured
      .lookup(node.name)
      .find((n) => configured.file(n) === node.file && configured.line(n) === node.line);
  const byId = new Map<string, GraphNode>();
  const nodes = new Map<string, number | undefined>();
  for (const node of json.nodes) {
    byId.set(node.id, node);
    const n = found(node);
    nodes.set(node.id, n);
    if (n !== undefined) {
      node.built = configured.built(n) ?? 'y';
      const module = configured.module(n);
      if (module !== undefined) node.module = module;
    } else {
      node.built = 'n';
      node.excludedBy =
        excluded(node.file, node.line) ?? 'the configuration resolves this name elsewhere';
    }
  }
  for (const edge of json.edges) {
    const from = nodes.get(edge.from);
    const to = byId.get(edge.to);
    const live =
      from !== undefined &&
      to !== undefined &&
      [...configured.outgoing(from)].some((e) => {
        const t = configured.to(e);
        return (
          configured.edgeLine(e) === edge.line &&
          configured.name(t) === to.name &&
          configured.file(t) === to.file &&
          configured.line(t) === to.line
        );
      });
    edge.config = live ? 'live' : 'dead';
    if (live) continue;
    const caller = byId.get(edge.from);
    const why =
      caller?.built === 'n'
        ? caller.excludedBy
        : (excluded(edge.file, edge.line) ??
          (to?.built === 'n' ? `${to.name}: ${to.excludedBy ?? 'not built'}` : undefined));
    if (why !== undefined) edge.excludedBy = why;
  }
}

/** The best of two build states: built in, then a module, then not built. */
const rank = { y: 2, m: 1, n: 0 } as const;

/**
 * What a configuration builds of each driver: the best state of the files that define
 * its entry points (interrupt, poll, transmit), else of the `.c` files of its folder.
 */
export function markDrivers(
  list: DriverBuildTarget[],
  config: KernelConfig,
  build: BuildMap,
  read: ReadText,
): void {
  for (const d of list) {
    const files = new Set(
      [...d.irq, ...d.poll, ...d.xmit].map((id) => id.slice(0, id.indexOf(':'))),
    );
    if (files.size === 0)
      for (const path of build.files.keys())
        if (path.startsWith(`${d.dir}/`) && !path.slice(d.dir.length + 1).includes('/'))
          files.add(path);
    let best: FileVerdict | undefined;
    for (const path of files) {
      const v = explainFile(config, build, read, path);
      if (!best || rank[v.built] > rank[best.built]) best = v;
    }
    d.built = best?.built ?? 'n';
    if (best?.module !== undefined) d.module = best.module;
  }
}

/** The fields of a driver (presets' DriverSummary) that markDrivers reads and sets. */
export interface DriverBuildTarget {
  dir: string;
  irq: string[];
  poll: string[];
  xmit: string[];
  built?: 'y' | 'm' | 'n';
  module?: string;
}
