// The on-disk index: per-file facts (for incremental re-indexing) and the resolved graph
// (what queries load). Both live outside the kernel tree, are written atomically, carry
// their version (facts and graph apart: see FACTS_VERSION), and are safe to delete: a
// missing, corrupt or foreign cache is rebuilt with a one-line message.

import { createHash } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { FileFacts } from './facts';
import { internFacts } from './facts';
import type { GraphData } from './graph';
import { Graph } from './graph';
import { OtherVersion, fileReader, graphParts, openGraphFile } from './graph-file';

/**
 * The two versions a cache carries (scripts/build.mjs computes them). A file's facts
 * depend on its text and `FACTS_VERSION` only, so facts of that version are reused
 * whatever resolved them; the graph is valid for `GRAPH_VERSION` only, which changes with
 * the resolver too. Bump the literal prefixes when a change is not in a hashed file.
 */
declare const NETPATHS_FACTS_HASH: string | undefined;
declare const NETPATHS_GRAPH_HASH: string | undefined;
export const FACTS_VERSION = `netpaths-facts-1+${typeof NETPATHS_FACTS_HASH === 'string' ? NETPATHS_FACTS_HASH : 'source'}`;
export const GRAPH_VERSION = `netpaths-index-1+${typeof NETPATHS_GRAPH_HASH === 'string' ? NETPATHS_GRAPH_HASH : 'source'}`;

/** The versions a cache is read and written with: the build's own, but for tests. */
export interface CacheVersions {
  facts: string;
  graph: string;
}

const BUILD_VERSIONS: CacheVersions = { facts: FACTS_VERSION, graph: GRAPH_VERSION };

export interface CachedFile {
  path: string;
  size: number;
  mtimeMs: number;
  facts: FileFacts;
}

/**
 * The first record of the facts file: the path of each file whose record follows, one
 * record per file, so that applying a configuration reads only the files it builds.
 */
interface FactsHeader {
  version: string;
  root: string;
  count: number;
  paths: string[];
}

/** What the unchanged-tree check needs, small enough to load in milliseconds. */
interface ManifestFile {
  /** The graph's version. */
  version: string;
  /** The facts' version (absent in caches of an older layout). */
  factsVersion?: string;
  root: string;
  paths: string[];
  sizes: Float64Array;
  mtimes: Float64Array;
}

/** The default cache folder of a kernel tree and scope: `$XDG_CACHE_HOME/netpaths/index/<hash>`. */
export function defaultCacheDir(root: string, scope: string[]): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const key = createHash('sha256')
    .update(resolve(root))
    .update('\0')
    .update(scope.join('\0'))
    .digest('hex')
    .slice(0, 16);
  return join(base, 'netpaths', 'index', key);
}

/** Writes `parts` one after the other into a temporary file, then renames it over `path`. */
function writeAtomic(path: string, parts: Iterable<Uint8Array>): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.byteLength;) done += writeSync(fd, part, done);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/**
 * Keeps `bytes` in `path` (its folder made if need be), written whole or not at all; a
 * cache folder that cannot take it only makes the value again next time.
 */
export function keepFile(path: string, bytes: Uint8Array): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeAtomic(path, [bytes]);
  } catch {
    rmSync(`${path}.${process.pid}.tmp`, { force: true });
  }
}

/** Removes all but the `count` most recently modified files of `dir` named `*suffix`, never `keep`. */
export function keepNewest(dir: string, suffix: string, count: number, keep?: string): void {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(suffix));
  } catch {
    return;
  }
  const used = names
    .map((n) => {
      try {
        return { n, t: statSync(join(dir, n)).mtimeMs };
      } catch {
        return { n, t: 0 };
      }
    })
    .sort((a, b) => b.t - a.t);
  // A file open in another process stays readable: removing a file leaves an open one whole.
  for (const { n } of used.slice(count)) if (n !== keep) rmSync(join(dir, n), { force: true });
}

/** A v8-serialized value preceded by its length (uint32 LE). */
function* record(value: unknown): Generator<Uint8Array> {
  const bytes = serialize(value);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  yield length;
  yield bytes;
}

/** Where each record `record` wrote starts (after its length) and how long it is. */
function recordSpans(fd: number): { at: Float64Array; length: Uint32Array } {
  const size = fstatSync(fd).size;
  const at: number[] = [];
  const lengths: number[] = [];
  const prefix = Buffer.alloc(4);
  for (let offset = 0; offset < size;) {
    if (readSync(fd, prefix, 0, 4, offset) !== 4) throw new Error('truncated record');
    const length = prefix.readUInt32LE(0);
    if (offset + 4 + length > size) throw new Error('truncated record');
    at.push(offset + 4);
    lengths.push(length);
    offset += 4 + length;
  }
  return { at: Float64Array.from(at), length: Uint32Array.from(lengths) };
}

