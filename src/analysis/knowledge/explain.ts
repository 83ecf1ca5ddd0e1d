// `explain(topic)`: one lookup over every knowledge table, for editor hovers and
// `netpaths explain`. Accepts the spellings a reader types or hovers: `skb->data`, `data`,
// `sk_buff.data`, `skb_shinfo(skb)->frags`, `NAPI`, `gro`, `bottom half`, `skb_pull`,
// `ip_rcv()`, `NF_INET_LOCAL_IN`, `local_in`. With the user's struct sk_buff kernel-doc
// (from readSkbuffDoc) a field explanation also carries its declared type, line and the
// kernel's own description; fields we do not explain still resolve from that kernel-doc.
//
// Lookup order: a qualified field (`skb->x`) first; then exact kernel names (functions with
// notes, skb operations, netfilter constants), case-sensitive; then case-insensitive topics
// (fields, concepts and their aliases, hook labels, function names); then the kernel-doc.

import { functionNoteCitations, skbFieldCitation, skbOpCitation } from './citations';
import { CONCEPTS } from './concepts';
import { HOOK_CALLS, NF_HOOKS, NF_PROTOS, findHook, hooksInvokedBy } from './netfilter';
import { SKB_FIELDS, type SkbFieldRow } from './skb-fields';
import { SKB_OPS, describeSkbOp, findSkbOp, skbOpChanges } from './skb-ops';
import type { SkbFieldDoc } from './skbuff-doc';
import { type Citation, type ReadSource, checkCitation } from './sources';
import type { ExecContext, Stage } from '../graph-json';
import { FUNCTION_NOTES, classifyStage, functionNote } from './stages';

export type ExplanationKind = 'skb-field' | 'concept' | 'function' | 'skb-op' | 'netfilter';

export interface Explanation {
  /** Heading, e.g. `skb->data`, `NAPI`, `ip_rcv()`. */
  title: string;
  /** Our explanation. */
  text: string;
  /** Declared type, for a field found in the user's kernel-doc. */
  type?: string;
  /** The kernel's own `@field:` description from the user's tree. */
  kernelDoc?: string;
  /** 1-based line of the declaration in `file`. */
  line?: number;
  file?: string;
  kind: ExplanationKind;
  /** Canonical topic key, as listed by listTopics(). */
  topic: string;
  /** For a function: its stage on the packet path and default context (see classifyStage). */
  stage?: Stage;
  context?: ExecContext;
  related?: string[];
  seeAlso?: string[];
  /** The place in the tree that backs the text; its lines when the tree was read. */
  source?: ExplanationSource;
  /** For a function: the place that backs its stage and context (the stage rule's citation). */
  stageSource?: ExplanationSource;
  /** For a member: the events that change it, each with its place (lines when read). */
  events?: { what: string; source: ExplanationSource }[];
}

/** Where an explanation's statement is backed in the tree (sources.ts). */
export interface ExplanationSource {
  file: string;
  /** The definition cited: a function, macro, struct or `struct.member`. */
  symbol: string;
  /** 1-based first and last line of the definition, when the tree was read and holds it. */
  line?: number;
  endLine?: number;
  /** The texts it must hold, with their line when found. */
  holds?: { text: string; line?: number }[];
  /** Why the citation does not hold in the tree read, when it does not. */
  problem?: string;
}

export interface TopicSummary {
  topic: string;
  kind: ExplanationKind;
  title: string;
}

const SKBUFF_H = 'include/linux/skbuff.h';

