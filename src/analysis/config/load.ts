// Reading a configuration file from disk, compressed as distributions ship it: Debian's
// linux-config packages hold `.xz` files, `/proc/config.gz` is gzip. The format is told
// by the file's first bytes, not its name. gzip is Node's own (node:zlib); xz has no
// decoder in Node, and the system's `xz -dc` (xz-utils, on every Debian and on CI) is
// used rather than a JavaScript decoder from npm: one program the tree's own tarball
// already needs, no new dependency, and its error messages name the problem.
//
// Which configuration a command uses (`--config`, `$NETPATHS_CONFIG`, the tree's
// `.config`) is `chooseConfig`'s rule, pure over what it is told exists.

import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ConfigRead } from './dotconfig';
import { kconfigSymbols, parseDotConfig } from './dotconfig';

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

/** The text of a configuration file, decompressed; or one line saying why not. */
export function readConfigText(path: string): { text: string } | { problem: string } {
  let bytes: Buffer;
  try {
    if (!statSync(path).isFile()) return { problem: `the configuration ${path} is not a file` };
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      problem: `cannot read the configuration ${path}${code === 'ENOENT' ? ': no such file' : code ? ` (${code})` : ''}`,
    };
  }
  if (bytes.subarray(0, 6).equals(XZ_MAGIC)) {
    const r = spawnSync('xz', ['-dc'], { input: bytes, maxBuffer: 256 * 1024 * 1024 });
    if (r.error)
      return {
        problem: `${path} is xz-compressed and reading it needs the xz program (apt-get install xz-utils), or decompress it first`,
      };
    if (r.status !== 0) {
      const why = r.stderr
        .toString('utf8')
        .trim()
        .split('\n')[0]
        ?.replace(/^xz: (\(stdin\): )?/, '');
      return { problem: `${path} is a damaged .xz file (xz: ${why || `exit ${r.status}`})` };
    }
    return { text: r.stdout.toString('utf8') };
  }
  if (bytes.subarray(0, 2).equals(GZIP_MAGIC)) {
    try {
      return { text: gunzipSync(bytes).toString('utf8') };
    } catch (e) {
      return { problem: `${path} is a damaged .gz file (${(e as Error).message})` };
    }
  }
  return { text: bytes.toString('utf8') };
}

/** Reads and parses a configuration file (see readConfigText, parseDotConfig). */
export function loadConfig(path: string): ConfigRead {
  const read = readConfigText(path);
  if ('problem' in read) return read;
  return parseDotConfig(read.text, path);
}

/**
 * Calls `visit` with the path and text of every Kconfig file of the tree at `root`.
 * Documentation/, tools/ and .git are not read: the kernel's own Kconfig never sources
 * them. An unreadable folder or file is skipped: it only makes fewer options known.
 */
export function forEachKconfig(root: string, visit: (path: string, text: string) => void): void {
  const stack = [''];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    let entries;
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const path = dir ? `${dir}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'Documentation' && e.name !== 'tools') stack.push(path);
      } else if (e.isFile() && e.name.startsWith('Kconfig')) {
        let text;
        try {
          text = readFileSync(join(root, path), 'utf8');
        } catch {
          continue;
        }
        visit(path, text);
      }
    }
  }
}

/** Every `CONFIG_` symbol the Kconfig files of the tree at `root` declare. */
export function treeKconfigSymbols(root: string): Set<string> {
  const known = new Set<string>();
  forEachKconfig(root, (_path, text) => kconfigSymbols(text, known));
  return known;
}

/** Which configuration a command uses, and why (for the one line that says so). */
export type ConfigChoice =
  { path: string; from: '--config' | 'NETPATHS_CONFIG' | 'the tree' } | { none: true; why: string };

/**
 * `--config FILE`, else `$NETPATHS_CONFIG`, else the tree's own `.config`, else none;
 * `none` for either forces the union of every configuration.
 */
export function chooseConfig(
  flag: string | undefined,
  env: string | undefined,
  treeConfig: string | undefined,
): ConfigChoice {
  if (flag !== undefined)
    return flag === 'none'
      ? { none: true, why: '--config none' }
      : { path: flag, from: '--config' };
  if (env !== undefined && env !== '')
    return env === 'none'
      ? { none: true, why: 'NETPATHS_CONFIG=none' }
      : { path: env, from: 'NETPATHS_CONFIG' };
  if (treeConfig !== undefined) return { path: treeConfig, from: 'the tree' };
  return { none: true, why: 'no --config, no NETPATHS_CONFIG and no .config in the tree' };
}
