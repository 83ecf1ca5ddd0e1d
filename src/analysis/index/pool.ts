// A pool of parse workers. The main thread only hands out batches and collects facts;
// every parse happens on a worker thread. Large files go first so the pool ends evenly.
// Each worker holds two batches, so it starts the next one while the main thread takes in
// the facts of the last one instead of waiting for it.

import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileFacts } from './facts';
import { internFacts } from './facts';
import type { ParseRequest, ParseResponse } from './parse-worker';
import type { SourceFile } from './walk';

export interface PoolOptions {
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function workerScript(): string {
  // Bundled: dist/parse-worker.js beside the bundle. From source (tests): the .ts file.
  return __filename.endsWith('.ts')
    ? join(__dirname, 'parse-worker.ts')
    : join(__dirname, 'parse-worker.js');
}

export function defaultWorkerCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8));
}

/** Parses `files` under `root` on worker threads; resolves with facts in the order of `files`. */
export function parseAll(
  root: string,
  files: SourceFile[],
  options: PoolOptions = {},
): Promise<FileFacts[]> {
  const total = files.length;
  const results: (FileFacts | undefined)[] = new Array<FileFacts | undefined>(total);
  if (total === 0) return Promise.resolve([]);
  const order = files.map((f, i) => ({ i, size: f.size })).sort((a, b) => b.size - a.size);
  const batches: number[][] = [];
  // Batches of similar total size: big files alone, small ones by the dozen.
  for (let k = 0; k < order.length;) {
    const batch: number[] = [];
    let bytes = 0;
    while (k < order.length && (batch.length === 0 || (bytes < 256 * 1024 && batch.length < 64))) {
      const item = order[k++] as { i: number; size: number };
      batch.push(item.i);
      bytes += item.size;
    }
    batches.push(batch);
  }
  const count = Math.min(options.workers ?? defaultWorkerCount(), batches.length);
  return new Promise((resolvePromise, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let done = 0;
    let finished = false;
    const inFlight = new Map<number, number[]>();
    // Strings shared across files' facts (see internFacts); the main thread is idle meanwhile.
    const strings = new Map<string, string>();
    const stop = (error?: Error): void => {
      if (finished) return;
      finished = true;
      strings.clear();
      options.signal?.removeEventListener('abort', onAbort);
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolvePromise(results as FileFacts[]);
    };
    const onAbort = (): void => stop(new Error('indexing cancelled'));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort);
    const feed = (w: Worker): void => {
      if (next >= batches.length) return;
      const id = next++;
      const batch = batches[id] as number[];
      inFlight.set(id, batch);
      w.postMessage({
        id,
        root,
        files: batch.map((i) => (files[i] as SourceFile).path),
      } satisfies ParseRequest);
    };
    for (let k = 0; k < count; k++) {
      const script = workerScript();
      // From source (tests under tsx) the worker registers the TypeScript loader first.
      const w = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true })
        : new Worker(script);
      workers.push(w);
      w.on('message', (msg: ParseResponse) => {
        if ('error' in msg) return stop(new Error(`parse worker failed: ${msg.error}`));
        const batch = inFlight.get(msg.id) ?? [];
        inFlight.delete(msg.id);
        msg.facts.forEach((f, j) => {
          internFacts(f, strings);
          results[batch[j] as number] = f;
        });
        done += batch.length;
        options.onProgress?.(done, total);
        if (done === total) stop();
        else feed(w);
      });
      w.on('error', (e) => stop(new Error(`parse worker crashed: ${e.message}`)));
      w.on('exit', (code) => {
        if (!finished && code !== 0) stop(new Error(`parse worker exited with code ${code}`));
      });
      feed(w);
      feed(w);
    }
  });
}
