// Our explanations of the sk_buff members and buffer ideas a reader meets on a packet path,
// written for an editor hover (1-3 sentences, accurate for Linux 6.12).
//
// One row per topic. `struct` says where the member lives: `sk_buff` rows must name a real
// member of `struct sk_buff`, `skb_shared_info` rows a member of `struct skb_shared_info`
// (both are checked against include/linux/skbuff.h by test/integration/knowledge.test.ts),
// and `derived` rows are ideas computed from other members (their `related` members are
// checked instead). `seeAlso` lists kernel identifiers (helpers, macros) that must be
// defined in the tree; `related` lists other topics that `explain()` resolves.

import type { Citation } from './sources';

export interface SkbFieldRow {
  /** The member name, or the name of a derived idea such as `headroom`. */
  field: string;
  struct: 'sk_buff' | 'skb_shared_info' | 'derived';
  /** Our explanation, 1-3 sentences. */
  text: string;
  /** Other topics worth reading next (member names or concept ids). */
  related?: readonly string[];
  /** Kernel helpers and macros that read or change it. */
  seeAlso?: readonly string[];
  /** Extra spellings accepted by `explain()`, lower case. */
  aliases?: readonly string[];
  /**
   * What backs the text beyond the member's declaration (sources.ts). Absent on a member:
   * its declaration in include/linux/skbuff.h; a derived idea always names its helper.
   */
  source?: Citation;
  /**
   * The events in an skb's life that change this member (a reference count, a flag): what
   * happens, and the place in the tree where it happens. Hovers and `explain` list them.
   */
  events?: readonly SkbFieldEvent[];
}

/** One event that changes a member: e.g. skb_clone() sets `cloned` on both skbs. */
export interface SkbFieldEvent {
  /** What happens to the member, one short sentence. */
  what: string;
  /** Where it happens: the function and the statement that does it. */
  source: Citation;
}

