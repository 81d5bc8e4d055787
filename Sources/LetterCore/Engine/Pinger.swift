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
    /// When the first request went: ping(8)'s "time" counts from it.
    private var firstSendAt: UInt64?

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

    /// Sends the requests and prints the replies until every request is answered or given
    /// up on (-c N) or a signal comes on `signals`; then ping(8)'s summary, which the
    /// printer writes as its end. Returns whether any reply came.
    public func run(on socket: borrowing DatagramSocket, bufferSize: Int, signals: Int32) throws -> Bool {
        let receiver = Receiver(sinks: [self], bufferSize: bufferSize)
        var loop = EventLoop(receiver: receiver, signals: signals)
        loop.timer = self
        try receiver.begin()
        // The service is not there (yet): that request is lost, the next one goes on time.
        _ = try loop.run(socket, onPortUnreachable: noteUnreachable)
        try receiver.finish(receiver.finalStatistics(socket))
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

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        let now = monotonicNanoseconds()
        var shown = record
        switch match(record.datagram.payload) {
        case .answer(let seq):
            let request = requests[slot(seq)]
            requests[slot(seq)].state = .answered
            let rtt = roundTrip(request, receivedAt: record.datagram.receivedAt, now: now)
            statistics.received += 1
            statistics.note(rtt: rtt)
            shown.seq = seq
            shown.rtt = rtt
            skipFinishedRequests()
            requestDone(now: now)
        case .duplicate(let seq):
            statistics.duplicates += 1
            shown.seq = seq
            shown.answer = .duplicate
        case .late(let seq):
            statistics.late += 1
            shown.seq = seq
            shown.answer = .late
        case .unmatched:
            statistics.late += 1
            shown.answer = .unmatched
        }
        printSink.take(shown, on: socket)
    }

    public func begin() throws { try printSink.begin() }

    public func finishBatch(now: UInt64) throws { try printSink.finishBatch(now: now) }

    public func flush() throws { try printSink.flush() }

    /// The print sink's figures, and ping's own with the time since the first request.
    public func contribute(to statistics: inout ReceiveStatistics) {
        printSink.contribute(to: &statistics)
        var figures = self.statistics
        figures.elapsed = firstSendAt.map { Double(monotonicNanoseconds() &- $0) / 1e6 } ?? 0
        statistics.ping = figures
    }

    public func finish(_ statistics: ReceiveStatistics) throws { try printSink.finish(statistics) }

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
}
