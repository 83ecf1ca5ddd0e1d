// Editor hovers for kernel C, as pure functions: what sits under the cursor (an sk_buff member
// access such as `skb->data`, a call of an skb buffer operation such as `skb_pull(skb,
// ETH_HLEN)`, or a packet-path function) and the short Markdown that explains it, built from
// the knowledge tables and the kernel-doc of the user's own include/linux/skbuff.h.
// src/extension/hover.ts is the VS Code shell: it supplies the text and turns link targets into URIs.
//
// Invariant: everything that comes from the C file or the header (names, length arguments,
// kernel-doc) is escaped before it reaches Markdown, so hostile text renders as text. The
// result needs neither HTML nor trusted (command) links.

import { NOT_FOUND, maskComments, openingBracket, splitArguments } from '../index/c-text';
import { functionNoteCitations, skbOpCitation } from './citations';
import { CONCEPTS } from './concepts';
import {
  type ExplanationSource,
  explain,
  explanationCitation,
  formatSource,
  locateSource,
} from './explain';
import { SKB_FIELDS } from './skb-fields';
import { findSkbOp, type SkbOpRow } from './skb-ops';
import type { SkbFieldDoc } from './skbuff-doc';
import type { Citation, ReadSource } from './sources';
import { STAGES, classifyStage, functionNote } from './stages';

/** What the cursor is on. Columns are 0-based offsets in the hovered line, `end` exclusive. */
export type HoverTarget =
  | {
      kind: 'skb-field';
      /** `sk_buff` for `skb->len`, `skb_shared_info` for `skb_shinfo(skb)->nr_frags`. */
      struct: 'sk_buff' | 'skb_shared_info';
      field: string;
      /** The object as written, from its last member on: `nskb`, `(*pskb)`, `skb` of `rx_buf->skb`. */
      object: string;
      start: number;
      end: number;
    }
  | {
      kind: 'skb-op';
      name: string;
      /** The length argument as written at the call, when the call shows it. */
      lenText?: string;
      start: number;
      end: number;
    }
  | {
      kind: 'function';
      name: string;
      /** True when the line defines or declares the function rather than calling it. */
      definition: boolean;
      start: number;
      end: number;
    };

export interface HoverOptions {
  /** Lines above the hovered one, nearest last: declarations (`struct sk_buff *n`) and split expressions. */
  before?: readonly string[];
  /** Lines below it, nearest first: the rest of a call split over lines. */
  after?: readonly string[];
  /** `struct sk_buff` members from the user's skbuff.h (readSkbuffDoc). */
  doc?: readonly SkbFieldDoc[];
  /** Path of the hovered file relative to the kernel root: stage rules that go by file use it for definitions. */
  file?: string;
  /** Makes a link target a URI for the Markdown; without it, or when it returns undefined, no link. */
  linkTo?: (file: string, line: number) => string | undefined;
  /** Reads a file of the user's tree: the place each statement cites is found there and linked. */
  readSource?: ReadSource;
}

/** A definition to link to: a kernel-relative file and a 1-based line. */
export interface HoverLink {
  file: string;
  line: number;
}

export interface HoverResult {
  target: HoverTarget;
  /** Markdown to render untrusted, without HTML. */
  markdown: string;
  link?: HoverLink;
}

/** Lines longer than this are generated or minified: no hover (keeps every answer fast). */
export const MAX_HOVER_LINE = 4000;

/** How far up declarations are looked for (a function body rarely runs longer). */
const BEFORE_LINES = 300;
/** How far down a call split over lines is followed. */
const AFTER_LINES = 3;

/**
 * The lines `hoverAt` reads around 0-based `line`: up to the previous function's closing
 * `}` in column 0 above, a few below; over-long lines are replaced by empty ones.
 */
