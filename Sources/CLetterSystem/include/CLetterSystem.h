// The calls and structures that glibc declares only under _GNU_SOURCE, which Swift's
// Glibc module does not define. The structures mirror glibc's `struct mmsghdr` and
// `struct in6_pktinfo`.
#ifndef C_LETTER_SYSTEM_H
#define C_LETTER_SYSTEM_H

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>

struct letter_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// The data of an IPV6_PKTINFO control message: the datagram's destination address
/// and the interface it arrived on.
struct letter_in6_pktinfo {
    struct in6_addr ipi6_addr;
    unsigned int ipi6_ifindex;
};

/// recvmmsg(2) without a timeout.
int letter_recvmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags);

/// sendmmsg(2).
int letter_sendmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags);

/// signalfd(2) for `mask`, non-blocking and close-on-exec.
int letter_signalfd(const sigset_t *mask);

/// Remembers the socket file at `path` (its device and inode, read now) as letter's own:
/// removed by `letter_remove_socket_file` or by any signal that ends letter. Returns the
/// slot, or -1 when the path is not a socket or the table is full.
int letter_register_socket_file(const char *path);

/// Removes the socket file of `slot` if the path still holds that very socket (same
/// device and inode), and forgets it. Async-signal-safe.
void letter_remove_socket_file(int slot);

/// Catches every signal whose default action ends the process, except those ignored at
/// start (they stay ignored): the handler removes letter's socket files, then ends the
/// process as the signal would have.
void letter_install_cleanup_handlers(void);

/// Whether `signal_number` was ignored when letter started (nohup's SIGHUP).
int letter_signal_ignored_at_start(int signal_number);

#endif
