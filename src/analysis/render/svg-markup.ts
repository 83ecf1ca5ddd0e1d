// A small reader for the SVG markup Mermaid produces, and the one place that makes such
// markup safe to embed: exported SVG files and the standalone HTML page go through
// `sanitizeSvg`, and source links are added to node groups with `wrapElements`. Pure.
//
// The SVG comes from Mermaid (in the webview or in the CLI's headless Chromium), so it is
// markup we made; every label in it was escaped by `escapeMermaid`. Sanitizing is defence
// in depth: an SVG that arrived through a forged webview message, or a future Mermaid that
// emits something active, still cannot run script when a reader opens the file.
//
// The tokenizer follows what an HTML parser does with SVG inlined in a page (foreign
// content, close to XML): text up to the next `<` that starts a tag, comments, CDATA and
// tags whose attributes may be quoted with either quote. Inside SVG there are no raw-text
// elements: a `<style>` or `<script>` element's content is markup to that parser, so it is
// read as markup here too.

/** One attribute as written: `name`, and its value still entity-encoded (undefined when bare). */
export interface SvgAttribute {
  name: string;
  value: string | undefined;
}

export type SvgToken =
  | { kind: 'text'; raw: string }
  | { kind: 'open'; name: string; attrs: SvgAttribute[]; selfClosing: boolean; raw: string }
  | { kind: 'close'; name: string; raw: string }
  /** A comment, CDATA section, doctype or processing instruction: `text` for CDATA, else undefined. */
  | { kind: 'other'; raw: string; cdata?: string };

const NAME = /[A-Za-z][^\s/>]*/y;
const ATTR_NAME = /[^\s"'>/=][^\s"'>/=]*/y;
const SPACE = /\s*/y;

/** Splits markup into tokens; never throws. Concatenating the `raw` fields gives the input back. */
export function tokenizeSvg(markup: string): SvgToken[] {
  const tokens: SvgToken[] = [];
  let i = 0;
  let text = '';
  const flushText = (): void => {
    if (text) tokens.push({ kind: 'text', raw: text });
    text = '';
  };
  while (i < markup.length) {
    const lt = markup.indexOf('<', i);
    if (lt < 0) {
      text += markup.slice(i);
      break;
    }
    text += markup.slice(i, lt);
    const rest = (s: string): boolean => markup.startsWith(s, lt);
    if (rest('<!--')) {
      const end = markup.indexOf('-->', lt + 4);
      const stop = end < 0 ? markup.length : end + 3;
      flushText();
      tokens.push({ kind: 'other', raw: markup.slice(lt, stop) });
      i = stop;
      continue;
    }
    if (rest('<![CDATA[')) {
      const end = markup.indexOf(']]>', lt + 9);
      const stop = end < 0 ? markup.length : end + 3;
      flushText();
      tokens.push({
        kind: 'other',
        raw: markup.slice(lt, stop),
        cdata: markup.slice(lt + 9, end < 0 ? markup.length : end),
      });
      i = stop;
      continue;
    }
    if (rest('<!') || rest('<?')) {
      const end = markup.indexOf('>', lt + 2);
      const stop = end < 0 ? markup.length : end + 1;
      flushText();
      tokens.push({ kind: 'other', raw: markup.slice(lt, stop) });
      i = stop;
      continue;
    }
    const closing = rest('</');
    NAME.lastIndex = lt + (closing ? 2 : 1);
    const name = NAME.exec(markup)?.[0];
    if (name === undefined) {
      // A `<` that starts no tag is text to an HTML parser.
      text += '<';
      i = lt + 1;
      continue;
    }
    let j = NAME.lastIndex;
    const attrs: SvgAttribute[] = [];
    let selfClosing = false;
    for (;;) {
      SPACE.lastIndex = j;
      SPACE.exec(markup);
      j = SPACE.lastIndex;
      if (j >= markup.length) break;
      const c = markup[j];
      if (c === '>') {
        j++;
        break;
      }
      if (c === '/') {
        if (markup[j + 1] === '>') {
          selfClosing = true;
          j += 2;
          break;
        }
        j++;
        continue;
      }
      ATTR_NAME.lastIndex = j;
      const attrName = ATTR_NAME.exec(markup)?.[0];
      if (attrName === undefined) {
        // A stray quote or `=`: skip it, as a browser would.
        j++;
        continue;
      }
      j = ATTR_NAME.lastIndex;
      SPACE.lastIndex = j;
      SPACE.exec(markup);
      let value: string | undefined;
      if (markup[SPACE.lastIndex] === '=') {
        SPACE.lastIndex += 1;
        SPACE.exec(markup);
        j = SPACE.lastIndex;
        const q = markup[j];
        if (q === '"' || q === "'") {
          const end = markup.indexOf(q, j + 1);
          value = markup.slice(j + 1, end < 0 ? markup.length : end);
          j = end < 0 ? markup.length : end + 1;
        } else {
          const m = /[^\s>]*/y;
          m.lastIndex = j;
          value = m.exec(markup)?.[0] ?? '';
          j = m.lastIndex;
        }
      }
      attrs.push({ name: attrName, value });
    }
    flushText();
    const raw = markup.slice(lt, j);
    tokens.push(
      closing ? { kind: 'close', name, raw } : { kind: 'open', name, attrs, selfClosing, raw },
    );
    i = j;
  }
  flushText();
  return tokens;
}

/** Escapes text for an XML/HTML attribute value in double quotes or for element content. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** Writes an open tag from its parts, every value double-quoted. */
export function writeOpenTag(
  name: string,
  attrs: readonly SvgAttribute[],
  selfClosing: boolean,
): string {
  const parts = attrs.map((a) =>
    a.value === undefined
      ? ` ${a.name}`
      : ` ${a.name}="${a.value.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}"`,
  );
  return `<${name}${parts.join('')}${selfClosing ? '/>' : '>'}`;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  colon: ':',
  tab: '\t',
  newline: '\n',
};

/** Decodes character references the way a browser would before reading a URL from an attribute. */
export function decodeEntities(value: string): string {
  return value.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);?/g, (all, ref: string) => {
    if (ref.startsWith('#')) {
      const code =
        ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff
        ? String.fromCodePoint(code)
        : '\ufffd';
    }
    return NAMED_ENTITIES[ref.toLowerCase()] ?? all;
  });
}

