// Kernel C idioms the indexer must understand, kept as data. Adding an annotation macro,
// a wrapper or a deferred-execution mechanism is one row here. The tables' behaviour is
// pinned by test/unit/preprocess.test.ts, test/unit/extract.test.ts and the inline
// expectations of the fixture tree test/fixtures/kernel-mini (test/unit/resolve.test.ts).

/**
 * Annotation macros that tree-sitter-c cannot parse as part of a declaration. They are
 * replaced by spaces of the same length before parsing, so every line and column of
 * the file stays valid. Attributes, section markers and sparse annotations only: none of
 * them changes which function is defined or called.
 */
export const BLANKED_ANNOTATIONS: readonly string[] = [
  // Section and lifetime markers (include/linux/init.h, include/linux/cache.h).
  '__init',
  '__exit',
  '__initdata',
  '__exitdata',
  '__initconst',
  '__ref',
  '__refdata',
  '__net_init',
  '__net_exit',
  '__net_initdata',
  '__meminit',
  '__devinit',
  '__cpuinit',
  '__read_mostly',
  '__ro_after_init',
  '__initdata_or_module',
  '__init_or_module',
  '____cacheline_aligned',
  '____cacheline_aligned_in_smp',
  '__cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '__page_aligned_bss',
  '__page_aligned_data',
  // Inlining and code-generation hints (include/linux/compiler_types.h, compiler_attributes.h).
  '__always_inline',
  '__attribute_const__',
  'noinline',
  'noinline_for_stack',
  '__noinline',
  '__cold',
  '__hot',
  '__pure',
  '__must_check',
  '__maybe_unused',
  '__always_unused',
  '__used',
  '__visible',
  '__weak',
  'notrace',
  '__noreturn',
  '__latent_entropy',
  '__flatten',
  'asmlinkage',
  '__no_kcsan',
  '__no_sanitize_address',
  '__noinstr',
  'noinstr',
  '__irq_entry',
  '__kprobes',
  'nokprobe_inline',
  '__sched',
  '__lockfunc',
  '__packed',
  '__randomize_layout',
  '__no_randomize_layout',
  '__designated_init',
  '__bpf_kfunc',
  '__fix_address',
  '__naked',
  '__nostackprotector',
  '__init_memblock',
  '__net_initconst',
  '__cpuidle',
  '__head',
  '__deprecated',
  '__gnu_inline',
  '__softirq_entry',
  '__nocfi',
  '__no_stack_protector',
  '__no_caller_saved_registers',
  // ACPICA's spelling of __init (include/acpi/platform/aclinux.h).
  'ACPI_INIT_FUNCTION',
  // `extern inline` plus attributes (include/linux/fortify-string.h): a header inline like any other.
  '__FORTIFY_INLINE',
  // INDIRECT_CALLABLE_SCOPE expands to `static` or nothing (include/linux/indirect_call_wrapper.h);
  // blanking it keeps the function visible to every file, which is what the retpoline build does.
  'INDIRECT_CALLABLE_SCOPE',
  'INDIRECT_CALLABLE_DECLARE',
  // Sparse address-space and locking annotations (include/linux/compiler_types.h).
  '__user',
  '__kernel',
  '__iomem',
  '__percpu',
  '__rcu',
  '__force',
  '__bitwise',
  '__safe',
  '__private',
  '__nocast',
  '__must_hold',
  '__acquires',
  '__releases',
  '__cond_acquires',
  '__cond_releases',
  '__no_context_analysis',
];

/**
 * Annotation macros that take an argument list, e.g. `__acquires(&lock)` or
 * `__printf(2, 3)`: the name and its balanced parentheses are blanked together.
 */
