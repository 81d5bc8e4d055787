/// When each datagram of a replay is due, and waiting for it: deadlines are absolute
/// (nanoseconds on the monotonic clock, counted from the start of the pass), so a late
/// send never pushes the ones after it later and the error never accumulates.

/// How a replay is paced.
public enum ReplayPace: Equatable, Sendable {
    /// The recorded gaps, `speed` times as fast (`--speed`; 1 as recorded).
    case recorded(speed: Double)
    /// `--rate N`: N a second, the recorded times ignored.
    case rate(Double)
    /// `--fast`: as fast as the socket takes them, in batches.
    case fast
}

/// The deadlines of a replay, pass after pass.
struct ReplaySchedule {
    let pace: ReplayPace
    /// Where the current pass's deadlines count from.
    private var passStart: UInt64
    /// The first recorded time of the pass: recorded gaps count from it.
    private var firstTime: Timestamp?
    private var previousTime: Timestamp?
    private(set) var lastDeadline: UInt64
    /// Datagrams scheduled in this pass.
    private var index = 0
    /// The recorded gaps of the first pass (--loop waits one median gap between passes).
    private var gaps: LatencyRecorder?
    /// Their median, in nanoseconds, once the first pass is over.
    private var medianGap: UInt64?
    private var pass = 1

    /// `keepsGaps`: more passes will follow, so the first pass's gaps are kept.
    init(pace: ReplayPace, start: UInt64, keepsGaps: Bool) {
        self.pace = pace
        passStart = start
        lastDeadline = start
        gaps = keepsGaps ? LatencyRecorder() : nil
    }

    /// The deadline of the next datagram, recorded at `time` (nil: a record without a
    /// time, due with the one before it); nil with `--fast`. A time earlier than the one
    /// before it (records out of order) is due at once after that one.
    mutating func deadline(recorded time: Timestamp?) -> UInt64? {
        defer { index += 1 }
        switch pace {
        case .fast:
            return nil
        case .rate(let perSecond):
            // From the pass's start, not from the previous send: rounding never adds up.
            lastDeadline = passStart + UInt64(Double(index) * 1e9 / perSecond)
        case .recorded(let speed):
            guard let time else { return lastDeadline }
            if pass == 1, let previousTime, gaps != nil {
                gaps?.record(nanoseconds: UInt64(max(0, time.nanoseconds(since: previousTime))), seq: index)
            }
            previousTime = time
            let first = firstTime ?? time
            firstTime = first
            let offset = Double(time.nanoseconds(since: first)) / speed
            lastDeadline = max(lastDeadline, passStart + UInt64(max(0, offset)))
        }
        return lastDeadline
    }

    /// Starts the next pass one median recorded gap (at least 1 ms) after the last
    /// deadline of this one (at `now` with --fast, which keeps no deadlines).
    mutating func startNextPass(now: UInt64) {
        let pause: UInt64
        switch pace {
        case .fast:
            passStart = now
            lastDeadline = now
            pass += 1
            index = 0
            return
        case .rate(let perSecond):
            pause = UInt64(1e9 / perSecond)
        case .recorded(let speed):
            // Worked out once, from the first pass's gaps.
            if medianGap == nil { medianGap = gaps?.summary().map { UInt64($0.percentiles[0]) * 1000 } ?? 0 }
            gaps = nil
            pause = UInt64(Double(medianGap ?? 0) / speed)
        }
        passStart = lastDeadline + max(pause, 1_000_000)
        lastDeadline = passStart
        firstTime = nil
        previousTime = nil
        pass += 1
        index = 0
    }
}

/// The clock a replay waits on: the monotonic clock, or a test's fake one.
protocol PacingClock {
    /// Nanoseconds, monotonic.
    func now() -> UInt64
    /// Sleeps until about `deadline` (a sleep wakes up to a timer slack late), or until a
    /// signal asks letter to stop: then returns false.
    func sleep(until deadline: UInt64) throws(RuntimeError) -> Bool
    /// Whether a signal has asked letter to stop (not waiting for one).
    func signalArrived() throws(RuntimeError) -> Bool
}

/// How early a sleep ends before a deadline: what is left is spun on the clock, as a
/// sleep wakes up to the timer slack (50 µs by default) plus the scheduler's delay late.
let spinMargin: UInt64 = 200_000

/// Waits until `deadline`: sleeps until `spinMargin` before it, then reads the clock
/// until it is there. Returns false when a signal asked letter to stop.
func wait<Clock: PacingClock>(until deadline: UInt64, on clock: Clock) throws(RuntimeError) -> Bool {
    var now = clock.now()
    if deadline > now + spinMargin {
        guard try clock.sleep(until: deadline - spinMargin) else { return false }
        now = clock.now()
    }
    while now < deadline { now = clock.now() }
    return true
}

/// The monotonic clock, with SIGINT, SIGTERM and SIGHUP waking a sleep: long sleeps wait
/// on the signal descriptor (poll, to the millisecond), the last stretch in
/// `clock_nanosleep`.
struct MonotonicPacingClock: PacingClock {
    let signals: PollSet

    init(signalDescriptor: Int32) {
        signals = PollSet()
        signals.watch(signalDescriptor, -1, -1, then: [])
    }

    func now() -> UInt64 { monotonicNanoseconds() }

    func sleep(until deadline: UInt64) throws(RuntimeError) -> Bool {
        while true {
            let now = monotonicNanoseconds()
            guard deadline > now else { return true }
            let left = deadline - now
            // poll's timeout is in whole milliseconds, rounded up by the kernel: it ends a
            // millisecond early and the nanosleep below does the rest.
            if left < 2_000_000 {
                LetterCore.sleep(untilNanoseconds: deadline)
                return true
            }
            if try signalArrived(within: Int32(min(left / 1_000_000 - 1, 1_000))) { return false }
        }
    }

    func signalArrived() throws(RuntimeError) -> Bool { try signalArrived(within: 0) }

    /// Whether a stop signal is waiting, after at most `milliseconds`.
    private func signalArrived(within milliseconds: Int32) throws(RuntimeError) -> Bool {
        do { try signals.wait(timeoutMilliseconds: milliseconds) } catch { throw RuntimeError("\(error.call) failed: \(error.errno)") }
        return signals.isReady(0)
    }
}
