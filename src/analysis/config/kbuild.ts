// The Kbuild reader: which `.c` files a configuration compiles, into vmlinux (`y`) or a
// module (`m`, and which), read from the tree's own makefiles as Kbuild reads them:
//   - `obj-y += foo.o` builds foo.c in; `obj-m` and `obj-$(CONFIG_X)` with X=m as a module
//     named foo; `lib-y` into the library (built in);
//   - a composite object is made of the parts its `foo-objs`, `foo-y` (and for a module
//     `foo-m`) list, `foo-$(CONFIG_Y) += bar.o` adding bar.c when Y is set; the module is
//     named after the composite (`ixgbe-y := ixgbe_main.o ...` builds module ixgbe);
//   - `obj-y += dir/` and `obj-$(CONFIG_X) += dir/` descend. A folder reached only through
//     a module (`m`) builds only its modules: its `obj-y` is never linked;
//   - the descent starts at the top-level Kbuild and the folders the architecture's
//     Makefile adds (`core-y`, `drivers-y`, `libs-y`, as $(ARCH_CORE) ... name them).
// Make is evaluated as far as Kbuild makefiles need: variables, `+=`, `:=`, `ifeq`,
// `ifneq`, `ifdef`, `ifndef`, and the text functions (subst, patsubst, filter, if, ...).
// What it cannot evaluate (`$(call cc-option,...)`, `$(shell ...)`) is unknown: a
// condition on it keeps both branches, an object named by it is left out. Pure: the
// makefiles' text comes through `read`.

import type { KernelConfig, Tristate } from './dotconfig';

/** Reads a file of the tree (relative path), undefined when there is none. */
export type ReadText = (path: string) => string | undefined;

/** Why a file or folder is built: the makefile line that names it. */
export interface BuildReason {
  makefile: string;
  line: number;
  /** The line as written (continuations joined), e.g. `obj-$(CONFIG_E1000E) += e1000e.o`. */
  text: string;
}

export interface BuiltFile {
  built: 'y' | 'm';
  /** The modules it is linked into (when `m`): usually one. */
  modules: string[];
  reason: BuildReason;
  /** The composite object's line, when the file is a part of one. */
  composite?: BuildReason;
}

/** What a configuration builds of a tree. */
export interface BuildMap {
  /** Source files compiled (`.c`, relative to the root), built in or as modules. */
  files: Map<string, BuiltFile>;
  /** Folders descended: `y` when built-in objects there are linked, `m` when only modules are. */
  dirs: Map<string, { built: 'y' | 'm'; reason?: BuildReason }>;
  /** Makefiles read, by folder, for explanations of what is not built. */
  makefiles: Map<string, Statement[]>;
  /** Every `CONFIG_` option the makefiles read name. */
  options: Set<string>;
}

/** The state of a file as the configuration builds it. */
export function builtOf(map: BuildMap, path: string): Tristate {
  return map.files.get(path)?.built ?? 'n';
}

// ---- Make, as far as Kbuild needs it ---------------------------------------------------

/** A logical line of a makefile: an assignment or a conditional directive. */
export type Statement =
  | { k: 'assign'; lhs: string; op: string; rhs: string; line: number; text: string }
  | { k: 'if'; test: 'ifeq' | 'ifneq' | 'ifdef' | 'ifndef'; arg: string; line: number }
  | { k: 'else'; test?: 'ifeq' | 'ifneq' | 'ifdef' | 'ifndef'; arg?: string; line: number }
  | { k: 'endif'; line: number };

/** The assignment operator at bracket depth 0, or undefined for a rule or anything else. */
function splitAssignment(line: string): { lhs: string; op: string; rhs: string } | undefined {
  let depth = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (depth === 0) {
      if (c === '=') {
        const prev = line[i - 1] ?? '';
        const op = prev === ':' || prev === '+' || prev === '?' ? `${prev}=` : '=';
        const lhs = line.slice(0, i - (op.length - 1)).replace(/^(?:override|export)\s+/, '');
        return { lhs: lhs.trim(), op, rhs: line.slice(i + 1).trim() };
      }
      if (c === ':' && line[i + 1] !== '=' && !(line[i + 1] === ':' && line[i + 2] === '='))
        return undefined;
    }
  }
  return undefined;
}

