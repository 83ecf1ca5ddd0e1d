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
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
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

/** The first record of the facts file; the files follow in records of `FACTS_PER_RECORD`. */
interface FactsHeader {
  version: string;
  root: string;
  count: number;
}

/**
 * Files per record of the facts file. Serializing the whole tree's facts at once needs a
 * buffer of 400 MB (and V8 doubles it as it grows): records keep the peak to a few MB.
 */
const FACTS_PER_RECORD = 512;

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

/** A v8-serialized value preceded by its length (uint32 LE). */
function* record(value: unknown): Generator<Uint8Array> {
  const bytes = serialize(value);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  yield length;
  yield bytes;
}

/** Reads the records `record` wrote, one at a time. */
function* readRecords(path: string): Generator<unknown> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Buffer.alloc(4);
    for (let at = 0; ;) {
      const got = readSync(fd, length, 0, 4, at);
      if (got === 0) return;
      if (got !== 4 || at + 4 + length.readUInt32LE(0) > size) throw new Error('truncated record');
      const bytes = Buffer.alloc(length.readUInt32LE(0));
      if (readSync(fd, bytes, 0, bytes.length, at + 4) !== bytes.length)
        throw new Error('truncated record');
      at += 4 + bytes.length;
      yield deserialize(bytes);
    }
  } finally {
    closeSync(fd);
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

  /**
   * Every cached file's facts, their strings shared (internFacts) as the parse pool shares
   * those it receives: deserialized, each occurrence is a string of its own, and the whole
   * tree's facts then held a fifth more memory through the resolve that follows.
   */
  readFacts(): CacheRead<CachedFile[]> {
    const files: CachedFile[] = [];
    let header: FactsHeader | undefined;
    const strings = new Map<string, string>();
    try {
      for (const value of readRecords(this.factsPath)) {
        if (!header) {
          header = value as FactsHeader;
          if (!header || typeof header !== 'object' || header.version !== this.versions.facts)
            return this.otherVersion('facts', this.factsPath);
          if (header.root !== resolve(this.root))
            return {
              problem: `the facts cache ${this.factsPath} belongs to ${header.root}; rebuilding it`,
            };
          continue;
        }
        if (!Array.isArray(value)) throw new Error('not a record of files');
        for (const f of value as CachedFile[]) {
          // Deserialized typed arrays are views into the record's buffer: a copy lets it go.
          f.facts.calls.ints = f.facts.calls.ints.slice();
          if (f.facts.conditions) f.facts.conditions.regions = f.facts.conditions.regions.slice();
          internFacts(f.facts, strings);
          f.path = strings.get(f.path) ?? f.path;
          files.push(f);
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
      return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    }
    if (!header || files.length !== header.count)
      return { problem: `the facts cache ${this.factsPath} is corrupt; rebuilding it` };
    return { value: files };
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
        yield* record({ version: facts, root, count: files.length } satisfies FactsHeader);
        for (let i = 0; i < files.length; i += FACTS_PER_RECORD)
          yield* record(files.slice(i, i + FACTS_PER_RECORD));
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
