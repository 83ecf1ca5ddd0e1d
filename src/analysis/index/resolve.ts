// Resolution: all files' facts in, one call graph out. This is where the kernel's
// indirect calls become edges:
//   1. calls through struct fields go to every function stored into that field of that
//      struct type (designated initializers and assignments anywhere in the tree, and
//      copies of another field: neigh->output = neigh->ops->output); a field macro such
//      as `#define sk_prot __sk_common.skc_prot` types `sk->sk_prot` through its path;
//   2. a function that stores its parameter into a field registers whatever its callers
//      pass there, transitively (netif_napi_add -> netif_napi_add_weight -> napi->poll);
//   3. a function that calls its parameter calls whatever its callers pass there
//      (NF_HOOK's okfn), attributed to the caller's call site;
//   4. INDIRECT_CALL_* wrappers go to their candidates and to the pointer's bindings;
//   5. raising a softirq reaches the handler registered for it (async edges);
//   6. static inlines and calling macros are nodes like functions;
//   7. a name resolves to the definition visible from the call site's file first.
// Invariant: resolution never throws on odd facts; what it cannot resolve it counts.

import { forEachCall } from './facts';
import type {
  CallFact,
  CalleeRef,
  FileFacts,
  FuncFact,
  StoreFact,
  TypeChain,
  ValueRef,
} from './facts';
import type { GraphData, IndexStats } from './graph';
import {
  ARG_SEPARATOR,
  EDGE_KINDS,
  NODE_DEAD_END,
  NODE_MACRO,
  NODE_SIDE_VARIANTS_SHIFT,
  NODE_STATIC,
  StringTable,
  adjacency,
  bindingVia,
  dirOf,
  nameOrder,
} from './graph';
import type { EdgeKind } from '../graph-json';
import {
  DEAD_ENDS,
  DEFERRED_MECHANISMS,
  EVENT_SLOTS,
  OPS_TABLE,
  SIDE_VARIANTS,
  TEXT_ARG_CALLS,
  type DeferredMechanism,
} from './kernel-idioms';
import { PREFERRED_ARCH_INCLUDE, fileTier } from './kernel-layout';

/** Above this many candidates, a field call whose struct type is unknown is left unresolved. */
const UNTYPED_FANOUT_LIMIT = 24;

interface Binding {
  /** Position in the graph's binding columns, which an edge through it refers to. */
  index: number;
  fn: number;
  file: number;
  line: number;
  /** `net_device_ops.ndo_start_xmit`. */
  slot: string;
  /** The registration function, when the binding came through one. */
  via?: string;
}

interface ParamStore {
  param: number;
  slotKey: string;
  slot: string;
  via: string;
}

class Strings {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function resolve(files: FileFacts[]): GraphData {
  const strings = new Strings();

  // ---- nodes -------------------------------------------------------------------------
  const nodeFileIdx: number[] = [];
  const nodeFact: FuncFact[] = [];
  const nodeBase: number[] = [];
  const byName = new Map<string, number[]>();
  files.forEach((f, fi) => {
    nodeBase.push(nodeFact.length);
    for (const fn of f.funcs) {
      const id = nodeFact.length;
      nodeFact.push(fn);
      nodeFileIdx.push(fi);
      const list = byName.get(fn.name);
      if (list) list.push(id);
      else byName.set(fn.name, [id]);
    }
  });
  const fileOf = (node: number): FileFacts => files[nodeFileIdx[node] as number] as FileFacts;

