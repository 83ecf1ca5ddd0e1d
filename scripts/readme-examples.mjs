// The README's example outputs, made by the CLI from the real tree, so that they never
// drift from it: each example sits between two markers in README.md,
//
//   <!-- example: NAME -->
//   ...generated text...
//   <!-- /example -->
//
// and this script writes them anew or checks them:
//
//   node scripts/readme-examples.mjs [--check] [--kernel DIR] [--cache-dir DIR]
//
// The kernel is --kernel, else $NETPATHS_KERNEL (the tree scripts/kernel.sh installs).
// With --check nothing is written: it exits 1 and names each example that differs from
// what the tree gives today (the integration tests run it so), with the command that
// writes them.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');

const E1000E = 'drivers/net/ethernet/intel/e1000e/netdev.c';

/** The arrow `path` text output draws for each edge kind. */
const ARROWS = { direct: '→', indirect: '⇢', async: '⇒' };

/**
 * Each example: the command a reader would type (shown), the CLI arguments that produce
 * it, and how its output becomes the README's text.
 */
const EXAMPLES = {
  'path-e1000e-poll': {
    args: ['path', '--from', `${E1000E}:e1000_intr_msi`, '--to', `${E1000E}:e1000e_poll`],
    render: (out) =>
      [
        '```console',
        `$ netpaths path --from ${E1000E}:e1000_intr_msi \\`,
        `                --to ${E1000E}:e1000e_poll`,
        out.trimEnd(),
        '```',
      ].join('\n'),
  },
  'path-tcp-sendmsg-e1000e': {
    args: [
      'path',
      '--from',
      'tcp_sendmsg',
      '--to',
      `${E1000E}:e1000_xmit_frame`,
      '--format',
      'json',
    ],
    render: (out) => {
      const graph = JSON.parse(out);
      const path = graph.paths[0];
      const name = new Map(graph.nodes.map((n) => [n.id, n.name]));
      const parts = [name.get(path[0])];
      for (let i = 1; i < path.length; i++) {
        const edge = graph.edges.find((e) => e.from === path[i - 1] && e.to === path[i]);
        parts.push(`${ARROWS[edge?.kind] ?? '→'} ${name.get(path[i])}`);
      }
      return ['```text', wrap(parts, 90).join('\n'), '```'].join('\n');
    },
  },
  'drivers-counts': {
    args: ['drivers', '--format', 'json'],
    render: (out) => {
      const list = JSON.parse(out);
      const under = (prefix) => list.filter((d) => `${d.dir}/`.startsWith(prefix));
      const count = (drivers, side, state) => drivers.filter((d) => d[side] === state).length;
      const eth = under('drivers/net/ethernet/');
      const net = under('drivers/net/');
      const ethIn = (state) => count(eth, 'ingress', state);
      const text =
        "On Debian's 6.12 tree, with the network scope the commands index by default, " +
        `\`netpaths drivers\` finds a complete ingress path (IRQ to socket) for **${ethIn('complete')} of ` +
        `the ${eth.length} Ethernet drivers** under \`drivers/net/ethernet\` (${ethIn('partial')} partial, ` +
        `${ethIn('none')} none, each with the reason), and ${count(net, 'ingress', 'complete')} of ${net.length} ` +
        "drivers under `drivers/net`; a complete egress path (socket to the driver's transmit " +
        `and its TX completion) for ${count(eth, 'egress', 'complete')} of the ${eth.length} and ` +
        `${count(net, 'egress', 'complete')} of the ${net.length}.`;
      return wrap(text.split(' '), 90).join('\n');
    },
  },
  'drops-e1000e': {
    args: ['drops', '--driver', 'e1000e'],
    // Every function's points would be some 200 lines: the example keeps the blocks of a
    // few functions whole (a header check's jumps, a netfilter verdict, a route lookup)
    // and marks each run of the others left out with `...`.
    render: (out) =>
      [
        '```console',
        '$ netpaths drops --driver e1000e',
        ...excerpt(out, ['ip_rcv_core', 'ip_local_deliver', '__ip_queue_xmit']),
        '```',
      ].join('\n'),
  },
  'routes-counts': {
    args: ['drivers', '--format', 'json'],
    render: (out) => {
      const list = JSON.parse(out);
      const under = (prefix) => list.filter((d) => `${d.dir}/`.startsWith(prefix));
      const routes = [...new Set(list.flatMap((d) => d.routes))];
      const counts = (drivers) =>
        routes.map((r) => `${r} ${drivers.filter((d) => d.routes.includes(r)).length}`);
      const eth = under('drivers/net/ethernet/');
      const net = under('drivers/net/');
      const last = (parts) => `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
      const text =
        "On Debian's 6.12 tree, with the network scope, the drivers that draw each route " +
        `completely, receive and transmit: of the ${eth.length} Ethernet drivers, ` +
        `${last(counts(eth))}; of the ${net.length} under \`drivers/net\`, ${last(counts(net))}.`;
      return wrap(text.split(' '), 90).join('\n');
    },
  },
  'json-contract': {
    args: ['path', '--from', '__napi_poll', '--to', `${E1000E}:e1000e_poll`, '--format', 'json'],
    render: (out) => {
      const graph = JSON.parse(out);
      const node = graph.nodes.find((n) => n.name === '__napi_poll');
      const edge = graph.edges.find((e) => e.to.endsWith(':e1000e_poll'));
      const nodeText = JSON.stringify(node).replace(/^\{/, '{ ').replace(/\}$/, ' }');
      const field = (k) => `"${k}": ${JSON.stringify(edge[k])}`;
      return [
        '```json',
        '{',
        `  "nodes": [${nodeText.replace(/":/g, '": ').replace(/,"/g, ', "')}],`,
        `  "edges": [{ ${field('from')}, ${field('to')},`,
        `              ${field('kind')}, ${field('file')}, ${field('line')},`,
        `              ${field('via')} }],`,
        `  "paths": [["...", "..."]]`,
        '}',
        '```',
      ].join('\n');
    },
  },
};

