// Where things are in a Linux tree: the folder facts that name resolution, path ranking
// and driver discovery rely on, kept in one table beside the C idioms (kernel-idioms.ts).
// Each is pinned by a test in test/unit/kernel-layout.test.ts.

/**
 * The architecture whose definitions and headers a call site sees first when a name is
 * defined under several (`arch/x86/include/asm/...` before `arch/arm64/...`).
 */
export const PREFERRED_ARCH = 'x86';

/** Headers of the preferred architecture, which `#include <asm/...>` names. */
export const PREFERRED_ARCH_INCLUDE = `arch/${PREFERRED_ARCH}/include/`;

/**
 * Top-level folders of code that is not built into the kernel (tools, build helpers,
 * examples): their definitions and bindings come last, as other architectures' do.
 */
export const OUTSIDE_KERNEL_DIRS: readonly string[] = [
  'tools',
  'scripts',
  'samples',
  'Documentation',
  'usr',
];

const OUTSIDE_KERNEL = new RegExp(`^(${OUTSIDE_KERNEL_DIRS.join('|')})/`);

/** Definitions and bindings of the kernel that runs here: 1; of another architecture or outside the kernel: 3. */
export function fileTier(path: string): number {
  if (path.startsWith('arch/')) return path.startsWith(`arch/${PREFERRED_ARCH}/`) ? 1 : 3;
  if (OUTSIDE_KERNEL.test(path)) return 3;
  return 1;
}

/**
 * Folders that hold one driver per file (drivers/net/virtio_net.c beside vrf.c and
 * veth.c): there a file's neighbours are other drivers, not more of its own.
 */
export const CONTAINER_DIRS: ReadonlySet<string> = new Set([
  'drivers/net',
  'drivers/net/ethernet',
  'drivers/net/wireless',
  'drivers/net/wan',
  'drivers/net/can',
]);

/** Every device driver of the tree lives under here. */
export const DRIVERS_DIR = 'drivers/';
/** Network drivers: where `netpaths drivers` looks for them. */
export const NET_DRIVERS_DIR = 'drivers/net/';
/** Ethernet drivers, the set the README's driver counts are given for. */
export const ETHERNET_DRIVERS_DIR = 'drivers/net/ethernet/';
/**
 * The families of hardware network drivers, by folder, in the order `netpaths drivers`
 * lists them: Ethernet first, the drivers most readers look for. A driver outside every
 * folder here is in the last family, `other`.
 */
export const DRIVER_FAMILIES: readonly { readonly dir: string; readonly title: string }[] = [
  { dir: 'drivers/net/ethernet/', title: 'Ethernet' },
  { dir: 'drivers/net/wireless/', title: 'Wireless LAN' },
  { dir: 'drivers/net/usb/', title: 'USB network adapters' },
  { dir: 'drivers/net/can/', title: 'CAN' },
  { dir: 'drivers/net/wwan/', title: 'WWAN modems' },
  { dir: 'drivers/net/ieee802154/', title: 'IEEE 802.15.4' },
  { dir: 'drivers/net/wan/', title: 'WAN' },
];

/** The core of the kernel (softirqs, IRQ handling, timers, work queues), shared by every driver. */
export const KERNEL_CORE_DIR = 'kernel/';

/**
 * The folders a network packet's path touches: the network stack and its drivers, every
 * header, the softirq and IRQ core, x86, and the buses that deliver a NIC's interrupt
 * (Hyper-V's vmbus for hv_netvsc, virtio for virtio_net); and of fs/, the two files an
 * application's socket I/O crosses: read()/write() (read_write.c, which reach the socket
 * through its file_operations) and epoll (eventpoll.c, whose wait-queue entry a socket's
 * wake-up calls). About a quarter of the tree's files: the CLI indexes these when no
 * --scope is given, as the demo and the integration tests do; every query of the README is
 * answered inside it.
 */
export const NETWORK_SCOPE: readonly string[] = [
  'net/**',
  'drivers/net/**',
  'drivers/hv/**',
  'drivers/virtio/**',
  'include/**',
  'kernel/**',
  `arch/${PREFERRED_ARCH}/**`,
  'fs/read_write.c',
  'fs/eventpoll.c',
];