/** The value of the record at `at` of `length` bytes. */
function readRecord(fd: number, at: number, length: number): unknown {
  const bytes = Buffer.allocUnsafe(length);
  if (readSync(fd, bytes, 0, length, at) !== length) throw new Error('truncated record');
  return deserialize(bytes);
}

/**
 * The cached facts, a file at a time: every path at once, a file's facts when asked.
 * Applying a configuration asks only for the files it builds (about half of the tree for
 * a distribution's); re-indexing asks for all of them. With `share`, a file's strings are
 * shared with those of the files read before it (internFacts), as the parse pool shares
 * those it receives: deserialized, each occurrence is a string of its own, and the whole
 * tree's facts then held a fifth more memory through the resolve that follows. Sharing
 * costs time (1.5 s of the 10 s a distribution's configuration takes on the whole tree),
 * so the configuration's half of the tree is read without it. Close it when done.
 */
export class FactsFile {
  private readonly read: (CachedFile | undefined)[];

  constructor(
    private fd: number | undefined,
    private readonly file: string,
    readonly paths: readonly string[],
    private readonly spans: { at: Float64Array; length: Uint32Array },
    /** The strings shared so far; undefined when strings are not shared. */
    private readonly strings: Map<string, string> | undefined,
  ) {
    this.read = new Array<CachedFile | undefined>(paths.length);
  }

  /** The cached file `i` (in `paths` order); throws when its record is corrupt. */
  cached(i: number): CachedFile {
    const had = this.read[i];
    if (had) return had;
    if (this.fd === undefined) throw new Error(`${this.file} is closed`);
    // Record 0 is the header.
    const f = readRecord(
      this.fd,
      this.spans.at[i + 1] ?? 0,
      this.spans.length[i + 1] ?? 0,
    ) as CachedFile;
    if (!f || typeof f !== 'object' || f.path !== this.paths[i] || !f.facts?.calls)
      throw new Error(`${this.file}: the record of ${this.paths[i]} is corrupt`);
    // Deserialized typed arrays are views into the record's buffer: a copy lets it go.
    f.facts.calls.ints = f.facts.calls.ints.slice();
    if (f.facts.conditions) f.facts.conditions.regions = f.facts.conditions.regions.slice();
    if (this.strings) {
      internFacts(f.facts, this.strings);
      f.path = this.strings.get(f.path) ?? f.path;
    }
    this.read[i] = f;
    return f;
  }

  /** The facts of file `i`. */
  facts(i: number): FileFacts {
    return this.cached(i).facts;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * What reading a part of the cache found. `stale` marks a problem that is only another
 * NetPaths version (or layout): the cache is sound, an upgrade made it old.
 */
export type CacheRead<T> = { value: T } | { missing: true } | { problem: string; stale?: true };

/** The manifest's promise: the files the cache was built from, and how far it still holds. */
export interface Manifest {
  /** Path -> [size, mtime] of every file the cached index was built from. */
  files: Map<string, [number, number]>;
  /**
   * Whether the cached graph is this version's. When it is not, the cached facts are
   * (the manifest is read only then): resolve them again, reparse nothing.
   */
  resolved: boolean;
}

export class IndexCache {
  constructor(
    readonly dir: string,
    private readonly root: string,
    private readonly versions: CacheVersions = BUILD_VERSIONS,
  ) {}

  private get factsPath(): string {
    return join(this.dir, 'facts.v8');
  }

  private get graphPath(): string {
    return join(this.dir, 'graph.bin');
  }

  private get manifestPath(): string {
    return join(this.dir, 'manifest.v8');
  }

  /** Graphs of one configuration each, by key: they belong to the facts beside them. */
  private get configsDir(): string {
    return join(this.dir, 'configs');
  }

  private get optionsPath(): string {
    return join(this.dir, 'condition-options.json');
  }

  /** The `CONFIG_` options the facts' conditions name, written with them; undefined when absent. */
  readConditionOptions(): string[] | undefined {
    try {
      const value = JSON.parse(readFileSync(this.optionsPath, 'utf8')) as unknown;
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined;
    } catch {
      return undefined;
    }
  }

  /** The graph of the configuration of `key`, resolved before from these facts. */
  readConfiguredGraph(key: string): CacheRead<Graph> {
    return this.readGraphFile(join(this.configsDir, `${key}.bin`));
  }

  writeConfiguredGraph(key: string, graph: GraphData): void {
    mkdirSync(this.configsDir, { recursive: true });
    writeAtomic(
      join(this.configsDir, `${key}.bin`),
      graphParts(graph, { version: this.versions.graph, root: resolve(this.root) }),
    );
  }

  private otherVersion(what: string, path: string): { problem: string; stale: true } {
    return {
      problem: `the ${what} cache ${path} is from another NetPaths version; rebuilding it`,
      stale: true,
    };
  }

  /**
   * The manifest, when its facts are of this version. A manifest of this facts version
   * but another graph version (NetPaths changed how it resolves, not how it parses) comes
   * back with `resolved` false.
   */
  readManifest(): CacheRead<Manifest> {
    const path = this.manifestPath;
    const corrupt = { problem: `the manifest cache ${path} is corrupt; rebuilding it` };
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      return { missing: true };
    }
    let value: ManifestFile;
    try {
      value = deserialize(bytes) as ManifestFile;
    } catch {
      return corrupt;
    }
    if (!value || typeof value !== 'object') return corrupt;
    const resolved = value.version === this.versions.graph;
    if (!resolved && value.factsVersion !== this.versions.facts)
      return this.otherVersion('manifest', path);
    if (value.root !== resolve(this.root))
      return { problem: `the manifest cache ${path} belongs to ${value.root}; rebuilding it` };
    if (!Array.isArray(value.paths)) return corrupt;
    const files = new Map<string, [number, number]>();
    value.paths.forEach((p, i) => files.set(p, [value.sizes[i] ?? -1, value.mtimes[i] ?? -1]));
    return { value: { files, resolved } };
  }

  /** The facts file, open for reading a file at a time (see FactsFile). */
  openFacts(options: { share: boolean }): CacheRead<FactsFile> {
    const path = this.factsPath;
    const corrupt = { problem: `the facts cache ${path} is corrupt; rebuilding it` };
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { missing: true };
    }
    let opened: FactsFile | undefined;
    try {
      const spans = recordSpans(fd);
      const header = (
        spans.at.length > 0
          ? readRecord(fd, spans.at[0] as number, spans.length[0] as number)
          : undefined
      ) as FactsHeader | undefined;
      if (!header || typeof header !== 'object' || header.version !== this.versions.facts)
        return this.otherVersion('facts', path);
      if (header.root !== resolve(this.root))
        return { problem: `the facts cache ${path} belongs to ${header.root}; rebuilding it` };
      const paths = header.paths;
      if (
        !Array.isArray(paths) ||
        paths.length !== header.count ||
        spans.at.length !== paths.length + 1
      )
        return corrupt;
      opened = new FactsFile(fd, path, paths, spans, options.share ? new Map() : undefined);
      return { value: opened };
    } catch {
      return corrupt;
    } finally {
      // Open only while the FactsFile that reads it is.
      if (!opened) closeSync(fd);
    }
  }

