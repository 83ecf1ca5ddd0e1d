// Benchmark: NetPaths against universal-ctags and cscope on the same .c/.h files of a
// kernel tree. It measures, each in a fresh temporary folder, the index build of ctags,
// of cscope and of NetPaths (cold, then warm with its cache reused), and the latency of a
// callers query, a path query, `drivers` with every route checked, one route of a driver
// and a trace of 100,000 lines as a user runs them (a whole process, Node start-up
// included), a kernel configuration applied to the warm index and switched back to, next
// to cscope's callers query and a ctags tag lookup.
// Every step reports wall time and peak resident memory (worker threads included, via
// GNU time).
//
//   npm run bench -- [--kernel DIR] [--scope GLOB]... [--skip-tools] [--json FILE]
//                    [--repeat N] [--keep] [--record]
//
// A NetPaths step that fails is reported with its exit code and last stderr line, and
// the others still run; the exit code is 1 when any step failed.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import picomatch from 'picomatch';
import { benchExtension } from './bench-extension.mjs';
import { writeBenchTrace } from './bench-trace.mjs';
import { kernelTreeProblem } from './kernel-tree.mjs';
import { kernelVersion, recordRun } from './lib/bench-record.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const TIME_BIN = '/usr/bin/time';
const CALLERS_OF = 'netif_receive_skb';
const PATH_FROM = 'napi_gro_receive';
const PATH_TO = 'ip_rcv';
// The configuration applied to the warm index: Debian's amd64 one (linux-config-6.12),
// or $NETPATHS_BENCH_CONFIG.
const BENCH_CONFIG =
  process.env.NETPATHS_BENCH_CONFIG ?? '/usr/src/linux-config-6.12/config.amd64_none_amd64.xz';
// `netpaths trace` of a pwru trace this long (scripts/bench-trace.mjs writes it).
const TRACE_LINES = 100_000;
// Folders the NetPaths walk never enters (src/analysis/index/walk.ts); the list given to ctags
// and cscope leaves them out too, so all three tools read the same files.
const SKIPPED_DIRS = new Set(['.git', '.pc', 'node_modules']);

const USAGE = `usage: node scripts/bench.mjs [options]

  --kernel DIR    kernel tree (default: $NETPATHS_KERNEL, else scripts/kernel.sh)
  --scope GLOB    only files matching GLOB, relative to the tree (repeatable), e.g. 'net/core/**'
  --skip-tools    measure NetPaths only, not ctags and cscope
  --json FILE     also write the numbers to FILE
  --repeat N      runs of each query; the median is reported (default 5)
  --keep          keep the temporary folders with the indexes
  --record        add this run to the history table of docs/performance.md`;

function log(line) {
  process.stderr.write(`bench: ${line}\n`);
}

