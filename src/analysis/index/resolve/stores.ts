// Stores: `.ndo_start_xmit = e1000_xmit_frame` in an initializer, `adapter->clean_rx =
// e1000_clean_rx_irq` in a function, bind a function to a slot (rule 1 of ARCHITECTURE.md,
// "How an indirect call becomes an edge"); a store of a parameter makes its function a
// registration function (rule 2), and a store that copies another field binds, once all
// other stores are known, what that field holds.

import type { FileFacts, StoreFact, TypeChain } from '../facts';
import { OPS_TABLE } from '../kernel-idioms';
import type { Binding, BindingTable } from './binding-table';
import { UNTYPED_FANOUT_LIMIT } from './binding-table';
import type { Strings } from './columns';
import type { NameResolver, Nodes } from './names';
import type { TypeIndex } from './types';
import type { Values } from './values';

/** A function stores its parameter `param` into a slot: `napi->poll = poll`. */
export interface ParamStore {
  param: number;
  /** `napi_struct@file.poll`, or `?.poll` when the struct type is unknown. */
  slotKey: string;
  /** `napi_struct.poll`, as users read it. */
  slot: string;
  /** The function that stores it, which a binding made through it names. */
  via: string;
}

/** Function node -> the parameters it stores into slots. */
export type ParamStores = Map<number, ParamStore[]>;

/** A store that copies a field (`neigh->output = neigh->ops->output`), kept for after the others. */
interface Copy {
  s: StoreFact;
  fi: number;
  fileId: number;
}

export interface StoreContext {
  nodes: Nodes;
  names: NameResolver;
  types: TypeIndex;
  values: Values;
  table: BindingTable;
  strings: Strings;
}

/**
 * Binds every function stored into a field, then the copies of one field into another;
 * returns the stores of parameters, for the parameter fixpoint.
 */
export function bindStores(files: readonly FileFacts[], ctx: StoreContext): ParamStores {
  const paramStores: ParamStores = new Map();
  const copies: Copy[] = [];
  files.forEach((f, fi) => {
    const fileId = ctx.strings.id(f.path);
    for (const s of f.stores) {
      if ('f' in s.value) copies.push({ s, fi, fileId });
      else bindStore(s, fi, fileId, ctx, paramStores);
    }
  });
  bindCopies(copies, ctx);
  return paramStores;
}

function bindStore(
  s: StoreFact,
  fi: number,
  fileId: number,
  ctx: StoreContext,
  paramStores: ParamStores,
): void {
  const { nodes, table } = ctx;
  const st = ctx.types.chainStruct(s.on, fi);
  const slot = `${st?.name ?? '?'}.${s.field}`;
  if (s.fn < 0) {
    // File scope: a static initializer. Only plain names can appear there.
    if (!('n' in s.value)) return;
    for (const c of ctx.names.resolve(s.value.n, fi)) {
      if (nodes.fact(c).macro) continue;
      table.add(st?.key, s.field, { fn: c, file: fileId, line: s.line, slot });
    }
    return;
  }
  const node = nodes.at(fi, s.fn);
  const fns = new Set<number>();
  const params = new Set<number>();
  ctx.values.fns(s.value, node, fns, params);
  for (const c of fns) table.add(st?.key, s.field, { fn: c, file: fileId, line: s.line, slot });
  for (const p of params) {
    const list = paramStores.get(node) ?? [];
    list.push({
      param: p,
      slotKey: st ? `${st.key}.${s.field}` : `?.${s.field}`,
      slot,
      via: nodes.fact(node).name,
    });
    paramStores.set(node, list);
  }
}

/**
 * `neigh->output = neigh->ops->output`: the target field gets every function stored into
 * the source field, when the source's struct type is known (a guess by field name alone
 * would spread any `->output` to every other). A copy straight out of an operations table
 * (OPS_TABLE: `sch->enqueue = ops->enqueue` in qdisc_alloc, `entry->hook = reg->hook` in
 * netfilter's core) is followed whatever the number: it caches the ops of the table its
 * caller passed. Any other copy only when the source slot holds a handful: a driver saving
 * the callback it wraps (`state->fe_read_status = fe->ops.read_status`) would get every
 * frontend's. One level: a copy of a copy is not followed, as every copy reads the table
 * before any is added.
 */
function bindCopies(copies: Copy[], ctx: StoreContext): void {
  const { types, table } = ctx;
  const copied: [string | undefined, string, Omit<Binding, 'index'>][] = [];
  for (const { s, fi, fileId } of copies) {
    const v = s.value as { f: string; on: TypeChain };
    const src = types.chainStruct(v.on, fi);
    const from = src ? table.slot(`${src.key}.${v.f}`) : undefined;
    if (
      !src ||
      !from ||
      (from.length > UNTYPED_FANOUT_LIMIT && !(v.on.path.length === 0 && OPS_TABLE.test(src.name)))
    )
      continue;
    const st = types.chainStruct(s.on, fi);
    // A slot handed its own functions (`qops->enqueue = noop_qdisc_ops.enqueue`) learns nothing.
    if (st?.key === src.key && s.field === v.f) continue;
    const slot = `${st?.name ?? '?'}.${s.field}`;
    for (const b of from)
      copied.push([
        st?.key,
        s.field,
        { fn: b.fn, file: fileId, line: s.line, slot, via: `from ${src.name}.${v.f}` },
      ]);
  }
  for (const [slotKey, field, b] of copied) table.add(slotKey, field, b);
}
