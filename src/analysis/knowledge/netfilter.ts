// Netfilter as data: the hook and protocol-family constants (values from
// include/uapi/linux/netfilter.h), our notes on each hook, and which function on the packet
// path runs which hook, so presets can place `markers` on the graph.
//
// Invariants (test/integration/knowledge.test.ts): every HOOK_CALLS row names a function whose
// body, in `file`, calls `macro(proto, hook, ...)` with that `okfn`; constant values match the
// uapi header. A newcomer adding a hook site adds one HOOK_CALLS row.

import { type ArgumentSpan, NOT_FOUND, maskCode, splitArguments } from '../index/c-text';

export interface NfHookRow {
  /** Constant name, e.g. `NF_INET_PRE_ROUTING`. */
  id: string;
  value: number;
  /** Short label for a marker, e.g. `PRE_ROUTING`. */
  label: string;
  /**
   * `inet` hooks live in the IPv4/IPv6 stacks; `netdev` hooks at the device layer; `bridge`
   * hooks in the bridge's own receive and forward path (include/uapi/linux/netfilter_bridge.h).
   */
  family: 'inet' | 'netdev' | 'bridge';
  note: string;
}

export const NF_HOOKS: readonly NfHookRow[] = [
  // enum nf_inet_hooks
  {
    id: 'NF_INET_PRE_ROUTING',
    value: 0,
    label: 'PRE_ROUTING',
    family: 'inet',
    note: 'Every received IP packet, after header checks and before the route lookup; where DNAT and conntrack start tracking incoming traffic.',
  },
  {
    id: 'NF_INET_LOCAL_IN',
    value: 1,
    label: 'LOCAL_IN',
    family: 'inet',
    note: 'Received packets routed to this host, after reassembly and just before the transport protocol (TCP/UDP) sees them; the INPUT chain.',
  },
  {
    id: 'NF_INET_FORWARD',
    value: 2,
    label: 'FORWARD',
    family: 'inet',
    note: 'Received packets routed on to another host, before they are sent out again; the FORWARD chain.',
  },
  {
    id: 'NF_INET_LOCAL_OUT',
    value: 3,
    label: 'LOCAL_OUT',
    family: 'inet',
    note: 'Locally generated packets once their IP header is complete and a route is attached; the OUTPUT chain.',
  },
  {
    id: 'NF_INET_POST_ROUTING',
    value: 4,
    label: 'POST_ROUTING',
    family: 'inet',
    note: 'Every outgoing packet, local or forwarded, before the neighbour layer and device queue; where SNAT and masquerading happen.',
  },
  {
    id: 'NF_INET_INGRESS',
    value: 5,
    label: 'INGRESS',
    family: 'inet',
    note: 'Pseudo-hook for inet-family nftables base chains; they are attached to the device-level ingress hook.',
  },
  // enum nf_dev_hooks
  {
    id: 'NF_NETDEV_INGRESS',
    value: 0,
    label: 'NETDEV_INGRESS',
    family: 'netdev',
    note: 'Per-device hook in __netif_receive_skb_core() (via nf_ingress()), before any protocol handler sees the packet.',
  },
  {
    id: 'NF_NETDEV_EGRESS',
    value: 1,
    label: 'NETDEV_EGRESS',
    family: 'netdev',
    note: 'Per-device hook in __dev_queue_xmit(), run before tc egress and before the packet reaches the qdisc.',
  },
  // The bridge's hooks (#define NF_BR_* in include/uapi/linux/netfilter_bridge.h).
  {
    id: 'NF_BR_PRE_ROUTING',
    value: 0,
    label: 'BR_PRE_ROUTING',
    family: 'bridge',
    note: "Every frame a bridge port receives, before the forwarding database decides where it goes; the bridge family's prerouting chain.",
  },
  {
    id: 'NF_BR_LOCAL_IN',
    value: 1,
    label: 'BR_LOCAL_IN',
    family: 'bridge',
    note: "Frames for the bridge device itself, before they are received again on it as on any device; the bridge family's input chain.",
  },
  {
    id: 'NF_BR_FORWARD',
    value: 2,
    label: 'BR_FORWARD',
    family: 'bridge',
    note: "Frames a port received and the bridge sends out of another port; the bridge family's forward chain.",
  },
  {
    id: 'NF_BR_LOCAL_OUT',
    value: 3,
    label: 'BR_LOCAL_OUT',
    family: 'bridge',
    note: "Frames the host sends through the bridge device, before they leave by a port; the bridge family's output chain.",
  },
  {
    id: 'NF_BR_POST_ROUTING',
    value: 4,
    label: 'BR_POST_ROUTING',
    family: 'bridge',
    note: "Every frame about to leave by a bridge port, forwarded or local; the bridge family's postrouting chain.",
  },
];

