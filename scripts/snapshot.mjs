// Behaviour snapshot for refactors: runs a fixed set of queries with the built CLI on a
// real kernel tree and writes each output to a file, or compares two such folders byte
// for byte. A change that should not change behaviour (a move, a split, a rename) takes
// a snapshot before and after and compares them:
//
//   node scripts/snapshot.mjs write before/ [--kernel DIR] [--cache-dir DIR] [--scope G]...
//   ... change, npm run build ...
//   node scripts/snapshot.mjs write after/  [same options]
//   node scripts/snapshot.mjs compare before/ after/
//
// The kernel is --kernel, else $NETPATHS_KERNEL. The queries index first when needed
// (`netpaths index`); the index statistics are part of the snapshot, minus the timing.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const E1000E_NETDEV = 'drivers/net/ethernet/intel/e1000e/netdev.c';
const IXGBE_MAIN = 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c';

/** Name of the output file, then the CLI arguments. */
const QUERIES = [
  ['drivers.json', 'drivers', '--format', 'json'],
  ...['e1000e', 'ixgbe', 'virtio_net', 'i40e'].flatMap((driver) =>
    ['ingress', 'egress'].map((dir) => [
      `${driver}-${dir}.json`,
      dir,
      '--driver',
      driver,
      '--format',
      'json',
    ]),
  ),
  ['e1000e-ingress.mmd', 'ingress', '--driver', 'e1000e', '--format', 'mermaid'],
  ['ixgbe-egress.txt', 'egress', '--driver', 'ixgbe', '--format', 'text'],
  [
    'path-e1000e-irq-tcp.json',
    'path',
    '--from',
    `${E1000E_NETDEV}:e1000_intr_msi`,
    '--to',
    'tcp_v4_rcv',
    '--paths',
    '3',
    '--format',
    'json',
  ],
  [
    'path-tcp-sendmsg-xmit.json',
    'path',
    '--from',
    'tcp_sendmsg',
    '--to',
    'dev_hard_start_xmit',
    '--paths',
    '3',
    '--format',
    'json',
  ],
  [
    'path-ixgbe-msix-ip-rcv.json',
    'path',
    '--from',
    `${IXGBE_MAIN}:ixgbe_msix_clean_rings`,
    '--to',
    'ip_rcv',
    '--format',
    'json',
  ],
  ['path-ip-rcv-tcp.txt', 'path', '--from', 'ip_rcv', '--to', 'tcp_v4_rcv', '--format', 'text'],
  [
    'path-recvfrom-copy.json',
    'path',
    '--from',
    '__sys_recvfrom',
    '--to',
    'skb_copy_datagram_iter',
    '--format',
    'json',
  ],
  ['callers-e1000e-poll.json', 'callers', `${E1000E_NETDEV}:e1000e_poll`, '--format', 'json'],
  [
    'callers-netif-receive-skb.json',
    'callers',
    'netif_receive_skb',
    '--depth',
    '2',
    '--format',
    'json',
  ],
  ['callees-napi-poll.json', 'callees', '__napi_poll', '--format', 'json'],
  [
    'callees-dev-queue-xmit.json',
    'callees',
    '__dev_queue_xmit',
    '--depth',
    '2',
    '--format',
    'json',
  ],
  ['callers-ip-output.txt', 'callers', 'ip_output', '--format', 'text'],
  ['where.txt', 'where', 'tcp_v4_rcv', 'skb_pull', 'e1000_clean_rx_irq'],
  ['explain-skb-data.json', 'explain', 'skb->data', '--format', 'json'],
];

function usage(message) {
  if (message) process.stderr.write(`snapshot: ${message}\n`);
  process.stderr.write(
    'usage: node scripts/snapshot.mjs write DIR [--kernel DIR] [--cache-dir DIR] [--scope GLOB]...\n' +
      '       node scripts/snapshot.mjs compare DIR_A DIR_B\n',
  );
  process.exit(2);
}

function write(outDir, passThrough) {
  mkdirSync(outDir, { recursive: true });
  const cli = join(root, 'dist/cli.js');
  const run = (args) =>
    spawnSync(process.execPath, [cli, ...args, ...passThrough], {
      encoding: 'utf8',
      maxBuffer: 1 << 30,
    });
  const index = run(['index', '--format', 'json', '--quiet']);
  if (index.status !== 0) {
    process.stderr.write(index.stderr);
    process.exit(1);
  }
  const stats = JSON.parse(index.stdout);
  // Timings vary from run to run; a warm index lists no skipped files (only a cold one read them).
  for (const key of ['seconds', 'configSeconds', 'reparsed', 'reused', 'cacheDir', 'skipped'])
    delete stats[key];
  writeFileSync(join(outDir, 'index-stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
  for (const [file, ...args] of QUERIES) {
    const r = run([...args, '--quiet']);
    // The exit code and stderr are behaviour too: an error must stay the same error.
    writeFileSync(join(outDir, file), r.stdout);
    writeFileSync(join(outDir, `${file}.status`), `${r.status}\n${r.stderr}`);
    process.stderr.write(`snapshot: ${file} (exit ${r.status})\n`);
  }
}

function compare(a, b) {
  const names = new Set([...readdirSync(a), ...readdirSync(b)]);
  let differ = 0;
  for (const name of [...names].sort()) {
    let left;
    let right;
    try {
      left = readFileSync(join(a, name));
      right = readFileSync(join(b, name));
    } catch {
      process.stdout.write(`only in one: ${name}\n`);
      differ++;
      continue;
    }
    if (!left.equals(right)) {
      process.stdout.write(`differs: ${name}\n`);
      differ++;
    }
  }
  process.stdout.write(
    differ === 0 ? `identical: ${names.size} files\n` : `${differ} of ${names.size} files differ\n`,
  );
  process.exit(differ === 0 ? 0 : 1);
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'write') {
  const [outDir, ...passThrough] = rest;
  if (!outDir) usage('write needs an output folder');
  write(outDir, passThrough);
} else if (command === 'compare') {
  if (rest.length !== 2) usage('compare needs two folders');
  compare(rest[0], rest[1]);
} else {
  usage(command ? `unknown command ${command}` : undefined);
}
