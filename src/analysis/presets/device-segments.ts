// The segments of the routes that turn off the IP path at the device layer (routes.ts):
// the driver's XDP run and its verdicts, tc's ingress and egress hooks, a bridge port's
// receive handler, a UDP tunnel's receive and transmit, and an AF_PACKET socket. Rows only,
// as segments.ts: each names the milestones its way passes, in packet order, and the lane
// of the functions it adds (knowledge/stages.ts STAGES).
//
// Terms: XDP runs a BPF program on the frame in the driver's RX buffer, before any skb
// exists; its verdict passes the frame to the stack (XDP_PASS), sends it back out of the
// same port (XDP_TX), redirects it to another device, a CPU or an AF_XDP socket
// (XDP_REDIRECT), or drops it (XDP_DROP). tc's clsact qdisc and tcx BPF programs classify
// skbs at a device's ingress and egress. A bridge's ports hand their frames to it through
// net_device.rx_handler; its forwarding database (FDB) says which port an address is behind.

import type { BranchRow, MilestoneRow } from './rows';
import { DEVICE_TRANSMIT, DEVICE_TRANSMIT_BRANCHES } from './segments';

/** The device queue onwards: DEVICE_TRANSMIT without the neighbour output before it. */
export const DEVICE_QUEUE: readonly MilestoneRow[] = DEVICE_TRANSMIT.slice(
  DEVICE_TRANSMIT.findIndex((r) => r.id === 'dev-queue'),
);

/** The branches of DEVICE_QUEUE: the transmit's, without the neighbour output's. */
export const DEVICE_QUEUE_BRANCHES: readonly BranchRow[] = DEVICE_TRANSMIT_BRANCHES.filter((b) =>
  (b.from ?? []).every((id) => DEVICE_QUEUE.some((r) => r.id === id)),
);

/**
 * A driver's XDP transmit of XDP_TX, by its name (ixgbe_xmit_xdp_ring, i40e_xmit_xdp_tx_ring,
 * igb_xdp_xmit_back): drivers name it their own way and register it nowhere.
 */
const XDP_TX_NAMES = /(?:^|_)(?:xmit_xdp|xdp_xmit|xdp_tx|tx_xdp)(?:_|$)/;

/** The driver's ndo_xdp_xmit, which a device map's flush calls for the frames redirected to it. */
// XDP functions are special-purpose variants (kernel-idioms.ts SIDE_VARIANTS), each costing
// a detour to enter (rows.ts DETOUR_COST): the XDP rows' hops leave room for them.
const NDO_XDP_XMIT_NAMES = /(?:^|_)(?:xdp_xmit|xdp_transmit)(?:_|$)/;

/**
 * XDP in the driver's NAPI poll: the program run, XDP_TX through the driver's own XDP
 * transmit, XDP_REDIRECT through xdp_do_redirect to a device map, and the flush at the end
 * of the poll that hands the batch to a device's ndo_xdp_xmit (the driver's own: a redirect
 * between two ports of one NIC model). XDP_PASS goes on into the stack (NAPI_RECEIVE).
 */
export const XDP_RECEIVE: readonly MilestoneRow[] = [
  {
    id: 'xdp-run',
    after: 'poll',
    names: ['bpf_prog_run_xdp'],
    hops: 10,
    label: "the driver's XDP program run (bpf_prog_run_xdp)",
    required: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-tx',
    after: 'poll',
    driverNames: XDP_TX_NAMES,
    hops: 10,
    label: "XDP_TX: the driver's own XDP transmit",
    required: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-redirect',
    after: 'poll',
    names: ['xdp_do_redirect'],
    hops: 10,
    label: 'XDP_REDIRECT (xdp_do_redirect)',
    required: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-enqueue',
    names: ['__xdp_enqueue'],
    hops: 8,
    label: 'the device map queue (__xdp_enqueue)',
    optional: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-flush',
    after: 'poll',
    names: ['xdp_do_flush'],
    hops: 10,
    label: "the redirect flush at the poll's end (xdp_do_flush)",
    required: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-bulk',
    names: ['bq_xmit_all'],
    hops: 6,
    label: "the device map's batch (bq_xmit_all)",
    required: true,
    lane: 'xdp',
  },
  {
    id: 'xdp-ndo-xmit',
    driverNames: NDO_XDP_XMIT_NAMES,
    hops: 3,
    label: "a device's ndo_xdp_xmit (net_device_ops.ndo_xdp_xmit)",
    required: true,
    lane: 'xdp',
  },
];

/** XDP's way out: frames a device map queued, flushed to the driver's ndo_xdp_xmit. */
export const XDP_TRANSMIT: readonly MilestoneRow[] = [
  {
    id: 'xdp-flush',
    root: true,
    names: ['xdp_do_flush'],
    hops: 0,
    label: 'the redirect flush at the end of a NAPI poll (xdp_do_flush)',
    context: 'softirq',
    required: true,
    lane: 'xdp',
  },
  ...XDP_RECEIVE.slice(XDP_RECEIVE.findIndex((r) => r.id === 'xdp-bulk')),
  {
    id: 'xdp-ring',
    driverNames: XDP_TX_NAMES,
    hops: 3,
    label: "the driver's XDP ring transmit",
    optional: true,
    lane: 'xdp',
  },
];

