import Glibc

/// An error number from a failed system call, described the way `strerror` does.
public struct Errno: Error, Equatable, CustomStringConvertible, Sendable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The errno of the call that just failed: every reader of errno in letter goes
    /// through this property, right after the call.
    static var current: Errno { Errno(rawValue: errno) }

    public var description: String { String(cString: strerror(rawValue)) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let accessDenied = Errno(rawValue: EACCES)
    public static let addressInUse = Errno(rawValue: EADDRINUSE)
    public static let brokenPipe = Errno(rawValue: EPIPE)
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    public static let messageTooLong = Errno(rawValue: EMSGSIZE)
}

/// A failed system call: which call, and why.
public struct SystemCallError: Error, Equatable, CustomStringConvertible, Sendable {
    public let call: String
    public let errno: Errno

    public var description: String { "\(call): \(errno)" }

    /// ICMP port unreachable for a datagram sent earlier, told to a socket that asked for
    /// ICMP errors or is connected (ECONNREFUSED: nothing listens there).
    public var isPortUnreachable: Bool { errno == .connectionRefused }
}

/// Runs a call on a descriptor that must not block (MSG_DONTWAIT), as
/// `retryingInterrupts` runs it; nil when it would have blocked (EAGAIN): nothing is
/// there yet, which is an answer, not an error.
@inline(__always)
func retryingInterruptsUnlessWouldBlock<Result: BinaryInteger>(
    _ call: String, _ body: () -> Result
) throws(SystemCallError) -> Result? {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno.current
        if error == .interrupted { continue }
        if error == .wouldBlock { return nil }
        throw SystemCallError(call: call, errno: error)
    }
}

/// Runs a system call that returns -1 on failure, retrying while it is interrupted by a
/// signal (EINTR). Reads, writes, sends, receives and polls use this; `close` never does,
/// because a retried close may close a descriptor another call has just been given.
@inline(__always)
func retryingInterrupts<Result: BinaryInteger>(
    _ call: String, _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno.current
        if error == .interrupted { continue }
        throw SystemCallError(call: call, errno: error)
    }
}
