/// One datagram as it was received: the bytes that fit the buffer, its full length (more
/// when the kernel cut it to the buffer), and who sent it. The payload is a slice of the
/// receive batch's buffer: valid until the next receive, and no copy.
public struct Datagram {
    public var payload: ArraySlice<UInt8>
    public var fullLength: Int
    public var peer: Peer
    /// When it reached the socket: the kernel's receive time (SO_TIMESTAMPNS) when the
    /// socket asked for it, else the clock read right after the batch was received.
    public var receivedAt: Timestamp
    /// Where a relayed datagram went on, and which way (relay); nil for a datagram that
    /// stops here, whose record names its sender alone.
    public var passage: Passage?
    /// The address it was sent to (its IP header's destination: on a socket bound to
    /// every interface, the one it arrived at; for multicast, the group) with the bound
    /// port, when the receive asked the kernel for it (IP_PKTINFO, IPV6_PKTINFO); a
    /// capture records it. Else nil.
    public var local: Peer?

    public init(payload: ArraySlice<UInt8>, fullLength: Int, peer: Peer, receivedAt: Timestamp = Timestamp(seconds: 0, nanoseconds: 0),
                passage: Passage? = nil, local: Peer? = nil) {
        self.payload = payload
        self.fullLength = fullLength
        self.peer = peer
        self.receivedAt = receivedAt
        self.passage = passage
        self.local = local
    }

    /// Whether the kernel cut the datagram to the receive buffer.
    public var isTruncated: Bool { fullLength > payload.count }
}

/// A relayed datagram's destination and direction: records print `SRC -> DST`.
public struct Passage {
    public enum Direction: String, Sendable {
        /// From a client to a target.
        case request
        /// From a target back to its client.
        case reply
    }

    public var to: Peer
    public var direction: Direction

    public init(to: Peer, direction: Direction) {
        self.to = to
        self.direction = direction
    }
}
