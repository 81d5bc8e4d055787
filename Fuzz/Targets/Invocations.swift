import Glibc

/// The real binary over arbitrary argument vectors (the fuzzer's bytes split at NUL, as
/// argv is): every run ends with status 0, 1 or 2 — never by a signal, whatever the
/// numbers, names and options. A run still going after 300 ms (a listener waiting for
/// datagrams) is ended by us and is no finding.
///
/// It spawns LETTER_BIN (default .build/release/letter) with stdin, stdout and stderr on
/// /dev/null. Fuzz/run.sh runs this target in a network namespace of its own with only
/// loopback, so that no name the fuzzer invents is ever looked up on a real network.

private let letter: String = getenv("LETTER_BIN").map { String(cString: $0) } ?? ".build/release/letter"

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzInvocations(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    let words = input.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    let arguments = size == 0 ? [] : words
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    for descriptor: Int32 in [0, 1, 2] {
        posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
    }
    let argv = ([letter] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, letter, &actions, nil, argv, environ)
    require(spawned == 0, "cannot spawn \(letter): \(String(cString: strerror(spawned)))")

    var status: Int32 = 0
    var waited = false
    for _ in 0..<300 {
        if waitpid(pid, &status, WNOHANG) == pid { waited = true; break }
        usleep(1_000)
    }
    if !waited {
        // Still running: waiting for datagrams or input, as it should.
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
        return 0
    }
    let signalled = status & 0x7f != 0
    let exitStatus = (status >> 8) & 0xff
    require(!signalled, "letter died of signal \(status & 0x7f): arguments \(arguments)")
    require([0, 1, 2].contains(exitStatus), "letter exited with \(exitStatus): arguments \(arguments)")
    return 0
}
