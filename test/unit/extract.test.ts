// Extraction of one file's facts, on small sources in the kernel's idioms.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Query } from 'web-tree-sitter';
import { EXTRACT_QUERY } from '../../src/analysis/index/extract';
import type { CallFact, FileFacts } from '../../src/analysis/index/facts';
import { forEachCall } from '../../src/analysis/index/facts';
import { extractFacts } from '../../src/analysis/index/parse-file';
import type { CParser } from '../../src/analysis/index/parser';
import { loadCParser } from '../../src/analysis/index/parser';

let cparser: CParser;
let query: Query;

function facts(source: string, path = 'net/core/test.c'): FileFacts {
  return extractFacts(path, source, cparser, query);
}

function calls(f: FileFacts): CallFact[] {
  const out: CallFact[] = [];
  forEachCall(f.calls, (c) => out.push(c));
  return out;
}

describe('extract', () => {
  before(async () => {
    cparser = await loadCParser();
    query = cparser.query(EXTRACT_QUERY);
  });

  it('finds definitions with the line of their name, static or not', () => {
    const f = facts(
      'static int\nfoo(void)\n{\n\treturn bar(1);\n}\nint baz(int x) { return x; }\n',
    );
    assert.deepEqual(
      f.funcs.map((x) => [x.name, x.line, x.static]),
      [
        ['foo', 2, true],
        ['baz', 6, false],
      ],
    );
    assert.deepEqual(
      calls(f).map((c) => [c.callee, c.line, c.col]),
      [[{ n: 'bar' }, 4, 9]],
    );
  });

  it('types the receiver of a field call from a local declaration', () => {
    const f = facts(
      'int f(struct net_device *dev)\n{\n\tconst struct net_device_ops *ops = dev->netdev_ops;\n\treturn ops->ndo_open(dev);\n}\n',
    );
    const call = calls(f).find((c) => 'field' in c.callee);
    assert.deepEqual(call?.callee, {
      field: 'ndo_open',
      on: { root: { t: 'net_device_ops' }, path: [] },
    });
    assert.deepEqual(call?.args, [null], 'a struct pointer never carries a function');
  });

  it('records a function pointer read from a typed field as an argument, never a field address', () => {
    const f = facts(
      'int f(struct virtqueue_info *vqs_info, struct priv *p)\n{\n\tstruct virtqueue_info *vqi = &vqs_info[0];\n' +
        '\tsetup(vqi->callback, vqi->callback, &p->napi, (x ? a : b)->fn, READ_ONCE(p->ops->cb));\n\treturn 0;\n}\n',
    );
    const call = calls(f).find((c) => 'n' in c.callee && c.callee.n === 'setup');
    const read = { f: 'callback', on: { root: { t: 'virtqueue_info' }, path: [] } };
    assert.deepEqual(call?.args, [
      read,
      read,
      null,
      null,
      { f: 'cb', on: { root: { t: 'priv' }, path: ['ops'] } },
    ]);
    assert.equal(f.calls.chains.length, 2, 'one chain per distinct read in a file');
  });

  it('walks field chains and sees through READ_ONCE', () => {
    const f = facts(
      'int f(struct neighbour *n, struct sk_buff *skb)\n{\n\treturn READ_ONCE(n->output)(n, skb) + skb->dev->netdev_ops->ndo_stop(skb->dev);\n}\n',
    );
    const fields = calls(f)
      .filter((c) => 'field' in c.callee)
      .map((c) => c.callee);
    assert.deepEqual(fields, [
      { field: 'output', on: { root: { t: 'neighbour' }, path: [] } },
      { field: 'ndo_stop', on: { root: { t: 'sk_buff' }, path: ['dev', 'netdev_ops'] } },
    ]);
  });

  it('records stores of functions into fields, from initializers and assignments', () => {
    const f = facts(
      'static const struct net_device_ops ops = {\n\t.ndo_open = my_open,\n};\nvoid g(struct napi_struct *napi, int (*poll)(struct napi_struct *, int))\n{\n\tnapi->poll = poll;\n}\n',
    );
    assert.deepEqual(
      f.stores.map((s) => [s.fn, s.line, s.on, s.field, s.value]),
      [
        [-1, 2, { root: { t: 'net_device_ops' }, path: [] }, 'ndo_open', { n: 'my_open' }],
        [0, 6, { root: { t: 'napi_struct' }, path: [] }, 'poll', { p: 1 }],
      ],
    );
  });

  it('binds the functions of a compound literal to its type, assigned, in WRITE_ONCE or passed', () => {
    const f = facts(
      [
        'static int __init inet_init(void)',
        '{',
        '\tnet_hotdata.tcp_protocol = (struct net_protocol) {',
        '\t\t.handler\t=\ttcp_v4_rcv,',
        '\t\t.no_policy\t=\t1,',
        '\t};',
        '\tWRITE_ONCE(net_hotdata.gro, (struct packet_offload) {',
        '\t\t.callbacks = { .gro_receive = inet_gro_receive },',
        '\t});',
        '\tregister_pernet_subsys(&(struct pernet_operations) { .init = ipv4_mib_init_net });',
        '\tset_hook((hook_ops_t){ .hook = nf_hook_fn, .priv = NULL }, 0);',
        '\treturn inet_add_protocol(&(const struct net_protocol){ .handler = udp_rcv }, 17);',
        '}',
        '',
      ].join('\n'),
      'net/ipv4/af_inet.c',
    );
    assert.deepEqual(
      f.stores.map((s) => [s.fn, s.line, s.on, s.field, s.value]),
      [
        [0, 4, { root: { t: 'net_protocol' }, path: [] }, 'handler', { n: 'tcp_v4_rcv' }],
        [
          0,
          8,
          { root: { t: 'packet_offload' }, path: ['callbacks'] },
          'gro_receive',
          { n: 'inet_gro_receive' },
        ],
        [0, 10, { root: { t: 'pernet_operations' }, path: [] }, 'init', { n: 'ipv4_mib_init_net' }],
        [0, 11, { root: { t: 'hook_ops_t' }, path: [] }, 'hook', { n: 'nf_hook_fn' }],
        [0, 12, { root: { t: 'net_protocol' }, path: [] }, 'handler', { n: 'udp_rcv' }],
      ],
    );
    const g = facts(
      'int f(void)\n{\n\treturn sum((int[]){ 1, 2 }, (struct kvec){ buf, len });\n}\n',
    );
    assert.deepEqual(g.stores, [], 'literals of arrays and positional values bind nothing');
  });

  it('stores both functions a conditional expression may give a field', () => {
    const f = facts(
      [
        'static s32 igb_get_invariants_82575(struct e1000_hw *hw)',
        '{',
        '\tstruct e1000_mac_info *mac = &hw->mac;',
        '\tmac->ops.setup_physical_interface =',
        '\t\t(hw->phy.media_type == e1000_media_type_copper)',
        '\t\t\t? igb_setup_copper_link_82575',
        '\t\t\t: igb_setup_serdes_link_82575;',
        '\treturn 0;',
        '}',
        '',
      ].join('\n'),
      'drivers/net/ethernet/intel/igb/e1000_82575.c',
    );
    assert.deepEqual(
      f.stores.map((s) => [s.on, s.field, s.value, s.line]),
      ['igb_setup_copper_link_82575', 'igb_setup_serdes_link_82575'].map((n) => [
        { root: { t: 'e1000_mac_info' }, path: ['ops'] },
        'setup_physical_interface',
        { n },
        4,
      ]),
    );
  });

  it('records both functions a conditional argument may pass, as a local of the function', () => {
    const f = facts(
      [
        'static int gve_request(struct gve_priv *priv, struct nfp_net_dp *dp, int i)',
        '{',
        '\tnetif_napi_add(dp->netdev, &dp->napi, i ? dp->ops->xsk_poll : dp->ops->poll);',
        '\treturn request_irq(1, gve_is_gqi(priv) ? gve_intr : gve_intr_dqo, 0, "x", priv);',
        '}',
        '',
      ].join('\n'),
    );
    const [napi, irq] = calls(f).filter((c) => 'n' in c.callee && c.callee.n !== 'gve_is_gqi');
    const local = (arg: unknown): string => {
      assert.ok(
        arg && typeof arg === 'object' && 'l' in arg,
        `not a local: ${JSON.stringify(arg)}`,
      );
      return String(arg.l);
    };
    const on = { root: { t: 'nfp_net_dp' }, path: ['ops'] };
    assert.deepEqual(f.funcs[0]?.aliases?.[local(napi?.args[2])], [
      { f: 'xsk_poll', on },
      { f: 'poll', on },
    ]);
    assert.deepEqual(f.funcs[0]?.aliases?.[local(irq?.args[1])], [
      { n: 'gve_intr' },
      { n: 'gve_intr_dqo' },
    ]);
  });

  it('keeps local function-pointer aliases and the functions a function returns', () => {
    const f = facts(
      'int r(void)\n{\n\tirq_handler_t handler = my_intr;\n\treturn request_irq(1, handler, 0, "x", NULL);\n}\nrx_handler_func_t *get(void)\n{\n\treturn my_rx;\n}\n',
    );
    assert.deepEqual(f.funcs[0]?.aliases, { handler: [{ n: 'my_intr' }] });
    assert.deepEqual(calls(f)[0]?.args[1], { l: 'handler' });
    assert.deepEqual(f.funcs[1]?.returnsIdents, ['my_rx']);
  });

  it('parses function-like macros that call as nodes, parameters and lines kept', () => {
    const f = facts('#define NF_X(a, fn) \\\n\tdo { fn(a); helper(a); } while (0)\n');
    const macro = f.funcs.find((x) => x.name === 'NF_X');
    assert.equal(macro?.macro, true);
    assert.equal(macro?.line, 1);
    assert.deepEqual(macro?.params, ['a', 'fn']);
    assert.deepEqual(
      calls(f).map((c) => [c.callee, c.line]),
      [
        [{ p: 1 }, 2],
        [{ n: 'helper' }, 2],
      ],
    );
  });

  it('types what a macro yields when its body is one container_of or cast, nothing else', () => {
    const f = facts(
      [
        '#define udp_sk(ptr) container_of_const(ptr, struct udp_sock, inet.sk)',
        '#define priv_of(d) ((struct acme_priv *)netdev_priv(d))',
        '#define two(p) do { container_of(p, struct a, b); helper(p); } while (0)',
        '#define call_of(p) helper(p)',
        '',
      ].join('\n'),
      'include/linux/udp.h',
    );
    const returns = Object.fromEntries(f.funcs.map((x) => [x.name, x.returns]));
    assert.deepEqual(returns, {
      udp_sk: 'udp_sock',
      priv_of: 'acme_priv',
      two: undefined,
      call_of: undefined,
    });
  });

  it('keeps the calls of a function whose body holds an iterator macro', () => {
    const f = facts(
      'int f(void)\n{\n\tint i;\n\tfor_each_possible_cpu(i) {\n\t\tinit(i);\n\t}\n\tafter();\n\treturn 0;\n}\n',
    );
    assert.deepEqual(
      f.funcs.map((x) => x.name),
      ['f'],
    );
    const names = calls(f).map((c) => ('n' in c.callee ? c.callee.n : '?'));
    assert.ok(names.includes('init') && names.includes('after'), names.join(','));
  });

  it('records struct fields through anonymous unions, and typedefs', () => {
    const f = facts(
      'struct sk_buff {\n\tunion {\n\t\tstruct net_device *dev;\n\t\tunsigned long dev_scratch;\n\t};\n\tint (*destructor)(struct sk_buff *);\n};\ntypedef struct sk_buff skb_t;\n',
      'include/linux/x.h',
    );
    assert.deepEqual(f.structs[0]?.fields, { dev: 'net_device', dev_scratch: '', destructor: '' });
    assert.deepEqual(f.typedefs, { skb_t: 'sk_buff' });
  });

  it('keeps argument texts of skb operations and keys of softirq calls', () => {
    const f = facts(
      'void f(struct sk_buff *skb)\n{\n\tskb_pull(skb, ETH_HLEN);\n\traise_softirq_irqoff(NET_RX_SOFTIRQ);\n}\n',
    );
    const [pull, raise] = calls(f);
    assert.deepEqual(pull?.texts, ['skb', 'ETH_HLEN']);
    assert.deepEqual(raise?.keys, ['NET_RX_SOFTIRQ']);
  });

  it('keeps functions around inline asm with macros and #if groups inside expressions', () => {
    const f = facts(
      [
        'static inline void sync_set_bit(long nr, volatile unsigned long *addr)',
        '{',
        '\tasm volatile("lock " __ASM_SIZE(bts) " %1,%0" : "+m" (ADDR) : "Ir" (nr) : "memory");',
        '}',
        'void xmit_doorbell(struct ring *ring)',
        '{',
        '\twmb();',
        '#if defined(__LITTLE_ENDIAN)',
        '\tiowrite32(',
        '#else',
        '\tiowrite32be(',
        '#endif',
        '\t\t  ring->doorbell_qpn, ring->doorbell_address);',
        '}',
        'static const struct net_device_ops ops = {',
        '#ifdef CONFIG_NET_POLL_CONTROLLER',
        '\t.ndo_poll_controller = e_netpoll,',
        '#endif',
        '\t.ndo_start_xmit = e_xmit,',
        '};',
        'BPF_CALL_2(bpf_skb_pull_data, struct sk_buff *, skb, u32, len)',
        '{',
        '\treturn __bpf_try_make_writable(skb, len);',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      f.funcs.map((x) => [x.name, x.line]),
      [
        ['sync_set_bit', 1],
        ['xmit_doorbell', 5],
        ['bpf_skb_pull_data', 21],
      ],
    );
    assert.deepEqual(
      calls(f)
        .filter((c) => c.fn === 1)
        .map((c) => ['n' in c.callee ? c.callee.n : '?', c.line]),
      [
        ['wmb', 7],
        ['iowrite32', 9],
      ],
    );
    assert.deepEqual(
      f.stores.map((s) => [s.field, s.value, s.line]),
      [
        ['ndo_poll_controller', { n: 'e_netpoll' }, 17],
        ['ndo_start_xmit', { n: 'e_xmit' }, 19],
      ],
    );
    assert.equal(f.errors, 0);
  });

  it('keeps the functions after an iterator macro whose body is a bare statement', () => {
    const f = facts(
      [
        'static inline int qdisc_qlen_sum(const struct Qdisc *q)',
        '{',
        '\tif (qdisc_is_percpu_stats(q)) {',
        '\t\tfor_each_possible_cpu(i)',
        '\t\t\tqlen += per_cpu_ptr(q->cpu_qstats, i)->qlen;',
        '\t}',
        '\treturn qlen;',
        '}',
        'static inline spinlock_t *qdisc_lock(struct Qdisc *qdisc)',
        '{',
        '\treturn &qdisc->q.lock;',
        '}',
        '',
      ].join('\n'),
      'include/net/sch_generic.h',
    );
    assert.deepEqual(
      f.funcs.map((x) => x.name),
      ['qdisc_qlen_sum', 'qdisc_lock'],
    );
    assert.deepEqual(
      calls(f).map((c) => ('n' in c.callee ? c.callee.n : '?')),
      ['qdisc_is_percpu_stats', 'per_cpu_ptr'],
    );
    assert.equal(f.errors, 0);
  });

  it('finds each calling macro even when another macro body of the file is no C', () => {
    const f = facts(
      [
        '#define FOP_START(op) \\',
        '\textern void em_##op(struct fastop *fake); \\',
        '\tasm(".pushsection .text, \\"ax\\" \\n\\t" \\',
        '\t    ".global em_" #op " \\n\\t"',
        '#define CASES(x) case 1: case (x):',
        '#define do_each_pid_task(pid, type, task) \\',
        '\tdo { hlist_for_each_entry_rcu((task), &(pid)->tasks[type], pid_links[type]) {',
        '#define napi_schedule_irqoff_m(n) __napi_schedule_irqoff(n)',
        '',
      ].join('\n'),
      'include/linux/test.h',
    );
    const macros = f.funcs.filter((x) => x.macro).map((x) => [x.name, x.line]);
    assert.deepEqual(
      macros.filter(([n]) => n !== 'FOP_START' && n !== 'CASES'),
      [
        ['do_each_pid_task', 6],
        ['napi_schedule_irqoff_m', 8],
      ],
    );
    const names = calls(f).map((c) => ('n' in c.callee ? c.callee.n : '?'));
    assert.ok(
      names.includes('__napi_schedule_irqoff') && names.includes('hlist_for_each_entry_rcu'),
      names.join(' '),
    );
  });

  it('expands initializer macros of the file where an ops table names them', () => {
    const f = facts(
      [
        '#define X550_COMMON_MAC \\',
        '\t.init_hw\t\t\t= &ixgbe_init_hw_generic, \\',
        '\t.reset_hw\t\t= NULL, \\',
        '\t.set_source_address_pruning\t= \\',
        '\t\t\t\t&ixgbe_set_source_address_pruning_X550, \\',
        '\t.fw_recovery_mode\t\t= &ixgbe_fw_recovery_mode_X550',
        '',
        'static const struct ixgbe_mac_operations mac_ops_X550 = {',
        '\tX550_COMMON_MAC',
        '\t.led_on\t\t\t= ixgbe_led_on_generic,',
        '\t.get_media_type\t\t= &ixgbe_get_media_type_X550,',
        '};',
        'static const struct ixgbe_mac_operations mac_ops_X550EM_x = {',
        '\tX550_COMMON_MAC,',
        '};',
        '',
      ].join('\n'),
      'drivers/net/ethernet/intel/ixgbe/ixgbe_x550.c',
    );
    const stores = f.stores.map((s) => [s.on.root, s.field, s.value, s.line]);
    const t = { t: 'ixgbe_mac_operations' };
    const common = [
      [t, 'init_hw', { n: 'ixgbe_init_hw_generic' }, 2],
      [t, 'set_source_address_pruning', { n: 'ixgbe_set_source_address_pruning_X550' }, 4],
      [t, 'fw_recovery_mode', { n: 'ixgbe_fw_recovery_mode_X550' }, 6],
    ];
    assert.deepEqual(stores, [
      ...common,
      [t, 'led_on', { n: 'ixgbe_led_on_generic' }, 10],
      [t, 'get_media_type', { n: 'ixgbe_get_media_type_X550' }, 11],
      ...common,
    ]);
  });

  it('expands an initializer macro named inside another, under either branch of its #ifdef', () => {
    const f = facts(
      [
        '#ifdef CONFIG_MAC80211_DEBUGFS',
        '#define HWSIM_DEBUGFS_OPS\t\t\t\t\t\\',
        '\t.link_add_debugfs = mac80211_hwsim_link_add_debugfs,',
        '#else',
        '#define HWSIM_DEBUGFS_OPS',
        '#endif',
        '',
        '#define HWSIM_COMMON_OPS\t\t\t\t\t\\',
        '\t.tx = mac80211_hwsim_tx,\t\t\t\t\\',
        '\t.sw_scan_start = mac80211_hwsim_sw_scan,\t\t\\',
        '\tHWSIM_DEBUGFS_OPS',
        '',
        'static const struct ieee80211_ops mac80211_hwsim_ops = {',
        '\tHWSIM_COMMON_OPS',
        '\t.sta_add = mac80211_hwsim_sta_add,',
        '};',
        '',
      ].join('\n'),
      'drivers/net/wireless/virtual/mac80211_hwsim.c',
    );
    const stores = f.stores.map((s) => [s.field, s.value, s.line]);
    assert.deepEqual(stores, [
      ['tx', { n: 'mac80211_hwsim_tx' }, 9],
      ['sw_scan_start', { n: 'mac80211_hwsim_sw_scan' }, 10],
      ['link_add_debugfs', { n: 'mac80211_hwsim_link_add_debugfs' }, 3],
      ['sta_add', { n: 'mac80211_hwsim_sta_add' }, 15],
    ]);
  });

  it('follows field reads only into locals that can hold a function', () => {
    const f = facts(
      [
        'static int nfnetlink_rcv_batch(struct sk_buff *skb, const struct net_offload *ops)',
        '{',
        '\tint msglen = skb->len;',
        '\tu32 len = skb->data_len;',
        '\tstruct sk_buff *(*segment)(struct sk_buff *skb) = ops->callbacks.gso_segment;',
        '\tvoid *cb = ops->callbacks.gro_receive;',
        '\tu32 min = min(msglen, len);',
        '\tskb_pull(skb, min);',
        '\tsegment(skb);',
        '\treturn ((int (*)(struct sk_buff *))cb)(skb);',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(Object.keys(f.funcs[0]?.aliases ?? {}).sort(), ['cb', 'segment']);
    const g = facts(
      [
        'static void report(struct kasan_report_info *info, unsigned long addr, void (*done)(void))',
        '{',
        '\tinfo->access_addr = addr;',
        '\tinfo->done = done;',
        '}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      g.stores.map((s) => [s.field, s.value]),
      [['done', { p: 2 }]],
      'an integer parameter registers nothing',
    );
    // A local of a data type cannot be called: `min(...)` is the macro, not the local `min`.
    assert.deepEqual(
      calls(f).map((c) => c.callee),
      [{ n: 'min' }, { n: 'skb_pull' }, { l: 'segment' }, { l: 'cb' }],
    );
  });

  it('never throws on broken C and counts its errors', () => {
    const f = facts('int f(void {\n\t@@@ broken ((( \n}\nint g(void) { return h(); }\n');
    assert.ok(f.errors > 0);
    assert.ok(f.funcs.some((x) => x.name === 'g'));
  });
});