function usageError(message) {
  log(message);
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      kernel: { type: 'string' },
      scope: { type: 'string', multiple: true },
      'skip-tools': { type: 'boolean' },
      json: { type: 'string' },
      repeat: { type: 'string' },
      keep: { type: 'boolean' },
      record: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  }).values;
} catch (e) {
  usageError(e.message.split('\n')[0]);
}
if (args.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const scope = args.scope ?? [];
const skipTools = args['skip-tools'] ?? false;
const repeat = Number(args.repeat ?? 5);
if (!Number.isInteger(repeat) || repeat < 1) usageError(`--repeat needs a positive whole number`);

function findKernel() {
  const given = args.kernel ?? process.env.NETPATHS_KERNEL;
  if (given) {
    const dir = resolve(given);
    const from = args.kernel ? '--kernel' : 'NETPATHS_KERNEL';
    const problem = kernelTreeProblem(dir);
    if (problem !== undefined) {
      log(`${from}=${given} is not a kernel tree: ${problem}`);
      process.exit(1);
    }
    return dir;
  }
  // scripts/kernel.sh prints only the path on stdout; its messages reach the terminal.
  const r = spawnSync('bash', [join(root, 'scripts/kernel.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    log('scripts/kernel.sh found no kernel tree; pass --kernel DIR or set NETPATHS_KERNEL');
    process.exit(1);
  }
  return r.stdout.trim();
}

// The same rules as the NetPaths walk: regular .c/.h files only (symbolic links are not
// followed), scope globs matched with picomatch against the `/`-separated relative path.
function listFiles(kernel) {
  const matchers = scope.map((g) => picomatch(g, { dot: true }));
  const inScope = (path) => matchers.length === 0 || matchers.some((m) => m(path));
  const files = [];
  let symlinks = 0;
  const stack = [''];
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(join(kernel, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) stack.push(path);
      } else if (/\.[ch]$/.test(entry.name) && inScope(path)) {
        if (entry.isFile()) files.push(path);
        else if (entry.isSymbolicLink()) symlinks++;
      }
    }
  }
  files.sort();
  return { files, symlinks };
}

function which(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function firstLine(text) {
  return (text ?? '').split('\n').find((l) => l.trim()) ?? '';
}

// The reason a child failed: its last stderr line, except that a crash of Node itself ends
// in stack frames, where the line that names the cause ("FATAL ERROR: ... heap out of
// memory", or the error message) comes before them.
function failureLine(text) {
  const lines = (text ?? '').split(/[\r\n]+/).filter((l) => l.trim());
  const fatal = lines.filter((l) => /FATAL ERROR/.test(l));
  if (fatal.length) return fatal[fatal.length - 1].trim();
  const frame = /^\s*(\d+: 0x[0-9a-f]+|at |-----|<---)/;
  const meaningful = lines.filter((l) => !frame.test(l));
  return (meaningful[meaningful.length - 1] ?? lines[lines.length - 1] ?? '').trim();
}

function duBytes(path) {
  if (!existsSync(path)) return null;
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    total += duBytes(join(path, entry.name)) ?? 0;
  }
  return total;
}

const MiB = 1024 * 1024;
const hasTime = existsSync(TIME_BIN);
let timeFileCounter = 0;

// Runs one child process to completion. With GNU time in front of it, `%M` is the peak
// resident set of the child (threads share it; a helper process it waits for counts as its
// own peak, not added); seconds come from our own clock, which is finer than `%e`.
function run(cmd, argv, { cwd, work }) {
  const timeFile = join(work, `time-${timeFileCounter++}.txt`);
  const full = hasTime ? [TIME_BIN, '-f', '%e %M', '-o', timeFile, cmd, ...argv] : [cmd, ...argv];
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(full[0], full.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (b) => out.push(b));
    // Only the end of stderr matters (the reason of a failure); progress lines can be many.
    child.stderr.on('data', (b) => {
      err = (err + b.toString()).slice(-65536);
    });
    let spawnError = null;
    child.on('error', (e) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      let peakMiB = null;
      if (hasTime && existsSync(timeFile)) {
        // GNU time puts "Command exited with non-zero status N" before the numbers.
        const m = /(\d+(?:\.\d+)?) (\d+)\s*$/.exec(readFileSync(timeFile, 'utf8'));
        if (m) peakMiB = Number(m[2]) / 1024;
      }
      const stderr = err;
      const stdout = Buffer.concat(out).toString();
      if (spawnError) {
        done({ ok: false, exitCode: null, seconds, peakMiB, error: spawnError.message, stdout });
      } else if (code !== 0) {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        done({
          ok: false,
          exitCode: code,
          seconds,
          peakMiB,
          error: `${why}: ${failureLine(stderr) || '(no stderr)'}`,
          stdout,
        });
      } else {
        done({ ok: true, exitCode: 0, seconds, peakMiB, error: null, stdout, stderr });
      }
    });
  });
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

const steps = [];

function display(cmd, argv) {
  return [cmd, ...argv].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`)).join(' ');
}

// Measures one step (a query `times` times, reporting the median) and records it.
async function step(tool, name, cmd, argv, { cwd, work, times = 1, output, describe } = {}) {
  const record = { tool, step: name, command: display(cmd, argv), runs: times };
  steps.push(record);
  process.stderr.write(`bench: ${tool} ${name} ... `);
  const results = [];
  for (let i = 0; i < times; i++) {
    const r = await run(cmd, argv, { cwd, work });
    results.push(r);
    if (!r.ok) break;
  }
  const failed = results.find((r) => !r.ok);
  const seconds = results.map((r) => r.seconds);
  const peaks = results.map((r) => r.peakMiB).filter((p) => p !== null);
  Object.assign(record, {
    ok: !failed,
    exitCode: failed ? failed.exitCode : 0,
    seconds: failed ? failed.seconds : median(seconds),
    minSeconds: Math.min(...seconds),
    peakMiB: peaks.length ? Math.max(...peaks) : null,
    error: failed ? failed.error : null,
  });
  if (!failed) {
    if (output) record.outputBytes = duBytes(output);
    if (describe) record.note = describe(results[0]);
  }
  process.stderr.write(failed ? `FAILED (${failed.error})\n` : `${record.seconds.toFixed(2)} s\n`);
  return record;
}

function skipped(tool, name, reason) {
  steps.push({ tool, step: name, ok: null, skipped: reason });
}

// ---------------------------------------------------------------------------------------

const kernel = findKernel();
const { files, symlinks } = listFiles(kernel);
if (files.length === 0) {
  log(`no .c or .h files in ${kernel}${scope.length ? ` matching ${scope.join(', ')}` : ''}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'netpaths-bench-'));