export const BLANKED_ANNOTATIONS_WITH_ARGS: readonly string[] = [
  '__acquires',
  '__releases',
  '__must_hold',
  '__cond_acquires',
  '__cond_releases',
  '__printf',
  '__scanf',
  '__aligned',
  '__section',
  '__alias',
  '__malloc',
  '__alloc_size',
  '__counted_by',
  '__counted_by_le',
  '__counted_by_be',
  '__nonstring',
  '__assume_aligned',
  '__diag_ignore',
  '__diag_push',
  '__diag_pop',
  '__attribute__',
  '__attribute',
  '__no_sanitize_or_inline',
  '__cleanup',
  '__free',
  '__realloc_size',
  '__diagnose_as',
  'EXPORT_SYMBOL',
  'EXPORT_SYMBOL_GPL',
  'EXPORT_SYMBOL_NS',
  'EXPORT_SYMBOL_NS_GPL',
  'EXPORT_INDIRECT_CALLABLE',
  'ALLOW_ERROR_INJECTION',
  'NOKPROBE_SYMBOL',
  'STACK_FRAME_NON_STANDARD',
  'DEFINE_PER_CPU',
  'DEFINE_PER_CPU_ALIGNED',
  'DEFINE_PER_CPU_SHARED_ALIGNED',
  'DECLARE_PER_CPU',
  'DECLARE_PER_CPU_ALIGNED',
  'DEFINE_PER_CPU_READ_MOSTLY',
  'DEFINE_PER_CPU_PAGE_ALIGNED',
  'module_init',
  'module_exit',
  'late_initcall',
  'subsys_initcall',
  'core_initcall',
  'fs_initcall',
  'device_initcall',
  'arch_initcall',
  'postcore_initcall',
  'pure_initcall',
  'MODULE_LICENSE',
  'MODULE_DESCRIPTION',
  'MODULE_AUTHOR',
  'MODULE_ALIAS',
  'MODULE_DEVICE_TABLE',
  'MODULE_PARM_DESC',
  'MODULE_IMPORT_NS',
  'MODULE_FIRMWARE',
  'MODULE_SOFTDEP',
  'MODULE_VERSION',
];

/**
 * Inline assembly: `asm volatile("lock " __ASM_SIZE(bts) " %1,%0" : ...)`. tree-sitter-c
 * accepts only string literals in the template, and a macro there makes it misread the
 * whole function around it. What stands between the parentheses becomes an empty template,
 * `asm volatile(""   )`: an asm statement calls no C function.
 */
export const INLINE_ASM = {
  keywords: ['asm', '__asm__', '__asm'],
  qualifiers: [
    'volatile',
    '__volatile__',
    '__volatile',
    'goto',
    'inline',
    '__inline__',
    '__inline',
  ],
} as const;

/**
 * Iterator macros: `for_each_possible_cpu(i)`, `list_for_each_entry(pos, head, member)`,
 * `skb_queue_walk(list, skb)`. A use followed by its loop body is rewritten into `while`
 * (`while                (i) qlen += ...;`): tree-sitter-c reads a macro call followed
 * by a bare statement as an error that swallows the functions after it.
 */
export const ITERATOR_MACRO = /^(?:\w+_)?for_each(?:_\w+)?$|^\w+_walk(?:_\w+)?$|^do_each(?:_\w+)?$/;

/**
 * Macros that close a loop an iterator macro or a `do` opened, after its `}`:
 * `do { ... } while_each_thread(g, t);` and `do_each_pid_task(pid, type, p) { ... }
 * while_each_pid_task(pid, type, p);`. Rewritten into `while` like the iterators, the
 * function around them parses (kernel/cgroup/cgroup.c lost `cgroup_procs_write_start`).
 */
export const LOOP_CLOSER_MACRO = /^while_each(?:_\w+)?$/;

/**
 * Definition macros whose first argument names the function they define. The parser
 * sees `SYSCALL_DEFINE3(socket, int, family, ...) { ... }` as a call followed by a block;
 * the preprocessor rewrites the head into `long sys_socket(...)` of the same length.
 */
export const DEFINING_MACROS: readonly { macro: RegExp; prefix: string }[] = [
  { macro: /\bSYSCALL_DEFINE[0-6]\b/y, prefix: 'sys_' },
  { macro: /\bCOMPAT_SYSCALL_DEFINE[0-6]\b/y, prefix: 'compat_sys_' },
  // BPF helpers (include/linux/filter.h): `BPF_CALL_2(bpf_skb_load_bytes, ...)` defines the
  // function a `struct bpf_func_proto` stores in `.func`.
  { macro: /\bBPF_CALL_[0-5]\b/y, prefix: '' },
];

/**
 * Typedefs of integer types (include/linux/types.h, include/uapi/asm-generic/int-ll64.h):
 * a local of one never holds a function, so a field read into it is not followed.
 */
