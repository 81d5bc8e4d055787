/// What ping's requests carry, and which request a reply answers.
///
/// Matching: a reply that is a request's own payload answers that request (echo
/// servers; the default payload `letter-ping ID seq=N` names its request); any other
/// reply answers the oldest unanswered request (fixed-reply servers, such as the notes'
/// `sendto(b'hi', addr)`). A reply to a request already answered is a duplicate, one to
/// a request given up on is late: both are counted and shown, never matched twice.
public enum PingPayload: Equatable, Sendable {
    /// `letter-ping ID seq=N`, ID fixed for the run.
    case numbered(id: String)
    /// The same bytes every time (MESSAGE, or --whole stdin).
    case fixed([UInt8])

    /// Appends request `seq`'s payload to `out`.
    func append(seq: Int, to out: inout [UInt8]) {
        switch self {
        case .numbered(let id): out.append(contentsOf: "letter-ping \(id) seq=\(seq)".utf8)
        case .fixed(let bytes): out.append(contentsOf: bytes)
        }
    }

    /// What `reply` is to the requests of `schedule`.
    func match(_ reply: ArraySlice<UInt8>, in schedule: PingSchedule) -> PingMatch {
        switch self {
        case .numbered(let id):
            // The request the reply names by its payload, if it does.
            if let seq = Self.sequenceNumber(in: reply, id: id), let state = schedule.state(of: seq) {
                switch state {
                case .waiting: return .answer(seq)
                case .answered: return .duplicate(seq)
                case .lost: return .late(seq)
                }
            }
        case .fixed(let bytes):
            // Every request has the same payload: an echo answers the oldest waiting one.
            if reply.elementsEqual(bytes) { return schedule.oldestWaitingRequest.map { .answer($0) } ?? .unmatched }
        }
        return schedule.oldestWaitingRequest.map { .answer($0) } ?? .unmatched
    }

    /// N in `letter-ping ID seq=N`, if `reply` is that with this run's ID.
    static func sequenceNumber(in reply: ArraySlice<UInt8>, id: String) -> Int? {
        let prefix = "letter-ping \(id) seq="
        guard reply.count > prefix.utf8.count, reply.starts(with: prefix.utf8) else { return nil }
        var value = 0
        for byte in reply.dropFirst(prefix.utf8.count) {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"), value < 1 << 40 else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

/// What a reply is to ping's requests.
enum PingMatch: Equatable {
    /// The first answer to this waiting request.
    case answer(Int)
    /// Another answer to a request already answered.
    case duplicate(Int)
    /// An answer to a request already given up on.
    case late(Int)
    /// No request is waiting, and the reply names none.
    case unmatched
}
