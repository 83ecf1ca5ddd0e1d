// Values: the functions an argument, a stored value or a callee may denote, seen from the
// function it appears in. They read the binding table as it stands when asked, so what
// a stage finds depends on the stages before it (the order of resolve.ts).

import type { CalleeRef, ValueRef } from '../facts';
import type { BindingTable } from './binding-table';
import { UNTYPED_FANOUT_LIMIT } from './binding-table';
import type { NameResolver, Nodes } from './names';
import type { TypeIndex } from './types';

export class Values {
  constructor(
    private readonly nodes: Nodes,
    private readonly names: NameResolver,
    private readonly types: TypeIndex,
    private readonly table: BindingTable,
  ) {}

  /**
   * Adds to `out` the function nodes `v` may denote in function `node`; the parameters it
   * may be are added to `params` (when given) instead.
   */
  fns(
    v: ValueRef,
    node: number,
    out: Set<number>,
    params: Set<number> | undefined,
    depth = 0,
  ): void {
    if (depth > 4) return;
    const fi = this.nodes.fileOf(node);
    if ('n' in v) {
      for (const c of this.names.resolve(v.n, fi)) if (!this.nodes.fact(c).macro) out.add(c);
    } else if ('p' in v) {
      params?.add(v.p);
    } else if ('l' in v) {
      for (const a of this.nodes.fact(node).aliases?.[v.l] ?? [])
        this.fns(a, node, out, params, depth + 1);
    } else if ('f' in v) {
      for (const b of this.table.field(v.on, v.f, fi)) out.add(b.fn);
    } else {
      for (const callee of this.names.resolve(v.c, fi)) {
        for (const ident of this.nodes.fact(callee).returnsIdents ?? [])
          this.fns({ n: ident }, callee, out, undefined, depth + 1);
      }
    }
  }

  /**
   * Adds the functions a call's argument may carry. A function pointer read from a field
   * counts only through the bindings of that field of its known struct: a guess by field
   * name alone would hand `kfree(p->buf)` every function stored into a `.buf` of the tree.
   */
  argFns(arg: ValueRef, node: number, out: Set<number>): void {
    if ('f' in arg)
      this.table.slotFns(this.types.chainStruct(arg.on, this.nodes.fileOf(node)), arg.f, out);
    else this.fns(arg, node, out, undefined);
  }

  /**
   * The functions a call may enter, for parameters passed through and registrations: by
   * name, or through a field (`vp_dev->setup_vq(..., callback, ...)` hands its parameter to
   * `setup_vq`) when the field's bindings so far are few enough to follow.
   */
  targets(callee: CalleeRef, fi: number): readonly number[] {
    if ('n' in callee) return this.names.resolve(callee.n, fi);
    if (!('field' in callee)) return [];
    const found = this.table.field(callee.on, callee.field, fi);
    return found.length <= UNTYPED_FANOUT_LIMIT ? found.map((b) => b.fn) : [];
  }
}
