// Function names as tracers print them, back to the names the source defines. Compilers
// clone and rename functions (`tcp_send_ack.part.37`, `ip_rcv_finish_core.isra.0`), symbol
// tables add offsets and module names (`ixgbe_poll+0x1a/0x2b [ixgbe]`), and the syscall
// macros wrap each `SYSCALL_DEFINEn(sendto, ...)` in `__x64_sys_sendto`, `__se_sys_sendto`
// and `__do_sys_sendto`, where the index names the function `sys_sendto`
// (DEFINING_MACROS, src/analysis/index/kernel-idioms.ts). Each rewrite is a row below.

/** A name as a tracer printed it, taken apart. */
export interface TraceName {
  /** What the tracer printed, without surrounding space. */
  raw: string;
  /** The name the source defines, or the printed name when it cannot be one (see `symbol`). */
  name: string;
  /** The module the tracer names (`[ixgbe]`, `ixgbe_poll[ixgbe]` in pwru), if any. */
  module?: string;
  /** Whether `name` can be a C function name at all: false for addresses, BPF programs, markup. */
  symbol: boolean;
}

/**
 * Suffixes and prefixes that compilers, linkers and the kernel's build add to a function's
 * name. They are removed in this order, each as often as it matches.
 */
export const NAME_REWRITES: readonly { pattern: RegExp; replace: string; why: string }[] = [
  { pattern: /\+0x[0-9a-f]+(?:\/0x[0-9a-f]+)?$/i, replace: '', why: 'an offset into the function' },
  {
    pattern: /\.(?:constprop|isra|part|cold|llvm|lto_priv|localalias|cfi_jt|str)(?:\.\d+)?$/,
    replace: '',
    why: 'a copy the compiler made of the function (specialised, split or moved out of line)',
  },
  {
    pattern: /^__pfx_/,
    replace: '',
    why: 'the padding symbol in front of a function (CONFIG_CALL_PADDING)',
  },
  { pattern: /^__SCT__/, replace: '', why: 'a static call trampoline' },
  {
    pattern: /^__(?:x64|ia32|x32|arm64|riscv|s390x?|powerpc|se|do)_(compat_)?sys_/,
    replace: '$1sys_',
    why: 'a wrapper the SYSCALL_DEFINEn macros generate around the system call',
  },
  { pattern: /^(?:SyS|SYSC)_/, replace: 'sys_', why: 'the syscall wrapper of older kernels' },
];

/** A C identifier, optionally with a clone suffix: what a kernel symbol looks like. */
const SYMBOL = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `name [module]` (ftrace, stack dumps) or `name[module]` (pwru's kallsyms names). */
const MODULE = /^(.*?)\s*\[([A-Za-z0-9_-]+)\]$/;

/** The longest name taken from a trace: longer ones are cut, so a hostile file cannot bloat the output. */
export const MAX_NAME_LENGTH = 256;

/** Takes apart one printed function name (see TraceName). */
export function parseTraceName(printed: string): TraceName {
  const raw = printed.trim().slice(0, MAX_NAME_LENGTH);
  let text = raw;
  let module: string | undefined;
  const m = MODULE.exec(text);
  if (m?.[1] && m[2]) {
    text = m[1];
    module = m[2];
  }
  let name = text;
  for (let changed = true; changed;) {
    changed = false;
    for (const rule of NAME_REWRITES) {
      const next = name.replace(rule.pattern, rule.replace);
      if (next !== name && next !== '') {
        name = next;
        changed = true;
      }
    }
  }
  const result: TraceName = { raw, name, symbol: SYMBOL.test(name) };
  if (module) result.module = module.replace(/-/g, '_');
  return result;
}
