/* echo_server PORT COUNT
 *
 * Binds 127.0.0.1:PORT (0: a free one, printed as "port N" on stdout) and sends
 * each of COUNT datagrams back to its sender, then exits: the peer of case p.
 */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc != 3)
        usage("PORT COUNT");
    struct sockaddr_storage address;
    socklen_t length = parse_address("127.0.0.1", argv[1], &address);
    unsigned long count = parse_number(argv[2], 100000000, "count");
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&address, length) < 0)
        die("bind");
    if (getsockname(fd, (struct sockaddr *)&address, &length) < 0)
        die("getsockname");
    printf("port %u\n", ntohs(((struct sockaddr_in *)&address)->sin_port));
    fflush(stdout);
    char buffer[65536];
    for (unsigned long i = 0; i < count; i++) {
        struct sockaddr_storage from;
        socklen_t from_len = sizeof from;
        ssize_t n = recvfrom(fd, buffer, sizeof buffer, 0, (struct sockaddr *)&from, &from_len);
        if (n < 0)
            die("recvfrom");
        if (sendto(fd, buffer, (size_t)n, 0, (struct sockaddr *)&from, from_len) < 0)
            die("sendto");
    }
    return 0;
}
