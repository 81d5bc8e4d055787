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

    /// Seconds from one request to the next: one over the rate with --rate, else -i.
    var secondsApart: Double { rate.map { 1 / $0 } ?? interval }
}

/// `letter ping`: sends a request every interval (on the loop's timer), matches each
/// reply to its request, prints it with its round-trip time, gives up on a request
/// after the timeout, and counts what iputils ping counts (its summary is the printer's
/// end). When requests go is `PingSchedule`'s; which request a reply answers is
/// `PingRequests`'; this reads the clocks, sends, and says what happened.
///
/// Only datagrams from the destination (its address and port) are replies: anything
/// else is counted and ignored, so a third party cannot answer for a silent service.
public final class Pinger: DatagramSink, LoopTimer {
    /// What the requests carry.
    public enum Payload: Sendable {
        /// `letter-ping ID seq=N`, ID fixed for the run, padded with spaces to `size`
        /// bytes when given (`-s SIZE`).
        case numbered(id: String, size: Int?)
        /// The same bytes every time (MESSAGE, or --whole stdin).
        case fixed([UInt8])
    }

    let destination: Peer
    private let payload: Payload
    private let printSink: PrintSink
    private let settings: PingSettings
    /// The decoder `--expect TEXT` reads replies with.
    private let expectDecoder: TextDecoder?
    private var decoded: [UInt8] = []
    private var schedule: PingSchedule
    private var requests: PingRequests
    private var outgoing: [UInt8] = []
    private var counts = PingCounts()
    private var latency: LatencyRecorder
    /// Datagrams from anyone but the destination.
    private var ignored = 0

    /// `expectDecoder` decodes replies for `--expect TEXT` (nil otherwise).
    public init(destination: Peer, payload: Payload, printSink: PrintSink, settings: PingSettings,
                expectDecoder: TextDecoder?) {
        self.destination = destination
        self.payload = payload
        self.printSink = printSink
        self.settings = settings
        self.expectDecoder = expectDecoder
        latency = LatencyRecorder(expected: settings.count)
        let id: String? = if case .numbered(let id, _) = payload { id } else { nil }
        requests = PingRequests(id: id, settings: settings)
        schedule = PingSchedule(settings: settings, start: monotonicNanoseconds())
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
        return [schedule.nextSend, requests.nextExpiry, schedule.end].compactMap { $0 }.min()
    }

    private var isDone: Bool {
        schedule.isDone(now: monotonicNanoseconds(), replies: latency.count, waiting: requests.anyWaiting)
    }

    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool {
        gaveUp(requests.expire(now: now), now: now)
        var sent = 0
        while !isDone, let due = schedule.due(now: now, sentThisWakeUp: sent) {
            try send(on: socket, now: now, due: due)
            sent += 1
        }
        return !isDone
    }

    private func send(on socket: borrowing DatagramSocket, now: UInt64, due: UInt64) throws {
        let seq = requests.nextSeq
        outgoing.removeAll(keepingCapacity: true)
        switch payload {
        case .numbered(let id, let size):
            outgoing.append(contentsOf: "\(PingRequests.numberedPrefix(id: id))\(seq)".utf8)
            if let size, outgoing.count < size { outgoing.append(contentsOf: repeatElement(UInt8(ascii: " "), count: size - outgoing.count)) }
        case .fixed(let bytes):
            outgoing.append(contentsOf: bytes)
        }
        gaveUp(requests.makeRoom(now: now), now: now)
        // The clocks are read just before the send: on loopback the reply can reach the
        // socket before sendto has even returned.
        let sentWall = Timestamp.now()
        let sentAt = monotonicNanoseconds()
        var failure: Errno?
        do {
            try socket.send(outgoing[...], to: destination)
        } catch {
            if socket.consumePortUnreachable(error) {
                // An earlier request's ICMP port unreachable, reported to this send: said for
                // that request, and this one goes again.
                noteUnreachable()
                do { try socket.send(outgoing[...], to: destination) } catch { failure = error.errno }
            } else {
                failure = error.errno
            }
        }
        if let failure {
            // The kernel refused the send (the service's socket file gone, say): an error in
            // the count, one stderr line, and ping goes on.
            counts.errors += 1
            writeDiagnostic("letter: seq=\(seq): cannot send to \(destination.pythonRepr): \(failure)")
        }
        requests.add(sentAt: sentAt, sentWall: sentWall, failed: failure != nil)
        counts.transmitted += 1
        schedule.recordSend(due: due, now: now, sentAt: sentAt, waiting: failure == nil)
    }

    /// Requests given up on at `now` (`lost`) are said, one stderr line each (not with
    /// -q); with -i 0 the next request goes.
    private func gaveUp(_ lost: [Int], now: UInt64) {
        guard !lost.isEmpty else { return }
        if !settings.quiet {
            for seq in lost { writeDiagnostic("letter: no reply to seq=\(seq) within \(formatSeconds(settings.timeout)) s") }
        }
        schedule.requestDone(now: now)
    }

    /// The destination said ICMP port unreachable: the oldest waiting request is an error
    /// at once, said so, instead of waiting out the timeout.
    func noteUnreachable() {
        guard let seq = requests.markUnreachable() else { return }
        counts.errors += 1
        writeDiagnostic("letter: seq=\(seq): port unreachable: nothing listens at \(destination.pythonRepr) (ICMP port unreachable)")
        schedule.requestDone(now: monotonicNanoseconds())
    }

    // MARK: The sink: replies

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        // Only the destination answers a ping.
        guard record.datagram.peer == destination else {
            ignored += 1
            return
        }
        let now = monotonicNanoseconds()
        var shown = record
        switch requests.match(record.datagram.payload, receivedAt: record.datagram.receivedAt, now: now) {
        case .answer(let seq, let nanoseconds):
            if meetsExpectation(record.datagram.payload) {
                latency.record(nanoseconds: nanoseconds, seq: seq)
            } else {
                counts.mismatched += 1
                shown.answer = .mismatch
            }
            shown.seq = seq
            shown.roundTripNanoseconds = nanoseconds
            schedule.requestDone(now: now)
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
                                     elapsedNanoseconds: schedule.firstSendAt.map { monotonicNanoseconds() &- $0 } ?? 0,
                                     histogram: settings.histogram)
    }

    public func finish(_ statistics: ReceiveStatistics) throws { try printSink.finish(statistics) }
}
