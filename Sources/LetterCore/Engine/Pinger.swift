/// How `letter ping` paces, ends and reports.
public struct PingSettings: Equatable, Sendable {
    /// `-c N`: N requests; with a deadline, N replies (as iputils counts them).
    public var count: Int?
    /// `-i SEC` between requests; 0 sends the next as soon as the previous is done.
    public var interval = 1.0
    /// `--rate N`: N requests a second, on time whatever the replies (open loop).
    public var rate: Double?
    /// `-W SEC` / `-t SEC`: how long a request waits for its reply.
    public var timeout = 2.0
    /// `-w SEC`: ping ends SEC seconds after the first request, whatever is waiting.
    public var deadline: Double?
    /// `-q`: no line per reply and no line per lost request.
    public var quiet = false
    /// `--histogram`: the percentiles, the jitter and the distribution in the summary.
    public var histogram = false
    /// `--expect` / `--expect-hex`: what a reply must hold to count as received.
    public var expectation: ReplyExpectation?

    public init() {}
}

/// `letter ping`: sends a request every interval (on the loop's timer), matches each
/// reply to its request, prints it with its round-trip time, gives up on a request
/// after the timeout, and counts what iputils ping counts (its summary is the printer's
/// end).
///
/// Only datagrams from the destination (its address and port) are replies: anything
/// else is counted and ignored, so a third party cannot answer for a silent service.
/// Matching: a reply in this run's default form (`letter-ping ID seq=N`) answers
/// request N, or is unmatched when N is not a request that may still be answered; any
/// other reply answers the oldest waiting request (an echo of a fixed payload, or a
/// fixed-reply server such as the tutorial's `sendto(b'hi', addr)`). A reply to a request
/// already answered is a duplicate, one to a request given up on is late, one that
/// answers nothing is unmatched: each counted under its own name, none matched twice.
public final class Pinger: DatagramSink, LoopTimer {
    /// What the requests carry.
    public enum Payload: Sendable {
        /// `letter-ping ID seq=N`, ID fixed for the run, padded with spaces to `size`
        /// bytes when given (`-s SIZE`).
        case numbered(id: String, size: Int?)
        /// The same bytes every time (MESSAGE, or --whole stdin).
        case fixed([UInt8])
    }

    private enum State {
        /// Waiting for its reply.
        case waiting
        /// Answered (or closed by a mismatched reply).
        case answered
        /// Given up on: unanswered for the whole timeout, or an error (ICMP, a failed send).
        case lost
    }

    private struct Request {
        var seq: Int
        var state: State
        /// Monotonic nanoseconds just before the send.
        var sentAt: UInt64
        /// The wall clock just before the send, to set against the kernel's receive time.
        var sentWall: Timestamp
    }

    let destination: Peer
    private let payload: Payload
    private let printSink: PrintSink
    private let settings: PingSettings
    /// Requests a second (`--rate`) or the pause between them (`-i`), in nanoseconds.
    private let interval: UInt64
    private let timeout: UInt64
    /// The decoder `--expect TEXT` reads replies with.
    private let expectDecoder: TextDecoder?
    private var decoded: [UInt8] = []
    /// The requests that may still be answered, late or not, by seq modulo the capacity.
    private var requests: [Request]
    private var nextSeq = 1
    private var oldestWaiting = 1
    private var nextSend: UInt64?
    private var outgoing: [UInt8] = []
    private var counts = PingCounts()
    private var latency: LatencyRecorder
    /// Datagrams from anyone but the destination.
    private var ignored = 0
    /// When the first request went: the summary's time counts from it, and -w too.
    private var firstSendAt: UInt64?

