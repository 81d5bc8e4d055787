/// The receiving half shared by `listen`, `chat` and `send --wait`: takes the datagrams
/// waiting on a socket in batches, filters, prints, answers and counts them.
final class Receiver {
    enum Reply {
        case none
        case text([UInt8])
        case echo
    }

    let output: OutputBuffer
    private let writer: RecordWriter
    private let batch: ReceiveBatch
    private let allow: [Network]
    private let reply: Reply
    private var limiter: ReplyLimiter
    private(set) var statistics = ReceiveStatistics()
    private var reportedDrops: UInt64 = 0
    private var dropReports = Throttle()
    private var truncationReports = Throttle()
    private var reportedTruncations = 0
    private var holdBackReports = Throttle()
    private var reportedHoldBacks = 0
    private let encodingName: String

    init(writer: RecordWriter, display: DisplayOptions, allow: [Network], reply: Reply, replyRate: Double,
         batchCapacity: Int = 64) {
        output = OutputBuffer()
        self.writer = writer
        batch = ReceiveBatch(capacity: batchCapacity, bufferSize: display.bufferSize)
        self.allow = allow
        self.reply = reply
        limiter = ReplyLimiter(rate: replyRate, now: monotonicNanoseconds())
        encodingName = display.encoding
    }

    /// Sets up a receiving socket: the receive buffer (`requested`, or as large as the
    /// system allows up to 16 MiB so a loopback burst loses nothing) and drop counting.
    func prepare(_ socket: borrowing UDPSocket, receiveBuffer requested: Int?) throws(RuntimeError) {
        do {
            statistics.receiveBufferBytes = try socket.requestReceiveBuffer(requested ?? 16 << 20)
            try socket.enableDropCounter()
        } catch {
            throw RuntimeError("\(error.call) failed: \(error.errno)")
        }
    }

    /// Receives and handles the datagrams already waiting, at most `limit`. Returns how
    /// many were taken from the socket (0: nothing was waiting).
    func receiveWaiting(on socket: borrowing UDPSocket, limit: Int) throws -> Int {
        let count: Int
        do {
            count = try socket.receive(into: batch, limit: limit)
        } catch {
            // Only a socket that asked for ICMP errors (send -w) is told of these.
            if error.errno == .connectionRefused { throw PortUnreachable() }
            throw RuntimeError("cannot receive: \(error.errno)")
        }
        for index in 0..<count {
            handle(index, on: socket)
        }
        let now = monotonicNanoseconds()
        noteKernelDrops(now: now)
        noteTruncations(now: now)
        noteHeldBackReplies(now: now)
        do { try output.flushIfFull() } catch { throw outputFailure(error) }
        return count
    }

    /// How many more datagrams `-c count` allows (shown or rejected as undecodable).
    func remaining(toReach count: Int?) -> Int {
        count.map { $0 - statistics.datagrams } ?? Int.max
    }

    private func handle(_ index: Int, on socket: borrowing UDPSocket) {
        let sender = batch.sender(index)
        if !allow.isEmpty && !allow.contains(where: { $0.contains(sender) }) {
            statistics.refused += 1
            return
        }
        let payload = batch.payload(index)
        let length = batch.length(index)
        statistics.datagrams += 1
        statistics.bytes += payload.count
        statistics.noteSender(sender)
        if let failure = writer.append(payload: payload, fullLength: length, sender: sender, to: &output.bytes) {
            statistics.undecodable += 1
            reportUndecodable(payload, from: sender, failure)
        }
        output.endRecord()
        if batch.isTruncated(index) {
            statistics.truncated += 1
            if statistics.truncated == 1 {
                firstTruncation = "\(length)-byte datagram from \(sender.pythonTuple) cut to \(payload.count) bytes"
            }
        }
        answer(sender, payload: payload, on: socket)
    }

    /// The first truncated datagram, told in full; later ones are told as a count.
    private var firstTruncation: String?

    private func answer(_ sender: SocketAddress, payload: ArraySlice<UInt8>, on socket: borrowing UDPSocket) {
        let answer: ArraySlice<UInt8>
        switch reply {
        case .none: return
        case .text(let bytes): answer = bytes[...]
        case .echo: answer = payload
        }
        let verdict = limiter.allow(sender, now: monotonicNanoseconds())
        guard verdict == .allowed else {
            statistics.repliesLimited += 1
            if statistics.repliesLimited == 1 { firstHoldBack = (sender, verdict) }
            return
        }
        do {
            try socket.send(answer, to: sender)
            statistics.replies += 1
        } catch {
            statistics.replyFailures += 1
            writeDiagnostic("letter: cannot reply to \(sender.pythonTuple): \(error.errno)")
        }
    }

