/// One datagram as it was received: the bytes that fit the buffer, its full length (more
/// when the kernel cut it to the buffer), who sent it, when, and where it arrived. The
/// payload is a slice of the receive batch's buffer: valid until the next receive, and
/// no copy.
public struct Datagram {
    public var payload: ArraySlice<UInt8>
    public var fullLength: Int
    public var peer: Peer
    /// When it reached the socket: the kernel's receive time (SO_TIMESTAMPNS) when the
    /// socket asked for it, else the clock read right after the batch was received.
    public var receivedAt: Timestamp
    /// The address it was sent to (its IP header's destination: on a socket bound to
    /// every interface, the one it arrived at; for multicast, the group) with the bound
    /// port, when the receive asked the kernel for it (IP_PKTINFO, IPV6_PKTINFO); a
    /// capture records it. Else nil.
    public var local: Peer?

    public init(payload: ArraySlice<UInt8>, fullLength: Int, peer: Peer, receivedAt: Timestamp = Timestamp(seconds: 0, nanoseconds: 0),
                local: Peer? = nil) {
        self.payload = payload
        self.fullLength = fullLength
        self.peer = peer
        self.receivedAt = receivedAt
        self.local = local
    }

    /// Whether the kernel cut the datagram to the receive buffer.
    public var isTruncated: Bool { fullLength > payload.count }
}
