// Parse worker: owns one parser and one compiled query for its whole life and turns
// batches of file paths into FileFacts. Runs in a worker_thread, never on the thread that
// serves the user (the extension host or the CLI's main thread).

import { parentPort } from 'node:worker_threads';
import { EXTRACT_QUERY } from './extract';
import type { FileFacts } from './facts';
import { parseFile } from './parse-file';
import { loadCParser } from './parser';

/** Main thread -> worker. */
export interface ParseRequest {
  id: number;
  root: string;
  files: string[];
}

/** Worker -> main thread. */
export type ParseResponse = { id: number; facts: FileFacts[] } | { id: number; error: string };

const port = parentPort;
if (port) {
  const ready = loadCParser().then((cparser) => ({ cparser, query: cparser.query(EXTRACT_QUERY) }));
  port.on('message', (request: ParseRequest) => {
    ready
      .then(({ cparser, query }) => {
        const facts = request.files.map((f) => parseFile(request.root, f, cparser, query));
        port.postMessage({ id: request.id, facts } satisfies ParseResponse);
      })
      .catch((e: unknown) => {
        port.postMessage({
          id: request.id,
          error: e instanceof Error ? e.message : String(e),
        } satisfies ParseResponse);
      });
  });
}
