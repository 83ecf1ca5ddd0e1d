// The resolver's stages called alone on hand-written facts: name visibility, struct types,
// the binding table, the parameter fixpoint and the edge columns, each pinned by the rule
// it implements (ARCHITECTURE.md, "How an indirect call becomes an edge").

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileFacts, TypeChain } from '../../src/analysis/index/facts';
import {
  BindingTable,
  UNTYPED_FANOUT_LIMIT,
  bindingRank,
} from '../../src/analysis/index/resolve/binding-table';
import { EdgeTable, Strings } from '../../src/analysis/index/resolve/columns';
import { NameResolver, Nodes, forEachCallSite } from '../../src/analysis/index/resolve/names';
import { ParamFlow } from '../../src/analysis/index/resolve/params';
import { bindStores } from '../../src/analysis/index/resolve/stores';
import { TypeIndex } from '../../src/analysis/index/resolve/types';
import { Values } from '../../src/analysis/index/resolve/values';
import { call, fileFacts, func } from '../helpers/facts';

/** The stages before the parameter fixpoint, over `files`. */
function stages(files: FileFacts[]): {
  nodes: Nodes;
  names: NameResolver;
  types: TypeIndex;
  table: BindingTable;
  values: Values;
  strings: Strings;
} {
  const nodes = new Nodes(files);
  const names = new NameResolver(files, nodes);
  const types = new TypeIndex(files, nodes, names);
  const table = new BindingTable(types);
  const values = new Values(nodes, names, types, table);
  return { nodes, names, types, table, values, strings: new Strings() };
}

/** `file:name` of each node. */
function where(nodes: Nodes, list: readonly number[]): string[] {
  return list.map((n) => `${nodes.pathOf(n)}:${nodes.fact(n).name}`);
}

describe('name visibility (names.ts)', () => {
  const files = [
    fileFacts('net/core/helper.c', {
      funcs: [func('helper', 1), func('lonely', 5, [], { static: true })],
    }),
    fileFacts('include/linux/helper.h', { funcs: [func('helper', 1, [], { static: true })] }),
    fileFacts('arch/arm64/kernel/helper.c', { funcs: [func('helper', 1), func('arch_only', 9)] }),
    fileFacts('arch/x86/kernel/helper.c', { funcs: [func('arch_only', 9)] }),
    fileFacts('net/ipv4/user.c', { includes: ['linux/helper.h'], funcs: [func('helper', 30)] }),
    fileFacts('net/ipv4/other.c', { includes: ['linux/helper.h'] }),
    fileFacts('net/core/neighbour.c'),
    fileFacts('drivers/net/far.c'),
    fileFacts('drivers/net/8390/lib8390.c', { funcs: [func('ei_open', 3, [], { static: true })] }),
    fileFacts('drivers/net/8390/8390.c', { includes: ['"lib8390.c"'] }),
    fileFacts('drivers/net/8390/other.c'),
  ];
  const { nodes, names } = stages(files);
  const seen = (name: string, from: string): string[] =>
    where(
      nodes,
      names.resolve(
        name,
        files.findIndex((f) => f.path === from),
      ),
    );

  it("sees the file's own definition first", () => {
    assert.deepEqual(seen('helper', 'net/ipv4/user.c'), ['net/ipv4/user.c:helper']);
  });

  it('then the one of a header it includes', () => {
    assert.deepEqual(seen('helper', 'net/ipv4/other.c'), ['include/linux/helper.h:helper']);
  });

  it('then the one of its own folder', () => {
    assert.deepEqual(seen('helper', 'net/core/neighbour.c'), ['net/core/helper.c:helper']);
  });

  it('then the others, those of another architecture last', () => {
    assert.deepEqual(seen('helper', 'drivers/net/far.c'), [
      'net/core/helper.c:helper',
      'include/linux/helper.h:helper',
      'net/ipv4/user.c:helper',
    ]);
    assert.deepEqual(seen('arch_only', 'drivers/net/far.c'), [
      'arch/x86/kernel/helper.c:arch_only',
    ]);
  });

  it('never sees a static function of another .c file, unless it includes that file', () => {
    assert.deepEqual(seen('lonely', 'net/core/neighbour.c'), []);
    assert.deepEqual(seen('lonely', 'net/core/helper.c'), ['net/core/helper.c:lonely']);
    assert.deepEqual(seen('ei_open', 'drivers/net/8390/8390.c'), [
      'drivers/net/8390/lib8390.c:ei_open',
    ]);
    assert.deepEqual(seen('ei_open', 'drivers/net/8390/other.c'), []);
  });
});

