/* replay_mmsg PORT|PATH FILE
 *
 * The C floor of `letter replay --fast` (case y): reads FILE, a classic pcap
 * of raw IPv4 (link type 101, this host's byte order, as the harness writes
 * it), and sends the UDP payload of every record, in order, to
 * 127.0.0.1:PORT (or the unix datagram socket at PATH) from one connected
 * socket with sendmmsg, BATCH per call, as fast as the kernel takes them.
 * The payloads are sent from the file's own bytes, where they lie. A record
 * that is not a whole IPv4/UDP datagram is an error: the harness writes none.
 * Says "sent N datagrams in S s (R/s)" on stderr, timed from before the file
 * is opened, since reading it is part of a replay.
 */
#include "common.h"

#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#define BATCH 256
#define PCAP_HEADER 24
#define RECORD_HEADER 16
#define LINKTYPE_RAW 101
#define IPV4_HEADER 20 /* the shortest: no options */
#define UDP_HEADER 8

/* The whole of the file at path; its size in *size. */
static unsigned char *read_file(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    struct stat status;
    if (file == NULL || fstat(fileno(file), &status) < 0)
        die(path);
    unsigned char *bytes = malloc((size_t)status.st_size + 1);
    if (bytes == NULL)
        die("malloc");
    *size = fread(bytes, 1, (size_t)status.st_size + 1, file);
    if (ferror(file))
        die(path);
    if (*size != (size_t)status.st_size) {
        fprintf(stderr, "replay_mmsg: %s changed size while it was read\n", path);
        exit(1);
    }
    fclose(file);
    return bytes;
}

static uint32_t native32(const unsigned char *bytes)
{
    uint32_t value;
    memcpy(&value, bytes, sizeof value);
    return value;
}

static uint16_t network16(const unsigned char *bytes)
{
    return (uint16_t)(bytes[0] << 8 | bytes[1]);
}

static void bad_record(const char *path, size_t offset, const char *why)
{
    fprintf(stderr, "replay_mmsg: %s: the record at byte %zu %s\n", path, offset, why);
    exit(1);
}

/* The UDP payload of every record of the capture, in order; their number in *count. */
static struct iovec *payloads_of(const char *path, unsigned char *capture, size_t size, size_t *count)
{
    uint32_t magic = size >= PCAP_HEADER ? native32(capture) : 0;
    /* Microsecond or nanosecond times: either way only the payloads are used. */
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
        fprintf(stderr, "replay_mmsg: %s is not a pcap in this host's byte order\n", path);
        exit(1);
    }
    if (native32(capture + 20) != LINKTYPE_RAW) {
        fprintf(stderr, "replay_mmsg: %s: link type %u, not raw IP (%d)\n", path, native32(capture + 20), LINKTYPE_RAW);
        exit(1);
    }
    struct iovec *payloads = NULL;
    size_t capacity = 0;
    *count = 0;
    for (size_t offset = PCAP_HEADER; offset < size;) {
        if (size - offset < RECORD_HEADER || size - offset - RECORD_HEADER < native32(capture + offset + 8))
            bad_record(path, offset, "goes past the end of the file");
        size_t kept = native32(capture + offset + 8);
        const unsigned char *ip = capture + offset + RECORD_HEADER;
        if (kept < IPV4_HEADER || ip[0] >> 4 != 4 || ip[9] != IPPROTO_UDP)
            bad_record(path, offset, "is not IPv4/UDP");
        size_t ip_header = (size_t)(ip[0] & 0x0f) * 4;
        const unsigned char *udp = ip + ip_header;
        if (ip_header < IPV4_HEADER || kept < ip_header + UDP_HEADER || network16(udp + 4) < UDP_HEADER ||
            ip_header + network16(udp + 4) > kept)
            bad_record(path, offset, "is not a whole UDP datagram");
        size_t udp_length = network16(udp + 4);
        if (*count == capacity) {
            capacity = capacity ? 2 * capacity : 1024;
            payloads = realloc(payloads, capacity * sizeof *payloads);
            if (payloads == NULL)
                die("realloc");
        }
        payloads[(*count)++] = (struct iovec){ .iov_base = (void *)(udp + UDP_HEADER),
                                               .iov_len = udp_length - UDP_HEADER };
        offset += RECORD_HEADER + kept;
    }
    return payloads;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage("PORT|PATH FILE");
    struct sockaddr_storage to;
    socklen_t to_len = parse_endpoint(argv[1], &to);

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t size, count;
    unsigned char *capture = read_file(argv[2], &size);
    struct iovec *payloads = payloads_of(argv[2], capture, size, &count);

    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&to, to_len) < 0)
        die("connect");
    static struct mmsghdr batch[BATCH];
    size_t sent = 0;
    while (sent < count) {
        unsigned int want = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
        for (unsigned int i = 0; i < want; i++)
            batch[i].msg_hdr = (struct msghdr){ .msg_iov = &payloads[sent + i], .msg_iovlen = 1 };
        int n = sendmmsg(fd, batch, want, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("sendmmsg");
        sent += (size_t)n;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);

    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(stderr, "sent %zu datagrams in %.3f s (%.0f/s)\n", sent, seconds, (double)sent / seconds);
    return 0;
}
