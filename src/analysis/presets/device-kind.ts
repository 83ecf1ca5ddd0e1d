// Hardware or virtual: whether a network driver drives a device, read from its code rather
// than from a list of names. A device raises interrupts, or is found on a bus that hands
// it to the driver; a virtual device (veth, tun, bonding, vxlan...) is made by software,
// by `ip link add` or by its own module, and has no interrupt at all.
//
// A driver is hardware when
//   1. it registers an IRQ handler, or reaches one through a bus (virtio_net through
//      vring_interrupt, hv_netvsc through vmbus_percpu_isr): its summary's `irq`;
//   2. or it binds a bus driver's `probe` callback (`pci_driver.probe`, `usb_driver.probe`,
//      `platform_driver.probe`...), so a bus hands it its devices: the USB network drivers,
//      whose interrupts arrive as URB completions from the USB core;
//   3. or it is a library that hardware drivers build on and makes no device of its own:
//      one of its entry points is an entry point of a hardware driver (usbnet, whose
//      transmit function is asix's), or a hardware driver calls one of its functions
//      (can-dev's alloc_candev, libwx's), and it binds no `rtnl_link_ops.newlink`, which
//      `ip link add` calls to make a device (macsec, which NICs with MACsec offload call,
//      stays virtual).
// Every other driver is virtual.

import { EDGE_KINDS, type Graph } from '../index/graph';
import { NET_DRIVERS_DIR } from '../index/kernel-layout';
import type { Driver } from './drivers';
import type { DriverSummary } from './summary';

export type DeviceKind = 'hardware' | 'virtual';

/** The slot of a callback a bus calls with each device it finds for a driver. */
const PROBE_SLOT = /\.probe$/;
/** A bus's own probe (`bus_type.probe`, as netdevsim's simulated bus has): not a driver's. */
const BUS_OWN_PROBE = 'bus_type.probe';
/** What `ip link add` calls to make a device of a link type. */
const NEW_LINK_SLOT = 'rtnl_link_ops.newlink';

/**
 * Who owns a file: the drivers whose `owns` says so, asked only of those in the file's
 * folder or above it (a driver owns nothing outside its folder), with the answers kept.
 */
function ownersIndex(drivers: readonly Driver[]): (file: string) => Driver[] {
  const byDir = new Map<string, Driver[]>();
  for (const driver of drivers) {
    const list = byDir.get(driver.dir);
    if (list) list.push(driver);
    else byDir.set(driver.dir, [driver]);
  }
  const known = new Map<string, Driver[]>();
  return (file) => {
    let owners = known.get(file);
    if (owners) return owners;
    owners = [];
    if (file.startsWith(NET_DRIVERS_DIR))
      for (let i = file.lastIndexOf('/'); i > 0; i = file.lastIndexOf('/', i - 1))
        for (const driver of byDir.get(file.slice(0, i)) ?? [])
          if (driver.owns(file)) owners.push(driver);
    known.set(file, owners);
    return owners;
  };
}

type Slot = 'probe' | 'newlink';

/** The drivers whose files bind a bus driver's probe, and those that bind a newlink. */
export function driversBinding(
  graph: Graph,
  drivers: readonly Driver[],
  ownersOf = ownersIndex(drivers),
): Record<Slot, Set<Driver>> {
  const d = graph.data;
  const slots = new Map<number, Slot | undefined>();
  const found: Record<Slot, Set<Driver>> = { probe: new Set(), newlink: new Set() };
  for (let b = 0; b < d.bindSlot.length; b++) {
    const id = d.bindSlot[b] as number;
    let slot = slots.get(id);
    if (!slots.has(id)) {
      const name = graph.str(id) ?? '';
      slot =
        PROBE_SLOT.test(name) && name !== BUS_OWN_PROBE
          ? 'probe'
          : name === NEW_LINK_SLOT
            ? 'newlink'
            : undefined;
      slots.set(id, slot);
    }
    if (!slot) continue;
    for (const driver of ownersOf(graph.str(d.bindFile[b] as number) ?? ''))
      found[slot].add(driver);
  }
  return found;
}

/** For each driver, whether a direct call from a file of a driver in `callers` reaches one of its functions. */
function calledBy(
  graph: Graph,
  drivers: readonly Driver[],
  callers: Set<Driver>,
  owners: (file: string) => Driver[],
): boolean[] {
  const d = graph.data;
  const direct = EDGE_KINDS.indexOf('direct');
  // By the file's string id, so that each file's name is read once.
  const byId = new Map<number, Driver[]>();
  const ownersOf = (file: number): Driver[] => {
    let list = byId.get(file);
    if (!list) byId.set(file, (list = owners(graph.str(file) ?? '')));
    return list;
  };
  const called = new Set<Driver>();
  for (let n = 0; n < graph.nodeCount; n++) {
    const owned = ownersOf(d.nodeFile[n] as number);
    if (owned.length === 0) continue;
    const mine = owned.filter((x) => !callers.has(x) && !called.has(x));
    if (mine.length === 0) continue;
    graph.forEachCallerKind(n, (caller, kind) => {
      if (kind !== direct) return;
      const by = ownersOf(d.nodeFile[caller] as number);
      if (by.some((x) => callers.has(x))) for (const x of mine) called.add(x);
    });
  }
  return drivers.map((x) => called.has(x));
}

/** The kind of each driver of `list` (the summaries of `drivers`, in the same order). */
export function deviceKinds(
  graph: Graph,
  drivers: readonly Driver[],
  list: readonly DriverSummary[],
): DeviceKind[] {
  const owners = ownersIndex(drivers);
  const binding = driversBinding(graph, drivers, owners);
  const hardware = new Set(
    drivers.filter((driver, i) => (list[i]?.irq.length ?? 0) > 0 || binding.probe.has(driver)),
  );
  const hardwareEntries = new Set<string>();
  list.forEach((s, i) => {
    if (hardware.has(drivers[i] as Driver))
      for (const id of [...s.irq, ...s.poll, ...s.xmit]) hardwareEntries.add(id);
  });
  const called = calledBy(graph, drivers, hardware, owners);
  const library = (s: DriverSummary, i: number): boolean =>
    !binding.newlink.has(drivers[i] as Driver) &&
    (called[i] === true || [...s.poll, ...s.xmit].some((id) => hardwareEntries.has(id)));
  return list.map((s, i) =>
    hardware.has(drivers[i] as Driver) || library(s, i) ? 'hardware' : 'virtual',
  );
}
