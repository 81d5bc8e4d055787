/// `--rate N` and `-i SEC`: when each datagram may leave. Datagram k's deadline is the
/// first one's plus k intervals — absolute deadlines, so the time a sleep overshoots is
/// made up by the next deadline instead of adding up. When the interval is shorter than
/// a sleep can resolve, datagrams leave in batches that span at least `granularity`
/// (one wake and one sendmmsg for the lot). A pause in the input is not made up for:
/// after it the pace starts again, no burst.
/// Pure arithmetic over a clock's readings (monotonic nanoseconds), so it is tested
/// with a fake clock.
struct Pacer {
    /// Nanoseconds between datagrams.
    let interval: UInt64
    /// How many datagrams leave together: enough to span `granularity`, at most `capacity`.
    let batchSize: Int
    /// The deadline of the next datagram; nil before the first.
    private var next: UInt64?

    /// The shortest wait worth a sleep: clock_nanosleep wakes some 50–100 µs late
    /// (timer slack and scheduling), so waits shorter than this are batched instead.
    static let granularity: UInt64 = 1_000_000

    init(interval: UInt64, capacity: Int) {
        self.interval = interval
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
    /// one's; when the last left more than `granularity` after its deadline (input that
    /// paused, a slow peer), the pace starts again from now: no backlog sent at once.
    mutating func sent(_ count: Int, at now: UInt64) {
        let planned = (next ?? now) + UInt64(count) * interval
        let lastDeadline = planned - interval
        next = now > lastDeadline + Self.granularity ? now + interval - Self.granularity : planned
    }
}
