/* send_lines HOST PORT < FILE
 *
 * Sends every stdin line, without its "\n" or "\r\n", as one datagram: one
 * sendto per line, stdin read 1 MiB at a time. The send limit of a
 * line-per-datagram sender.
 */
#include "common.h"

#define INPUT_SIZE (1 << 20)

static int fd;
static struct sockaddr_storage to;
static socklen_t to_len;

/* Sends the bytes from start up to end, less a trailing "\r". */
static void send_line(const char *start, const char *end)
{
    if (end > start && end[-1] == '\r')
        end--;
    if (sendto(fd, start, (size_t)(end - start), 0, (struct sockaddr *)&to, to_len) < 0)
        die("sendto");
}

int main(int argc, char **argv)
{
    if (argc != 3)
        usage("HOST PORT < FILE");

    to_len = parse_address(argv[1], argv[2], &to);
    fd = socket(to.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");

    static char input[INPUT_SIZE];
    size_t held = 0; /* bytes at the start of input: an unfinished line */
    for (;;) {
        ssize_t n = read(STDIN_FILENO, input + held, sizeof input - held);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            die("read stdin");
        if (n == 0)
            break;

        const char *line = input, *end = input + held + n, *newline;
        while ((newline = memchr(line, '\n', (size_t)(end - line))) != NULL) {
            send_line(line, newline);
            line = newline + 1;
        }
        held = (size_t)(end - line);
        /* A line that fills the whole buffer is longer than any datagram. */
        if (held == sizeof input) {
            errno = EMSGSIZE;
            die("stdin line");
        }
        memmove(input, line, held);
    }
    /* The last line may lack its "\n". */
    if (held > 0)
        send_line(input, input + held);
    return 0;
}
