@testable import LetterCore
import Testing

/// ping's schedule on a fake clock: the times are plain nanosecond values.
@Suite struct PingScheduleTests {
    static let start: UInt64 = 5_000_000_000
    static let millisecond: UInt64 = 1_000_000
    static let second: UInt64 = 1_000_000_000

    static func settings(interval: Double = 1, rate: Double? = nil, count: Int? = nil, deadline: Double? = nil) -> PingSettings {
        var settings = PingSettings()
        settings.interval = interval
        settings.rate = rate
        settings.count = count
        settings.deadline = deadline
        return settings
    }

    /// Sends every request due at `now` as one wake-up of the loop does; returns when
    /// each was due.
    static func wakeUp(_ schedule: inout PingSchedule, now: UInt64, waiting: Bool = true) -> [UInt64] {
        var dues: [UInt64] = []
        while let due = schedule.due(now: now, sentThisWakeUp: dues.count) {
            schedule.recordSend(due: due, now: now, sentAt: now + 1, waiting: waiting)
            dues.append(due)
        }
        return dues
    }

    @Test func theIntervalCountsFromTheSendNotFromTheClock() {
        var schedule = PingSchedule(settings: Self.settings(interval: 1), start: Self.start)
        #expect(Self.wakeUp(&schedule, now: Self.start) == [Self.start])
        #expect(schedule.due(now: Self.start + Self.second - 1, sentThisWakeUp: 0) == nil)
        // A wake-up half a second late sends one request, and the next a whole interval on.
        let late = Self.start + Self.second * 3 / 2
        #expect(Self.wakeUp(&schedule, now: late) == [Self.start + Self.second])
        #expect(schedule.nextSend == late + Self.second)
        // Replies do not hurry -i.
        schedule.requestDone(now: late + 1)
        #expect(schedule.nextSend == late + Self.second)
    }

    @Test func rateCatchesUpOnItsDeadlinesAtMost64AtATime() {
        var schedule = PingSchedule(settings: Self.settings(rate: 1000), start: Self.start)
        // Woken 100 ms late: 101 requests are due, the first 64 go now and the rest at
        // the next wake-up, each on its own millisecond, whatever the replies.
        let now = Self.start + 100 * Self.millisecond
        let first = Self.wakeUp(&schedule, now: now)
        #expect(first == (0..<64).map { Self.start + UInt64($0) * Self.millisecond })
        schedule.requestDone(now: now)
        let second = Self.wakeUp(&schedule, now: now)
        #expect(second == (64...100).map { Self.start + UInt64($0) * Self.millisecond })
        #expect(schedule.nextSend == Self.start + 101 * Self.millisecond)
        #expect(schedule.sent == 101)
    }

    @Test func intervalZeroSendsTheNextWhenThisOneIsDone() {
        var schedule = PingSchedule(settings: Self.settings(interval: 0), start: Self.start)
        #expect(Self.wakeUp(&schedule, now: Self.start) == [Self.start])
        // Waiting for its reply: nothing is due, however late.
        #expect(schedule.nextSend == nil)
        #expect(schedule.due(now: Self.start + 100 * Self.second, sentThisWakeUp: 0) == nil)
        let answered = Self.start + 3 * Self.millisecond
        schedule.requestDone(now: answered)
        #expect(schedule.due(now: answered, sentThisWakeUp: 0) == answered)
        // A failed send waits for nothing: the next goes after it.
        #expect(Self.wakeUp(&schedule, now: answered, waiting: false) == [answered])
        #expect(schedule.nextSend == answered + 1)
    }

    @Test func countEndsPingOnceAllWentAndNoneWaits() {
        var schedule = PingSchedule(settings: Self.settings(interval: 0.5, count: 3), start: Self.start)
        for step in 0..<3 {
            let now = Self.start + UInt64(step) * Self.second / 2
            #expect(!schedule.isDone(now: now, replies: step, waiting: false))
            #expect(Self.wakeUp(&schedule, now: now).count == 1)
        }
        #expect(schedule.nextSend == nil)
        #expect(!schedule.isDone(now: Self.start + 10 * Self.second, replies: 2, waiting: true))
        #expect(schedule.isDone(now: Self.start + 10 * Self.second, replies: 2, waiting: false))
        // -i 0's rule sends nothing past -c.
        var fast = PingSchedule(settings: Self.settings(interval: 0, count: 1), start: Self.start)
        _ = Self.wakeUp(&fast, now: Self.start)
        fast.requestDone(now: Self.start + 1)
        #expect(fast.nextSend == nil)
    }

    @Test func countWithADeadlineCountsReplies() {
        var schedule = PingSchedule(settings: Self.settings(interval: 0.5, count: 2, deadline: 60), start: Self.start)
        for step in 0..<3 {
            #expect(Self.wakeUp(&schedule, now: Self.start + UInt64(step) * Self.second / 2).count == 1)
        }
        // Three requests went and more will: -c 2 -w counts two replies, not two requests.
        #expect(schedule.nextSend == Self.start + 3 * Self.second / 2)
        #expect(!schedule.isDone(now: Self.start + 2 * Self.second, replies: 1, waiting: false))
        #expect(schedule.isDone(now: Self.start + 2 * Self.second, replies: 2, waiting: true))
    }

    @Test func theDeadlineCountsFromTheFirstRequest() {
        var schedule = PingSchedule(settings: Self.settings(deadline: 2.5), start: Self.start)
        #expect(schedule.end == nil)
        #expect(!schedule.isDone(now: Self.start + 100 * Self.second, replies: 0, waiting: false))
        let firstAt = Self.start + 7 * Self.millisecond
        #expect(Self.wakeUp(&schedule, now: firstAt) == [Self.start])
        #expect(schedule.firstSendAt == firstAt + 1)
        let end = firstAt + 1 + Self.second * 5 / 2
        #expect(schedule.end == end)
        #expect(!schedule.isDone(now: end - 1, replies: 0, waiting: true))
        #expect(schedule.isDone(now: end, replies: 0, waiting: true))
    }
}
