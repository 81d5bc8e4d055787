/// The failures the engine ends a command with. The command line words them for users
/// (and adds the command's name); the engine only says what happened.

/// A failure while running (cannot resolve, port in use, a line too long...): the engine
/// says what failed in `message`, one line, and the command ends with status 1.
public struct RuntimeError: Error, Equatable, CustomStringConvertible, Sendable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// A call that failed for a reason nothing more can be said about:
    /// `setsockopt(SO_RCVBUF) failed: No buffer space available`.
    init(failed error: SystemCallError) {
        message = "\(error.call) failed: \(error.errno)"
    }

    public var description: String { message }
}

/// ICMP port unreachable came back for a datagram sent to `destination`: nothing listens there.
public struct PortUnreachable: Error, Sendable {
    public let destination: Peer
}

/// The kernel refused to send to `destination` (no route, a broadcast address without
/// SO_BROADCAST...).
public struct SendFailure: Error, Sendable {
    public let destination: Peer
    public let errno: Errno
}

/// Standard output's reader has gone away (EPIPE, as after `| head -1`): the command
/// ends quietly, with status 0.
public struct OutputClosed: Error, Sendable {}

/// A write to standard output, or to the capture file `file` (`--pcap FILE`), failed
/// for another reason (disk full, I/O error).
public struct WriteFailure: Error, Sendable {
    public let errno: Errno
    /// The file as the user named it; nil for standard output.
    public var file: String?
}

/// An encoding letter knows but iconv cannot open on this machine (its gconv module is
/// missing): a fault of the machine, not of the command line.
public struct EncodingUnavailable: Error, Sendable {
    public let encoding: TextEncoding

    public init(encoding: TextEncoding) { self.encoding = encoding }
}

/// What a failed write to standard output (or to the capture file `file`, which is
/// handled alike) ends the command with: `OutputClosed` when the reader left, else
/// `WriteFailure`.
public func outputFailure(_ error: SystemCallError, file: String? = nil) -> Error {
    error.errno == .brokenPipe ? OutputClosed() : WriteFailure(errno: error.errno, file: file)
}
