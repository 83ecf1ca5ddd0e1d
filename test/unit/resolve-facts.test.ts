// resolve() on hand-written facts: a driver and a core written as the facts extraction
// would give, each rule of resolution seen on the graph it builds (names, a field call
// through a typed chain, registration through a parameter, an invoker of its parameter,
// a softirq raise), with nothing parsed.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../src/analysis/index/graph';
import { resolve } from '../../src/analysis/index/resolve';
import { call, fileFacts, func } from '../helpers/facts';

const NETDEV_H = fileFacts('include/linux/netdevice.h', {
  structs: [
    { name: 'net_device', line: 10, fields: { netdev_ops: 'net_device_ops' } },
    { name: 'net_device_ops', line: 20, fields: { ndo_start_xmit: '' } },
    { name: 'napi_struct', line: 30, fields: { poll: '' } },
  ],
});

const DEV_C = fileFacts('net/core/dev.c', {
  includes: ['linux/netdevice.h'],
  funcs: [
    func('netif_napi_add', 100, ['dev', 'napi', 'poll']),
    func('netif_napi_add_weight', 110, ['dev', 'napi', 'poll', 'weight']),
    func('dev_hard_start_xmit', 120, ['skb', 'dev']),
    func('napi_poll', 130, ['n']),
    func('net_rx_action', 140, ['h'], { static: true }),
    func('net_dev_init', 150),
    func('NF_HOOK', 160, ['pf', 'hook', 'okfn']),
    func('ip_rcv', 170, ['skb']),
    func('ip_rcv_finish', 180, ['skb'], { static: true }),
  ],
  calls: [
    call(0, 102, { n: 'netif_napi_add_weight' }, [{ p: 0 }, { p: 1 }, { p: 2 }, null]),
    call(
      2,
      122,
      { field: 'ndo_start_xmit', on: { root: { t: 'net_device' }, path: ['netdev_ops'] } },
      [null, null],
    ),
    call(3, 132, { field: 'poll', on: { root: { t: 'napi_struct' }, path: [] } }, [null, null]),
    call(5, 152, { n: 'open_softirq' }, [null, { n: 'net_rx_action' }], {
      keys: ['NET_RX_SOFTIRQ', null],
    }),
    call(6, 162, { p: 2 }, [null]),
    call(7, 172, { n: 'NF_HOOK' }, [null, null, { n: 'ip_rcv_finish' }]),
  ],
  stores: [
    {
      fn: 1,
      line: 112,
      on: { root: { t: 'napi_struct' }, path: [] },
      field: 'poll',
      value: { p: 2 },
    },
  ],
});

const FOO_C = fileFacts('drivers/net/foo/foo.c', {
  includes: ['linux/netdevice.h'],
  funcs: [
    func('foo_xmit', 10, ['skb', 'dev'], { static: true }),
    func('foo_poll', 20, ['napi', 'budget'], { static: true }),
    func('foo_probe', 30, ['pdev']),
    func('foo_intr', 40, ['irq', 'data'], { static: true }),
  ],
  calls: [
    call(2, 32, { n: 'netif_napi_add' }, [null, null, { n: 'foo_poll' }]),
    call(3, 42, { n: 'raise_softirq' }, [null], { keys: ['NET_RX_SOFTIRQ'] }),
  ],
  stores: [
    {
      fn: -1,
      line: 50,
      on: { root: { t: 'net_device_ops' }, path: [] },
      field: 'ndo_start_xmit',
      value: { n: 'foo_xmit' },
    },
  ],
});

// Another struct's field of the same name: a call typed along its chain never reaches it.
const BAR_C = fileFacts('drivers/net/bar/bar.c', {
  funcs: [func('bar_xmit', 10)],
  calls: [call(0, 12, { n: 'foo_xmit' })],
  stores: [
    {
      fn: -1,
      line: 20,
      on: { root: { t: 'bar_ops' }, path: [] },
      field: 'ndo_start_xmit',
      value: { n: 'bar_xmit' },
    },
  ],
});

const graph = new Graph(resolve([NETDEV_H, DEV_C, FOO_C, BAR_C]));

/** The edges out of `from` (a unique name) as `to kind via`. */
function edgesFrom(from: string): string[] {
  const [node] = graph.lookup(from);
  assert.ok(node !== undefined, `${from} is a node`);
  return [...graph.outgoing(node)].map(
    (e) => `${graph.name(graph.to(e))} ${graph.kind(e)}${graph.via(e) ? ` ${graph.via(e)}` : ''}`,
  );
}

describe('resolve() on hand-written facts', () => {
  it('makes a node of every function, numbered file by file', () => {
    assert.equal(graph.nodeCount, 9 + 4 + 1);
    assert.deepEqual(
      graph.lookup('foo_poll').map((n) => graph.file(n)),
      ['drivers/net/foo/foo.c'],
    );
  });

  it('calls a name directly, and never a static function of another .c file', () => {
    assert.deepEqual(edgesFrom('netif_napi_add'), ['netif_napi_add_weight direct']);
    assert.deepEqual(edgesFrom('bar_xmit'), []);
  });

  it('calls through a field typed along its chain to what an initializer stored there', () => {
    assert.deepEqual(edgesFrom('dev_hard_start_xmit'), [
      'foo_xmit indirect net_device_ops.ndo_start_xmit = foo_xmit at drivers/net/foo/foo.c:50',
    ]);
  });

  it('binds what a caller hands a storing function, through the function that passes it on', () => {
    assert.deepEqual(edgesFrom('napi_poll'), [
      'foo_poll indirect napi_struct.poll = foo_poll at drivers/net/foo/foo.c:32 (netif_napi_add)',
    ]);
  });

  it("attributes a call through a parameter to the invoker's caller", () => {
    assert.deepEqual(edgesFrom('ip_rcv'), [
      'NF_HOOK direct',
      'ip_rcv_finish indirect NF_HOOK(okfn = ip_rcv_finish)',
    ]);
    assert.deepEqual(edgesFrom('NF_HOOK'), []);
  });

  it('reaches the handler of a raised softirq by an async edge', () => {
    assert.deepEqual(edgesFrom('foo_intr'), [
      'net_rx_action async softirq NET_RX_SOFTIRQ: open_softirq(NET_RX_SOFTIRQ, net_rx_action) at net/core/dev.c:152',
    ]);
  });

  it('counts what it found', () => {
    const s = graph.data.stats;
    assert.deepEqual(
      [s.files, s.functions, s.callSites, s.edges, s.indirectEdges, s.asyncEdges, s.bindings],
      [4, 14, 9, 7, 3, 1, 3],
    );
    assert.equal(s.unresolvedPointerCalls, 0);
  });
});
