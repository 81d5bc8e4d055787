/// One datagram as it was received: the bytes that fit the buffer, its full length (more
/// when the kernel cut it to the buffer), and who sent it. The payload is a slice of the
/// receive batch's buffer: valid until the next receive, and no copy.
public struct Datagram {
    public var payload: ArraySlice<UInt8>
    public var fullLength: Int
    public var peer: Peer

    public init(payload: ArraySlice<UInt8>, fullLength: Int, peer: Peer) {
        self.payload = payload
        self.fullLength = fullLength
        self.peer = peer
    }

    /// Whether the kernel cut the datagram to the receive buffer.
    public var isTruncated: Bool { fullLength > payload.count }
}