describe('struct types (types.ts)', () => {
  const sock = (path: string): TypeChain => ({
    root: { t: 'sock_t' },
    path: path ? path.split('.') : [],
  });
  const files = [
    fileFacts('include/net/sock.h', {
      typedefs: { sock_t: 'sock' },
      structs: [
        { name: 'sock', line: 1, fields: { __sk_common: 'sock_common' } },
        { name: 'sock_common', line: 9, fields: { skc_prot: 'proto' } },
        { name: 'proto', line: 20, fields: {} },
      ],
      fieldMacros: { sk_prot: ['__sk_common', 'skc_prot'] },
    }),
    fileFacts('drivers/net/e1000/e1000.h', {
      structs: [{ name: 'e1000_adapter', line: 1, fields: {} }],
    }),
    fileFacts('drivers/net/e1000e/e1000.h', {
      structs: [{ name: 'e1000_adapter', line: 1, fields: {} }],
    }),
    fileFacts('drivers/net/e1000e/netdev.c'),
  ];
  const { types } = stages(files);

  it('follows typedefs and fields, and a field macro along its path', () => {
    assert.deepEqual(types.chainStruct(sock('__sk_common.skc_prot'), 0), {
      key: 'proto',
      name: 'proto',
    });
    assert.deepEqual(types.chainStruct(sock('sk_prot'), 0), { key: 'proto', name: 'proto' });
    assert.equal(types.chainStruct(sock('no_such_field'), 0), undefined);
  });

  it('of two structs of one name, takes the nearest by directory', () => {
    assert.deepEqual(types.chainStruct({ root: { t: 'e1000_adapter' }, path: [] }, 3), {
      key: 'e1000_adapter@drivers/net/e1000e/e1000.h',
      name: 'e1000_adapter',
    });
  });
});

describe('the binding table (binding-table.ts)', () => {
  const ops: TypeChain = { root: { t: 'ops' }, path: [] };
  const files = [
    fileFacts('include/ops.h', { structs: [{ name: 'ops', line: 1, fields: { run: '' } }] }),
    fileFacts('drivers/a/a.c', {
      funcs: Array.from({ length: 30 }, (_, i) => func(`f${i}`, i + 1)),
    }),
  ];

  it('answers a field of an unknown struct by name only when few functions are bound to it', () => {
    const { table } = stages(files);
    const unknown: TypeChain = { root: { none: true }, path: [] };
    for (let fn = 0; fn < UNTYPED_FANOUT_LIMIT; fn++)
      table.add(undefined, 'run', { fn, file: 0, line: fn, slot: '?.run' });
    assert.equal(table.field(unknown, 'run', 1).length, UNTYPED_FANOUT_LIMIT);
    table.add(undefined, 'run', { fn: 29, file: 0, line: 99, slot: '?.run' });
    assert.deepEqual(table.field(unknown, 'run', 1), []);
  });

  it("puts first the bindings made in the function's own file, then in its folder, other architectures last", () => {
    const { table, nodes, strings } = stages(files);
    const at = (path: string, line: number): void =>
      table.add('ops', 'run', { fn: 0, file: strings.id(path), line, slot: 'ops.run' });
    at('arch/arm/a.c', 1);
    at('net/b.c', 2);
    at('drivers/a/c.c', 3);
    at('drivers/a/a.c', 4);
    table.seal(bindingRank(nodes, strings));
    assert.deepEqual(
      table.field(ops, 'run', 1).map((b) => b.line),
      [4, 3, 2, 1],
    );
  });
});

