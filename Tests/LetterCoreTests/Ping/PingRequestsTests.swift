@testable import LetterCore
import Testing

/// ping's requests and the matching of replies, on a fake clock: monotonic times are
/// plain nanosecond values, wall-clock times plain timestamps.
@Suite struct PingRequestsTests {
    static let start: UInt64 = 5_000_000_000
    static let millisecond: UInt64 = 1_000_000
    static let second: UInt64 = 1_000_000_000
    /// The wall clock at `start`.
    static let wallStart = Timestamp(seconds: 1_700_000_000, nanoseconds: 0)

    /// The wall clock `nanoseconds` after `wallStart` (before it, when negative).
    static func wall(_ nanoseconds: Int) -> Timestamp {
        let (seconds, rest) = nanoseconds.quotientAndRemainder(dividingBy: 1_000_000_000)
        return rest < 0 ? Timestamp(seconds: wallStart.seconds + seconds - 1, nanoseconds: rest + 1_000_000_000)
                        : Timestamp(seconds: wallStart.seconds + seconds, nanoseconds: rest)
    }

    /// The requests of a run numbered with ID `ab12` (nil: a fixed payload), -i 1 -W 2.
    static func requests(id: String? = "ab12") -> PingRequests {
        PingRequests(id: id, settings: PingSettings())
    }

    /// Sends `count` requests, one a second from `start`, the wall clock keeping step.
    static func send(_ count: Int, to requests: inout PingRequests) {
        for _ in 0..<count {
            let offset = UInt64(requests.nextSeq - 1) * second
            #expect(requests.makeRoom(now: start + offset).isEmpty)
            requests.add(sentAt: start + offset, sentWall: wall(Int(offset)), failed: false)
        }
    }

    static func bytes(_ text: String) -> ArraySlice<UInt8> { Array(text.utf8)[...] }

    /// What `reply` is when it comes `after` nanoseconds from the send of `seq` (both
    /// clocks agreeing).
    static func match(_ requests: inout PingRequests, _ reply: String, seq: Int = 1,
                      after: UInt64 = 300_000) -> PingRequests.Match {
        let sent = UInt64(seq - 1) * second
        return requests.match(bytes(reply), receivedAt: wall(Int(sent + after)), now: start + sent + after)
    }

