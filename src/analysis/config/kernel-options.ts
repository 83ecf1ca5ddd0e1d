// Kernel knowledge the configuration reader and the condition evaluator need, as tables.

/**
 * The option each architecture's Kconfig alone sets to `y`, and its folder under arch/
 * (SRCARCH). Checked in order: the first set names the architecture.
 */
export const ARCH_OPTIONS: readonly (readonly [option: string, arch: string])[] = [
  ['CONFIG_X86', 'x86'],
  ['CONFIG_ARM64', 'arm64'],
  ['CONFIG_ARM', 'arm'],
  ['CONFIG_RISCV', 'riscv'],
  ['CONFIG_PPC', 'powerpc'],
  ['CONFIG_S390', 's390'],
  ['CONFIG_MIPS', 'mips'],
  ['CONFIG_LOONGARCH', 'loongarch'],
  ['CONFIG_SPARC', 'sparc'],
  ['CONFIG_PARISC', 'parisc'],
  ['CONFIG_M68K', 'm68k'],
  ['CONFIG_ALPHA', 'alpha'],
  ['CONFIG_SUPERH', 'sh'],
  ['CONFIG_UML', 'um'],
  ['CONFIG_ARC', 'arc'],
  ['CONFIG_CSKY', 'csky'],
  ['CONFIG_HEXAGON', 'hexagon'],
  ['CONFIG_MICROBLAZE', 'microblaze'],
  ['CONFIG_NIOS2', 'nios2'],
  ['CONFIG_OPENRISC', 'openrisc'],
  ['CONFIG_XTENSA', 'xtensa'],
];
