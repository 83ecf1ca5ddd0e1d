// Resolution rules of ARCHITECTURE.md that the kernel-mini fixture leaves unguarded, each on
// hand-written facts small enough to show the rule alone: typedefs followed to the slot's
// struct, the binding an edge cites when a function is bound in several places, and a
// function pointer read from a field and handed to a storing function, and the candidates
// an INDIRECT_CALL_* wrapper names. Each was found by a
// knock-out (scripts/knockouts.mjs) that no test noticed.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EXTRACT_QUERY } from '../../src/analysis/index/extract';
import { Graph } from '../../src/analysis/index/graph';
import { extractFacts } from '../../src/analysis/index/parse-file';
import { loadCParser } from '../../src/analysis/index/parser';
import { resolve } from '../../src/analysis/index/resolve';
import { call, fileFacts, func } from '../helpers/facts';

const NETDEV_H = fileFacts('include/linux/netdevice.h', {
  structs: [
    { name: 'net_device', line: 10, fields: { netdev_ops: 'net_device_ops' } },
    { name: 'net_device_ops', line: 20, fields: { ndo_start_xmit: '', ndo_open: '' } },
  ],
  // typedef struct net_device_ops netdev_ops_t;
  typedefs: { netdev_ops_t: 'net_device_ops' },
  funcs: [func('netdev_priv', 40, ['dev'], { static: true })],
});

const DEV_C = fileFacts('net/core/dev.c', {
  includes: ['linux/netdevice.h'],
  funcs: [func('dev_hard_start_xmit', 100, ['skb', 'dev']), func('dev_open', 110, ['dev'])],
  calls: [
    call(
      0,
      102,
      { field: 'ndo_start_xmit', on: { root: { t: 'net_device' }, path: ['netdev_ops'] } },
      [null, null],
    ),
    call(1, 112, { field: 'ndo_open', on: { root: { t: 'net_device' }, path: ['netdev_ops'] } }, [
      null,
    ]),
  ],
});

// A glue file, listed first, also binds qux's xmit: the edge cites the binding in qux's own file.
const GLUE_C = fileFacts('drivers/net/glue/glue.c', {
  includes: ['linux/netdevice.h'],
  stores: [
    {
      fn: -1,
      line: 5,
      on: { root: { t: 'net_device_ops' }, path: [] },
      field: 'ndo_start_xmit',
      value: { n: 'qux_xmit' },
    },
  ],
});

const QUX_C = fileFacts('drivers/net/qux/qux.c', {
  includes: ['linux/netdevice.h'],
  funcs: [
    func('qux_xmit', 10, ['skb', 'dev']),
    func('qux_open', 20, ['dev'], { static: true }),
    func('qux_probe', 50, ['pdev']),
    func('qux_helper', 60, [], { static: true }),
  ],
  // Each name is defined in several places: which one each call reaches is rule 7's choice.
  calls: [
    call(2, 51, { n: 'qux_helper' }),
    call(2, 52, { n: 'netdev_priv' }),
    call(2, 53, { n: 'qux_reset' }),
    call(2, 54, { n: 'other_static' }),
    call(2, 55, { n: 'lib_static' }),
  ],
  stores: [
    {
      fn: -1,
      line: 30,
      on: { root: { t: 'net_device_ops' }, path: [] },
      field: 'ndo_start_xmit',
      value: { n: 'qux_xmit' },
    },
    // static const netdev_ops_t qux_ops = { .ndo_open = qux_open }: the slot through a typedef.
    {
      fn: -1,
      line: 40,
      on: { root: { t: 'netdev_ops_t' }, path: [] },
      field: 'ndo_open',
      value: { n: 'qux_open' },
    },
  ],
});

// qux's library beside it, another driver's folder, and the header qux.c includes.
const QUX_LIB_C = fileFacts('drivers/net/qux/qux_lib.c', {
  funcs: [
    func('qux_helper', 10),
    func('netdev_priv', 20),
    func('qux_reset', 30),
    func('other_static', 40, [], { static: true }),
    func('lib_static', 50, [], { static: true }),
  ],
});

const OTHER_C = fileFacts('drivers/net/other/other.c', {
  funcs: [func('qux_reset', 10), func('other_static', 20, [], { static: true })],
});

