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
//
// Each stage is a module of resolve/, run in this order (a later stage sees the bindings
// an earlier one made): configure (with a configuration only), names (nodes, visibility), types, stores (bindings and copies),
// params (the fixpoint), registrations (and deferred), edges, pack. What a stage builds
// lives as long as the stages that read it: `link` returns only what packing needs, so
// the type and binding tables are garbage before the graph's columns are made.

import type { FileFacts } from './facts';
import type { GraphData } from './graph';
import { BindingTable, bindingRank } from './resolve/binding-table';
import { Strings } from './resolve/columns';
import { DeferredCalls } from './resolve/deferred';
import {
  type AppliedConfiguration,
  type FactsSource,
  configure,
  factsSource,
} from './resolve/configure';
import { linkCalls } from './resolve/edges';
import { NameResolver, Nodes, forEachCallSite } from './resolve/names';
import type { Linked } from './resolve/pack';
import { bindingColumns, pack } from './resolve/pack';
import { ParamFlow } from './resolve/params';
import { bindRegistrations } from './resolve/registrations';
import { bindStores } from './resolve/stores';
import { TypeIndex } from './resolve/types';
import { Values } from './resolve/values';

/**
 * Resolves the facts of every file into one graph: the union of every configuration, or
 * with `applied`, the kernel that configuration builds (configure.ts keeps its facts
 * first, reading only those of the files it builds from a FactsSource; the nodes then
 * know whether they are built in or a module).
 */
export function resolve(all: FileFacts[] | FactsSource, applied?: AppliedConfiguration): GraphData {
  const configured = applied
    ? configure(Array.isArray(all) ? factsSource(all) : all, applied)
    : undefined;
  const files =
    configured?.files ?? (Array.isArray(all) ? all : all.paths.map((_, i) => all.facts(i)));
  const strings = new Strings();
  const nodes = new Nodes(files);
  const linked = link(nodes, strings);
  return pack(files, nodes, strings, linked, configured);
}

/** The stages between the nodes and the packing: bindings, parameters, edges. */
function link(nodes: Nodes, strings: Strings): Linked {
  const files = nodes.files;
  const names = new NameResolver(files, nodes);
  const types = new TypeIndex(files, nodes, names);
  const table = new BindingTable(types);
  const values = new Values(nodes, names, types, table);
  const paramStores = bindStores(files, { nodes, names, types, values, table, strings });

  const deferred = new DeferredCalls(nodes, types, values, strings);
  const scan = new ParamFlow(nodes, values, paramStores);
  forEachCallSite(nodes, (call, caller, fi) => {
    scan.scan(call, caller, fi);
    deferred.noteParamRegistration(call, caller, fi);
  });
  const flow = scan.solve();
  bindRegistrations({ nodes, types, values, table, deferred, strings, flow });
  table.seal(bindingRank(nodes, strings));

  const ctx = { nodes, names, values, table, deferred, strings, invokes: flow.invokes };
  const { edges, dispatchers, unresolved } = linkCalls(ctx);
  const bindings = bindingColumns(table.all, strings);
  return { edges, bindings, dispatchers, unresolved, callSites: flow.callSites };
}
