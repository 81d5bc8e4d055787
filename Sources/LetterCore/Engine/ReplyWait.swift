/// `send -w`: after the send, the replies in. A reply is a datagram from the
/// destination's address, on any port (a TFTP server answers from a new one), or from
/// anyone when the destination is a multicast group or the send a broadcast; others are
/// ignored and counted. With `--expect`/`--expect-hex` each reply is checked too.

/// How `send -w` waits.
public struct ReplyWaitOptions: Equatable, Sendable {
    /// `--all`: every reply until `timeout` passes with none; else the first reply ends the wait.
    public var all = false
    /// Seconds to wait for a (further) reply; nil: no limit.
    public var timeout: Double?
    /// `--expect` or `--expect-hex`.
    public var expectation: ReplyExpectation?
    /// `--broadcast`: replies count from anyone.
    public var broadcast = false

    public init() {}
}

/// What came back.
public struct ReplyOutcome: Sendable {
    /// Replies from the destination (or anyone, to a broadcast or a group), printed.
    public var replies = 0
    /// Those that held what --expect asks for (all of them without --expect).
    public var matched = 0
    /// Datagrams from other addresses, ignored.
    public var ignored = 0
    /// How long the wait for a reply could last, in seconds (nil: no limit).
    let timeout: Double?

    /// Why the wait failed, if it did.
    public enum Failure: Equatable, Sendable {
        /// Nothing came within the timeout, shown as given (`0.3`, `2`).
        case noReply(seconds: String)
        /// Replies came, and none held what --expect asks for.
        case mismatch
    }

    public var failure: Failure? {
        if matched > 0 { return nil }
        return replies > 0 ? .mismatch : .noReply(seconds: timeout.map(formatSeconds) ?? "")
    }

    /// `1 datagram`, `3 datagrams`: the ignored ones, for the line that tells of them.
    public var ignoredDatagrams: String { counted(ignored, "datagram") }
}

/// Waits on `socket` for the replies to what was sent to `destination` and prints each
/// through `printSink`. ICMP port unreachable before any reply ends the wait with
/// `PortUnreachable`.
public func awaitReplies(on socket: borrowing DatagramSocket, from destination: Peer, options: ReplyWaitOptions,
                         printSink: PrintSink, display: DisplayOptions) throws -> ReplyOutcome {
    guard let decoder = TextDecoder(encoding: display.encoding, errors: display.errors) else {
        throw EncodingUnavailable(encoding: display.encoding)
    }
    let check = ReplyCheck(destination: destination, options: options, printSink: printSink, decoder: decoder)
    // One datagram at a time without --all: the first reply ends the wait, and what
    // comes after it stays unread.
    let receiver = Receiver(sinks: [check], bufferSize: display.bufferSize, batchCapacity: options.all ? 64 : 1)
    var loop = EventLoop(receiver: receiver)
    loop.timer = check
    try receiver.begin()
    // Once something answered, an unreachable port elsewhere ends nothing.
    _ = try loop.run(socket, onPortUnreachable: { () throws(PortUnreachable) in
        if check.outcome.replies == 0 { throw PortUnreachable(destination: destination) }
    })
    try receiver.finish(receiver.finalStatistics(socket))
    return check.outcome
}

/// Lets replies through to the printer, counts the rest, checks each reply against the
/// expectation, and ends the loop (as its timer) when the wait is over.
final class ReplyCheck: DatagramSink, LoopTimer {
    private let destination: Peer
    private let fromAnyone: Bool
    private let all: Bool
    private let timeout: UInt64?
    private let expectation: ReplyExpectation?
    private let printSink: PrintSink
    private let decoder: TextDecoder
    private var decoded: [UInt8] = []
    /// When the wait began or the last reply came (monotonic nanoseconds).
    private var lastReply = monotonicNanoseconds()
    private(set) var outcome: ReplyOutcome

    init(destination: Peer, options: ReplyWaitOptions, printSink: PrintSink, decoder: TextDecoder) {
        self.destination = destination
        fromAnyone = options.broadcast || destination.isMulticast
        all = options.all
        // -t is at most 1e6 s: within UInt64 nanoseconds.
        timeout = options.timeout.map { UInt64($0 * 1e9) }
        outcome = ReplyOutcome(timeout: options.timeout)
        expectation = options.expectation
        self.printSink = printSink
        self.decoder = decoder
    }

    /// Whether a datagram from `peer` is a reply: from the destination's host on any
    /// port (the same socket for a unix destination), or from anyone when so asked.
    func isReply(from peer: Peer) -> Bool {
        if fromAnyone { return true }
        switch (peer, destination) {
        case (.v4(let a, _), .v4(let b, _)): return a == b
        case (.v6(let a, _, _, _), .v6(let b, _, _, _)): return a == b
        default: return peer == destination
        }
    }

    func take(_ record: Record, on socket: borrowing DatagramSocket) {
        guard isReply(from: record.datagram.peer) else {
            outcome.ignored += 1
            return
        }
        outcome.replies += 1
        lastReply = monotonicNanoseconds()
        printSink.take(record, on: socket)
        if matches(record.datagram.payload) { outcome.matched += 1 }
    }

    private func matches(_ payload: ArraySlice<UInt8>) -> Bool {
        guard let expectation else { return true }
        return expectation.matches(payload: payload, decodedText: decodedText(payload))
    }

    /// The payload as it is shown (-e, --errors), UTF-8; undecodable under strict: nothing.
    private func decodedText(_ payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        decoded.removeAll(keepingCapacity: true)
        if decoder.decode(payload, appendingTo: &decoded) != nil { decoded.removeAll() }
        return decoded[...]
    }

    // MARK: The end of the wait, as the loop's timer

    /// Now, once the first reply came (without --all); else -t after the last reply.
    var nextDeadline: UInt64? {
        if !all && outcome.replies > 0 { return 0 }
        return timeout.map { lastReply + $0 }
    }

    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool { false }

    // MARK: The printer's hooks

    func begin() throws { try printSink.begin() }
    func finishBatch(now: UInt64) throws { try printSink.finishBatch(now: now) }
    func flush() throws { try printSink.flush() }
    func contribute(to statistics: inout ReceiveStatistics) { printSink.contribute(to: &statistics) }
    func finish(_ statistics: ReceiveStatistics) throws { try printSink.finish(statistics) }
}