const cleanup = () => {
  if (!args.keep) rmSync(work, { recursive: true, force: true });
};
process.once('SIGINT', () => {
  cleanup();
  process.exit(130);
});
const fresh = (name) => {
  const dir = join(work, name);
  mkdirSync(dir);
  return dir;
};

const listFile = join(work, 'files.txt');
writeFileSync(listFile, `${files.join('\n')}\n`);

// Reading every file once puts the tree in the page cache, so the first tool measured does
// not pay for the disk on behalf of the others (reading the whole tree takes seconds).
log(`reading ${files.length} files once to warm the page cache`);
let bytes = 0;
for (const f of files) bytes += readFileSync(join(kernel, f)).length;

log(
  `kernel ${kernel}: ${files.length} .c/.h files, ${(bytes / MiB).toFixed(1)} MiB${symlinks ? ` (${symlinks} symbolic links left out, as NetPaths does)` : ''}`,
);
if (!hasTime) {
  log(`${TIME_BIN} not found: measuring wall time only. For peak memory: apt-get install time`);
}

const ctags = skipTools ? null : which('ctags');
const cscope = skipTools ? null : which('cscope');
const readtags = skipTools ? null : which('readtags');
const versions = {
  node: process.version,
  // "Universal Ctags 5.9.0, Copyright ..." and "/usr/bin/cscope: version 15.9" shortened.
  ctags: ctags
    ? firstLine(spawnSync(ctags, ['--version'], { encoding: 'utf8' }).stdout).split(',')[0]
    : null,
  cscope: cscope
    ? firstLine(spawnSync(cscope, ['-V'], { encoding: 'utf8' }).stderr).replace(
        /^.*version/,
        'cscope',
      )
    : null,
};
if (ctags && !/Universal Ctags/.test(versions.ctags)) {
  log(`${ctags} is not Universal Ctags (${versions.ctags}); its options here may not apply`);
}

const countLines = (r) => r.stdout.split('\n').filter((l) => l.trim()).length;
const dirs = {};

if (skipTools) {
  skipped('ctags', 'index', '--skip-tools');
  skipped('cscope', 'index', '--skip-tools');
} else {
  if (ctags) {
    dirs.ctags = fresh('ctags');
    // Without --langmap ctags takes .h files for C++ and skips them under --languages=C.
    await step(
      'ctags',
      'index',
      ctags,
      ['--languages=C', '--langmap=C:+.h', '-f', join(dirs.ctags, 'tags'), '-L', listFile],
      { cwd: kernel, work, output: join(dirs.ctags, 'tags') },
    );
  } else {
    log('ctags not found: apt-get install universal-ctags');
    skipped('ctags', 'index', 'not installed (apt-get install universal-ctags)');
  }
  if (cscope) {
    dirs.cscope = fresh('cscope');
    // -u rebuilds even when an index exists, -k skips /usr/include, -q adds the inverted
    // index that makes its queries fast (part of the build cost, as a user would run it).
    await step(
      'cscope',
      'index',
      cscope,
      ['-b', '-q', '-k', '-u', '-i', listFile, '-f', join(dirs.cscope, 'cscope.out')],
      { cwd: kernel, work, output: dirs.cscope },
    );
  } else {
    log('cscope not found: apt-get install cscope');
    skipped('cscope', 'index', 'not installed (apt-get install cscope)');
  }
}

