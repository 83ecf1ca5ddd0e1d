// Links from exported diagrams to the source line of each function. Pure.
//
// A link template is a URL with placeholders: `{path}` (the file, relative to the kernel
// root), `{line}` (1-based) and `{version}` (the tree's kernel version, which the caller
// reads from the top-level Makefile with `kernelVersion`). The default, `{path}#L{line}`,
// is a relative link: it works for a document kept at the root of a kernel checkout on
// GitHub or GitLab. An online cross-referencer works too:
// `https://elixir.bootlin.com/linux/v{version}/source/{path}#L{line}`.
//
// How links reach each format (checked with the pinned Mermaid in Chromium):
// - Mermaid text gets `click nN href "URL"` lines. Under `securityLevel: 'strict'` (the
//   export's) Mermaid still turns them into `<a xlink:href>` around the node (it refuses
//   `call` callbacks and `javascript:` URLs, not links), and mermaid.live, mermaid-cli and
//   GitLab honour them. GitHub's renderer ignores them, so Markdown also lists the links
//   under the diagram.
// - SVG and HTML are drawn from the text the panel shows, which has no click lines (a link
//   in the panel would navigate the webview away), so the drawn SVG is post-processed:
//   each node group `<g class="node" id="...flowchart-nN-K">` is wrapped in `<a>`.
//
// Security: a template may only be an http(s) URL or a relative reference (never
// `javascript:`, `data:`, `file:` or a protocol-relative `//host`), with no quotes, angle
// brackets, backslashes, spaces or control characters, so a URL can be written into a
// Mermaid string, an XML attribute or a Markdown link without changing its meaning. Each
// substituted path segment is percent-encoded, so a file name cannot add a scheme, a
// query or a fragment; the finished URL is checked once more.

import type { GraphJson, GraphNode } from '../graph-json';
import { singleLine } from './escape';
import { attribute, escapeXml, isSafeLink, wrapElements } from './svg-markup';

/* eslint-disable-next-line no-control-regex -- control characters never belong in a path we link */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** A relative link to the line in the file, next to a document at the kernel root. */
export const DEFAULT_LINK_TEMPLATE = '{path}#L{line}';

/** Bootlin's Elixir cross-referencer for the tree's own version. */
export const ELIXIR_LINK_TEMPLATE =
  'https://elixir.bootlin.com/linux/v{version}/source/{path}#L{line}';

/** A checked link template (build one with `parseLinkTemplate`). */
export interface LinkTemplate {
  /** The template, placeholders included. */
  readonly template: string;
  /** The kernel version substituted for `{version}` (e.g. `6.12.117`), when known. */
  readonly version?: string;
}

/** A template that is not an http(s) URL or relative reference, or uses an unknown placeholder. */
export class LinkTemplateError extends Error {
  override name = 'LinkTemplateError';
  constructor(
    /** The template as given (shortened when long). */
    readonly template: string,
    /** What is wrong, in words. */
    readonly problem: string,
  ) {
    super(`link template ${JSON.stringify(template)}: ${problem}`);
  }
}