  // ---- include-aware name resolution ------------------------------------------------
  // Whether file `fi` includes `path`: `#include <linux/x.h>` names include/linux/x.h, its
  // x86 and uapi variants; `#include "x.h"` the file beside it. Checked against the file's
  // own include texts, so no set of full paths is built per file (60k of them on the tree).
  let includeSet: Set<string> = new Set();
  let includeSetFile = -1;
  /** Files that include a .c file whole (drivers/net/ethernet/8390/8390.c: `#include "lib8390.c"`). */
  const includesSource = new Uint8Array(files.length);
  files.forEach((f, fi) => {
    if (f.includes.some((i) => i.endsWith('.c"'))) includesSource[fi] = 1;
  });
  /** Whether a static function of the .c file `path` is seen from file `fi`: its own, or one that includes it. */
  const seesStatic = (fi: number, cfi: number, path: string): boolean =>
    cfi === fi || (includesSource[fi] === 1 && includes(fi, path));
  const includes = (fi: number, path: string): boolean => {
    const f = files[fi] as FileFacts;
    if (fi !== includeSetFile) {
      includeSet = new Set(f.includes);
      includeSetFile = fi;
    }
    if (path.startsWith('include/uapi/') && includeSet.has(path.slice(13))) return true;
    if (path.startsWith('include/') && includeSet.has(path.slice(8))) return true;
    if (
      path.startsWith(PREFERRED_ARCH_INCLUDE) &&
      includeSet.has(path.slice(PREFERRED_ARCH_INCLUDE.length))
    )
      return true;
    const dir = dirOf(f.path);
    if (!dir) return includeSet.has(`"${path}"`);
    return (
      path.length > dir.length &&
      path.startsWith(dir) &&
      path.charCodeAt(dir.length) === 47 /* / */ &&
      includeSet.has(`"${path.slice(dir.length + 1)}"`)
    );
  };
  // Resolution is asked file by file, so one file's answers are cached at a time.
  const nameCache = new Map<string, number[]>();
  let nameCacheFile = -1;
  /** Definitions of `name` visible from file `fi`, best tier only. */
  const resolveName = (name: string, fi: number): number[] => {
    const candidates = byName.get(name);
    if (!candidates) return [];
    if (candidates.length === 1) {
      const only = candidates[0] as number;
      const fact = nodeFact[only] as FuncFact;
      const path = fileOf(only).path;
      // A static function in another .c file is invisible from here, unless this file includes it.
      return fact.static &&
        path.endsWith('.c') &&
        !seesStatic(fi, nodeFileIdx[only] as number, path)
        ? []
        : candidates;
    }
    if (fi !== nameCacheFile) {
      nameCache.clear();
      nameCacheFile = fi;
    }
    const cached = nameCache.get(name);
    if (cached) return cached;
    const from = files[fi] as FileFacts;
    let best: number[] = [];
    let bestRank = Infinity;
    for (const c of candidates) {
      const cfi = nodeFileIdx[c] as number;
      const path = (files[cfi] as FileFacts).path;
      const fact = nodeFact[c] as FuncFact;
      let rank: number;
      if (cfi === fi) rank = 0;
      else if (fact.static && path.endsWith('.c') && !seesStatic(fi, cfi, path)) continue;
      else if (includes(fi, path)) rank = 1;
      else if (dirOf(path) === dirOf(from.path)) rank = 2;
      else rank = 2 + fileTier(path);
      if (rank < bestRank) {
        bestRank = rank;
        best = [c];
      } else if (rank === bestRank) {
        best.push(c);
      }
    }
    nameCache.set(name, best);
    return best;
  };

  // ---- types -------------------------------------------------------------------------
  const typedefs = new Map<string, string>();
  const structs = new Map<string, { file: string; fields: Record<string, string> }[]>();
  const globals = new Map<string, string>();
  /** `sk_prot` -> ['__sk_common', 'skc_prot']: fields that a macro names (FileFacts.fieldMacros). */
  const fieldMacros = new Map<string, string[]>();
  for (const f of files) {
    for (const [alias, target] of Object.entries(f.typedefs))
      if (!typedefs.has(alias)) typedefs.set(alias, target);
    for (const s of f.structs) {
      const list = structs.get(s.name);
      const def = { file: f.path, fields: s.fields };
      if (!list) structs.set(s.name, [def]);
      else if (!list.some((d) => d.file === f.path)) list.push(def);
    }
    for (const [name, type] of Object.entries(f.globals))
      if (!globals.has(name)) globals.set(name, type);
    for (const [name, path] of Object.entries(f.fieldMacros ?? {}))
      if (!fieldMacros.has(name)) fieldMacros.set(name, path);
  }
  const normalize = (t: string): string => {
    for (let i = 0; i < 6; i++) {
      const next = typedefs.get(t);
      if (!next || next === t) break;
      t = next;
    }
    return t;
  };
  /** The struct definition of `name` seen from `fromPath`: the nearest by directory. */
  const structDef = (
    name: string,
    fromPath: string,
  ): { key: string; fields: Record<string, string> } | undefined => {
    const defs = structs.get(name);
    if (!defs || defs.length === 0) return undefined;
    if (defs.length === 1)
      return { key: name, fields: (defs[0] as { fields: Record<string, string> }).fields };
    let best = defs[0] as { file: string; fields: Record<string, string> };
    let bestLen = -1;
    for (const d of defs) {
      const len = d.file.startsWith('include/')
        ? 0.5
        : commonPrefixLength(dirOf(d.file), dirOf(fromPath));
      if (len > bestLen) {
        bestLen = len;
        best = d;
      }
    }
    return { key: `${name}@${best.file}`, fields: best.fields };
  };
  /** The struct key of the object a TypeChain denotes, seen from file `fi`. */
  const chainStruct = (chain: TypeChain, fi: number): { key: string; name: string } | undefined => {
    const from = (files[fi] as FileFacts).path;
    let type: string | undefined;
    const root = chain.root;
    if ('t' in root) type = root.t;
    else if ('g' in root) type = globals.get(root.g);
    else if ('c' in root) {
      for (const n of resolveName(root.c, fi)) {
        const r = (nodeFact[n] as FuncFact).returns;
        if (r) {
          type = r;
          break;
        }
      }
    }
    if (!type) return undefined;
    type = normalize(type);
    for (const field of chain.path) {
      const next = structDef(type, from)?.fields[field];
      if (next) {
        type = normalize(next);
        continue;
      }
      // A field that is a macro for a path of fields (`sk->sk_prot`): follow the path.
      const macro = fieldMacros.get(field);
      if (!macro) return undefined;
      for (const f of macro) {
        const step = structDef(type, from)?.fields[f];
        if (!step) return undefined;
        type = normalize(step);
      }
    }
    const def = structDef(type, from);
    return { key: def?.key ?? type, name: type };
  };

