/// `--reply TEXT` and `--echo`: answers each datagram on the socket it came in on, as
/// the notes' server does with `sendto(b'hi', addr)`, within the limits that keep letter
/// from being a reflector (`ReplyLimiter`).
public final class ReplySink: DatagramSink {
    public enum Answer {
        case text([UInt8])
        case echo
    }

    private let answer: Answer
    private var limiter: ReplyLimiter
    private var sent = 0
    private var heldBack = 0
    private var failed = 0
    private var unanswerable = 0
    private var heldBackReports = ThrottledReport()

    public init(_ answer: Answer, rate: Double) {
        self.answer = answer
        limiter = ReplyLimiter(rate: rate, now: monotonicNanoseconds())
    }

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        let sender = record.datagram.peer
        // A unix sender bound to no name has no address to answer.
        if sender == .unnamed {
            unanswerable += 1
            if unanswerable == 1 {
                writeDiagnostic("letter: cannot reply to None: the sender's socket is not bound to a name (counted in the summary)")
            }
            return
        }
        let bytes: ArraySlice<UInt8>
        switch answer {
        case .text(let text): bytes = text[...]
        case .echo: bytes = record.datagram.payload
        }
        // Only a process on this host can send from a loopback address or a unix socket,
        // and no one off this host can make letter answer one: the limit, which keeps
        // letter from reflecting floods at others, does not apply (so `ping -i 0` against
        // `listen --echo` shows no loss that is only the limit).
        let verdict = sender.isLoopback || sender.isUnix ? .allowed : limiter.allow(sender, size: bytes.count, now: monotonicNanoseconds())
        guard verdict == .allowed else {
            heldBack += 1
            heldBackReports.note { describeHoldBack(sender, verdict) }
            return
        }
        do {
            // A unix sender that reads nothing must not stop the listener once its queue is full.
            try socket.send(bytes, to: sender, waiting: !sender.isUnix)
            sent += 1
        } catch {
            failed += 1
            writeDiagnostic("letter: cannot reply to \(sender.pythonRepr): \(error.errno)")
        }
    }

    public func finishBatch(now: UInt64) throws {
        heldBackReports.report(now: now, total: heldBack) { first in
            first ?? "\(heldBack) replies held back by the rate limit so far"
        }
    }

    public func contribute(to statistics: inout ReceiveStatistics) {
        statistics.replies = sent
        statistics.repliesLimited = heldBack
        statistics.replyFailures = failed
        statistics.unanswerable = unanswerable
    }

    private func describeHoldBack(_ sender: Peer, _ verdict: ReplyLimiter.Verdict) -> String {
        let why: String
        switch verdict {
        case .senderLimit: why = "more than \(formatRate(limiter.rate)) replies a second to \(sender.host)"
        case .totalLimit: why = "more than \(formatRate(limiter.totalRate)) replies a second in all"
        case .tableFull, .allowed: why = "\(ReplyLimiter.maximumSenders) senders are already being answered"
        }
        return "reply to \(sender.pythonRepr) held back: \(why) "
            + "(the limit keeps letter from being used as a reflector; --reply-rate sets it)"
    }
}

/// `10` or `2.5`: a rate as the user wrote it.
func formatRate(_ rate: Double) -> String { formatSeconds(rate) }
