/* recv_print [-c COUNT] [-t SECONDS] [-T] PORT|PATH
 *
 * Binds 127.0.0.1:PORT (0: any free port), says
 * "listening on ('127.0.0.1', PORT)" on stderr, and prints each datagram as
 * Python's print(data.decode(), addr) does: "TEXT ('127.0.0.1', 54321)\n",
 * the payload bytes written as they came. With PATH (an argument with a
 * '/') it binds a unix datagram socket there instead, says
 * "listening on 'PATH'", prints "TEXT SENDER-PATH\n" ("TEXT None\n" for an
 * unnamed or abstract sender), and removes the socket file when it exits.
 *
 * Datagrams come BATCH at a time from recvmmsg; lines collect in a 1 MiB
 * buffer that is written when it fills and whenever no datagram is waiting.
 * The receive buffer is 16 MiB (SO_RCVBUFFORCE; without the privilege,
 * SO_RCVBUF, which the kernel caps at net.core.rmem_max).
 *
 * Exits after COUNT datagrams, after SECONDS without one, or on SIGINT or
 * SIGTERM, and then says "received N datagrams" on stderr. With -T it also
 * notes the kernel's receive time (SO_TIMESTAMPNS) of the first and the last
 * datagram and says ", first to last arrival S s" after N: a pacing measured
 * where the datagrams arrive, not by the sender's own clock.
 */
#include "common.h"

#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#define BATCH 64
#define DATAGRAM_MAX 65535
#define OUTPUT_SIZE (1 << 20)
#define SYNOPSIS "[-c COUNT] [-t SECONDS] [-T] PORT|PATH"
/* The longest suffix: " ('255.255.255.255', 65535)\n", or " PATH\n" for a unix sender. */
#define SUFFIX_MAX (sizeof " \n" + sizeof ((struct sockaddr_un *)0)->sun_path)

static char output[OUTPUT_SIZE];
static size_t output_used;

static void flush_output(void)
{
    size_t done = 0;
    while (done < output_used) {
        ssize_t n = write(STDOUT_FILENO, output + done, output_used - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("write stdout");
        done += (size_t)n;
    }
    output_used = 0;
}

static void append(const void *bytes, size_t size)
{
    memcpy(output + output_used, bytes, size);
    output_used += size;
}

static volatile sig_atomic_t stopping;

static void stop(int signal)
{
    (void)signal;
    stopping = 1;
}

/* " ('HOST', PORT)\n" for an IPv4 sender; " PATH\n" or " None\n" for a unix one. */
static size_t describe_sender(const struct sockaddr_storage *sender, socklen_t length, char *suffix)
{
    if (sender->ss_family == AF_INET) {
        const struct sockaddr_in *v4 = (const struct sockaddr_in *)sender;
        char host[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &v4->sin_addr, host, sizeof host);
        return (size_t)snprintf(suffix, SUFFIX_MAX, " ('%s', %u)\n", host, ntohs(v4->sin_port));
    }
    const struct sockaddr_un *unix_sender = (const struct sockaddr_un *)sender;
    if (length <= offsetof(struct sockaddr_un, sun_path) || unix_sender->sun_path[0] == '\0')
        return (size_t)snprintf(suffix, SUFFIX_MAX, " None\n");
    /* The kernel need not end a path of the whole sun_path with a NUL. */
    size_t path_len = strnlen(unix_sender->sun_path, length - offsetof(struct sockaddr_un, sun_path));
    return (size_t)snprintf(suffix, SUFFIX_MAX, " %.*s\n", (int)path_len, unix_sender->sun_path);
}

/* The kernel's receive time of a message received with SO_TIMESTAMPNS on. */
static struct timespec arrival(struct msghdr *message)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(message); c != NULL; c = CMSG_NXTHDR(message, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
            struct timespec stamp;
            memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
            return stamp;
        }
    }
    fprintf(stderr, "recv_print: a datagram came without its SO_TIMESTAMPNS time\n");
    exit(1);
}

