// Deferred execution (rule 6 of ARCHITECTURE.md, "How an indirect call becomes an edge"):
// a handler registered under a key (`open_softirq(NET_RX_SOFTIRQ, net_rx_action)`,
// `INIT_WORK(&adapter->reset_task, ...)`) is reached, by an async edge, from each call
// that raises that key. The mechanisms are a table (DEFERRED_MECHANISMS, kernel-idioms.ts).

import type { CallFact } from '../facts';
import type { DeferredMechanism } from '../kernel-idioms';
import { DEFERRED_MECHANISMS } from '../kernel-idioms';
import type { Strings } from './columns';
import type { Nodes } from './names';
import type { TypeIndex } from './types';
import type { Values } from './values';

/** A handler registered under a key. */
interface Registration {
  fn: number;
  /** String id of the file of the registering call. */
  file: number;
  line: number;
  /** The registering function named in the table (`timer_setup`). */
  registrar: string;
  /** The function that registered its parameter (`inet_csk_init_xmit_timers`), if any. */
  wrapper?: string;
}

/** A function registers its parameter `param` under a key of its own. */
interface ParamRegistration {
  param: number;
  match: string;
  registrar: string;
}

/** A key as matched (one struct of several of a name told apart) and as shown. */
interface Key {
  match: string;
  shown: string;
}

export class DeferredCalls {
  private readonly registerFns = new Map<
    string,
    { key: number; handler: number; m: DeferredMechanism }
  >();
  private readonly raiseFns = new Map<string, { key: number; m: DeferredMechanism }>();
  /**
   * Functions that register their parameter's function with a key of their own
   * (inet_csk_init_xmit_timers: `timer_setup(&icsk->icsk_retransmit_timer,
   * retransmit_handler, 0)`): a call of one registers the function it is handed. One
   * level of wrapper only.
   */
  private readonly paramRegistrations = new Map<number, ParamRegistration[]>();
  /** Key match -> the handlers registered under it. */
  private readonly registrations = new Map<string, Registration[]>();

  constructor(
    private readonly nodes: Nodes,
    private readonly types: TypeIndex,
    private readonly values: Values,
    private readonly strings: Strings,
  ) {
    for (const m of DEFERRED_MECHANISMS) {
      for (const r of m.register) this.registerFns.set(r.fn, { key: r.key, handler: r.handler, m });
      for (const r of m.raise) this.raiseFns.set(r.fn, { key: r.key, m });
    }
  }

  /** First pass over the calls: notes a call that registers its caller's own parameter. */
  noteParamRegistration(call: CallFact, caller: number, fi: number): void {
    const callee = call.callee;
    const register = 'n' in callee ? this.registerFns.get(callee.n) : undefined;
    const handler = register ? call.args[register.handler] : undefined;
    if (!register || !handler || !('p' in handler)) return;
    const key = this.key(call, register.key, register.m, fi);
    if (!key) return;
    const list = this.paramRegistrations.get(caller) ?? [];
    list.push({ param: handler.p, match: key.match, registrar: (callee as { n: string }).n });
    this.paramRegistrations.set(caller, list);
  }

  /**
   * Registration pass: a call of a registering function (`name`) registers the functions
   * its handler argument carries; a call of a function that registers its parameter
   * (`targets`, what the call may enter) registers what it is handed there.
   */
  register(
    call: CallFact,
    caller: number,
    fi: number,
    name: string | undefined,
    targets: readonly number[],
    fileId: number,
  ): void {
    const register = name === undefined ? undefined : this.registerFns.get(name);
    if (register) {
      const key = this.key(call, register.key, register.m, fi);
      const handler = call.args[register.handler];
      if (key && handler) {
        const fns = new Set<number>();
        this.values.argFns(handler, caller, fns);
        for (const fn of fns) {
          const list = this.registrations.get(key.match) ?? [];
          list.push({ fn, file: fileId, line: call.line, registrar: name as string });
          this.registrations.set(key.match, list);
        }
      }
    }
    for (const g of targets) {
      for (const pr of this.paramRegistrations.get(g) ?? []) {
        const arg = call.args[pr.param];
        if (!arg) continue;
        const fns = new Set<number>();
        this.values.argFns(arg, caller, fns);
        const list = this.registrations.get(pr.match) ?? [];
        const wrapper = this.nodes.fact(g).name;
        for (const fn of fns)
          list.push({ fn, file: fileId, line: call.line, registrar: pr.registrar, wrapper });
        if (list.length > 0) this.registrations.set(pr.match, list);
      }
    }
  }

  /**
   * The handlers a call of `name` raises, each with the `via` of its async edge:
   * `softirq NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:12`.
   */
  forEachRaised(
    name: string,
    call: CallFact,
    fi: number,
    visit: (fn: number, via: string) => void,
  ): void {
    const raise = this.raiseFns.get(name);
    const key = raise ? this.key(call, raise.key, raise.m, fi) : undefined;
    if (!raise || !key) return;
    for (const r of this.registrations.get(key.match) ?? []) {
      visit(
        r.fn,
        `${raise.m.label} ${key.shown}: ${r.registrar}(${key.shown}, ${this.nodes.fact(r.fn).name}) at ${this.strings.get(r.file)}:${r.line}${r.wrapper ? ` (${r.wrapper})` : ''}`,
      );
    }
  }

  /**
   * The key a deferred mechanism's call names at argument `index`: `NET_RX_SOFTIRQ`, or
   * `e1000_adapter.reset_task` for `&adapter->reset_task` (matched by the struct's key).
   */
  private key(call: CallFact, index: number, m: DeferredMechanism, fi: number): Key | undefined {
    if (m.keyedBy === 'constant') {
      const key = call.keys?.[index];
      return key ? { match: `${m.label} ${key}`, shown: key } : undefined;
    }
    const field = call.keyFields?.[index];
    const st = field ? this.types.chainStruct(field.on, fi) : undefined;
    return field && st
      ? { match: `${m.label} ${st.key}.${field.f}`, shown: `${st.name}.${field.f}` }
      : undefined;
  }
}
