// Readable titles for the stages and execution contexts of the packet-path presets.
// Kernel knowledge is data: adding a stage is one row here or in knowledge/stages.ts. A
// stage missing from both is shown under its raw name, so the analysis can add stages
// before the renderers know them.
//
// Terms: ingress is the receive path (NIC -> socket), egress the transmit path. NAPI is the
// kernel's interrupt-mitigating poll API: the hard IRQ only schedules a poll, which runs in
// the NET_RX softirq. GRO (generic receive offload) merges segments of a flow before the
// stack sees them. A qdisc is the queueing discipline that traffic control attaches to a
// transmit queue.

import type { ExecContext, Stage } from '../graph-json';
import { STAGES } from '../knowledge/stages';

/**
 * Lane titles for the diagrams: `Area · detail`, the detail saying what a kernel developer
 * would look for there. Stages of the analysis vocabulary (knowledge/stages.ts `STAGES`)
 * missing here get that table's label, anything else its raw name.
 */
const STAGE_TITLES: Readonly<Record<string, string>> = {
  'driver-irq': 'Driver · hard IRQ',
  'napi-softirq': 'NAPI · NET_RX softirq',
  'driver-poll': 'Driver · NAPI poll',
  'driver-rx': 'Driver · RX poll',
  softirq: 'Softirq machinery',
  xdp: 'XDP',
  gro: 'GRO · generic receive offload',
  link: 'Link layer · Ethernet',
  'core-rx': 'Core RX · __netif_receive_skb',
  bridge: 'Bridge',
  tc: 'tc · classifiers and tcx',
  tunnel: 'Tunnel · UDP encapsulation',
  vlan: 'VLAN',
  netfilter: 'Netfilter hooks',
  routing: 'Routing · dst',
  ipv4: 'IPv4',
  ipv6: 'IPv6',
  forward: 'Forwarding · ip_forward',
  icmp: 'ICMP',
  tcp: 'TCP',
  udp: 'UDP',
  socket: 'Socket',
  syscall: 'User space · system call',
  neigh: 'Neighbour · ARP / ND',
  'core-tx': 'Core TX · dev_queue_xmit',
  gso: 'GSO · segmentation',
  qdisc: 'Qdisc · traffic control',
  'driver-xmit': 'Driver · ndo_start_xmit',
  'driver-tx': 'Driver · TX',
  skb: 'skb helpers',
  core: 'Networking core',
};

const KNOWLEDGE_LABELS: ReadonlyMap<string, string> = new Map(STAGES.map((s) => [s.id, s.label]));

const CONTEXT_TITLES: Readonly<Record<ExecContext, string>> = {
  hardirq: 'hard IRQ',
  softirq: 'softirq',
  process: 'process context',
  'bh-disabled': 'bottom halves disabled',
};

/** A human title for a stage, e.g. `driver-irq` -> `Driver · hard IRQ`; unknown stages keep their raw name. */
export function stageTitle(stage: Stage): string {
  if (Object.prototype.hasOwnProperty.call(STAGE_TITLES, stage))
    return STAGE_TITLES[stage] ?? stage;
  return KNOWLEDGE_LABELS.get(stage) ?? stage;
}

/** A human title for an execution context, e.g. `hardirq` -> `hard IRQ`. */
export function contextTitle(context: ExecContext): string {
  return CONTEXT_TITLES[context] ?? String(context);
}

/** Whether `value` is one of the execution contexts of the contract (graph JSON is read from files). */
export function isExecContext(value: unknown): value is ExecContext {
  return (
    value === 'hardirq' || value === 'softirq' || value === 'process' || value === 'bh-disabled'
  );
}

/** The CSS and Mermaid class of a context: its name without the hyphen (`bhdisabled`). */
export function contextClass(context: ExecContext): string {
  return context.replace(/-/g, '');
}
