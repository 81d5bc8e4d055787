/// The round trips of a ping run, recorded as replies are matched (in order of arrival),
/// and the figures the summary reports of them: iputils' min/avg/max/mdev, percentiles by
/// nearest rank, RFC 3550 jitter, a log-scale histogram and the count of reordered replies.
///
/// Memory: 4 bytes a reply (microseconds as `UInt32`) for the first `exactCapacity`
/// replies, in an array that grows geometrically and never past that capacity; beyond it
/// only fixed-size histograms grow their counts, and the percentiles are estimated from a
/// fine one (within 1 %) and flagged as such. Nothing else is allocated per reply.
struct LatencyRecorder {
    /// Replies whose round trips are kept exactly: 16 Mi, 64 MiB of samples.
    static let exactCapacity = 16 * 1024 * 1024

    /// Round trips in microseconds, up to `capacity` of them (in order of arrival until
    /// `summary()` sorts them).
    private(set) var samples: [UInt32] = []
    private let capacity: Int
    /// Every reply in fine buckets, made from the samples when a reply comes that they
    /// have no room for.
    private var fine: FineHistogram?
    /// The histogram the summary shows, over every reply.
    private var histogram = LatencyHistogram()
    /// Replies recorded.
    private(set) var count = 0
    private var minimum = UInt32.max
    private var maximum: UInt32 = 0
    /// iputils' `tsum` and `tsum2`: sums of microseconds and of their squares, in doubles.
    private var sum = 0.0
    private var sumOfSquares = 0.0
    /// RFC 3550's running estimate, in microseconds; `previous` is the last round trip.
    private var jitter = 0.0
    private var previous: UInt32 = 0
    private var highestSeq = Int.min
    /// Replies that came after the reply to a later request.
    private(set) var reordered = 0

    /// `expected`: how many replies may come (ping's `-c N`), room for which is reserved at
    /// once, so that growing never copies the samples (a copy would hold both arrays for a
    /// moment): pages not yet written cost no memory, and each reply then costs 4 bytes.
    init(expected: Int? = nil) { self.init(exactCapacity: Self.exactCapacity, expected: expected) }

    /// A recorder that keeps `exactCapacity` round trips exactly (tests make it small).
    init(exactCapacity: Int, expected: Int? = nil) {
        capacity = exactCapacity
        samples.reserveCapacity(min(capacity, max(1024, expected ?? 0)))
    }

    /// Microseconds to the nearest, as the summary and the reply lines show a round trip;
    /// past `UInt32.max` (71 minutes) it saturates.
    static func microseconds(fromNanoseconds nanoseconds: UInt64) -> UInt32 {
        let (sum, overflow) = nanoseconds.addingReportingOverflow(500)
        let micro = (overflow ? UInt64.max : sum) / 1000
        return micro > UInt64(UInt32.max) ? UInt32.max : UInt32(micro)
    }

    /// Records the round trip of the reply that answered `seq`, as it arrives.
    mutating func record(nanoseconds: UInt64, seq: Int) {
        let micro = Self.microseconds(fromNanoseconds: nanoseconds)
        if count > 0 {
            let difference = micro > previous ? micro - previous : previous - micro
            jitter += (Double(difference) - jitter) / 16
        }
        previous = micro
        if seq < highestSeq { reordered += 1 } else { highestSeq = seq }
        minimum = min(minimum, micro)
        maximum = max(maximum, micro)
        sum += Double(micro)
        sumOfSquares += Double(UInt64(micro) * UInt64(micro))
        histogram.add(micro)
        if count < capacity {
            // Grown by hand, so that the reserve doubles but never passes the capacity.
            if samples.count == samples.capacity {
                samples.reserveCapacity(min(capacity, max(16, samples.capacity * 2)))
            }
            samples.append(micro)
        } else {
            if fine == nil { fine = FineHistogram(samples) }
            fine?.add(micro)
        }
        count += 1
    }

