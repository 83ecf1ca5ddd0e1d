/** The index folder of the project, relative to its root. */
export const INDEX_DIR: string;

/** Files of INDEX_DIR, by their path in it, that decide the graph but never a file's facts. */
export const GRAPH_ONLY: RegExp[];

/** The facts and graph versions of an index folder. */
export function indexVersions(dir: string): { facts: string; graph: string };

/** The GRAPH_ONLY files that the parse worker of the project at `root` bundles. */
export function graphOnlyFilesParsingReads(
  root: string,
  alias?: Record<string, string>,
): Promise<string[]>;