  /** Every cached file's facts (see FactsFile). */
  readFacts(): CacheRead<CachedFile[]> {
    const open = this.openFacts({ share: true });
    if (!('value' in open)) return open;
    const file = open.value;
    try {
      return { value: file.paths.map((_, i) => file.cached(i)) };
    } catch {
      return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    } finally {
      file.close();
    }
  }

  /**
   * The cached graph, reading only what queries touch: the small columns when first used,
   * the per-edge columns a page at a time (see `openGraphFile`). The Graph keeps the file
   * open until `close`; a reindex renames a new file over it, so the open one stays whole.
   */
  readGraph(): CacheRead<Graph> {
    return this.readGraphFile(this.graphPath);
  }

  private readGraphFile(path: string): CacheRead<Graph> {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return { missing: true };
    }
    const release = (): void => closeSync(fd);
    try {
      const { header, graph, edges } = openGraphFile(
        fileReader(fd),
        fstatSync(fd).size,
        this.versions.graph,
      );
      if (header.root !== resolve(this.root)) {
        release();
        return {
          problem: `the graph cache ${path} belongs to ${header.root}; rebuilding it`,
        };
      }
      return { value: new Graph(graph, edges, release) };
    } catch (e) {
      release();
      if (e instanceof OtherVersion) return this.otherVersion('graph', path);
      return { problem: `the graph cache ${path} is corrupt; rebuilding it` };
    }
  }

  write(files: CachedFile[], graph: GraphData, conditionOptions: string[] = []): void {
    mkdirSync(this.dir, { recursive: true });
    rmSync(this.manifestPath, { force: true });
    // The graphs of each configuration were resolved from the facts being replaced.
    rmSync(this.configsDir, { recursive: true, force: true });
    writeAtomic(this.optionsPath, [Buffer.from(JSON.stringify(conditionOptions))]);
    const root = resolve(this.root);
    const { facts, graph: version } = this.versions;
    writeAtomic(
      this.factsPath,
      (function* () {
        const paths = files.map((f) => f.path);
        yield* record({ version: facts, root, count: files.length, paths } satisfies FactsHeader);
        for (const f of files) yield* record(f);
      })(),
    );
    writeAtomic(this.graphPath, graphParts(graph, { version, root }));
    const manifest: ManifestFile = {
      version,
      factsVersion: facts,
      root,
      paths: files.map((f) => f.path),
      sizes: Float64Array.from(files, (f) => f.size),
      mtimes: Float64Array.from(files, (f) => f.mtimeMs),
    };
    // Written last: a manifest promises that the facts and graph beside it match it.
    writeAtomic(this.manifestPath, [serialize(manifest)]);
  }

  clear(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
