/// What a listener heard, for `--stats` and the summary after SIGINT/SIGTERM.
public struct ReceiveStatistics: Sendable {
    public var datagrams = 0
    public var bytes = 0
    public var truncated = 0
    /// Datagrams from senders outside `--allow`, counted and not shown.
    public var refused = 0
    /// Datagrams `--errors strict` could not decode (reported one by one on stderr).
    public var undecodable = 0
    /// Datagrams the kernel dropped because the receive buffer was full.
    public var kernelDrops: UInt64 = 0
    /// Replies `--reply`/`--echo` held back by the per-sender limit.
    public var repliesLimited = 0
    public var receiveBufferBytes = 0
    private var senders = Set<SocketAddress>()
    private var lastSender: SocketAddress?
    /// Past this many distinct senders the set stops growing and the count is a floor.
    private static let senderLimit = 100_000

    public init() {}

    public mutating func noteSender(_ sender: SocketAddress) {
        // Letters mostly come in runs from one sender: skip the hash when nothing changed.
        guard sender != lastSender else { return }
        lastSender = sender
        if senders.count < Self.senderLimit { senders.insert(sender) }
    }

    /// One line for stderr.
    public var summary: String {
        let senderCount = senders.count >= Self.senderLimit ? "\(Self.senderLimit)+" : "\(senders.count)"
        var parts = [
            "received \(datagrams) \(datagrams == 1 ? "datagram" : "datagrams") (\(bytes) bytes)"
                + " from \(senderCount) \(senders.count == 1 ? "sender" : "senders")",
            "\(truncated) truncated",
            "\(kernelDrops) dropped by the kernel",
        ]
        if refused > 0 { parts.append("\(refused) refused by --allow") }
        if undecodable > 0 { parts.append("\(undecodable) undecodable") }
        if repliesLimited > 0 { parts.append("\(repliesLimited) replies held back by the rate limit") }
        parts.append("receive buffer \(receiveBufferBytes) bytes")
        return "letter: " + parts.joined(separator: "; ")
    }
}
