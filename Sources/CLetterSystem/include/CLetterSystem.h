// The calls that glibc declares only under _GNU_SOURCE, which Swift's Glibc
// module does not define. The structure mirrors glibc's `struct mmsghdr`.
#ifndef C_LETTER_SYSTEM_H
#define C_LETTER_SYSTEM_H

#include <signal.h>
#include <sys/socket.h>

struct letter_mmsghdr {
    struct msghdr msg_hdr;
    unsigned int msg_len;
};

/// recvmmsg(2) without a timeout.
int letter_recvmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags);

/// sendmmsg(2).
int letter_sendmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags);

/// signalfd(2) for `mask`, non-blocking and close-on-exec.
int letter_signalfd(const sigset_t *mask);

#endif