  // ---- values ------------------------------------------------------------------------
  /** Function nodes a value may denote, seen from function `node`; params are reported apart. */
  const valueFns = (
    v: ValueRef,
    node: number,
    out: Set<number>,
    params: Set<number> | undefined,
    depth = 0,
  ): void => {
    if (depth > 4) return;
    const fi = nodeFileIdx[node] as number;
    if ('n' in v) {
      for (const c of resolveName(v.n, fi)) if (!(nodeFact[c] as FuncFact).macro) out.add(c);
    } else if ('p' in v) {
      params?.add(v.p);
    } else if ('l' in v) {
      for (const a of (nodeFact[node] as FuncFact).aliases?.[v.l] ?? [])
        valueFns(a, node, out, params, depth + 1);
    } else if ('f' in v) {
      for (const b of fieldBindings(v.on, v.f, fi)) out.add(b.fn);
    } else {
      for (const callee of resolveName(v.c, fi)) {
        for (const ident of (nodeFact[callee] as FuncFact).returnsIdents ?? []) {
          valueFns({ n: ident }, callee, out, undefined, depth + 1);
        }
      }
    }
  };

  /**
   * Functions a call's argument may carry. A function pointer read from a field counts
   * only through the bindings of that field of its known struct: a guess by field name
   * alone would hand `kfree(p->buf)` every function stored into a `.buf` of the tree.
   */
  const argFns = (arg: ValueRef, node: number, out: Set<number>): void => {
    if ('f' in arg) slotFns(chainStruct(arg.on, nodeFileIdx[node] as number), arg.f, out);
    else valueFns(arg, node, out, undefined);
  };
  /** The functions bound to `field` of the struct `source` (none when it is unknown). */
  const slotFns = (source: { key: string } | undefined, field: string, out: Set<number>): void => {
    for (const b of (source ? bindings.get(`${source.key}.${field}`) : undefined) ?? [])
      out.add(b.fn);
  };

  // ---- bindings: stores of functions into struct fields ------------------------------
  const bindings = new Map<string, Binding[]>(); // slot key -> bindings
  const byField = new Map<string, Binding[]>(); // field -> all bindings of that field
  const untyped = new Map<string, Binding[]>(); // field -> bindings whose struct is unknown
  const allBindings: Binding[] = [];
  const seenBinding = new Set<string>();
  const addBinding = (
    slotKey: string | undefined,
    field: string,
    fields: Omit<Binding, 'index'>,
  ): void => {
    const dedupe = `${slotKey ?? '?'}.${field}\u0000${fields.fn}\u0000${fields.file}\u0000${fields.line}`;
    if (seenBinding.has(dedupe)) return;
    seenBinding.add(dedupe);
    const b: Binding = { index: allBindings.length, ...fields };
    allBindings.push(b);
    const push = (map: Map<string, Binding[]>, key: string): void => {
      const list = map.get(key);
      if (list) list.push(b);
      else map.set(key, [b]);
    };
    push(byField, field);
    if (slotKey) push(bindings, `${slotKey}.${field}`);
    else push(untyped, field);
  };
  const paramStores = new Map<number, ParamStore[]>();
  /** Functions stored into `field` of the struct `on` denotes; the loose match when the type is unknown. */
  function fieldBindings(on: TypeChain, field: string, fi: number): Binding[] {
    const st = chainStruct(on, fi);
    const exact = st ? bindings.get(`${st.key}.${field}`) : undefined;
    if (exact && exact.length > 0) return exact;
    const loose = st ? untyped.get(field) : byField.get(field);
    return loose && loose.length <= UNTYPED_FANOUT_LIMIT ? loose : [];
  }

