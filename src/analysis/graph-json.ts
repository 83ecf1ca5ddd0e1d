// The JSON contract of every `netpaths` query (`--format json`), and the shape the
// renderers and the webview consume. Scripts and documentation depend on it: add fields,
// never rename or remove one. README.md, section "JSON output", documents it.

/** Where a node sits on the packet's journey, e.g. `driver-irq`, `napi-softirq`, `ipv4`. */
export type Stage = string;

/**
 * The execution context a function runs in on the path. `bh-disabled`: process context with
 * bottom halves (softirqs) disabled on the CPU, entered after a `local_bh_disable()` or
 * `rcu_read_lock_bh()` of a caller (the transmit path below `__dev_queue_xmit`), or reached
 * both that way and from a softirq; such code must not sleep either.
 */
export type ExecContext = 'hardirq' | 'softirq' | 'process' | 'bh-disabled';

/** How a call edge was found. */
export type EdgeKind =
  /** A plain call `name(...)`, or a static inline or function-like macro called by name. */
  | 'direct'
  /** A call through a function pointer: an ops-table field, a registered callback, a parameter. */
  | 'indirect'
  /** Deferred execution: raising a softirq reaches its handler later, on another stack. */
  | 'async'
  /**
   * Not a call: a wake-up makes a task sleeping elsewhere runnable (the socket's wait queue
   * wakes the reader in wait_woken), which runs later in its own context. Presets draw it
   * so the sleeper is placed after the wake-up; queries and traces never follow it.
   */
  | 'wakes';

export interface GraphNode {
  /** Unique id: `FILE:NAME`, or `FILE:NAME:LINE` when one file defines NAME twice. */
  id: string;
  name: string;
  /** Path relative to the kernel root, with `/` separators. */
  file: string;
  /** 1-based line of the function's name in its definition. */
  line: number;
  /** `macro` for a function-like macro that calls; absent for C functions. */
  kind?: 'macro';
  /** Annotations of the packet-path presets (absent on plain call-graph queries). */
  stage?: Stage;
  context?: ExecContext;
  /**
   * Why the node runs in `context`, with the line that decides it: `bottom halves disabled by
   * rcu_read_lock_bh() at net/core/dev.c:4520 in __dev_queue_xmit`, or each way it is entered.
   */
  contextReason?: string;
  note?: string;
  /** Set on a collapsed side branch that `--expand ID` opens. */
  collapsed?: { hidden: number };
  /**
   * Only for `netpaths trace`: how many events of the trace hit this function, and the
   * number of the first. Absent on functions the join inferred between observed ones.
   */
  observed?: { count: number; first: number };
  /**
   * With a kernel configuration: `y` built in, `m` in a module, `n` not built (shown only
   * with `--show-unbuilt`). Absent for the union of every configuration.
   */
  built?: Built;
  /** The module the function is built into, when `built` is `m`. */
  module?: string;
  /** When `built` is `n`: the condition that leaves it out, e.g. `#ifdef CONFIG_RPS at net/core/dev.c:4810`. */
  excludedBy?: string;
  /** Only on presets: where this function can drop the packet, in line order (absent when nowhere). */
  drops?: DropPoint[];
}

/** A place a preset's function can drop the packet (`GraphNode.drops`). */
export interface DropPoint {
  /** The reason in short form (`NO_SOCKET` for SKB_DROP_REASON_NO_SOCKET), or `?` when the source does not tell one. */
  reason: string;
  /** Whether the source tells the reason (false exactly when `reason` is `?`). */
  known: boolean;
  file: string;
  /** 1-based line: the dropping call, or the `goto` that jumps to it. */
  line: number;
  /**
   * What the reason means, from the kernel-doc of the tree's include/net/dropreason-core.h
   * ('' when it has none); when the reason is not told, why not.
   */
  note: string;
  /**
   * How the packet is dropped there: `kfree_skb_reason at line 612`, `goto drop: kfree_skb_reason
   * at line 612`, or a call that drops inside another function, `NF_HOOK: in nf_hook_slow, kfree_skb_reason at line 631 of net/netfilter/core.c`.
   */
  how: string;
}