    /// The first reply held back and why, told in full; later ones are told as a count.
    private var firstHoldBack: (SocketAddress, ReplyLimiter.Verdict)?

    private func reportUndecodable(_ payload: ArraySlice<UInt8>, from sender: SocketAddress, _ failure: DecodeFailure) {
        var hex: [UInt8] = []
        for (position, byte) in payload.prefix(64).enumerated() {
            if position > 0 { hex.append(UInt8(ascii: " ")) }
            appendHexByte(byte, to: &hex)
        }
        let more = payload.count > 64 ? " ..." : ""
        writeDiagnostic("letter: cannot decode \(payload.count)-byte datagram from \(sender.pythonTuple) as "
            + "\(encodingName) at byte \(failure.offset): \(String(decoding: hex, as: UTF8.self))\(more)")
    }

    /// Tells stderr, at most once a second, that the kernel has been dropping datagrams.
    private func noteKernelDrops(now: UInt64) {
        guard let counter = batch.kernelDropCounter, UInt64(counter) > reportedDrops, dropReports.isDue(now) else { return }
        reportedDrops = UInt64(counter)
        writeDiagnostic("letter: \(counter) datagrams dropped by the kernel so far (receive buffer full; try a larger --rcvbuf)")
    }

    /// Tells stderr of truncated datagrams: the first in full, then a count at most once
    /// a second (a burst of long datagrams must not become a burst of stderr lines).
    private func noteTruncations(now: UInt64) {
        guard statistics.truncated > reportedTruncations, truncationReports.isDue(now) else { return }
        if let first = firstTruncation, reportedTruncations == 0 {
            writeDiagnostic("letter: truncated: \(first)")
            reportedTruncations = 1
            if statistics.truncated == 1 { return }
        }
        reportedTruncations = statistics.truncated
        writeDiagnostic("letter: \(statistics.truncated) datagrams truncated so far (longer than --bufsize \(batch.bufferSize))")
    }

    /// Tells stderr that replies are being held back: the first with its reason, then a
    /// count at most once a second.
    private func noteHeldBackReplies(now: UInt64) {
        guard statistics.repliesLimited > reportedHoldBacks, holdBackReports.isDue(now) else { return }
        if let (sender, verdict) = firstHoldBack, reportedHoldBacks == 0 {
            let why: String
            switch verdict {
            case .senderLimit: why = "more than \(formatRate(limiter.rate)) replies a second to \(sender.host)"
            case .totalLimit: why = "more than \(formatRate(limiter.totalRate)) replies a second in all"
            case .tableFull, .allowed: why = "\(ReplyLimiter.maximumSenders) senders are already being answered"
            }
            writeDiagnostic("letter: reply to \(sender.pythonTuple) held back: \(why) "
                + "(the limit keeps letter from being used as a reflector; --reply-rate sets it)")
            reportedHoldBacks = 1
            if statistics.repliesLimited == 1 { return }
        }
        reportedHoldBacks = statistics.repliesLimited
        writeDiagnostic("letter: \(statistics.repliesLimited) replies held back by the rate limit so far")
    }

    func flushOutput() throws {
        do { try output.flush() } catch { throw outputFailure(error) }
    }

    /// Final figures, with the kernel's exact drop count read now (drops after the last
    /// datagram included).
    func finish(_ socket: borrowing UDPSocket) -> ReceiveStatistics {
        if let drops = try? socket.kernelDropCount() {
            statistics.kernelDrops = drops
        } else if let counter = batch.kernelDropCounter {
            statistics.kernelDrops = UInt64(counter)
        }
        statistics.notWritten = output.unwrittenRecords
        return statistics
    }
}

/// At most one report a second: the first is due at once.
struct Throttle {
    private var last: UInt64?

    mutating func isDue(_ now: UInt64) -> Bool {
        if let last, now &- last < 1_000_000_000 { return false }
        last = now
        return true
    }
}

/// `10` or `2.5`: a rate as the user wrote it.
func formatRate(_ rate: Double) -> String { formatSeconds(rate) }