    /// `expectDecoder` decodes replies for `--expect TEXT` (nil otherwise).
    public init(destination: Peer, payload: Payload, printSink: PrintSink, settings: PingSettings,
                expectDecoder: TextDecoder?) {
        self.destination = destination
        self.payload = payload
        self.printSink = printSink
        self.settings = settings
        self.expectDecoder = expectDecoder
        latency = LatencyRecorder(expected: settings.count)
        let seconds = settings.rate.map { 1 / $0 } ?? settings.interval
        interval = UInt64(seconds * 1e9)
        timeout = UInt64(settings.timeout * 1e9)
        // Enough room for every request that can still be waiting, and then some.
        let window = seconds > 0 ? Int((settings.timeout / seconds).rounded(.up)) + 2 : 2
        requests = Array(repeating: Request(seq: 0, state: .answered, sentAt: 0, sentWall: Timestamp(seconds: 0, nanoseconds: 0)),
                         count: max(64, min(window * 2, 1 << 16)))
        nextSend = monotonicNanoseconds()
        outgoing.reserveCapacity(256)
    }

    /// Sends the requests and prints the replies until every request is answered or given
    /// up on (-c N), the deadline (-w) or a signal on `signals`; then the summary, which
    /// the printer writes as its end, or stderr when stdout cannot take it. Returns
    /// whether any (matching) reply came.
    public func run(on socket: borrowing DatagramSocket, bufferSize: Int?, signals: Int32) throws -> Bool {
        let receiver = Receiver(sinks: [self], bufferSize: bufferSize)
        var loop = EventLoop(receiver: receiver, signals: signals)
        loop.timer = self
        var failure: Error?
        do {
            try receiver.begin()
            // The service is not there (yet): that request is an error, the next one goes on time.
            _ = try loop.run(socket, onPortUnreachable: noteUnreachable)
            try receiver.flush()
        } catch {
            failure = error
        }
        let statistics = receiver.finalStatistics(socket)
        if failure == nil {
            do { try receiver.finish(statistics) } catch { failure = error }
        }
        if failure is WriteFailure || failure is OutputClosed, let report = statistics.ping {
            // Standard output cannot be written: the summary still comes, on stderr.
            var text: [UInt8] = []
            report.appendText(to: &text)
            try? writeAll(standardError, text[...])
        }
        if ignored > 0 {
            writeDiagnostic("letter ping: ignored \(counted(ignored, "datagram")) from other addresses")
        }
        if let failure { throw failure }
        return latency.count > 0
    }

    // MARK: The timer: sending, and giving up on requests

    var nextDeadline: UInt64? {
        if isDone { return 0 }
        let expiry = oldestWaiting < nextSeq ? requests[slot(oldestWaiting)].sentAt + timeout : nil
        let end = settings.deadline.flatMap { deadline in firstSendAt.map { $0 + UInt64(deadline * 1e9) } }
        return [nextSend, expiry, end].compactMap { $0 }.min()
    }

    /// Nothing more to do: the deadline passed; or, with -w, N replies came; or, without
    /// it, N requests went and none is still waiting.
    private var isDone: Bool {
        if let deadline = settings.deadline, let first = firstSendAt,
           monotonicNanoseconds() &- first >= UInt64(deadline * 1e9) { return true }
        guard let count = settings.count else { return false }
        if settings.deadline != nil { return latency.count >= count }
        return nextSeq > count && oldestWaiting >= nextSeq
    }

    /// Requests sent in one go when `--rate` finds several due (a sleep came late).
    private static let catchUpLimit = 64

    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool {
        expireRequests(now: now)
        var sent = 0
        while !isDone, let due = nextSend, now >= due, sent < Self.catchUpLimit {
            try send(on: socket, now: now, due: due)
            sent += 1
        }
        return !isDone
    }

    /// Whether -c N has been sent (without -w, where it counts replies instead).
    private var allSent: Bool {
        settings.deadline == nil && settings.count.map { nextSeq > $0 } == true
    }

