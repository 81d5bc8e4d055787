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
    /// The receive buffer asked for (--rcvbuf, or the default).
    public var receiveBufferRequested = 0
    /// What a relay passed on and lost; nil for every other command.
    public var relay: RelayStatistics?
    /// ping's figures; nil for every other command.
    public var ping: PingReport?
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

    /// Whether anything received was lost: dropped by the kernel or, in a relay, not
    /// passed on. The summary is then printed whether or not it was asked for.
    public var lostAny: Bool { kernelDrops > 0 || (relay?.losses ?? 0) > 0 }

    /// One line for stderr.
    public var summary: String {
        let senderCount = sendersOverflowed ? "over \(Self.senderLimit)" : "\(senders.count)"
        var parts: [String]
        if let relay {
            parts = relay.summaryParts(requests: datagrams, bytes: bytes, clients: senderCount, listeningDrops: kernelDrops)
            parts.append("\(truncated) truncated")
        } else {
            parts = [
                "received \(counted(datagrams, "datagram")) (\(counted(bytes, "byte")))"
                    + " from \(senderCount) \(senders.count == 1 ? "sender" : "senders")",
                "\(truncated) truncated",
                "\(kernelDrops) dropped by the kernel",
            ]
        }
        if refused > 0 { parts.append("\(refused) refused by --allow") }
        if undecodable > 0 { parts.append("\(undecodable) undecodable") }
        if notWritten > 0 { parts.append("\(notWritten) received but not written") }
        if replies + repliesLimited + replyFailures > 0 {
            parts.append("\(counted(replies, "reply", "replies")) sent, \(repliesLimited) held back by the rate limit"
                + (replyFailures > 0 ? ", \(replyFailures) refused by the kernel" : ""))
        }
        if unanswerable > 0 { parts.append("\(unanswerable) from unnamed senders not answered") }
        // What was asked and what the kernel gave: it doubles a request for its own
        // bookkeeping, and caps it at net.core.rmem_max unless letter runs as root.
        parts.append("receive buffer \(receiveBufferBytes) bytes (\(receiveBufferRequested) asked)")
        return "letter: " + parts.joined(separator: "; ")
    }
}

/// A number of seconds (or a rate) as the user wrote it: `2`, `0.5`.
func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}

/// `1 datagram`, `2 datagrams`.
func counted(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(count) \(count == 1 ? singular : plural ?? singular + "s")"
}

/// A relay's traffic both ways, its sessions and its losses. Requests are counted per
/// target: with N targets each request is forwarded (or fails) N times.
public struct RelayStatistics: Sendable {
    public var targets = 1
    public var requestsForwarded = 0
    public var requestBytesForwarded = 0
    /// Requests from clients refused a session (the table was full, or no socket could be opened).
    public var requestsRefused = 0
    public var requestSendFailures = 0
    public var replies = 0
    public var replyBytes = 0
    public var repliesForwarded = 0
    public var replyBytesForwarded = 0
    /// Replies that came after their session had expired.
    public var lateReplies = 0
    /// Replies to a unix client bound to no name, which has no address to answer.
    public var repliesUndeliverable = 0
    public var replySendFailures = 0
    public var sessionsOpened = 0
    public var sessionsExpired = 0
    public var clientsRefused = 0
    /// Kernel drops on the session sockets, summed.
    public var sessionKernelDrops: UInt64 = 0

    public init() {}

    /// Datagrams that came in and did not go on.
    public var losses: Int {
        requestsRefused + requestSendFailures + lateReplies + repliesUndeliverable + replySendFailures
            + Int(clamping: sessionKernelDrops)
    }

    /// The summary's parts: `requests` (with their `bytes`, from `clients`) and what the
    /// kernel dropped on the listening socket come from the receiver of the listening socket.
    func summaryParts(requests: Int, bytes: Int, clients: String, listeningDrops: UInt64) -> [String] {
        let perTarget = targets > 1 ? " (to \(targets) targets each)" : ""
        var parts = [
            "received \(counted(requests, "request")) (\(counted(bytes, "byte"))) from \(clients) "
                + (clients == "1" ? "client" : "clients"),
            "forwarded \(requestsForwarded) (\(counted(requestBytesForwarded, "byte")))\(perTarget)",
            "received \(counted(replies, "reply", "replies")) (\(counted(replyBytes, "byte")))",
            "forwarded \(repliesForwarded) (\(counted(replyBytesForwarded, "byte")))",
            "sessions: \(sessionsOpened) opened, \(sessionsExpired) expired, \(clientsRefused) refused",
            "send failures: \(requestSendFailures) requests, \(replySendFailures) replies",
            "dropped by the kernel: \(listeningDrops) on the listening socket, \(sessionKernelDrops) on the session sockets",
        ]
        if requestsRefused > 0 { parts.append("\(counted(requestsRefused, "request")) refused (no session)") }
        if lateReplies > 0 { parts.append("\(counted(lateReplies, "reply", "replies")) after their session expired") }
        if repliesUndeliverable > 0 {
            parts.append("\(counted(repliesUndeliverable, "reply", "replies")) to unnamed clients not delivered")
        }
        return parts
    }
}
