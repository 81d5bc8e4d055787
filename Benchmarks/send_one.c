/* send_one HOST PORT MESSAGE
 * send_one --version
 *
 * Sends MESSAGE as one UDP datagram and exits: the start-up floor of a
 * one-off send. Built with -static it is about the least a process can do
 * to put one datagram on the wire. --version prints one line and exits: the
 * floor of a process that starts, writes and ends (case f).
 */
#include "common.h"

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        puts("send_one 1");
        return 0;
    }
    if (argc != 4)
        usage("HOST PORT MESSAGE");

    struct sockaddr_storage to;
    socklen_t to_len = parse_address(argv[1], argv[2], &to);

    int fd = socket(to.ss_family, SOCK_DGRAM, 0);
    if (fd < 0)
        die("socket");
    if (sendto(fd, argv[3], strlen(argv[3]), 0, (struct sockaddr *)&to, to_len) < 0)
        die("sendto");
    return 0;
}