    @Test func aNumberedReplyAnswersItsOwnRequest() {
        var requests = Self.requests()
        Self.send(3, to: &requests)
        #expect(Self.match(&requests, "letter-ping ab12 seq=2", seq: 2) == .answer(seq: 2, roundTrip: 300_000))
        // -s SIZE pads with spaces.
        #expect(Self.match(&requests, "letter-ping ab12 seq=3    ", seq: 3, after: 7) == .answer(seq: 3, roundTrip: 7))
        #expect(requests.anyWaiting)
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .answer(seq: 1, roundTrip: 300_000))
        #expect(!requests.anyWaiting)
    }

    @Test func aSeqNeverSentIsUnmatchedAndTakesNoRequest() {
        var requests = Self.requests()
        Self.send(2, to: &requests)
        #expect(Self.match(&requests, "letter-ping ab12 seq=999999999") == .unmatched)
        #expect(Self.match(&requests, "letter-ping ab12 seq=3") == .unmatched)
        #expect(Self.match(&requests, "letter-ping ab12 seq=0") == .unmatched)
        // Request 1 still waits for its own reply.
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .answer(seq: 1, roundTrip: 300_000))
    }

    @Test func aSecondReplyToARequestIsADuplicate() {
        var requests = Self.requests()
        Self.send(2, to: &requests)
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .answer(seq: 1, roundTrip: 300_000))
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .duplicate(1))
        // A duplicate does not answer the next request either.
        #expect(requests.anyWaiting)
    }

    @Test func aRequestIsGivenUpOnAfterTheTimeoutAndOnlyThen() {
        var requests = Self.requests()
        Self.send(3, to: &requests)
        #expect(requests.nextExpiry == Self.start + 2 * Self.second)
        #expect(requests.expire(now: Self.start + 2 * Self.second - 1).isEmpty)
        #expect(Self.match(&requests, "letter-ping ab12 seq=2", seq: 2) == .answer(seq: 2, roundTrip: 300_000))
        // Request 1 went at 0 s, 3 at 2 s: at 3 s only 1 has waited out its 2 s.
        #expect(requests.expire(now: Self.start + 3 * Self.second) == [1])
        #expect(requests.nextExpiry == Self.start + 4 * Self.second)
        #expect(requests.expire(now: Self.start + 4 * Self.second) == [3])
        #expect(!requests.anyWaiting && requests.nextExpiry == nil)
    }

    @Test func aReplyAfterTheRequestWasGivenUpOnIsLate() {
        var requests = Self.requests()
        Self.send(1, to: &requests)
        #expect(requests.expire(now: Self.start + 2 * Self.second) == [1])
        #expect(Self.match(&requests, "letter-ping ab12 seq=1", after: 3 * Self.second) == .late(1))
        // A request whose send failed waits for nothing either.
        requests.add(sentAt: Self.start + Self.second, sentWall: Self.wall(Int(Self.second)), failed: true)
        #expect(!requests.anyWaiting)
        #expect(Self.match(&requests, "letter-ping ab12 seq=2", seq: 2) == .late(2))
    }

    @Test func aReplyThatNamesNoRequestAnswersTheOldestWaiting() {
        var fixed = Self.requests(id: nil)
        Self.send(3, to: &fixed)
        #expect(Self.match(&fixed, "hi") == .answer(seq: 1, roundTrip: 300_000))
        // Without numbered requests, even a numbered reply is just the next answer.
        #expect(Self.match(&fixed, "letter-ping ab12 seq=3", seq: 2) == .answer(seq: 2, roundTrip: 300_000))
        #expect(Self.match(&fixed, "hi", seq: 3) == .answer(seq: 3, roundTrip: 300_000))
        #expect(Self.match(&fixed, "hi", seq: 3) == .unmatched)

        var numbered = Self.requests()
        Self.send(2, to: &numbered)
        #expect(Self.match(&numbered, "letter-ping ab12 seq=1") == .answer(seq: 1, roundTrip: 300_000))
        // Another run's ID, or the form with more after the seq, is not this run's form.
        #expect(Self.match(&numbered, "letter-ping zz99 seq=1", seq: 2) == .answer(seq: 2, roundTrip: 300_000))
        Self.send(1, to: &numbered)
        #expect(Self.match(&numbered, "letter-ping ab12 seq=1x", seq: 3) == .answer(seq: 3, roundTrip: 300_000))
    }

    @Test func moreWaitingThanTheRingHoldsGivesUpTheOldest() {
        var requests = Self.requests()
        // -i 1 -W 2 holds 64 requests; a 65th, all sent at once, takes the first one's slot.
        #expect(requests.capacity == 64)
        for seq in 1...65 {
            #expect(requests.makeRoom(now: Self.start) == (seq == 65 ? [1] : []))
            requests.add(sentAt: Self.start, sentWall: Self.wallStart, failed: false)
        }
        // Request 1 has left the ring: its reply is unmatched, and answers no other.
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .unmatched)
        #expect(Self.match(&requests, "letter-ping ab12 seq=65") == .answer(seq: 65, roundTrip: 300_000))
        #expect(Self.match(&requests, "hi") == .answer(seq: 2, roundTrip: 300_000))
        // Making room gives up only on what it must, or what has timed out.
        #expect(requests.makeRoom(now: Self.start).isEmpty)
    }

    @Test func portUnreachableGivesUpTheOldestWaiting() {
        var requests = Self.requests()
        #expect(requests.markUnreachable() == nil)
        Self.send(3, to: &requests)
        #expect(Self.match(&requests, "letter-ping ab12 seq=1") == .answer(seq: 1, roundTrip: 300_000))
        #expect(requests.markUnreachable() == 2)
        #expect(Self.match(&requests, "letter-ping ab12 seq=2", seq: 2) == .late(2))
        #expect(requests.nextExpiry == Self.start + 4 * Self.second)
        #expect(requests.markUnreachable() == 3)
        #expect(requests.markUnreachable() == nil)
    }

    @Test(arguments: [
        // The kernel's receive time, 300 µs after the send by the wall clock.
        (300_000, 300_000),
        // The wall clock stepped back between the send and the receive.
        (-1_000_000_000, 500_000),
        // It stepped forward: longer than the monotonic clock saw.
        (3_600_000_000_000, 500_000),
    ])
    func theRoundTripIsTheKernelTimeUnlessTheWallClockStepped(wallAfter: Int, expected: UInt64) {
        // 500 µs went by on the monotonic clock.
        #expect(PingRequests.roundTrip(sentAt: Self.start, sentWall: Self.wallStart, receivedAt: Self.wall(wallAfter),
                                       now: Self.start + 500_000) == expected)
        var requests = Self.requests()
        Self.send(1, to: &requests)
        #expect(requests.match(Self.bytes("letter-ping ab12 seq=1"), receivedAt: Self.wall(wallAfter),
                               now: Self.start + 500_000) == .answer(seq: 1, roundTrip: expected))
    }
}
