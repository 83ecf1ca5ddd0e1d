// The extension host's side of the analysis server (src/server.ts): forks it on first use,
// sends typed requests, routes replies and progress, restarts it after a crash. Imports no
// `vscode`, so unit tests drive the real server through it.

import { type ChildProcess, fork } from 'node:child_process';
import type { HostToServer, Method, Requests, ServerToHost } from './protocol';

/** A request that failed: `message` is one line for the user. */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly cancelled = false,
    readonly notIndexed = false,
    /** The folder is not a kernel tree (or cannot be read): the user must point at another. */
    readonly notKernel = false,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  onProgress?: (done: number, total: number) => void;
}

export interface ClientOptions {
  /** dist/server.js, or src/server.ts with `execArgv: ['--import', 'tsx']` in tests. */
  serverPath: string;
  execArgv?: string[];
  /** Lines the server logs (a rebuilt cache, skipped folders) and its stderr. */
  log?: (line: string) => void;
  /** Heap limit of the server in MiB: a full kernel needs about 3 GiB while indexing. */
  maxHeapMiB?: number;
}

export class IndexClient {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private ready = false;
  private disposed = false;

  constructor(private readonly options: ClientOptions) {}

  /** Whether a graph is loaded (an `open` succeeded since the server started). */
  isReady(): boolean {
    return this.ready;
  }

  request<M extends Method>(
    method: M,
    params: Requests[M]['params'],
    options: RequestOptions = {},
  ): Promise<Requests[M]['result']> {
    if (this.disposed) return Promise.reject(new RequestError('NetPaths is shutting down'));
    if (options.signal?.aborted) return Promise.reject(new RequestError('cancelled', true));
    const child = this.start();
    const id = this.nextId++;
    return new Promise<Requests[M]['result']>((resolve, reject) => {
      const pending: Pending = { resolve: resolve as (value: unknown) => void, reject };
      if (options.onProgress) pending.onProgress = options.onProgress;
      this.pending.set(id, pending);
      options.signal?.addEventListener('abort', () => this.post({ type: 'cancel', id }), {
        once: true,
      });
      this.post({ type: 'request', id, method, params }, child);
    }).then((result) => {
      if (method === 'open') this.ready = true;
      return result;
    });
  }

  /** Stops the server; pending requests fail. */
  dispose(): void {
    this.disposed = true;
    this.stop('NetPaths is shutting down');
  }

  /** Stops the server (to free its memory or after a setting changed); the next request starts a new one. */
  stop(reason = 'the analysis server was restarted'): void {
    const child = this.child;
    this.child = undefined;
    this.ready = false;
    this.failAll(reason);
    child?.kill();
  }

  private post(message: HostToServer, child = this.child): void {
    if (child?.connected) child.send(message);
  }

  private start(): ChildProcess {
    if (this.child) return this.child;
    const heap = this.options.maxHeapMiB ?? 6144;
    const child = fork(this.options.serverPath, [], {
      execArgv: [...(this.options.execArgv ?? []), `--max-old-space-size=${heap}`],
      // In the desktop extension host process.execPath is Electron: run it as Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    this.child = child;
    child.on('message', (raw: unknown) => this.receive(raw as ServerToHost));
    let stderr = '';
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
      for (const line of chunk.split('\n')) if (line.trim()) this.options.log?.(line);
    });
    child.on('exit', (code, signal) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.ready = false;
      const oom = /heap out of memory|allocation failed/i.test(stderr);
      const why = oom
        ? 'ran out of memory (narrow `netpaths.scope`, or give it more with `netpaths.serverMemoryMiB`)'
        : `stopped (${signal ?? `exit code ${String(code)}`})`;
      this.failAll(`the NetPaths analysis server ${why}`);
    });
    child.on('error', (e) => this.options.log?.(`analysis server: ${e.message}`));
    return child;
  }

  private failAll(reason: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(new RequestError(reason));
  }

  private receive(message: ServerToHost): void {
    switch (message.type) {
      case 'log':
        this.options.log?.(message.line);
        return;
      case 'progress':
        this.pending.get(message.id)?.onProgress?.(message.done, message.total);
        return;
      case 'response': {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        p?.resolve(message.result);
        return;
      }
      case 'error': {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.notIndexed) this.ready = false;
        p?.reject(
          new RequestError(
            message.message,
            message.cancelled ?? false,
            message.notIndexed ?? false,
            message.notKernel ?? false,
          ),
        );
        return;
      }
    }
  }
}
