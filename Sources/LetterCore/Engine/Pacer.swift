/// `--rate N` and `-i SEC`: when each datagram may leave. Datagram k's deadline is the
/// first one's plus k intervals — absolute deadlines, so the time a sleep overshoots is
/// made up by the next deadline instead of adding up. When the interval is shorter than
/// a sleep can resolve, datagrams leave in batches that span at least `granularity`
/// (one wake and one sendmmsg for the lot). For `--rate`, a wake-up that a busy
/// machine's scheduler delayed (milliseconds) is made up by the next batches; a longer
/// pause (the input's, or a stalled peer's) is not: after it the pace starts again, no
/// burst. `-i` promises a pause between datagrams, so it makes up only what a sleep
/// overshoots.
/// Pure arithmetic over a clock's readings (monotonic nanoseconds), so it is tested
/// with a fake clock.
/// How `send` paces its datagrams.
public enum Pace: Equatable, Sendable {
    /// `-i SEC`: SEC seconds between datagrams.
    case interval(Double)
    /// `--rate N`: N datagrams a second.
    case rate(Double)
}

struct Pacer {
    /// Nanoseconds between datagrams.
    let interval: UInt64
    /// Lateness made up for: `catchUpWindow` for a rate, `granularity` for an interval.
    private let window: UInt64
    /// How many datagrams leave together: enough to span `granularity`, at most `capacity`.
    let batchSize: Int
    /// The deadline of the next datagram; nil before the first.
    private var next: UInt64?

    /// The shortest wait worth a sleep: clock_nanosleep wakes some 50–100 µs late
    /// (timer slack and scheduling), so waits shorter than this are batched instead.
    static let granularity: UInt64 = 1_000_000

    /// The most lateness `--rate` makes up for: a few scheduler time slices (a trial on a
    /// loaded machine lost 3–6 % of the rate when lateness over `granularity` was dropped).
    /// Beyond it the input paused or the peer stalled. At 100,000/s it is a burst of at
    /// most 500 datagrams, in batches, as a receiver's buffer takes them.
    static let catchUpWindow: UInt64 = 5_000_000

    /// --rate (0.001 to 1e7 a second) and -i (at most 1e6 s) keep the interval within UInt64.
    init(_ pace: Pace, capacity: Int) {
        switch pace {
        case .interval(let seconds):
            interval = UInt64(seconds * 1e9)
            window = Self.granularity
        case .rate(let perSecond):
            interval = UInt64(1e9 / perSecond)
            window = Self.catchUpWindow
        }
        let perWake = interval == 0 ? capacity : Int((Self.granularity + interval - 1) / interval)
        batchSize = max(1, min(capacity, perWake))
    }

    /// When a batch of `count` datagrams may leave, the clock reading `now`: the deadline
    /// of its last datagram (now or earlier: at once).
    func deadline(forBatchOf count: Int, now: UInt64) -> UInt64 {
        guard let next else { return now }
        return next + UInt64(max(count - 1, 0)) * interval
    }

    /// Notes that `count` datagrams left at `now`. The next deadline follows the last
    /// one's; when the last left more than `window` after its deadline (input that paused,
    /// a slow peer), the pace starts again from now: no backlog sent at once.
    mutating func sent(_ count: Int, at now: UInt64) {
        let planned = (next ?? now) + UInt64(count) * interval
        let lastDeadline = planned - interval
        next = now > lastDeadline + window ? now + interval - Self.granularity : planned
    }
}
