// Our explanations of the application's end of a packet's journey: the system call that
// enters the kernel, the socket and the file descriptor it is reached by, the wait queue a
// reader sleeps on and the context switch that runs it again. Rows of CONCEPTS
// (concepts.ts), with the same rules: `seeAlso` names kernel identifiers a 6.12 tree
// defines (integration-tested), `related` topics explain() resolves (unit-tested), and
// `source` the definition that backs the text (sources.ts).

import type { ConceptRow } from './concepts';

export const SOCKET_CONCEPTS: readonly ConceptRow[] = [
  {
    id: 'syscall',
    title: 'System call',
    text: "How a process asks the kernel to act: send(), recvmsg(), read(), write() and their kin switch the CPU from user to kernel mode on the same task, not a context switch but still the cost of the mode change and the entry and exit work. On a socket they land in net/socket.c, run in the caller's process context and may sleep; the sender's copies user data into skbs, the reader's copies it out.",
    aliases: [
      'system call',
      'system calls',
      'syscalls',
      'user space',
      'user-kernel boundary',
      'system-call boundary',
    ],
    related: ['socket', 'file-descriptor', 'context-switch'],
    seeAlso: [
      '__sys_sendto',
      '__sys_sendmsg',
      '__sys_recvfrom',
      '__sys_recvmsg',
      'sock_write_iter',
      'sock_read_iter',
    ],
    source: {
      file: 'net/socket.c',
      symbol: '__sys_sendto',
      holds: ['sock_from_file', '__sock_sendmsg'],
    },
  },
  {
    id: 'context-switch',
    title: 'Context switch',
    text: 'The scheduler stopping one task on a CPU and running another: registers and stack change, between processes the address space too. A reader blocked in recvmsg() sleeps on the socket; the receive softirq that queues the packet only makes it runnable, and the data waits in the receive queue until the scheduler switches to the reader, a delay that grows with the load on the CPU (busy polling spends CPU to avoid it).',
    aliases: ['context switches', 'task switch', 'scheduling', 'wake-up latency'],
    related: ['wait-queue', 'syscall', 'softirq'],
    seeAlso: ['try_to_wake_up', 'wait_woken', 'sk_wait_data', 'sk_busy_loop'],
    source: { file: 'kernel/sched/wait.c', symbol: 'wait_woken', holds: ['schedule_timeout'] },
  },
  {
    id: 'socket',
    title: 'Socket',
    text: "The kernel's end of a connection or datagram endpoint, in two layers: struct socket, which the file points at, whose proto_ops hold the address family's calls (inet_sendmsg, inet_recvmsg), and struct sock, with the protocol's state, receive and write queues and its proto (tcp_prot, udp_prot) with tcp_sendmsg or udp_recvmsg. The family's call forwards to the protocol's through sk->sk_prot.",
    aliases: ['struct socket', 'struct sock', 'sockets', 'proto_ops', 'sk_prot'],
    related: ['file-descriptor', 'syscall', 'wait-queue'],
    seeAlso: [
      'inet_sendmsg',
      'inet_recvmsg',
      'tcp_sendmsg',
      'tcp_recvmsg',
      'udp_recvmsg',
      'sock_alloc_file',
    ],
    source: {
      file: 'net/ipv4/af_inet.c',
      symbol: 'inet_recvmsg',
      holds: ['sk->sk_prot->recvmsg', 'tcp_recvmsg', 'udp_recvmsg'],
    },
  },
  {
    id: 'file-descriptor',
    title: 'File descriptor',
    text: "The small integer a process names an open file by; socket() returns one whose struct file points at the struct socket. Each socket system call first turns the descriptor back into the socket (a lookup in the process's file table: fdget or fget, then sock_from_file), and read() and write() reach the socket through the file's operations, sock_read_iter and sock_write_iter.",
    aliases: ['fd', 'file descriptors', 'struct file', 'descriptor'],
    related: ['socket', 'syscall'],
    seeAlso: ['sockfd_lookup', 'sock_from_file', 'sock_alloc_file'],
    source: {
      file: 'net/socket.c',
      symbol: 'sockfd_lookup',
      holds: ['fget(fd)', 'sock_from_file(file)'],
    },
  },
  {
    id: 'wait-queue',
    title: 'Wait queue',
    text: "A list of sleepers waiting for an event, each entry with the function to run when it happens. A socket's wait queue holds the readers sleeping in recvmsg (sk_wait_data, wait_woken) and the epoll instances watching it; sk_data_ready (sock_def_readable) walks it when data is queued, and each entry's function wakes its task or, for epoll, queues the event for epoll_wait.",
    aliases: ['wait queues', 'waitqueue', 'wake-up', 'wakeup', 'sk_wq', 'epoll callback'],
    related: ['context-switch', 'socket'],
    seeAlso: [
      'sock_def_readable',
      '__wake_up_common',
      'woken_wake_function',
      'try_to_wake_up',
      'sk_wait_data',
    ],
    source: {
      file: 'net/core/sock.c',
      symbol: 'sock_def_readable',
      holds: ['skwq_has_sleeper', 'wake_up_interruptible_sync_poll'],
    },
  },
];
