// The analysis server: a Node child process the extension forks (dist/server.js). It owns
// the index and the loaded call graph and answers the requests of src/server-protocol.ts
// over the IPC channel. A thin shell over src/analysis, like the CLI.
//
// Invariants: only `open` changes state, and it swaps the loaded graph in one step when the
// new one is complete: queries meanwhile answer from the old one. Every failure is
// one line in an `error` reply; the process never exits on a bad request.

import type { Graph } from '../analysis/index/graph';
import { buildIndex } from '../analysis/index/indexer';
import { NotKernelTreeError } from '../analysis/index/walk';
import { kernelTextReader } from '../analysis/kernel-text';
import { PresetContext, buildPreset, entryPoints } from '../analysis/presets';
import { findPaths } from '../analysis/query/paths';
import {
  QueryError,
  edgeJson,
  neighbourhood,
  nodeJson,
  selectNodes,
} from '../analysis/query/query';
import { basename } from 'node:path';
import type { GraphJson } from '../analysis/graph-json';
import { DEFAULT_MAX_GAP, overlayTrace, probeScript } from '../analysis/trace';
import { checkTraceFile, joinRead, readTraces, traceFile } from '../analysis/trace-files';
import { type ServerConfiguration, chooseConfiguration } from './configuration';
import type {
  CallGroup,
  HostToServer,
  IndexSummary,
  Method,
  PresetParams,
  Requests,
  ServerToHost,
} from './protocol';

interface Loaded {
  root: string;
  graph: Graph;
  presets: PresetContext;
  /** The kernel configuration the graph is of (or none: every configuration). */
  configuration: ServerConfiguration;
  /** Nodes of each file, by line: built on first use. */
  byFile?: Map<string, number[]>;
}

let loaded: Loaded | undefined;
/** The configuration an `open` under way applies: hovers answer from it before its graph is loaded. */
let opening: ServerConfiguration | undefined;
const running = new Map<number, AbortController>();

function send(message: ServerToHost): void {
  process.send?.(message);
}

class NotIndexed extends Error {}

function current(): Loaded {
  if (!loaded) throw new NotIndexed('the kernel is not indexed yet');
  return loaded;
}

/** The configuration of the `open` under way (the one the user chose last), else of the graph loaded. */
function configuration(): ServerConfiguration {
  const c = opening ?? loaded?.configuration;
  if (!c) throw new NotIndexed('the kernel is not indexed yet');
  return c;
}

function nodesOfFile(l: Loaded, file: string): number[] {
  if (!l.byFile) {
    const map = new Map<string, number[]>();
    for (let n = 0; n < l.graph.nodeCount; n++) {
      const f = l.graph.file(n);
      const list = map.get(f);
      if (list) list.push(n);
      else map.set(f, [n]);
    }
    for (const list of map.values()) list.sort((a, b) => l.graph.line(a) - l.graph.line(b));
    l.byFile = map;
  }
  return l.byFile.get(file) ?? [];
}

function callGroups(g: Graph, node: number, direction: 'incoming' | 'outgoing'): CallGroup[] {
  const groups = new Map<number, CallGroup>();
  const edges = direction === 'incoming' ? g.incoming(node) : g.outgoing(node);
  for (const e of edges) {
    const other = direction === 'incoming' ? g.from(e) : g.to(e);
    let group = groups.get(other);
    if (!group) {
      group = { node: nodeJson(g, other), edges: [] };
      groups.set(other, group);
    }
    group.edges.push(edgeJson(g, e));
  }
  return [...groups.values()];
}

/**
 * Right after a load, while the user picks a driver: draws one ingress and one egress path
 * and throws them away. Most milestones of a path do not depend on the driver, so the
 * distance maps this fills make the first real Show Ingress/Egress Path several times
 * faster. A request arriving meanwhile waits for it (well under a second on a full tree).
 */
