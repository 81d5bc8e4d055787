/* send_chunks HOST PORT SIZE FILE
 *
 * The C floor of case k: reads FILE whole, then sends it as datagrams of SIZE
 * bytes (the last shorter) with one sendto each, as fast as the kernel takes
 * them. Says "sent N datagrams" on stderr.
 */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc != 5)
        usage("HOST PORT SIZE FILE");
    struct sockaddr_storage to;
    socklen_t to_len = parse_address(argv[1], argv[2], &to);
    size_t size = parse_number(argv[3], 65507, "size");
    FILE *file = fopen(argv[4], "rb");
    if (file == NULL)
        die(argv[4]);
    char *data = NULL;
    size_t total = 0, capacity = 0;
    for (;;) {
        if (total == capacity) {
            capacity = capacity ? capacity * 2 : 1 << 20;
            data = realloc(data, capacity);
            if (data == NULL)
                die("realloc");
        }
        size_t n = fread(data + total, 1, capacity - total, file);
        if (n == 0)
            break;
        total += n;
    }
    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    unsigned long sent = 0;
    for (size_t offset = 0; offset < total; offset += size, sent++) {
        size_t length = total - offset < size ? total - offset : size;
        if (sendto(fd, data + offset, length, 0, (struct sockaddr *)&to, to_len) < 0)
            die("sendto");
    }
    fprintf(stderr, "sent %lu datagrams\n", sent);
    return 0;
}
