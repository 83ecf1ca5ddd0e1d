// Registrations (rules 2 and 6 of ARCHITECTURE.md, "How an indirect call becomes an
// edge"): a call that hands a function to a storing function binds it to the slot the
// parameter is stored into (`netif_napi_add(dev, napi, e1000e_poll)` binds
// `napi_struct.poll`), and a call of a deferred mechanism's registering function records
// the handler under its key. Bindings made here are seen by the calls after them.

import type { CallFact, FileFacts, ValueRef } from '../facts';
import type { BindingTable } from './binding-table';
import type { Strings } from './columns';
import type { DeferredCalls } from './deferred';
import type { Nodes } from './names';
import { forEachCallSite } from './names';
import type { ParamFlowResult } from './params';
import type { ParamStore } from './stores';
import type { TypeIndex } from './types';
import type { Values } from './values';

export interface RegistrationContext {
  nodes: Nodes;
  types: TypeIndex;
  values: Values;
  table: BindingTable;
  deferred: DeferredCalls;
  strings: Strings;
  flow: ParamFlowResult;
}

/**
 * One pass over every call that may hand a function on (by name or through a field), then
 * once more over those that hand on what a field holds (`rebindFieldReads`).
 */
export function bindRegistrations(ctx: RegistrationContext): void {
  const { nodes, values, strings } = ctx;
  const fieldReads: FieldRead[] = [];
  forEachCallSite(nodes, (call, caller, fi) => {
    if ('p' in call.callee || 'l' in call.callee || !call.args.some((a) => a !== null)) return;
    const name = 'n' in call.callee ? call.callee.n : undefined;
    const targets = values.targets(call.callee, fi);
    const fileId = strings.id((nodes.files[fi] as FileFacts).path);
    ctx.deferred.register(call, caller, fi, name, targets, fileId);
    for (const g of targets) {
      const stores = ctx.flow.paramStores.get(g);
      if (!stores) continue;
      const site = { caller, fi, fileId, g, name };
      for (const ps of stores) {
        bindParamStore(ctx, call, site, ps);
        const arg = call.args[ps.param];
        if (arg && ('f' in arg || 'l' in arg)) fieldReads.push({ call, site, ps });
      }
    }
  });
  rebindFieldReads(ctx, fieldReads);
}

/** A registration that hands on what a field (or a local) holds, kept for `rebindFieldReads`. */
interface FieldRead {
  call: CallFact;
  site: Site;
  ps: ParamStore;
}

/**
 * A field may be bound by a registration the pass meets after the call that hands it on:
 * i40e stores its ring handler with `i40e_vsi_setup_irqhandler(vsi, i40e_msix_clean_rings)`
 * (`vsi->irq_handler = handler`) in a function after the one that calls
 * `request_irq(irq, vsi->irq_handler, ...)`. Those calls are bound again once every
 * registration is in; the table keeps a binding made twice once.
 */
function rebindFieldReads(ctx: RegistrationContext, reads: readonly FieldRead[]): void {
  for (const { call, site, ps } of reads) bindParamStore(ctx, call, site, ps);
}

/** Where a call is and what it enters: its caller, file, the callee `g` and its name if called by one. */
interface Site {
  caller: number;
  fi: number;
  fileId: number;
  g: number;
  name: string | undefined;
}

/** Binds what the call hands `g` at the parameter `ps` stores, to that slot. */
function bindParamStore(
  ctx: RegistrationContext,
  call: CallFact,
  site: Site,
  ps: ParamStore,
): void {
  const arg: ValueRef | null | undefined = call.args[ps.param];
  if (!arg) return;
  const [slotKey, slotField] = splitSlot(ps.slotKey);
  const field = 'f' in arg ? arg.f : undefined;
  // A field read passed on binds only a slot some call goes through: `memcpy(dst,
  // match->data, n)` hands of_device_id.data's functions to kasan_report_info.access_addr.
  if (field !== undefined && !ctx.flow.calledFields.has(slotField)) return;
  const source = 'f' in arg ? ctx.types.chainStruct(arg.on, site.fi) : undefined;
  // A slot handed its own functions (`req->base.complete` into a crypto subrequest's) learns nothing.
  if (source && `${source.key}.${field}` === ps.slotKey) return;
  const registrar = site.name ?? ctx.nodes.fact(site.g).name;
  if ('l' in arg) bindLocalFieldReads(ctx, call, site, ps, arg.l, registrar);
  const fns = new Set<number>();
  if (field !== undefined) ctx.table.slotFns(source, field, fns);
  else ctx.values.fns(arg, site.caller, fns, undefined);
  // Through a pointer, the function entered names the registration; a function
  // pointer read from a field says which (`vp_setup_vq from virtqueue_info.callback`).
  const via = source ? `${registrar} from ${source.name}.${field}` : registrar;
  for (const fn of fns) {
    ctx.table.add(slotKey === '?' ? undefined : slotKey, slotField, {
      fn,
      file: site.fileId,
      line: call.line,
      slot: ps.slot,
      via,
    });
  }
}

/**
 * A local that holds what fields of a known struct hold (a condition's branches:
 * `xsk ? dp->ops->xsk_poll : dp->ops->poll`) binds those functions first, saying which
 * field each came from (`netif_napi_add from nfp_dp_ops.poll`); the table keeps that
 * binding when the local's other values bind the same function after.
 */
function bindLocalFieldReads(
  ctx: RegistrationContext,
  call: CallFact,
  site: Site,
  ps: ParamStore,
  local: string,
  registrar: string,
): void {
  const [slotKey, slotField] = splitSlot(ps.slotKey);
  for (const ref of ctx.nodes.fact(site.caller).aliases?.[local] ?? []) {
    if (!('f' in ref)) continue;
    const source = ctx.types.chainStruct(ref.on, site.fi);
    if (!source || `${source.key}.${ref.f}` === ps.slotKey) continue;
    const fns = new Set<number>();
    ctx.table.slotFns(source, ref.f, fns);
    for (const fn of fns)
      ctx.table.add(slotKey === '?' ? undefined : slotKey, slotField, {
        fn,
        file: site.fileId,
        line: call.line,
        slot: ps.slot,
        via: `${registrar} from ${source.name}.${ref.f}`,
      });
  }
}

/** `net_device_ops@file.ndo_start_xmit` -> [`net_device_ops@file`, `ndo_start_xmit`]. */
function splitSlot(slotKey: string): [string, string] {
  const i = slotKey.lastIndexOf('.');
  return [slotKey.slice(0, i), slotKey.slice(i + 1)];
}
