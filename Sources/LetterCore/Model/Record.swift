/// What sinks and printers take for one datagram: the datagram as received (its bytes,
/// sender, receive time and local address) and the columns that go with it where they
/// exist — ping's seq, round trip and kind of answer, a relayed datagram's direction and
/// target. A printer shows a column from its field; nothing edits printed bytes.
public struct Record {
    public var datagram: Datagram
    /// ping: the request a reply answers.
    public var seq: Int?
    /// ping: the round trip of the request it answers, in nanoseconds (shown to the
    /// microsecond, as the summary counts it).
    public var roundTripNanoseconds: UInt64?
    /// ping: a reply that is not the first (expected) answer to a waiting request.
    public var answer: PingReplyKind?
    /// relay: where the datagram went on, and which way.
    public var passage: Passage?

    public init(_ datagram: Datagram) {
        self.datagram = datagram
    }
}

/// A relayed datagram's destination and direction: records print `SRC -> DST`. A capture
/// records both legs: the datagram as received (sender to the address it arrived at),
/// then as it went on, from `from` to `to` at `sentAt`.
public struct Passage {
    public enum Direction: String, Sendable {
        /// From a client to a target.
        case request
        /// From a target back to its client.
        case reply
    }

    public var to: Peer
    public var direction: Direction
    /// The address it went on from: the session's upstream socket (`via`) for a request,
    /// the address the client sent to for a reply; nil when not known.
    public var from: Peer?
    /// When it went on: the clock read as the send returned.
    public var sentAt: Timestamp?
    /// Which of the datagram's copies this is, from 0: a request goes on once per target,
    /// and it was received only once.
    public var copy: Int

    public init(to: Peer, direction: Direction, from: Peer? = nil, sentAt: Timestamp? = nil, copy: Int = 0) {
        self.to = to
        self.direction = direction
        self.from = from
        self.sentAt = sentAt
        self.copy = copy
    }
}
