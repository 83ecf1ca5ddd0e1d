// Reads a struct's kernel-doc and member declarations straight from a kernel header, so
// hovers show the documentation of the user's own tree (e.g. `readSkbuffDoc` on
// include/linux/skbuff.h gives every `struct sk_buff` member with its type and line).
//
// Why text scanning and not tree-sitter: struct bodies are full of macros that wrap members
// (`struct_group(headers, ...)`, `__cacheline_group_begin(x)`), zero-length markers between
// `/* private: */` and `/* public: */`, and `#ifdef` blocks; a small scanner that masks
// comments and preprocessor lines (keeping every offset, hence every line number) and walks
// the declarations is both simpler and more reliable here.
//
// Invariants: pure (no I/O); every reported `line` is the 1-based line of the member's
// name in the given text; members are listed in declaration order, followed by kernel-doc
// entries that match no declaration (stale documentation).

import { NOT_FOUND, maskComments, matchingBracket } from '../index/c-text';

/** One member of a struct: its kernel-doc merged with its declaration. */
export interface StructFieldDoc {
  /** Member name; members of a named nested aggregate are dotted, e.g. `adj_list.upper`. */
  name: string;
  /** The `@name:` description from the kernel-doc, whitespace collapsed; absent if undocumented. */
  description?: string;
  /** Declared type without the name, e.g. `unsigned char *`, `__u8`, `char[48]`. */
  type?: string;
  /** The declaration normalised to one line, e.g. `__u8 cloned:1`, `unsigned char *data`. */
  decl?: string;
  /** Width of a bitfield member. */
  bits?: number;
  /** 1-based line of the member's name in its declaration; absent for doc-only entries. */
  line?: number;
  /** 1-based line of the `@name:` kernel-doc entry. */
  docLine?: number;
  /** Name of the enclosing `struct_group(...)`, e.g. `headers`. */
  group?: string;
  /** True when the member is inside an anonymous union (it shares storage with others). */
  union?: boolean;
  /** Preprocessor conditions around the declaration, outermost first, e.g. `CONFIG_XPS`. */
  conditions?: string[];
  /** Set on members after a `private:` marker (only returned with `includePrivate`). */
  private?: boolean;
}

/** A `struct sk_buff` member; the same shape as any other struct member. */
export type SkbFieldDoc = StructFieldDoc;

export interface StructDoc {
  name: string;
  /** The one-line summary after `struct NAME -` in the kernel-doc. */
  summary?: string;
  /** 1-based line of `struct NAME {`. */
  line: number;
  /** 1-based line of the closing brace. */
  endLine: number;
  /** 1-based line of the `/**` that opens the struct's kernel-doc, if any. */
  docLine?: number;
  fields: StructFieldDoc[];
}

export interface ReadStructOptions {
  /** Also return members after a `private:` marker, such as `__pkt_type_offset`. */
  includePrivate?: boolean;
}

/** `struct sk_buff` members of include/linux/skbuff.h with their kernel-doc; [] if absent. */
export function readSkbuffDoc(text: string, options: ReadStructOptions = {}): SkbFieldDoc[] {
  return readStructDoc(text, 'sk_buff', options)?.fields ?? [];
}

