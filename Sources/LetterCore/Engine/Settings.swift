/// How received datagrams are shown (listen, chat, send --wait, ping, relay).
public struct DisplayOptions: Equatable, Sendable {
    public var format: RecordFormat = .text
    /// Payloads as Python bytes literals instead of decoded text.
    public var showBytes = false
    public var encoding: TextEncoding
    public var errors: DecodeErrorHandler = .replace
    /// The receive buffer of one datagram (`--bufsize`): longer ones are cut and reported.
    /// nil: the largest datagram the socket carries, so none is cut (`ReceiveBatch`).
    public var bufferSize: Int?
    /// Each datagram stamped with its receive time in this mode.
    public var time: TimeMode?

    public init(encoding: TextEncoding) {
        self.encoding = encoding
    }
}

/// Whether and how a sending socket reaches past one host (send, chat).
public struct SendingOptions: Equatable, Sendable {
    /// The source address to send from; nil: wherever the kernel picks.
    public var bind: Endpoint?
    public var broadcast = false
    public var multicastHops: Int?
    public var multicastLoop = true
    /// The interface for multicast datagrams, by name or by one of its addresses.
    public var interface: String?

    public init() {}
}

/// What a receiving socket hears and reports (listen, chat, relay).
public struct ReceivingOptions: Equatable, Sendable {
    /// The summary on stderr at the end, asked for or not.
    public var stats = false
    /// SO_REUSEADDR: share the port on purpose.
    public var reuseAddress = false
    /// The receive buffer to ask for; nil: as large as allowed, up to 16 MiB.
    public var receiveBuffer: Int?
    /// Senders let through; empty lets everyone through.
    public var allow: [Network] = []

    public init() {}
}