/** Lower-case, with runs of spaces, `-` and `_` folded to one space. */
function squash(s: string): string {
  return s
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const FIELD_INDEX: ReadonlyMap<string, SkbFieldRow> = (() => {
  const m = new Map<string, SkbFieldRow>();
  for (const row of SKB_FIELDS)
    for (const key of [row.field, ...(row.aliases ?? [])])
      if (!m.has(squash(key))) m.set(squash(key), row);
  return m;
})();

const CONCEPT_INDEX: ReadonlyMap<string, (typeof CONCEPTS)[number]> = (() => {
  const m = new Map<string, (typeof CONCEPTS)[number]>();
  for (const row of CONCEPTS)
    for (const key of [row.id, row.title, ...(row.aliases ?? [])])
      if (!m.has(squash(key))) m.set(squash(key), row);
  return m;
})();

const FUNCTION_NAMES_LOWER: ReadonlyMap<string, string> = new Map(
  [...FUNCTION_NOTES.map((n) => n.name), ...SKB_OPS.map((o) => o.name)].map((n) => [
    n.toLowerCase(),
    n,
  ]),
);

/** `skb->x`, `sk_buff.x`, `struct sk_buff::x`, `skb_shinfo(skb)->x`, `shinfo->x`: the member and its struct. */
function qualifiedField(
  topic: string,
): { field: string; struct: 'sk_buff' | 'skb_shared_info' } | undefined {
  const m =
    /^(?:struct\s+)?(skb_shinfo\s*\(\s*\w*\s*\)|shinfo|skb_shared_info|sk_buff|skb)\s*(?:->|\.|::)\s*(\w+)$/i.exec(
      topic,
    );
  if (!m) return undefined;
  const owner = (m[1] ?? '').toLowerCase();
  const field = m[2] ?? '';
  return { field, struct: owner === 'sk_buff' || owner === 'skb' ? 'sk_buff' : 'skb_shared_info' };
}

function fieldTitle(row: { field: string; struct: string }): string {
  if (row.struct === 'skb_shared_info') return `skb_shinfo(skb)->${row.field}`;
  if (row.struct === 'derived') return `skb ${row.field}`;
  return `skb->${row.field}`;
}

function fromFieldRow(row: SkbFieldRow, doc: readonly SkbFieldDoc[] | undefined): Explanation {
  const e: Explanation = {
    title: fieldTitle(row),
    text: row.text,
    kind: 'skb-field',
    topic: row.field,
  };
  if (row.related) e.related = [...row.related];
  if (row.seeAlso) e.seeAlso = [...row.seeAlso];
  if (row.struct === 'sk_buff')
    mergeDoc(
      e,
      doc?.find((d) => d.name === row.field),
    );
  return e;
}

function mergeDoc(e: Explanation, d: SkbFieldDoc | undefined): void {
  if (!d) return;
  if (d.type !== undefined) e.type = d.bits !== undefined ? `${d.type}:${d.bits}` : d.type;
  if (d.description !== undefined) e.kernelDoc = d.description;
  if (d.line !== undefined) {
    e.line = d.line;
    e.file = SKBUFF_H;
  }
}

/** A member we have no notes on: the kernel's own description is the text. */
function fromDocOnly(d: SkbFieldDoc): Explanation {
  const e: Explanation = {
    title: `skb->${d.name}`,
    text: d.description ?? 'A member of struct sk_buff.',
    kind: 'skb-field',
    topic: d.name,
  };
  mergeDoc(e, d);
  delete e.kernelDoc;
  return e;
}

function fromConcept(row: (typeof CONCEPTS)[number]): Explanation {
  const e: Explanation = { title: row.title, text: row.text, kind: 'concept', topic: row.id };
  if (row.related) e.related = [...row.related];
  if (row.seeAlso) e.seeAlso = [...row.seeAlso];
  return e;
}

function fromFunction(name: string): Explanation | undefined {
  const note = functionNote(name);
  const op = findSkbOp(name);
  if (!note && !op) return undefined;
  const parts: string[] = [];
  if (note) parts.push(note.note);
  const changes = op ? skbOpChanges(name) : undefined;
  if (op && !note) parts.push(`${describeSkbOp(name)}.`);
  else if (changes) parts.push(`Buffer effect: ${changes}.`);
  if (op?.caveat) parts.push(op.caveat);
  const hooks = hooksInvokedBy(name);
  if (hooks.length > 0 && !(note?.note ?? '').includes('NF_INET_')) {
    const labels = [...new Set(hooks.map((h) => findHook(h.hook)?.label ?? h.hook))];
    parts.push(`Runs the netfilter ${labels.join('/')} hook.`);
  }
  const e: Explanation = {
    title: `${name}()`,
    text: parts.join(' '),
    kind: note ? 'function' : 'skb-op',
    topic: name,
  };
  const file = note?.file ?? op?.file;
  if (file) e.file = file;
  const stage = note ? classifyStage(name, note.file) : undefined;
  if (stage) e.stage = stage.stage;
  if (stage?.context) e.context = stage.context;
  return e;
}

function fromHook(name: string): Explanation | undefined {
  const hook = findHook(name);
  if (hook) {
    const callers = NF_HOOKS_CALLERS.get(hook.id) ?? [];
    const e: Explanation = {
      title: hook.id,
      text: callers.length > 0 ? `${hook.note} Run by ${callers.join(', ')}.` : hook.note,
      kind: 'netfilter',
      topic: hook.id,
      related: ['netfilter'],
    };
    return e;
  }
  const proto = NF_PROTOS.find((p) => p.id === name.trim().toUpperCase());
  return proto
    ? {
        title: proto.id,
        text: proto.note,
        kind: 'netfilter',
        topic: proto.id,
        related: ['netfilter'],
      }
    : undefined;
}

/** Functions that run each hook, e.g. NF_INET_LOCAL_IN -> ['ip_local_deliver()', 'ip6_input()']. */
const NF_HOOKS_CALLERS: ReadonlyMap<string, string[]> = new Map(
  NF_HOOKS.map((h) => [
    h.id,
    HOOK_CALLS.filter((r) => r.hook === h.id).map((r) => `${r.function}()`),
  ]),
);

/**
 * Explains a topic: an sk_buff member, a concept, a path function, an skb operation or a
 * netfilter constant. `doc` is the user's `struct sk_buff` kernel-doc (readSkbuffDoc), merged
 * into field explanations; with `read`, the source citation is found in the user's tree and
 * carries its lines (or why it does not hold there). Undefined when nothing matches.
 */
export function explain(
  topic: string,
  doc?: readonly SkbFieldDoc[],
  read?: ReadSource,
): Explanation | undefined {
  const e = explainTopic(topic, doc);
  if (!e) return undefined;
  const cite = explanationCitation(e);
  if (cite) e.source = locateSource(cite, read);
  const file = e.kind === 'function' ? functionNote(e.topic)?.file : undefined;
  const rule = file === undefined ? undefined : classifyStage(e.topic, file);
  if (rule) e.stageSource = locateSource(rule.source, read);
  const row = e.kind === 'skb-field' ? SKB_FIELDS.find((r) => r.field === e.topic) : undefined;
  if (row?.events)
    e.events = row.events.map((ev) => ({ what: ev.what, source: locateSource(ev.source, read) }));
  return e;
}

/** The citation that backs an explanation, from the row it was made of. */
export function explanationCitation(e: Explanation): Citation | undefined {
  switch (e.kind) {
    case 'skb-field': {
      const row = SKB_FIELDS.find((r) => r.field === e.topic);
      if (row) return skbFieldCitation(row);
      return { file: SKBUFF_H, symbol: `sk_buff.${e.topic}` };
    }
    case 'concept':
      return CONCEPTS.find((c) => c.id === e.topic)?.source;
    case 'function': {
      const note = functionNote(e.topic);
      if (!note) return undefined;
      const cites = functionNoteCitations(note);
      return cites[cites.length - 1];
    }
    case 'skb-op': {
      const op = findSkbOp(e.topic);
      return op ? skbOpCitation(op) : undefined;
    }
    case 'netfilter':
      return { file: 'include/uapi/linux/netfilter.h', symbol: e.topic };
  }
}

/** The citation as an explanation shows it: with its lines when `read` finds it. */
export function locateSource(cite: Citation, read: ReadSource | undefined): ExplanationSource {
  const out: ExplanationSource = { file: cite.file, symbol: cite.symbol };
  if (cite.holds) out.holds = cite.holds.map((text) => ({ text }));
  if (!read) return out;
  const check = checkCitation(read, cite);
  const place = check.place;
  if (place) {
    out.line = place.line;
    out.endLine = place.endLine;
    place.holdLines.forEach((line, i) => {
      const h = out.holds?.[i];
      if (h) h.line = line;
    });
  }
  if (!check.ok) out.problem = check.reason;
  return out;
}

/** `include/linux/skbuff.h:2798-2812 (pskb_may_pull_reason: __pskb_pull_tail at 2808)`. */
export function formatSource(src: ExplanationSource): string {
  const lines =
    src.line === undefined
      ? ''
      : src.endLine !== undefined && src.endLine !== src.line
        ? `:${src.line}-${src.endLine}`
        : `:${src.line}`;
  const holds = (src.holds ?? []).map((h) =>
    h.line !== undefined ? `${h.text} at ${h.line}` : h.text,
  );
  const what = holds.length > 0 ? `${src.symbol}: ${holds.join(', ')}` : src.symbol;
  const problem = src.problem ? ` — does not hold in this tree: ${src.problem}` : '';
  return `${src.file}${lines} (${what})${problem}`;
}

function explainTopic(topic: string, doc?: readonly SkbFieldDoc[]): Explanation | undefined {
  const raw = topic
    .trim()
    .replace(/\(\s*\)$/, '')
    .trim();
  if (!raw) return undefined;

  const q = qualifiedField(raw);
  if (q) {
    const name = q.field.toLowerCase();
    const row = SKB_FIELDS.find(
      (r) =>
        r.field === name &&
        (r.struct === q.struct || (q.struct === 'sk_buff' && r.struct === 'derived')),
    );
    if (row) return fromFieldRow(row, doc);
    if (q.struct === 'sk_buff') {
      const d =
        doc?.find((f) => f.name === q.field) ?? doc?.find((f) => f.name.toLowerCase() === name);
      if (d) return fromDocOnly(d);
    }
    return undefined;
  }

  // A name that is also a concept's alias (NF_HOOK: netfilter) gets the concept, which says more.
  const aliased = CONCEPT_INDEX.get(squash(raw));
  if (aliased && functionNote(raw)) return fromConcept(aliased);
  const exact =
    fromFunction(raw) ?? (/^NF(?:PROTO|_INET|_NETDEV)_\w+$/.test(raw) ? fromHook(raw) : undefined);
  if (exact) return exact;

  const key = squash(raw.replace(/^struct\s+/i, ''));
  const field = FIELD_INDEX.get(key);
  if (field) return fromFieldRow(field, doc);
  const concept = CONCEPT_INDEX.get(key) ?? CONCEPT_INDEX.get(squash(raw));
  if (concept) return fromConcept(concept);
  const hook = fromHook(raw);
  if (hook) return hook;
  const fn = FUNCTION_NAMES_LOWER.get(raw.toLowerCase());
  if (fn) return fromFunction(fn);
  const d = doc?.find((f) => f.name.toLowerCase() === raw.toLowerCase());
  return d ? fromDocOnly(d) : undefined;
}

/** Every topic explain() knows without a kernel tree, grouped by kind and sorted. */
export function listTopics(): TopicSummary[] {
  const out: TopicSummary[] = [];
  for (const r of SKB_FIELDS) out.push({ topic: r.field, kind: 'skb-field', title: fieldTitle(r) });
  for (const c of CONCEPTS) out.push({ topic: c.id, kind: 'concept', title: c.title });
  // A function that is a concept's alias (NF_HOOK) is listed with its concept.
  for (const n of FUNCTION_NOTES)
    if (!CONCEPT_INDEX.has(squash(n.name)))
      out.push({ topic: n.name, kind: 'function', title: `${n.name}()` });
  for (const o of SKB_OPS)
    if (!functionNote(o.name)) out.push({ topic: o.name, kind: 'skb-op', title: `${o.name}()` });
  for (const h of NF_HOOKS) out.push({ topic: h.id, kind: 'netfilter', title: h.id });
  for (const p of NF_PROTOS) out.push({ topic: p.id, kind: 'netfilter', title: p.id });
  const order: ExplanationKind[] = ['skb-field', 'concept', 'function', 'skb-op', 'netfilter'];
  return out.sort(
    (a, b) => order.indexOf(a.kind) - order.indexOf(b.kind) || a.topic.localeCompare(b.topic),
  );
}

/** Plain-text rendering for the CLI: heading, our text, then the kernel's own details. */
export function formatExplanation(e: Explanation): string {
  const where = e.file ? `${e.file}${e.line !== undefined ? `:${e.line}` : ''}` : undefined;
  const stage = e.stage ? `stage ${e.stage}${e.context ? `, ${e.context}` : ''}` : undefined;
  const meta = [e.type, where, stage].filter((s): s is string => s !== undefined);
  const lines = [meta.length > 0 ? `${e.title}  (${meta.join(', ')})` : e.title, wrap(e.text)];
  if (e.kernelDoc) lines.push(wrap(`Kernel-doc: ${e.kernelDoc}`));
  if (e.related && e.related.length > 0) lines.push(`Related: ${e.related.join(', ')}`);
  if (e.seeAlso && e.seeAlso.length > 0) lines.push(`See also: ${e.seeAlso.join(', ')}`);
  if (e.source) lines.push(wrap(`Source: ${formatSource(e.source)}`));
  if (e.stageSource) lines.push(wrap(`Stage source: ${formatSource(e.stageSource)}`));
  if (e.events && e.events.length > 0) {
    lines.push('Changed by:');
    for (const ev of e.events)
      lines.push(indent(wrap(`- ${ev.what} ${formatSource(ev.source)}`, 86), '  '));
  }
  return lines.join('\n');
}

/** Every line after the first indented, so a list item's continuation lines up under it. */
function indent(text: string, by: string): string {
  return text.replace(/\n/g, `\n${by}`);
}

function wrap(text: string, width = 88): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push(line);
  return out.join('\n');
}
