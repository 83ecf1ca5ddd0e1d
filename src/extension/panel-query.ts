// What a graph panel shows, as data: the query the host runs to draw it, the title, and the
// edits the webview's buttons make (depth, expand, collapse). The panel keeps one of these
// in the webview's state, so a reload redraws the same graph; since that state comes back
// from the webview, `parsePanelQuery` checks it field by field. No `vscode` import.

/* eslint-disable-next-line no-control-regex -- a name or path with control characters is refused */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export const MAX_DEPTH = 6;

export type PanelQuery =
  | {
      kind: 'preset';
      driver: string;
      direction: 'ingress' | 'egress';
      depth: number;
      expand: string[];
      /** The route through the stack (`netpaths routes`); tcp4 when absent. */
      route?: string;
      /** Trace files put on the preset (Overlay Trace…), absolute paths. */
      trace?: string[];
    }
  /** Trace files drawn on the call graph (Open Trace…), absolute paths. */
  | { kind: 'trace'; files: string[] }
  | { kind: 'neighbourhood'; specs: string[]; direction: 'callees' | 'callers'; depth: number }
  | { kind: 'path'; from: string[]; to: string[]; paths: number };

const MAX_NAME = 512;
const MAX_LIST = 64;

function name(x: unknown): string | undefined {
  return typeof x === 'string' &&
    x.length > 0 &&
    x.length <= MAX_NAME &&
    !CONTROL_CHARACTERS.test(x)
    ? x
    : undefined;
}

function names(x: unknown, min: number): string[] | undefined {
  if (!Array.isArray(x) || x.length < min || x.length > MAX_LIST) return undefined;
  const out = x.map(name);
  return out.every((n): n is string => n !== undefined) ? out : undefined;
}

/** Absolute paths of trace files: the host reads them, so a relative one is not ours. */
function files(x: unknown): string[] | undefined {
  const list = names(x, 1);
  return list?.every((f) => /^(?:\/|[A-Za-z]:[\\/])/.test(f)) ? list : undefined;
}

function depth(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 && x <= MAX_DEPTH ? x : undefined;
}

/** A query from the webview's saved state, or undefined when it is not one we wrote. */
export function parsePanelQuery(x: unknown): PanelQuery | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const r = x as Record<string, unknown>;
  switch (r.kind) {
    case 'preset': {
      const driver = name(r.driver);
      const d = depth(r.depth);
      const expand = names(r.expand, 0);
      if (
        driver === undefined ||
        d === undefined ||
        expand === undefined ||
        (r.direction !== 'ingress' && r.direction !== 'egress')
      )
        return undefined;
      const trace = r.trace === undefined ? undefined : files(r.trace);
      if (r.trace !== undefined && trace === undefined) return undefined;
      const route = r.route === undefined ? undefined : name(r.route);
      if (r.route !== undefined && route === undefined) return undefined;
      return {
        kind: 'preset',
        driver,
        direction: r.direction,
        depth: d,
        expand,
        ...(route !== undefined ? { route } : {}),
        ...(trace ? { trace } : {}),
      };
    }
    case 'trace': {
      const list = files(r.files);
      return list ? { kind: 'trace', files: list } : undefined;
    }
    case 'neighbourhood': {
      const specs = names(r.specs, 1);
      const d = depth(r.depth);
      if (
        specs === undefined ||
        d === undefined ||
        (r.direction !== 'callees' && r.direction !== 'callers')
      )
        return undefined;
      return { kind: 'neighbourhood', specs, direction: r.direction, depth: d };
    }
    case 'path': {
      const from = names(r.from, 1);
      const to = names(r.to, 1);
      const paths =
        typeof r.paths === 'number' && Number.isInteger(r.paths) && r.paths >= 1 && r.paths <= 20
          ? r.paths
          : undefined;
      if (from === undefined || to === undefined || paths === undefined) return undefined;
      return { kind: 'path', from, to, paths };
    }
    default:
      return undefined;
  }
}

function shortName(spec: string): string {
  return spec.slice(spec.lastIndexOf(':') + 1);
}

function fileName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The panel's title: `e1000e ingress`, `callers of e1000e_poll`, `tcp_sendmsg → e1000_xmit_frame`. */
export function panelTitle(q: PanelQuery): string {
  switch (q.kind) {
    case 'preset':
      return `${q.driver} ${q.direction}${q.route !== undefined ? ` ${q.route}` : ''}${q.trace ? ` + trace of ${q.trace.map(fileName).join(', ')}` : ''}`;
    case 'trace':
      return `trace of ${q.files.map(fileName).join(', ')}`;
    case 'neighbourhood':
      return `${q.direction === 'callees' ? 'calls from' : 'callers of'} ${q.specs.map(shortName).join(', ')}`;
    case 'path':
      return `${q.from.map(shortName).join(', ')} → ${q.to.map(shortName).join(', ')}`;
  }
}

/** The depth the panel's −/+ buttons change, if the query has one. */
export function queryDepth(q: PanelQuery): number | undefined {
  return q.kind === 'path' || q.kind === 'trace' ? undefined : q.depth;
}

/** The query one level deeper or shallower; undefined when it is already at the limit. */
export function withDepth(q: PanelQuery, delta: 1 | -1): PanelQuery | undefined {
  if (q.kind === 'trace') return undefined;
  if (q.kind === 'path')
    return delta === 1 && q.paths < 20
      ? { ...q, paths: q.paths + 1 }
      : delta === -1 && q.paths > 1
        ? { ...q, paths: q.paths - 1 }
        : undefined;
  const d = q.depth + delta;
  return d < 1 || d > MAX_DEPTH ? undefined : { ...q, depth: d };
}

/** Opens a collapsed side branch of a preset (or, elsewhere, widens the query to that function). */
export function withExpanded(q: PanelQuery, nodeId: string): PanelQuery | undefined {
  if (q.kind === 'preset')
    return q.expand.includes(nodeId)
      ? undefined
      : { ...q, expand: [...q.expand, nodeId].slice(-MAX_LIST) };
  if (q.kind === 'neighbourhood')
    return q.specs.includes(nodeId)
      ? undefined
      : { ...q, specs: [...q.specs, nodeId].slice(-MAX_LIST) };
  return undefined;
}

/** Closes a branch opened before; undefined when there is nothing to close. */
export function withCollapsed(q: PanelQuery, nodeId: string): PanelQuery | undefined {
  if (q.kind === 'preset' && q.expand.includes(nodeId))
    return { ...q, expand: q.expand.filter((n) => n !== nodeId) };
  if (q.kind === 'neighbourhood' && q.specs.length > 1 && q.specs.includes(nodeId))
    return { ...q, specs: q.specs.filter((n) => n !== nodeId) };
  return undefined;
}
