// The resolver's growing tables: the string table every id in the graph points into, and
// int32 columns for what numbers in the millions on the whole tree (edges, parameter
// passes), which are never one object per row.

/** Strings by id, in the order first asked for: the graph's string table. */
export class Strings {
  private list: string[] = [];
  private ids: Map<string, number> | undefined = new Map();

  /** The id of `s`, a new one the first time. */
  id(s: string): number {
    const ids = this.ids;
    if (!ids) throw new Error('the string table is sealed');
    let id = ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      ids.set(s, id);
    }
    return id;
  }

  /** The string of an id given before. */
  get(id: number): string {
    return this.list[id] as string;
  }

  /**
   * Every string, by id, once no more are asked for: the map from strings to ids (a
   * million entries on the whole tree) is dropped before the graph's table is built.
   */
  seal(): string[] {
    this.ids = undefined;
    return this.list;
  }
}

/**
 * A table of int32 columns that grows by blocks, never by copying: edges and parameter
 * passes number in the millions on the whole tree, so never one object each (and doubling
 * arrays would cost hundreds of MB at the peak).
 */
export class IntColumns {
  private static readonly BLOCK = 65536;
  size = 0;
  private blocks: Int32Array[][];

  constructor(readonly width: number) {
    this.blocks = Array.from({ length: width }, () => []);
  }

  /** Appends a row; returns its index. */
  push(...values: number[]): number {
    const at = this.size % IntColumns.BLOCK;
    if (at === 0) for (const col of this.blocks) col.push(new Int32Array(IntColumns.BLOCK));
    const block = Math.floor(this.size / IntColumns.BLOCK);
    for (let k = 0; k < this.width; k++)
      ((this.blocks[k] as Int32Array[])[block] as Int32Array)[at] = values[k] as number;
    return this.size++;
  }

  /** Drops every row. */
  clear(): void {
    this.size = 0;
    this.blocks = this.blocks.map(() => []);
  }

  get(row: number, k: number): number {
    return ((this.blocks[k] as Int32Array[])[Math.floor(row / IntColumns.BLOCK)] as Int32Array)[
      row % IntColumns.BLOCK
    ] as number;
  }

  set(row: number, k: number, value: number): void {
    ((this.blocks[k] as Int32Array[])[Math.floor(row / IntColumns.BLOCK)] as Int32Array)[
      row % IntColumns.BLOCK
    ] = value;
  }

  /** Column k as one array; its blocks are dropped, so pack each column once, in turn. */
  pack(k: number): Int32Array {
    const out = new Int32Array(this.size);
    const blocks = this.blocks[k] as Int32Array[];
    blocks.forEach((b, i) =>
      out.set(
        b.subarray(0, Math.min(IntColumns.BLOCK, this.size - i * IntColumns.BLOCK)),
        i * IntColumns.BLOCK,
      ),
    );
    this.blocks[k] = [];
    return out;
  }
}

/** The edges' columns as the graph holds them (see GraphData). */
export interface PackedEdges {
  from: Int32Array;
  to: Int32Array;
  line: Int32Array;
  col: Int32Array;
  kind: Uint8Array;
  viaEdges: Int32Array;
  viaValues: Int32Array;
  argEdges: Int32Array;
  argValues: Int32Array;
}

/**
 * Edges as columns: dense ones for what every edge has, sparse ones (edge id, value) for
 * `via` and argument texts, which few edges have. Call sites are visited file by file and
 * function by function, and node ids follow the same order, so edges arrive grouped by
 * caller; `finish` checks that and sorts only if it is not so.
 */
export class EdgeTable {
  private readonly table = new IntColumns(5);
  private readonly via = new IntColumns(2);
  private readonly args = new IntColumns(2);

  get size(): number {
    return this.table.size;
  }

  push(
    from: number,
    to: number,
    line: number,
    col: number,
    kind: number,
    via: number,
    args: number,
  ): number {
    const viaRow = via !== -1 ? this.via.push(this.table.size, via) : -1;
    if (args !== -1) this.args.push(this.table.size, args);
    this.table.push(from, to, line, col, kind);
    return viaRow;
  }

  /** Rewrites the `via` of an edge, by the row `push` returned for it. */
  updateVia(viaRow: number, update: (via: number) => number): void {
    this.via.set(viaRow, 1, update(this.via.get(viaRow, 1)));
  }

  /** The edges sorted by caller, each column packed once (the table is empty after). */
  finish(): PackedEdges {
    const size = this.table.size;
    const from = this.table.pack(0);
    let sorted = true;
    for (let i = 1; i < from.length && sorted; i++)
      sorted = (from[i - 1] as number) <= (from[i] as number);
    let order: Int32Array | undefined;
    if (!sorted) {
      order = Int32Array.from({ length: size }, (_, i) => i).sort(
        (a, b) => (from[a] as number) - (from[b] as number) || a - b,
      );
    }
    const reorder = (c: Int32Array): Int32Array =>
      order ? Int32Array.from(order, (i) => c[i] as number) : c;
    // One column at a time, so no more than one packed column waits for its reordering.
    const f = reorder(from);
    const to = reorder(this.table.pack(1));
    const line = reorder(this.table.pack(2));
    const col = reorder(this.table.pack(3));
    const kind = Uint8Array.from(reorder(this.table.pack(4)));
    const [viaEdges, viaValues] = sparse(this.via, size, order);
    const [argEdges, argValues] = sparse(this.args, size, order);
    return { from: f, to, line, col, kind, viaEdges, viaValues, argEdges, argValues };
  }
}

/**
 * A sparse column (edge ids, values), its edge ids moved to their places in `order`:
 * spread to one value per edge, reordered like the dense columns, and gathered again.
 */
function sparse(
  table: IntColumns,
  size: number,
  order: Int32Array | undefined,
): [Int32Array, Int32Array] {
  const edges = table.pack(0);
  const values = table.pack(1);
  if (!order) return [edges, values];
  const dense = new Int32Array(size).fill(-1);
  edges.forEach((e, r) => (dense[e] = values[r] as number));
  const moved = Int32Array.from(order, (i) => dense[i] as number);
  const kept: number[] = [];
  moved.forEach((v, e) => {
    if (v !== -1) kept.push(e);
  });
  return [Int32Array.from(kept), Int32Array.from(kept, (e) => moved[e] as number)];
}
