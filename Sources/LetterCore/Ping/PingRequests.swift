/// ping's requests, from the send to their answer or to being given up on, and the
/// matching of a reply to one of them. It keeps the times it is given and reads no
/// clock; it says which requests it gives up on, and the caller says so.
///
/// Matching: a reply in this run's numbered form (`letter-ping ID seq=N`) answers
/// request N, or is unmatched when N is not a request that may still be answered; any
/// other reply answers the oldest waiting request (an echo of a fixed payload, or a
/// fixed-reply server such as the tutorial's `sendto(b'hi', addr)`). A reply to a request
/// already answered is a duplicate, one to a request given up on is late, one that
/// answers nothing is unmatched: none is matched twice.
struct PingRequests {
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

    /// What a reply is to the requests.
    enum Match: Equatable {
        /// It answers request `seq`, `roundTrip` nanoseconds after it went.
        case answer(seq: Int, roundTrip: UInt64)
        case duplicate(Int), late(Int), unmatched
    }

    /// What a numbered request holds before its seq: `letter-ping ID seq=`.
    static func numberedPrefix(id: String) -> String { "letter-ping \(id) seq=" }

    /// The numbered prefix of this run's requests; nil when they carry a fixed payload.
    private let prefix: [UInt8]?
    private let timeout: UInt64
    /// The requests that may still be answered, late or not, by seq modulo the capacity.
    private var ring: [Request]
    /// The seq of the next request.
    private(set) var nextSeq = 1
    /// No request before this seq is waiting.
    private var oldestWaiting = 1

    /// The requests of a run whose requests are numbered with `id` (nil: a fixed payload),
    /// paced and timed out as `settings` say.
    init(id: String?, settings: PingSettings) {
        prefix = id.map { Array(Self.numberedPrefix(id: $0).utf8) }
        timeout = UInt64(settings.timeout * 1e9)
        let seconds = settings.secondsApart
        // Enough room for every request that can still be waiting, and then some.
        let window = seconds > 0 ? Int((settings.timeout / seconds).rounded(.up)) + 2 : 2
        ring = Array(repeating: Request(seq: 0, state: .answered, sentAt: 0, sentWall: Timestamp(seconds: 0, nanoseconds: 0)),
                     count: max(64, min(window * 2, 1 << 16)))
    }

    /// How many requests the ring holds.
    var capacity: Int { ring.count }

    /// Whether any request sent is still waiting for its reply.
    var anyWaiting: Bool { oldestWaiting < nextSeq }

    /// When the oldest waiting request is given up on, if one waits.
    var nextExpiry: UInt64? {
        anyWaiting ? ring[slot(oldestWaiting)].sentAt + timeout : nil
    }

    /// Request `nextSeq` went at `sentAt` (monotonic) and `sentWall`; it waits for its
    /// reply unless its send `failed`. Its slot must be free: `makeRoom(now:)` frees it.
    mutating func add(sentAt: UInt64, sentWall: Timestamp, failed: Bool) {
        precondition(ring[slot(nextSeq)].state != .waiting, "seq=\(nextSeq) would overwrite a waiting request")
        ring[slot(nextSeq)] = Request(seq: nextSeq, state: failed ? .lost : .waiting, sentAt: sentAt, sentWall: sentWall)
        nextSeq += 1
        skipFinishedRequests()
    }

    /// Gives up on the requests unanswered for the whole timeout at `now`. Returns their
    /// seqs, oldest first.
    mutating func expire(now: UInt64) -> [Int] { giveUp(now: now, makingRoom: false) }

    /// Frees the slot of request `nextSeq` before it goes. More requests waiting than the
    /// ring holds (-t much longer than -i): the one the slot holds is given up on now
    /// rather than silently overwritten (with those timed out at `now`). Returns their
    /// seqs, oldest first.
    mutating func makeRoom(now: UInt64) -> [Int] {
        ring[slot(nextSeq)].state == .waiting ? giveUp(now: now, makingRoom: true) : []
    }