/**
 * The lines of a `drops` text output that keep the heading of each path and the blocks of
 * the functions named (a block is a function's line, indented by two, and the lines under
 * it); each run of other blocks becomes one `  ...` line. Fails when a function named is
 * not in the output, so the example never silently loses what it shows.
 */
function excerpt(out, functions) {
  const lines = [];
  const shown = new Set();
  let keep = false;
  let skipped = false;
  const flush = () => {
    if (skipped) lines.push('  ...');
    skipped = false;
  };
  for (const line of out.trimEnd().split('\n')) {
    const fn = /^ {2}(\S+)$/.exec(line)?.[1];
    if (line.startsWith('==') || line === '') {
      flush();
      keep = false;
      lines.push(line);
    } else if (fn !== undefined) {
      keep = functions.includes(fn);
      if (keep) {
        flush();
        shown.add(fn);
        lines.push(line);
      } else skipped = true;
    } else if (keep) lines.push(line);
  }
  flush();
  const missing = functions.filter((f) => !shown.has(f));
  if (missing.length > 0) fail(`netpaths drops --driver e1000e lists no ${missing.join(', ')}`);
  return lines;
}

/** Joins `parts` with spaces into lines of at most `width` characters. */
function wrap(parts, width) {
  const lines = [];
  let line = '';
  for (const p of parts) {
    if (line && line.length + 1 + p.length > width) {
      lines.push(line);
      line = p;
    } else {
      line = line ? `${line} ${p}` : p;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function fail(message) {
  process.stderr.write(`readme-examples: ${message}\n`);
  process.exit(1);
}

const check = process.argv.includes('--check');
const kernel = option('--kernel') ?? process.env.NETPATHS_KERNEL;
if (!kernel)
  fail('no kernel tree: pass --kernel DIR or set NETPATHS_KERNEL=$(bash scripts/kernel.sh)');
const cacheDir = option('--cache-dir');
function run(args) {
  const r = spawnSync(
    process.execPath,
    [
      join(root, 'dist/cli.js'),
      ...args,
      '--kernel',
      kernel,
      // No --scope: the CLI's default, the demo's, so the examples come from the index a
      // reader already has.
      ...(cacheDir ? ['--cache-dir', cacheDir] : []),
      '--quiet',
    ],
    { encoding: 'utf8', maxBuffer: 1 << 28 },
  );
  if (r.status !== 0) fail(`netpaths ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return r.stdout;
}

const readme = readFileSync(readmePath, 'utf8');
const MARKER = /<!-- example: ([\w-]+) -->\n([\s\S]*?)<!-- \/example -->/g;
const stale = [];
const seen = new Set();
const updated = readme.replace(MARKER, (whole, name, body) => {
  const example = EXAMPLES[name];
  if (!example) fail(`README.md has an example named ${name} that this script does not know`);
  seen.add(name);
  const text = `${example.render(run(example.args))}\n`;
  if (text !== body) stale.push(name);
  return `<!-- example: ${name} -->\n${text}<!-- /example -->`;
});
for (const name of Object.keys(EXAMPLES))
  if (!seen.has(name)) fail(`README.md lacks the example ${name}`);
if (check) {
  if (stale.length > 0)
    fail(
      `README.md examples differ from the tree: ${stale.join(', ')}; run node scripts/readme-examples.mjs to write them`,
    );
  process.stdout.write(`readme-examples: ${seen.size} examples match the tree\n`);
} else {
  writeFileSync(readmePath, updated);
  process.stdout.write(`readme-examples: wrote ${stale.length} of ${seen.size} examples\n`);
}
