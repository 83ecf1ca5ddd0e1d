// Regenerates the graph fixtures the webview tests draw (test/fixtures/graphs/) from the
// built CLI on a real kernel tree, with the network scope the integration tests index, so
// the webview is tested on what the current presets and queries emit:
//
//   npm run build && node scripts/graph-fixtures.mjs [--kernel DIR] [--cache-dir DIR]
//
// The kernel is --kernel, else $NETPATHS_KERNEL. Each fixture is the CLI's JSON output,
// reformatted with two-space indentation. hostile-names.json and large-150.json are
// written by hand (labels that try to escape, a graph of 150 functions) and left alone.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const out = join(root, 'test/fixtures/graphs');

const E1000E_NETDEV = 'drivers/net/ethernet/intel/e1000e/netdev.c';

/** Fixture file, then the CLI arguments (before --format json). */
const FIXTURES = [
  ['e1000e-ingress.json', 'ingress', '--driver', 'e1000e', '--depth', '1'],
  ['e1000e-egress.json', 'egress', '--driver', 'e1000e', '--depth', '1'],
  ['path-napi-to-ip-rcv.json', 'path', '--from', `${E1000E_NETDEV}:e1000e_poll`, '--to', 'ip_rcv'],
  ['plain-callees.json', 'callees', 'ip_rcv_finish', '--depth', '1'],
];

function fail(message) {
  process.stderr.write(`graph-fixtures: ${message}\n`);
  process.exit(1);
}

let args;
try {
  ({ values: args } = parseArgs({
    options: { kernel: { type: 'string' }, 'cache-dir': { type: 'string' } },
  }));
} catch (e) {
  fail(`${e.message}\nusage: node scripts/graph-fixtures.mjs [--kernel DIR] [--cache-dir DIR]`);
}
const kernel = args.kernel ?? process.env.NETPATHS_KERNEL;
if (!kernel) fail('no kernel tree: pass --kernel DIR or set NETPATHS_KERNEL');
if (!existsSync(cli)) fail(`${cli} is missing: run npm run build`);

// No --scope: the CLI's default, NETWORK_SCOPE, what the integration tests and the demo index.
const common = ['--kernel', kernel];
if (args['cache-dir']) common.push('--cache-dir', args['cache-dir']);

for (const [file, ...query] of FIXTURES) {
  const r = spawnSync(process.execPath, [cli, ...query, ...common, '--format', 'json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) fail(`netpaths ${query.join(' ')} exited ${r.status ?? r.signal}`);
  const graph = JSON.parse(r.stdout);
  writeFileSync(join(out, file), `${JSON.stringify(graph, null, 2)}\n`);
  process.stderr.write(
    `graph-fixtures: ${file}: ${graph.nodes.length} functions, ${graph.edges.length} calls\n`,
  );
}
