/// `letter ping`: sends a request every interval (on the loop's timer), matches each
/// reply to its request, prints it with its round-trip time, gives up on a request
/// after the timeout, and keeps ping(8)'s figures.
///
/// Matching: a reply that is a request's own payload answers that request (echo
/// servers; the default payload `letter-ping ID seq=N` names its request); any other
/// reply answers the oldest unanswered request (fixed-reply servers, such as the notes'
/// `sendto(b'hi', addr)`). A reply to a request already answered is a duplicate, one to
/// a request given up on is late: both are counted and shown, never matched twice.
public final class Pinger: DatagramSink, LoopTimer {
    /// What the requests carry.
    public enum Payload: Sendable {
        /// `letter-ping ID seq=N`, ID fixed for the run.
        case numbered(id: String)
        /// The same bytes every time (MESSAGE, or --whole stdin).
        case fixed([UInt8])
    }

    private enum State {
        case waiting, answered, lost
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
    private let count: Int?
    /// Nanoseconds between requests; 0 sends the next as soon as the previous is done.
    private let interval: UInt64
    private let timeout: UInt64
    /// The requests that may still be answered, late or not, by seq modulo the capacity.
    private var requests: [Request]
    private var nextSeq = 1
    private var oldestWaiting = 1
    private var nextSend: UInt64?
    private var outgoing: [UInt8] = []
    private var statistics = PingStatistics()
    private var scratch: [UInt8] = []
    /// When the first request went: ping(8)'s "time" counts from it.
    private(set) var firstSendAt: UInt64?

    public init(destination: Peer, payload: Payload, printSink: PrintSink, count: Int?, interval: Double, timeout: Double) {
        self.destination = destination
        self.payload = payload
        self.printSink = printSink
        self.count = count
        self.interval = UInt64(interval * 1e9)
        self.timeout = UInt64(timeout * 1e9)
        // Enough room for every request that can still be waiting, and then some.
        let window = interval > 0 ? Int((timeout / interval).rounded(.up)) + 2 : 2
        requests = Array(repeating: Request(seq: 0, state: .answered, sentAt: 0, sentWall: Timestamp(seconds: 0, nanoseconds: 0)),
                         count: max(64, min(window * 2, 1 << 16)))
        nextSend = monotonicNanoseconds()
        outgoing.reserveCapacity(256)
    }

    var figures: PingStatistics { statistics }

    /// Sends the requests and prints the replies until every request is answered or given
    /// up on (-c N) or a signal comes on `signals`; then ping(8)'s summary on stdout.
    /// Returns whether any reply came.
    public func run(on socket: borrowing DatagramSocket, bufferSize: Int, signals: Int32) throws -> Bool {
        let receiver = Receiver(sinks: [self], bufferSize: bufferSize)
        var loop = EventLoop(receiver: receiver, signals: signals)
        loop.timer = self
        while true {
            do {
                _ = try loop.run(socket)
                break
            } catch is ICMPPortUnreachable {
                // The service is not there (yet): this request is lost, the next one goes on time.
                noteUnreachable()
            }
        }
        try receiver.flush()
        let elapsed = firstSendAt.map { Double(monotonicNanoseconds() &- $0) / 1e6 } ?? 0
        do {
            try writeAll(standardOutput, ArraySlice(pingSummary(statistics, milliseconds: elapsed, json: printSink.writesFields)))
        } catch {
            throw outputFailure(error.error)
        }
        return statistics.received > 0
    }

    // MARK: The timer: sending, and giving up on requests

    var nextDeadline: UInt64? {
        let expiry = oldestWaiting < nextSeq ? requests[slot(oldestWaiting)].sentAt + timeout : nil
        switch (nextSend, expiry) {
        case let (send?, expiry?): return min(send, expiry)
        case let (send?, nil): return send
        case let (nil, expiry?): return expiry
        case (nil, nil): return isDone ? 0 : nil
        }
    }