dirs.np = join(fresh('netpaths'), 'np');
// Without --scope the CLI indexes only the network scope: the whole tree is asked for by name.
const scopeArgs = (scope.length > 0 ? scope : ['**']).flatMap((g) => ['--scope', g]);
const npIndexArgs = [cli, 'index', '--kernel', kernel, '--cache-dir', dirs.np, ...scopeArgs];
// The queries read the index from the cache folder; the scope only matters to them when
// that index is missing, and then it keeps their rebuild to the same files.
const npCallersArgs = [
  cli,
  'callers',
  CALLERS_OF,
  '--kernel',
  kernel,
  '--cache-dir',
  dirs.np,
  '--format',
  'json',
  ...scopeArgs,
];
const npPathArgs = [
  cli,
  'path',
  '--from',
  PATH_FROM,
  '--to',
  PATH_TO,
  '--kernel',
  kernel,
  '--cache-dir',
  dirs.np,
  ...scopeArgs,
];
// The index summary says how many files NetPaths walked (the same set as the list, or the
// comparison is unfair) and how many it parsed again (all when cold, none when warm).
const indexedFiles = (r) => {
  const count = (key) => new RegExp(`^${key}\\s+(\\d+)`, 'm').exec(r.stdout)?.[1];
  const n = count('files');
  if (n === undefined) return undefined;
  const reparsed = count('reparsed');
  const same = Number(n) === files.length ? '' : `, but ${files.length} listed: NOT the same set`;
  return `${n} files${reparsed === undefined ? '' : `, ${reparsed} parsed`}${same}`;
};
const graphSize = (r) => {
  try {
    const g = JSON.parse(r.stdout);
    return `${g.nodes.length} nodes, ${g.edges.length} edges`;
  } catch {
    return 'output is not JSON';
  }
};

if (existsSync(cli)) {
  const opts = { cwd: root, work, output: dirs.np, describe: indexedFiles };
  const cold = await step('NetPaths', 'index (cold)', process.execPath, npIndexArgs, opts);
  const warm = await step('NetPaths', 'index (warm)', process.execPath, npIndexArgs, opts);
  // After a failed cold run there is no cache to reuse, so this second run is not warm.
  if (!cold.ok && warm.ok) warm.note = `${warm.note ?? ''} (cold run failed: built from scratch)`;
  if (cold.ok || warm.ok) {
    await step('NetPaths', `query callers ${CALLERS_OF}`, process.execPath, npCallersArgs, {
      cwd: root,
      work,
      times: repeat,
      describe: graphSize,
    });
    await step('NetPaths', `query path ${PATH_FROM} -> ${PATH_TO}`, process.execPath, npPathArgs, {
      cwd: root,
      work,
      times: repeat,
      describe: (r) => `${countLines(r)} output lines`,
    });
    // Every route of every driver checked (the routes column), and one route drawn.
    const npQuery = (...args) => [
      cli,
      ...args,
      '--kernel',
      kernel,
      '--cache-dir',
      dirs.np,
      ...scopeArgs,
    ];
    await step('NetPaths', 'drivers, every route checked', process.execPath, npQuery('drivers'), {
      cwd: root,
      work,
      times: repeat,
      describe: (r) => /^Routes drawn[^\n]*\n([^]*?)of \d+ drivers/m.exec(r.stdout)?.[1]?.trim(),
    });
    const route = ['ingress', '--driver', 'ixgbe', '--route', 'xdp', '--format', 'json'];
    await step(
      'NetPaths',
      'ingress --driver ixgbe --route xdp',
      process.execPath,
      npQuery(...route),
      {
        cwd: root,
        work,
        times: repeat,
        describe: graphSize,
      },
    );
    const tracePath = join(work, 'trace.txt');
    const packets = writeBenchTrace(tracePath, TRACE_LINES);
    const npTraceArgs = [
      cli,
      'trace',
      tracePath,
      '--kernel',
      kernel,
      '--cache-dir',
      dirs.np,
      '--format',
      'json',
      ...scopeArgs,
    ];
    await step('NetPaths', `trace ${TRACE_LINES} lines`, process.execPath, npTraceArgs, {
      cwd: root,
      work,
      times: repeat,
      describe: (r) => {
        try {
          const t = JSON.parse(r.stdout).trace;
          return `${t.events} events of ${t.packets.length} packets (${packets} written), ${t.matched}/${t.functions} functions matched`;
        } catch {
          return 'output is not JSON';
        }
      },
    });
    // A kernel configuration applied to the warm index: resolved from the parsed facts the
    // first time, then loaded from its own cache (switching back to it).
    if (existsSync(BENCH_CONFIG)) {
      const npConfigArgs = [...npIndexArgs, '--config', BENCH_CONFIG];
      const configOpts = { cwd: root, work, describe: indexedFiles };
      await step('NetPaths', 'apply a configuration', process.execPath, npConfigArgs, configOpts);
      await step('NetPaths', 'switch to it again', process.execPath, npConfigArgs, configOpts);
    } else {
      skipped('NetPaths', 'apply a configuration', `${BENCH_CONFIG} is missing`);
      skipped('NetPaths', 'switch to it again', `${BENCH_CONFIG} is missing`);
    }
  } else {
    // Without an index each query would build one itself, which is not a query latency.
    skipped('NetPaths', `query callers ${CALLERS_OF}`, 'no index was built');
    skipped('NetPaths', `query path ${PATH_FROM} -> ${PATH_TO}`, 'no index was built');
    skipped('NetPaths', `trace ${TRACE_LINES} lines`, 'no index was built');
  }
} else {
  log(`${cli} not found: run npm run build (npm run bench does)`);
  for (const name of [
    'index (cold)',
    'index (warm)',
    `query callers ${CALLERS_OF}`,
    `query path ${PATH_FROM} -> ${PATH_TO}`,
    `trace ${TRACE_LINES} lines`,
  ]) {
    steps.push({
      tool: 'NetPaths',
      step: name,
      ok: false,
      exitCode: null,
      error: 'dist/cli.js not found: run npm run build',
    });
  }
}

