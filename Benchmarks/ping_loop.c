/* ping_loop HOST PORT COUNT
 *
 * The C floor of case p: COUNT times, send a small request and wait for its
 * reply (2 s at most). Each round trip is timed as letter ping times it: from
 * the wall clock just before sendto to the kernel's receive time of the reply
 * (SO_TIMESTAMPNS), so that neither side counts its own wake-up. Prints the
 * round trips in milliseconds, one a line.
 */
#include "common.h"

#include <poll.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 4)
        usage("HOST PORT COUNT");
    struct sockaddr_storage to;
    socklen_t to_len = parse_address(argv[1], argv[2], &to);
    unsigned long count = parse_number(argv[3], 10000000, "count");
    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    int on = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0)
        die("socket");
    char request[64], reply[65536], control[256];
    for (unsigned long seq = 1; seq <= count; seq++) {
        int length = snprintf(request, sizeof request, "ping seq=%lu", seq);
        struct timespec sent;
        clock_gettime(CLOCK_REALTIME, &sent);
        if (sendto(fd, request, (size_t)length, 0, (struct sockaddr *)&to, to_len) < 0)
            die("sendto");
        struct pollfd slot = {.fd = fd, .events = POLLIN};
        if (poll(&slot, 1, 2000) <= 0) {
            fprintf(stderr, "ping_loop: no reply to seq=%lu\n", seq);
            continue;
        }
        struct iovec vector = {.iov_base = reply, .iov_len = sizeof reply};
        struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1, .msg_control = control,
                                 .msg_controllen = sizeof control};
        if (recvmsg(fd, &message, 0) < 0)
            die("recvmsg");
        struct timespec received;
        clock_gettime(CLOCK_REALTIME, &received);
        for (struct cmsghdr *c = CMSG_FIRSTHDR(&message); c != NULL; c = CMSG_NXTHDR(&message, c))
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS)
                memcpy(&received, CMSG_DATA(c), sizeof received);
        printf("%.6f\n", (received.tv_sec - sent.tv_sec) * 1e3 + (received.tv_nsec - sent.tv_nsec) / 1e6);
    }
    return 0;
}
