@testable import LetterCore
import Testing

private func at(_ milliseconds: Int) -> Timestamp {
    Timestamp(seconds: 1_000 + milliseconds / 1000, nanoseconds: milliseconds % 1000 * 1_000_000)
}

@Suite struct ReplayPacingTests {
    static let start: UInt64 = 5_000_000_000
    /// Recorded 100, 300, 50 and 200 ms apart.
    static let recorded = [0, 100, 400, 450, 650].map(at)

    @Test(arguments: [(1.0, [0, 100, 400, 450, 650]), (2.0, [0, 50, 200, 225, 325]), (0.5, [0, 200, 800, 900, 1300])])
    func recordedGapsScaledBySpeed(speed: Double, expected: [Int]) {
        var schedule = ReplaySchedule(pace: .recorded(speed: speed), start: Self.start, keepsGaps: false)
        let deadlines = Self.recorded.map { schedule.deadline(recorded: $0)! - Self.start }
        #expect(deadlines == expected.map { UInt64($0) * 1_000_000 })
    }

    @Test func rateIgnoresTimesAndNeverAccumulatesRounding() {
        var schedule = ReplaySchedule(pace: .rate(3), start: Self.start, keepsGaps: false)
        let deadlines = (0..<3001).map { _ in schedule.deadline(recorded: at(0))! - Self.start }
        // 1/3 s does not divide into nanoseconds; the 3000th is still exactly 1000 s on.
        #expect(deadlines[1] == 333_333_333 && deadlines[3000] == 1_000_000_000_000)
    }

    @Test func fastHasNoDeadlines() {
        var schedule = ReplaySchedule(pace: .fast, start: Self.start, keepsGaps: true)
        #expect(Self.recorded.allSatisfy { schedule.deadline(recorded: $0) == nil })
    }

    @Test func outOfOrderAndUntimedRecordsGoRightAfterTheOneBefore() {
        var schedule = ReplaySchedule(pace: .recorded(speed: 1), start: Self.start, keepsGaps: false)
        let deadlines = [at(0), at(300), at(100), nil, at(500)].map { schedule.deadline(recorded: $0)! - Self.start }
        #expect(deadlines == [0, 300, 300, 300, 500].map { UInt64($0) * 1_000_000 })
    }

    @Test func nextPassStartsOneMedianGapAfterTheLastDeadline() {
        var schedule = ReplaySchedule(pace: .recorded(speed: 1), start: Self.start, keepsGaps: true)
        for time in Self.recorded { _ = schedule.deadline(recorded: time) }
        schedule.startNextPass(now: Self.start)
        // Gaps 100, 300, 50, 200: the median (nearest rank) is 100 ms.
        let second = Self.recorded.map { schedule.deadline(recorded: $0)! - Self.start }
        #expect(second == [750, 850, 1150, 1200, 1400].map { UInt64($0) * 1_000_000 })
        schedule.startNextPass(now: Self.start)
        #expect(schedule.deadline(recorded: Self.recorded[0])! - Self.start == 1_500_000_000)
    }

    @Test func aPassAfterOneDatagramWaitsAtLeastAMillisecond() {
        var schedule = ReplaySchedule(pace: .recorded(speed: 1), start: Self.start, keepsGaps: true)
        _ = schedule.deadline(recorded: at(0))
        schedule.startNextPass(now: Self.start)
        #expect(schedule.deadline(recorded: at(0))! - Self.start == 1_000_000)
    }

    @Test func waitSleepsThenSpinsToTheDeadlineDespiteTheTimerSlack() throws {
        let clock = FakeClock(at: Self.start)
        let deadline = Self.start + 10_000_000
        #expect(try wait(until: deadline, on: clock))
        #expect(clock.sleeps == [deadline - spinMargin])
        #expect(clock.time >= deadline && clock.time < deadline + 10)
    }

    @Test func aGapBelowWhatASleepResolvesIsSpunNotSlept() throws {
        let clock = FakeClock(at: Self.start)
        #expect(try wait(until: Self.start + 150_000, on: clock))
        #expect(clock.sleeps.isEmpty && clock.time >= Self.start + 150_000 && clock.time < Self.start + 150_010)
    }

    @Test func aSignalDuringTheSleepEndsTheWait() throws {
        let clock = FakeClock(at: Self.start)
        clock.stopAfterSleeps = 0
        #expect(try !wait(until: Self.start + 10_000_000, on: clock))
    }

    @Test(arguments: [(0, "0 bytes"), (1023, "1023 bytes"), (1536, "1.5 KiB"), (20 << 20, "20.0 MiB"), (3 << 30, "3.0 GiB")])
    func progressSizes(bytes: Int, text: String) {
        #expect(formatByteSize(bytes) == text)
    }
}