function warmUp(l: Loaded): void {
  // After the requests that follow a load (the Drivers view's list) have been answered.
  setTimeout(() => {
    if (loaded !== l) return;
    try {
      const drivers = l.presets.drivers();
      const rx = drivers.find((d) => d.poll.length > 0);
      const tx = drivers.find((d) => d.xmit.length > 0);
      if (rx) buildPreset(l.presets, rx.name, 'ingress');
      if (tx) buildPreset(l.presets, tx.name, 'egress');
    } catch {
      // A driver whose path cannot be drawn warms nothing; the real request will say why.
    }
  }, WARM_UP_DELAY_MS).unref();
}

const WARM_UP_DELAY_MS = 1000;

function presetGraph(l: Loaded, params: PresetParams): { graph: GraphJson; remarks: string[] } {
  const remarks: string[] = [];
  const graph = buildPreset(l.presets, params.driver, params.direction, {
    depth: params.depth,
    expand: params.expand,
    ...(params.route !== undefined ? { route: params.route } : {}),
    onReport: (missing, notes) => {
      if (missing.length > 0)
        remarks.push(
          `the ${params.direction} path of ${params.driver} is partial: ${missing.join('; ')}`,
        );
      remarks.push(...notes);
    },
  });
  return { graph, remarks };
}

/** What a trace's drawing leaves unsaid, for the panel's status line and the log. */
function traceRemarks(g: GraphJson): string[] {
  const t = g.trace;
  if (!t) return [];
  const out: string[] = [];
  if (t.unmatched.length > 0)
    out.push(
      `${t.unmatched.length} traced function${t.unmatched.length === 1 ? ' is' : 's are'} not defined in the indexed tree`,
    );
  if (t.skipped.lines > 0)
    out.push(
      `skipped ${t.skipped.lines} line${t.skipped.lines === 1 ? '' : 's'} of no trace format`,
    );
  return [...out, ...t.notes];
}

type Handlers = {
  [M in Method]: (
    params: Requests[M]['params'],
    id: number,
  ) => Promise<Requests[M]['result']> | Requests[M]['result'];
};