export interface NfProtoRow {
  id: string;
  value: number;
  label: string;
  note: string;
}

export const NF_PROTOS: readonly NfProtoRow[] = [
  // Protocol families a hook is registered for (first argument of NF_HOOK).
  {
    id: 'NFPROTO_UNSPEC',
    value: 0,
    label: 'unspec',
    note: 'Not tied to a family (used by generic logging and queueing).',
  },
  {
    id: 'NFPROTO_INET',
    value: 1,
    label: 'inet',
    note: 'nftables family covering both IPv4 and IPv6.',
  },
  { id: 'NFPROTO_IPV4', value: 2, label: 'ipv4', note: 'IPv4 stack hooks (iptables, nft ip).' },
  { id: 'NFPROTO_ARP', value: 3, label: 'arp', note: 'ARP packets (arptables, nft arp).' },
  {
    id: 'NFPROTO_NETDEV',
    value: 5,
    label: 'netdev',
    note: 'Device-level ingress and egress hooks.',
  },
  {
    id: 'NFPROTO_BRIDGE',
    value: 7,
    label: 'bridge',
    note: 'Bridged frames (ebtables, nft bridge).',
  },
  { id: 'NFPROTO_IPV6', value: 10, label: 'ipv6', note: 'IPv6 stack hooks (ip6tables, nft ip6).' },
];

/**
 * How a hook is run: the macros, and `nf_hook_state_init(&state, hook, pf, ..., okfn)`,
 * with which the bridge runs its PRE_ROUTING hooks itself (nf_hook_bridge_pre).
 */
export type NfHookMacro =
  | 'NF_HOOK'
  | 'NF_HOOK_COND'
  | 'NF_HOOK_LIST'
  | 'nf_hook'
  | 'nf_hook_ingress'
  | 'nf_hook_egress'
  | 'nf_hook_state_init';

export interface HookCallRow {
  /** The function whose body runs the hook. */
  function: string;
  /** Where Linux 6.12 defines it. */
  file: string;
  hook: string;
  proto: string;
  macro: NfHookMacro;
  /** The continuation run for accepted packets, when the macro takes one. */
  okfn?: string;
  direction: 'ingress' | 'egress' | 'forward';
  note?: string;
  /**
   * When the call passes the hook in a variable (`NF_HOOK(NFPROTO_BRIDGE, br_hook, ...)` in
   * __br_forward): its name; the row's hook is one of the constants assigned to it.
   */
  hookVariable?: string;
}

