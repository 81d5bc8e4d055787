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

#endif