const built = (tool) => steps.find((s) => s.tool === tool && s.step === 'index')?.ok;
if (cscope && built('cscope')) {
  await step(
    'cscope',
    `query callers ${CALLERS_OF}`,
    cscope,
    ['-d', '-L', '-3', CALLERS_OF, '-f', join(dirs.cscope, 'cscope.out')],
    {
      cwd: kernel,
      work,
      times: repeat,
      describe: (r) => `${countLines(r)} call sites`,
    },
  );
}
if (ctags && built('ctags')) {
  const tags = join(dirs.ctags, 'tags');
  // readtags binary-searches the sorted tags file; grep reads it from the start.
  const [cmd, argv] = readtags
    ? [readtags, ['-t', tags, CALLERS_OF]]
    : ['grep', ['-m1', `^${CALLERS_OF}\t`, tags]];
  await step('ctags', `lookup ${CALLERS_OF} (${readtags ? 'readtags' : 'grep'})`, cmd, argv, {
    cwd: kernel,
    work,
    times: repeat,
    describe: (r) => `${countLines(r)} definitions`,
  });
}

// ---------------------------------------------------------------------------------------

const find = (tool, prefix) =>
  steps.find((s) => s.tool === tool && s.step.startsWith(prefix) && s.ok);
const ratio = (a, b, key) => (a && b && a[key] && b[key] ? a[key] / b[key] : null);
const npCold = find('NetPaths', 'index (cold)');
const npWarm = find('NetPaths', 'index (warm)');
const ctagsIndex = find('ctags', 'index');
const cscopeIndex = find('cscope', 'index');
const npCallers = find('NetPaths', 'query callers');
const npPath = find('NetPaths', 'query path');
const cscopeCallers = find('cscope', 'query callers');
const ratios = {
  coldVsCtagsTime: ratio(npCold, ctagsIndex, 'seconds'),
  coldVsCtagsMemory: ratio(npCold, ctagsIndex, 'peakMiB'),
  coldVsCscopeTime: ratio(npCold, cscopeIndex, 'seconds'),
  coldVsCscopeMemory: ratio(npCold, cscopeIndex, 'peakMiB'),
  warmVsColdTime: ratio(npWarm, npCold, 'seconds'),
  callersQueryVsCscope: ratio(npCallers, cscopeCallers, 'seconds'),
  pathQueryVsCscopeCallers: ratio(npPath, cscopeCallers, 'seconds'),
};

