#!/usr/bin/env node
// Scripted knock-outs: proof that the unit tests guard the rules. Each knock-out is one small
// edit of the source that breaks one resolution rule of ARCHITECTURE.md, one kind of preset
// milestone row, one kernel knowledge table, or one row of the table of calls that drop.
// The script copies src/ and test/ to a temporary folder, applies one knock-out at a time
// there (the worktree is never touched), runs the unit test files that knock-out names,
// and reports each as killed (a test failed) or survived (every test passed: the rule is
// not guarded). It first checks that the chosen test files pass without any edit, and that
// every edit still finds its text exactly once.
//
//   node scripts/knockouts.mjs                 every knock-out
//   node scripts/knockouts.mjs --group rule    one group: rule, milestone or table
//   node scripts/knockouts.mjs --only ID[,ID]  the knock-outs named
//   node scripts/knockouts.mjs --list          the knock-outs, without running them
//
// Exit code 0 when every knock-out was killed, 1 when one survived, 2 on a stale knock-out
// (its text is no longer in the source) or a failing baseline.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');

// The unit test files each part of the core is guarded by.
const T = {
  resolve: ['test/unit/resolve.test.ts', 'test/unit/resolve-rules.test.ts'],
  resolveFacts: ['test/unit/resolve-facts.test.ts', 'test/unit/resolve-stages.test.ts'],
  extract: ['test/unit/extract.test.ts'],
  presets: ['test/unit/presets.test.ts', 'test/unit/presets-milestones.test.ts'],
  knowledge: (name) => [`test/unit/knowledge/${name}.test.ts`],
};

/** An edit: `find` must occur exactly once in `file`; it is replaced by `replace`. */
const edit = (file, find, replace) => ({ file, find, replace });

/** A table emptied: its rows stay in the file, under another name, so it still parses. */
const emptied = (file, declaration) =>
  edit(
    file,
    `export const ${declaration} = [`,
    `export const ${declaration} = [];\nconst KNOCKED_OUT_ROWS = [`,
  );

const R = 'src/analysis/index/resolve/';
const DROP_CALLS_FILE = 'src/analysis/presets/drop-calls.ts';
const P = 'src/analysis/presets/';
const K = 'src/analysis/knowledge/';
const IDIOMS = 'src/analysis/index/kernel-idioms.ts';

