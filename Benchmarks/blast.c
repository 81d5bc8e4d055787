/* blast [-f FILE] [-r RATE] PORT|PATH COUNT [MESSAGE]
 *
 * The load generator: sends COUNT datagrams from one socket to
 * 127.0.0.1:PORT, or to the unix datagram socket at PATH (an argument with a
 * '/'; the sender is unnamed, and waits whenever the receiver's queue is
 * full), as fast as sendmmsg takes them, BATCH per call. Each
 * datagram is MESSAGE or, with -f, the next line of FILE (without its "\n"),
 * round and round. With -r RATE it paces itself to RATE datagrams a second
 * (a batch at a time). Says "sent N datagrams in S s (R/s)" on stderr.
 */
#include "common.h"

#include <limits.h>
#include <time.h>

#define BATCH 256
#define SYNOPSIS "[-f FILE] [-r RATE] PORT|PATH COUNT [MESSAGE]"

/* The lines of the file at path, each without its "\n". */
static struct iovec *read_lines(const char *path, size_t *count)
{
    FILE *file = fopen(path, "r");
    if (file == NULL)
        die(path);

    struct iovec *lines = NULL;
    size_t capacity = 0;
    char *line = NULL;
    size_t line_capacity = 0;
    ssize_t length;
    *count = 0;
    while ((length = getline(&line, &line_capacity, file)) >= 0) {
        if (length > 0 && line[length - 1] == '\n')
            length--;
        if (*count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            lines = realloc(lines, capacity * sizeof *lines);
            if (lines == NULL)
                die("realloc");
        }
        lines[(*count)++] = (struct iovec){ .iov_base = line, .iov_len = (size_t)length };
        /* The line keeps its buffer; the next getline allocates another. */
        line = NULL;
        line_capacity = 0;
    }
    if (ferror(file))
        die(path);
    fclose(file);
    return lines;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    unsigned long rate = 0;
    int opt;
    while ((opt = getopt(argc, argv, "f:r:")) != -1) {
        if (opt == 'f')
            path = optarg;
        else if (opt == 'r')
            rate = parse_number(optarg, 100000000, "rate");
        else
            usage(SYNOPSIS);
    }
    if (argc - optind != (path ? 2 : 3))
        usage(SYNOPSIS);

    struct sockaddr_storage to;
    socklen_t to_len = parse_endpoint(argv[optind], &to);
    unsigned long count = parse_number(argv[optind + 1], ULONG_MAX, "count");

    struct iovec message, *payloads = &message;
    size_t payload_count = 1;
    if (path != NULL) {
        payloads = read_lines(path, &payload_count);
        if (payload_count == 0) {
            fprintf(stderr, "blast: no lines in %s\n", path);
            return 2;
        }
    } else {
        message = (struct iovec){ .iov_base = argv[optind + 2], .iov_len = strlen(argv[optind + 2]) };
    }

    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    if (connect(fd, (struct sockaddr *)&to, to_len) < 0)
        die("connect");

    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    static struct mmsghdr batch[BATCH];
    unsigned long sent = 0;
    while (sent < count) {
        unsigned int want = count - sent < BATCH ? (unsigned int)(count - sent) : BATCH;
        if (rate) {
            /* Not before the instant the datagrams already sent are due at RATE. */
            double due = (double)sent / (double)rate;
            struct timespec at = { .tv_sec = start.tv_sec + (time_t)due,
                                   .tv_nsec = start.tv_nsec + (long)((due - (double)(time_t)due) * 1e9) };
            if (at.tv_nsec >= 1000000000L) {
                at.tv_sec++;
                at.tv_nsec -= 1000000000L;
            }
            while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL) == EINTR) {}
        }
        for (unsigned int i = 0; i < want; i++)
            batch[i].msg_hdr = (struct msghdr){ .msg_iov = &payloads[(sent + i) % payload_count], .msg_iovlen = 1 };
        int n = sendmmsg(fd, batch, want, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("sendmmsg");
        sent += (unsigned long)n;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);

    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    fprintf(stderr, "sent %lu datagrams in %.3f s (%.0f/s)\n", sent, seconds, (double)sent / seconds);
    return 0;
}
