// argv for Swift's CommandLine, as glibc hands it to every .init_array function.
//
// The Swift runtime's own version (CommandLine.cpp in libswiftCore.a) finds argv from a
// static constructor that opens /proc/self/maps and sscanf()s every line to locate the
// stack: about 49,000 instructions and five system calls before main, in every run
// (a quarter of a one-off send's start-up instructions once the tables were cut).
// These two definitions are the only global symbols of that object file, so with them
// linked into the executable the linker never pulls it in and the constructor never
// runs. If a toolchain ever adds a symbol there that something needs, the link fails
// with a duplicate definition (loud, not silent); if it renames these, the runtime's
// version simply comes back. Only the `letter` executable links this target.
#include <stddef.h>
#include "CLetterArguments.h"

static char **capturedArgv;
static int capturedArgc;
static char **overrideArgv;
static int overrideArgc;

static void captureArguments(int argc, char **argv, char **envp) {
    (void)envp;
    capturedArgc = argc;
    capturedArgv = argv;
}

__attribute__((section(".init_array"), used))
static void (*const captureArgumentsAtStart)(int, char **, char **) = captureArguments;

// The runtime declares both with the Swift calling convention.
__attribute__((swiftcall)) void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    overrideArgv = argv;
    overrideArgc = argc;
}

__attribute__((swiftcall)) char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen) {
    static char *emptyArgv[] = {NULL};
    if (overrideArgv) {
        *outArgLen = overrideArgc;
        return overrideArgv;
    }
    if (!capturedArgv) {
        *outArgLen = 0;
        return emptyArgv;
    }
    *outArgLen = capturedArgc;
    return capturedArgv;
}
