/* relay PORT TARGET_PORT
 *
 * The floor of a datagram relay: binds 127.0.0.1:PORT (0: any free port), says
 * "listening on ('127.0.0.1', PORT)" on stderr, and forwards every datagram to
 * 127.0.0.1:TARGET_PORT from one connected socket: recvmmsg BATCH at a time
 * into one buffer, then one sendmmsg for the lot. No sessions, no replies, no
 * printing. The receive buffer is 16 MiB (SO_RCVBUFFORCE, else SO_RCVBUF).
 * On SIGINT or SIGTERM says "forwarded N datagrams" on stderr and exits.
 */
#include "common.h"

#include <poll.h>
#include <signal.h>

#define BATCH 64
#define DATAGRAM_MAX 65535
#define SYNOPSIS "PORT TARGET_PORT"

static volatile sig_atomic_t stopping;

static void stop(int signal)
{
    (void)signal;
    stopping = 1;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage(SYNOPSIS);
    struct sockaddr_storage there;
    socklen_t there_len = parse_address("127.0.0.1", argv[2], &there);
    struct sockaddr_storage here;
    int in = open_listening_socket(argv[1], &here);
    int out = socket(AF_INET, SOCK_DGRAM, 0);
    if (out < 0)
        die("socket");
    if (connect(out, (struct sockaddr *)&there, there_len) < 0)
        die("connect");

    struct sigaction action = { .sa_handler = stop };
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);

    static char buffers[BATCH][DATAGRAM_MAX];
    static struct iovec vectors[BATCH];
    static struct mmsghdr messages[BATCH];
    unsigned long forwarded = 0;
    while (!stopping) {
        for (int i = 0; i < BATCH; i++) {
            vectors[i] = (struct iovec){ .iov_base = buffers[i], .iov_len = DATAGRAM_MAX };
            messages[i].msg_hdr = (struct msghdr){ .msg_iov = &vectors[i], .msg_iovlen = 1 };
        }
        int n = recvmmsg(in, messages, BATCH, MSG_DONTWAIT, NULL);
        if (n < 0 && errno == EAGAIN) {
            struct pollfd slot = { .fd = in, .events = POLLIN };
            if (poll(&slot, 1, -1) < 0 && errno != EINTR)
                die("poll");
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("recvmmsg");
        /* The lengths received become the lengths sent. */
        for (int i = 0; i < n; i++)
            vectors[i].iov_len = messages[i].msg_len;
        for (int sent = 0; sent < n;) {
            int k = sendmmsg(out, messages + sent, (unsigned int)(n - sent), 0);
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0)
                die("sendmmsg");
            sent += k;
        }
        forwarded += (unsigned long)n;
    }
    fprintf(stderr, "forwarded %lu datagrams\n", forwarded);
    return 0;
}
