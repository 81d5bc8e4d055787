import Testing
@testable import LetterCore

/// ping's schedule and matcher on a fake clock: times are nanoseconds the test chooses.
@Suite struct PingScheduleTests {
    let second: UInt64 = 1_000_000_000
    let wall = Timestamp(seconds: 1_000, nanoseconds: 0)

    /// Records the send the schedule says is due at `now`; returns its seq.
    func send(_ schedule: inout PingSchedule, at now: UInt64, lost: (Int) -> Void = { _ in }) -> Int {
        #expect(schedule.isSendDue(now: now))
        return schedule.recordSend(now: now, sentAt: now, sentWall: wall, lost: lost)
    }

    @Test func requestsGoEveryIntervalAndTimeOutInOrder() {
        var schedule = PingSchedule(count: 3, interval: second, timeout: 2 * second, start: 0)
        #expect(schedule.nextDeadline == 0)
        #expect(send(&schedule, at: 0) == 1)
        // The next send (1 s) comes before the first request's timeout (2 s).
        #expect(schedule.nextDeadline == second)
        #expect(!schedule.isSendDue(now: second - 1))
        #expect(send(&schedule, at: second) == 2)
        var lost: [Int] = []
        schedule.expire(now: 2 * second - 1) { lost.append($0) }
        #expect(lost == [])
        #expect(send(&schedule, at: 2 * second) == 3)
        schedule.expire(now: 2 * second) { lost.append($0) }
        #expect(lost == [1])
        // -c 3: nothing more to send; seq 2 times out at 3 s, seq 3 at 4 s.
        #expect(!schedule.isSendDue(now: 10 * second))
        #expect(schedule.nextDeadline == 3 * second)
        schedule.expire(now: 4 * second) { lost.append($0) }
        #expect(lost == [1, 2, 3])
        #expect(schedule.isDone && schedule.nextDeadline == 0)
    }

    @Test func answersAndUnreachableEndRequestsAndIntervalZeroSendsTheNextAtOnce() {
        var schedule = PingSchedule(count: 3, interval: 0, timeout: second, start: 5)
        #expect(send(&schedule, at: 5) == 1)
        // -i 0: the next request waits for this one's end.
        #expect(!schedule.isSendDue(now: 6) && schedule.nextDeadline == 5 + second)
        let request = schedule.answer(1, now: 7)
        #expect(request.seq == 1 && request.sentAt == 5)
        #expect(schedule.state(of: 1) == .answered && schedule.isSendDue(now: 7))
        #expect(send(&schedule, at: 7) == 2)
        #expect(schedule.loseOldestWaiting(now: 8) == 2)
        #expect(schedule.state(of: 2) == .lost && schedule.isSendDue(now: 8))
        #expect(schedule.loseOldestWaiting(now: 8) == nil)
        #expect(send(&schedule, at: 8) == 3)
        #expect(!schedule.isDone)
        _ = schedule.answer(3, now: 9)
        #expect(schedule.isDone && !schedule.isSendDue(now: 9))
    }

    /// More requests waiting than the ring holds: the one a new request displaces is lost,
    /// never overwritten unsaid.
    @Test func aFullRingGivesUpOnTheOldestRequest() {
        var schedule = PingSchedule(count: nil, interval: 1, timeout: 1_000 * second, start: 0)
        var lost: [Int] = []
        var now: UInt64 = 0
        for _ in 0..<(1 << 16) {
            _ = send(&schedule, at: now) { lost.append($0) }
            now += 1
        }
        #expect(lost == [])
        #expect(send(&schedule, at: now) { lost.append($0) } == (1 << 16) + 1)
        #expect(lost == [1])
        #expect(schedule.state(of: 1) == nil && schedule.state(of: 2) == .waiting)
        #expect(schedule.oldestWaitingRequest == 2)
    }

    @Test func numberedRepliesAnswerTheRequestTheyName() {
        var schedule = PingSchedule(count: nil, interval: second, timeout: second, start: 0)
        let payload = PingPayload.numbered(id: "beef")
        var request: [UInt8] = []
        payload.append(seq: 1, to: &request)
        #expect(request == Array("letter-ping beef seq=1".utf8))
        _ = send(&schedule, at: 0)
        _ = send(&schedule, at: second)
        func reply(_ text: String) -> PingMatch { payload.match(Array(text.utf8)[...], in: schedule) }
        #expect(reply("letter-ping beef seq=2") == .answer(2))
        _ = schedule.answer(2, now: second + 1)
        #expect(reply("letter-ping beef seq=2") == .duplicate(2))
        #expect(reply("letter-ping beef seq=1") == .answer(1))
        schedule.expire(now: second) { _ in }
        #expect(reply("letter-ping beef seq=1") == .late(1))
        // Another run's ID, a seq never sent, or anything else: the oldest waiting request,
        // and none is left.
        #expect(reply("letter-ping cafe seq=1") == .unmatched)
        #expect(reply("letter-ping beef seq=9") == .unmatched)
        _ = send(&schedule, at: 2 * second)
        #expect(reply("hi") == .answer(3))
        #expect(PingPayload.sequenceNumber(in: Array("letter-ping beef seq=12x".utf8)[...], id: "beef") == nil)
        #expect(PingPayload.sequenceNumber(in: Array("letter-ping beef seq=".utf8)[...], id: "beef") == nil)
    }

    @Test func fixedRepliesAnswerTheOldestWaitingRequest() {
        var schedule = PingSchedule(count: nil, interval: second, timeout: 10 * second, start: 0)
        let payload = PingPayload.fixed([0xDE, 0xAD])
        #expect(payload.match([0xDE, 0xAD][...], in: schedule) == .unmatched)
        _ = send(&schedule, at: 0)
        _ = send(&schedule, at: second)
        #expect(payload.match([0xDE, 0xAD][...], in: schedule) == .answer(1))
        _ = schedule.answer(1, now: second)
        #expect(payload.match([0x00][...], in: schedule) == .answer(2))
    }

    /// The kernel's receive time against the wall clock before the send; the monotonic
    /// clock when the wall clock stepped (a negative or too long wall interval).
    @Test func roundTripsPreferTheWallClockUnlessItStepped() {
        let request = PingSchedule.Request(seq: 1, state: .waiting, sentAt: 1_000, sentWall: wall)
        let received = Timestamp(seconds: 1_000, nanoseconds: 250_000)
        #expect(request.roundTrip(receivedAt: received, now: 1_000 + 400_000) == 0.25)
        #expect(request.roundTrip(receivedAt: received, now: 1_000 + 100_000) == 0.1)
        #expect(request.roundTrip(receivedAt: Timestamp(seconds: 999, nanoseconds: 0), now: 1_000 + 300_000) == 0.3)
    }
}