/** Any struct's members and kernel-doc, e.g. `napi_struct` or `net_device` in netdevice.h. */
export function readStructDoc(
  text: string,
  structName: string,
  options: ReadStructOptions = {},
): StructDoc | undefined {
  if (!/^\w+$/.test(structName)) return undefined;
  const masked = maskComments(text, { literals: true });
  const head = new RegExp(`^[ \\t]*struct[ \\t]+${structName}[ \\t\\n]*\\{`, 'gm').exec(masked);
  if (!head) return undefined;
  const open = head.index + head[0].length - 1;
  const close = matchingBracket(masked, open);
  if (close === NOT_FOUND) return undefined;
  const lines = lineIndex(text);
  const lineOf = (offset: number): number => lineAt(lines, offset);

  // The body with preprocessor lines blanked too; conditions are recorded by offset.
  const body = masked.slice(0, close);
  const { text: code, directives } = maskDirectives(body, open + 1);
  const privacy = privacyMarkers(text, open + 1, close);
  const members: StructFieldDoc[] = [];
  const tokens = tokenize(code, open + 1, close);
  parseMembers(tokens, 0, tokens.length, { prefix: '', union: false }, (m, offset) => {
    const conditions = conditionsAt(directives, offset);
    const isPrivate = privateAt(privacy, offset);
    if (isPrivate && !options.includePrivate) return;
    const field: StructFieldDoc = { ...m, line: lineOf(offset) };
    if (conditions.length > 0) field.conditions = conditions;
    if (isPrivate) field.private = true;
    members.push(field);
  });

  // Kernel-doc: the block naming the struct, plus inline `/** @member: ... */` comments.
  const block = findDocBlock(text, structName);
  const docs = block ? parseDocParams(block.lines) : [];
  for (const inline of inlineDocBlocks(text, open + 1, close)) docs.push(...parseDocParams(inline));
  const byName = new Map<string, DocParam>();
  for (const d of docs) if (!byName.has(d.name)) byName.set(d.name, d);
  const used = new Set<string>();
  for (const f of members) {
    const d = byName.get(f.name);
    if (!d) continue;
    used.add(d.name);
    f.description = d.text;
    f.docLine = lineOf(d.offset);
  }
  const fields = members.map(orderKeys);
  for (const d of byName.values()) {
    if (!used.has(d.name))
      fields.push({ name: d.name, description: d.text, docLine: lineOf(d.offset) });
  }
  const result: StructDoc = {
    name: structName,
    line: lineOf(head.index + head[0].indexOf('struct')),
    endLine: lineOf(close),
    fields,
  };
  if (block) {
    result.docLine = lineOf(block.offset);
    if (block.summary) result.summary = block.summary;
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Preprocessor lines, and the private: and public: markers.

interface Directive {
  offset: number;
  /** Condition stack in force after this directive. */
  stack: string[];
}

/** Blanks `#...` lines (with `\` continuations) from `start` on and tracks `#if` nesting. */
function maskDirectives(masked: string, start: number): { text: string; directives: Directive[] } {
  const out = masked.split('');
  const directives: Directive[] = [];
  const stack: string[] = [];
  const raw: string[] = [];
  const re = /^[ \t]*#[ \t]*(\w+)(.*(?:\\\n.*)*)$/gm;
  re.lastIndex = start;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const kw = m[1] ?? '';
    const arg = (m[2] ?? '').replace(/\\\n/g, ' ').replace(/\s+/g, ' ').trim();
    if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
      const cond = kw === 'ifdef' ? arg : kw === 'ifndef' ? negate(arg) : simplifyCondition(arg);
      stack.push(cond);
      raw.push(cond);
    } else if (kw === 'elif' || kw === 'elifdef' || kw === 'elifndef') {
      const cond =
        kw === 'elifdef' ? arg : kw === 'elifndef' ? negate(arg) : simplifyCondition(arg);
      stack[stack.length - 1] = cond;
      raw[raw.length - 1] = cond;
    } else if (kw === 'else') {
      const top = raw[raw.length - 1];
      if (top !== undefined) stack[stack.length - 1] = negate(top);
    } else if (kw === 'endif') {
      stack.pop();
      raw.pop();
    }
    directives.push({ offset: m.index, stack: [...stack] });
    for (let k = m.index; k < m.index + m[0].length; k++) if (out[k] !== '\n') out[k] = ' ';
  }
  return { text: out.join(''), directives };
}

function simplifyCondition(expr: string): string {
  const one = /^defined\s*\(?\s*(\w+)\s*\)?$/.exec(expr);
  return one?.[1] ?? expr;
}

function negate(cond: string): string {
  if (/^!?\w+$/.test(cond)) return cond.startsWith('!') ? cond.slice(1) : `!${cond}`;
  return `!(${cond})`;
}

function conditionsAt(directives: readonly Directive[], offset: number): string[] {
  let found: string[] = [];
  for (const d of directives) {
    if (d.offset > offset) break;
    found = d.stack;
  }
  return [...found];
}