/** Reads a makefile into its assignments and conditionals; rules, recipes and the rest are left out. */
export function parseMakefile(text: string): Statement[] {
  const out: Statement[] = [];
  const lines = text.split('\n');
  let inDefine = 0;
  for (let i = 0; i < lines.length; i++) {
    const first = i + 1;
    let line = lines[i] as string;
    while (line.endsWith('\\') && i + 1 < lines.length)
      line = `${line.slice(0, -1)} ${lines[++i] as string}`;
    if (line.startsWith('\t')) continue; // A recipe.
    line = line.replace(/(^|[^\\])#.*$/, '$1').trim();
    if (line === '') continue;
    if (/^define\b/.test(line)) {
      inDefine++;
      continue;
    }
    if (inDefine > 0) {
      if (/^endef\b/.test(line)) inDefine--;
      continue;
    }
    const cond = /^(ifeq|ifneq|ifdef|ifndef)\b\s*(.*)$/.exec(line);
    if (cond) {
      out.push({ k: 'if', test: cond[1] as 'ifeq', arg: cond[2] as string, line: first });
      continue;
    }
    const other = /^else\b\s*(?:(ifeq|ifneq|ifdef|ifndef)\b\s*(.*))?$/.exec(line);
    if (other) {
      const s: Statement = { k: 'else', line: first };
      if (other[1]) {
        s.test = other[1] as 'ifeq';
        s.arg = other[2];
      }
      out.push(s);
      continue;
    }
    if (/^endif\b/.test(line)) {
      out.push({ k: 'endif', line: first });
      continue;
    }
    const a = splitAssignment(line);
    if (a && a.lhs !== '' && !/\s/.test(a.lhs.replace(/\$[({][^)}]*[)}]/g, 'x')))
      out.push({ k: 'assign', ...a, line: first, text: line });
  }
  return out;
}

/** What expansion gives for what it cannot evaluate: a word no object or test matches. */
const UNKNOWN = '\u0001';

type Vars = Map<string, string>;

/** Expands `$(...)` references and functions of `text`. */
class Expander {
  constructor(
    private readonly config: KernelConfig,
    private readonly globals: Vars,
    readonly options: Set<string>,
  ) {}

  expand(text: string, vars: Vars, depth = 0): string {
    if (!text.includes('$') || depth > 20) return text;
    let out = '';
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c !== '$') {
        out += c;
        continue;
      }
      const open = text[i + 1];
      if (open === '$') {
        out += '$';
        i++;
        continue;
      }
      if (open !== '(' && open !== '{') {
        out += this.variable(open ?? '', vars, depth);
        i++;
        continue;
      }
      const close = closing(text, i + 1);
      if (close < 0) return out + UNKNOWN;
      out += this.reference(text.slice(i + 2, close), vars, depth);
      i = close;
    }
    return out;
  }

  private variable(name: string, vars: Vars, depth: number): string {
    if (name.startsWith('CONFIG_')) {
      this.options.add(name);
      return this.config.values.get(name) ?? '';
    }
    const v = vars.get(name) ?? this.globals.get(name);
    return v === undefined ? '' : this.expand(v, vars, depth + 1);
  }

  private reference(inner: string, vars: Vars, depth: number): string {
    const fn = /^([a-z-]+)\s+([\s\S]*)$/.exec(inner);
    if (fn) return this.call(fn[1] as string, fn[2] as string, vars, depth);
    // `$(CONFIG_FCOE:m=y)`: a substitution reference.
    const sub = /^([^:]+):([^=]*)=(.*)$/.exec(inner);
    if (sub) {
      const value = this.variable(this.expand(sub[1] as string, vars, depth + 1), vars, depth);
      return words(value)
        .map((w) => patsubst(`%${sub[2] as string}`, `%${sub[3] as string}`, w))
        .join(' ');
    }
    return this.variable(this.expand(inner, vars, depth + 1), vars, depth);
  }

  private call(name: string, argText: string, vars: Vars, depth: number): string {
    const args = splitArgs(argText);
    const arg = (k: number): string => this.expand(args[k] ?? '', vars, depth + 1);
    switch (name) {
      case 'subst':
        return arg(2).split(arg(0)).join(arg(1));
      case 'patsubst':
        return words(arg(2))
          .map((w) => patsubst(arg(0).trim(), arg(1).trim(), w))
          .join(' ');
      case 'filter':
      case 'filter-out': {
        const patterns = words(arg(0));
        const keep = name === 'filter';
        return words(arg(1))
          .filter((w) => patterns.some((p) => matches(p, w)) === keep)
          .join(' ');
      }
      case 'addprefix':
        return words(arg(1))
          .map((w) => arg(0).trim() + w)
          .join(' ');
      case 'addsuffix':
        return words(arg(1))
          .map((w) => w + arg(0).trim())
          .join(' ');
      case 'strip':
        return words(arg(0)).join(' ');
      case 'sort':
        return [...new Set(words(arg(0)))].sort().join(' ');
      case 'firstword':
        return words(arg(0))[0] ?? '';
      case 'findstring':
        return arg(1).includes(arg(0)) ? arg(0) : '';
      case 'if': {
        const test = arg(0).trim();
        if (test.includes(UNKNOWN)) return UNKNOWN;
        return test !== '' ? arg(1) : arg(2);
      }
      case 'or': {
        for (let k = 0; k < args.length; k++) {
          const v = arg(k).trim();
          if (v !== '') return v;
        }
        return '';
      }
      case 'and': {
        let v = '';
        for (let k = 0; k < args.length; k++) {
          v = arg(k).trim();
          if (v === '') return '';
        }
        return v;
      }
      default:
        return UNKNOWN;
    }
  }
}

