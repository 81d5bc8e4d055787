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
    /// Replies `--reply`/`--echo` sent, held back by the limits, and refused by the kernel.
    public var replies = 0
    public var repliesLimited = 0
    public var replyFailures = 0
    /// Datagrams from unix senders bound to no name, which `--reply`/`--echo` cannot answer.
    public var unanswerable = 0
    /// Datagrams received whose lines never reached stdout (a write failed).
    public var notWritten = 0
    public var receiveBufferBytes = 0
    private var senders = Set<Peer>()
    private var lastSender: Peer?
    /// Past this many distinct senders the set stops growing and the count is a floor.
    private static let senderLimit = 100_000
    private var sendersOverflowed = false

    public init() {}

    public mutating func noteSender(_ sender: Peer) {
        // Letters mostly come in runs from one sender: skip the hash when nothing changed.
        guard sender != lastSender else { return }
        lastSender = sender
        if senders.count < Self.senderLimit {
            senders.insert(sender)
        } else if !senders.contains(sender) {
            sendersOverflowed = true
        }
    }

    /// One line for stderr.
    public var summary: String {
        let senderCount = sendersOverflowed ? "over \(Self.senderLimit)" : "\(senders.count)"
        var parts = [
            "received \(counted(datagrams, "datagram")) (\(counted(bytes, "byte")))"
                + " from \(senderCount) \(senders.count == 1 ? "sender" : "senders")",
            "\(truncated) truncated",
            "\(kernelDrops) dropped by the kernel",
        ]
        if refused > 0 { parts.append("\(refused) refused by --allow") }
        if undecodable > 0 { parts.append("\(undecodable) undecodable") }
        if notWritten > 0 { parts.append("\(notWritten) received but not written") }
        if replies + repliesLimited + replyFailures > 0 {
            parts.append("\(counted(replies, "reply", "replies")) sent, \(repliesLimited) held back by the rate limit"
                + (replyFailures > 0 ? ", \(replyFailures) refused by the kernel" : ""))
        }
        if unanswerable > 0 { parts.append("\(unanswerable) from unnamed senders not answered") }
        parts.append("receive buffer \(receiveBufferBytes) bytes")
        return "letter: " + parts.joined(separator: "; ")
    }
}

/// `1 datagram`, `2 datagrams`.
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}
