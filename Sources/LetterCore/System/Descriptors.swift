import CLetterSystem
import Glibc

// Standard streams: reading, writing, and making sure 0, 1 and 2 are open.

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
/// Control characters in it — an argument quoted back, a file name — are written as
/// Python's `repr` writes them (`'\x1b[31m'`), so nothing typed or received reaches the
/// terminal raw through stderr, and one diagnostic stays one line.
/// A byte an argument held that is not UTF-8 is written as Python writes its surrogate
/// escape (`'\udcff.sock'`).
public func writeDiagnostic(_ line: String) {
    var out: [UInt8] = []
    appendEscapingControls(ArraySlice(line.escapingArgumentBytes.utf8), to: &out)
    out.append(UInt8(ascii: "\n"))
    try? writeAll(standardError, out[...])
}

/// Ends the process with `status` (main.swift's last word).
public func exitProgram(_ status: Int32) -> Never {
    exit(status)
}

/// Whether `descriptor` is a terminal. The corresponding C function is `isatty`.
public func isTerminal(_ descriptor: Int32) -> Bool {
    isatty(descriptor) == 1
}

/// Rewrites the current line of the terminal on stderr with `text` (carriage return,
/// then erase to the end of the line): a status that updates in place.
public func writeTerminalStatus(_ text: String) {
    try? writeAll(standardError, ArraySlice(("\r" + text + "\u{1B}[K").utf8))
}

/// Raises the soft limit on open descriptors to the hard one, for a process that opens a
/// socket per peer (relay's sessions): the usual soft limit of 1024 would cap it below
/// its own session limit. Failing leaves the limit as it was; then a session that cannot
/// open its socket is refused and counted. The corresponding C function is `setrlimit`.
public func raiseDescriptorLimit() {
    var limit = rlimit()
    guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
}

/// The arguments letter was started with, each byte kept (`String(argumentBytes:)`):
/// `CommandLine.arguments` would turn bytes that are not UTF-8 into U+FFFD, and a
/// socket path with them into another path.
public func commandLineArguments() -> [String] {
    (0..<Int(CommandLine.argc)).map { index in
        // argv holds argc NUL-terminated strings.
        let argument = CommandLine.unsafeArgv[index]!
        return String(argumentBytes: Array(UnsafeBufferPointer(start: UnsafeRawPointer(argument).assumingMemoryBound(to: UInt8.self),
                                                               count: strlen(argument))))
    }
}