/** Characters XML 1.0 does not allow in a document: C0 controls but tab and newlines, lone surrogates, U+FFFE/U+FFFF. */
/* eslint-disable no-control-regex -- matching control characters is the point */
const NOT_XML =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** What browsers strip from a URL-bearing attribute before reading it: controls, spaces, backslashes. */
const STRIPPED_IN_URLS = /[\u0000-\u0020\\]+/g;
/* eslint-enable no-control-regex */

const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Makes entity-encoded text valid XML as well as HTML: a browser serializes U+00A0 as
 * `&nbsp;`, which XML does not define (an SVG file with it does not open), and a bare `&`
 * is fine in HTML but not in XML.
 */
function xmlEntities(text: string): string {
  return text
    .replace(NOT_XML, '\ufffd')
    .replace(
      /&(?:(#[xX][0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);)?/g,
      (all, ref: string | undefined) => {
        if (ref === undefined) return '&amp;';
        if (XML_ENTITIES.has(ref)) return all;
        const decoded = decodeEntities(all);
        if (decoded === all) return `&amp;${ref};`;
        // A reference to a character XML forbids (`&#7;`) makes the file unreadable too.
        return decoded.replace(NOT_XML, '') === ''
          ? '\ufffd'
          : `&#${decoded.codePointAt(0) ?? 65533};`;
      },
    );
}

/**
 * Elements removed with everything inside them: anything that runs script, loads a
 * document or changes attributes after load (SVG animation can set `href` to a
 * `javascript:` URL). Mermaid's flowcharts use none of them.
 */
const DROPPED = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'meta',
  'link',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'set',
  'animate',
  'animatemotion',
  'animatetransform',
  'animatecolor',
  'discard',
  'handler',
  'listener',
  'portal',
]);

/** Attributes that name a URL to load or follow. */
const URL_ATTRIBUTES = new Set([
  'href',
  'xlink:href',
  'src',
  'action',
  'formaction',
  'data',
  'srcdoc',
  'poster',
  'background',
  'ping',
]);

/**
 * Whether `value` (an attribute value, entity-encoded) is a link we keep: an `http:` or
 * `https:` URL, a relative reference, or a fragment. Browsers ignore tabs and newlines
 * inside a scheme (`java\tscript:`), so they are removed before looking at it.
 */