/** The rows of a bridge's forward, from the FDB's decision to the port's transmit. */
function bridgeForward(after: string | undefined): MilestoneRow[] {
  return [
    {
      id: 'br-forward',
      ...(after === undefined ? {} : { after }),
      names: ['br_forward'],
      hops: 2,
      label: 'br_forward to the port the FDB names',
      required: true,
      lane: 'bridge',
    },
    {
      id: 'br-forward-one',
      names: ['__br_forward'],
      hops: 1,
      label: '__br_forward',
      lane: 'bridge',
    },
    {
      id: 'br-forward-finish',
      names: ['br_forward_finish'],
      hops: 1,
      label: "br_forward_finish (the FORWARD hook's continuation)",
      required: true,
      lane: 'bridge',
    },
    {
      id: 'br-push',
      names: ['br_dev_queue_push_xmit'],
      hops: 1,
      label: "br_dev_queue_push_xmit (the POST_ROUTING hook's continuation)",
      required: true,
      lane: 'bridge',
    },
    ...DEVICE_QUEUE,
  ];
}

/**
 * A frame a bridge port receives: the port's rx_handler, the bridge's PRE_ROUTING hooks,
 * the FDB's decision, the forward out of another port (its driver's ndo_start_xmit: the
 * same driver, a bridge of two ports of one NIC model) and the local delivery to the
 * bridge device, which receives the frame again.
 */
export const BRIDGE_RECEIVE: readonly MilestoneRow[] = [
  {
    id: 'br-rx',
    after: 'core-rx',
    names: ['br_handle_frame'],
    hops: 3,
    label: "the bridge port's rx_handler (br_handle_frame, net_device.rx_handler)",
    required: true,
    lane: 'bridge',
  },
  {
    id: 'br-pre',
    names: ['nf_hook_bridge_pre'],
    hops: 1,
    label: "the bridge's PRE_ROUTING hooks (nf_hook_bridge_pre)",
    optional: true,
    lane: 'bridge',
  },
  {
    id: 'br-finish',
    names: ['br_handle_frame_finish'],
    hops: 2,
    label: 'the FDB decision (br_handle_frame_finish)',
    required: true,
    lane: 'bridge',
  },
  {
    id: 'br-fdb',
    after: 'br-finish',
    names: ['br_fdb_find_rcu'],
    hops: 1,
    label: 'the FDB lookup (br_fdb_find_rcu)',
    optional: true,
    lane: 'bridge',
  },
  ...bridgeForward('br-finish'),
  {
    id: 'br-local',
    after: 'br-finish',
    names: ['br_pass_frame_up'],
    hops: 1,
    label: 'the local delivery (br_pass_frame_up)',
    required: true,
    lane: 'bridge',
  },
  {
    id: 'br-local-rx',
    names: ['br_netif_receive_skb'],
    hops: 1,
    label: "br_netif_receive_skb (the LOCAL_IN hook's continuation)",
    required: true,
    lane: 'bridge',
  },
  {
    id: 'br-local-again',
    names: ['netif_receive_skb'],
    hops: 1,
    label: 'netif_receive_skb, the frame received on the bridge device',
    required: true,
  },
];

/** What the host sends through a bridge device: its ndo_start_xmit, the FDB, a port's transmit. */
export const BRIDGE_TRANSMIT: readonly MilestoneRow[] = [
  {
    id: 'br-xmit',
    root: true,
    names: ['br_dev_xmit'],
    hops: 0,
    label: "the bridge device's ndo_start_xmit (br_dev_xmit)",
    context: 'bh-disabled',
    required: true,
    lane: 'bridge',
  },
  ...bridgeForward(undefined),
];

/** tc at a device's ingress: tcx programs, clsact filters, and a redirect's transmit. */
export const TC_INGRESS: readonly MilestoneRow[] = [
  {
    id: 'tc-hook',
    after: 'core-rx',
    names: ['sch_handle_ingress'],
    hops: 2,
    label: 'tc ingress (sch_handle_ingress)',
    required: true,
    lane: 'tc',
  },
  ...tcVerdicts('tc-hook'),
];

/** tc at a device's egress, in __dev_queue_xmit before the qdisc. */
export const TC_EGRESS: readonly MilestoneRow[] = [
  {
    id: 'tc-hook',
    after: 'dev-queue',
    names: ['sch_handle_egress'],
    hops: 1,
    label: 'tc egress (sch_handle_egress)',
    required: true,
    lane: 'tc',
  },
  ...tcVerdicts('tc-hook'),
];