// A failed step still shows how long it ran and the memory it reached before it failed.
const rows = [['tool', 'step', 'seconds', 'peak MiB', 'output MiB', 'note']];
for (const s of steps) {
  const runs = s.runs > 1 && s.ok ? ` (median of ${s.runs}, min ${s.minSeconds.toFixed(3)})` : '';
  rows.push([
    s.tool,
    s.step,
    s.seconds !== undefined ? s.seconds.toFixed(s.seconds < 10 ? 3 : 1) : '-',
    s.peakMiB != null ? s.peakMiB.toFixed(1) : '-',
    s.ok && s.outputBytes != null ? (s.outputBytes / MiB).toFixed(1) : '',
    s.skipped
      ? `skipped: ${s.skipped}`
      : s.ok
        ? `${s.note ?? ''}${runs}`.trim()
        : `FAILED ${s.error}`,
  ]);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
const numeric = new Set([2, 3, 4]);
const format = (r) =>
  r
    .map((cell, i) =>
      i === r.length - 1
        ? cell
        : numeric.has(i)
          ? cell.padStart(widths[i])
          : cell.padEnd(widths[i]),
    )
    .join('  ')
    .trimEnd();

const out = [];
out.push('');
out.push(
  `NetPaths benchmark: ${files.length} .c/.h files, ${bytes} bytes (${(bytes / MiB).toFixed(1)} MiB)`,
);
out.push(`kernel ${kernel}, scope ${scope.length ? scope.join(' ') : 'whole tree'}`);
out.push(
  `${cpus().length} cores, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}${versions.ctags ? `, ${versions.ctags}` : ''}${versions.cscope ? `, ${versions.cscope}` : ''}`,
);
out.push('');
out.push(format(rows[0]));
out.push(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows.slice(1)) out.push(format(r));
out.push('');
const x = (v) => (v === null ? 'n/a' : `${v.toFixed(2)}x`);
out.push('ratios (above 1: NetPaths takes more):');
out.push(
  `  NetPaths cold index / ctags index:   time ${x(ratios.coldVsCtagsTime)}, peak memory ${x(ratios.coldVsCtagsMemory)}`,
);
out.push(
  `  NetPaths cold index / cscope index:  time ${x(ratios.coldVsCscopeTime)}, peak memory ${x(ratios.coldVsCscopeMemory)}`,
);
out.push(`  NetPaths warm index / cold index:    time ${x(ratios.warmVsColdTime)}`);
out.push(`  NetPaths callers query / cscope -3:  time ${x(ratios.callersQueryVsCscope)}`);
out.push(`  NetPaths path query / cscope -3:     time ${x(ratios.pathQueryVsCscopeCallers)}`);
out.push('Queries are whole processes, Node start-up included. Peak memory is the largest single');
out.push('process (GNU time %M): worker threads count, helper processes are not added.');
if (!hasTime) out.push(`Peak memory not measured: ${TIME_BIN} is missing (apt-get install time).`);
// The extension's latencies, on the index NetPaths just built (scripts/bench-extension.mjs).
let extension;
if (npCold?.ok) {
  const measured = await benchExtension({ root, kernel, scope, cacheDir: dirs.np, repeat });
  out.push(...measured.lines);
  extension = measured.numbers;
}
process.stdout.write(`${out.join('\n')}\n`);

if (args.json) {
  const report = {
    date: new Date().toISOString(),
    kernel,
    scope,
    files: files.length,
    bytes,
    symlinksLeftOut: symlinks,
    machine: { cores: cpus().length, memoryBytes: totalmem() },
    versions,
    peakMemoryMeasured: hasTime,
    steps,
    ratios,
    extension,
  };
  writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  log(`numbers written to ${args.json}`);
}

if (args.record) {
  const performanceFile = join(root, 'docs/performance.md');
  const cores = cpus();
  recordRun(performanceFile, {
    date: new Date().toISOString(),
    machine: `${cores.length} × ${cores[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    kernelVersion: kernelVersion(kernel),
    scope,
    files: files.length,
    steps: {
      ctags: ctagsIndex,
      cscope: cscopeIndex,
      cold: npCold,
      warm: npWarm,
      callers: npCallers,
      path: npPath,
    },
    ratios,
  });
  log(`run added to ${performanceFile}`);
}

if (args.keep) log(`indexes kept in ${work}`);
cleanup();
const failures = steps.filter((s) => s.ok === false);
if (failures.length > 0) {
  log(
    `${failures.length} step(s) failed: ${failures.map((s) => `${s.tool} ${s.step}`).join(', ')}`,
  );
  process.exitCode = 1;
}
