// Facts snapshot for changes to extraction: parses every .c and .h file under the given
// folders of a kernel tree with the parse stage of a source tree (this one, or another
// checkout's src/) and writes each file's FileFacts as JSON, one file per source file; or
// compares two such folders file by file. A change that must not change the facts (a
// split, a move) takes one snapshot with the old source and one with the new:
//
//   mkdir /tmp/old && git archive main src | tar -x -C /tmp/old
//   node --import tsx scripts/facts-snapshot.ts write /tmp/facts-old --src /tmp/old/src \
//     --kernel DIR --dir net --dir drivers/net/ethernet/intel
//   node --import tsx scripts/facts-snapshot.ts write /tmp/facts-new --kernel DIR --dir net ...
//   node --import tsx scripts/facts-snapshot.ts compare /tmp/facts-old /tmp/facts-new
//
// The source tree must export `parseFile` from analysis/index/parse-file and `EXTRACT_QUERY`
// from analysis/index/extract. Its parser is this checkout's (web-tree-sitter loaded once):
// what is compared is extraction, not the loading of the grammar. The kernel is --kernel,
// else $NETPATHS_KERNEL. The encoded call table is written as it is, so a change of
// order or of the string table shows as a difference too.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Query } from 'web-tree-sitter';
import type { FileFacts } from '../src/analysis/index/facts';
import type { CParser } from '../src/analysis/index/parser';
import { loadCParser } from '../src/analysis/index/parser';

type ParseFile = (root: string, path: string, cparser: CParser, query: Query) => FileFacts;

function usage(message?: string): never {
  if (message) process.stderr.write(`facts-snapshot: ${message}\n`);
  process.stderr.write(
    'usage: node --import tsx scripts/facts-snapshot.ts write OUT [--src SRC] [--kernel DIR] --dir D...\n' +
      '       node --import tsx scripts/facts-snapshot.ts compare A B\n',
  );
  process.exit(2);
}

/** Every file under `dir`, relative to it, sorted. */
function listFiles(dir: string, keep: (name: string) => boolean): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && keep(d.name))
    .map((d) => relative(dir, join(d.parentPath, d.name)).split('\\').join('/'))
    .sort();
}

/** Typed arrays as plain arrays and maps as objects, so the JSON shows every value. */
function plain(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>);
  if (value instanceof Map) return Object.fromEntries(value);
  return value;
}

async function write(out: string, src: string, kernel: string, dirs: string[]): Promise<void> {
  // The tree's own modules, by path: tsx compiles them as they are required.
  const { parseFile } = require(join(src, 'analysis/index/parse-file')) as {
    parseFile: ParseFile;
  };
  const { EXTRACT_QUERY } = require(join(src, 'analysis/index/extract')) as {
    EXTRACT_QUERY: string;
  };
  const cparser = await loadCParser();
  const query = cparser.query(EXTRACT_QUERY);
  const files = dirs.flatMap((d) =>
    listFiles(join(kernel, d), (n) => /\.[ch]$/.test(n)).map((f) => `${d}/${f}`),
  );
  const started = performance.now();
  for (const file of files) {
    const target = join(out, `${file}.json`);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, `${JSON.stringify(parseFile(kernel, file, cparser, query), plain)}\n`);
  }
  query.delete();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stdout.write(`wrote the facts of ${files.length} files in ${seconds} s\n`);
}

function compare(a: string, b: string): void {
  const left = listFiles(a, () => true);
  const right = new Set(listFiles(b, () => true));
  let differ = 0;
  for (const name of left) {
    if (!right.delete(name)) {
      process.stdout.write(`only in ${a}: ${name}\n`);
      differ++;
    } else if (!readFileSync(join(a, name)).equals(readFileSync(join(b, name)))) {
      process.stdout.write(`differs: ${name}\n`);
      differ++;
    }
  }
  for (const name of right) {
    process.stdout.write(`only in ${b}: ${name}\n`);
    differ++;
  }
  const total = left.length + right.size;
  process.stdout.write(
    differ === 0 ? `identical: ${total} files\n` : `${differ} of ${total} files differ\n`,
  );
  process.exit(differ === 0 ? 0 : 1);
}

function option(args: string[], name: string): string[] {
  const values: string[] = [];
  for (let i = args.indexOf(name); i >= 0; i = args.indexOf(name, i + 2)) {
    const value = args[i + 1];
    if (value === undefined) usage(`${name} needs a value`);
    values.push(value);
  }
  return values;
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'write') {
  const out = rest[0];
  if (!out || out.startsWith('--')) usage('write needs an output folder');
  const src = resolve(option(rest, '--src')[0] ?? join(__dirname, '../src'));
  const kernel = option(rest, '--kernel')[0] ?? process.env.NETPATHS_KERNEL;
  if (!kernel) usage('no kernel: pass --kernel DIR or set NETPATHS_KERNEL');
  const dirs = option(rest, '--dir').map((d) => d.replace(/\/+$/, ''));
  if (dirs.length === 0) usage('write needs at least one --dir');
  write(out, src, kernel, dirs).catch((e: unknown) => {
    process.stderr.write(`facts-snapshot: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
} else if (command === 'compare') {
  if (rest.length !== 2) usage('compare needs two folders');
  compare(rest[0] as string, rest[1] as string);
} else {
  usage(command ? `unknown command ${command}` : undefined);
}