export const HOOK_CALLS: readonly HookCallRow[] = [
  // IPv4 receive.
  {
    function: 'ip_rcv',
    file: 'net/ipv4/ip_input.c',
    hook: 'NF_INET_PRE_ROUTING',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK',
    okfn: 'ip_rcv_finish',
    direction: 'ingress',
  },
  {
    function: 'ip_sublist_rcv',
    file: 'net/ipv4/ip_input.c',
    hook: 'NF_INET_PRE_ROUTING',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK_LIST',
    okfn: 'ip_rcv_finish',
    direction: 'ingress',
    note: 'List-receive variant reached from ip_list_rcv().',
  },
  {
    function: 'ip_local_deliver',
    file: 'net/ipv4/ip_input.c',
    hook: 'NF_INET_LOCAL_IN',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK',
    okfn: 'ip_local_deliver_finish',
    direction: 'ingress',
  },
  {
    function: 'ip_forward',
    file: 'net/ipv4/ip_forward.c',
    hook: 'NF_INET_FORWARD',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK',
    okfn: 'ip_forward_finish',
    direction: 'forward',
  },
  // IPv4 transmit.
  {
    function: '__ip_local_out',
    file: 'net/ipv4/ip_output.c',
    hook: 'NF_INET_LOCAL_OUT',
    proto: 'NFPROTO_IPV4',
    macro: 'nf_hook',
    okfn: 'dst_output',
    direction: 'egress',
    note: 'nf_hook() returns 1 for an accepted packet and ip_local_out() then calls dst_output() itself.',
  },
  {
    function: 'ip_output',
    file: 'net/ipv4/ip_output.c',
    hook: 'NF_INET_POST_ROUTING',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK_COND',
    okfn: 'ip_finish_output',
    direction: 'egress',
    note: 'Skipped for packets already rerouted by netfilter (IPSKB_REROUTED).',
  },
  {
    function: 'ip_mc_output',
    file: 'net/ipv4/ip_output.c',
    hook: 'NF_INET_POST_ROUTING',
    proto: 'NFPROTO_IPV4',
    macro: 'NF_HOOK_COND',
    okfn: 'ip_finish_output',
    direction: 'egress',
    note: 'Multicast and broadcast output; looped-back copies pass the hook through NF_HOOK() too.',
  },
  // IPv6 receive.
  {
    function: 'ipv6_rcv',
    file: 'net/ipv6/ip6_input.c',
    hook: 'NF_INET_PRE_ROUTING',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK',
    okfn: 'ip6_rcv_finish',
    direction: 'ingress',
  },
  {
    function: 'ip6_sublist_rcv',
    file: 'net/ipv6/ip6_input.c',
    hook: 'NF_INET_PRE_ROUTING',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK_LIST',
    okfn: 'ip6_rcv_finish',
    direction: 'ingress',
  },
  {
    function: 'ip6_input',
    file: 'net/ipv6/ip6_input.c',
    hook: 'NF_INET_LOCAL_IN',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK',
    okfn: 'ip6_input_finish',
    direction: 'ingress',
  },
  {
    function: 'ip6_forward',
    file: 'net/ipv6/ip6_output.c',
    hook: 'NF_INET_FORWARD',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK',
    okfn: 'ip6_forward_finish',
    direction: 'forward',
  },
  // IPv6 transmit.
  {
    function: '__ip6_local_out',
    file: 'net/ipv6/output_core.c',
    hook: 'NF_INET_LOCAL_OUT',
    proto: 'NFPROTO_IPV6',
    macro: 'nf_hook',
    okfn: 'dst_output',
    direction: 'egress',
    note: 'Used by UDPv6 and other datagram senders; ip6_local_out() calls dst_output() on acceptance.',
  },
  {
    function: 'ip6_xmit',
    file: 'net/ipv6/ip6_output.c',
    hook: 'NF_INET_LOCAL_OUT',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK',
    okfn: 'dst_output',
    direction: 'egress',
    note: 'TCP over IPv6 transmits through ip6_xmit(), which runs LOCAL_OUT itself rather than via __ip6_local_out().',
  },
  {
    function: 'ip6_output',
    file: 'net/ipv6/ip6_output.c',
    hook: 'NF_INET_POST_ROUTING',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK_COND',
    okfn: 'ip6_finish_output',
    direction: 'egress',
  },
  {
    function: 'ip6_finish_output2',
    file: 'net/ipv6/ip6_output.c',
    hook: 'NF_INET_POST_ROUTING',
    proto: 'NFPROTO_IPV6',
    macro: 'NF_HOOK',
    okfn: 'dev_loopback_xmit',
    direction: 'egress',
    note: 'Only for the looped-back copy of a multicast packet this host also listens to.',
  },
  // Device level (nftables netdev family).
  {
    function: 'nf_ingress',
    file: 'net/core/dev.c',
    hook: 'NF_NETDEV_INGRESS',
    proto: 'NFPROTO_NETDEV',
    macro: 'nf_hook_ingress',
    direction: 'ingress',
    note: 'Called from __netif_receive_skb_core() after tc ingress.',
  },
  {
    function: '__dev_queue_xmit',
    file: 'net/core/dev.c',
    hook: 'NF_NETDEV_EGRESS',
    proto: 'NFPROTO_NETDEV',
    macro: 'nf_hook_egress',
    direction: 'egress',
    note: 'Runs only when an egress hook is registered (nf_hook_egress_active()).',
  },
  // Bridge.
  {
    function: 'nf_hook_bridge_pre',
    file: 'net/bridge/br_input.c',
    hook: 'NF_BR_PRE_ROUTING',
    proto: 'NFPROTO_BRIDGE',
    macro: 'nf_hook_state_init',
    okfn: 'br_handle_frame_finish',
    direction: 'ingress',
    note: 'The bridge runs its PRE_ROUTING hooks in a loop of its own, then calls br_handle_frame_finish() directly.',
  },
  {
    function: 'br_handle_frame',
    file: 'net/bridge/br_input.c',
    hook: 'NF_BR_LOCAL_IN',
    proto: 'NFPROTO_BRIDGE',
    macro: 'NF_HOOK',
    okfn: 'br_handle_local_finish',
    direction: 'ingress',
    note: 'Link-local frames (STP and kin) only, handed to the bridge itself.',
  },
  {
    function: 'br_pass_frame_up',
    file: 'net/bridge/br_input.c',
    hook: 'NF_BR_LOCAL_IN',
    proto: 'NFPROTO_BRIDGE',
    macro: 'NF_HOOK',
    okfn: 'br_netif_receive_skb',
    direction: 'ingress',
  },
  {
    function: '__br_forward',
    file: 'net/bridge/br_forward.c',
    hook: 'NF_BR_FORWARD',
    proto: 'NFPROTO_BRIDGE',
    macro: 'NF_HOOK',
    okfn: 'br_forward_finish',
    direction: 'forward',
    hookVariable: 'br_hook',
  },
  {
    function: '__br_forward',
    file: 'net/bridge/br_forward.c',
    hook: 'NF_BR_LOCAL_OUT',
    proto: 'NFPROTO_BRIDGE',
    macro: 'NF_HOOK',
    okfn: 'br_forward_finish',
    direction: 'egress',
    hookVariable: 'br_hook',
    note: 'For a frame the host sends through the bridge device.',
  },
  {
    function: 'br_forward_finish',
    file: 'net/bridge/br_forward.c',
    hook: 'NF_BR_POST_ROUTING',
    proto: 'NFPROTO_BRIDGE',
    macro: 'NF_HOOK',
    okfn: 'br_dev_queue_push_xmit',
    direction: 'forward',
  },
];