export const SCALAR_TYPEDEFS: ReadonlySet<string> = new Set([
  'u8',
  'u16',
  'u32',
  'u64',
  's8',
  's16',
  's32',
  's64',
  '__u8',
  '__u16',
  '__u32',
  '__u64',
  '__s8',
  '__s16',
  '__s32',
  '__s64',
  '__le16',
  '__le32',
  '__le64',
  '__be16',
  '__be32',
  '__be64',
  '__sum16',
  '__wsum',
  'uint8_t',
  'uint16_t',
  'uint32_t',
  'uint64_t',
  'int8_t',
  'int16_t',
  'int32_t',
  'int64_t',
  'size_t',
  'ssize_t',
  'loff_t',
  'off_t',
  'bool',
  'gfp_t',
  'dma_addr_t',
  'phys_addr_t',
  'resource_size_t',
  'pgoff_t',
  'sector_t',
  'blkcnt_t',
  'ktime_t',
  'time64_t',
  'pid_t',
  'uid_t',
  'gid_t',
  'kuid_t',
  'kgid_t',
  'umode_t',
  'netdev_features_t',
  'netdev_tx_t',
  'irqreturn_t',
  'uintptr_t',
  'ptrdiff_t',
  'atomic_t',
  'atomic64_t',
  'refcount_t',
]);

/**
 * Macros that only wrap an expression for the compiler (`READ_ONCE(n->output)(n, skb)`):
 * when one stands where the called function should be, the call goes to its first argument.
 */
export const TRANSPARENT_WRAPPERS: ReadonlySet<string> = new Set([
  'READ_ONCE',
  'rcu_dereference',
  'rcu_dereference_bh',
  'rcu_dereference_sched',
  'rcu_dereference_raw',
  'rcu_dereference_check',
  'rcu_dereference_protected',
  'rcu_dereference_bh_check',
  'rcu_access_pointer',
  'smp_load_acquire',
  'data_race',
  'unlikely',
  'likely',
]);

/**
 * Macros that store a value into a place: `rcu_assign_pointer(dev->rx_handler, fn)` is
 * the assignment `dev->rx_handler = fn` for the purpose of binding function pointers.
 */
export const ASSIGNING_WRAPPERS: ReadonlyMap<string, { target: number; value: number }> = new Map([
  ['WRITE_ONCE', { target: 0, value: 1 }],
  ['rcu_assign_pointer', { target: 0, value: 1 }],
  ['RCU_INIT_POINTER', { target: 0, value: 1 }],
  ['smp_store_release', { target: 0, value: 1 }],
  ['static_call_update', { target: 0, value: 1 }],
]);

/**
 * The retpoline-avoiding wrappers of include/linux/indirect_call_wrapper.h:
 * `INDIRECT_CALL_2(f, f2, f1, args...)` calls `f`, which is expected to be one of the named
 * candidates. The call goes to the candidates and to whatever the pointer `f` is bound to.
 */
export const INDIRECT_CALL_WRAPPERS: ReadonlyMap<
  string,
  { pointer: number; candidates: number[] }
> = new Map([
  ['INDIRECT_CALL_1', { pointer: 0, candidates: [1] }],
  ['INDIRECT_CALL_2', { pointer: 0, candidates: [1, 2] }],
  ['INDIRECT_CALL_3', { pointer: 0, candidates: [1, 2, 3] }],
  ['INDIRECT_CALL_4', { pointer: 0, candidates: [1, 2, 3, 4] }],
  ['INDIRECT_CALL_INET', { pointer: 0, candidates: [1, 2] }],
  ['INDIRECT_CALL_INET_1', { pointer: 0, candidates: [1] }],
]);

/**
 * Deferred execution: a handler registered under a key runs later when something raises
 * that key. Raising `NET_RX_SOFTIRQ` reaches `net_rx_action`, registered by
 * `open_softirq(NET_RX_SOFTIRQ, net_rx_action)` in net/core/dev.c; scheduling
 * `&jme->txclean_task` reaches the function `tasklet_setup(&jme->txclean_task, ...)` gave
 * it. Edges are `async`. A function that registers its own parameter under a key of its
 * own (inet_csk_init_xmit_timers) registers each function its callers hand it (resolve.ts).
 */
