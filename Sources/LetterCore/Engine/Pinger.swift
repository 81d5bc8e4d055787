/// `letter ping`: on the loop's timer, sends each request when its schedule says and
/// gives up on those that waited out the timeout; as the receiver's sink, matches each
/// reply to its request (`PingPayload`) and prints it with its round trip; and keeps
/// ping(8)'s figures, which the printer writes as its end. The bookkeeping is
/// `PingSchedule`'s; the clocks, the socket and the words are this class's.
public final class Pinger: DatagramSink, LoopTimer {
    let destination: Peer
    private let payload: PingPayload
    private let printSink: PrintSink
    private var schedule: PingSchedule
    /// `-t SEC`, as the user wrote it, for the lines about requests given up on.
    private let timeoutText: String
    private var outgoing: [UInt8] = []
    private var statistics = PingStatistics()
    /// When the first request went: ping(8)'s "time" counts from it.
    private var firstSendAt: UInt64?

    public init(destination: Peer, payload: PingPayload, printSink: PrintSink, count: Int?, interval: Double, timeout: Double) {
        self.destination = destination
        self.payload = payload
        self.printSink = printSink
        schedule = PingSchedule(count: count, interval: UInt64(interval * 1e9), timeout: UInt64(timeout * 1e9),
                                start: monotonicNanoseconds())
        timeoutText = formatSeconds(timeout)
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
        while true {
            do {
                _ = try loop.run(socket)
                break
            } catch is ICMPPortUnreachable {
                // The service is not there (yet): this request is lost, the next one goes on time.
                noteUnreachable()
            }
        }
        try receiver.finish(receiver.finalStatistics(socket))
        return statistics.received > 0
    }

    // MARK: The timer: sending, and giving up on requests

    var nextDeadline: UInt64? { schedule.nextDeadline }

    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool {
        schedule.expire(now: now, lost: noteLost)
        if schedule.isSendDue(now: now) { try send(on: socket, now: now) }
        return !schedule.isDone
    }

    private func send(on socket: borrowing DatagramSocket, now: UInt64) throws {
        outgoing.removeAll(keepingCapacity: true)
        payload.append(seq: schedule.nextSeq, to: &outgoing)
        // The clocks are read just before the send: on loopback the reply can reach the
        // socket before sendto has even returned.
        let sentWall = Timestamp.now()
        let sentAt = monotonicNanoseconds()
        do {
            try socket.send(outgoing[...], to: destination)
        } catch {
            // An earlier request's ICMP port unreachable, reported to this send: said for
            // that request, and this one goes again.
            guard socket.consumePortUnreachable(error) else { throw SendFailure(destination: destination, errno: error.errno) }
            noteUnreachable()
            do { try socket.send(outgoing[...], to: destination) } catch {
                throw SendFailure(destination: destination, errno: error.errno)
            }
        }
        _ = schedule.recordSend(now: now, sentAt: sentAt, sentWall: sentWall, lost: noteLost)
        statistics.sent += 1
        if firstSendAt == nil { firstSendAt = sentAt }
    }

    /// A request unanswered for the whole timeout: one stderr line. (Called while the
    /// schedule is being changed: it must not read the schedule.)
    private func noteLost(_ seq: Int) {
        statistics.lost += 1
        writeDiagnostic("letter: no reply to seq=\(seq) within \(timeoutText) s")
    }

    /// The destination said ICMP port unreachable: the oldest waiting request is lost at
    /// once, said so, instead of waiting out the timeout.
    func noteUnreachable() {
        guard let seq = schedule.loseOldestWaiting(now: monotonicNanoseconds()) else { return }
        statistics.lost += 1
        writeDiagnostic("letter: seq=\(seq): port unreachable: nothing listens at \(destination.pythonRepr) (ICMP port unreachable)")
    }

    // MARK: The sink: replies

    public func take(_ record: Record, on socket: borrowing DatagramSocket) {
        let now = monotonicNanoseconds()
        var shown = record
        switch payload.match(record.datagram.payload, in: schedule) {
        case .answer(let seq):
            let rtt = schedule.answer(seq, now: now).roundTrip(receivedAt: record.datagram.receivedAt, now: now)
            statistics.received += 1
            statistics.note(rtt: rtt)
            shown.seq = seq
            shown.rtt = rtt
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
}