    private func send(on socket: borrowing DatagramSocket, now: UInt64, due: UInt64) throws {
        let seq = nextSeq
        outgoing.removeAll(keepingCapacity: true)
        switch payload {
        case .numbered(let id, let size):
            outgoing.append(contentsOf: "letter-ping \(id) seq=\(seq)".utf8)
            if let size, outgoing.count < size { outgoing.append(contentsOf: repeatElement(UInt8(ascii: " "), count: size - outgoing.count)) }
        case .fixed(let bytes):
            outgoing.append(contentsOf: bytes)
        }
        // More requests waiting than the ring holds (-t much longer than -i): the one this
        // slot held is given up on now rather than silently overwritten.
        if requests[slot(seq)].state == .waiting {
            requests[slot(seq)].sentAt = 0
            expireRequests(now: now)
        }
        // The clocks are read just before the send: on loopback the reply can reach the
        // socket before sendto has even returned.
        let sentWall = Timestamp.now()
        let sentAt = monotonicNanoseconds()
        var state = State.waiting
        do {
            try socket.send(outgoing[...], to: destination)
        } catch {
            if socket.consumePortUnreachable(error) {
                // An earlier request's ICMP port unreachable, reported to this send: said for
                // that request, and this one goes again.
                noteUnreachable()
                do { try socket.send(outgoing[...], to: destination) } catch { state = sendFailed(seq, error.errno) }
            } else {
                state = sendFailed(seq, error.errno)
            }
        }
        requests[slot(seq)] = Request(seq: seq, state: state, sentAt: sentAt, sentWall: sentWall)
        counts.transmitted += 1
        if firstSendAt == nil { firstSendAt = sentAt }
        nextSeq += 1
        skipFinishedRequests()
        if allSent {
            nextSend = nil
        } else if settings.rate != nil {
            // On the clock, not after the last send: a late wake-up catches up.
            nextSend = due + interval
        } else if interval > 0 {
            nextSend = max(now + interval, sentAt)
        } else {
            // -i 0: the next goes when this one is done.
            nextSend = state == .waiting ? nil : sentAt
        }
    }

    /// A send the kernel refused (the service's socket file gone, say): an error in the
    /// count, one stderr line, and ping goes on.
    private func sendFailed(_ seq: Int, _ errno: Errno) -> State {
        counts.errors += 1
        writeDiagnostic("letter: seq=\(seq): cannot send to \(destination.pythonRepr): \(errno)")
        return .lost
    }

    /// Requests unanswered for the whole timeout are lost: one stderr line each (not with -q).
    private func expireRequests(now: UInt64) {
        while oldestWaiting < nextSeq {
            let request = requests[slot(oldestWaiting)]
            if request.state == .waiting {
                guard now >= request.sentAt + timeout else { return }
                requests[slot(oldestWaiting)].state = .lost
                if !settings.quiet {
                    writeDiagnostic("letter: no reply to seq=\(request.seq) within \(formatSeconds(settings.timeout)) s")
                }
                requestDone(now: now)
            }
            oldestWaiting += 1
        }
    }

    /// A request is answered or lost: with -i 0 the next one goes now.
    private func requestDone(now: UInt64) {
        if settings.rate == nil && interval == 0 && !allSent { nextSend = now }
    }

    /// The destination said ICMP port unreachable: the oldest waiting request is an error
    /// at once, said so, instead of waiting out the timeout.
    func noteUnreachable() {
        guard let seq = oldestWaitingRequest() else { return }
        requests[slot(seq)].state = .lost
        counts.errors += 1
        writeDiagnostic("letter: seq=\(seq): port unreachable: nothing listens at \(destination.pythonRepr) (ICMP port unreachable)")
        skipFinishedRequests()
        requestDone(now: monotonicNanoseconds())
    }

    /// Moves the oldest-waiting mark past requests answered or lost.
    private func skipFinishedRequests() {
        while oldestWaiting < nextSeq && requests[slot(oldestWaiting)].state != .waiting { oldestWaiting += 1 }
    }

    private func slot(_ seq: Int) -> Int { seq % requests.count }