/** @type {{ id: string, group: 'rule'|'milestone'|'table', what: string, edits: ReturnType<typeof edit>[], tests: string[] }[]} */
const KNOCKOUTS = [
  // Rule 1: stores.
  {
    id: 'store-initializer',
    group: 'rule',
    what: 'rule 1: a static initializer binds nothing',
    edits: [edit(`${R}stores.ts`, "if (!('n' in s.value)) return;", 'return;')],
    tests: T.resolve,
  },
  {
    id: 'store-in-function',
    group: 'rule',
    what: 'rule 1: a store in a function body binds nothing',
    edits: [
      edit(
        `${R}stores.ts`,
        'for (const c of fns) table.add(st?.key, s.field, { fn: c, file: fileId, line: s.line, slot });',
        'void fns;',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'compound-literal',
    group: 'rule',
    what: "rule 1: a compound literal's designated initializers bind nothing",
    edits: [edit('src/analysis/index/extract/extractor.ts', 'compoundLiteral(state, node);', '')],
    tests: [...T.resolve, ...T.extract],
  },
  {
    id: 'assigning-wrapper',
    group: 'rule',
    what: 'rule 1: WRITE_ONCE(a->f, fn) is no store',
    edits: [edit(IDIOMS, "['WRITE_ONCE', { target: 0, value: 1 }],", '')],
    tests: [...T.resolve, ...T.extract],
  },
  {
    id: 'field-macro',
    group: 'rule',
    what: 'rule 1: a field that is a macro for a path of fields is not followed',
    edits: [
      edit(
        `${R}types.ts`,
        'const macro = this.fieldMacros.get(field);',
        'const macro = undefined;',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'typedefs',
    group: 'rule',
    what: 'rule 1: typedefs are not followed',
    edits: [edit(`${R}types.ts`, 'const next = this.typedefs.get(t);', 'const next = undefined;')],
    tests: T.resolve,
  },
  {
    id: 'nearest-struct',
    group: 'rule',
    what: 'rule 1: of two structs of one name, the first, not the nearest by directory',
    edits: [edit(`${R}types.ts`, 'if (len > bestLen) {', 'if (bestLen < 0) {')],
    tests: T.resolve,
  },
  {
    id: 'copy-store',
    group: 'rule',
    what: 'rule 1: a store that copies another field binds nothing',
    edits: [edit(`${R}stores.ts`, 'bindCopies(copies, ctx);', '')],
    tests: T.resolve,
  },
  {
    id: 'ops-table-copy',
    group: 'rule',
    what: 'rule 1: a copy out of an operations table is limited like any other copy',
    edits: [
      edit(
        `${R}stores.ts`,
        '!(v.on.path.length === 0 && OPS_TABLE.test(src.name))',
        '!(v.on.path.length === 0 && OPS_TABLE.test(src.name) && false)',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'binding-rank',
    group: 'rule',
    what: "rule 1: a function bound in several places cites any binding, not its own file's",
    edits: [edit(`${R}binding-table.ts`, '.sort((x, y) => x.r - y.r);', ';')],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  {
    id: 'cited-folder',
    group: 'rule',
    what: "rule 1: an edge cites the binding in the call site's folder first",
    edits: [
      edit(`${R}edges.ts`, 'if (found.length <= 1) return found;', 'return found.slice(0, 1);'),
    ],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  // Rule 2: registration through parameters.
  {
    id: 'param-registration',
    group: 'rule',
    what: 'rule 2: a function storing its parameter registers nothing for its callers',
    edits: [
      edit(
        `${R}registrations.ts`,
        'for (const ps of stores) bindParamStore(ctx, call, site, ps);',
        '',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'param-fixpoint',
    group: 'rule',
    what: 'rules 2 and 4: the parameter fixpoint stops after the first function',
    edits: [edit(`${R}params.ts`, 'if (changed) work.push(caller);', '')],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  {
    id: 'param-field-read',
    group: 'rule',
    what: "rule 2: a field read passed to a storing function binds that slot's functions",
    edits: [
      edit(
        `${R}registrations.ts`,
        'if (field !== undefined) ctx.table.slotFns(source, field, fns);',
        'if (field !== undefined) void source;',
      ),
    ],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  // Rule 3: calls through a field.
  {
    id: 'field-call',
    group: 'rule',
    what: 'rule 3: a call through a field reaches nothing',
    edits: [
      edit(
        `${R}edges.ts`,
        "else if ('field' in callee) fieldCall(ctx, out, call, caller, fi, callee);",
        '',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'untyped-fanout',
    group: 'rule',
    what: 'rule 3: an untyped field call reaches any number of functions',
    edits: [
      edit(
        `${R}binding-table.ts`,
        'loose && loose.length <= UNTYPED_FANOUT_LIMIT ? loose : []',
        'loose ?? []',
      ),
    ],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  {
    id: 'untyped-none',
    group: 'rule',
    what: 'rule 3: an untyped field call reaches nothing',
    edits: [
      edit(
        `${R}binding-table.ts`,
        'loose && loose.length <= UNTYPED_FANOUT_LIMIT ? loose : []',
        '[]',
      ),
    ],
    tests: [...T.resolve, ...T.resolveFacts],
  },
  // Rule 4: calls through a parameter.
  {
    id: 'invoker',
    group: 'rule',
    what: "rule 4: a call through a parameter gives no edge from the invoker's caller",
    edits: [edit(`${R}edges.ts`, "out.add(caller, fn, call, 'indirect', out.text(text));", '')],
    tests: T.resolve,
  },
  // Rule 5: INDIRECT_CALL_*.
  {
    id: 'indirect-call-candidates',
    group: 'rule',
    what: 'rule 5: INDIRECT_CALL_2 names no candidates',
    edits: [
      edit(
        IDIOMS,
        "['INDIRECT_CALL_2', { pointer: 0, candidates: [1, 2] }],",
        "['INDIRECT_CALL_2', { pointer: 0, candidates: [] }],",
      ),
    ],
    tests: [...T.resolve, ...T.extract],
  },
  {
    id: 'indirect-call-pointer',
    group: 'rule',
    what: "rule 5: INDIRECT_CALL_* goes to the candidates only, not the pointer's bindings",
    edits: [
      edit(
        IDIOMS,
        "['INDIRECT_CALL_INET', { pointer: 0, candidates: [1, 2] }],",
        "['INDIRECT_CALL_INET', { pointer: 9, candidates: [1, 2] }],",
      ),
    ],
    tests: [...T.resolve, ...T.extract],
  },
  // Rule 6: deferred execution.
  {
    id: 'deferred-raise',
    group: 'rule',
    what: 'rule 6: raising a key reaches no handler',
    edits: [edit(`${R}deferred.ts`, 'if (!raise || !key) return;', 'return;')],
    tests: T.resolve,
  },
  {
    id: 'deferred-field-key',
    group: 'rule',
    what: "rule 6: a field key is the field's name alone, not its struct's",
    edits: [
      edit(
        `${R}deferred.ts`,
        '? { match: `${m.label} ${st.key}.${field.f}`',
        '? { match: `${m.label} ${field.f}`',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'deferred-wrapper',
    group: 'rule',
    what: 'rule 6: a function registering its parameter under a key registers nothing',
    edits: [
      edit(`${R}deferred.ts`, 'if (list.length > 0) this.registrations.set(pr.match, list);', ''),
    ],
    tests: T.resolve,
  },
  {
    id: 'deferred-work-table',
    group: 'rule',
    what: 'rule 6: schedule_work raises nothing (DEFERRED_MECHANISMS)',
    edits: [edit(IDIOMS, "{ fn: 'schedule_work', key: 0 },", '')],
    tests: T.resolve,
  },
  // Rule 7: names.
  {
    id: 'names-own-file',
    group: 'rule',
    what: "rule 7: a name does not prefer the call site's own file",
    edits: [edit(`${R}names.ts`, 'if (cfi === fi) rank = 0;', 'if (cfi === -1) rank = 0;')],
    tests: T.resolve,
  },
  {
    id: 'names-static',
    group: 'rule',
    what: 'rule 7: a static function of another .c file is a candidate',
    edits: [
      edit(
        `${R}names.ts`,
        "else if (this.nodes.fact(c).static && path.endsWith('.c') && !this.seesStatic(fi, cfi, path))\n        continue;",
        'else if (false) continue;',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'names-static-single',
    group: 'rule',
    what: 'rule 7: a static function of another .c file, the only one of its name, is a candidate',
    edits: [edit(`${R}names.ts`, 'return this.nodes.fact(only).static &&', 'return false &&')],
    tests: T.resolve,
  },
  {
    id: 'names-included-c',
    group: 'rule',
    what: 'rule 7: a file including a .c file whole does not see its static functions',
    edits: [
      edit(
        `${R}names.ts`,
        "if (f.includes.some((i) => i.endsWith('.c\"'))) this.includesSource[fi] = 1;",
        '',
      ),
    ],
    tests: T.resolve,
  },
  {
    id: 'names-header',
    group: 'rule',
    what: 'rule 7: an included header ranks no better than any other file',
    edits: [edit(`${R}names.ts`, 'else if (this.includes(fi, path)) rank = 1;', '')],
    tests: T.resolve,
  },
  {
    id: 'names-folder',
    group: 'rule',
    what: "rule 7: the call site's folder ranks no better than elsewhere",
    edits: [edit(`${R}names.ts`, 'else if (dirOf(path) === dirOf(from)) rank = 2;', '')],
    tests: T.resolve,
  },

  // Preset milestone kinds: each flag of MilestoneRow (rows.ts) as the walk reads it.
  {
    id: 'milestone-root',
    group: 'milestone',
    what: 'a root row does not start the path at its own functions',
    edits: [
      edit(
        `${P}chain.ts`,
        'else if (row.root || (step.from === undefined && row.restart)) this.start(step);',
        'else if (step.from === undefined && row.restart) this.start(step);',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-restart',
    group: 'milestone',
    what: 'a restart row does not start afresh when its parent is missing',
    edits: [
      edit(
        `${P}chain.ts`,
        'else if (row.root || (step.from === undefined && row.restart)) this.start(step);',
        'else if (row.root) this.start(step);',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-optional',
    group: 'milestone',
    what: 'an optional row that is not found fails the path',
    edits: [edit(`${P}chain.ts`, 'if (row.optional && !parentSilenced) {', 'if (false) {')],
    tests: T.presets,
  },
  {
    id: 'milestone-required',
    group: 'milestone',
    what: 'a required row missing leaves the path complete',
    edits: [edit(`${P}chain.ts`, 'if (row.required && !parentSilenced) {', 'if (false) {')],
    tests: T.presets,
  },
  {
    id: 'milestone-instead',
    group: 'milestone',
    what: 'a stand-in row is walked even when the row it stands in for was found',
    edits: [
      edit(
        `${P}chain.ts`,
        "if (row.instead !== undefined && !this.chain.absent.has(row.instead)) this.fail(step, '');\n    else if",
        'if',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-schedules-napi',
    group: 'milestone',
    what: "a schedulesNapi row's own functions are not the IRQ handler",
    edits: [
      edit(
        `${P}cut.ts`,
        "} else if (leg.row.schedulesNapi) for (const n of own) cut.roles.set(n, 'irq');",
        '}',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-hands-to-stack',
    group: 'milestone',
    what: "a handsToStack row's driver functions get no RX roles",
    edits: [edit(`${P}cut.ts`, 'if (leg.row.handsToStack) {', 'if (false) {')],
    tests: T.presets,
  },
  {
    id: 'milestone-backlog',
    group: 'milestone',
    what: 'a route through the backlog is not told to the reader',
    edits: [
      edit(
        `${P}chain.ts`,
        'if (rows.some((r) => r.backlog)) this.chain.remarks.push(BACKLOG_REMARK);',
        '',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-legacy-route',
    group: 'milestone',
    what: 'a driver without a NAPI poll never takes the backlog route',
    edits: [
      edit(
        `${P}build.ts`,
        'return backlog < Infinity && backlog < nearest(',
        'return false && backlog < nearest(',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'milestone-role',
    group: 'milestone',
    what: "a role row's function is given no role",
    edits: [edit(`${P}chain.ts`, 'if (row.role) this.chain.roles.set(end, row.role);', '')],
    tests: T.presets,
  },
  {
    id: 'milestone-context',
    group: 'milestone',
    what: "a root row's context is not given to its functions",
    edits: [
      edit(
        `${P}chain.ts`,
        'this.chain.roots.push({ node: best, context: row.context });',
        'this.chain.roots.push({ node: best, context: undefined });',
      ),
    ],
    tests: T.presets,
  },
  {
    id: 'branches-ingress',
    group: 'milestone',
    what: 'the side branch rows of ingress emptied (INGRESS_BRANCHES)',
    edits: [emptied(`${P}segments.ts`, 'INGRESS_BRANCHES: readonly BranchRow[]')],
    tests: T.presets,
  },
  {
    id: 'branches-egress',
    group: 'milestone',
    what: 'the side branch rows of egress emptied (EGRESS_BRANCHES)',
    edits: [emptied(`${P}segments.ts`, 'EGRESS_BRANCHES: readonly BranchRow[]')],
    tests: T.presets,
  },

  // Knowledge tables: each emptied.
  ...[
    ['CONCEPTS: readonly ConceptRow[]', 'concepts.ts', 'explain'],
    ['NF_HOOKS: readonly NfHookRow[]', 'netfilter.ts', 'netfilter'],
    ['NF_PROTOS: readonly NfProtoRow[]', 'netfilter.ts', 'netfilter'],
    ['HOOK_CALLS: readonly HookCallRow[]', 'netfilter.ts', 'netfilter'],
    ['SKB_FIELDS: readonly SkbFieldRow[]', 'skb-fields.ts', 'explain'],
    ['SKB_OPS: readonly SkbOpRow[]', 'skb-ops.ts', 'skb-ops'],
    ['SKB_ALLOCATORS: readonly { name: string; file: string }[]', 'skb-ops.ts', 'skb-ops'],
    ['STAGES: readonly StageInfo[]', 'stages.ts', 'stages'],
    ['STAGE_RULES: readonly StageRule[]', 'stages.ts', 'stages'],
    ['FUNCTION_NOTES: readonly FunctionNote[]', 'stages.ts', 'stages'],
  ].map(([declaration, file, test]) => ({
    id: `table-${declaration.slice(0, declaration.indexOf(':')).toLowerCase()}`,
    group: /** @type {const} */ ('table'),
    what: `${declaration.slice(0, declaration.indexOf(':'))} emptied`,
    edits: [emptied(`${K}${file}`, declaration)],
    // The skb timeline reads SKB_ALLOCATORS: two callees that each build an skb are two ways.
    tests: [
      ...T.knowledge(test),
      ...(declaration.startsWith('SKB_ALLOCATORS')
        ? ['test/unit/presets-alternatives.test.ts']
        : []),
    ],
  })),
];

/**
 * The table of calls that drop (drop-calls.ts), one knock-out per row, read from the file so
 * that a row added there is guarded here at once: each row removed, and each reason of
 * NOT_DROPS taken out of the set (a free with that reason then counts as a drop).
 */
function dropCallKnockouts() {
  const text = readFileSync(join(repo, DROP_CALLS_FILE), 'utf8');
  const tests = ['test/unit/presets-drops.test.ts'];
  const rows = [...text.matchAll(/^ {2}\{ name: '(\w+)'.*\},\n/gm)].map(([line, name]) => ({
    id: `drop-call-${name}`,
    group: /** @type {const} */ ('table'),
    what: `DROP_CALLS: the row of ${name} removed`,
    edits: [edit(DROP_CALLS_FILE, line, '')],
    tests,
  }));
  const set = /NOT_DROPS: ReadonlySet<string> = new Set\(\[([^\]]*)\]\)/.exec(text);
  const reasons = set?.[1] ? [...set[1].matchAll(/'(\w+)'/g)].map((m) => m[1]) : [];
  const notDrops = reasons.map((reason) => ({
    id: `not-drop-${reason.toLowerCase().replace(/_/g, '-')}`,
    group: /** @type {const} */ ('table'),
    what: `NOT_DROPS: ${reason} counted as a drop`,
    edits: [
      edit(
        DROP_CALLS_FILE,
        set?.[0] ?? '',
        (set?.[0] ?? '').replace(
          set?.[1] ?? '',
          reasons
            .filter((r) => r !== reason)
            .map((r) => `'${r}'`)
            .join(', '),
        ),
      ),
    ],
    tests,
  }));
  // No row found means the file changed shape: a stale script, not a guarded table.
  if (rows.length === 0 || notDrops.length === 0)
    throw new Error(`knockouts: cannot read the rows of ${DROP_CALLS_FILE}`);
  return [...rows, ...notDrops];
}
KNOCKOUTS.push(...dropCallKnockouts());

function parseArgs(argv) {
  const o = { group: undefined, only: undefined, list: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--group') o.group = argv[++i];
    else if (a === '--only') o.only = (argv[++i] ?? '').split(',');
    else if (a === '--list') o.list = true;
    else {
      console.error(`knockouts: unknown argument ${a} (--group G, --only ID[,ID], --list)`);
      process.exit(2);
    }
  }
  return o;
}

/** Runs test files in the copy; true when they all pass. */
function runTests(dir, files) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=dot', '--test-concurrency=1', ...files],
    { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return { passed: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const chosen = KNOCKOUTS.filter(
    (k) => (!opts.group || k.group === opts.group) && (!opts.only || opts.only.includes(k.id)),
  );
  if (opts.list) {
    for (const k of chosen) console.log(`${k.group.padEnd(9)} ${k.id.padEnd(36)} ${k.what}`);
    return 0;
  }
  if (chosen.length === 0) {
    console.error('knockouts: none chosen');
    return 2;
  }
  // Every edit must find its text once, or the knock-out tests nothing.
  const stale = chosen.flatMap((k) =>
    k.edits
      .filter((e) => readFileSync(join(repo, e.file), 'utf8').split(e.find).length !== 2)
      .map(
        (e) => `${k.id}: ${e.file} does not hold its text exactly once: ${e.find.split('\n')[0]}`,
      ),
  );
  if (stale.length > 0) {
    console.error(stale.join('\n'));
    return 2;
  }

  const dir = mkdtempSync(join(tmpdir(), 'netpaths-knockouts-'));
  try {
    for (const part of ['src', 'test', 'grammars', 'tsconfig.json', 'package.json'])
      cpSync(join(repo, part), join(dir, part), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));

    const started = Date.now();
    const files = [...new Set(chosen.flatMap((k) => k.tests))];
    const base = runTests(dir, files);
    if (!base.passed) {
      console.error(`knockouts: the tests fail without any knock-out:\n${base.output}`);
      return 2;
    }
    const survivors = [];
    for (const k of chosen) {
      const t0 = Date.now();
      const originals = k.edits.map((e) => [e.file, readFileSync(join(dir, e.file), 'utf8')]);
      for (const e of k.edits) {
        const path = join(dir, e.file);
        writeFileSync(
          path,
          readFileSync(path, 'utf8').replace(e.find, () => e.replace),
        );
      }
      const r = runTests(dir, k.tests);
      for (const [file, text] of originals) writeFileSync(join(dir, file), text);
      const seconds = ((Date.now() - t0) / 1000).toFixed(1);
      const verdict = r.passed ? 'SURVIVED' : 'killed';
      console.log(
        `${verdict.padEnd(8)} ${k.group.padEnd(9)} ${k.id.padEnd(36)} ${seconds.padStart(5)} s  ${k.what}`,
      );
      // Which test noticed: the first failure the runner lists.
      const by = /^✖ (.+?)(?: \([\d.]+m?s\))?$/m.exec(r.output)?.[1];
      if (!r.passed)
        console.log(`${' '.repeat(19)}by: ${by ?? 'the test run failing (see --only)'}`);
      if (r.passed) survivors.push(k);
    }
    const total = ((Date.now() - started) / 1000).toFixed(0);
    console.log(
      `\n${chosen.length - survivors.length} of ${chosen.length} knock-outs killed, ${survivors.length} survived (${total} s)`,
    );
    for (const k of survivors) console.log(`  survived: ${k.id}: ${k.what} (${k.tests.join(' ')})`);
    return survivors.length > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = main();