export interface DeferredMechanism {
  /** Shown in `via`, e.g. `softirq`. */
  label: string;
  /**
   * What the key is: a constant (`NET_RX_SOFTIRQ`), or the address of a struct field
   * (`&adapter->reset_task`), told apart by the field's struct type, never by a variable's
   * name (`INIT_WORK(work, fn)` and `schedule_work(work)` name no one work item).
   */
  keyedBy: 'constant' | 'field';
  /** Where the handler runs: softirqs, tasklets and timers in softirq, work items in a kworker. */
  runsIn: 'softirq' | 'process';
  register: { fn: string; key: number; handler: number }[];
  raise: { fn: string; key: number }[];
}

export const DEFERRED_MECHANISMS: readonly DeferredMechanism[] = [
  {
    label: 'softirq',
    runsIn: 'softirq',
    keyedBy: 'constant',
    register: [{ fn: 'open_softirq', key: 0, handler: 1 }],
    raise: [
      { fn: 'raise_softirq', key: 0 },
      { fn: 'raise_softirq_irqoff', key: 0 },
      { fn: '__raise_softirq_irqoff', key: 0 },
    ],
  },
  {
    label: 'tasklet',
    runsIn: 'softirq',
    keyedBy: 'field',
    register: [
      { fn: 'tasklet_setup', key: 0, handler: 1 },
      { fn: 'tasklet_init', key: 0, handler: 1 },
    ],
    raise: [
      { fn: 'tasklet_schedule', key: 0 },
      { fn: 'tasklet_hi_schedule', key: 0 },
    ],
  },
  {
    label: 'work',
    runsIn: 'process',
    keyedBy: 'field',
    register: [
      { fn: 'INIT_WORK', key: 0, handler: 1 },
      { fn: 'INIT_DELAYED_WORK', key: 0, handler: 1 },
    ],
    raise: [
      { fn: 'schedule_work', key: 0 },
      { fn: 'queue_work', key: 1 },
      { fn: 'schedule_delayed_work', key: 0 },
      { fn: 'queue_delayed_work', key: 1 },
      { fn: 'mod_delayed_work', key: 1 },
    ],
  },
  {
    label: 'timer',
    runsIn: 'softirq',
    keyedBy: 'field',
    register: [{ fn: 'timer_setup', key: 0, handler: 1 }],
    raise: [
      { fn: 'mod_timer', key: 0 },
      { fn: 'add_timer', key: 0 },
      // A socket's timers (TCP's retransmit, delayed ACK and keepalive): mod_timer of its argument.
      { fn: 'sk_reset_timer', key: 1 },
    ],
  },
];

/** Names tree-sitter reports as calls that are C keywords or compiler built-ins, never functions. */
export const NOT_CALLS: ReadonlySet<string> = new Set([
  'sizeof',
  'typeof',
  '__typeof__',
  '__typeof',
  'typeof_unqual',
  'alignof',
  '_Alignof',
  '__alignof__',
  'offsetof',
  '__builtin_offsetof',
  '__builtin_expect',
  '__builtin_constant_p',
  '__builtin_choose_expr',
  '__builtin_types_compatible_p',
  'defined',
  'asm',
  '__asm__',
  '__asm',
  '_Static_assert',
  'static_assert',
  'return',
  'if',
  'while',
  'for',
  'switch',
]);

/**
 * Macros whose result has the struct type named by one of their arguments:
 * `container_of(napi, struct e1000_adapter, napi)` is a `struct e1000_adapter *`.
 * The value is the index of that argument.
 */
export const CONTAINER_OF_LIKE: ReadonlyMap<string, number> = new Map([
  ['container_of', 1],
  ['container_of_const', 1],
  ['list_entry', 1],
  ['list_first_entry', 1],
  ['list_first_entry_or_null', 1],
  ['list_last_entry', 1],
  ['list_next_entry', 1],
  ['hlist_entry', 1],
  ['hlist_entry_safe', 1],
  ['rb_entry', 1],
  ['rb_entry_safe', 1],
  ['llist_entry', 1],
]);

/**
 * Calls whose argument texts are kept (truncated) with the call site: the skb buffer
 * operations, whose length expression the packet-path timeline shows.
 */
