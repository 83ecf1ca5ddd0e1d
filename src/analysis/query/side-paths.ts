// Side paths of the packet's way: functions a call path may pass through but should not
// prefer, read by the path query only (the index never reads them, so changing a row
// never re-parses or re-resolves a tree).

/**
 * Side paths: functions through which calls lead where a packet goes, though the packet
 * itself does not take them. `path` (query/paths.ts) adds a cost for entering one, so a
 * path follows the data path where there is one and goes through them only when it must
 * (a path may start or end at one). Matched on the function name; each row is pinned by a
 * fixture in test/fixtures/kernel-paths (test/unit/paths.test.ts).
 * - Connection set-up and teardown: Fast Open's connect in tcp_sendmsg
 *   (`tcp_sendmsg_fastopen -> tcp_connect`) reached the device as soon as the data path
 *   through tcp_write_xmit; a listener's new socket (`tcp_child_process`), SYN cookies,
 *   TCP's state machine outside ESTABLISHED (`tcp_rcv_state_process`), TIME_WAIT.
 * - Error handling: a reset answering a bad segment (`tcp_v4_send_reset` was the shortest
 *   way from tcp_v4_rcv to ip_local_out), ICMP errors (`icmp_send`), `*_err` handlers.
 * - The end of a NAPI poll: `napi_complete_done` hands on what the poll queued before
 *   (`gro_normal_list`), so through it a driver's poll reached the stack without its RX
 *   clean routine.
 * - The transmit taps: `dev_queue_xmit_nit` hands a clone of each sent packet to the
 *   sockets listening on every protocol (`packet_type.func`, which ip_rcv is too), so
 *   through it r8169's interrupt reached ip_rcv by a queue wake-up and NET_TX, not its poll.
 */
export const SIDE_PATHS: readonly { what: string; name: RegExp }[] = [
  {
    what: 'connection set-up and teardown',
    name: /(?:^|_)(?:connect|fastopen|syn|synack|child|listen|listener|accept|timewait|twsk|cookie)(?:_|$)|(?:^|_)(?:check_req|conn_request|state_process)$/,
  },
  {
    what: 'error handling',
    name: /(?:^|_)(?:err|error|abort|send_reset|send_active_reset)(?:_|$)|(?:^|_)icmp(?:v6|6)?_send$/,
  },
  { what: 'the end of a NAPI poll', name: /^napi_complete(?:_done)?$/ },
  { what: "the transmit taps' copy of a sent packet", name: /^dev_queue_xmit_nit$/ },
];