export const SKB_FIELDS: readonly SkbFieldRow[] = [
  // The linear buffer: head <= data <= tail <= end.
  {
    field: 'head',
    struct: 'sk_buff',
    text: 'Start of the allocated linear buffer; the bytes between head and data are the headroom. It is not fixed: pskb_expand_head() (run by pskb_may_pull(), skb_cow_head() and other helpers that need room or a private copy) moves the packet to a new buffer and replaces head, data and every pointer derived from them.',
    related: ['data', 'headroom', 'end'],
    seeAlso: ['skb_headroom', 'pskb_expand_head'],
    source: { file: 'net/core/skbuff.c', symbol: 'pskb_expand_head', holds: ['skb->head = data'] },
  },
  {
    field: 'data',
    struct: 'sk_buff',
    text: 'First byte of the packet as seen by the layer now handling it. Receive code moves it forward with skb_pull() as each header is consumed; transmit code moves it back with skb_push() to prepend a header.',
    related: ['head', 'tail', 'len', 'headroom'],
    seeAlso: ['skb_pull', 'skb_push', 'skb_reserve'],
  },
  {
    field: 'tail',
    struct: 'sk_buff',
    text: 'End of the packet bytes in the linear area. On 64-bit kernels it is an offset from head rather than a pointer (sk_buff_data_t), so read it through skb_tail_pointer(); skb_put() advances it.',
    related: ['data', 'end', 'tailroom'],
    seeAlso: ['skb_tail_pointer', 'skb_put'],
  },
  {
    field: 'end',
    struct: 'sk_buff',
    text: 'End of the linear buffer; struct skb_shared_info sits immediately after it. Like tail it is an offset from head on 64-bit kernels (see skb_end_pointer()).',
    related: ['tail', 'tailroom', 'frags'],
    seeAlso: ['skb_end_pointer', 'skb_shinfo'],
  },
  {
    field: 'headroom',
    struct: 'derived',
    text: 'Free space in front of the packet: data - head. Lower layers prepend their headers into it with skb_push() without copying the payload; drivers set some aside with skb_reserve() (NET_SKB_PAD, NET_IP_ALIGN).',
    related: ['head', 'data'],
    seeAlso: ['skb_headroom', 'skb_reserve', 'skb_cow_head', 'NET_SKB_PAD'],
    aliases: ['skb headroom', 'sk_buff headroom'],
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'skb_headroom',
      holds: ['skb->data - skb->head'],
    },
  },
  {
    field: 'tailroom',
    struct: 'derived',
    text: 'Free space after the packet bytes: end - tail, and 0 for a non-linear skb. skb_put() appends into it.',
    related: ['tail', 'end'],
    seeAlso: ['skb_tailroom', 'skb_put'],
    aliases: ['skb tailroom'],
    source: {
      file: 'include/linux/skbuff.h',
      symbol: 'skb_tailroom',
      holds: ['skb_is_nonlinear(skb) ? 0 : skb->end - skb->tail'],
    },
  },
  // Lengths.
  {
    field: 'len',
    struct: 'sk_buff',
    text: 'Total packet bytes from data onwards: the linear part plus all paged fragments and frag_list skbs. The linear part alone is len - data_len (skb_headlen()).',
    related: ['data_len', 'data', 'frags'],
    seeAlso: ['skb_headlen'],
  },
  {
    field: 'data_len',
    struct: 'sk_buff',
    text: 'How many of the len bytes live outside the linear area, in page fragments or frag_list. Zero means the skb is linear.',
    related: ['len', 'frags'],
    seeAlso: ['skb_is_nonlinear', 'skb_headlen'],
  },
  {
    field: 'mac_len',
    struct: 'sk_buff',
    text: 'Length of the link-layer header. On receive __netif_receive_skb_core() sets it from the distance between the network and MAC header offsets (skb_reset_mac_len()).',
    related: ['mac_header', 'network_header'],
    seeAlso: ['skb_reset_mac_len'],
  },
  // What the packet is and where it goes.
  {
    field: 'protocol',
    struct: 'sk_buff',
    text: 'The layer-3 protocol as an EtherType in network byte order, e.g. htons(ETH_P_IP). On receive the driver stores the result of eth_type_trans() here and __netif_receive_skb_core() uses it to pick the handler such as ip_rcv().',
    related: ['dev', 'pkt_type'],
    seeAlso: ['eth_type_trans'],
  },
  {
    field: 'dev',
    struct: 'sk_buff',
    text: 'The net_device the packet arrived on, or the one it will leave through. eth_type_trans() sets it on receive; the IP output path sets it from the route before the neighbour and qdisc layers.',
    related: ['protocol', 'queue_mapping'],
    seeAlso: ['eth_type_trans', 'ip_output'],
  },
  {
    field: 'pkt_type',
    struct: 'sk_buff',
    text: 'Who the frame is addressed to: PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST or PACKET_OTHERHOST (another host, seen in promiscuous mode). eth_type_trans() derives it from the destination MAC, and ip_rcv_core() drops PACKET_OTHERHOST.',
    related: ['protocol'],
    seeAlso: ['eth_type_trans', 'PACKET_OTHERHOST'],
  },
  // Header offsets: u16 offsets from head, not pointers.
  {
    field: 'mac_header',
    struct: 'sk_buff',
    text: 'Offset from head of the link-layer (Ethernet) header; skb_mac_header() turns it into a pointer. eth_type_trans() sets it to data before pulling the Ethernet header.',
    related: ['network_header', 'mac_len'],
    seeAlso: ['skb_mac_header', 'skb_reset_mac_header', 'eth_hdr'],
  },
  {
    field: 'network_header',
    struct: 'sk_buff',
    text: 'Offset from head of the IP header; ip_hdr() and ipv6_hdr() read it. __netif_receive_skb_core() sets it to data right after the link header is pulled; on transmit the IP layer sets it after pushing its header.',
    related: ['mac_header', 'transport_header'],
    seeAlso: ['skb_network_header', 'skb_reset_network_header', 'ip_hdr'],
  },
  {
    field: 'transport_header',
    struct: 'sk_buff',
    text: 'Offset from head of the TCP/UDP header; tcp_hdr() and udp_hdr() read it. ip_rcv_core() sets it to the network header plus the IP header length (ihl * 4) without moving data.',
    related: ['network_header'],
    seeAlso: ['skb_transport_header', 'skb_reset_transport_header', 'tcp_hdr', 'udp_hdr'],
  },
  // Ownership and memory.
  {
    field: 'cloned',
    struct: 'sk_buff',
    text: 'Set when skb_clone() made another sk_buff that shares this data buffer. Before writing packet bytes, code checks skb_cloned() and makes a private copy if needed (skb_cow(), pskb_expand_head()).',
    related: ['users', 'frags'],
    seeAlso: ['skb_clone', 'skb_cloned', 'skb_cow'],
    events: [
      {
        what: 'skb_clone() sets it on the original and on the clone.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: '__skb_clone',
          holds: ['n->cloned = 1', 'skb->cloned = 1'],
        },
      },
      {
        what: 'TCP sends a clone of each segment and keeps the original for retransmission; a segment still cloned (its last clone not yet freed by the driver) is copied instead.',
        source: {
          file: 'net/ipv4/tcp_output.c',
          symbol: '__tcp_transmit_skb',
          holds: ['skb = skb_clone(oskb, gfp_mask)', 'skb = pskb_copy(oskb, gfp_mask)'],
        },
      },
      {
        what: 'pskb_expand_head() clears it: the skb has a private head again.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: 'pskb_expand_head',
          holds: ['skb->cloned = 0'],
        },
      },
    ],
  },
  {
    field: 'users',
    struct: 'sk_buff',
    text: 'Reference count of the sk_buff structure itself: skb_get() takes one, kfree_skb()/consume_skb() drop one and free at zero. References to the shared data buffer are counted separately in skb_shinfo(skb)->dataref.',
    related: ['cloned', 'dataref'],
    seeAlso: ['skb_get', 'kfree_skb', 'consume_skb'],
    events: [
      {
        what: 'An allocation sets it to 1 (and so does skb_clone() on the clone).',
        source: {
          file: 'net/core/skbuff.c',
          symbol: '__finalize_skb_around',
          holds: ['refcount_set(&skb->users, 1)'],
        },
      },
      {
        what: 'skb_get() takes one more reference.',
        source: {
          file: 'include/linux/skbuff.h',
          symbol: 'skb_get',
          holds: ['refcount_inc(&skb->users)'],
        },
      },
      {
        what: 'skb_unref() drops one and says whether it was the last: the free functions go on only then.',
        source: {
          file: 'include/linux/skbuff.h',
          symbol: 'skb_unref',
          holds: ['refcount_dec_and_test(&skb->users)'],
        },
      },
      {
        what: 'consume_skb() frees after use, not as a drop, once the last reference is gone.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: 'consume_skb',
          holds: ['skb_unref(skb)', '__kfree_skb(skb)'],
        },
      },
      {
        what: 'kfree_skb_reason() (through sk_skb_reason_drop()) does the same as a drop, with its reason.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: '__sk_skb_reason_drop',
          holds: ['skb_unref(skb)'],
        },
      },
    ],
  },
  {
    field: 'truesize',
    struct: 'sk_buff',
    text: 'All memory this skb pins (the struct, its buffer and fragments), not the packet length. Sockets charge it against their receive or send buffer limits.',
    related: ['len', 'sk'],
    seeAlso: ['skb_set_owner_r', 'skb_set_owner_w'],
  },
  {
    field: 'sk',
    struct: 'sk_buff',
    text: 'The socket that owns this skb. On transmit it is set when the socket charges the skb to its send buffer (skb_set_owner_w()); on receive, when the skb is charged to a socket queue, or earlier by early demux as a lookup hint.',
    related: ['truesize'],
    seeAlso: ['skb_set_owner_w', 'skb_set_owner_r', 'skb_orphan'],
  },
  {
    field: 'cb',
    struct: 'sk_buff',
    text: '48-byte scratch area owned by whichever layer currently holds the skb, read through accessors such as IPCB(), TCP_SKB_CB() and NAPI_GRO_CB(). Its contents do not survive from one layer to the next.',
    seeAlso: ['IPCB', 'TCP_SKB_CB', 'NAPI_GRO_CB'],
  },
  // Checksum offload.
  {
    field: 'ip_summed',
    struct: 'sk_buff',
    text: "Checksum state. On receive: CHECKSUM_NONE (not verified, the stack checks), CHECKSUM_UNNECESSARY (the device verified it), CHECKSUM_COMPLETE (csum holds the device's sum of the packet) or CHECKSUM_PARTIAL (a local packet looped back or forwarded, its checksum not yet filled in). On transmit: CHECKSUM_PARTIAL asks the device, or skb_checksum_help() when it cannot, to fill in the checksum at csum_start + csum_offset, and CHECKSUM_NONE means it is done or not needed.",
    related: ['csum'],
    seeAlso: ['CHECKSUM_PARTIAL', 'skb_checksum_help'],
  },
  {
    field: 'csum',
    struct: 'sk_buff',
    text: "With CHECKSUM_COMPLETE, the one's-complement sum of the packet computed by the NIC, which the stack adjusts as headers are pulled (skb_pull_rcsum()). It shares a union with csum_start/csum_offset, used by CHECKSUM_PARTIAL.",
    related: ['ip_summed'],
    seeAlso: ['skb_pull_rcsum', 'skb_postpull_rcsum'],
  },
  // Queueing and classification.
  {
    field: 'priority',
    struct: 'sk_buff',
    text: 'Queueing priority, from SO_PRIORITY, the IP TOS or a tc/netfilter action. Qdiscs such as pfifo_fast and prio map it to a band, and VLAN egress maps it to the PCP bits.',
    related: ['queue_mapping', 'mark'],
  },
  {
    field: 'mark',
    struct: 'sk_buff',
    text: 'A free 32-bit tag set by SO_MARK, netfilter MARK rules or tc, and matched by policy routing (ip rule fwmark) and classifiers. It shares a union with reserved_tailroom, which only a few locally built packets (IGMP and MLD reports) use.',
    related: ['priority'],
  },
  {
    field: 'hash',
    struct: 'sk_buff',
    text: 'Flow hash of the packet, either supplied by the NIC (RSS, via skb_set_hash()) or computed by skb_get_hash(). RPS/RFS use it to choose a CPU and transmit queue selection uses it too; l4_hash and sw_hash tell how it was made.',
    related: ['queue_mapping'],
    seeAlso: ['skb_set_hash', 'skb_get_hash', 'get_rps_cpu'],
  },
  {
    field: 'queue_mapping',
    struct: 'sk_buff',
    text: 'Multiqueue index. On receive the driver records the RX queue here (stored as queue + 1 by skb_record_rx_queue()); on transmit netdev_core_pick_tx() stores the chosen TX queue, which selects the qdisc and driver ring.',
    related: ['hash', 'priority'],
    seeAlso: ['skb_record_rx_queue', 'skb_get_queue_mapping', 'netdev_core_pick_tx'],
  },
  // Lists.
  {
    field: 'next',
    struct: 'sk_buff',
    text: 'Link to the following skb while this one sits on a list: a socket or device queue (sk_buff_head), a GRO or list-receive batch, or a segment list after GSO. It shares a union with rbnode and list.',
    related: ['prev'],
    seeAlso: ['skb_queue_tail', '__skb_dequeue'],
  },
  {
    field: 'prev',
    struct: 'sk_buff',
    text: 'Link to the preceding skb while this one sits on a doubly linked sk_buff_head queue; together with next it must stay first in the struct to line up with sk_buff_head.',
    related: ['next'],
    seeAlso: ['skb_queue_tail', '__skb_unlink'],
  },
  // Paged data in skb_shared_info, found at skb->end.
  {
    field: 'frags',
    struct: 'skb_shared_info',
    text: 'Page fragments holding the packet bytes beyond the linear area, reached as skb_shinfo(skb)->frags[0..nr_frags-1]. Drivers that receive into pages fill them, and so does TCP sendmsg when it copies user data into page fragments; their bytes count in data_len.',
    related: ['nr_frags', 'data_len', 'frag_list', 'end'],
    seeAlso: ['skb_shinfo', 'skb_add_rx_frag', 'MAX_SKB_FRAGS'],
    aliases: ['skb_shinfo', 'shinfo', 'skb_shared_info'],
  },
  {
    field: 'nr_frags',
    struct: 'skb_shared_info',
    text: 'Number of page fragments in use in skb_shinfo(skb)->frags (at most MAX_SKB_FRAGS, 17 by default).',
    related: ['frags'],
    seeAlso: ['skb_shinfo', 'MAX_SKB_FRAGS'],
  },
  {
    field: 'frag_list',
    struct: 'skb_shared_info',
    text: 'A chain of further skbs whose data continues this packet, used by IP reassembly and some GRO merges; their bytes count in len and data_len.',
    related: ['frags', 'data_len'],
    seeAlso: ['skb_walk_frags'],
  },
  {
    field: 'gso_size',
    struct: 'skb_shared_info',
    text: 'For a large GSO/TSO packet, the payload size of each segment it will be cut into (the MSS for TCP); 0 for a normal packet. GRO sets it on merged packets so they can be re-segmented if forwarded.',
    related: ['gso', 'gro'],
    seeAlso: ['skb_is_gso'],
  },
  {
    field: 'dataref',
    struct: 'skb_shared_info',
    text: 'Reference count of the data buffer (the linear head and the shared info behind it), shared by an skb and its clones; the buffer is freed when it drops to 0. Its upper half counts the references through which only the payload may be read (__skb_header_release()).',
    related: ['users', 'cloned'],
    seeAlso: ['skb_shinfo', 'skb_clone', 'skb_release_data'],
    events: [
      {
        what: 'An allocation sets it to 1.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: '__finalize_skb_around',
          holds: ['atomic_set(&shinfo->dataref, 1)'],
        },
      },
      {
        what: 'skb_clone() takes one more: the clone shares the buffer.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: '__skb_clone',
          holds: ['atomic_inc(&(skb_shinfo(skb)->dataref))'],
        },
      },
      {
        what: 'When an skb is freed (consume_skb(), kfree_skb()), skb_release_data() drops its reference; a cloned skb subtracts and frees the buffer only at 0.',
        source: {
          file: 'include/linux/skbuff.h',
          symbol: 'skb_data_unref',
          holds: ['atomic_sub_return(bias, &shinfo->dataref)'],
        },
      },
      {
        what: 'pskb_expand_head() gives the skb a new buffer of its own: 1 again.',
        source: {
          file: 'net/core/skbuff.c',
          symbol: 'pskb_expand_head',
          holds: ['atomic_set(&skb_shinfo(skb)->dataref, 1)'],
        },
      },
    ],
  },
];
