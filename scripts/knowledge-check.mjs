// Which knowledge statements no longer hold in another release: provides the tree with
// `scripts/kernel.sh --version V` (default 6.1, Debian's previous LTS) and runs
// `netpaths check-knowledge` on it, printing the list. The knowledge is written for 6.12,
// so rows that do not hold elsewhere are a report, not an error: the exit status is 0 once
// the check ran, and 1 only when the tree or the CLI is missing.
//
//   node scripts/knowledge-check.mjs [--version V | --kernel DIR]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const args = process.argv.slice(2);
const fail = (message) => {
  console.error(`knowledge-check: ${message}`);
  process.exit(1);
};

let tree;
const at = (flag) => {
  const i = args.indexOf(flag);
  return i >= 0 ? (args[i + 1] ?? fail(`${flag} needs a value`)) : undefined;
};
const kernel = at('--kernel');
if (kernel) tree = kernel;
else {
  const version = at('--version') ?? '6.1';
  const r = spawnSync('bash', [join(root, 'scripts/kernel.sh'), '--version', version], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) fail(`no Linux ${version} tree (scripts/kernel.sh --version ${version})`);
  tree = r.stdout.trim();
}
if (!existsSync(cli)) fail('dist/cli.js is missing: run npm run build');
const r = spawnSync(process.execPath, [cli, 'check-knowledge', '--kernel', tree], {
  encoding: 'utf8',
});
process.stdout.write(r.stdout);
// Status 1 with the list printed is the check's answer; anything else is a failure to run.
if (r.status !== 0 && !/knowledge rows do not hold/.test(r.stderr)) fail(r.stderr.trim());