int main(int argc, char **argv)
{
    unsigned long count = 0; /* 0: no limit */
    int idle_ms = -1;        /* -1: wait for ever */
    int stamped = 0;         /* -T */
    int opt;
    while ((opt = getopt(argc, argv, "c:t:T")) != -1) {
        if (opt == 'c')
            count = parse_number(optarg, ULONG_MAX, "count");
        else if (opt == 't')
            idle_ms = (int)parse_number(optarg, INT_MAX / 1000, "seconds") * 1000;
        else if (opt == 'T')
            stamped = 1;
        else
            usage(SYNOPSIS);
    }
    if (optind != argc - 1)
        usage(SYNOPSIS);

    struct sockaddr_storage here;
    int fd = open_listening_socket(argv[optind], &here);
    int on = 1;
    if (stamped && setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on) < 0)
        die("setsockopt SO_TIMESTAMPNS");

    /* No SA_RESTART: a signal interrupts poll, and the loop sees `stopping`. */
    struct sigaction on_signal = { .sa_handler = stop };
    sigaction(SIGINT, &on_signal, NULL);
    sigaction(SIGTERM, &on_signal, NULL);

    static char payloads[BATCH][DATAGRAM_MAX];
    static struct iovec iovecs[BATCH];
    static struct sockaddr_storage senders[BATCH];
    static struct mmsghdr messages[BATCH];
    /* Without -T no control buffer is given, so the kernel has nothing to add. */
    static char controls[BATCH][CMSG_SPACE(sizeof(struct timespec))];
    for (int i = 0; i < BATCH; i++) {
        iovecs[i] = (struct iovec){ .iov_base = payloads[i], .iov_len = DATAGRAM_MAX };
        messages[i].msg_hdr = (struct msghdr){ .msg_name = &senders[i], .msg_iov = &iovecs[i], .msg_iovlen = 1 };
    }

    /* The suffix for the last sender, made again only when the sender changes. */
    struct sockaddr_storage last_sender;
    socklen_t last_sender_len = 0;
    char suffix[SUFFIX_MAX];
    size_t suffix_len = 0;

    struct timespec first = { 0 }, last = { 0 };
    unsigned long received = 0;
    struct pollfd waiting = { .fd = fd, .events = POLLIN };
    while (!stopping && (count == 0 || received < count)) {
        unsigned int want = BATCH;
        if (count != 0 && count - received < want)
            want = (unsigned int)(count - received);
        for (unsigned int i = 0; i < want; i++) {
            messages[i].msg_hdr.msg_namelen = sizeof senders[i];
            if (stamped) {
                messages[i].msg_hdr.msg_control = controls[i];
                messages[i].msg_hdr.msg_controllen = sizeof controls[i];
            }
        }

        int n = recvmmsg(fd, messages, want, MSG_DONTWAIT, NULL);
        if (n < 0 && errno == EAGAIN) {
            /* Nothing is waiting: write out what is buffered, then sleep
             * until a datagram, a signal or the idle timeout. */
            flush_output();
            int ready = poll(&waiting, 1, idle_ms);
            if (ready < 0 && errno != EINTR)
                die("poll");
            /* Idle for SECONDS. */
            if (ready == 0)
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("recvmmsg");

        for (int i = 0; i < n; i++) {
            socklen_t sender_len = messages[i].msg_hdr.msg_namelen;
            if (suffix_len == 0 || sender_len != last_sender_len || memcmp(&senders[i], &last_sender, sender_len) != 0) {
                suffix_len = describe_sender(&senders[i], sender_len, suffix);
                memcpy(&last_sender, &senders[i], sender_len);
                last_sender_len = sender_len;
            }
            if (output_used + messages[i].msg_len + suffix_len > sizeof output)
                flush_output();
            append(payloads[i], messages[i].msg_len);
            append(suffix, suffix_len);
        }
        if (stamped) {
            if (received == 0)
                first = arrival(&messages[0].msg_hdr);
            last = arrival(&messages[n - 1].msg_hdr);
        }
        received += (unsigned long)n;
    }
    flush_output();
    if (here.ss_family == AF_UNIX)
        unlink(((struct sockaddr_un *)&here)->sun_path);
    if (stamped && received > 0)
        fprintf(stderr, "received %lu datagrams, first to last arrival %.9f s\n", received,
                (double)(last.tv_sec - first.tv_sec) + (double)(last.tv_nsec - first.tv_nsec) / 1e9);
    else
        fprintf(stderr, "received %lu datagrams\n", received);
    return 0;
}
