// Reading a file of the kernel tree as text, for the presets (Makefiles, netfilter hook
// sites), the kernel version and the kernel-doc of `struct sk_buff`. The CLI and the
// analysis server both hand this reader to the core, which does no I/O of its own.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A reader of files of the tree at `root`: the text of `path` (relative), or undefined when unreadable. */
export function kernelTextReader(root: string): (path: string) => string | undefined {
  return (path) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      // A missing Makefile or header only means less to say: callers fall back, never fail.
      return undefined;
    }
  };
}
