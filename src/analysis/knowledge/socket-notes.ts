// Our one-line notes (Linux 6.12) on the functions at the application's end of a packet's
// journey: the socket system calls, the address family's and the protocol's recvmsg, the
// reader's sleep and the wait-queue wake-up. Rows of FUNCTION_NOTES (stages.ts), with the
// same rule: test/integration/knowledge.test.ts checks each is defined in its `file`.

import type { FunctionNote } from './stages';

export const SOCKET_NOTES: readonly FunctionNote[] = [
  {
    name: '__sys_sendmsg',
    file: 'net/socket.c',
    note: 'sendmsg() system call body: looks the socket up from the file descriptor and sends the user_msghdr.',
  },
  {
    name: 'ksys_write',
    file: 'fs/read_write.c',
    note: "write() system call body: looks the file up from the descriptor and calls vfs_write(), which reaches a socket through the file's operations (write_iter: sock_write_iter).",
    holds: ['fdget_pos(fd)', 'vfs_write('],
  },
  {
    name: 'sock_write_iter',
    file: 'net/socket.c',
    note: "write() on a socket, reached through the file's operations: wraps the data in a msghdr and calls __sock_sendmsg().",
  },
  {
    name: '__sock_sendmsg',
    file: 'net/socket.c',
    note: "Runs the LSM send check, then the address family's sendmsg (proto_ops.sendmsg).",
  },
  {
    name: 'sock_sendmsg_nosec',
    file: 'net/socket.c',
    note: "Calls the address family's sendmsg through sock->ops (inet_sendmsg for IPv4 sockets) and checks the byte count.",
  },
  {
    name: '__sys_recvfrom',
    file: 'net/socket.c',
    note: 'recvfrom()/recv() system call body: looks the socket up from the file descriptor and receives into the user buffer.',
  },
  {
    name: '__sys_recvmsg',
    file: 'net/socket.c',
    note: 'recvmsg() system call body: looks the socket up from the file descriptor and receives into the user_msghdr.',
  },
  {
    name: 'ksys_read',
    file: 'fs/read_write.c',
    note: "read() system call body: looks the file up from the descriptor and calls vfs_read(), which reaches a socket through the file's operations (read_iter: sock_read_iter).",
    holds: ['fdget_pos(fd)', 'vfs_read('],
  },
  {
    name: 'ep_poll_callback',
    file: 'fs/eventpoll.c',
    note: "epoll's entry on the socket's wait queue (init_waitqueue_func_entry): the wake-up runs it in the waker's context; it puts the ready file on the epoll instance's ready list and wakes a task sleeping in epoll_wait().",
    holds: ['list_add_tail(&epi->rdllink, &ep->rdllist)', 'wake_up(&ep->wq)'],
  },
  {
    name: 'sock_read_iter',
    file: 'net/socket.c',
    note: "read() on a socket, reached through the file's operations: calls sock_recvmsg() with the caller's buffer.",
  },
  {
    name: 'sock_recvmsg',
    file: 'net/socket.c',
    note: "Runs the LSM receive check, then the address family's recvmsg (proto_ops.recvmsg).",
  },
  {
    name: 'sock_recvmsg_nosec',
    file: 'net/socket.c',
    note: "Calls the address family's recvmsg through sock->ops (inet_recvmsg for IPv4 sockets).",
  },
  {
    name: 'inet_recvmsg',
    file: 'net/ipv4/af_inet.c',
    note: "IPv4 socket receive: calls the protocol's recvmsg (tcp_recvmsg, udp_recvmsg) through sk->sk_prot.",
  },
  {
    name: 'tcp_recvmsg',
    file: 'net/ipv4/tcp.c',
    note: 'TCP receive system call side: locks the socket, runs tcp_recvmsg_locked() and releases it, processing the backlog.',
  },
  {
    name: 'tcp_recvmsg_locked',
    file: 'net/ipv4/tcp.c',
    note: 'Copies in-order data from the receive queue to user memory, sleeping in sk_wait_data() while there is none.',
  },
  {
    name: 'tcp_eat_recv_skb',
    file: 'net/ipv4/tcp.c',
    note: 'Unlinks a fully read skb from the receive queue and frees it, on the CPU that allocated it when it can.',
  },
  {
    name: 'udp_recvmsg',
    file: 'net/ipv4/udp.c',
    note: "Takes one datagram off the receive queue (waiting if needed), copies it to user memory with the sender's address, then frees it.",
  },
  {
    name: 'skb_consume_udp',
    file: 'net/ipv4/udp.c',
    note: 'Frees a datagram the reader has copied, releasing its receive-buffer charge.',
  },
  {
    name: 'sk_wait_data',
    file: 'net/core/sock.c',
    note: "The reader's sleep: waits on the socket's wait queue until the receive queue has data, a signal or the timeout.",
  },
  {
    name: 'wait_woken',
    file: 'kernel/sched/wait.c',
    note: 'Sleeps until woken_wake_function() marks the entry woken or the timeout passes; the scheduler runs other tasks meanwhile.',
  },
  {
    name: '__wake_up_common',
    file: 'kernel/sched/wait.c',
    note: "Walks the wait queue and calls each entry's wake function: a sleeping reader's, an epoll instance's.",
  },
  {
    name: 'woken_wake_function',
    file: 'kernel/sched/wait.c',
    note: "A sleeping reader's wake function: marks the entry woken and makes its task runnable.",
  },
  {
    name: 'try_to_wake_up',
    file: 'kernel/sched/core.c',
    note: 'Makes a sleeping task runnable on a CPU; the reader runs when the scheduler switches to it (a context switch).',
  },
];