    /// Every request sent and none still waiting.
    private var isDone: Bool {
        count.map { nextSeq > $0 } == true && oldestWaiting >= nextSeq
    }

    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool {
        expireRequests(now: now)
        if let due = nextSend, now >= due { try send(on: socket, now: now) }
        return !isDone
    }

    private func send(on socket: borrowing DatagramSocket, now: UInt64) throws {
        let seq = nextSeq
        outgoing.removeAll(keepingCapacity: true)
        switch payload {
        case .numbered(let id): outgoing.append(contentsOf: "letter-ping \(id) seq=\(seq)".utf8)
        case .fixed(let bytes): outgoing.append(contentsOf: bytes)
        }
        // The clocks are read just before the send: on loopback the reply can reach the
        // socket before sendto has even returned.
        let sentWall = Timestamp.now()
        let sentAt = monotonicNanoseconds()
        do {
            try socket.send(outgoing[...], to: destination)
        } catch where error.errno == .connectionRefused {
            // An earlier request's ICMP port unreachable, reported to this send: said for
            // that request, and this one goes again.
            socket.clearErrorQueue()
            noteUnreachable()
            do { try socket.send(outgoing[...], to: destination) } catch {
                throw SendFailure(destination: destination, errno: error.errno)
            }
        } catch {
            throw SendFailure(destination: destination, errno: error.errno)
        }
        // More requests waiting than the ring holds (-t much longer than -i): the one this
        // slot held is given up on now rather than silently overwritten.
        if requests[slot(seq)].state == .waiting {
            requests[slot(seq)].sentAt = 0
            expireRequests(now: sentAt)
        }
        requests[slot(seq)] = Request(seq: seq, state: .waiting, sentAt: sentAt, sentWall: sentWall)
        statistics.sent += 1
        if firstSendAt == nil { firstSendAt = sentAt }
        nextSeq += 1
        // -c N reached: no more sends. -i 0: the next goes when this one is done.
        if count.map({ nextSeq > $0 }) == true {
            nextSend = nil
        } else {
            nextSend = interval > 0 ? max(now + interval, sentAt) : nil
        }
    }

    /// Requests unanswered for the whole timeout are lost: one stderr line each.
    private func expireRequests(now: UInt64) {
        while oldestWaiting < nextSeq {
            let request = requests[slot(oldestWaiting)]
            if request.state == .waiting {
                guard now >= request.sentAt + timeout else { return }
                requests[slot(oldestWaiting)].state = .lost
                statistics.lost += 1
                writeDiagnostic("letter: no reply to seq=\(request.seq) within \(formatSeconds(Double(timeout) / 1e9)) s")
                requestDone(now: now)
            }
            oldestWaiting += 1
        }
    }

    /// A request is answered or lost: with -i 0 the next one goes now.
    private func requestDone(now: UInt64) {
        if interval == 0 && count.map({ nextSeq <= $0 }) ?? true { nextSend = now }
    }

