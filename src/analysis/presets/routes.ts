// The routes of the presets, as data: each route is a way a packet can take through the
// stack, drawn for one driver as `netpaths ingress|egress --driver NAME --route ID`. A route
// is rows only, its milestones and side branches composed from the shared segments of
// segments.ts; the walk (chain.ts), the cut (cut.ts) and the annotation hold no route's
// function names. Adding a route is one entry here (and its segments there).
//
// A forwarding route is one drawing from the receiving driver to a transmitting device.
// Ingress draws the whole way: in through the driver, routed by ip_forward or ip6_forward
// and out through the device queue to the same driver's ndo_start_xmit (a router between two
// ports of one NIC model). Egress draws the way out alone: from the forward decision to the
// driver's ndo_start_xmit and its TX completion, whichever device received the packet.

import {
  BRIDGE_RECEIVE,
  BRIDGE_TRANSMIT,
  DEVICE_QUEUE_BRANCHES,
  PACKET_RECEIVE,
  PACKET_SEND,
  TC_EGRESS,
  TC_INGRESS,
  TUNNEL_RECEIVE,
  TUNNEL_TRANSMIT,
  XDP_RECEIVE,
  XDP_TRANSMIT,
} from './device-segments';
import type { BranchRow, Direction, MilestoneRow } from './rows';
import {
  DEVICE_TRANSMIT,
  DEVICE_TRANSMIT_BRANCHES,
  DRIVER_RECEIVE_BRANCHES,
  EPOLL_BRANCH,
  EGRESS,
  EGRESS_BRANCHES,
  GSO_BRANCH,
  INGRESS_BRANCHES,
  IPV4_FORWARD_IN,
  IPV4_FORWARD_OUT,
  IPV4_LOCAL_IN,
  IPV6_FORWARD_IN,
  IPV6_FORWARD_OUT,
  IPV6_LOCAL_IN,
  IPV6_TCP_OUT,
  RPS_BRANCH,
  TCP4_RECEIVE,
  TCP_SEND,
  TX_COMPLETION,
  UDP4_SEND,
  UDP6_SEND,
  groBranch,
  netfilterBranch,
  readerRows,
  socketSend,
  tcpReceive,
  udpReceive,
  wakeUp,
} from './segments';

/** One direction of a route: its milestone rows and its side branches. */
export interface RouteDirection {
  /**
   * The milestones. On ingress, those after the driver's receive part, which the walk puts
   * first (segments.ts NAPI_RECEIVE, or BACKLOG_RECEIVE for a driver without NAPI), unless
   * `driverReceive` is false: then these rows are the whole path.
   */
  rows: readonly MilestoneRow[];
  branches: readonly BranchRow[];
  /** Ingress only: start with the driver's receive part (default true). */
  driverReceive?: boolean;
  /**
   * A row without which the driver cannot draw this direction at all, and what its absence
   * says (`no XDP support`): asked for, the route is then one line of error naming what is
   * missing and the routes the driver draws, not a partial path.
   */
  gate?: { row: string; says: string };
}

export interface Route {
  /** What `--route` takes. */
  id: string;
  /** One line for `netpaths routes`. */
  description: string;
  ingress: RouteDirection;
  egress: RouteDirection;
}

/** The route drawn when none is asked for. */
export const DEFAULT_ROUTE = 'tcp4';

/**
 * The ingress branches of a route that delivers locally over one IP version: the hook runner
 * is left from the milestones `netfilter` names (with the list runner for the list receive),
 * and the epoll wake-up from the socket's wait queue when the route wakes a reader.
 */
function localBranches(
  groProtocols: readonly string[],
  netfilter: readonly string[],
  options: { list?: boolean; reader?: boolean } = {},
): BranchRow[] {
  const { list = false, reader = true } = options;
  return [
    ...DRIVER_RECEIVE_BRANCHES,
    groBranch(groProtocols),
    RPS_BRANCH,
    netfilterBranch(netfilter, list ? ['nf_hook_slow', 'nf_hook_slow_list'] : ['nf_hook_slow']),
    ...(reader ? [EPOLL_BRANCH] : []),
  ];
}