    /// The figures of every reply recorded, or nil when none was. Sorts the kept round
    /// trips in place (their order of arrival has served already): call it at the end.
    mutating func summary() -> LatencySummary? {
        guard count > 0 else { return nil }
        let total = Double(count)
        // iputils' finish(): the average and the variance truncated to whole microseconds,
        // the variance in an order that keeps small round trips exact while the sum fits
        // an int. Its `tmavg * tmavg` is a C long product; as doubles it rounds the same
        // where that fits and cannot overflow where it would not.
        let average = Self.truncated(sum / total)
        let variance = sum < Double(Int32.max)
            ? Self.truncated((sumOfSquares - (sum * sum) / total) / total)
            : Self.truncated(sumOfSquares / total - Double(average) * Double(average))
        let percentiles: [UInt32]
        if let fine {
            percentiles = LatencySummary.perMille.map {
                fine.estimate(rank: LatencySummary.rank(perMille: $0, of: count), within: minimum...maximum)
            }
        } else {
            heapSort(&samples)
            percentiles = LatencySummary.perMille.map { samples[LatencySummary.rank(perMille: $0, of: count) - 1] }
        }
        return LatencySummary(count: count, minimum: UInt64(minimum), average: UInt64(average), maximum: UInt64(maximum),
                              deviation: UInt64(Self.integerSquareRoot(variance)), percentiles: percentiles,
                              percentilesExact: fine == nil, jitter: jitter, reordered: reordered,
                              buckets: histogram.nonEmptyBuckets)
    }

    /// Sorts in place with no memory of its own (heapsort): the standard library's sort
    /// borrows a buffer of up to half the elements, which put ping's peak at 5.75 bytes a
    /// reply (a million replies) while the summary was made.
    private func heapSort(_ values: inout [UInt32]) {
        /// Moves `values[root]` down until it is no smaller than its children below `end`.
        func siftDown(_ root: Int, _ end: Int) {
            var parent = root
            while true {
                var child = 2 * parent + 1
                if child >= end { return }
                if child + 1 < end && values[child] < values[child + 1] { child += 1 }
                if values[parent] >= values[child] { return }
                values.swapAt(parent, child)
                parent = child
            }
        }
        guard values.count > 1 else { return }
        for root in stride(from: values.count / 2 - 1, through: 0, by: -1) { siftDown(root, values.count) }
        for end in stride(from: values.count - 1, to: 0, by: -1) {
            values.swapAt(0, end)
            siftDown(0, end)
        }
    }

    /// A C cast of a double to a 64-bit integer (toward zero), but never below 0 and never
    /// a trap: iputils prints nonsense for a negative variance, we print 0.
    private static func truncated(_ value: Double) -> Int64 {
        guard value >= 1 else { return 0 }
        return value < 0x1p63 ? Int64(value) : Int64.max
    }

    /// iputils' `llsqrt`: Newton's method from above, returning the last step taken, which
    /// is the floor of the root except for k * k - 1, where it is k (llsqrt(8) is 3).
    private static func integerSquareRoot(_ value: Int64) -> Int64 {
        var root = value
        var previous = Int64.max
        while root > 0 && root < previous {
            previous = root
            // Summed unsigned: root + value / root passes Int64.max when value is near it.
            root = Int64((UInt64(root) + UInt64(value / root)) / 2)
        }
        return root
    }
}

/// What `LatencyRecorder.summary()` reports, in microseconds.
struct LatencySummary: Equatable, Sendable {
    /// The percentiles shown, in thousandths: p50, p90, p99, p99.9.
    static let perMille = [500, 900, 990, 999]

    /// The nearest rank of a percentile: ceil(p/100 * n), 1-based, in integers (a double's
    /// 0.999 * n can land just above a whole rank).
    static func rank(perMille: Int, of count: Int) -> Int {
        let (quotient, remainder) = 1000.dividingFullWidth(perMille.multipliedFullWidth(by: count))
        return remainder > 0 ? quotient + 1 : quotient
    }

    var count: Int
    /// iputils' min/avg/max/mdev.
    var minimum: UInt64
    var average: UInt64
    var maximum: UInt64
    var deviation: UInt64
    /// p50, p90, p99, p99.9 (as `perMille`).
    var percentiles: [UInt32]
    /// False past `LatencyRecorder.exactCapacity` replies: then estimated, within 1 %.
    var percentilesExact: Bool
    /// RFC 3550's estimate, in microseconds (not rounded).
    var jitter: Double
    var reordered: Int
    /// The histogram's non-empty buckets, from the fastest.
    var buckets: [LatencyHistogram.Bucket]

    /// The jitter to the nearest microsecond, as the summary prints it.
    var jitterMicroseconds: UInt64 { UInt64(jitter.rounded()) }
}