export const TEXT_ARG_CALLS = /^(?:__)?p?skb_|^eth_type_trans$|^eth_header$|^dev_hard_header$/;

/**
 * Special-purpose variants of a driver's functions, which the default packet path does
 * not run: zero-copy AF_XDP, XDP and FCoE variants of the RX clean, and PTP timestamping,
 * trap and self-test queues. A function matches an entry when it matches all that the
 * entry gives. `path` takes them last among equally good paths (`ixgbe_poll ->
 * napi_gro_receive` goes through ixgbe_clean_rx_irq, not its _zc twin); the presets add
 * a cost for entering one (presets/rows.ts DETOURS).
 * Resolve counts the patterns each function matches into its node flags (two bits: at
 * most three count).
 */
export const SIDE_VARIANTS: readonly { name?: RegExp; file?: RegExp }[] = [
  { name: /(?:^|_)(?:zc|xsk|xdp|fcoe)(?:_|$)/ },
  { name: /(?:^|_)(?:ptp|trap|test|selftest)(?:_|$)/ },
  { file: /(?:^|[/_-])(?:xsk|xdp)[^/]*\.c$/ },
];

/**
 * Struct types that are operations tables, by name: `struct Qdisc_ops`, `struct
 * file_operations`. A copy straight out of one (`sch->enqueue = ops->enqueue` in
 * qdisc_alloc, `entry->hook = reg->hook` in netfilter's core) caches the ops of whatever
 * table its caller passed, so resolve follows it however many functions the table's slot
 * holds. A copy reached through an object (`state->fe_read_status =
 * fe->ops.read_status`, a driver saving the callback it wraps) is followed only when the
 * slot holds a handful.
 */
export const OPS_TABLE = /_(?:ops|operations)$/;

/**
 * Functions no packet path goes through (`path`, query.ts), though one may start or end at
 * one. Flagged on their nodes.
 * - The crash and warning paths: from them a panic notifier reaches almost anything
 *   (`BUG()` -> panic -> notifier_call_chain -> inetdev_event -> arp_send -> dev_queue_xmit).
 * - The dispatchers of event chains, found by the slot they call through (EVENT_SLOTS).
 * - The softirq dispatcher: any BH-enable (`release_sock` -> `spin_unlock_bh` ->
 *   `local_bh_enable`) may run every pending softirq handler, so through it a socket call
 *   reached `dev_hard_start_xmit` by `net_tx_action` instead of the IP output path. A
 *   packet's deferral is the raise of its own softirq (`async` edges, DEFERRED_MECHANISMS).
 */
/**
 * Slots through which an event is broadcast to every listener of a chain. The graph does
 * not tell one chain from another, so `nb->notifier_call` in notifier_call_chain reaches
 * every notifier of the tree (988 on 6.12): through it a neighbour update
 * (`call_netevent_notifiers`) reached arp_send by inetdev_event, a netdevice notifier. A
 * function that calls through one of these slots is flagged like DEAD_ENDS: an event
 * carries no packet.
 */
export const EVENT_SLOTS: ReadonlySet<string> = new Set(['notifier_block.notifier_call']);

export const DEAD_ENDS: ReadonlySet<string> = new Set([
  'BUG',
  'panic',
  'vpanic',
  'nmi_panic',
  'die',
  'oops_begin',
  'oops_end',
  'make_task_dead',
  'do_exit',
  '__warn',
  '__warn_printk',
  'warn_slowpath_fmt',
  'emergency_restart',
  'kernel_restart',
  'kernel_halt',
  'kernel_power_off',
  'machine_restart',
  'machine_halt',
  'machine_power_off',
  'handle_softirqs',
  '__do_softirq',
]);

/**
 * Macros other than `CONFIG_` options whose value a configuration decides, so that a
 * condition on them is recorded in the facts and evaluated (config/condition.ts):
 * `__KERNEL__` is defined (as 1) for every file of the kernel, `__ASSEMBLY__` for none
 * compiled as C, and `MODULE` for a file built into a module (`m`) and no other.
 */
export const DECIDED_MACROS: ReadonlyMap<string, 'defined' | 'undefined' | 'module'> = new Map([
  ['__KERNEL__', 'defined'],
  ['__ASSEMBLY__', 'undefined'],
  ['MODULE', 'module'],
]);