    /// The destination said ICMP port unreachable: the oldest waiting request is lost at
    /// once, said so, instead of waiting out the timeout.
    func noteUnreachable() {
        guard let seq = oldestWaitingRequest() else { return }
        requests[slot(seq)].state = .lost
        statistics.lost += 1
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

    public func take(_ datagram: Datagram, on socket: borrowing DatagramSocket) {
        let now = monotonicNanoseconds()
        let start = printSink.output.bytes.count
        printSink.take(datagram, on: socket)
        // --errors strict: an undecodable reply is reported by the print sink, not matched.
        guard printSink.output.bytes.count > start else { return }
        scratch.removeAll(keepingCapacity: true)
        switch match(datagram.payload) {
        case .answer(let seq):
            let request = requests[slot(seq)]
            requests[slot(seq)].state = .answered
            let rtt = roundTrip(request, receivedAt: datagram.receivedAt, now: now)
            statistics.received += 1
            statistics.note(rtt: rtt)
            annotate(seq: seq, rtt: rtt, mark: nil)
            skipFinishedRequests()
            requestDone(now: now)
        case .duplicate(let seq):
            statistics.duplicates += 1
            annotate(seq: seq, rtt: nil, mark: "DUP!")
        case .late(let seq):
            statistics.late += 1
            annotate(seq: seq, rtt: nil, mark: "late")
        case .unmatched:
            statistics.late += 1
            annotate(seq: nil, rtt: nil, mark: "unmatched")
        }
        insert(scratch, intoRecordAt: start)
    }

    public func contribute(to statistics: inout ReceiveStatistics) {
        printSink.contribute(to: &statistics)
    }

    public func finishBatch(now: UInt64) throws { try printSink.finishBatch(now: now) }

    public func flush() throws { try printSink.flush() }

    private enum Match {
        case answer(Int), duplicate(Int), late(Int), unmatched
    }

    private func match(_ reply: ArraySlice<UInt8>) -> Match {
        // The request the reply names by its payload, if it does.
        var named: Int?
        switch payload {
        case .numbered(let id):
            named = sequenceNumber(in: reply, id: id)
        case .fixed(let bytes):
            // Every request has the same payload: an echo answers the oldest waiting one.
            if reply.elementsEqual(bytes) { return oldestWaitingRequest().map { .answer($0) } ?? .unmatched }
        }
        if let seq = named, seq >= 1, seq < nextSeq, requests[slot(seq)].seq == seq {
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

    /// N in `letter-ping ID seq=N`, if `reply` is that with this run's ID.
    private func sequenceNumber(in reply: ArraySlice<UInt8>, id: String) -> Int? {
        let prefix = "letter-ping \(id) seq="
        guard reply.count > prefix.utf8.count, reply.starts(with: prefix.utf8) else { return nil }
        var value = 0
        for byte in reply.dropFirst(prefix.utf8.count) {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), value < 1 << 40 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// Milliseconds from the send to the receive: the kernel's receive time against the
    /// wall clock read just before the send; the monotonic clock should the wall clock
    /// have stepped in between.
    private func roundTrip(_ request: Request, receivedAt: Timestamp, now: UInt64) -> Double {
        let wall = receivedAt.nanoseconds(since: request.sentWall)
        let monotonic = Int(now &- request.sentAt)
        let nanoseconds = wall >= 0 && wall <= monotonic ? wall : monotonic
        return Double(nanoseconds) / 1e6
    }

    /// ` seq=N time=0.215 ms` (text, tuple, lines, hex) or `, "seq": N, "rtt_ms": 0.215`
    /// (json), into `scratch`.
    private func annotate(seq: Int?, rtt: Double?, mark: String?) {
        if printSink.writesFields {
            if let seq { scratch.append(contentsOf: ", \"seq\": \(seq)".utf8) }
            if let rtt {
                scratch.append(contentsOf: ", \"rtt_ms\": ".utf8)
                appendMilliseconds(rtt, to: &scratch)
            }
            if let mark { scratch.append(contentsOf: ", \"\(mark == "DUP!" ? "duplicate" : mark)\": true".utf8) }
        } else {
            if let seq { scratch.append(contentsOf: " seq=\(seq)".utf8) }
            if let rtt {
                scratch.append(contentsOf: " time=".utf8)
                appendMilliseconds(rtt, to: &scratch)
                scratch.append(contentsOf: " ms".utf8)
            }
            if let mark { scratch.append(contentsOf: " (\(mark))".utf8) }
        }
    }

    /// Puts `text` at the end of the record's first line (json: before its closing brace).
    private func insert(_ text: [UInt8], intoRecordAt start: Int) {
        let bytes = printSink.output.bytes
        guard let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) else { return }
        let at = printSink.writesFields ? newline - 1 : newline
        printSink.output.bytes.insert(contentsOf: text, at: at)
    }
}

/// ping(8)'s figures: requests sent, replies matched, round-trip times.
struct PingStatistics {
    var sent = 0
    var received = 0
    var lost = 0
    var duplicates = 0
    var late = 0
    private(set) var minimum = Double.infinity
    private(set) var maximum = 0.0
    private var sum = 0.0
    private var sumOfSquares = 0.0

    mutating func note(rtt: Double) {
        minimum = min(minimum, rtt)
        maximum = max(maximum, rtt)
        sum += rtt
        sumOfSquares += rtt * rtt
    }

    var average: Double { received > 0 ? sum / Double(received) : 0 }

    /// ping(8)'s mdev: the standard deviation, sqrt(mean of squares - square of mean).
    var deviation: Double {
        guard received > 0 else { return 0 }
        let mean = average
        return max(0, sumOfSquares / Double(received) - mean * mean).squareRoot()
    }

    /// As ping(8) gives it: `(sent - received) * 100 / sent`.
    var lossPercent: Double { sent > 0 ? Double(sent - received) * 100 / Double(sent) : 0 }
}

/// Milliseconds to the microsecond: `0.215`.
func appendMilliseconds(_ milliseconds: Double, to out: inout [UInt8]) {
    let microseconds = Int((milliseconds * 1000).rounded())
    appendDecimal(UInt64(microseconds / 1000), to: &out)
    out.append(UInt8(ascii: "."))
    let fraction = microseconds % 1000
    if fraction < 100 { out.append(UInt8(ascii: "0")) }
    if fraction < 10 { out.append(UInt8(ascii: "0")) }
    appendDecimal(UInt64(fraction), to: &out)
}

/// ping(8)'s closing lines, or one JSON object with `"summary": true`.
func pingSummary(_ figures: PingStatistics, milliseconds elapsed: Double, json: Bool) -> [UInt8] {
    var out: [UInt8] = []
    func milliseconds(_ value: Double) { appendMilliseconds(value, to: &out) }
    let time = Int(elapsed.rounded())
    if json {
        out.append(contentsOf: "{\"summary\": true, \"sent\": \(figures.sent), \"received\": \(figures.received), ".utf8)
        out.append(contentsOf: "\"duplicates\": \(figures.duplicates), \"late\": \(figures.late), ".utf8)
        out.append(contentsOf: "\"loss_pct\": \(shortDecimal(figures.lossPercent)), \"time_ms\": \(time)".utf8)
        for (name, value) in [("min", figures.minimum), ("avg", figures.average), ("max", figures.maximum),
                              ("mdev", figures.deviation)] {
            out.append(contentsOf: ", \"rtt_\(name)_ms\": ".utf8)
            if figures.received > 0 { milliseconds(value) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: "}\n".utf8)
        return out
    }
    out.append(contentsOf: "\(figures.sent) sent, \(figures.received) received".utf8)
    if figures.duplicates > 0 { out.append(contentsOf: ", +\(figures.duplicates) duplicates".utf8) }
    if figures.late > 0 { out.append(contentsOf: ", +\(figures.late) late".utf8) }
    out.append(contentsOf: ", \(shortDecimal(figures.lossPercent))% loss, time \(time) ms\n".utf8)
    if figures.received > 0 {
        out.append(contentsOf: "rtt min/avg/max/mdev = ".utf8)
        milliseconds(figures.minimum)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.average)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.maximum)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.deviation)
        out.append(contentsOf: " ms\n".utf8)
    }
    return out
}

/// A number as C's `%g` writes it (ping(8)'s loss): at most six significant digits,
/// no trailing zeros: `20`, `33.3333`, `0.1`.
func shortDecimal(_ value: Double) -> String {
    if value == value.rounded() { return String(Int(value)) }
    let digitsBeforePoint = value >= 1 ? String(Int(value)).count : 1
    let scale = pow10(max(0, 6 - digitsBeforePoint))
    var text = String(Int((value * Double(scale)).rounded()))
    let decimals = max(0, 6 - digitsBeforePoint)
    while text.count <= decimals { text = "0" + text }
    text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

private func pow10(_ exponent: Int) -> Int {
    var value = 1
    for _ in 0..<exponent { value *= 10 }
    return value
}