/** Offsets of `private:` / `public:` comments in the body; true means private from there on. */
function privacyMarkers(
  text: string,
  from: number,
  to: number,
): { offset: number; isPrivate: boolean }[] {
  const marks: { offset: number; isPrivate: boolean }[] = [];
  const re = /\/\*\s*(private|public)\s*:\s*\*\//g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text)) {
    marks.push({ offset: m.index, isPrivate: m[1] === 'private' });
  }
  return marks;
}

function privateAt(
  marks: readonly { offset: number; isPrivate: boolean }[],
  offset: number,
): boolean {
  let state = false;
  for (const m of marks) {
    if (m.offset > offset) break;
    state = m.isPrivate;
  }
  return state;
}

// ---------------------------------------------------------------------------------------
// Declarations.

interface Token {
  text: string;
  offset: number;
}

function tokenize(code: string, from: number, to: number): Token[] {
  const tokens: Token[] = [];
  const re = /[A-Za-z_]\w*|\d[\w.]*|\.\.\.|\S/g;
  re.lastIndex = from;
  for (let m = re.exec(code); m && m.index < to; m = re.exec(code))
    tokens.push({ text: m[0], offset: m.index });
  return tokens;
}

const isIdent = (t: Token | undefined): boolean => t !== undefined && /^[A-Za-z_]\w*$/.test(t.text);

/** Index of the token closing the bracket opened at `i`, or `end` if unbalanced. */
function closeOf(tokens: readonly Token[], i: number, end: number): number {
  const open = tokens[i]?.text;
  const close = open === '(' ? ')' : open === '[' ? ']' : '}';
  let depth = 0;
  for (let k = i; k < end; k++) {
    const t = tokens[k]?.text;
    if (t === open) depth++;
    else if (t === close && --depth === 0) return k;
  }
  return end;
}

/** Index of the next `;` (or `,` too when `comma`) at bracket depth 0, or `end`. */
function nextAtDepth0(tokens: readonly Token[], i: number, end: number, comma = false): number {
  let depth = 0;
  for (let k = i; k < end; k++) {
    const t = tokens[k]?.text;
    if (t === '(' || t === '[' || t === '{') depth++;
    else if (t === ')' || t === ']' || t === '}') depth--;
    else if (depth === 0 && (t === ';' || (comma && t === ','))) return k;
  }
  return end;
}

/** struct_group-style wrappers: how many leading arguments precede the members, and which names the group. */
const GROUP_MACROS: ReadonlyMap<string, { lead: number; name: number }> = new Map([
  ['struct_group', { lead: 1, name: 0 }],
  ['struct_group_attr', { lead: 2, name: 0 }],
  ['struct_group_tagged', { lead: 2, name: 1 }],
  ['__struct_group', { lead: 3, name: 1 }],
]);

/** Member-declaring macros: which argument is the member name, and the type they declare. */
const DECLARING_MACROS: ReadonlyMap<string, { name: number; type: (args: string[]) => string }> =
  new Map([
    ['DECLARE_BITMAP', { name: 0, type: () => 'unsigned long[]' }],
    ['DECLARE_HASHTABLE', { name: 0, type: () => 'struct hlist_head[]' }],
    ['DECLARE_FLEX_ARRAY', { name: 1, type: (a: string[]) => `${a[0] ?? ''}[]` }],
    ['__DECLARE_FLEX_ARRAY', { name: 1, type: (a: string[]) => `${a[0] ?? ''}[]` }],
  ]);

/** Identifiers that may trail a declarator without naming it. */
const TRAILING_ATTRIBUTES = new Set([
  '__packed',
  '__aligned',
  '____cacheline_aligned',
  '____cacheline_aligned_in_smp',
  '__cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '__randomize_layout',
  '__no_randomize_layout',
  '__attribute__',
  '__attribute',
]);

interface Scope {
  prefix: string;
  union: boolean;
  group?: string;
}

type Emit = (member: Omit<StructFieldDoc, 'line'>, offset: number) => void;