  // Stores that copy one field into another wait until every other binding is known.
  const copies: { s: StoreFact; fi: number; fileId: number }[] = [];
  files.forEach((f, fi) => {
    const fileId = strings.id(f.path);
    for (const s of f.stores) {
      if ('f' in s.value) {
        copies.push({ s, fi, fileId });
        continue;
      }
      const st = chainStruct(s.on, fi);
      const slot = `${st?.name ?? '?'}.${s.field}`;
      if (s.fn < 0) {
        // File scope: a static initializer. Only plain names can appear there.
        if (!('n' in s.value)) continue;
        for (const c of resolveName(s.value.n, fi)) {
          if ((nodeFact[c] as FuncFact).macro) continue;
          addBinding(st?.key, s.field, { fn: c, file: fileId, line: s.line, slot });
        }
        continue;
      }
      const node = (nodeBase[fi] as number) + s.fn;
      const fns = new Set<number>();
      const params = new Set<number>();
      valueFns(s.value, node, fns, params);
      for (const c of fns)
        addBinding(st?.key, s.field, { fn: c, file: fileId, line: s.line, slot });
      for (const p of params) {
        const list = paramStores.get(node) ?? [];
        list.push({
          param: p,
          slotKey: st ? `${st.key}.${s.field}` : `?.${s.field}`,
          slot,
          via: (nodeFact[node] as FuncFact).name,
        });
        paramStores.set(node, list);
      }
    }
  });

