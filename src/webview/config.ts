// The webview's small configuration: written by the host into an escaped `data-config`
// attribute (never into script text), read back by the page. Pure, shared by both sides.

/** Mermaid's own limits are 50,000 characters of text and 500 edges (see notes/pitfalls.md). */
export interface WebviewConfig {
  /** Largest Mermaid text drawn; a bigger graph shows the "too large" message instead. */
  maxTextSize: number;
  /** Largest number of edges drawn. */
  maxEdges: number;
  /** Mermaid layout engine: `dagre` (default, about 3x faster here) or `elk`. */
  layout: 'dagre' | 'elk';
}

/** Mermaid's own defaults: a 150-node path is about 20,000 characters and draws in about a second. */
export const DEFAULT_WEBVIEW_CONFIG: Readonly<WebviewConfig> = {
  maxTextSize: 50_000,
  maxEdges: 500,
  layout: 'dagre',
};

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value)
    ? Math.min(max, Math.max(min, Math.floor(value)))
    : fallback;
}

/** Normalises a config from anywhere (the data attribute's JSON, settings): unknown fields dropped, numbers clamped. */
export function normaliseConfig(raw: unknown): WebviewConfig {
  const r = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    maxTextSize: clampInt(r.maxTextSize, 1_000, 2_000_000, DEFAULT_WEBVIEW_CONFIG.maxTextSize),
    maxEdges: clampInt(r.maxEdges, 10, 10_000, DEFAULT_WEBVIEW_CONFIG.maxEdges),
    layout: r.layout === 'elk' ? 'elk' : 'dagre',
  };
}

/** Reads the `data-config` attribute's value; malformed JSON gives the defaults. */
export function parseConfigAttribute(value: string | null | undefined): WebviewConfig {
  if (!value) return { ...DEFAULT_WEBVIEW_CONFIG };
  try {
    return normaliseConfig(JSON.parse(value));
  } catch {
    return { ...DEFAULT_WEBVIEW_CONFIG };
  }
}