// virtio's shape: the driver hands its callback in a virtqueue_info; the transport passes
// vqi->callback on to a function that stores its parameter in virtqueue.callback.
const VIRTIO_H = fileFacts('include/linux/virtio.h', {
  structs: [
    { name: 'virtqueue', line: 10, fields: { callback: '' } },
    { name: 'virtqueue_info', line: 20, fields: { callback: '' } },
    // Another struct's field of the same name: never a guess by field name.
    { name: 'other_info', line: 30, fields: { callback: '' } },
  ],
});

const VIRTIO_C = fileFacts('drivers/virtio/virtio_pci.c', {
  includes: ['linux/virtio.h'],
  funcs: [
    func('setup_vq', 10, ['vq', 'cb']),
    func('find_one_vq', 20, ['vqi']),
    func('vring_interrupt', 30, ['vq']),
  ],
  calls: [
    call(1, 22, { n: 'setup_vq' }, [
      null,
      { f: 'callback', on: { root: { t: 'virtqueue_info' }, path: [] } },
    ]),
    call(2, 32, { field: 'callback', on: { root: { t: 'virtqueue' }, path: [] } }, [null]),
  ],
  stores: [
    {
      fn: 0,
      line: 12,
      on: { root: { t: 'virtqueue' }, path: [] },
      field: 'callback',
      value: { p: 1 },
    },
  ],
});

const NET_C = fileFacts('drivers/net/vnet.c', {
  includes: ['linux/virtio.h'],
  funcs: [
    func('recv_done', 10, ['vq'], { static: true }),
    func('other_done', 20, ['x'], { static: true }),
  ],
  stores: [
    {
      fn: -1,
      line: 30,
      on: { root: { t: 'virtqueue_info' }, path: [] },
      field: 'callback',
      value: { n: 'recv_done' },
    },
    {
      fn: -1,
      line: 40,
      on: { root: { t: 'other_info' }, path: [] },
      field: 'callback',
      value: { n: 'other_done' },
    },
  ],
});

const graph = new Graph(
  resolve([NETDEV_H, DEV_C, GLUE_C, QUX_C, QUX_LIB_C, OTHER_C, VIRTIO_H, VIRTIO_C, NET_C]),
);

/** The edges out of `from` (a unique name) as `to kind via`. */
function edgesFrom(from: string): string[] {
  const [node] = graph.lookup(from);
  assert.ok(node !== undefined, `${from} is a node`);
  return [...graph.outgoing(node)].map(
    (e) => `${graph.name(graph.to(e))} ${graph.kind(e)}${graph.via(e) ? ` ${graph.via(e)}` : ''}`,
  );
}

describe('resolution rules on hand-written facts', () => {
  it('calls the definition a file sees: its own, then its header, then its folder; never a static of another .c file', () => {
    const [probe] = graph.lookup('qux_probe');
    assert.ok(probe !== undefined);
    assert.deepEqual(
      [...graph.outgoing(probe)].map(
        (e) => `${graph.edgeLine(e)} ${graph.file(graph.to(e))}:${graph.name(graph.to(e))}`,
      ),
      [
        '51 drivers/net/qux/qux.c:qux_helper',
        '52 include/linux/netdevice.h:netdev_priv',
        '53 drivers/net/qux/qux_lib.c:qux_reset',
      ],
    );
  });

  it('follows a typedef to the struct whose slot an initializer fills', () => {
    assert.deepEqual(edgesFrom('dev_open'), [
      'qux_open indirect net_device_ops.ndo_open = qux_open at drivers/net/qux/qux.c:40',
    ]);
  });

  it("cites, of a function's bindings, the one made in its own file", () => {
    assert.deepEqual(edgesFrom('dev_hard_start_xmit'), [
      'qux_xmit indirect net_device_ops.ndo_start_xmit = qux_xmit at drivers/net/qux/qux.c:30',
    ]);
  });

  it('binds what a field read handed to a storing function holds, and says from which slot', () => {
    assert.deepEqual(edgesFrom('vring_interrupt'), [
      'recv_done indirect virtqueue.callback = recv_done at drivers/virtio/virtio_pci.c:22 (setup_vq from virtqueue_info.callback)',
    ]);
  });
});

