// The protocol between the extension host and the analysis server (src/server.ts), a Node
// child process that owns the index and the loaded graph. Both sides import this file.
//
// Architecture invariant: the extension host never indexes or holds the call graph
// itself. A full kernel's graph takes about a gigabyte and its indexing minutes of CPU;
// both live in the server process, so the editor stays responsive and a crash or an
// out-of-memory there costs a restart of the server, never of the extension host.

import type { ExcludedCode } from '../analysis/editor/excluded';
import type { OptionInfo } from '../analysis/editor/option-info';
import type { GraphEdge, GraphJson, GraphNode } from '../analysis/graph-json';
import type { Direction, DriverEntryPoints } from '../analysis/presets';
import type { ProbeFormat } from '../analysis/trace';

/** What to index: the same knobs as the CLI's --kernel, --cache-dir, --scope, --workers. */
export interface OpenParams {
  root: string;
  cacheDir: string;
  scope: string[];
  workers?: number;
  /**
   * The kernel configuration to apply (the `netpaths.config` setting, as an absolute path):
   * a file, `none` for every configuration, or empty/absent for the CLI's default order
   * ($NETPATHS_CONFIG, else the tree's own .config, else none).
   */
  config?: string;
}

/** The configuration an `open` applied, or why none. */
export interface ConfigurationSummary {
  /** The file applied; absent when every configuration is drawn. */
  source?: string;
  /** Why this one, or none: `netpaths.config`, `NETPATHS_CONFIG`, `the tree`, or the reason for none. */
  chosen: string;
  /** The architecture it is for (`x86`). */
  arch?: string;
  /** Options it sets (`=y`, `=m`, a value) and those it writes `is not set`. */
  set?: number;
  unset?: number;
  /** One line each: options the tree does not declare, another architecture. */
  warnings: string[];
  /** The file could not be used, in one line: every configuration is drawn instead. */
  problem?: string;
}

/** What `open` reports: the same numbers as `netpaths index`. */
export interface IndexSummary {
  root: string;
  files: number;
  reparsed: number;
  reused: number;
  removed: number;
  functions: number;
  edges: number;
  indirectEdges: number;
  filesSkipped: number;
  seconds: number;
  /** The configuration applied (see ConfigurationSummary). */
  configuration?: ConfigurationSummary;
}

/** A function with the calls that link it to the function asked about (call hierarchy). */
export interface CallGroup {
  node: GraphNode;
  /** Calls between the two functions, one per call site. */
  edges: GraphEdge[];
}

/** The requests the host sends, with the result type of each. */
export interface Requests {
  /** Build or refresh the index and load its graph. Reports `progress` events while parsing. */
  open: { params: OpenParams; result: IndexSummary };
  /** Every driver with its entry points (IRQ, poll, xmit, ring refill, TX clean), by name. */
  drivers: { params: Record<string, never>; result: DriverEntryPoints[] };
  /** The annotated ingress or egress path of a driver. */
  preset: {
    params: PresetParams;
    result: { graph: GraphJson; remarks: string[] };
  };
  /** Callees or callers of functions (`FILE:NAME` or names) to a depth. */
  neighbourhood: {
    params: { specs: string[]; depth: number; direction: 'callees' | 'callers' };
    result: GraphJson;
  };
  /** The best call paths between two sets of functions, through each `via` in order. */
  path: {
    params: { from: string[]; to: string[]; via?: string[]; maxDepth: number; paths: number };
    result: GraphJson;
  };
  /** Definitions named `name`. */
  where: { params: { name: string }; result: GraphNode[] };
  /** The function at a position: the one named by `word` when it is defined, else the definition in `file` nearest above `line`. */
  functionAt: { params: { file: string; line: number; word?: string }; result: GraphNode | null };
  /** The driver a file belongs to, if any. */
  driverOf: { params: { file: string }; result: string | null };
  /** Direct callers (`incoming`) or callees (`outgoing`) of one node, grouped by function. */
  calls: { params: { nodeId: string; direction: 'incoming' | 'outgoing' }; result: CallGroup[] };
  /**
   * Trace files (absolute paths) joined with the graph, as `netpaths trace`; with `preset`,
   * put on that preset, as `netpaths ingress|egress --trace`.
   */
  trace: {
    params: { files: string[]; maxGap?: number; skb?: string; preset?: PresetParams };
    result: { graph: GraphJson; remarks: string[] };
  };
  /** The pwru, ftrace or bpftrace commands that trace a graph's functions (Copy Tracing Command). */
  probeScript: { params: { graph: GraphJson; format: ProbeFormat }; result: string };
  /**
   * A `CONFIG_` option (as written, `CONFIG_X_MODULE` too) in the configuration of the last
   * `open` (`source` absent: none, every configuration), and in the tree's Kconfig.
   */
  configOption: {
    params: { name: string };
    result: { info: OptionInfo; source?: string; kconfigRead: boolean };
  };
  /**
   * What the configuration leaves out of a file (relative path) whose text is `text` (the
   * editor's, saved or not); null when no configuration is applied.
   */
  excludedCode: { params: { file: string; text: string }; result: ExcludedCode | null };
}

/** What draws a preset. */
export interface PresetParams {
  driver: string;
  direction: Direction;
  depth: number;
  expand: string[];
  /** The route through the stack (`netpaths routes`); tcp4 when absent. */
  route?: string;
}

export type Method = keyof Requests;

/** Host -> server. `cancel` aborts a running `open`; the server then answers it with `cancelled: true`. */
export type HostToServer =
  { type: 'request'; id: number; method: Method; params: unknown } | { type: 'cancel'; id: number };

/** Server -> host. Errors are one line, as the CLI prints them. */
export type ServerToHost =
  | { type: 'response'; id: number; result: unknown }
  | {
      type: 'error';
      id: number;
      message: string;
      cancelled?: boolean;
      notIndexed?: boolean;
      notKernel?: boolean;
    }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'log'; line: string };