    // MARK: The sink: replies

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        // Only the destination answers a ping.
        guard record.datagram.peer == destination else {
            ignored += 1
            return
        }
        let now = monotonicNanoseconds()
        var shown = record
        switch match(record.datagram.payload) {
        case .answer(let seq):
            let request = requests[slot(seq)]
            requests[slot(seq)].state = .answered
            let nanoseconds = roundTrip(request, receivedAt: record.datagram.receivedAt, now: now)
            if meetsExpectation(record.datagram.payload) {
                latency.record(nanoseconds: nanoseconds, seq: seq)
            } else {
                counts.mismatched += 1
                shown.answer = .mismatch
            }
            shown.seq = seq
            shown.roundTripNanoseconds = nanoseconds
            skipFinishedRequests()
            requestDone(now: now)
        case .duplicate(let seq):
            counts.duplicates += 1
            shown.seq = seq
            shown.answer = .duplicate
        case .late(let seq):
            counts.late += 1
            shown.seq = seq
            shown.answer = .late
        case .unmatched:
            counts.unmatched += 1
            shown.answer = .unmatched
        }
        if !settings.quiet { printSink.take(shown, on: socket) }
    }

    /// Whether a reply holds what `--expect`/`--expect-hex` asks for (true without them).
    private func meetsExpectation(_ payload: ArraySlice<UInt8>) -> Bool {
        guard let expectation = settings.expectation else { return true }
        return expectation.matches(payload: payload, decodedText: decodedForExpectation(payload))
    }

    private func decodedForExpectation(_ payload: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        decoded.removeAll(keepingCapacity: true)
        _ = expectDecoder?.decode(payload, appendingTo: &decoded)
        return decoded[...]
    }

    public func begin() throws { try printSink.begin() }

    public func finishBatch(now: UInt64) throws { try printSink.finishBatch(now: now) }

    public func flush() throws { try printSink.flush() }

    /// The print sink's figures, and ping's report with the time since the first request.
    public func contribute(to statistics: inout ReceiveStatistics) {
        printSink.contribute(to: &statistics)
        statistics.ping = PingReport(destination: destination.pythonRepr, counts: counts, latency: latency.summary(),
                                     elapsedNanoseconds: firstSendAt.map { monotonicNanoseconds() &- $0 } ?? 0,
                                     histogram: settings.histogram)
    }

    public func finish(_ statistics: ReceiveStatistics) throws { try printSink.finish(statistics) }

    private enum Match {
        case answer(Int), duplicate(Int), late(Int), unmatched
    }

    private func match(_ reply: ArraySlice<UInt8>) -> Match {
        // A reply in this run's default form names its request, and only that one: one
        // naming a request that cannot be answered is not given to another by age.
        if case .numbered(let id, _) = payload, let seq = sequenceNumber(in: reply, id: id) {
            guard seq >= 1, seq < nextSeq, requests[slot(seq)].seq == seq else { return .unmatched }
            switch requests[slot(seq)].state {
            case .waiting: return .answer(seq)
            case .answered: return .duplicate(seq)
            case .lost: return .late(seq)
            }
        }
        return oldestWaitingRequest().map { .answer($0) } ?? .unmatched
    }

    private func oldestWaitingRequest() -> Int? {
        var seq = oldestWaiting
        while seq < nextSeq {
            if requests[slot(seq)].state == .waiting { return seq }
            seq += 1
        }
        return nil
    }

    /// N in `letter-ping ID seq=N` (and the spaces of -s SIZE), if `reply` is that with
    /// this run's ID.
    private func sequenceNumber(in reply: ArraySlice<UInt8>, id: String) -> Int? {
        let prefix = "letter-ping \(id) seq="
        guard reply.count > prefix.utf8.count, reply.starts(with: prefix.utf8) else { return nil }
        let rest = reply.dropFirst(prefix.utf8.count)
        let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 18, rest.dropFirst(digits.count).allSatisfy({ $0 == UInt8(ascii: " ") }) else {
            return nil
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    /// Nanoseconds from the send to the receive: the kernel's receive time against the
    /// wall clock read just before the send; the monotonic clock should the wall clock
    /// have stepped in between.
    private func roundTrip(_ request: Request, receivedAt: Timestamp, now: UInt64) -> UInt64 {
        let wall = receivedAt.nanoseconds(since: request.sentWall)
        let monotonic = now &- request.sentAt
        return wall >= 0 && UInt64(wall) <= monotonic ? UInt64(wall) : monotonic
    }
}
