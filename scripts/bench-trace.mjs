// A trace for `npm run bench`: pwru's column output of many TCP packets received, some
// delivered to a socket and some dropped for want of one, as pwru prints them on a 6.12
// kernel (the functions of test/fixtures/traces/pwru-tcp-no-socket-drop.txt). Each packet
// has its own skb address, so the join sees thousands of packets of a few shapes, as a
// busy pwru run does.
import { writeFileSync } from 'node:fs';

const RECEIVE = [
  '__netif_receive_skb_one_core',
  'ip_rcv',
  'ip_rcv_core',
  'ip_rcv_finish_core',
  'tcp_v4_early_demux',
  'ip_local_deliver',
  'ip_local_deliver_finish',
  'ip_protocol_deliver_rcu',
  'tcp_v4_rcv',
];
const DELIVERED = ['tcp_v4_do_rcv', 'tcp_rcv_established', 'tcp_data_queue', 'tcp_queue_rcv'];
const DROPPED = [
  '__inet_lookup_listener',
  'tcp_v4_send_reset',
  'sk_skb_reason_drop(SKB_DROP_REASON_NO_SOCKET)',
  'skb_release_head_state',
  'skb_release_data',
  'kfree_skbmem',
];

/** Writes a trace of `lines` events (plus pwru's header) to `path`; returns the packets. */
export function writeBenchTrace(path, lines) {
  const out = ['SKB                CPU PROCESS          TUPLE FUNC'];
  let packet = 0;
  while (out.length <= lines) {
    const skb = `0xffff8881${(0x10000000 + packet * 0x100).toString(16)}`;
    const cpu = packet % 4;
    const port = 40000 + (packet % 20000);
    const funcs = [...RECEIVE, ...(packet % 5 === 4 ? DROPPED : DELIVERED)];
    for (const f of funcs) {
      if (out.length > lines) break;
      out.push(
        `${skb} ${String(cpu).padEnd(3)} <empty>:0        10.0.2.2:${port}->10.0.2.15:8080(tcp) ${f}`,
      );
    }
    packet++;
  }
  writeFileSync(path, `${out.join('\n')}\n`);
  return packet;
}
