// The kernel configurations a machine offers, for the editor's Select Kernel
// Configuration: the tree's own `.config` (what `make menuconfig` wrote), the running
// kernel's (`/proc/config.gz`, with CONFIG_IKCONFIG_PROC), the installed kernels'
// (`/boot/config-*`), and those of installed configuration packages (Debian's
// `linux-config-6.12` puts `config.amd64_none_amd64.xz` and its siblings in
// /usr/src/linux-config-6.12/). Read under `systemRoot`, `/` but in tests.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ConfigCandidate {
  /** Absolute path of the file. */
  path: string;
  /** What the user reads first: the file's name. */
  label: string;
  /** Where it comes from, in words. */
  description: string;
  kind: 'tree' | 'running' | 'boot' | 'package';
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return [];
  }
}

/** Every configuration file found, in the order above; the newest kernel first within /boot. */
export function configCandidates(
  kernelRoot: string | undefined,
  systemRoot = '/',
): ConfigCandidate[] {
  const out: ConfigCandidate[] = [];
  if (kernelRoot !== undefined && isFile(join(kernelRoot, '.config')))
    out.push({
      path: join(kernelRoot, '.config'),
      label: '.config',
      description: "this tree's own",
      kind: 'tree',
    });
  const proc = join(systemRoot, 'proc', 'config.gz');
  if (isFile(proc))
    out.push({
      path: proc,
      label: 'config.gz',
      description: 'the running kernel',
      kind: 'running',
    });
  const boot = join(systemRoot, 'boot');
  for (const name of list(boot).reverse())
    if (name.startsWith('config-') && isFile(join(boot, name)))
      out.push({ path: join(boot, name), label: name, description: '/boot', kind: 'boot' });
  const src = join(systemRoot, 'usr', 'src');
  for (const pkg of list(src)) {
    if (!pkg.startsWith('linux-config-')) continue;
    for (const name of list(join(src, pkg)))
      if (name.startsWith('config.') && isFile(join(src, pkg, name)))
        out.push({
          path: join(src, pkg, name),
          label: name,
          description: `package ${pkg}`,
          kind: 'package',
        });
  }
  return out;
}
