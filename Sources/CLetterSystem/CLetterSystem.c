#define _GNU_SOURCE
#include <netinet/in.h>
#include <sys/socket.h>
#include <stddef.h>
#include <sys/signalfd.h>
#include <sys/un.h>
#include "CLetterSystem.h"

_Static_assert(sizeof(struct letter_mmsghdr) == sizeof(struct mmsghdr), "mmsghdr layout");
_Static_assert(offsetof(struct letter_mmsghdr, msg_len) == offsetof(struct mmsghdr, msg_len), "mmsghdr layout");
_Static_assert(sizeof(struct letter_in6_pktinfo) == sizeof(struct in6_pktinfo), "in6_pktinfo layout");
_Static_assert(offsetof(struct letter_in6_pktinfo, ipi6_ifindex) == offsetof(struct in6_pktinfo, ipi6_ifindex),
               "in6_pktinfo layout");

int letter_recvmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags) {
    return recvmmsg(fd, (struct mmsghdr *)messages, count, flags, NULL);
}

int letter_sendmmsg(int fd, struct letter_mmsghdr *messages, unsigned int count, int flags) {
    return sendmmsg(fd, (struct mmsghdr *)messages, count, flags);
}

int letter_signalfd(const sigset_t *mask) {
    return signalfd(-1, mask, SFD_NONBLOCK | SFD_CLOEXEC);
}

// ---- Socket files letter made, removed on every exit but SIGKILL --------------------
//
// A fixed table that a signal handler can walk: only async-signal-safe calls (lstat,
// unlink, sigaction, raise) happen in the handler, and nothing is allocated there.

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LETTER_SOCKET_FILES 16

static struct {
    volatile sig_atomic_t used;
    dev_t device;
    ino_t inode;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 1];
} socket_files[LETTER_SOCKET_FILES];

static sigset_t ignored_at_start;

int letter_register_socket_file(const char *path) {
    struct stat info;
    size_t length = strlen(path);
    if (length >= sizeof(socket_files[0].path) || lstat(path, &info) != 0 || !S_ISSOCK(info.st_mode)) return -1;
    for (int slot = 0; slot < LETTER_SOCKET_FILES; slot++) {
        if (socket_files[slot].used) continue;
        memcpy(socket_files[slot].path, path, length + 1);
        socket_files[slot].device = info.st_dev;
        socket_files[slot].inode = info.st_ino;
        socket_files[slot].used = 1;
        return slot;
    }
    return -1;
}

void letter_remove_socket_file(int slot) {
    if (slot < 0 || slot >= LETTER_SOCKET_FILES || !socket_files[slot].used) return;
    struct stat info;
    // Only the socket letter made: a file someone put at the path since is left alone.
    if (lstat(socket_files[slot].path, &info) == 0 && S_ISSOCK(info.st_mode)
        && info.st_dev == socket_files[slot].device && info.st_ino == socket_files[slot].inode) {
        unlink(socket_files[slot].path);
    }
    socket_files[slot].used = 0;
}

static void remove_socket_files_and_die(int signal_number) {
    for (int slot = 0; slot < LETTER_SOCKET_FILES; slot++) letter_remove_socket_file(slot);
    // Then end as the signal would have: its default action, delivered when this returns.
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signal_number, &action, NULL);
    raise(signal_number);
}

// The signals whose default action ends the process and that another process sends
// (SIGKILL and SIGSTOP cannot be caught). The faults a crash raises (SIGSEGV, SIGBUS,
// SIGILL, SIGTRAP, SIGFPE, SIGSYS) keep the runtime's and the sanitizers' own handlers.
static const int ending_signals[] = {
    SIGHUP, SIGINT, SIGQUIT, SIGABRT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT,
    SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF, SIGIO, SIGPWR,
};

void letter_install_cleanup_handlers(void) {
    sigemptyset(&ignored_at_start);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_socket_files_and_die;
    sigemptyset(&action.sa_mask);
    int count = (int)(sizeof ending_signals / sizeof ending_signals[0]);
    for (int index = 0; index < count + (SIGRTMAX - SIGRTMIN + 1); index++) {
        int signal_number = index < count ? ending_signals[index] : SIGRTMIN + (index - count);
        struct sigaction old;
        if (sigaction(signal_number, NULL, &old) != 0) continue;
        // A signal ignored at start stays ignored (nohup): letter neither catches nor watches it.
        if (old.sa_handler == SIG_IGN) {
            sigaddset(&ignored_at_start, signal_number);
            continue;
        }
        sigaction(signal_number, &action, NULL);
    }
}

int letter_signal_ignored_at_start(int signal_number) {
    return sigismember(&ignored_at_start, signal_number) == 1;
}