  // `neigh->output = neigh->ops->output`: the target field gets every function stored
  // into the source field, when the source's struct type is known (a guess by field name
  // alone would spread any `->output` to every other). A copy straight out of an
  // operations table (OPS_TABLE: `sch->enqueue = ops->enqueue` in qdisc_alloc, `entry->hook
  // = reg->hook` in netfilter's core) is followed whatever the number: it caches the ops of
  // the table its caller passed. Any other copy only when the source slot holds a handful:
  // a driver saving the callback it wraps (`state->fe_read_status = fe->ops.read_status`)
  // would get every frontend's. One level: a copy of a copy is not followed.
  const copied: [string | undefined, string, Omit<Binding, 'index'>][] = [];
  for (const { s, fi, fileId } of copies) {
    const v = s.value as { f: string; on: TypeChain };
    const src = chainStruct(v.on, fi);
    const from = src ? bindings.get(`${src.key}.${v.f}`) : undefined;
    if (
      !src ||
      !from ||
      (from.length > UNTYPED_FANOUT_LIMIT && !(v.on.path.length === 0 && OPS_TABLE.test(src.name)))
    )
      continue;
    const st = chainStruct(s.on, fi);
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
  for (const [slotKey, field, b] of copied) addBinding(slotKey, field, b);

  // ---- call sites resolved by name, and parameters passed through ----------------------
  /**
   * The functions a call may enter, for parameters passed through and registrations: by
   * name, or through a field (`vp_dev->setup_vq(..., callback, ...)` hands its parameter to
   * `setup_vq`) when the field's bindings so far are few enough to follow.
   */
  const calleeTargets = (callee: CalleeRef, fi: number): readonly number[] => {
    if ('n' in callee) return resolveName(callee.n, fi);
    if (!('field' in callee)) return [];
    const found = fieldBindings(callee.on, callee.field, fi);
    return found.length <= UNTYPED_FANOUT_LIMIT ? found.map((b) => b.fn) : [];
  };
  const invokes = new Map<number, Set<number>>(); // function -> params it calls
  // ---- deferred execution -------------------------------------------------------------
  const deferredRegistrations = new Map<
    string,
    { fn: number; file: number; line: number; registrar: string; wrapper?: string }[]
  >();
  /**
   * Functions that register their parameter's function with a key of their own
   * (inet_csk_init_xmit_timers: `timer_setup(&icsk->icsk_retransmit_timer,
   * retransmit_handler, 0)`): a call of one registers the function it is handed. One
   * level of wrapper only.
   */
  const paramRegistrations = new Map<
    number,
    { param: number; match: string; registrar: string }[]
  >();
  const registerFns = new Map<string, { key: number; handler: number; m: DeferredMechanism }>();
  const raiseFns = new Map<string, { key: number; m: DeferredMechanism }>();
  for (const m of DEFERRED_MECHANISMS) {
    for (const r of m.register) registerFns.set(r.fn, { key: r.key, handler: r.handler, m });
    for (const r of m.raise) raiseFns.set(r.fn, { key: r.key, m });
  }
  /**
   * The key a deferred mechanism's call names at argument `index`, as matched (`match`,
   * one struct of several of a name told apart) and as shown: `NET_RX_SOFTIRQ`, or
   * `e1000_adapter.reset_task` for `&adapter->reset_task`.
   */
  const deferredKey = (
    call: CallFact,
    index: number,
    m: DeferredMechanism,
    fi: number,
  ): { match: string; shown: string } | undefined => {
    if (m.keyedBy === 'constant') {
      const key = call.keys?.[index];
      return key ? { match: `${m.label} ${key}`, shown: key } : undefined;
    }
    const field = call.keyFields?.[index];
    const st = field ? chainStruct(field.on, fi) : undefined;
    return field && st
      ? { match: `${m.label} ${st.key}.${field.f}`, shown: `${st.name}.${field.f}` }
      : undefined;
  };
  // Callee -> the callers that hand it one of their own parameters, and at which position:
  // rows (caller, callerParam, argIndex, next row of the same callee or -1), in call order.
  // Millions on the whole tree, so rows of a table rather than objects.
  const passInto = new IntColumns(4);
  let passHead = new Int32Array(nodeFact.length).fill(-1);
  let passTail = new Int32Array(nodeFact.length).fill(-1);
  let callSites = 0;
  /** Fields some call goes through, directly or by a local read from one (`rx_handler`). */
  const calledFields = new Set<string>();
  files.forEach((f, fi) => {
    forEachCall(f.calls, (call) => {
      callSites++;
      const caller = (nodeBase[fi] as number) + call.fn;
      const callee = call.callee;
      if ('p' in callee) {
        addToSet(invokes, caller, callee.p);
      } else if ('l' in callee) {
        const params = new Set<number>();
        for (const a of (nodeFact[caller] as FuncFact).aliases?.[callee.l] ?? []) {
          if ('f' in a) calledFields.add(a.f);
          valueFns(a, caller, new Set(), params);
        }
        for (const p of params) addToSet(invokes, caller, p);
      } else if ('field' in callee) {
        calledFields.add(callee.field);
      }
      const register = 'n' in callee ? registerFns.get(callee.n) : undefined;
      const handler = register ? call.args[register.handler] : undefined;
      if (register && handler && 'p' in handler) {
        const key = deferredKey(call, register.key, register.m, fi);
        if (key) {
          const list = paramRegistrations.get(caller) ?? [];
          list.push({ param: handler.p, match: key.match, registrar: (callee as { n: string }).n });
          paramRegistrations.set(caller, list);
        }
      }
      if (!call.args.some((a) => a && ('p' in a || 'l' in a))) return;
      const targets = calleeTargets(callee, fi);
      call.args.forEach((arg, argIndex) => {
        if (!arg) return;
        const params = new Set<number>();
        if ('p' in arg) params.add(arg.p);
        else if ('l' in arg) valueFns(arg, caller, new Set(), params);
        for (const callerParam of params) {
          for (const g of targets) {
            const row = passInto.push(caller, callerParam, argIndex, -1);
            if (passTail[g] === -1) passHead[g] = row;
            else passInto.set(passTail[g] as number, 3, row);
            passTail[g] = row;
          }
        }
      });
    });
  });

  // Fixpoint over a worklist: a function that hands its parameter to one that stores or
  // calls it does so too (netif_napi_add -> netif_napi_add_weight -> napi->poll = poll).
  const work = [...new Set([...invokes.keys(), ...paramStores.keys()])];
  for (let guard = 0; work.length > 0 && guard < 5_000_000; guard++) {
    const g = work.pop() as number;
    for (let row = passHead[g] as number; row >= 0; row = passInto.get(row, 3)) {
      const pt = {
        caller: passInto.get(row, 0),
        callerParam: passInto.get(row, 1),
        argIndex: passInto.get(row, 2),
      };
      let changed = false;
      if (invokes.get(g)?.has(pt.argIndex) && !invokes.get(pt.caller)?.has(pt.callerParam)) {
        addToSet(invokes, pt.caller, pt.callerParam);
        changed = true;
      }
      for (const ps of paramStores.get(g) ?? []) {
        if (ps.param !== pt.argIndex) continue;
        const mine = paramStores.get(pt.caller) ?? [];
        if (mine.some((m) => m.param === pt.callerParam && m.slotKey === ps.slotKey)) continue;
        mine.push({ param: pt.callerParam, slotKey: ps.slotKey, slot: ps.slot, via: ps.via });
        paramStores.set(pt.caller, mine);
        changed = true;
      }
      if (changed) work.push(pt.caller);
    }
  }

  // The closures above keep resolve's locals alive to its end: drop what is done with.
  passInto.clear();
  passHead = passTail = new Int32Array(0);

  // Registrations: calling a storing function with a function argument binds it.
  files.forEach((f, fi) =>
    forEachCall(f.calls, (call) => {
      if ('p' in call.callee || 'l' in call.callee || !call.args.some((a) => a !== null)) return;
      const site = { caller: (nodeBase[fi] as number) + call.fn, fi };
      const name = 'n' in call.callee ? call.callee.n : undefined;
      const targets = calleeTargets(call.callee, site.fi);
      const fileId = strings.id(f.path);
      const register = name === undefined ? undefined : registerFns.get(name);
      if (register) {
        const key = deferredKey(call, register.key, register.m, site.fi);
        const handler = call.args[register.handler];
        if (key && handler) {
          const fns = new Set<number>();
          argFns(handler, site.caller, fns);
          for (const fn of fns) {
            const list = deferredRegistrations.get(key.match) ?? [];
            list.push({ fn, file: fileId, line: call.line, registrar: name as string });
            deferredRegistrations.set(key.match, list);
          }
        }
      }
      for (const g of targets) {
        for (const pr of paramRegistrations.get(g) ?? []) {
          const arg = call.args[pr.param];
          if (!arg) continue;
          const fns = new Set<number>();
          argFns(arg, site.caller, fns);
          const list = deferredRegistrations.get(pr.match) ?? [];
          for (const fn of fns)
            list.push({
              fn,
              file: fileId,
              line: call.line,
              registrar: pr.registrar,
              wrapper: (nodeFact[g] as FuncFact).name,
            });
          if (list.length > 0) deferredRegistrations.set(pr.match, list);
        }
      }
      for (const g of targets) {
        const stores = paramStores.get(g);
        if (!stores) continue;
        for (const ps of stores) {
          const arg = call.args[ps.param];
          if (!arg) continue;
          const [slotKey, slotField] = splitSlot(ps.slotKey);
          const field = 'f' in arg ? arg.f : undefined;
          // A field read passed on binds only a slot some call goes through: `memcpy(dst,
          // match->data, n)` hands of_device_id.data's functions to kasan_report_info.access_addr.
          if (field !== undefined && !calledFields.has(slotField)) continue;
          const source = 'f' in arg ? chainStruct(arg.on, site.fi) : undefined;
          // A slot handed its own functions (`req->base.complete` into a crypto subrequest's) learns nothing.
          if (source && `${source.key}.${field}` === ps.slotKey) continue;
          const fns = new Set<number>();
          if (field !== undefined) slotFns(source, field, fns);
          else valueFns(arg, site.caller, fns, undefined);
          // Through a pointer, the function entered names the registration; a function
          // pointer read from a field says which (`vp_setup_vq from virtqueue_info.callback`).
          const registrar = name ?? (nodeFact[g] as FuncFact).name;
          const via = source ? `${registrar} from ${source.name}.${field}` : registrar;
          for (const fn of fns) {
            addBinding(slotKey === '?' ? undefined : slotKey, slotField, {
              fn,
              file: fileId,
              line: call.line,
              slot: ps.slot,
              via,
            });
          }
        }
      }
    }),
  );

  seenBinding.clear(); // no binding is added from here on

  // A slot may bind one function in many places (e1000e's poll in its own file, a copy of
  // neigh_ops.output in an s390 driver, virtio_net's queue callback by virtio-pci and by
  // User-mode Linux): an edge explains itself with the first, so put first the bindings
  // made in the function's own file, then in its folder, and those of other architectures
  // than x86 and of tools/ last.
  const rankBinding = (b: Binding): number => {
    const fnPath = (files[nodeFileIdx[b.fn] as number] as FileFacts).path;
    const at = strings.list[b.file] as string;
    return at === fnPath ? 0 : dirOf(at) === dirOf(fnPath) ? 1 : fileTier(at) < 3 ? 2 : 3;
  };
  for (const map of [bindings, byField, untyped]) {
    for (const list of map.values()) {
      if (list.length < 2) continue;
      const ranked = list.map((b) => ({ b, r: rankBinding(b) })).sort((x, y) => x.r - y.r);
      ranked.forEach((x, i) => (list[i] = x.b));
    }
  }

  // ---- edges ---------------------------------------------------------------------------
  const edges = new EdgeColumns();
  // A function's call sites are consecutive, so duplicates are looked for among its own edges only.
  const seenEdge = new Set<number>();
  let seenFor = -1;
  let unresolved = 0;
  const KIND = (k: EdgeKind): number => EDGE_KINDS.indexOf(k);
  /** `via` as GraphData.viaValues holds it: a text, or a binding whose columns tell the text. */
  const viaText = (text: string): number => strings.id(text);
  const viaOf = (b: Binding, wrapper?: string): number =>
    bindingVia(b.index, wrapper) ?? viaText(`${wrapper}: ${bindingText(b)}`);
  const addEdge = (
    from: number,
    to: number,
    line: number,
    col: number,
    kind: EdgeKind,
    via = -1,
    args?: string[],
  ): void => {
    if (from !== seenFor) {
      seenEdge.clear();
      seenFor = from;
    }
    const key = (to * 4 + KIND(kind)) * 1_048_576 + line;
    if (seenEdge.has(key)) return;
    seenEdge.add(key);
    edges.push(
      from,
      to,
      line,
      col,
      KIND(kind),
      via,
      args ? strings.id(args.join(ARG_SEPARATOR)) : -1,
    );
  };
  // The text of `Graph.via` for an edge through `b` (kept as a text only after an unknown wrapper's name).
  const bindingText = (b: Binding): string =>
    `${b.slot} = ${(nodeFact[b.fn] as FuncFact).name} at ${strings.list[b.file]}:${b.line}${b.via ? ` (${b.via})` : ''}`;

  // Functions that broadcast an event (EVENT_SLOTS): flagged as dead ends.
  const dispatchers = new Set<number>();
  files.forEach((f, fi) =>
    forEachCall(f.calls, (call) => {
      const site = { fi };
      const caller = (nodeBase[fi] as number) + call.fn;
      const callee = call.callee;
      const wrapperVia = call.wrapper;
      if ('n' in callee) {
        const targets = resolveName(callee.n, site.fi);
        const texts = call.texts && TEXT_ARG_CALLS.test(callee.n) ? call.texts : undefined;
        for (const t of targets) {
          if (wrapperVia)
            addEdge(
              caller,
              t,
              call.line,
              call.col,
              'indirect',
              viaText(`${wrapperVia} candidate ${callee.n}`),
            );
          else addEdge(caller, t, call.line, call.col, 'direct', undefined, texts);
        }
        // Calls through a parameter of the callee (NF_HOOK's okfn), attributed to this call site.
        for (const g of targets) {
          const inv = invokes.get(g);
          if (!inv) continue;
          const params = (nodeFact[g] as FuncFact).params;
          for (const p of inv) {
            const arg = call.args[p];
            if (!arg) continue;
            const fns = new Set<number>();
            argFns(arg, caller, fns);
            for (const fn of fns) {
              addEdge(
                caller,
                fn,
                call.line,
                call.col,
                'indirect',
                viaText(
                  `${callee.n}(${params[p] ?? `#${p}`} = ${(nodeFact[fn] as FuncFact).name})`,
                ),
              );
            }
          }
        }
        const raise = raiseFns.get(callee.n);
        const key = raise ? deferredKey(call, raise.key, raise.m, site.fi) : undefined;
        if (raise && key) {
          for (const r of deferredRegistrations.get(key.match) ?? []) {
            addEdge(
              caller,
              r.fn,
              call.line,
              call.col,
              'async',
              viaText(
                `${raise.m.label} ${key.shown}: ${r.registrar}(${key.shown}, ${(nodeFact[r.fn] as FuncFact).name}) at ${strings.list[r.file]}:${r.line}${r.wrapper ? ` (${r.wrapper})` : ''}`,
              ),
            );
          }
        }
      } else if ('field' in callee) {
        const found = fieldBindings(callee.on, callee.field, site.fi);
        if (found.length === 0) {
          unresolved++;
          return;
        }
        // Each function's edge cites its first binding (see rankBinding), or one made in the
        // call site's own folder: vring_interrupt's call reaches skb_recv_done as bound by
        // drivers/virtio's transports, not by a platform driver that also hands it on.
        let cited: Iterable<Binding> = found;
        if (found.length > 1) {
          const here = dirOf(f.path);
          const cite = new Map<number, Binding>();
          for (const b of found) {
            const had = cite.get(b.fn);
            if (
              !had ||
              (dirOf(strings.list[had.file] as string) !== here &&
                dirOf(strings.list[b.file] as string) === here)
            )
              cite.set(b.fn, b);
          }
          cited = cite.values();
        }
        for (const b of cited) {
          addEdge(caller, b.fn, call.line, call.col, 'indirect', viaOf(b, wrapperVia));
        }
        if (found.some((b) => EVENT_SLOTS.has(b.slot))) dispatchers.add(caller);
      } else if ('l' in callee) {
        // A local function pointer: what was assigned to it, or what the field it was read from holds.
        for (const a of (nodeFact[caller] as FuncFact).aliases?.[callee.l] ?? []) {
          if ('f' in a) {
            const found = fieldBindings(a.on, a.f, site.fi);
            for (const b of found) addEdge(caller, b.fn, call.line, call.col, 'indirect', viaOf(b));
            if (found.some((b) => EVENT_SLOTS.has(b.slot))) dispatchers.add(caller);
            continue;
          }
          const fns = new Set<number>();
          valueFns(a, caller, fns, undefined);
          for (const fn of fns)
            addEdge(
              caller,
              fn,
              call.line,
              call.col,
              'indirect',
              viaText(`local ${callee.l} = ${(nodeFact[fn] as FuncFact).name}`),
            );
        }
        const fns = new Set<number>();
        valueFns(callee, caller, fns, undefined);
        if (fns.size === 0 && !invokes.get(caller)) unresolved++;
      }
    }),
  );

  // ---- pack ----------------------------------------------------------------------------
  const e = edges.finish();
  const edgeKind = Uint8Array.from(e.kind);
  const n = nodeFact.length;
  const data: GraphData = {
    strings: StringTable.from([]),
    nodeName: new Int32Array(n),
    nodeFile: new Int32Array(n),
    nodeLine: new Int32Array(n),
    nodeFlags: new Uint8Array(n),
    nodeByName: nameOrder(byName),
    edgeFrom: e.from,
    edgeTo: e.to,
    edgeLine: e.line,
    edgeCol: e.col,
    edgeKind,
    viaEdges: e.viaEdges,
    viaValues: e.viaValues,
    argEdges: e.argEdges,
    argValues: e.argValues,
    ...adjacency(n, e.from, e.to, edgeKind),
    bindSlot: Int32Array.from(allBindings, (b) => strings.id(b.slot)),
    bindFn: Int32Array.from(allBindings, (b) => b.fn),
    bindFile: Int32Array.from(allBindings, (b) => b.file),
    bindLine: Int32Array.from(allBindings, (b) => b.line),
    bindVia: Int32Array.from(allBindings, (b) => (b.via ? strings.id(b.via) : -1)),
    stats: {
      files: files.length,
      functions: 0,
      macros: 0,
      callSites,
      edges: e.from.length,
      indirectEdges: e.kind.filter((k) => k === KIND('indirect')).length,
      asyncEdges: e.kind.filter((k) => k === KIND('async')).length,
      bindings: allBindings.length,
      filesWithErrors: files.filter((f) => f.errors > 0).length,
      filesSkipped: files.filter((f) => f.skipped).length,
      unresolvedPointerCalls: unresolved,
    } satisfies IndexStats,
  };
  for (let i = 0; i < n; i++) {
    const fact = nodeFact[i] as FuncFact;
    data.nodeName[i] = strings.id(fact.name);
    const path = fileOf(i).path;
    data.nodeFile[i] = strings.id(path);
    data.nodeLine[i] = fact.line;
    let variants = 0;
    for (const v of SIDE_VARIANTS)
      if ((!v.name || v.name.test(fact.name)) && (!v.file || v.file.test(path))) variants++;
    data.nodeFlags[i] =
      (fact.macro ? NODE_MACRO : 0) |
      (fact.static ? NODE_STATIC : 0) |
      (DEAD_ENDS.has(fact.name) || dispatchers.has(i) ? NODE_DEAD_END : 0) |
      (Math.min(variants, 3) << NODE_SIDE_VARIANTS_SHIFT);
    if (fact.macro) data.stats.macros++;
    else data.stats.functions++;
  }
  data.strings = StringTable.from(strings.list);
  return data;
}

function addToSet(map: Map<number, Set<number>>, key: number, value: number): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/** `net_device_ops@file.ndo_start_xmit` -> [`net_device_ops@file`, `ndo_start_xmit`]. */
function splitSlot(slotKey: string): [string, string] {
  const i = slotKey.lastIndexOf('.');
  return [slotKey.slice(0, i), slotKey.slice(i + 1)];
}

/**
 * A table of int32 columns that grows by blocks, never by copying: edges and parameter
 * passes number in the millions on the whole tree, so never one object each (and doubling
 * arrays would cost hundreds of MB at the peak).
 */
class IntColumns {
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

/**
 * Edges as columns: dense ones for what every edge has, sparse ones (edge id, value) for
 * `via` and argument texts, which few edges have. Call sites are visited file by file and
 * function by function, and node ids follow the same order, so edges arrive grouped by
 * caller; `finish` checks that and sorts only if it is not so.
 */
class EdgeColumns {
  private readonly table = new IntColumns(5);
  private readonly via = new IntColumns(2);
  private readonly args = new IntColumns(2);