/** The ingress branches of a forwarding route: the receive part's, then the transmit's. */
const FORWARD_INGRESS_BRANCHES: readonly BranchRow[] = [
  ...DRIVER_RECEIVE_BRANCHES,
  RPS_BRANCH,
  netfilterBranch(['rcv-finish', 'forward', 'ip-finish'], ['nf_hook_slow']),
  ...DEVICE_TRANSMIT_BRANCHES,
  GSO_BRANCH,
];

/** The egress branches of a route through IP output, the hook runner left from `netfilter`. */
function outputBranches(netfilter: readonly string[]): BranchRow[] {
  return [...DEVICE_TRANSMIT_BRANCHES, netfilterBranch(netfilter, ['nf_hook_slow']), GSO_BRANCH];
}

const LOCAL_OUT = ['ip-local-out', 'ip-finish'];
const FORWARD_OUT = ['forward', 'ip-finish'];

export const ROUTES: readonly Route[] = [
  {
    id: 'tcp4',
    description: 'TCP over IPv4, with UDP beside it (the default): socket to driver and back',
    ingress: { rows: TCP4_RECEIVE, branches: INGRESS_BRANCHES },
    egress: { rows: EGRESS, branches: EGRESS_BRANCHES },
  },
  {
    id: 'udp4',
    description: 'UDP over IPv4: udp_rcv to udp_recvmsg, udp_sendmsg to ip_send_skb',
    ingress: {
      rows: [
        ...IPV4_LOCAL_IN,
        ...udpReceive('udp_rcv'),
        ...wakeUp('udp-wake'),
        ...readerRows({ family: 'inet_recvmsg', udp: 'udp_recvmsg' }),
      ],
      branches: localBranches(['udp4_gro_receive'], ['dst-input', 'l4-deliver'], { list: true }),
    },
    egress: {
      rows: [...socketSend('inet_sendmsg'), ...UDP4_SEND, ...DEVICE_TRANSMIT, ...TX_COMPLETION],
      branches: outputBranches(LOCAL_OUT),
    },
  },
  {
    id: 'tcp6',
    description: 'TCP over IPv6: ipv6_rcv to tcp_v6_rcv, tcp_sendmsg to ip6_xmit',
    ingress: {
      rows: [
        ...IPV6_LOCAL_IN,
        ...tcpReceive('tcp_v6_rcv'),
        ...wakeUp('tcp-wake'),
        ...readerRows({ family: 'inet6_recvmsg', tcp: true }),
      ],
      branches: localBranches(['tcp6_gro_receive'], ['rcv-finish', 'dst-input', 'l4-deliver']),
    },
    egress: {
      rows: [
        ...socketSend('inet6_sendmsg'),
        ...TCP_SEND,
        ...IPV6_TCP_OUT,
        ...DEVICE_TRANSMIT,
        ...TX_COMPLETION,
      ],
      branches: outputBranches(LOCAL_OUT),
    },
  },
  {
    id: 'udp6',
    description: 'UDP over IPv6: udpv6_rcv to udpv6_recvmsg, udpv6_sendmsg to ip6_send_skb',
    ingress: {
      rows: [
        ...IPV6_LOCAL_IN,
        ...udpReceive('udpv6_rcv'),
        ...wakeUp('udp-wake'),
        ...readerRows({ family: 'inet6_recvmsg', udp: 'udpv6_recvmsg' }),
      ],
      branches: localBranches(['udp6_gro_receive'], ['rcv-finish', 'dst-input', 'l4-deliver']),
    },
    egress: {
      rows: [...socketSend('inet6_sendmsg'), ...UDP6_SEND, ...DEVICE_TRANSMIT, ...TX_COMPLETION],
      branches: outputBranches(LOCAL_OUT),
    },
  },
  {
    id: 'forward4',
    description:
      'IPv4 forwarding: ip_rcv, ip_forward, ip_output, out to a device (egress: the way out)',
    ingress: { rows: [...IPV4_FORWARD_IN, ...DEVICE_TRANSMIT], branches: FORWARD_INGRESS_BRANCHES },
    egress: {
      rows: [...IPV4_FORWARD_OUT, ...DEVICE_TRANSMIT, ...TX_COMPLETION],
      branches: outputBranches(FORWARD_OUT),
    },
  },
  {
    id: 'forward6',
    description:
      'IPv6 forwarding: ipv6_rcv, ip6_forward, ip6_output, out to a device (egress: the way out)',
    ingress: { rows: [...IPV6_FORWARD_IN, ...DEVICE_TRANSMIT], branches: FORWARD_INGRESS_BRANCHES },
    egress: {
      rows: [...IPV6_FORWARD_OUT, ...DEVICE_TRANSMIT, ...TX_COMPLETION],
      branches: outputBranches(FORWARD_OUT),
    },
  },
  {
    id: 'xdp',
    description:
      "XDP in the driver's poll: XDP_TX, XDP_REDIRECT to ndo_xdp_xmit, XDP_PASS into the stack",
    ingress: {
      rows: XDP_RECEIVE,
      branches: DRIVER_RECEIVE_BRANCHES,
      gate: { row: 'xdp-run', says: 'no XDP support (its poll runs no XDP program)' },
    },
    egress: { rows: XDP_TRANSMIT, branches: [] },
  },
  {
    id: 'bridge',
    description:
      'A bridge port: rx_handler br_handle_frame, the FDB, br_forward and br_pass_frame_up',
    ingress: {
      rows: BRIDGE_RECEIVE,
      branches: [...DRIVER_RECEIVE_BRANCHES, ...DEVICE_QUEUE_BRANCHES],
    },
    egress: {
      rows: [...BRIDGE_TRANSMIT, ...TX_COMPLETION],
      branches: DEVICE_QUEUE_BRANCHES,
    },
  },
  {
    id: 'tc',
    description: 'tc hooks at ingress and egress: tcx programs, clsact filters, TC_ACT_REDIRECT',
    ingress: { rows: TC_INGRESS, branches: DRIVER_RECEIVE_BRANCHES },
    egress: {
      rows: [
        ...socketSend('inet_sendmsg'),
        ...UDP4_SEND,
        ...DEVICE_TRANSMIT,
        ...TC_EGRESS,
        ...TX_COMPLETION,
      ],
      branches: outputBranches(LOCAL_OUT),
    },
  },
  {
    id: 'tunnel',
    description:
      "A UDP tunnel: the tunnel port's socket to vxlan_rcv/geneve, out through vxlan_xmit",
    ingress: {
      rows: [...IPV4_LOCAL_IN, ...TUNNEL_RECEIVE],
      branches: localBranches(['udp4_gro_receive'], ['dst-input', 'l4-deliver'], {
        reader: false,
      }),
    },
    egress: {
      rows: [...TUNNEL_TRANSMIT, ...TX_COMPLETION],
      branches: outputBranches(LOCAL_OUT),
    },
  },
  {
    id: 'packet',
    description: "An AF_PACKET socket: its tap on receive (packet_rcv), packet_sendmsg's frame out",
    ingress: { rows: PACKET_RECEIVE, branches: DRIVER_RECEIVE_BRANCHES },
    egress: {
      rows: [...socketSend('packet_sendmsg'), ...PACKET_SEND, ...TX_COMPLETION],
      branches: DEVICE_QUEUE_BRANCHES,
    },
  },
];

/** The route with this id, if any. */
export function findRoute(id: string): Route | undefined {
  return ROUTES.find((r) => r.id === id);
}

/** `tcp4, udp4, ...`: the ids of the routes. */
export function routeIds(routes: readonly Route[] = ROUTES): string {
  return routes.map((r) => r.id).join(', ');
}

/** One direction of a route. */
export function routeDirection(route: Route, direction: Direction): RouteDirection {
  return direction === 'ingress' ? route.ingress : route.egress;
}

/**
 * What a direction of a route needs a driver to register before its walk can start: a NAPI
 * poll or an IRQ handler for the driver's receive part, an ndo_start_xmit for a transmit row.
 */
export function routeNeeds(
  route: Route,
  direction: Direction,
): { receive: boolean; xmit: boolean } {
  const d = routeDirection(route, direction);
  return {
    receive: direction === 'ingress' && d.driverReceive !== false,
    xmit: d.rows.some((r) => r.role === 'xmit' && r.required),
  };
}
