/// ping's requests as bookkeeping over the times it is given (monotonic nanoseconds):
/// when the next request is due, which requests have waited out the timeout, and what
/// state each one is in. It reads no clock and sends nothing: Pinger does both, and
/// tests hand it times of their own.
struct PingSchedule {
    enum State: Equatable {
        case waiting, answered, lost
    }

    struct Request {
        var seq: Int
        var state: State
        /// Monotonic nanoseconds just before the send.
        var sentAt: UInt64
        /// The wall clock just before the send, to set against the kernel's receive time.
        var sentWall: Timestamp

        /// Milliseconds from the send to `receivedAt` (the kernel's receive time) against
        /// the wall clock read before the send; the monotonic clock (`now`) should the wall
        /// clock have stepped in between.
        func roundTrip(receivedAt: Timestamp, now: UInt64) -> Double {
            let wall = receivedAt.nanoseconds(since: sentWall)
            let monotonic = Int(now &- sentAt)
            let nanoseconds = wall >= 0 && wall <= monotonic ? wall : monotonic
            return Double(nanoseconds) / 1e6
        }
    }

    /// `-c N`: no request after the Nth.
    private let count: Int?
    /// Nanoseconds between requests; 0 sends the next as soon as the previous is done.
    private let interval: UInt64
    /// How long a request may wait for its reply, in nanoseconds.
    private let timeout: UInt64
    /// The requests that may still be answered, late or not, by seq modulo the capacity.
    private var requests: [Request]
    /// The seq of the next request.
    private(set) var nextSeq = 1
    /// No request before this one is waiting.
    private var oldestWaiting = 1
    private var nextSend: UInt64?

    /// The first request is due at `start`.
    init(count: Int?, interval: UInt64, timeout: UInt64, start: UInt64) {
        self.count = count
        self.interval = interval
        self.timeout = timeout
        // Enough room for every request that can still be waiting, and then some.
        let window = interval > 0 ? Int((timeout + interval - 1) / interval) + 2 : 2
        requests = Array(repeating: Request(seq: 0, state: .answered, sentAt: 0, sentWall: Timestamp(seconds: 0, nanoseconds: 0)),
                         count: max(64, min(window * 2, 1 << 16)))
        nextSend = start
    }

    /// When something is due: the next request, or the oldest waiting one's timeout; 0
    /// once everything is done (the loop's timer then ends it).
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
    var isDone: Bool {
        count.map { nextSeq > $0 } == true && oldestWaiting >= nextSeq
    }

    /// Whether the next request is due at `now`.
    func isSendDue(now: UInt64) -> Bool {
        nextSend.map { now >= $0 } ?? false
    }

    /// Records that request `nextSeq` went at `sentAt` (decided at `now`). More requests
    /// waiting than the ring holds (-t much longer than -i): the one its slot held, the
    /// oldest of all, is given up on and told to `lost`, rather than silently overwritten.
    /// Returns the seq sent.
    mutating func recordSend(now: UInt64, sentAt: UInt64, sentWall: Timestamp, lost: (Int) -> Void) -> Int {
        let seq = nextSeq
        let displaced = requests[slot(seq)]
        if displaced.state == .waiting {
            requests[slot(seq)].state = .lost
            lost(displaced.seq)
            skipFinishedRequests()
        }
        requests[slot(seq)] = Request(seq: seq, state: .waiting, sentAt: sentAt, sentWall: sentWall)
        nextSeq += 1
        // -c N reached: no more sends. -i 0: the next goes when this one is done.
        if count.map({ nextSeq > $0 }) == true {
            nextSend = nil
        } else {
            nextSend = interval > 0 ? max(now + interval, sentAt) : nil
        }
        return seq
    }

    /// Gives up on the requests unanswered for the whole timeout at `now`, telling `lost`
    /// of each, oldest first.
    mutating func expire(now: UInt64, lost: (Int) -> Void) {
        while oldestWaiting < nextSeq {
            let request = requests[slot(oldestWaiting)]
            if request.state == .waiting {
                guard now >= request.sentAt + timeout else { return }
                requests[slot(oldestWaiting)].state = .lost
                lost(request.seq)
                requestDone(now: now)
            }
            oldestWaiting += 1
        }
    }

    /// The oldest waiting request is lost at once (ICMP port unreachable answered it);
    /// returns its seq, or nil when none is waiting.
    mutating func loseOldestWaiting(now: UInt64) -> Int? {
        guard let seq = oldestWaitingRequest else { return nil }
        requests[slot(seq)].state = .lost
        skipFinishedRequests()
        requestDone(now: now)
        return seq
    }

    /// Marks request `seq` answered at `now` and returns it (for its round trip).
    mutating func answer(_ seq: Int, now: UInt64) -> Request {
        requests[slot(seq)].state = .answered
        let request = requests[slot(seq)]
        skipFinishedRequests()
        requestDone(now: now)
        return request
    }

    /// The state of request `seq`, or nil when it was never sent or its slot now holds a later one.
    func state(of seq: Int) -> State? {
        guard seq >= 1, seq < nextSeq, requests[slot(seq)].seq == seq else { return nil }
        return requests[slot(seq)].state
    }

    /// The oldest request still waiting for its reply.
    var oldestWaitingRequest: Int? {
        var seq = oldestWaiting
        while seq < nextSeq {
            if requests[slot(seq)].state == .waiting { return seq }
            seq += 1
        }
        return nil
    }

    /// A request is answered or lost: with -i 0 the next one goes now.
    private mutating func requestDone(now: UInt64) {
        if interval == 0 && count.map({ nextSeq <= $0 }) ?? true { nextSend = now }
    }

    /// Moves the oldest-waiting mark past requests answered or lost.
    private mutating func skipFinishedRequests() {
        while oldestWaiting < nextSeq && requests[slot(oldestWaiting)].state != .waiting { oldestWaiting += 1 }
    }

    private func slot(_ seq: Int) -> Int { seq % requests.count }
}