describe('resolution rules on C extracted from source', () => {
  let parsed: Graph;
  before(async () => {
    const cparser = await loadCParser();
    const query = cparser.query(EXTRACT_QUERY);
    // The candidates are bound nowhere: only INDIRECT_CALL_2's names give the edges.
    const source = [
      'struct proto_handler { int (*handler)(struct sk_buff *skb); };',
      'int tcp_rcv(struct sk_buff *skb) { return 0; }',
      'int udp_rcv(struct sk_buff *skb) { return 0; }',
      'int deliver(struct proto_handler *p, struct sk_buff *skb)',
      '{',
      '\treturn INDIRECT_CALL_2(p->handler, tcp_rcv, udp_rcv, skb);',
      '}',
      '',
    ].join('\n');
    const f = extractFacts('net/ipv4/deliver.c', source, cparser, query);
    query.delete();
    parsed = new Graph(resolve([f]));
  });

  it('gives an INDIRECT_CALL_* call an edge to each candidate it names', () => {
    const [deliver] = parsed.lookup('deliver');
    assert.ok(deliver !== undefined);
    assert.deepEqual(
      [...parsed.outgoing(deliver)]
        .map((e) => `${parsed.name(parsed.to(e))} ${parsed.kind(e)} ${parsed.via(e) ?? ''}`)
        .sort(),
      [
        'tcp_rcv indirect INDIRECT_CALL_2 candidate tcp_rcv',
        'udp_rcv indirect INDIRECT_CALL_2 candidate udp_rcv',
      ],
    );
  });
});

describe('a wait-queue entry bound through init_waitqueue_func_entry, on C extracted from source', () => {
  let parsed: Graph;
  before(async () => {
    const cparser = await loadCParser();
    const query = cparser.query(EXTRACT_QUERY);
    // include/linux/wait.h stores its parameter in the entry's field; fs/eventpoll.c hands
    // it ep_poll_callback; the wake-up calls the field of each entry on the queue.
    const waitH = [
      'typedef int (*wait_queue_func_t)(struct wait_queue_entry *wq_entry, unsigned mode, int flags, void *key);',
      'struct wait_queue_entry {',
      '\tunsigned int flags;',
      '\tvoid *private;',
      '\twait_queue_func_t func;',
      '};',
      'static inline void',
      'init_waitqueue_func_entry(struct wait_queue_entry *wq_entry, wait_queue_func_t func)',
      '{',
      '\twq_entry->flags\t\t= 0;',
      '\twq_entry->private\t= NULL;',
      '\twq_entry->func\t\t= func;',
      '}',
      '',
    ].join('\n');
    const waitC = [
      '#include <linux/wait.h>',
      'static int __wake_up_common(struct wait_queue_head *wq_head, unsigned int mode, void *key)',
      '{',
      '\tstruct wait_queue_entry *curr, *next;',
      '\tlist_for_each_entry_safe_from(curr, next, &wq_head->head, entry) {',
      '\t\tint ret = curr->func(curr, mode, 0, key);',
      '\t}',
      '\treturn 0;',
      '}',
      '',
    ].join('\n');
    const eventpollC = [
      '#include <linux/wait.h>',
      'struct eppoll_entry { struct wait_queue_entry wait; };',
      'static int ep_poll_callback(struct wait_queue_entry *wait, unsigned mode, int sync, void *key)',
      '{',
      '\treturn 1;',
      '}',
      'static void ep_ptable_queue_proc(struct file *file, struct wait_queue_head *whead)',
      '{',
      '\tstruct eppoll_entry *pwq = kmem_cache_alloc(pwq_cache, GFP_KERNEL);',
      '\tinit_waitqueue_func_entry(&pwq->wait, ep_poll_callback);',
      '}',
      '',
    ].join('\n');
    const files = [
      extractFacts('include/linux/wait.h', waitH, cparser, query),
      extractFacts('kernel/sched/wait.c', waitC, cparser, query),
      extractFacts('fs/eventpoll.c', eventpollC, cparser, query),
    ];
    query.delete();
    parsed = new Graph(resolve(files));
  });

  it("binds the function to wait_queue_entry.func at the call, and the wake-up's pointer call reaches it", () => {
    const [wake] = parsed.lookup('__wake_up_common');
    assert.ok(wake !== undefined);
    assert.deepEqual(
      [...parsed.outgoing(wake)]
        .filter((e) => parsed.kind(e) === 'indirect')
        .map((e) => `${parsed.name(parsed.to(e))} ${parsed.via(e) ?? ''}`),
      [
        'ep_poll_callback wait_queue_entry.func = ep_poll_callback at fs/eventpoll.c:10 (init_waitqueue_func_entry)',
      ],
    );
  });
});