describe('the parameter fixpoint (params.ts)', () => {
  // reg_outer(fn) -> reg_middle(fn) -> reg_inner(fn): `ops->run = fn`; call_outer(cb) ->
  // call_inner(cb): `cb()`.
  const files = [
    fileFacts('include/ops.h', { structs: [{ name: 'ops', line: 1, fields: { run: '' } }] }),
    fileFacts('lib/reg.c', {
      funcs: [
        func('reg_inner', 10, ['o', 'fn']),
        func('reg_middle', 20, ['fn']),
        func('reg_outer', 30, ['x', 'fn']),
        func('call_inner', 40, ['cb']),
        func('call_outer', 50, ['cb']),
      ],
      stores: [
        { fn: 0, line: 11, on: { root: { t: 'ops' }, path: [] }, field: 'run', value: { p: 1 } },
      ],
      calls: [
        call(1, 21, { n: 'reg_inner' }, [null, { p: 0 }]),
        call(2, 31, { n: 'reg_middle' }, [{ p: 1 }]),
        call(3, 41, { p: 0 }),
        call(4, 51, { n: 'call_inner' }, [{ p: 0 }]),
      ],
    }),
  ];

  function solved(): ReturnType<ParamFlow['solve']> & { node: (name: string) => number } {
    const s = stages(files);
    const paramStores = bindStores(files, s);
    const flow = new ParamFlow(s.nodes, s.values, paramStores);
    forEachCallSite(s.nodes, (c, caller, fi) => flow.scan(c, caller, fi));
    const node = (name: string): number => s.nodes.byName.get(name)?.[0] as number;
    return { ...flow.solve(), node };
  }

  it('makes a function that hands its parameter to a storing one store it too, transitively', () => {
    const { paramStores, node } = solved();
    const stores = (name: string): string[] =>
      (paramStores.get(node(name)) ?? []).map((p) => `${p.param} ${p.slotKey} ${p.via}`);
    assert.deepEqual(stores('reg_inner'), ['1 ops.run reg_inner']);
    assert.deepEqual(stores('reg_middle'), ['0 ops.run reg_inner']);
    assert.deepEqual(stores('reg_outer'), ['1 ops.run reg_inner']);
  });

  it('makes a function that hands its parameter to an invoker an invoker of it', () => {
    const { invokes, node, callSites } = solved();
    assert.deepEqual([...(invokes.get(node('call_inner')) ?? [])], [0]);
    assert.deepEqual([...(invokes.get(node('call_outer')) ?? [])], [0]);
    assert.equal(invokes.get(node('reg_outer')), undefined);
    assert.equal(callSites, 4);
  });
});

describe('the edge columns (columns.ts)', () => {
  it('sorts edges by caller, keeping each via and argument text with its edge', () => {
    const table = new EdgeTable();
    table.push(2, 0, 10, 1, 0, -1, 7);
    table.push(0, 1, 11, 1, 1, 5, -1);
    table.push(1, 2, 12, 1, 2, 6, -1);
    table.push(0, 3, 13, 1, 0, -1, -1);
    const e = table.finish();
    assert.deepEqual([...e.from], [0, 0, 1, 2]);
    assert.deepEqual([...e.line], [11, 13, 12, 10]);
    assert.deepEqual([...e.kind], [1, 0, 2, 0]);
    assert.deepEqual([...e.viaEdges], [0, 2]);
    assert.deepEqual([...e.viaValues], [5, 6]);
    assert.deepEqual([...e.argEdges], [3]);
    assert.deepEqual([...e.argValues], [7]);
  });

  it('gives each string one id, and none once sealed', () => {
    const strings = new Strings();
    assert.deepEqual([strings.id('a'), strings.id('b'), strings.id('a')], [0, 1, 0]);
    assert.deepEqual(strings.seal(), ['a', 'b']);
    assert.throws(() => strings.id('c'), /sealed/);
  });
});