    private mutating func giveUp(now: UInt64, makingRoom: Bool) -> [Int] {
        var lost: [Int] = []
        while oldestWaiting < nextSeq {
            let request = ring[slot(oldestWaiting)]
            if request.state == .waiting {
                let crowdedOut = makingRoom && request.seq + ring.count <= nextSeq
                guard crowdedOut || now >= request.sentAt + timeout else { break }
                ring[slot(oldestWaiting)].state = .lost
                lost.append(request.seq)
            }
            oldestWaiting += 1
        }
        return lost
    }

    /// The destination said ICMP port unreachable: the oldest waiting request is given up
    /// on at once instead of waiting out the timeout. Returns its seq (nil: none waits).
    mutating func markUnreachable() -> Int? {
        guard let seq = oldestWaitingRequest() else { return nil }
        ring[slot(seq)].state = .lost
        skipFinishedRequests()
        return seq
    }

    /// What `reply`, received at `receivedAt` (the kernel's wall clock) and seen at `now`
    /// (monotonic), is to the requests; a request it answers is answered from now on.
    mutating func match(_ reply: ArraySlice<UInt8>, receivedAt: Timestamp, now: UInt64) -> Match {
        // A reply in this run's numbered form names its request, and only that one: one
        // naming a request that cannot be answered is not given to another by age.
        if let seq = sequenceNumber(in: reply) {
            guard seq >= 1, seq < nextSeq, ring[slot(seq)].seq == seq else { return .unmatched }
            switch ring[slot(seq)].state {
            case .waiting: return answer(seq, receivedAt: receivedAt, now: now)
            case .answered: return .duplicate(seq)
            case .lost: return .late(seq)
            }
        }
        return oldestWaitingRequest().map { answer($0, receivedAt: receivedAt, now: now) } ?? .unmatched
    }

    private mutating func answer(_ seq: Int, receivedAt: Timestamp, now: UInt64) -> Match {
        ring[slot(seq)].state = .answered
        let request = ring[slot(seq)]
        skipFinishedRequests()
        return .answer(seq: seq, roundTrip: Self.roundTrip(sentAt: request.sentAt, sentWall: request.sentWall,
                                                            receivedAt: receivedAt, now: now))
    }

    /// Nanoseconds from a send to its reply: the kernel's receive time against the wall
    /// clock read just before the send; the monotonic clock should the wall clock have
    /// stepped in between (a negative time, or one longer than the monotonic clock saw).
    static func roundTrip(sentAt: UInt64, sentWall: Timestamp, receivedAt: Timestamp, now: UInt64) -> UInt64 {
        let wall = receivedAt.nanoseconds(since: sentWall)
        let monotonic = now &- sentAt
        return wall >= 0 && UInt64(wall) <= monotonic ? UInt64(wall) : monotonic
    }

    /// The oldest request still waiting for its reply.
    private func oldestWaitingRequest() -> Int? {
        var seq = oldestWaiting
        while seq < nextSeq {
            if ring[slot(seq)].state == .waiting { return seq }
            seq += 1
        }
        return nil
    }

    /// Moves the oldest-waiting mark past requests answered or lost.
    private mutating func skipFinishedRequests() {
        while oldestWaiting < nextSeq && ring[slot(oldestWaiting)].state != .waiting { oldestWaiting += 1 }
    }

    private func slot(_ seq: Int) -> Int { seq % ring.count }

    /// N in `letter-ping ID seq=N` (and the spaces of -s SIZE), if `reply` is that with
    /// this run's ID.
    private func sequenceNumber(in reply: ArraySlice<UInt8>) -> Int? {
        guard let prefix, reply.count > prefix.count, reply.starts(with: prefix) else { return nil }
        let rest = reply.dropFirst(prefix.count)
        let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        guard !digits.isEmpty, digits.count <= 18, rest.dropFirst(digits.count).allSatisfy({ $0 == UInt8(ascii: " ") }) else {
            return nil
        }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
