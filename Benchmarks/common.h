/* Helpers shared by the C baselines: errors, numeric arguments, addresses.
 * Include it first: it defines _GNU_SOURCE for recvmmsg and sendmmsg. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* "prog: what: strerror" on stderr, then exit 1. */
static void die(const char *what)
{
    fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, strerror(errno));
    exit(1);
}

static void usage(const char *synopsis)
{
    fprintf(stderr, "usage: %s %s\n", program_invocation_short_name, synopsis);
    exit(2);
}

/* A decimal number in 0...max; anything else is a usage error naming `what`. */
static unsigned long parse_number(const char *text, unsigned long max, const char *what)
{
    char *end;
    errno = 0;
    unsigned long value = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || value > max) {
        fprintf(stderr, "%s: bad %s: %s\n", program_invocation_short_name, what, text);
        exit(2);
    }
    return value;
}

/* HOST (an IPv4 or IPv6 literal) and PORT as a socket address; returns its length. */
static socklen_t parse_address(const char *host, const char *port, struct sockaddr_storage *out)
{
    in_port_t net_port = htons((in_port_t)parse_number(port, 65535, "port"));
    memset(out, 0, sizeof *out);

    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = net_port;
        return sizeof *v4;
    }
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = net_port;
        return sizeof *v6;
    }
    fprintf(stderr, "%s: bad host (an IP literal is needed): %s\n", program_invocation_short_name, host);
    exit(2);
}

/* PORT on 127.0.0.1, or the unix socket at PATH: an argument with a '/' is a
 * path, as in letter's endpoints. Returns the address's length. */
static inline socklen_t parse_endpoint(const char *argument, struct sockaddr_storage *out)
{
    if (strchr(argument, '/') == NULL)
        return parse_address("127.0.0.1", argument, out);
    struct sockaddr_un *path = (struct sockaddr_un *)out;
    memset(out, 0, sizeof *out);
    if (strlen(argument) >= sizeof path->sun_path) {
        fprintf(stderr, "%s: socket path too long: %s\n", program_invocation_short_name, argument);
        exit(2);
    }
    path->sun_family = AF_UNIX;
    strcpy(path->sun_path, argument);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(argument) + 1);
}

/* A UDP socket on 127.0.0.1:PORT, or a unix datagram socket at PATH, with a 16 MiB
 * receive buffer (SO_RCVBUFFORCE, else SO_RCVBUF); announces the bound port as
 * "listening on ('127.0.0.1', PORT)", or the path. `here` gets the bound address. */
static inline int open_listening_socket(const char *endpoint, struct sockaddr_storage *here)
{
    socklen_t here_len = parse_endpoint(endpoint, here);
    int fd = socket(here->ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    int size = 16 << 20;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size) < 0 &&
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0)
        die("setsockopt SO_RCVBUF");
    if (bind(fd, (struct sockaddr *)here, here_len) < 0)
        die("bind");
    if (here->ss_family == AF_UNIX) {
        fprintf(stderr, "listening on '%s'\n", endpoint);
        return fd;
    }
    if (getsockname(fd, (struct sockaddr *)here, &here_len) < 0)
        die("getsockname");
    fprintf(stderr, "listening on ('127.0.0.1', %u)\n", ntohs(((struct sockaddr_in *)here)->sin_port));
    return fd;
}

#endif
