/// Round trips counted in log-scale buckets, four to a doubling, for `--histogram`:
/// bucket 0 holds 0 µs, bucket k + 1 the round trips v with 2^(k/4) <= v < 2^((k+1)/4) µs.
/// The bucket is found exactly, in integers: 2^(k/4) <= v holds when 2^k <= v^4, so k + 1
/// is the bit length of v^4.
struct LatencyHistogram {
    /// A non-empty bucket: the whole microseconds it holds are `lower..<upper`.
    struct Bucket: Equatable, Sendable {
        var index: Int
        var lower: UInt64
        var upper: UInt64
        var count: Int
    }

    /// 0 µs, and the bit lengths 1...128 of v^4 for v below 2^32.
    static let bucketCount = 129
    private var counts = [Int](repeating: 0, count: bucketCount)

    static func index(of microseconds: UInt32) -> Int {
        let square = UInt64(microseconds) * UInt64(microseconds)
        let (high, low) = square.multipliedFullWidth(by: square)
        return high != 0 ? 128 - high.leadingZeroBitCount : 64 - low.leadingZeroBitCount
    }

    /// The smallest whole microsecond in bucket `index` (2^32 past the last one).
    static func lowerBound(of index: Int) -> UInt64 {
        var low: UInt64 = 0
        var high: UInt64 = 1 << 32
        while low < high {
            let middle = (low + high) / 2
            if Self.index(of: UInt32(middle)) >= index { high = middle } else { low = middle + 1 }
        }
        return low
    }

    mutating func add(_ microseconds: UInt32) {
        counts[Self.index(of: microseconds)] += 1
    }

    var nonEmptyBuckets: [Bucket] {
        counts.indices.filter { counts[$0] > 0 }.map {
            Bucket(index: $0, lower: Self.lowerBound(of: $0), upper: Self.lowerBound(of: $0 + 1), count: counts[$0])
        }
    }
}

/// Round trips in buckets at most 1/128 of their value wide (one per microsecond below
/// 256 µs), from which the percentiles are estimated past `LatencyRecorder.exactCapacity`
/// replies: a bucket's middle is within 0.4 % of anything in it. 26 KiB, made once.
struct FineHistogram {
    /// 256 single microseconds, then 128 buckets for each doubling from 2^8 to 2^32.
    private static let bucketCount = 256 + 24 * 128
    private var counts = [Int](repeating: 0, count: bucketCount)

    /// A histogram of `samples`.
    init(_ samples: [UInt32]) {
        for sample in samples { add(sample) }
    }

    /// Below 256 the value itself; above, its top eight bits and how far they were shifted.
    private static func index(of microseconds: UInt32) -> Int {
        guard microseconds >= 256 else { return Int(microseconds) }
        let shift = 24 - microseconds.leadingZeroBitCount
        return 256 + (shift - 1) * 128 + Int(microseconds >> shift) - 128
    }

    /// The whole microseconds bucket `index` holds.
    private static func range(of index: Int) -> ClosedRange<UInt64> {
        guard index >= 256 else { return UInt64(index)...UInt64(index) }
        let shift = UInt64((index - 256) / 128 + 1)
        let top = UInt64((index - 256) % 128 + 128)
        return top << shift...((top + 1) << shift) - 1
    }

    mutating func add(_ microseconds: UInt32) {
        counts[Self.index(of: microseconds)] += 1
    }

    /// The round trip of 1-based `rank`, as the middle of its bucket kept within `bounds`
    /// (the smallest and largest recorded).
    func estimate(rank: Int, within bounds: ClosedRange<UInt32>) -> UInt32 {
        var seen = 0
        for (index, count) in counts.enumerated() where count > 0 {
            seen += count
            if seen >= rank {
                let range = Self.range(of: index)
                let middle = (range.lowerBound + range.upperBound) / 2
                return UInt32(min(max(middle, UInt64(bounds.lowerBound)), UInt64(bounds.upperBound)))
            }
        }
        return bounds.upperBound
    }
}
