import CLetterSystem
import Glibc

// Standard streams, readiness and signals: the rest of the system calls letter makes.

public let standardInput: Int32 = 0
public let standardOutput: Int32 = 1
public let standardError: Int32 = 2

/// Reads what is available from `descriptor` into `buffer[from...]`, growing nothing.
/// Returns the number of bytes read, 0 at end of input. The corresponding C function is `read`.
public func readAvailable(_ descriptor: Int32, into buffer: inout [UInt8], from start: Int) throws(SystemCallError) -> Int {
    try retryingInterrupts("read") {
        buffer.withUnsafeMutableBytes { raw in read(descriptor, raw.baseAddress! + start, raw.count - start) }
    }
}

/// Opens `/dev/null` on any of descriptors 0, 1 and 2 that is closed, so that no socket
/// letter opens later takes the place of stdin, stdout or stderr (a socket read as stdin
/// would relay whatever a stranger sends to it). The corresponding C function is `fcntl`.
public func openClosedStandardDescriptors() {
    for descriptor in [standardInput, standardOutput, standardError] where fcntl(descriptor, F_GETFD) == -1 {
        // open returns the lowest free descriptor: the one just found closed.
        _ = open("/dev/null", descriptor == standardInput ? O_RDONLY : O_WRONLY)
    }
}

/// A write that stopped part-way: `written` bytes went out before `error`.
public struct PartialWrite: Error {
    public let written: Int
    public let error: SystemCallError
}

/// Writes all of `bytes`, resuming after short writes and interruptions.
/// The corresponding C function is `write`.
public func writeAll(_ descriptor: Int32, _ bytes: ArraySlice<UInt8>) throws(PartialWrite) {
    var offset = 0
    while offset < bytes.count {
        do {
            offset += try retryingInterrupts("write") {
                bytes.withUnsafeBytes { raw in write(descriptor, raw.baseAddress! + offset, raw.count - offset) }
            }
        } catch {
            throw PartialWrite(written: offset, error: error)
        }
    }
}

/// Writes a diagnostic line to stderr, ignoring failure (there is nowhere else to say it).
public func writeDiagnostic(_ line: String) {
    try? writeAll(standardError, ArraySlice((line + "\n").utf8))
}

/// Waits until one of `descriptors` is readable, at most `timeoutMilliseconds` (-1:
/// forever). Returns which are readable (or hung up); all false on timeout. A slot
/// of -1 is ignored, as poll(2) does. The corresponding C function is `poll`.
public func waitReadable(_ descriptors: [Int32], timeoutMilliseconds: Int32) throws(SystemCallError) -> [Bool] {
    var slots = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    _ = try retryingInterrupts("poll") { poll(&slots, nfds_t(slots.count), timeoutMilliseconds) }
    return slots.map { $0.revents != 0 }
}

/// Stops the process from dying of SIGPIPE, so a closed stdout shows up as EPIPE and
/// letter can end quietly.
public func ignoreBrokenPipes() {
    signal(SIGPIPE, SIG_IGN)
}

/// SIGINT, SIGTERM and SIGHUP (a closed terminal) delivered as a readable descriptor
/// (signalfd), so a poll loop notices them between datagrams and can print its summary
/// before exiting.
public struct SignalWatcher: ~Copyable {
    public let descriptor: Int32

    public init() throws(SystemCallError) {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        sigaddset(&signals, SIGHUP)
        _ = try retryingInterrupts("sigprocmask") { sigprocmask(SIG_BLOCK, &signals, nil) }
        descriptor = try retryingInterrupts("signalfd") {
            letter_signalfd(&signals)
        }
    }

    deinit { close(descriptor) }
}

/// Monotonic time in nanoseconds, for pacing and idle timeouts.
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sleeps until the monotonic clock reads `deadline` (nanoseconds), resuming after signals.
public func sleep(untilNanoseconds deadline: UInt64) {
    var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
}

/// Ends the process with `status` (main.swift's last word).
public func exitProgram(_ status: Int32) -> Never {
    exit(status)
}