const handlers: Handlers = {
  async open(params, id) {
    const controller = new AbortController();
    running.set(id, controller);
    const configuration = chooseConfiguration(
      params.root,
      params.config,
      process.env.NETPATHS_CONFIG,
    );
    opening = configuration;
    try {
      let last = 0;
      const report = await buildIndex({
        root: params.root,
        cacheDir: params.cacheDir,
        scope: params.scope,
        ...(params.workers !== undefined ? { workers: params.workers } : {}),
        ...(configuration.config ? { config: configuration.config } : {}),
        signal: controller.signal,
        log: (line) => send({ type: 'log', line }),
        onProgress: (done, total) => {
          const now = Date.now();
          if (now - last < 150 && done < total) return;
          last = now;
          send({ type: 'progress', id, done, total });
        },
      });
      const graph = report.graph;
      // The graph it replaces may read its cache file a page at a time: let the file go.
      loaded?.graph.close();
      configuration.summary.warnings.push(...(report.config?.warnings ?? []));
      loaded = {
        root: params.root,
        graph,
        presets: new PresetContext(graph, kernelTextReader(params.root)),
        configuration,
      };
      warmUp(loaded);
      const s = graph.data.stats;
      const summary: IndexSummary = {
        root: params.root,
        files: report.files,
        reparsed: report.reparsed,
        reused: report.reused,
        removed: report.removed,
        functions: s.functions,
        edges: s.edges,
        indirectEdges: s.indirectEdges,
        filesSkipped: s.filesSkipped,
        seconds: report.seconds,
        configuration: configuration.summary,
      };
      return summary;
    } finally {
      running.delete(id);
      if (opening === configuration) opening = undefined;
    }
  },
  drivers() {
    const l = current();
    return l.presets.drivers().map((d) => entryPoints(l.presets, d));
  },
  preset(params) {
    return presetGraph(current(), params);
  },
  async trace(params) {
    for (const f of params.files) checkTraceFile(f);
    const read = await readTraces(
      params.files.map((f) => traceFile(f, basename(f))),
      params.skb,
    );
    // The graph may have been swapped by a reindex while the files were read.
    const l = current();
    const names = params.files.map((f) => basename(f));
    const readText = kernelTextReader(l.root);
    const joined = joinRead(l.graph, read, names, {
      maxGap: params.maxGap ?? DEFAULT_MAX_GAP,
      readText,
      ...(params.skb !== undefined ? { skb: params.skb } : {}),
    });
    const remarks = traceRemarks(joined);
    if (!params.preset) {
      joined.title = `trace of ${names.join(', ')}`;
      return { graph: joined, remarks };
    }
    const preset = presetGraph(l, params.preset);
    preset.graph.title ??= `${params.preset.driver} ${params.preset.direction}`;
    return {
      graph: overlayTrace(l.graph, preset.graph, joined, readText),
      remarks: [...preset.remarks, ...remarks],
    };
  },
  probeScript(params) {
    return probeScript(params.graph, params.format, kernelTextReader(current().root));
  },
  neighbourhood(params) {
    return neighbourhood(current().graph, params.specs, params.depth, params.direction);
  },
  path(params) {
    return findPaths(current().graph, params.from, params.to, {
      maxDepth: params.maxDepth,
      paths: params.paths,
      via: params.via,
    });
  },
  where(params) {
    const g = current().graph;
    return g.lookup(params.name).map((n) => nodeJson(g, n));
  },
  functionAt(params) {
    const l = current();
    const g = l.graph;
    if (params.word) {
      const named = g.lookup(params.word);
      // The definition in this file first (a static of the file), else the only one or the first.
      const pick = named.find((n) => g.file(n) === params.file) ?? named[0];
      if (pick !== undefined) return nodeJson(g, pick);
    }
    let best: number | undefined;
    for (const n of nodesOfFile(l, params.file)) {
      if (g.line(n) > params.line) break;
      best = n;
    }
    return best === undefined ? null : nodeJson(g, best);
  },
  driverOf(params) {
    const l = current();
    // The most specific owner: a driver in the file's own folder before one in a parent folder.
    const owners = l.presets.drivers().filter((d) => d.owns(params.file));
    owners.sort((a, b) => b.dir.length - a.dir.length);
    return owners[0]?.name ?? null;
  },
  configOption(params) {
    return configuration().option(params.name);
  },
  excludedCode(params) {
    return configuration().excluded(params.file, params.text);
  },
  calls(params) {
    const g = current().graph;
    const [node] = selectNodes(g, params.nodeId);
    if (node === undefined) throw new QueryError(`unknown function ${params.nodeId}`);
    return callGroups(g, node, params.direction);
  },
};

async function handle(message: HostToServer): Promise<void> {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort();
    return;
  }
  const { id, method } = message;
  const handler = handlers[method] as ((params: unknown, id: number) => unknown) | undefined;
  if (!handler) {
    send({ type: 'error', id, message: `unknown request ${String(method)}` });
    return;
  }
  try {
    const result = await handler(message.params, id);
    send({ type: 'response', id, result });
  } catch (e) {
    const text = (e instanceof Error ? e.message : String(e)).split('\n')[0] ?? 'failed';
    const cancelled =
      e instanceof Error && (e.name === 'AbortError' || /aborted|cancelled/i.test(e.message));
    send({
      type: 'error',
      id,
      message: text,
      ...(cancelled ? { cancelled: true } : {}),
      ...(e instanceof NotIndexed ? { notIndexed: true } : {}),
      ...(e instanceof NotKernelTreeError ? { notKernel: true } : {}),
    });
  }
}

// Queries are synchronous and answered in the order they arrive; `open` runs in the
// background (its parsing is on worker threads), so queries go on answering from the
// graph already loaded, and `cancel` reaches it while it waits for its workers.
process.on('message', (raw: unknown) => {
  if (typeof raw !== 'object' || raw === null) return;
  void handle(raw as HostToServer);
});
process.on('disconnect', () => process.exit(0));