function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if ((c === ')' || c === '}') && --depth === 0) return i;
  }
  return -1;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{') depth++;
    else if (c === ')' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out;
}

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

function matches(pattern: string, word: string): boolean {
  const p = pattern.indexOf('%');
  if (p < 0) return pattern === word;
  const head = pattern.slice(0, p);
  const tail = pattern.slice(p + 1);
  return word.length >= head.length + tail.length && word.startsWith(head) && word.endsWith(tail);
}

function patsubst(from: string, to: string, word: string): string {
  if (!matches(from, word)) return word;
  const p = from.indexOf('%');
  if (p < 0) return to;
  const stem = word.slice(p, word.length - (from.length - p - 1));
  return to.replace('%', stem);
}

/** The variables a makefile sets, each value expanded as it is assigned. */
function evaluateMakefile(
  statements: Statement[],
  expander: Expander,
  vars: Vars,
): Map<string, { value: string; lines: Statement[] }> {
  const assigned = new Map<string, { value: string; lines: Statement[] }>();
  // Each open conditional: whether its branch taken so far holds ('true', 'false' or 'unknown'), and whether one held before.
  const stack: { state: 'true' | 'false' | 'unknown'; done: boolean }[] = [];
  const active = (): boolean => stack.every((s) => s.state !== 'false');
  const test = (t: string, arg: string): 'true' | 'false' | 'unknown' => {
    if (t === 'ifdef' || t === 'ifndef') {
      const name = expander.expand(arg.trim(), vars);
      if (name.includes(UNKNOWN)) return 'unknown';
      const value = name.startsWith('CONFIG_')
        ? (expander.options.add(name), expander.expand(`$(${name})`, vars))
        : (vars.get(name) ?? '');
      const defined = value !== '';
      return (t === 'ifdef') === defined ? 'true' : 'false';
    }
    const pair = parsePair(arg);
    if (!pair) return 'unknown';
    const a = expander.expand(pair[0], vars).trim();
    const b = expander.expand(pair[1], vars).trim();
    if (a.includes(UNKNOWN) || b.includes(UNKNOWN)) return 'unknown';
    return (a === b) === (t === 'ifeq') ? 'true' : 'false';
  };
  for (const s of statements) {
    if (s.k === 'if') {
      const state = active() ? test(s.test, s.arg) : 'false';
      stack.push({ state, done: state === 'true' });
    } else if (s.k === 'else') {
      const top = stack[stack.length - 1];
      if (!top) continue;
      if (top.done) top.state = 'false';
      else if (s.test) {
        const state = test(s.test, s.arg ?? '');
        top.state = top.state === 'unknown' && state === 'false' ? 'false' : state;
        top.done = state === 'true';
      } else top.state = top.state === 'unknown' ? 'unknown' : 'true';
    } else if (s.k === 'endif') stack.pop();
    else if (active()) {
      const name = expander.expand(s.lhs, vars).trim();
      if (name === '' || name.includes(UNKNOWN)) continue;
      const value = expander.expand(s.rhs, vars);
      const had = assigned.get(name);
      const before = vars.get(name);
      if (s.op === '+=' && had) {
        had.value = `${had.value} ${value}`;
        had.lines.push(s);
      } else if (s.op === '?=' && (had || before !== undefined)) continue;
      else if (s.op === '+=' && before !== undefined)
        assigned.set(name, { value: `${before} ${value}`, lines: [s] });
      else assigned.set(name, { value, lines: [s] });
      vars.set(name, assigned.get(name)?.value ?? '');
    }
  }
  return assigned;
}

/** `(a,b)` or `"a" "b"` of an ifeq. */
function parsePair(arg: string): [string, string] | undefined {
  const t = arg.trim();
  if (t.startsWith('(') && t.endsWith(')')) {
    const parts = splitArgs(t.slice(1, -1));
    return parts.length === 2 ? [parts[0] as string, parts[1] as string] : undefined;
  }
  const q = /^(["'])(.*?)\1\s+(["'])(.*?)\3$/.exec(t);
  return q ? [q[2] as string, q[4] as string] : undefined;
}

// ---- Kbuild --------------------------------------------------------------------------------

/** Globals of the top-level Makefile that Kbuild makefiles read. */
function globalsOf(config: KernelConfig, arch: string): Vars {
  return new Map([
    ['SRCARCH', arch],
    ['ARCH', arch],
    ['BITS', config.values.get('CONFIG_64BIT') === 'y' ? '64' : '32'],
    ['srctree', '.'],
    ['objtree', '.'],
  ]);
}

/** The makefile Kbuild reads in a folder: its Kbuild file, else its Makefile. */
function makefileOf(read: ReadText, dir: string): { path: string; text: string } | undefined {
  for (const name of ['Kbuild', 'Makefile']) {
    const path = dir ? `${dir}/${name}` : name;
    const text = read(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

const combineDir = (parent: 'y' | 'm', entry: 'y' | 'm'): 'y' | 'm' =>
  parent === 'y' && entry === 'y' ? 'y' : 'm';

/** Reads what `config` builds of the tree `read` reads (see the head of this file). */
export function buildMap(config: KernelConfig, read: ReadText): BuildMap {
  const arch = config.arch ?? 'x86';
  const options = new Set<string>();
  const globals = globalsOf(config, arch);
  const expander = new Expander(config, globals, options);
  const map: BuildMap = { files: new Map(), dirs: new Map(), makefiles: new Map(), options };

  // What the architecture's Makefile adds to the top-level descent.
  const archMake = read(`arch/${arch}/Makefile`);
  const archVars: Vars = new Map([['libs-y', 'lib/']]);
  if (archMake !== undefined) evaluateMakefile(parseMakefile(archMake), expander, archVars);
  const list = (name: string): string => archVars.get(name) ?? '';
  globals.set('ARCH_CORE', list('core-y'));
  globals.set(
    'ARCH_LIB',
    words(list('libs-y'))
      .filter((w) => w.endsWith('/'))
      .join(' '),
  );
  globals.set('ARCH_DRIVERS', `${list('drivers-y')} ${list('drivers-m')}`);

  const queue: string[] = [''];
  map.dirs.set('', { built: 'y' });
  const queued = new Set(queue);
  // Folders are read in the order reached; a folder reached again with more (y after m) is read again.
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    queued.delete(dir);
    const state = (map.dirs.get(dir) as { built: 'y' | 'm' }).built;
    const makefile = makefileOf(read, dir);
    if (!makefile) continue;
    const statements = parseMakefile(makefile.text);
    map.makefiles.set(dir, statements);
    const vars: Vars = new Map([
      ['src', dir || '.'],
      ['obj', dir || '.'],
    ]);
    const assigned = evaluateMakefile(statements, expander, vars);
    const reasonOf = (s: Statement | undefined): BuildReason => ({
      makefile: makefile.path,
      line: s?.line ?? 0,
      text: s?.k === 'assign' ? s.text.replace(/\s+/g, ' ') : '',
    });
    const entries: { word: string; kind: 'y' | 'm' | 'lib'; why: Statement | undefined }[] = [];
    for (const [name, kind] of [
      ['obj-y', 'y'],
      ['obj-m', 'm'],
      ['lib-y', 'lib'],
    ] as const) {
      const a = assigned.get(name);
      if (!a) continue;
      for (const word of words(a.value)) {
        if (word.includes(UNKNOWN)) continue;
        entries.push({ word, kind, why: lineNaming(a.lines, word) });
      }
    }
    for (const { word, kind, why } of entries) {
      const entry: 'y' | 'm' = kind === 'm' ? 'm' : 'y';
      if (word.endsWith('/')) {
        const sub = normalize(dir ? `${dir}/${word.slice(0, -1)}` : word.slice(0, -1));
        if (sub === undefined || (sub.startsWith('arch/') && !sub.startsWith(`arch/${arch}`)))
          continue;
        const built = combineDir(state, entry);
        const had = map.dirs.get(sub);
        if (had && (had.built === 'y' || built === 'm')) continue;
        map.dirs.set(sub, { built, reason: reasonOf(why) });
        if (!queued.has(sub)) {
          queued.add(sub);
          queue.push(sub);
        }
        continue;
      }
      if (!word.endsWith('.o')) continue;
      // A built-in object of a folder reached only through a module is never linked.
      if (entry === 'y' && state === 'm') continue;
      const stem = word.slice(0, -2);
      const parts = [
        ...words(assigned.get(`${stem}-objs`)?.value ?? ''),
        ...words(assigned.get(`${stem}-y`)?.value ?? ''),
        ...(entry === 'm' ? words(assigned.get(`${stem}-m`)?.value ?? '') : []),
      ].filter((p) => p.endsWith('.o') && !p.includes(UNKNOWN));
      const module = stem.slice(stem.lastIndexOf('/') + 1);
      if (parts.length === 0) {
        addFile(map, dir, word, entry, module, reasonOf(why));
        continue;
      }
      const compositeLines = [
        ...(assigned.get(`${stem}-objs`)?.lines ?? []),
        ...(assigned.get(`${stem}-y`)?.lines ?? []),
        ...(entry === 'm' ? (assigned.get(`${stem}-m`)?.lines ?? []) : []),
      ];
      for (const part of parts)
        addFile(
          map,
          dir,
          part,
          entry,
          module,
          reasonOf(why),
          reasonOf(lineNaming(compositeLines, part)),
        );
    }
  }
  return map;
}

/** The line among `lines` whose value names `word` (the last one that does). */
function lineNaming(lines: Statement[], word: string): Statement | undefined {
  const bare = word.replace(/\/$/, '');
  const base = bare.slice(bare.lastIndexOf('/') + 1);
  let found: Statement | undefined;
  for (const s of lines) if (s.k === 'assign' && s.rhs.includes(base)) found = s;
  return found ?? lines[lines.length - 1];
}

function normalize(path: string): string | undefined {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

function addFile(
  map: BuildMap,
  dir: string,
  object: string,
  built: 'y' | 'm',
  module: string,
  reason: BuildReason,
  composite?: BuildReason,
): void {
  const path = normalize(`${dir}/${object.slice(0, -2)}.c`);
  if (path === undefined) return;
  const had = map.files.get(path);
  if (had) {
    if (had.built === 'm' && built === 'y') {
      had.built = 'y';
      had.modules = [];
      had.reason = reason;
    } else if (had.built === 'm' && built === 'm' && !had.modules.includes(module))
      had.modules.push(module);
    return;
  }
  const file: BuiltFile = { built, modules: built === 'm' ? [module] : [], reason };
  if (composite) file.composite = composite;
  map.files.set(path, file);
}