export function surroundingLines(
  lineAt: (i: number) => string,
  lineCount: number,
  line: number,
): { before: string[]; after: string[] } {
  const before: string[] = [];
  for (let i = line - 1; i >= 0 && line - i <= BEFORE_LINES; i--) {
    const text = lineAt(i);
    if (text.startsWith('}')) break;
    before.push(text.length > MAX_HOVER_LINE ? '' : text);
  }
  const after: string[] = [];
  for (let i = line + 1; i < lineCount && i - line <= AFTER_LINES; i++) {
    const text = lineAt(i);
    after.push(text.length > MAX_HOVER_LINE ? '' : text);
  }
  return { before: before.reverse(), after };
}

const SKBUFF_H = 'include/linux/skbuff.h';
/** How far above the line an expression split over lines may start. */
const SPLIT_LINES = 3;
/** How much text after the name a call's arguments may take. */
const MAX_ARGS_TEXT = 2000;
/** How much text a bracketed object (`skb_shinfo(skb)`, `(*pskb)`, `skbs[i]`) may take. */
const MAX_OBJECT_TEXT = 400;

const C_KEYWORDS = new Set([
  'if',
  'else',
  'for',
  'while',
  'do',
  'switch',
  'case',
  'default',
  'return',
  'goto',
  'break',
  'continue',
  'sizeof',
  'typeof',
  '__typeof__',
  'alignof',
  '_Alignof',
  '__alignof__',
  'defined',
  'struct',
  'union',
  'enum',
  'static',
  'inline',
  'const',
  'volatile',
  'extern',
  'typedef',
  'void',
  'char',
  'short',
  'int',
  'long',
  'unsigned',
  'signed',
  'float',
  'double',
]);

/** Words that may stand before a call without making the line a declaration (`return skb_pull(...)`). */
const NOT_A_TYPE = new Set([
  'return',
  'else',
  'do',
  'case',
  'sizeof',
  'typeof',
  '__typeof__',
  'goto',
]);

const SKB_MEMBERS: ReadonlySet<string> = new Set(
  SKB_FIELDS.filter((r) => r.struct === 'sk_buff').map((r) => r.field),
);
const SHINFO_MEMBERS: ReadonlySet<string> = new Set(
  SKB_FIELDS.filter((r) => r.struct === 'skb_shared_info').map((r) => r.field),
);

// ---------------------------------------------------------------------------------------
// Finding the target.

/**
 * What the cursor at `column` of `line` is on, or undefined. An sk_buff member needs an
 * object that looks like an skb: a name containing `skb` (`nskb`, `rx_buf->skb`, `(*pskb)`),
 * a name declared `struct sk_buff *` in `before`, or a `(struct sk_buff *)` cast.
 */