const PLACEHOLDERS = new Set(['path', 'line', 'version']);
/** RFC 3986 unreserved, reserved and `%`, without `'` (it ends attribute values some tools write). */
const URL_CHARS = /^[A-Za-z0-9\-._~:/?#[\]@!$&()*+,;=%]*$/;
const MAX_TEMPLATE = 2048;

/**
 * Checks a link template and binds the kernel version. An empty or missing template gives
 * the default relative link. Throws `LinkTemplateError` with a message for the user.
 */
export function parseLinkTemplate(template: string | undefined, version?: string): LinkTemplate {
  const t = (template ?? '').trim();
  if (t === '')
    return version === undefined
      ? { template: DEFAULT_LINK_TEMPLATE }
      : { template: DEFAULT_LINK_TEMPLATE, version };
  const problem = templateProblem(t, version);
  if (problem) throw new LinkTemplateError(t.length > 120 ? `${t.slice(0, 120)}…` : t, problem);
  return version === undefined ? { template: t } : { template: t, version };
}

function templateProblem(t: string, version: string | undefined): string | undefined {
  if (t.length > MAX_TEMPLATE) return `longer than ${MAX_TEMPLATE} characters`;
  const used = new Set<string>();
  const literal = t.replace(/\{([^{}]*)\}/g, (_all, name: string) => {
    used.add(name);
    return '';
  });
  for (const name of used) {
    if (!PLACEHOLDERS.has(name))
      return `unknown placeholder {${name}} (use {path}, {line} and {version})`;
  }
  if (literal.includes('{') || literal.includes('}')) return 'unbalanced { or }';
  if (!URL_CHARS.test(literal)) {
    const bad = Array.from(literal).find((c) => !URL_CHARS.test(c)) ?? '';
    return `the character ${JSON.stringify(bad)} is not allowed in a link (percent-encode it)`;
  }
  if (/%(?![0-9A-Fa-f]{2})/.test(literal))
    return "'%' must start a percent-encoded byte such as %20";
  if (!used.has('path')) return 'it must contain {path}';
  if (used.has('version') && version === undefined)
    return "it uses {version} but the tree's kernel version is unknown (no VERSION and PATCHLEVEL in its Makefile)";
  if (t.startsWith('//')) return 'protocol-relative links (//host) are not allowed: write https://';
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(t);
  if (scheme) {
    if (!/^https?$/i.test(scheme[1] ?? ''))
      return `only http and https links or relative paths are allowed, not ${scheme[1] ?? ''}:`;
    if (!/^https?:\/\/[^/?#{}]+/i.test(t)) return 'an http(s) link needs a host name after //';
    return undefined;
  }
  // A relative reference's first segment cannot hold a colon: a browser would read what
  // comes before it as a scheme (`{path}:{line}` gives `Makefile:12`).
  const firstSegment = /^[^/?#]*/.exec(t)?.[0] ?? '';
  if (firstSegment.includes(':'))
    return "a relative link cannot have ':' before its first '/', '?' or '#' (browsers read it as a scheme)";
  return undefined;
}

/** Whether a template needs the kernel version (so the caller knows to read the Makefile). */
export function usesVersion(template: string | undefined): boolean {
  return (template ?? '').includes('{version}');
}

/**
 * The kernel version of a tree from the text of its top-level Makefile, as tags and
 * cross-referencers name it: `6.12` when SUBLEVEL is 0, else `6.12.117`, with an `-rcN`
 * EXTRAVERSION kept (`6.13-rc3`). Undefined when VERSION or PATCHLEVEL is missing.
 */
export function kernelVersion(makefileText: string): string | undefined {
  const field = (name: string): string | undefined =>
    new RegExp(`^${name}[ \\t]*=[ \\t]*(\\S*)[ \\t]*$`, 'm').exec(makefileText)?.[1];
  const version = field('VERSION');
  const patch = field('PATCHLEVEL');
  if (!version || !patch || !/^\d+$/.test(version) || !/^\d+$/.test(patch)) return undefined;
  const sub = field('SUBLEVEL');
  const extra = field('EXTRAVERSION') ?? '';
  const base =
    sub && /^\d+$/.test(sub) && Number(sub) > 0
      ? `${version}.${patch}.${Number(sub)}`
      : `${version}.${patch}`;
  return /^-rc\d+$/.test(extra) ? `${base}${extra}` : base;
}

/** A path relative to the kernel root that may go into a link: no `..`, no absolute path, no scheme. */
function isPlainRelativePath(path: string): boolean {
  if (path === '' || path.startsWith('/') || path.includes('\\') || CONTROL_CHARACTERS.test(path))
    return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..');
}

/** Percent-encodes one path segment, including the characters `encodeURIComponent` keeps that links must not carry raw. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The link for `path:line`, or undefined when the path is not a plain relative path (a
 * node from a forged or broken graph) or the result is not a safe link.
 */
export function sourceLink(links: LinkTemplate, path: string, line: number): string | undefined {
  if (!isPlainRelativePath(path) || !Number.isInteger(line) || line < 1) return undefined;
  const encoded = path.split('/').map(encodeSegment).join('/');
  const url = links.template.replace(/\{(path|line|version)\}/g, (_all, name: string) => {
    if (name === 'path') return encoded;
    if (name === 'line') return String(line);
    return encodeSegment(links.version ?? '');
  });
  return isSafeLink(url) && URL_CHARS.test(url) ? url : undefined;
}

/** A drawn node and where it links to. */
export interface NodeLink {
  /** Mermaid id of the node (`n0`...). */
  mermaidId: string;
  node: GraphNode;
  href: string;
}

/**
 * The link of every drawn node: `nodeIds` is `MermaidResult.nodeIds` (Mermaid id -> graph
 * node id). Nodes without a linkable file are left out. In drawing order.
 */
export function nodeLinks(
  graph: GraphJson,
  nodeIds: Readonly<Record<string, string>>,
  links: LinkTemplate,
): NodeLink[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const out: NodeLink[] = [];
  for (const [mermaidId, nodeId] of Object.entries(nodeIds)) {
    const node = byId.get(nodeId);
    if (!node || !/^n\d+$/.test(mermaidId)) continue;
    const href = sourceLink(links, node.file, node.line);
    if (href !== undefined) out.push({ mermaidId, node, href });
  }
  return out;
}

/**
 * `click nN href "URL"` lines for Mermaid text. A URL never holds `"` (templates refuse
 * it, paths are percent-encoded); `#word;` would be read by Mermaid as an entity code, so
 * its `;` is encoded.
 */
export function mermaidClickLines(links: readonly NodeLink[]): string {
  return links
    .map((l) => `  click ${l.mermaidId} href "${l.href.replace(/(#\w+);/g, '$1%3B')}"\n`)
    .join('');
}

/** Mermaid text with click lines appended (the text ends with a newline, as `toMermaid` writes it). */
export function withClickLines(text: string, links: readonly NodeLink[]): string {
  return `${text.endsWith('\n') ? text : `${text}\n`}${mermaidClickLines(links)}`;
}

/**
 * Wraps each drawn node of a Mermaid SVG in a link to its source line. Node groups are
 * found by the id Mermaid gives them (`<svg id>-flowchart-nN-K`); nodes already inside a
 * link are left alone. Writes both `href` (SVG 2) and `xlink:href` (older SVG tools),
 * and declares the xlink namespace, so the file stays well-formed XML.
 */
export function linkSvgNodes(svg: string, links: readonly NodeLink[]): string {
  const byMermaidId = new Map(links.map((l) => [l.mermaidId, l]));
  if (byMermaidId.size === 0) return svg;
  let linked = 0;
  const out = wrapElements(svg, (name, attrs) => {
    if (name !== 'g') return undefined;
    const classes = (attribute(attrs, 'class') ?? '').split(/\s+/);
    const id = /(?:^|-)flowchart-(n\d+)-\d+$/.exec(attribute(attrs, 'id') ?? '')?.[1];
    const link = id === undefined ? undefined : byMermaidId.get(id);
    if (!link || !classes.includes('node')) return undefined;
    linked++;
    const href = escapeXml(link.href);
    const where = escapeXml(singleLine(`${link.node.name} · ${link.node.file}:${link.node.line}`));
    return {
      before: `<a class="np-source-link" href="${href}" xlink:href="${href}"><title>${where}</title>`,
      after: '</a>',
    };
  });
  return linked === 0 ? out : declareXlink(out);
}

/** Adds `xmlns:xlink` to the root `<svg>` when it is not declared. */
function declareXlink(svg: string): string {
  const root = /<svg\b[^>]*>/.exec(svg);
  if (!root || /\sxmlns:xlink\s*=/.test(root[0])) return svg;
  const at = root.index + 4;
  return `${svg.slice(0, at)} xmlns:xlink="http://www.w3.org/1999/xlink"${svg.slice(at)}`;
}

/**
 * Escapes text for the middle of a Markdown line: backslash escapes for what can start
 * emphasis, code, a link or a table cell; `&` and `<` as entities, so no HTML tag or
 * entity of a name is ever read as markup.
 */
function markdownText(text: string): string {
  return singleLine(text)
    .replace(/[\\`*_[\]()|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}

/**
 * A Markdown list of the drawn functions with their source links, for documents whose
 * Mermaid renderer ignores click lines (GitHub's). Folded in `<details>` so the diagram
 * stays the first thing a reader sees. Empty when there are no links.
 */
export function markdownSourceList(links: readonly NodeLink[]): string {
  if (links.length === 0) return '';
  const items = links.map(
    (l) =>
      `- [${markdownText(l.node.name)}](<${l.href}>) ${markdownText(`${l.node.file}:${l.node.line}`)}`,
  );
  const count = `${links.length} function${links.length === 1 ? '' : 's'}`;
  return `<details>\n<summary>Source lines (${count})</summary>\n\n${items.join('\n')}\n\n</details>\n`;
}