/** Whether a configuration builds a function: built in, a module, not at all. */
export type Built = 'y' | 'm' | 'n';

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** File of the call site (relative to the kernel root). */
  file: string;
  /** 1-based line of the call statement. */
  line: number;
  /** How an indirect or async edge was resolved, e.g.
   * `net_device_ops.ndo_start_xmit = e1000_xmit_frame at drivers/net/ethernet/intel/e1000e/netdev.c:7336`. */
  via?: string;
  /**
   * Only for `netpaths trace`: `observed` when the trace saw the caller call the callee (a
   * call edge between consecutive observed functions, or a nesting the tracer printed),
   * `inferred` for a hop of the static path that joins two observed functions the trace
   * shows apart, `gap` when no call path within `--max-gap` calls joins them: a gap edge is
   * no call of the source (its `file` is '' and its `line` 0).
   */
  trace?: TraceLink;
  /**
   * With a kernel configuration: `live` when the call is in the kernel it builds, `dead`
   * when it is not (shown only with `--show-unbuilt`). Absent for the union.
   */
  config?: 'live' | 'dead';
  /** When `config` is `dead`: the condition that leaves the call out. */
  excludedBy?: string;
  /**
   * Only on presets: the verdict the call runs under, from the `case` labels around it in
   * the caller (`XDP_TX`, `TC_ACT_REDIRECT`; labels sharing the statements joined by ` / `).
   */
  verdict?: string;
}

/** The configuration a query applied (`GraphJson.configuration`). */
export interface ConfigurationJson {
  /** The configuration file read; absent when none was applied (the union of every configuration). */
  source?: string;
  /** How it was chosen (`--config`, `NETPATHS_CONFIG`, `the tree`), or why none was. */
  chosen: string;
  /** Its architecture folder (`x86`, `arm64`, ...). */
  arch?: string;
}

/** How a trace's functions are joined (`GraphEdge.trace`). */
export type TraceLink = 'observed' | 'inferred' | 'gap';

/** Only for `netpaths trace`: what was read, and how it joined the graph. */
export interface TraceSummary {
  /** The format detected (`pwru`, `function_graph`, ...), several joined by `, ` for mixed inputs. */
  format: string;
  /** How many events were read and kept. */
  events: number;
  /** How many distinct functions the events name. */
  functions: number;
  /** How many of those the indexed tree defines. */
  matched: number;
  /** Functions the tree does not define, each with why. */
  unmatched: { name: string; reason: string }[];
  /** One per packet: an skb, a CPU's call tree, a stack. `first`/`last` are event numbers. */
  packets: { id: string; events: number; first: number; last: number }[];
  /** Each event in order, with how it joined: what the text output and an event list show. */
  steps: TraceStep[];
  /** Each input: its name, format (when one was detected), lines, and why it is not a trace. */
  inputs: { name: string; format?: string; lines: number; problem?: string }[];
  /** What reading left out: lines of no format, unreliable or user-space frames, events. */
  skipped: { lines: number; frames: number; events: number; first?: string };
  /** Remarks: limits reached, truncated nesting. */
  notes: string[];
  /** Only for a trace on a preset (`ingress|egress --trace`): what the trace did on it. */
  overlay?: TraceOverlay;
}

/** A trace on a preset: the preset's functions it hit, passed and left, and those off it. */
export interface TraceOverlay {
  /** The preset's title, e.g. `e1000e ingress`. */
  preset: string;
  /** How many functions the preset draws. */
  functions: number;
  /** Preset functions an event hit (node ids). */
  hit: string[];
  /** Preset functions the join inferred between two observed ones (node ids). */
  inferred: string[];
  /**
   * Preset branches the packet did not take: a call from a function it passed to one it did
   * not, where it left that function by the preset's calls to `taken`.
   */
  untaken: { from: string; to: string; taken: string[] }[];
  /** Observed functions off the preset, drawn where the join or the static graph connects them. */
  attached: string[];
  /** Observed functions off the preset that nothing drawn connects to, listed with why. */
  listed: { name: string; node: string; reason: string }[];
}