function parseMembers(
  tokens: readonly Token[],
  start: number,
  end: number,
  scope: Scope,
  emit: Emit,
): void {
  let i = start;
  while (i < end) {
    const t = tokens[i];
    if (!t) break;
    if (t.text === ';' || t.text === ',') {
      i++;
      continue;
    }
    const group = GROUP_MACROS.get(t.text);
    if (group && tokens[i + 1]?.text === '(') {
      const close = closeOf(tokens, i + 1, end);
      const args = splitArgs(tokens, i + 2, close);
      const nameArg = args[group.name];
      const membersStart = args[group.lead]?.start ?? close;
      const groupName = nameArg ? tokens[nameArg.start]?.text : undefined;
      const inner: Scope = { ...scope };
      if (groupName) inner.group = groupName;
      parseMembers(tokens, membersStart, close, inner, emit);
      i = close + 1;
      continue;
    }
    if (
      (t.text === 'struct' || t.text === 'union') &&
      (tokens[i + 1]?.text === '{' || tokens[i + 2]?.text === '{')
    ) {
      const braceAt = tokens[i + 1]?.text === '{' ? i + 1 : i + 2;
      const close = closeOf(tokens, braceAt, end);
      const stop = nextAtDepth0(tokens, close + 1, end);
      const isUnion = t.text === 'union';
      const declarators = splitDeclarators(tokens, close + 1, stop);
      const tag = braceAt === i + 2 ? ` ${tokens[i + 1]?.text ?? ''}` : '';
      if (declarators.length === 0) {
        parseMembers(tokens, braceAt + 1, close, { ...scope, union: scope.union || isUnion }, emit);
      } else {
        for (const d of declarators) {
          const parsed = parseDeclarator(tokens, d.start, d.end, `${t.text}${tag} {...}`)?.parsed;
          if (!parsed) continue;
          emit(member(parsed, scope), parsed.offset);
          parseMembers(
            tokens,
            braceAt + 1,
            close,
            { prefix: `${scope.prefix}${parsed.name}.`, union: isUnion },
            emit,
          );
        }
      }
      i = stop + 1;
      continue;
    }
    const stop = nextAtDepth0(tokens, i, end);
    declaration(tokens, i, stop, scope, emit);
    i = stop + 1;
  }
}

function splitArgs(
  tokens: readonly Token[],
  start: number,
  end: number,
): { start: number; end: number }[] {
  const args: { start: number; end: number }[] = [];
  let from = start;
  while (from < end) {
    const stop = nextAtDepth0(tokens, from, end, true);
    args.push({ start: from, end: stop });
    from = stop + 1;
  }
  return args;
}

function splitDeclarators(
  tokens: readonly Token[],
  start: number,
  end: number,
): { start: number; end: number }[] {
  return splitArgs(tokens, start, end).filter((d) => d.end > d.start);
}

interface Parsed {
  name: string;
  offset: number;
  type: string;
  decl: string;
  bits?: number;
}

function member(p: Parsed, scope: Scope): Omit<StructFieldDoc, 'line'> {
  const m: Omit<StructFieldDoc, 'line'> = {
    name: scope.prefix + p.name,
    type: p.type,
    decl: p.decl,
  };
  if (p.bits !== undefined) m.bits = p.bits;
  if (scope.group) m.group = scope.group;
  if (scope.union) m.union = true;
  return m;
}