export function findHoverTarget(
  line: string,
  column: number,
  options: HoverOptions = {},
): HoverTarget | undefined {
  if (line.length > MAX_HOVER_LINE || column < 0 || column > line.length) return undefined;
  const word = wordAt(line, column);
  if (!word) return undefined;
  const name = line.slice(word.start, word.end);
  if (/^\d/.test(name)) return undefined;

  // The hovered line with a few lines above it, so `->` and its object may sit on earlier lines.
  const above = (options.before ?? []).slice(-SPLIT_LINES);
  const prefix = above.length > 0 ? `${above.join('\n')}\n` : '';
  const text = prefix + line;
  const start = prefix.length + word.start;
  const end = prefix.length + word.end;

  const arrow = /->\s*$/.exec(text.slice(Math.max(0, start - 200), start));
  if (arrow) {
    const object = objectBefore(text, start - arrow[0].length);
    if (!object) return undefined;
    const struct = objectStruct(object, options);
    if (
      struct === 'sk_buff' &&
      (SKB_MEMBERS.has(name) || (options.doc ?? []).some((d) => d.name === name))
    ) {
      return {
        kind: 'skb-field',
        struct,
        field: name,
        object: object.text,
        start: word.start,
        end: word.end,
      };
    }
    if (struct === 'skb_shared_info' && SHINFO_MEMBERS.has(name)) {
      return {
        kind: 'skb-field',
        struct,
        field: name,
        object: object.text,
        start: word.start,
        end: word.end,
      };
    }
    // A member, not a function: `dev->netdev_ops->ndo_start_xmit(...)` is a call through a pointer.
    return undefined;
  }
  if (/\.\s*$/.test(text.slice(Math.max(0, start - 20), start))) return undefined;
  if (C_KEYWORDS.has(name)) return undefined;

  const definition = isDefinition(line, word.start);
  const open = /^\s*\(/.exec(text.slice(end, end + 200));
  const op = findSkbOp(name);
  if (op) {
    const target: HoverTarget = { kind: 'skb-op', name, start: word.start, end: word.end };
    if (open && !definition && op.lenArg !== undefined) {
      const after =
        options.after && options.after.length > 0
          ? `\n${options.after.slice(0, SPLIT_LINES).join('\n')}`
          : '';
      const args = callArguments(text + after, end + open[0].length);
      const len = args[op.lenArg];
      if (len !== undefined && len !== '') target.lenText = len;
    }
    return target;
  }
  if (open || definition || functionNote(name))
    return { kind: 'function', name, definition, start: word.start, end: word.end };
  return undefined;
}

/** The identifier containing the cursor, or ending right before it. */
function wordAt(line: string, column: number): { start: number; end: number } | undefined {
  const isWord = (i: number): boolean => i >= 0 && i < line.length && /\w/.test(line[i] ?? '');
  let at = column;
  if (!isWord(at)) {
    if (!isWord(at - 1)) return undefined;
    at -= 1;
  }
  let start = at;
  let end = at + 1;
  while (isWord(start - 1)) start--;
  while (isWord(end)) end++;
  return { start, end };
}

/** The object of a member access, read backwards from just before its `->`. */
interface ObjectExpr {
  text: string;
  start: number;
  /** The last name in it: `skb` in `rx_buf->skb`, `pskb` in `(*pskb)`, `skbs` in `skbs[i]`. */
  name?: string;
  /** A name declared in the function (not a member), so `before`'s declarations apply. */
  local: boolean;
  /** `skb_shinfo` in `skb_shinfo(skb)`. */
  call?: string;
  /** The struct of a cast, `sk_buff` in `((struct sk_buff *)p)`. */
  cast?: string;
}

function objectBefore(text: string, end: number): ObjectExpr | undefined {
  let p = end;
  while (p > 0 && /\s/.test(text[p - 1] ?? '')) p--;
  const stop = p;
  const c = text[p - 1];
  if (c === ')') {
    const open = openingBracket(text, p - 1);
    if (open === NOT_FOUND || p - 1 - open >= MAX_OBJECT_TEXT) return undefined;
    const inner = text.slice(open + 1, p - 1);
    let q = open;
    while (q > 0 && /[ \t]/.test(text[q - 1] ?? '')) q--;
    const callee = /\w+$/.exec(text.slice(Math.max(0, q - 80), q));
    if (callee && !C_KEYWORDS.has(callee[0])) {
      const start = q - callee[0].length;
      return { text: text.slice(start, stop), start, local: false, call: callee[0] };
    }
    const expr = { text: text.slice(open, stop), start: open };
    const cast = /^\s*\(\s*(?:const\s+)?struct\s+(\w+)\s*\*\s*\)/.exec(inner);
    if (cast) return { ...expr, local: false, cast: cast[1] ?? '' };
    // `(*pskb)`: a dereference of a name.
    const deref = /^\s*\*+\s*(\w+)\s*$/.exec(inner);
    if (deref) return { ...expr, name: deref[1] ?? '', local: true };
    const last = /(\w+)\s*$/.exec(inner);
    return { ...expr, name: last?.[1] ?? '', local: false };
  }
  if (c === ']') {
    const open = openingBracket(text, p - 1);
    if (open === NOT_FOUND || p - 1 - open >= MAX_OBJECT_TEXT) return undefined;
    const base = objectBefore(text, open);
    return base ? { ...base, text: text.slice(base.start, stop) } : undefined;
  }
  const ident = /[A-Za-z_]\w*$/.exec(text.slice(Math.max(0, p - 200), p));
  if (!ident) return undefined;
  const start = p - ident[0].length;
  const member = /(->|\.)\s*$/.test(text.slice(Math.max(0, start - 20), start));
  return { text: text.slice(start, stop), start, name: ident[0], local: !member };
}

/** Which struct the object is, as far as a hover can tell. */
function objectStruct(
  object: ObjectExpr,
  options: HoverOptions,
): 'sk_buff' | 'skb_shared_info' | undefined {
  if (object.call !== undefined)
    return object.call === 'skb_shinfo' ? 'skb_shared_info' : undefined;
  if (object.cast !== undefined)
    return object.cast === 'sk_buff' || object.cast === 'skb_shared_info' ? object.cast : undefined;
  const name = object.name ?? '';
  if (!name) return undefined;
  if (object.local) {
    // A declaration wins over the name: `struct net_device *skbdev` is no skb.
    const declared = pointerDeclarations(options.before ?? []).get(name);
    if (declared !== undefined)
      return declared === 'sk_buff' || declared === 'skb_shared_info' ? declared : undefined;
  }
  if (/^shinfo$/i.test(name)) return 'skb_shared_info';
  return /skb/i.test(name) ? 'sk_buff' : undefined;
}

/**
 * Names declared as pointers to a struct in `lines`, with the struct (the last declaration
 * wins): `struct sk_buff *skb, *nskb = NULL;` and parameters `(struct sk_buff *skb, ...)`.
 */
function pointerDeclarations(lines: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const text = lines.join('\n');
  const head = /\bstruct\s+(\w+)/g;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    // The declarator list runs to the end of the declaration or parameter.
    const rest = /^[^;{})]*/.exec(text.slice(head.lastIndex, head.lastIndex + 400))?.[0] ?? '';
    for (const part of rest.split(',')) {
      const d = /^\s*(?:const\s+)?\*+\s*(?:const\s+)?(\w+)/.exec(part);
      if (!d) break;
      names.set(d[1] ?? '', m[1] ?? '');
    }
  }
  return names;
}