/** Hooks run by a function on the path (usually one). */
export function hooksInvokedBy(functionName: string): HookCallRow[] {
  return HOOK_CALLS.filter((r) => r.function === functionName);
}

/** The hook row for a constant name or label (`NF_INET_LOCAL_IN`, `LOCAL_IN`, `local_in`). */
export function findHook(name: string): NfHookRow | undefined {
  const key = name
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return NF_HOOKS.find(
    (h) => h.id === key || h.label === key || h.label.replace(/_/g, '') === key.replace(/_/g, ''),
  );
}

/** One netfilter hook invocation found in C source text. */
export interface HookCallSite {
  macro: NfHookMacro;
  /** `NFPROTO_*` argument, absent for the netdev wrappers that take none. */
  proto?: string;
  /** `NF_INET_*` argument; for the netdev wrappers, the hook they run. */
  hook: string;
  okfn?: string;
  /** 1-based line of the macro name. */
  line: number;
  /** Enclosing function, found heuristically from the last definition head above the call. */
  function?: string;
}

const CALL_RE =
  /\b(NF_HOOK_LIST|NF_HOOK_COND|NF_HOOK|nf_hook_ingress|nf_hook_egress|nf_hook_state_init|nf_hook)\s*\(/g;

/**
 * Finds netfilter hook invocations in a C file's text: `NF_HOOK(proto, hook, net, sk, skb,
 * in, out, okfn)`, its `_COND`/`_LIST` variants, `nf_hook(...)` and the netdev wrappers.
 * Definitions and prototypes of these names are skipped. Pure; comments and literals are ignored.
 */
export function scanHookCalls(text: string): HookCallSite[] {
  // Comments and the insides of literals blanked: no call is found in either.
  const code = maskCode(text);
  const sites: HookCallSite[] = [];
  CALL_RE.lastIndex = 0;
  for (let m = CALL_RE.exec(code); m; m = CALL_RE.exec(code)) {
    const macro = m[1] as NfHookMacro;
    const open = m.index + m[0].length - 1;
    const list = splitArguments(code, open);
    if (list.close === NOT_FOUND) continue;
    const lineStart = code.lastIndexOf('\n', m.index) + 1;
    const before = code.slice(lineStart, m.index);
    // A definition or prototype: the name follows a type at the start of a line, or a #define.
    if (
      /^\s*#\s*define\s*$/.test(before) ||
      /^(?:static\s+|inline\s+|extern\s+|__always_inline\s+)*(?:int|void|unsigned|bool|struct\s+\w+\s*\*?)\s*$/.test(
        before,
      )
    )
      continue;
    const args = argumentTexts(code, list.args);
    const line = lineOf(code, m.index);
    const fn = enclosingFunction(code, m.index);
    const found: HookCallSite[] = [];
    if (macro === 'nf_hook_ingress') found.push({ macro, hook: 'NF_NETDEV_INGRESS', line });
    else if (macro === 'nf_hook_egress') found.push({ macro, hook: 'NF_NETDEV_EGRESS', line });
    else {
      // nf_hook_state_init(&state, hook, pf, indev, outdev, sk, net, okfn); the macros (pf, hook, ...).
      const [proto, hook] =
        macro === 'nf_hook_state_init' ? [args[2], args[1]] : [args[0], args[1]];
      if (!proto || !hook || !/^NFPROTO_\w+$/.test(proto)) continue;
      const okfn = macro === 'NF_HOOK_COND' ? args[args.length - 2] : args[args.length - 1];
      for (const h of hookConstants(code, hook, m.index)) {
        const site: HookCallSite = { macro, proto, hook: h, line };
        if (okfn && /^\w+$/.test(okfn)) site.okfn = okfn;
        found.push(site);
      }
    }
    for (const site of found) {
      if (fn) site.function = fn;
      sites.push(site);
    }
  }
  return sites;
}

/**
 * The hook constants an argument stands for: itself when it is one (`NF_INET_LOCAL_IN`),
 * else those assigned to the variable it names earlier in its function (`br_hook =
 * NF_BR_FORWARD;` and `br_hook = NF_BR_LOCAL_OUT;` in __br_forward). A parameter passed on
 * (`hook` in nf_hook) names no hook.
 */
function hookConstants(code: string, hook: string, at: number): string[] {
  if (/^NF_\w+$/.test(hook)) return [hook];
  if (!/^[a-z_]\w*$/.test(hook)) return [];
  const start = code.lastIndexOf('\n{', at);
  const body = code.slice(start < 0 ? 0 : start, at);
  const assigned = [...body.matchAll(new RegExp(`\\b${hook}\\s*=\\s*(NF_\\w+)\\s*;`, 'g'))];
  return [...new Set(assigned.map((a) => a[1] as string))];
}

/** Each argument's text, trimmed and on one line; an empty last one (`f()`, `f(a,)`) is left out. */
function argumentTexts(code: string, spans: readonly ArgumentSpan[]): string[] {
  const args = spans.map((a) => code.slice(a.from, a.to).trim().replace(/\s+/g, ' '));
  if (args.at(-1) === '') args.pop();
  return args;
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * The function a call sits in: the nearest `{` at column 0 above it, whose head (the text
 * since the previous `;`, `}` or preprocessor line) names `NAME(`.
 */
function enclosingFunction(code: string, offset: number): string | undefined {
  const brace = code.lastIndexOf('\n{', offset);
  if (brace < 0) return undefined;
  const closeBefore = code.lastIndexOf('\n}', offset);
  if (closeBefore > brace) return undefined;
  const headStart = Math.max(code.lastIndexOf(';', brace), code.lastIndexOf('}', brace)) + 1;
  const head = code
    .slice(headStart, brace)
    .split('\n')
    .filter((l) => !/^\s*#/.test(l))
    .join(' ');
  const names = [...head.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] ?? '');
  return names.find(
    (n) =>
      !/^(?:__attribute__|__printf|__acquires|__releases|__must_hold|EXPORT_SYMBOL\w*)$/.test(n),
  );
}