/** The classification and the redirect verdict of a tc hook. */
function tcVerdicts(hook: string): MilestoneRow[] {
  return [
    {
      id: 'tcx',
      after: hook,
      names: ['tcx_run'],
      hops: 1,
      label: 'the tcx BPF programs (tcx_run)',
      required: true,
      lane: 'tc',
    },
    {
      id: 'tc-classify',
      after: hook,
      names: ['tcf_classify'],
      hops: 2,
      label: "the clsact qdisc's filters (tc_run, tcf_classify)",
      required: true,
      lane: 'tc',
    },
    {
      id: 'tc-filter',
      names: ['tc_classify'],
      hops: 2,
      label: "a filter's classify (tcf_proto.classify)",
      optional: true,
      lane: 'tc',
    },
    {
      id: 'tc-redirect',
      after: hook,
      names: ['skb_do_redirect'],
      hops: 1,
      label: 'TC_ACT_REDIRECT (skb_do_redirect)',
      required: true,
      lane: 'tc',
    },
    {
      id: 'tc-redirect-out',
      names: ['dev_queue_xmit'],
      hops: 5,
      label: "the redirect's transmit (dev_queue_xmit)",
      optional: true,
      lane: 'tc',
    },
  ];
}

/**
 * The outer packet of a UDP tunnel, from UDP receive to the tunnel port's socket, whose
 * encap_rcv is the tunnel device's receive (set by setup_udp_tunnel_sock), which strips
 * the outer headers and hands the inner frame to the stack again.
 */
export const TUNNEL_RECEIVE: readonly MilestoneRow[] = [
  { id: 'udp', names: ['udp_rcv'], hops: 3, label: 'udp_rcv', required: true },
  {
    id: 'udp-encap',
    names: ['udp_queue_rcv_one_skb'],
    hops: 5,
    label: "the tunnel port's UDP socket (udp_queue_rcv_one_skb)",
    required: true,
  },
  {
    id: 'vxlan-rcv',
    names: ['vxlan_rcv'],
    hops: 1,
    label: "VXLAN's receive (udp_sock.encap_rcv = vxlan_rcv)",
    required: true,
    lane: 'tunnel',
  },
  {
    id: 'tunnel-inner',
    names: ['gro_cells_receive'],
    hops: 2,
    label: 'the inner frame back into the stack (gro_cells_receive)',
    required: true,
    lane: 'tunnel',
  },
  {
    id: 'geneve-rcv',
    after: 'udp-encap',
    names: ['geneve_udp_encap_recv'],
    hops: 1,
    label: "Geneve's receive (udp_sock.encap_rcv = geneve_udp_encap_recv)",
    optional: true,
    lane: 'tunnel',
  },
];

/**
 * A tunnel device's transmit (VXLAN's ndo_start_xmit): the outer UDP and IPv4 headers
 * pushed, and the outer packet sent as a local one, out through IP output to a device.
 */
export const TUNNEL_TRANSMIT: readonly MilestoneRow[] = [
  {
    id: 'tunnel-xmit',
    root: true,
    names: ['vxlan_xmit'],
    hops: 0,
    label: "VXLAN's ndo_start_xmit (vxlan_xmit)",
    context: 'bh-disabled',
    required: true,
    lane: 'tunnel',
  },
  {
    id: 'tunnel-encap',
    names: ['udp_tunnel_xmit_skb'],
    hops: 3,
    label: 'the outer UDP header (udp_tunnel_xmit_skb)',
    required: true,
    lane: 'tunnel',
  },
  {
    id: 'tunnel-ip',
    names: ['iptunnel_xmit'],
    hops: 1,
    label: 'the outer IPv4 header (iptunnel_xmit)',
    required: true,
    lane: 'tunnel',
  },
  { id: 'ip-local-out', names: ['ip_local_out'], hops: 2, label: 'ip_local_out', required: true },
  { id: 'ip-output', names: ['ip_output'], hops: 4, label: 'ip_output', required: true },
  {
    id: 'ip-finish',
    names: ['ip_finish_output2'],
    hops: 4,
    label: 'ip_finish_output2',
    required: true,
  },
  ...DEVICE_TRANSMIT,
];

/** An AF_PACKET socket's tap on every frame the device receives (ptype_all). */
export const PACKET_RECEIVE: readonly MilestoneRow[] = [
  {
    id: 'packet-tap',
    after: 'core-rx',
    names: ['packet_rcv', 'tpacket_rcv'],
    hops: 3,
    label: "an AF_PACKET socket's tap (packet_type.func: packet_rcv, tpacket_rcv)",
    required: true,
  },
  {
    id: 'packet-wake',
    names: ['sock_def_readable'],
    hops: 3,
    label: 'the socket wake-up (sock_def_readable)',
    optional: true,
  },
];

/** An AF_PACKET socket's send, after socketSend('packet_sendmsg'): the frame to the device queue. */
export const PACKET_SEND: readonly MilestoneRow[] = [
  {
    id: 'packet-snd',
    names: ['packet_snd', 'tpacket_snd'],
    hops: 1,
    label: 'packet_snd/tpacket_snd',
    required: true,
  },
  {
    id: 'packet-xmit',
    names: ['packet_xmit'],
    hops: 2,
    label: 'packet_xmit',
    required: true,
  },
  ...DEVICE_QUEUE,
];
