// The scenarios both end-to-end suites run, and the checks they share: test/e2e (code-server
// driven through its UI by Playwright, what CI runs) and test/electron (desktop VS Code
// through @vscode/test-electron, run by hand where VS Code can be downloaded). Each suite
// implements every scenario below, the electron one through the VS Code API where the
// code-server one clicks: the electron suite keys its bodies by ScenarioId in a Record, so
// the type checker refuses one left out, and the code-server suite checks it ran each.
//
// The checks read their expectations from the kernel tree's own files, by rules simple
// enough to trust (a regular expression over a line, a kernel-doc comment), never from
// NetPaths' answers. No `vscode` or Playwright import: both suites load this file.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the windows index: the part of the tree e1000e's ingress and egress paths run through. */
export const E2E_SCOPE = [
  'net/**',
  'drivers/net/ethernet/intel/**',
  'include/**',
  'kernel/softirq.c',
  'kernel/irq/**',
];

/** The scenarios on the real tree, by id: their titles are the tests' names in both suites. */
export const SCENARIOS = {
  indexOnOpen: 'indexes the tree when it opens, then says how many functions it holds',
  ingress: 'Show Ingress Path… draws the e1000e receive path',
  openDefinition:
    "opening e1000e_poll from its graph puts the cursor on its definition's line in netdev.c (read from the source)",
  hover: 'hovering skb->data in net/core/dev.c explains the field with the kernel-doc of skbuff.h',
  egress: 'Show Egress Path… draws the e1000e transmit path',
  openTrace:
    'Open Trace… on a pwru receive trace draws the path the packet took; a node opens its source line',
  reindex: 'Reindex with nothing changed reuses the index',
  untouched: 'leaves the kernel tree untouched',
} as const;

export type ScenarioId = keyof typeof SCENARIOS;

/** The scenario on a folder that is not a kernel tree (a Kbuild file and one C file). */
export const NOT_A_KERNEL =
  'on a folder that is not a kernel tree, says what it lacks, with no progress left behind';

/** The files the not-a-kernel folder holds. */
export const NOT_A_KERNEL_FILES: Record<string, string> = {
  Kbuild: 'obj-y += hello.o\n',
  'src/hello.c': 'int main(void) { return 0; }\n',
};

/** The e1000e driver file both suites open. */
export const E1000E_NETDEV = 'drivers/net/ethernet/intel/e1000e/netdev.c';

/** Functions each path must draw, as a kernel developer names its stages. */
export const INGRESS_STAGES = [
  'e1000e_poll',
  'napi_gro_receive',
  '__netif_receive_skb_core',
  'tcp_v4_rcv',
];
export const EGRESS_STAGES = [
  'tcp_sendmsg',
  'ip_queue_xmit',
  '__dev_queue_xmit',
  'dev_hard_start_xmit',
  'e1000_xmit_frame',
];

/** The pwru trace Open Trace draws: a TCP receive (test/fixtures/traces, cited in its README). */
export const PWRU_TRACE = 'test/fixtures/traces/pwru-tcp-receive-filtered.txt';

/** Whether `name` occurs in `text` as a whole C identifier. */
export function hasName(text: string, name: string): boolean {
  return new RegExp(`(^|[^A-Za-z0-9_])${name}([^A-Za-z0-9_]|$)`).test(text);
}

/**
 * The 1-based lines of `source` where a function `name` is defined, by the kernel's coding
 * style: the line starts at column 0 with the return type (or `static`...), names the
 * function followed by `(`, and is not a prototype (it does not end with `;`).
 */
export function definitionLines(source: string, name: string): number[] {
  const head = new RegExp(`^(?:[A-Za-z_][\\w\\s*]*[\\s*])?${name}\\s*\\(`);
  const out: number[] = [];
  source.split('\n').forEach((line, i) => {
    if (head.test(line) && !/;\s*$/.test(line)) out.push(i + 1);
  });
  return out;
}

/** The text of `file` (relative to `kernel`). */
export function readSource(kernel: string, file: string): string {
  return readFileSync(join(kernel, file), 'utf8');
}

/**
 * The kernel-doc of `struct sk_buff`'s member `field` in include/linux/skbuff.h: the text
 * after ` * @field:` (one line, as the kernel writes these).
 */
export function skbFieldDoc(kernel: string, field: string): string {
  const text = readSource(kernel, 'include/linux/skbuff.h');
  const m = new RegExp(`^\\s*\\*\\s*@${field}:\\s*(.+?)\\s*$`, 'm').exec(text);
  if (!m?.[1]) throw new Error(`include/linux/skbuff.h documents no @${field}`);
  return m[1];
}

/** The first line (1-based) of `file` that uses `needle` in code, not in a comment. */
export function firstUse(source: string, needle: string): number {
  const index = source
    .split('\n')
    .findIndex((l) => l.includes(needle) && !/^\s*(\*|\/\*|\/\/)/.test(l));
  if (index < 0) throw new Error(`${needle} does not occur`);
  return index + 1;
}

/**
 * Runs `netpaths ARGS --format json` (the built dist/cli.js of `root`) on `kernel` with the
 * e2e scope and its own cache: which functions a path draws, for the suites to compare
 * with what the panel shows. Under Electron, `process.execPath` runs as Node.
 */
export function cliJson<T>(root: string, kernel: string, cacheDir: string, args: string[]): T {
  const cli = join(root, 'dist', 'cli.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build`);
  const scope = E2E_SCOPE.flatMap((g) => ['--scope', g]);
  const r = spawnSync(
    process.execPath,
    [
      cli,
      ...args,
      '--kernel',
      kernel,
      '--cache-dir',
      cacheDir,
      ...scope,
      '--format',
      'json',
      '--quiet',
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    },
  );
  if (r.status !== 0)
    throw new Error(`netpaths ${args.join(' ')} exited ${r.status}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout) as T;
}

/** The panel's log line for its first drawing: `TITLE: N functions drawn ...`; N, or undefined. */
export function drawnCount(log: string, title: string): number | undefined {
  let count: number | undefined;
  for (const m of log.matchAll(new RegExp(`${title}: (\\d+) functions drawn`, 'g')))
    count = Number(m[1]);
  return count;
}
