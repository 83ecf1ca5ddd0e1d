// Where the CPU enters another context: interrupt and exception entry points, the syscall
// entry. A stack or call tree shows the entered code above the code it interrupted, but
// the interrupted function did not call it: the readers cut the nesting there, so the join
// never looks for a call path between the two.

/** Interrupt, exception and syscall entry points, by name (x86 and the generic code). */
export const CONTEXT_ENTRIES: readonly RegExp[] = [
  /^asm_(?:common_interrupt|sysvec_\w+|exc_\w+)$/,
  /^(?:common_interrupt|do_IRQ|ret_from_intr|irq_entries_start|spurious_interrupt)$/,
  /^__?sysvec_\w+$/,
  /^exc_\w+$/,
  /^(?:smp_)?(?:apic_timer_interrupt|reschedule_interrupt|call_function_interrupt)$/,
  /^entry_SYSCALL_64(?:_after_hwframe)?$/,
  /^(?:xen_do_hypervisor_callback|xen_evtchn_do_upcall|xen_hvm_callback_vector)$/,
];

/** Whether `name` is where the CPU entered another context (CONTEXT_ENTRIES). */
export function isContextEntry(name: string): boolean {
  return CONTEXT_ENTRIES.some((re) => re.test(name));
}
