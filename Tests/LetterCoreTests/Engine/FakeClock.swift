@testable import LetterCore

/// A clock that moves only when read (a nanosecond a read, as a real clock between two
/// reads) or slept on, and wakes `overshoot` late from every sleep, as a timer slack does.
/// Shared by the pacing tests and the replay tests, which check its sleeps.
final class FakeClock: PacingClock {
    var time: UInt64
    let overshoot: UInt64
    var sleeps: [UInt64] = []
    var stopAfterSleeps = Int.max
    /// Whether a stop signal is waiting, as `signalArrived` reports it.
    var signalled = false

    init(at time: UInt64, overshoot: UInt64 = 60_000) {
        self.time = time
        self.overshoot = overshoot
    }

    func now() -> UInt64 {
        time += 1
        return time
    }

    func sleep(until deadline: UInt64) throws(RuntimeError) -> Bool {
        sleeps.append(deadline)
        if sleeps.count > stopAfterSleeps { return false }
        time = max(time, deadline + overshoot)
        return true
    }

    func signalArrived() throws(RuntimeError) -> Bool { signalled }
}
