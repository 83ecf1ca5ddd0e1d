// Parameters passed on (rules 2 and 4 of ARCHITECTURE.md, "How an indirect call becomes
// an edge"): a function that hands its own parameter to one that stores it into a slot or
// calls it does so too, up to a fixpoint (netif_napi_add -> netif_napi_add_weight ->
// `napi->poll = poll`; NF_HOOK -> NF_HOOK_COND... -> `okfn(net, sk, skb)`).

import type { CallFact } from '../facts';
import { IntColumns } from './columns';
import type { Nodes } from './names';
import type { ParamStores } from './stores';
import type { Values } from './values';

/** What the fixpoint found, for the registration pass and the edges. */
export interface ParamFlowResult {
  /** Function -> the parameters it calls (an invoker of them). */
  invokes: Map<number, Set<number>>;
  /** Function -> the parameters it stores into slots, its callers' passes included. */
  paramStores: ParamStores;
  /** Fields some call goes through, directly or by a local read from one (`rx_handler`). */
  calledFields: Set<string>;
  /** Call sites seen. */
  callSites: number;
}

/**
 * Collects, call by call (`scan`), who calls which parameter and who hands its parameter
 * to whom; then `solve` runs the fixpoint and drops the table of passes.
 */
export class ParamFlow {
  private readonly invokes = new Map<number, Set<number>>();
  private readonly calledFields = new Set<string>();
  private callSites = 0;
  // Callee -> the callers that hand it one of their own parameters, and at which position:
  // rows (caller, callerParam, argIndex, next row of the same callee or -1), in call order.
  // Millions on the whole tree, so rows of a table rather than objects.
  private readonly passInto = new IntColumns(4);
  private passHead: Int32Array;
  private passTail: Int32Array;

  constructor(
    private readonly nodes: Nodes,
    private readonly values: Values,
    private readonly paramStores: ParamStores,
  ) {
    this.passHead = new Int32Array(nodes.count).fill(-1);
    this.passTail = new Int32Array(nodes.count).fill(-1);
  }

  /** Notes what one call site calls and passes on. */
  scan(call: CallFact, caller: number, fi: number): void {
    this.callSites++;
    const callee = call.callee;
    if ('p' in callee) {
      addToSet(this.invokes, caller, callee.p);
    } else if ('l' in callee) {
      const params = new Set<number>();
      for (const a of this.nodes.fact(caller).aliases?.[callee.l] ?? []) {
        if ('f' in a) this.calledFields.add(a.f);
        this.values.fns(a, caller, new Set(), params);
      }
      for (const p of params) addToSet(this.invokes, caller, p);
    } else if ('field' in callee) {
      this.calledFields.add(callee.field);
    }
    if (!call.args.some((a) => a && ('p' in a || 'l' in a))) return;
    const targets = this.values.targets(callee, fi);
    call.args.forEach((arg, argIndex) => {
      if (!arg) return;
      const params = new Set<number>();
      if ('p' in arg) params.add(arg.p);
      else if ('l' in arg) this.values.fns(arg, caller, new Set(), params);
      for (const callerParam of params)
        for (const g of targets) this.pass(caller, callerParam, argIndex, g);
    });
  }

  /** `caller` hands its parameter `callerParam` to `g` at position `argIndex`. */
  private pass(caller: number, callerParam: number, argIndex: number, g: number): void {
    const row = this.passInto.push(caller, callerParam, argIndex, -1);
    if (this.passTail[g] === -1) this.passHead[g] = row;
    else this.passInto.set(this.passTail[g] as number, 3, row);
    this.passTail[g] = row;
  }

  /**
   * The fixpoint, over a worklist: a function that hands its parameter to one that stores
   * or calls it does so too. The table of passes is dropped after.
   */
  solve(): ParamFlowResult {
    const { invokes, paramStores, passInto } = this;
    const work = [...new Set([...invokes.keys(), ...paramStores.keys()])];
    for (let guard = 0; work.length > 0 && guard < 5_000_000; guard++) {
      const g = work.pop() as number;
      for (let row = this.passHead[g] as number; row >= 0; row = passInto.get(row, 3)) {
        const caller = passInto.get(row, 0);
        const callerParam = passInto.get(row, 1);
        const argIndex = passInto.get(row, 2);
        let changed = false;
        if (invokes.get(g)?.has(argIndex) && !invokes.get(caller)?.has(callerParam)) {
          addToSet(invokes, caller, callerParam);
          changed = true;
        }
        for (const ps of paramStores.get(g) ?? []) {
          if (ps.param !== argIndex) continue;
          const mine = paramStores.get(caller) ?? [];
          if (mine.some((m) => m.param === callerParam && m.slotKey === ps.slotKey)) continue;
          mine.push({ param: callerParam, slotKey: ps.slotKey, slot: ps.slot, via: ps.via });
          paramStores.set(caller, mine);
          changed = true;
        }
        if (changed) work.push(caller);
      }
    }
    passInto.clear();
    this.passHead = this.passTail = new Int32Array(0);
    return {
      invokes,
      paramStores,
      calledFields: this.calledFields,
      callSites: this.callSites,
    };
  }
}

function addToSet(map: Map<number, Set<number>>, key: number, value: number): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}