/**
 * Kernel style defines functions with the name at column 0 or after a return type on the
 * same line (`static void *skb_put(`); a call follows `=`, `(`, `return`, an operator or an
 * indent.
 */
function isDefinition(line: string, start: number): boolean {
  const before = line.slice(0, start);
  if (before === '') return true;
  const typeEnd = /(\w+)[\s*]*$/.exec(before);
  if (!typeEnd || NOT_A_TYPE.has(typeEnd[1] ?? '')) return false;
  // `x = *skb_put(...)` and `a * skb_headlen(skb)` end with a name too, but after an operator.
  return !/[=(,!&|?:;{}+\-/<>%^~[]\s*\w+[\s*]*$/.test(before);
}

/** The arguments of a call whose `(` ends at `from`, each on one line without comments; a cut-off last one is left out. */
function callArguments(text: string, from: number): string[] {
  const { args } = splitArguments(text, from - 1, from + MAX_ARGS_TEXT);
  return args.map((a) => oneLine(maskComments(text.slice(a.from, a.to))));
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------
// Content.

/** The hover at `column` of `line`: its target, Markdown and link; undefined when we know nothing useful. */
export function hoverAt(
  line: string,
  column: number,
  options: HoverOptions = {},
): HoverResult | undefined {
  const target = findHoverTarget(line, column, options);
  if (!target) return undefined;
  const result = hoverContent(target, options);
  if (!result) return undefined;
  const cite = hoverCitation(target);
  if (cite && !(result.link?.file === cite.file && cite.symbol.startsWith('sk_buff.')))
    result.markdown += `\n\n${sourceMarkdown(cite, options)}`;
  const stage = target.kind === 'function' ? stageCitation(target, options) : undefined;
  if (stage) result.markdown += `\n\n${sourceMarkdown(stage, options, 'Stage source')}`;
  return result;
}

/** The citation behind what a hover says: the row's own, or the concept's for a function it names. */
export function hoverCitation(target: HoverTarget): Citation | undefined {
  switch (target.kind) {
    case 'skb-field': {
      const e = explain(
        target.struct === 'sk_buff' ? `skb->${target.field}` : `skb_shinfo(skb)->${target.field}`,
      );
      return e ? explanationCitation(e) : undefined;
    }
    case 'skb-op': {
      const row = findSkbOp(target.name);
      return row ? skbOpCitation(row) : undefined;
    }
    case 'function': {
      const note = functionNote(target.name);
      if (note) return functionNoteCitations(note).at(-1);
      return CONCEPTS.find((c) => c.source?.symbol === target.name)?.source;
    }
  }
}

/** The citation of the stage rule that gives a function its stage and context in the hover. */
function stageCitation(
  target: Extract<HoverTarget, { kind: 'function' }>,
  options: HoverOptions,
): Citation | undefined {
  const file = functionNote(target.name)?.file ?? (target.definition ? options.file : undefined);
  return classifyStage(target.name, file ?? '')?.source;
}

/** `*Source:* [include/linux/skbuff.h:2798 ...](uri)`: the cited place, linked when the tree has it. */
function sourceMarkdown(cite: Citation, options: HoverOptions, title = 'Source'): string {
  return `*${title}:* ${placeMarkdown(locateSource(cite, options.readSource), options, false)}`;
}

/**
 * A located citation, linked when it holds: to its definition, or with `atHeld` to the line
 * of the first text it holds (the statement an event names).
 */
function placeMarkdown(src: ExplanationSource, options: HoverOptions, atHeld: boolean): string {
  const held = atHeld ? src.holds?.find((h) => h.line !== undefined)?.line : undefined;
  const line = held ?? src.line;
  const uri = line !== undefined ? options.linkTo?.(src.file, line) : undefined;
  return uri && !src.problem ? link(formatSource(src), uri) : text(formatSource(src));
}

function hoverContent(target: HoverTarget, options: HoverOptions): HoverResult | undefined {
  switch (target.kind) {
    case 'skb-field':
      return fieldHover(target, options);
    case 'skb-op': {
      const row = findSkbOp(target.name);
      return row ? { target, markdown: skbOpMarkdown(row, target.lenText) } : undefined;
    }
    case 'function': {
      const markdown = functionMarkdown(target.name, target.definition ? options.file : undefined);
      return markdown ? { target, markdown } : undefined;
    }
  }
}

function fieldHover(
  target: Extract<HoverTarget, { kind: 'skb-field' }>,
  options: HoverOptions,
): HoverResult | undefined {
  const topic =
    target.struct === 'sk_buff' ? `skb->${target.field}` : `skb_shinfo(skb)->${target.field}`;
  const e = explain(topic, options.doc, options.readSource);
  if (!e) return undefined;
  const d =
    target.struct === 'sk_buff' ? options.doc?.find((f) => f.name === target.field) : undefined;
  const parts: string[] = [];
  const head = `**${text(e.title)}**`;
  parts.push(e.type !== undefined ? `${head} ${code(e.type)}` : head);
  parts.push(text(e.text));
  if (e.kernelDoc !== undefined) parts.push(`*skbuff.h:* ${text(e.kernelDoc)}`);
  if (d?.conditions && d.conditions.length > 0)
    parts.push(`*Only with* ${d.conditions.map(code).join(', ')}`);
  if (e.events && e.events.length > 0)
    parts.push(
      [
        '*Changed by:*',
        ...e.events.map((ev) => `- ${text(ev.what)} ${placeMarkdown(ev.source, options, true)}`),
      ].join('\n'),
    );
  const result: HoverResult = { target, markdown: '' };
  if (e.file === SKBUFF_H && e.line !== undefined) {
    result.link = { file: SKBUFF_H, line: e.line };
    const uri = options.linkTo?.(SKBUFF_H, e.line);
    if (uri) parts.push(link(`${SKBUFF_H}:${e.line}`, uri));
  }
  result.markdown = parts.join('\n\n');
  return result;
}

/** What an skb operation does to data, tail and len, with a before/after diagram when pointers move. */
export function skbOpMarkdown(row: SkbOpRow, lenText?: string): string {
  const len = shownLength(row, lenText);
  const withLen = (s: string, as: string): string => s.replace(/\bLEN\b/g, () => as);
  const args = row.params.map((p, i) => (i === row.lenArg ? len : p));
  const parts = [`${code(`${row.name}(${args.join(', ')})`)}: ${text(withLen(row.summary, len))}`];
  const changes = Object.entries(row.effect).map(([field, value]) =>
    code(`${field} ${withLen(value, operand(len))}`),
  );
  // A may-pull or copy-on-write moves nothing it names, yet may move the head: its caveat says so.
  if (changes.length > 0) parts.push(changes.join(' · '));
  else if (!row.caveat) parts.push('data, tail and len do not change');
  if (row.caveat) parts.push(text(row.caveat));
  const diagram = skbOpDiagram(row, len);
  if (diagram) parts.push(codeBlock(diagram));
  return parts.join('\n\n');
}

/** A length after an operator: compound expressions in parentheses (`len -= (a + b)`). */
function operand(len: string): string {
  return /^[\w.>-]+$|^\w+\s*\([^()]*\)$/.test(len) && !/^-/.test(len) ? len : `(${len})`;
}

/** The length as the hover shows it: the call's argument, the fixed length, else the parameter in capitals. */
function shownLength(row: SkbOpRow, lenText: string | undefined): string {
  const given = lenText?.trim();
  const len = given
    ? given
    : (row.fixedLen ??
      (row.lenArg !== undefined ? (row.params[row.lenArg] ?? 'len').toUpperCase() : ''));
  return len.length > 60 ? `${len.slice(0, 59)}…` : len;
}

/** Stage, context and our note for a packet-path function; undefined for functions we know nothing about. */
export function functionMarkdown(name: string, definedInFile?: string): string | undefined {
  const note = functionNote(name);
  // A call's callee lives elsewhere: only rules on the name apply, or the file our note names.
  const stage = classifyStage(name, note?.file ?? definedInFile ?? '');
  if (!stage && !note) return undefined;
  const label = stage
    ? (STAGES.find((s) => s.id === stage.stage)?.label ?? stage.stage)
    : undefined;
  const where = [label, stage?.context ? `${stage.context} context` : undefined].filter(
    (s): s is string => s !== undefined,
  );
  const head = `${code(`${name}()`)}${where.length > 0 ? ` · ${text(where.join(', '))}` : ''}`;
  const body = note?.note ?? stage?.note;
  return body ? `${head}\n\n${text(body)}` : head;
}

// ---------------------------------------------------------------------------------------
// The diagram: a schematic linear buffer, head to end, before and after the operation.

/** Positions on the schematic: every operation moves a pointer by DELTA cells. */
const END = 36;
const DATA = 10;
const TAIL = 26;
const DELTA = 5;

interface Span {
  from: number;
  to: number;
  /** `+` bytes that joined the packet, `-` bytes that left it, `^` an offset or reserved room. */
  mark: '+' | '-' | '^';
}

/** The before/after picture of an operation that moves data or tail or marks a header; undefined otherwise. */
export function skbOpDiagram(row: SkbOpRow, len: string): string | undefined {
  const effect = row.effect;
  const reserve = effect.data === '+= LEN' && effect.tail === '+= LEN';
  const negative = /^-(?!-)/.test(len.trim());
  let data = reserve ? 0 : DATA;
  let tail = reserve ? 0 : TAIL;
  const before = { data, tail };
  let span: Span | undefined;
  const marks: { name: string; at: number }[] = [];
  for (const [field, value] of Object.entries(effect)) {
    if (field === 'data' && value === '+= LEN') {
      span = reserve
        ? { from: data, to: data + DELTA, mark: '^' }
        : { from: data, to: data + DELTA, mark: '-' };
      data += DELTA;
    } else if (field === 'data' && value === '-= LEN') {
      span = { from: data - DELTA, to: data, mark: '+' };
      data -= DELTA;
    } else if (field === 'tail' && value === '+= LEN') {
      if (!reserve) span = { from: tail, to: tail + DELTA, mark: '+' };
      tail += DELTA;
    } else if (field === 'tail' && value === '= data + LEN') {
      span = { from: tail - DELTA, to: tail, mark: '-' };
      tail -= DELTA;
    } else if (field.endsWith('_header') && value === '= data') {
      marks.push({ name: field, at: data });
    } else if (field.endsWith('_header') && value === '= data + LEN') {
      const at = negative ? data - DELTA : data + DELTA;
      span = { from: Math.min(data, at), to: Math.max(data, at), mark: '^' };
      marks.push({ name: field, at });
    }
  }
  if (before.data === data && before.tail === tail && marks.length === 0) return undefined;

  const rows = [
    `        ${labels([
      { name: 'head', at: 0 },
      { name: 'data', at: before.data },
      { name: 'tail', at: before.tail },
      { name: 'end', at: END },
    ])}`,
    `before  ${bar(before.data, before.tail)}`,
    `        ${labels([
      { name: 'head', at: 0 },
      { name: 'data', at: data },
      { name: 'tail', at: tail },
      { name: 'end', at: END },
    ])}`,
    `after   ${bar(data, tail, span)}`,
  ];
  if (span) rows.push(`        ${' '.repeat(span.from)}${'^'.repeat(span.to - span.from)} ${len}`);
  for (const m of marks) rows.push(`        ${' '.repeat(m.at)}^ ${m.name}`);
  return rows.map((r) => r.trimEnd()).join('\n');
}

/** Names at their positions; names at the same position are joined with `/`, overlapping ones pushed right. */
function labels(items: readonly { name: string; at: number }[]): string {
  const merged = new Map<number, string[]>();
  for (const i of items) merged.set(i.at, [...(merged.get(i.at) ?? []), i.name]);
  let out = '';
  for (const [at, names] of [...merged.entries()].sort((a, b) => a[0] - b[0])) {
    const col = Math.max(at, out.length === 0 ? 0 : out.length + 1);
    out = out.padEnd(col) + names.join('/');
  }
  return out;
}

function bar(data: number, tail: number, span?: Span): string {
  let out = '';
  for (let p = 0; p <= END; p++) {
    if (p === 0 || p === data || p === tail || p === END) out += '|';
    else if (span && span.mark !== '^' && p >= span.from && p < span.to) out += span.mark;
    else out += p > data && p < tail ? '=' : '.';
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Markdown that renders text as text.

/** Escapes every ASCII punctuation character and folds whitespace, so no markup survives. */
export function text(s: string): string {
  return clean(s).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** An inline code span that no backtick in `s` can close early. */
export function code(s: string): string {
  const body = clean(s);
  const longest = Math.max(0, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad =
    body.startsWith('`') || body.endsWith('`') || (body.startsWith(' ') && body.endsWith(' '))
      ? ' '
      : '';
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced block that no line of `s` can close early. */
function codeBlock(s: string): string {
  const longest = Math.max(0, ...[...s.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}text\n${withoutControls(s, true)}\n${fence}`;
}

/** A link whose label is escaped and whose destination cannot break out of the parentheses. */
function link(label: string, uri: string): string {
  const dest = uri.replace(
    /[\s()<>\\`"']/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  return `[${text(label)}](${dest})`;
}

/** One line without control characters, at most 640 characters (our longest explanation fits whole). */
function clean(s: string): string {
  const one = withoutControls(s, false).replace(/\s+/g, ' ').trim();
  return one.length > 640 ? `${one.slice(0, 639)}…` : one;
}

/** Control characters become spaces (newlines too unless kept): they have no place in a hover. */
function withoutControls(s: string, keepNewlines: boolean): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += (c < 0x20 && !(keepNewlines && ch === '\n')) || c === 0x7f ? ' ' : ch;
  }
  return out;
}
