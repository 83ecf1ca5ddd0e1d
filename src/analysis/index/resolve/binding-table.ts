// Bindings: the functions stored into each slot (a field of a struct type,
// `net_device_ops.ndo_start_xmit`), by slot, by field name, and those whose struct type
// is unknown. Stages add to it in order (stores, copies, registrations through
// parameters); the edges read it, ranked.

import type { TypeChain } from '../facts';
import { dirOf } from '../graph';
import { fileTier } from '../kernel-layout';
import type { Strings } from './columns';
import type { Nodes } from './names';
import type { StructRef, TypeIndex } from './types';

/** Above this many candidates, a field call whose struct type is unknown is left unresolved. */
export const UNTYPED_FANOUT_LIMIT = 24;

export interface Binding {
  /** Position in the graph's binding columns, which an edge through it refers to. */
  index: number;
  fn: number;
  /** String id of the file the binding is made in. */
  file: number;
  line: number;
  /** `net_device_ops.ndo_start_xmit`. */
  slot: string;
  /** The registration function, when the binding came through one. */
  via?: string;
}

export class BindingTable {
  /** Slot key (`net_device_ops@file.ndo_start_xmit`) -> its bindings. */
  private readonly bySlot = new Map<string, Binding[]>();
  /** Field -> every binding of that field. */
  private readonly byField = new Map<string, Binding[]>();
  /** Field -> the bindings whose struct type is unknown. */
  private readonly untyped = new Map<string, Binding[]>();
  /** Every binding, by index. */
  readonly all: Binding[] = [];
  /** What was bound where, so a binding made twice is kept once; dropped by `seal`. */
  private readonly seen = new Set<string>();

  constructor(private readonly types: TypeIndex) {}

  /** Binds a function to `field` of the struct keyed `slotKey` (undefined when unknown). */
  add(slotKey: string | undefined, field: string, fields: Omit<Binding, 'index'>): void {
    const dedupe = `${slotKey ?? '?'}.${field}\u0000${fields.fn}\u0000${fields.file}\u0000${fields.line}`;
    if (this.seen.has(dedupe)) return;
    this.seen.add(dedupe);
    const b: Binding = { index: this.all.length, ...fields };
    this.all.push(b);
    push(this.byField, field, b);
    if (slotKey) push(this.bySlot, `${slotKey}.${field}`, b);
    else push(this.untyped, field, b);
  }

  /** The bindings of a slot (`key.field`), if any. */
  slot(slotKey: string): Binding[] | undefined {
    return this.bySlot.get(slotKey);
  }

  /** Functions stored into `field` of the struct `on` denotes; the loose match when the type is unknown. */
  field(on: TypeChain, field: string, fi: number): Binding[] {
    const st = this.types.chainStruct(on, fi);
    const exact = st ? this.bySlot.get(`${st.key}.${field}`) : undefined;
    if (exact && exact.length > 0) return exact;
    const loose = st ? this.untyped.get(field) : this.byField.get(field);
    return loose && loose.length <= UNTYPED_FANOUT_LIMIT ? loose : [];
  }

  /** Adds the functions bound to `field` of the struct `source` (none when it is unknown). */
  slotFns(source: StructRef | undefined, field: string, out: Set<number>): void {
    for (const b of (source ? this.bySlot.get(`${source.key}.${field}`) : undefined) ?? [])
      out.add(b.fn);
  }

  /**
   * Ends the adding: a slot may bind one function in many places (e1000e's poll in its
   * own file, a copy of neigh_ops.output in an s390 driver, virtio_net's queue callback by
   * virtio-pci and by User-mode Linux), and an edge explains itself with the first, so
   * each list is ordered by `rank` (stable: equal ranks keep their order).
   */
  seal(rank: (b: Binding) => number): void {
    this.seen.clear();
    for (const map of [this.bySlot, this.byField, this.untyped]) {
      for (const list of map.values()) {
        if (list.length < 2) continue;
        const ranked = list.map((b) => ({ b, r: rank(b) })).sort((x, y) => x.r - y.r);
        ranked.forEach((x, i) => (list[i] = x.b));
      }
    }
  }
}

/**
 * The rank `seal` orders by: bindings made in the function's own file first, then in its
 * folder, then elsewhere, and those of other architectures than x86 and of tools/ last.
 */
export function bindingRank(nodes: Nodes, strings: Strings): (b: Binding) => number {
  return (b) => {
    const fnPath = nodes.pathOf(b.fn);
    const at = strings.get(b.file);
    return at === fnPath ? 0 : dirOf(at) === dirOf(fnPath) ? 1 : fileTier(at) < 3 ? 2 : 3;
  };
}

function push(map: Map<string, Binding[]>, key: string, b: Binding): void {
  const list = map.get(key);
  if (list) list.push(b);
  else map.set(key, [b]);
}