  push(
    from: number,
    to: number,
    line: number,
    col: number,
    kind: number,
    via: number,
    args: number,
  ): void {
    if (via !== -1) this.via.push(this.table.size, via);
    if (args !== -1) this.args.push(this.table.size, args);
    this.table.push(from, to, line, col, kind);
  }

  finish(): {
    from: Int32Array;
    to: Int32Array;
    line: Int32Array;
    col: Int32Array;
    kind: Int32Array;
    viaEdges: Int32Array;
    viaValues: Int32Array;
    argEdges: Int32Array;
    argValues: Int32Array;
  } {
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
    const cols = [from];
    for (let k = 1; k < 5; k++) cols.push(this.table.pack(k));
    const [f, to, line, col, kind] = (
      order ? cols.map((c) => Int32Array.from(order, (i) => c[i] as number)) : cols
    ) as [Int32Array, Int32Array, Int32Array, Int32Array, Int32Array];
    // A sparse column's edge ids follow the edges to their sorted places: spread it to one
    // value per edge, reorder that like the dense columns, and gather it again.
    const sparse = (table: IntColumns): [Int32Array, Int32Array] => {
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
    };
    const [viaEdges, viaValues] = sparse(this.via);
    const [argEdges, argValues] = sparse(this.args);
    return { from: f, to, line, col, kind, viaEdges, viaValues, argEdges, argValues };
  }
}