function declaration(
  tokens: readonly Token[],
  start: number,
  end: number,
  scope: Scope,
  emit: Emit,
): void {
  const first = tokens[start];
  if (!first) return;
  // A macro statement such as `__cacheline_group_begin(x);` or `DECLARE_BITMAP(name, n);`.
  if (
    isIdent(first) &&
    tokens[start + 1]?.text === '(' &&
    closeOf(tokens, start + 1, end) === end - 1
  ) {
    const macro = DECLARING_MACROS.get(first.text);
    if (!macro) return;
    const args = splitArgs(tokens, start + 2, end - 1).map((a) =>
      joinTokens(tokens, a.start, a.end),
    );
    const argRanges = splitArgs(tokens, start + 2, end - 1);
    const nameTok = tokens[argRanges[macro.name]?.start ?? -1];
    if (!nameTok) return;
    const type = macro.type(args);
    emit(
      member(
        { name: nameTok.text, offset: nameTok.offset, type, decl: joinTokens(tokens, start, end) },
        scope,
      ),
      nameTok.offset,
    );
    return;
  }
  const declarators = splitDeclarators(tokens, start, end);
  const head = declarators[0];
  if (!head) return;
  const parsedHead = parseDeclarator(tokens, head.start, head.end);
  if (!parsedHead) return;
  emit(member(parsedHead.parsed, scope), parsedHead.parsed.offset);
  for (const d of declarators.slice(1)) {
    const p = parseDeclarator(tokens, d.start, d.end, parsedHead.base);
    if (p) emit(member(p.parsed, scope), p.parsed.offset);
  }
}

/**
 * Parses one declarator. With `base` it is a follow-up declarator of a comma list (or the
 * declarator after a nested aggregate) and `base` is the shared type; without, the type
 * specifiers are read from the tokens in front of the name.
 */
function parseDeclarator(
  tokens: readonly Token[],
  start: number,
  end: number,
  base?: string,
): { parsed: Parsed; base: string } | undefined {
  // Function pointer: `ret (*name)(params)`.
  for (let k = start; k + 2 < end; k++) {
    if (
      tokens[k]?.text === '(' &&
      tokens[k + 1]?.text === '*' &&
      isIdent(tokens[k + 2]) &&
      tokens[k + 3]?.text === ')'
    ) {
      const nameTok = tokens[k + 2];
      if (!nameTok) break;
      const before = joinTokens(tokens, start, k);
      const after = joinTokens(tokens, k + 4, end);
      const ret = base ?? before;
      const parsed: Parsed = {
        name: nameTok.text,
        offset: nameTok.offset,
        type: `${ret} (*)${after}`.trim(),
        decl: `${ret} (*${nameTok.text})${after}`.trim(),
      };
      return { parsed, base: ret };
    }
  }
  // Stop at a bitfield colon, an array, or an attribute call such as `__aligned(8)`.
  let stop = end;
  let bits: number | undefined;
  let suffix = '';
  for (let k = start; k < end; k++) {
    const t = tokens[k];
    if (!t) break;
    if (t.text === ':') {
      stop = Math.min(stop, k);
      const width = Number.parseInt(tokens[k + 1]?.text ?? '', 10);
      if (Number.isFinite(width)) bits = width;
      break;
    }
    if (t.text === '[') {
      stop = Math.min(stop, k);
      let j = k;
      while (tokens[j]?.text === '[') {
        const c = closeOf(tokens, j, end);
        suffix += joinTokens(tokens, j, c + 1).replace(/\s+/g, '');
        j = c + 1;
      }
      break;
    }
    if (isIdent(t) && tokens[k + 1]?.text === '(' && k > start) {
      stop = Math.min(stop, k);
      break;
    }
  }
  let nameIdx = -1;
  for (let k = stop - 1; k >= start; k--) {
    const t = tokens[k];
    if (isIdent(t) && t && !TRAILING_ATTRIBUTES.has(t.text)) {
      nameIdx = k;
      break;
    }
  }
  const nameTok = tokens[nameIdx];
  if (!nameTok) return undefined;
  // Pointer stars directly in front of the name belong to this declarator.
  let s = nameIdx;
  while (s > start && tokens[s - 1]?.text === '*') s--;
  const stars = '*'.repeat(nameIdx - s);
  const specifiers = base ?? joinTokens(tokens, start, s);
  if (base === undefined && specifiers === '') return undefined;
  const ptr = stars ? ` ${stars}` : '';
  const parsed: Parsed = {
    name: nameTok.text,
    offset: nameTok.offset,
    type: `${specifiers}${ptr}${suffix}`,
    decl: `${specifiers}${stars ? ` ${stars}` : ' '}${nameTok.text}${suffix}${bits !== undefined ? `:${bits}` : ''}`,
  };
  if (bits !== undefined) parsed.bits = bits;
  return { parsed, base: specifiers };
}