export function isSafeLink(value: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are what browsers strip
  const url = decodeEntities(value).replace(/[\u0000-\u0020\u007f-\u009f]+/g, '');
  if (url.startsWith('//') || url.startsWith('\\')) return false;
  const scheme = /^([^/?#]*?):/.exec(url);
  if (!scheme) return true;
  return /^https?$/i.test(scheme[1] ?? '');
}

/**
 * Removes from SVG markup everything that could run script or load something: the
 * elements in `DROPPED` with their content, `on*` event attributes, URL attributes that
 * are not http(s), relative or fragment links (and, outside `<a>`, anything but a fragment),
 * styles that mention `javascript:` or `expression(`, comments, doctypes and processing
 * instructions. Text and CDATA are written back escaped. Never throws.
 */
export function sanitizeSvg(markup: string): string {
  const out: string[] = [];
  let skipping: { depth: number } | undefined;
  for (const token of tokenizeSvg(markup)) {
    if (skipping) {
      if (token.kind === 'open' && !token.selfClosing) skipping.depth++;
      else if (token.kind === 'close') skipping.depth--;
      if (skipping.depth === 0) skipping = undefined;
      continue;
    }
    switch (token.kind) {
      case 'text':
        // Mermaid's leftover codes undone; a lone `<` that became text in the tokenizer is
        // written escaped so no parser sees a tag.
        out.push(xmlEntities(undoMermaidCodes(token.raw).replace(/</g, '&lt;')));
        break;
      case 'other':
        if (token.cdata !== undefined) out.push(escapeXml(token.cdata));
        break;
      case 'close':
        if (XML_NAME.test(token.name) && !DROPPED.has(token.name.toLowerCase()))
          out.push(`</${token.name}>`);
        break;
      case 'open': {
        const lower = token.name.toLowerCase();
        // A tag name an HTML parser accepts but XML does not (`<script"x>`): the tag goes, its content stays.
        if (!XML_NAME.test(token.name)) break;
        if (DROPPED.has(lower)) {
          if (!token.selfClosing) skipping = { depth: 1 };
          break;
        }
        const attrs = token.attrs
          .filter((a) => keepAttribute(lower, a))
          .map((a) => (a.value === undefined ? a : { name: a.name, value: xmlEntities(a.value) }));
        out.push(writeOpenTag(token.name, attrs, token.selfClosing));
        break;
      }
    }
  }
  return out.join('');
}

/**
 * With `htmlLabels: false` (the export drawing), Mermaid turns the `#60;` codes of
 * `escapeMermaid` into `&#60;` but leaves that as text in subgraph titles and edge labels,
 * so `<` showed as `&#60;`. Undone here, left to right, so an escaped `&` (`#38;`) before
 * a `#` and digits stays text.
 */
function undoMermaidCodes(raw: string): string {
  // In markup the text `&#60;` is `&amp;#60;`; it becomes the reference `&#60;` again.
  return raw.replace(/&amp;#(\d{1,7});/g, '&#$1;');
}

/** Element and attribute names as Mermaid writes them (a subset of XML names). */
const XML_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

function keepAttribute(element: string, attr: SvgAttribute): boolean {
  if (!XML_NAME.test(attr.name)) return false;
  const name = attr.name.toLowerCase();
  if (name.startsWith('on')) return false;
  const value = attr.value ?? '';
  if (URL_ATTRIBUTES.has(name)) {
    if (element === 'a' && (name === 'href' || name === 'xlink:href')) return isSafeLink(value);
    // Elsewhere (`<use>`, gradients, markers, images) only references inside the document.
    return decodeEntities(value).trim().startsWith('#');
  }
  if (name === 'style' || name === 'values' || name === 'to' || name === 'from' || name === 'by') {
    const plain = decodeEntities(value).replace(STRIPPED_IN_URLS, '').toLowerCase();
    return !plain.includes('javascript:') && !plain.includes('expression(');
  }
  return true;
}

/**
 * Wraps elements in new markup: for each open tag where `wrap` returns a pair, writes
 * `before` ahead of the element and `after` behind its matching close tag. Elements inside
 * an element already wrapped, or inside an `<a>`, are left alone (links do not nest).
 */
export function wrapElements(
  markup: string,
  wrap: (
    name: string,
    attrs: readonly SvgAttribute[],
  ) => { before: string; after: string } | undefined,
): string {
  const out: string[] = [];
  let open: { depth: number; after: string } | undefined;
  let anchors = 0;
  for (const token of tokenizeSvg(markup)) {
    if (token.kind === 'open' && !token.selfClosing) {
      const pair = open === undefined && anchors === 0 ? wrap(token.name, token.attrs) : undefined;
      if (pair) {
        out.push(pair.before);
        open = { depth: 0, after: pair.after };
      }
      if (open) open.depth++;
      if (token.name.toLowerCase() === 'a') anchors++;
      out.push(token.raw);
    } else if (token.kind === 'close') {
      out.push(token.raw);
      if (token.name.toLowerCase() === 'a' && anchors > 0) anchors--;
      if (open && --open.depth === 0) {
        out.push(open.after);
        open = undefined;
      }
    } else {
      out.push(token.raw);
    }
  }
  if (open) out.push(open.after);
  return out.join('');
}

/** Value of attribute `name` (case-insensitive), entity-decoded. */
export function attribute(attrs: readonly SvgAttribute[], name: string): string | undefined {
  const lower = name.toLowerCase();
  const found = attrs.find((a) => a.name.toLowerCase() === lower);
  return found?.value === undefined ? undefined : decodeEntities(found.value);
}
