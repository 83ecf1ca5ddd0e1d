// Short edge labels from an edge's `via`. The full `via` (e.g. `net_device_ops.ndo_start_xmit =
// e1000_xmit_frame at drivers/net/ethernet/intel/e1000e/netdev.c:7336`) is too long for a
// diagram; the label keeps the part a kernel developer recognises (`ndo_start_xmit`) and
// the tooltip keeps the whole string.

import type { GraphEdge } from '../graph-json';
import { DEFERRED_MECHANISMS } from '../index/kernel-idioms';
import { singleLine, truncate } from './escape';

const MAX_LABEL = 28;

/** The via of a deferred mechanism keyed by a field (resolve.ts): `<label> <struct>.<field>: ...`. */
const DEFERRED_BY_FIELD = new RegExp(
  `^(${DEFERRED_MECHANISMS.filter((m) => m.keyedBy === 'field')
    .map((m) => m.label)
    .join('|')}) [\\w.@/-]*?(\\w+): `,
);

/** Struct-name suffixes that add nothing to a label: `napi_struct.poll` reads as `napi poll`. */
const STRUCT_SUFFIXES = ['_operations', '_struct', '_entry', '_ops'];

/**
 * The short label of an indirect or async edge, or `undefined` for a direct call; a
 * wake-up is labelled `wakes`.
 *
 * - `NET_RX_SOFTIRQ: open_softirq(...)` -> `NET_RX softirq`
 * - `work e1000_adapter.reset_task: INIT_WORK(...) at ...` -> `work reset_task` (tasklets, timers alike)
 * - `net_device_ops.ndo_start_xmit = f at ...` -> `ndo_start_xmit` (a field with `_` names itself)
 * - `napi_struct.poll = f at ...` -> `napi poll` (a bare field is qualified by its struct)
 * - `packet_offload.callbacks.gro_receive = f` -> `gro_receive`
 * - `INDIRECT_CALL_INET: net_protocol.handler = f at ...` -> the slot's label, `net_protocol handler`
 * - `INDIRECT_CALL_INET candidate tcp_v4_rcv` -> `INDIRECT_CALL_INET`
 * - `NF_HOOK(okfn = ip_rcv_finish)`, a call through a parameter -> `NF_HOOK(okfn)`
 * - anything else: its text before ` = ` or ` at `, cut to 28 characters.
 */
export function shortVia(edge: Pick<GraphEdge, 'kind' | 'via'>): string | undefined {
  if (edge.kind === 'direct') return undefined;
  if (edge.kind === 'wakes') return 'wakes';
  const via = singleLine(edge.via ?? '');
  if (via === '') return edge.kind === 'async' ? 'async' : 'indirect';

  const softirq = /\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*?)_SOFTIRQ\b/.exec(via);
  if (softirq?.[1]) return `${softirq[1]} softirq`;

  // `work e1000_adapter.reset_task: INIT_WORK(...)`: the mechanism and the item's field.
  const deferred = DEFERRED_BY_FIELD.exec(via);
  if (deferred?.[1] && deferred[2]) return truncate(`${deferred[1]} ${deferred[2]}`, MAX_LABEL);

  const wrapped = /^(INDIRECT_CALL_\w+)(?:: (.+)| candidate \w+$)/.exec(via);
  if (wrapped?.[1])
    return wrapped[2]
      ? shortVia({ kind: edge.kind, via: wrapped[2] })
      : truncate(wrapped[1], MAX_LABEL);

  // A call through a parameter: the parenthesis is closed, never cut.
  const param = /^([A-Za-z_]\w*)\(([^()=]+?) = [^()]*\)$/.exec(via);
  if (param?.[1] && param[2]) {
    const label = `${param[1]}(${param[2]})`;
    return Array.from(label).length <= MAX_LABEL ? label : truncate(param[1], MAX_LABEL);
  }

  const lhs = (via.split(' = ')[0] ?? via).split(' at ')[0]?.split(': ')[0]?.trim() ?? via;
  const access = /^([A-Za-z_]\w*)((?:(?:\.|->)[A-Za-z_]\w*)+)$/.exec(lhs);
  if (access?.[1] && access[2]) {
    const fields = access[2].split(/\.|->/).filter((f) => f !== '');
    const field = fields[fields.length - 1] ?? '';
    if (field.includes('_')) return truncate(field, MAX_LABEL);
    let owner = fields.length > 1 ? (fields[fields.length - 2] ?? access[1]) : access[1];
    for (const suffix of STRUCT_SUFFIXES) {
      if (owner.endsWith(suffix) && owner.length > suffix.length) {
        owner = owner.slice(0, -suffix.length);
        break;
      }
    }
    return truncate(`${owner} ${field}`, MAX_LABEL);
  }
  return truncate(lhs === '' ? via : lhs, MAX_LABEL);
}