function joinTokens(tokens: readonly Token[], start: number, end: number): string {
  return tokens
    .slice(start, Math.max(start, end))
    .map((t) => t.text)
    .join(' ')
    .replace(/\s+([)\],])/g, '$1')
    .replace(/([([])\s+/g, '$1')
    .replace(/(\w)\s+\(/g, '$1(')
    .replace(/\*\s+(?=[\w*])/g, '*')
    .replace(/,(?=\S)/g, ', ');
}

// ---------------------------------------------------------------------------------------
// Kernel-doc.

interface DocParam {
  name: string;
  text: string;
  offset: number;
}

interface DocLine {
  text: string;
  offset: number;
}

/** The `/** struct NAME - summary` block, as content lines with their offsets. */
function findDocBlock(
  text: string,
  structName: string,
): { lines: DocLine[]; summary?: string; offset: number } | undefined {
  const re = new RegExp(
    `/\\*\\*[ \\t]*\\n(?:[ \\t]*\\*[ \\t]*\\n)*[ \\t]*\\*[ \\t]*struct[ \\t]+${structName}\\b([^\\n]*)`,
    'g',
  );
  const m = re.exec(text);
  if (!m) return undefined;
  const end = text.indexOf('*/', m.index);
  const lines = docLines(text, m.index + 3, end < 0 ? text.length : end);
  const summary = (m[1] ?? '').replace(/^\s*[-:]\s*/, '').trim();
  return summary ? { lines, summary, offset: m.index } : { lines, offset: m.index };
}

/** Doc comments (opened with two stars) inside the struct body: inline member documentation. */
function inlineDocBlocks(text: string, from: number, to: number): DocLine[][] {
  const blocks: DocLine[][] = [];
  const re = /\/\*\*(?!\*)([\s\S]*?)\*\//g;
  re.lastIndex = from;
  for (let m = re.exec(text); m && m.index < to; m = re.exec(text))
    blocks.push(docLines(text, m.index + 3, m.index + m[0].length - 2));
  return blocks;
}

/** Splits a comment's inside into lines without the leading ` * `. */
function docLines(text: string, from: number, to: number): DocLine[] {
  const out: DocLine[] = [];
  let pos = from;
  for (const raw of text.slice(from, to).split('\n')) {
    const lead = /^[ \t]*\*?[ \t]?/.exec(raw)?.[0].length ?? 0;
    out.push({ text: raw.slice(lead).trim(), offset: pos + lead });
    pos += raw.length + 1;
  }
  return out;
}

/** `@name: text` entries; a description continues on following non-blank lines. */
function parseDocParams(lines: readonly DocLine[]): DocParam[] {
  const params: DocParam[] = [];
  let current: DocParam | undefined;
  for (const line of lines) {
    const m = /^@([\w.[\]]+|\.\.\.)\s*:\s*(.*)$/.exec(line.text);
    if (m) {
      current = { name: m[1] ?? '', text: (m[2] ?? '').trim(), offset: line.offset };
      params.push(current);
    } else if (line.text === '') {
      current = undefined;
    } else if (current) {
      current.text = current.text ? `${current.text} ${line.text}` : line.text;
    }
  }
  for (const p of params) p.text = p.text.replace(/\s+/g, ' ').trim();
  return params;
}

// ---------------------------------------------------------------------------------------
// Lines.

function lineIndex(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

function orderKeys(f: StructFieldDoc): StructFieldDoc {
  const o: StructFieldDoc = { name: f.name };
  if (f.description !== undefined) o.description = f.description;
  if (f.type !== undefined) o.type = f.type;
  if (f.decl !== undefined) o.decl = f.decl;
  if (f.bits !== undefined) o.bits = f.bits;
  if (f.line !== undefined) o.line = f.line;
  if (f.docLine !== undefined) o.docLine = f.docLine;
  if (f.group !== undefined) o.group = f.group;
  if (f.union !== undefined) o.union = f.union;
  if (f.conditions !== undefined) o.conditions = f.conditions;
  if (f.private !== undefined) o.private = f.private;
  return o;
}
