// Escaping for every text format the renderers write. All data in a graph (function
// names, file paths, notes, `via` strings, stage names, titles) comes from C source we do
// not control, so nothing reaches an output format without passing through here.

/* eslint-disable-next-line no-control-regex -- matching control characters is the point */
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Characters that may appear raw inside a quoted Mermaid label. Everything else is written
 * as a Mermaid entity code (`#35;` for `#`, `#60;` for `<`...), which Mermaid turns into an
 * HTML entity after parsing: the browser then shows the character as text, never as markup,
 * and the Mermaid lexer never sees a quote, bracket, pipe, semicolon or `%%`.
 */
// Printable characters beyond ASCII pass as they are: none can end a quoted label, and
// Mermaid leaves `#NNN;` codes undecoded in subgraph titles and edge labels when
// htmlLabels is off (the export mode), where `Driver #183; hard IRQ` showed its code.
const MERMAID_SAFE = /[A-Za-z0-9 _.,:/()+=*@$!?~^\u00a1-\u2027\u202a-\uffff-]/u;

/** Collapses newlines, tabs and other control or separator characters into one space. */
export function singleLine(text: string): string {
  // U+2028/U+2029 break lines in some viewers; C0/C1 controls could drive a terminal.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
}

/** Shortens `text` to at most `max` characters, ending with `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/**
 * Escapes `text` for use between the double quotes of a Mermaid label (node, subgraph
 * title or edge label). The result contains only `[A-Za-z0-9 _.,:/()+=*@$!?~^-]`, printable
 * non-ASCII characters and entity codes `#NNN;`, so no input can end the label, start a
 * statement or inject markup.
 */
export function escapeMermaid(text: string): string {
  let out = '';
  for (const ch of singleLine(text)) {
    out += MERMAID_SAFE.test(ch) ? ch : `#${ch.codePointAt(0) ?? 63};`;
  }
  return out;
}

/** Escapes `text` for a double-quoted Graphviz DOT string (IDs, labels, tooltips). */
export function escapeDot(text: string): string {
  // Backslashes first: `\N`, `\G`, `\l` are label escapes in DOT, so a literal backslash
  // in the input must stay a literal backslash.
  return singleLine(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Makes `text` safe to print on a terminal or in a plain-text file: one line, with
 * control characters (which could drive a terminal, e.g. ESC sequences) made visible.
 */
export function plainText(text: string): string {
  return text
    .replace(/\r\n|[\n\r\u2028\u2029]/g, ' ')
    .replace(CONTROL_CHARACTERS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