/** One event of a trace and how the join reached it. */
export interface TraceStep {
  /** The event's number (1-based). */
  event: number;
  packet: string;
  /** The function as the tracer printed it. */
  name: string;
  /** Its node, when the tree defines it. */
  node?: string;
  cpu?: number;
  time?: string;
  /** Where the event was read: input number (0-based) and line. */
  at: { input: number; line: number };
  /** The node it was joined from, how, and the inferred functions between (in call order). */
  from?: { node: string; link: TraceLink; through: string[] };
  /** Set on a drop event. */
  drop?: { reason: string; note: string };
}

/** A drop a trace saw: the node of the dropping function, the reason, what the tree says it means. */
export interface TraceDrop {
  node: string;
  reason: string;
  note: string;
  event: number;
  packet: string;
}

/** An skb operation on a preset's path: what a call does to the packet buffer. */
export interface SkbOp {
  /** Id of the node whose body makes the call. */
  node: string;
  /** The operation called, e.g. `skb_pull`. */
  op: string;
  /** The length argument as written in the source, e.g. `ETH_HLEN`. */
  len: string;
  file: string;
  line: number;
  /** What it does to `data`, `tail` and `len`, in words. */
  effect: string;
  /**
   * Set on a call in the life of the skb rather than a move of its headers: allocated,
   * user data copied in, cloned, copied, head reallocated, copied out to user memory, freed.
   */
  life?: 'alloc' | 'copy-in' | 'clone' | 'copy' | 'expand' | 'copy-out' | 'free';
  /**
   * The choices the operation depends on, outermost first. Operations on different branches
   * of one choice never both happen to one packet: the arms of an if/else, a switch or a
   * `?:`, a branch that returns and the code after it, the targets of one pointer call.
   * Absent when no choice it depends on has another branch with operations.
   */
  choices?: SkbChoice[];
}

/** A choice an skb operation depends on, and the branch of it the operation is on. */
export interface SkbChoice {
  /** Numbers the choices of one timeline, 0-based in the order of their first operation. */
  choice: number;
  /** The operation's branch, 0-based among the choice's branches that have operations, in path order. */
  branch: number;
  /** How many of the choice's branches have operations (2 or more). */
  of: number;
  /** Why the branches exclude each other. */
  kind: SkbChoiceKind;
  /** The function whose body makes the choice (a node id), and the line of the choice there. */
  node: string;
  line: number;
  /** The branch in a word: the first function called on it that leads to an operation, or the operation. */
  label: string;
}

/**
 * `if-else`: the arms of an if/else; `switch`: its cases; `ternary`: the arms of a `?:`;
 * `jump`: a branch that returns or jumps past the other; `call-targets`: the functions one
 * pointer call may reach; `fresh-skb`: callees that each build a new skb (told this way
 * only when the source cannot be read).
 */
export type SkbChoiceKind =
  'if-else' | 'switch' | 'ternary' | 'jump' | 'call-targets' | 'fresh-skb';

export interface GraphJson {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Only for `netpaths path`: each path a list of node ids from source to target. */
  paths?: string[][];
  /** Only for the `ingress`/`egress` presets: the skb timeline along the path, in path order. */
  skb?: SkbOp[];
  /** Only for presets: named markers such as netfilter hook points, keyed by node id. */
  markers?: { node: string; label: string }[];
  /** A title for renderers, e.g. `e1000e ingress`. */
  title?: string;
  /** Only for `netpaths trace`: the trace read and how it joined the graph. */
  trace?: TraceSummary;
  /** Only for `netpaths trace`: the drops the trace saw, in event order. */
  drops?: TraceDrop[];
  /** The kernel configuration the query applied, or why none: set by `netpaths` on every query. */
  configuration?: ConfigurationJson;
}
