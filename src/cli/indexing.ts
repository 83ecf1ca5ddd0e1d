// Where the CLI's index is and how it reports: the tree, its scope, the cache folder, the
// parse workers, progress on stderr and Ctrl-C, read from the command line.

import type { IndexOptions } from '../analysis/index/indexer';
import { type Values, positiveInt } from './options';

/** The index options of a command line; `log` writes one line on stderr unless --quiet. */
export function indexOptions(values: Values, log: (line: string) => void): IndexOptions {
  const options: IndexOptions = {
    root: values.kernel ?? process.env.NETPATHS_KERNEL ?? process.cwd(),
    scope: values.scope ?? [],
    log,
  };
  if (values['cache-dir']) options.cacheDir = values['cache-dir'];
  if (values.workers !== undefined) options.workers = positiveInt(values.workers, 'workers', 1);
  if (!values.quiet && process.stderr.isTTY) {
    let last = 0;
    options.onProgress = (done, total) => {
      const now = Date.now();
      if (now - last < 200 && done < total) return;
      last = now;
      process.stderr.write(`\rnetpaths: parsing ${done}/${total} files`);
      if (done === total) process.stderr.write('\n');
    };
  }
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  options.signal = controller.signal;
  return options;
}
