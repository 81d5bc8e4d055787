import Testing
@testable import LetterCore

/// One row of Fixtures/ping/latency.tsv: round trips and what Python computed of them.
struct LatencyCase {
    let name: String
    let rtts: [UInt32]
    let seqs: [Int]
    let minimum, average, maximum, deviation: UInt64
    let percentiles: [UInt32]
    let jitter: Double
    let jitterMicroseconds: UInt64
    let reordered: Int
    let buckets: [LatencyHistogram.Bucket]
    let roundTripLine: String
    let percentileLine: String

    static let all: [LatencyCase] = OracleFixtures.rows("latency.tsv", in: "ping").map(LatencyCase.init)

    // The fixture holds only numbers of these shapes (Python wrote them).
    init(_ row: [String]) {
        func numbers<T: FixedWidthInteger>(_ field: String) -> [T] { field.split(separator: ",").map { T($0)! } }
        name = row[0]
        rtts = numbers(row[1])
        seqs = numbers(row[2])
        (minimum, average, maximum, deviation) = (UInt64(row[3])!, UInt64(row[4])!, UInt64(row[5])!, UInt64(row[6])!)
        percentiles = numbers(row[7])
        jitter = Double(row[8])!
        jitterMicroseconds = UInt64(row[9])!
        reordered = Int(row[10])!
        buckets = row[11].split(separator: ",").map {
            let parts = $0.split(separator: ":").map { Int($0)! }
            return LatencyHistogram.Bucket(index: parts[0], lower: UInt64(parts[1]), upper: UInt64(parts[2]), count: parts[3])
        }
        roundTripLine = row[12]
        percentileLine = row[13]
    }

    /// A recorder fed these round trips as nanoseconds that round to them, spread over
    /// the half-microsecond either side.
    func recorder(exactCapacity: Int = LatencyRecorder.exactCapacity) -> LatencyRecorder {
        var recorder = LatencyRecorder(exactCapacity: exactCapacity)
        for (index, (micro, seq)) in zip(rtts, seqs).enumerated() {
            recorder.record(nanoseconds: Self.nanoseconds(roundingTo: micro, spread: index), seq: seq)
        }
        return recorder
    }

    /// What such a recorder reports.
    func summary(exactCapacity: Int = LatencyRecorder.exactCapacity) -> LatencySummary? {
        var recorder = recorder(exactCapacity: exactCapacity)
        return recorder.summary()
    }

    static func nanoseconds(roundingTo micro: UInt32, spread: Int) -> UInt64 {
        let offset = Int64(spread * 137 % 1000) - 500  // -500...499
        return UInt64(max(0, Int64(micro) * 1000 + offset))
    }
}

struct LatencyRecorderTests {
    @Test func everyFigureIsWhatPythonComputed() throws {
        for test in LatencyCase.all {
            let summary = try #require(test.summary(), "\(test.name)")
            #expect(summary.count == test.rtts.count, "\(test.name)")
            #expect([summary.minimum, summary.average, summary.maximum, summary.deviation]
                == [test.minimum, test.average, test.maximum, test.deviation], "\(test.name): iputils' min/avg/max/mdev")
            #expect(summary.percentiles == test.percentiles, "\(test.name): nearest ranks")
            #expect(summary.percentilesExact, "\(test.name)")
            #expect(summary.jitter == test.jitter, "\(test.name): RFC 3550 jitter")
            #expect(summary.jitterMicroseconds == test.jitterMicroseconds, "\(test.name)")
            #expect(summary.reordered == test.reordered, "\(test.name): reordered")
            #expect(summary.buckets == test.buckets, "\(test.name): histogram")
            #expect(summary.buckets.map(\.count).reduce(0, +) == test.rtts.count, "\(test.name): counts add up")
        }
    }

    /// Past the exact capacity the percentiles come from the fine histogram: within 1 % of
    /// the exact ones, and flagged; everything else stays exact.
    @Test func pastTheCapacityPercentilesAreEstimatedWithinOnePercent() throws {
        for test in LatencyCase.all where test.rtts.count >= 10 {
            let summary = try #require(test.summary(exactCapacity: test.rtts.count / 3))
            #expect(!summary.percentilesExact, "\(test.name)")
            for (estimate, exact) in zip(summary.percentiles, test.percentiles) {
                let error = estimate > exact ? estimate - exact : exact - estimate
                #expect(UInt64(error) * 100 <= UInt64(exact), "\(test.name): \(estimate) for \(exact)")
                if exact < 256 { #expect(estimate == exact, "\(test.name): one bucket a microsecond below 256") }
            }
            #expect([summary.minimum, summary.average, summary.maximum, summary.deviation]
                == [test.minimum, test.average, test.maximum, test.deviation], "\(test.name)")
            #expect(summary.jitter == test.jitter && summary.reordered == test.reordered, "\(test.name)")
            #expect(summary.buckets == test.buckets, "\(test.name)")
        }
    }

    /// 4 bytes a reply, in a reserve that at most doubles and never passes the capacity.
    @Test func keepsFourBytesAReplyUpToTheCapacity() {
        let capacity = 5000
        var recorder = LatencyRecorder(exactCapacity: capacity)
        let slack = 64 / MemoryLayout<UInt32>.stride  // what malloc may round an allocation up by
        for count in 1...3 * capacity {
            recorder.record(nanoseconds: UInt64(count % 977) * 1000, seq: count)
            if count.isMultiple(of: 500) {
                #expect(recorder.samples.count == min(count, capacity))
                #expect(recorder.samples.capacity <= min(max(2 * count, 1024), capacity) + slack, "after \(count)")
            }
        }
        #expect(MemoryLayout<UInt32>.stride == 4)
    }

    /// 16 Mi replies kept exactly, the next ones only counted in the histograms.
    @Test func theExactCapacityIsSixteenMebireplies() {
        #expect(LatencyRecorder.exactCapacity == 16 * 1024 * 1024)
        var recorder = LatencyRecorder()
        for count in 1...LatencyRecorder.exactCapacity + 1000 {
            recorder.record(nanoseconds: UInt64(count % 1000 + 100) * 1000, seq: count)
        }
        #expect(recorder.samples.count == LatencyRecorder.exactCapacity)
        let summary = recorder.summary()
        #expect(summary?.count == LatencyRecorder.exactCapacity + 1000 && summary?.percentilesExact == false)
        var empty = LatencyRecorder()
        #expect(empty.summary() == nil, "no reply, no figures")
    }

    /// To the nearest microsecond, half up, saturating at UInt32.max (71 minutes).
    @Test func nanosecondsRoundToTheNearestMicrosecond() {
        let limit = UInt64(UInt32.max)
        let cases: [(UInt64, UInt64)] = [(0, 0), (499, 0), (500, 1), (1499, 1), (1500, 2), (215_499, 215),
                                         (limit * 1000 + 499, limit), (limit * 1000 + 500, limit), (UInt64.max, limit)]
        for (nanoseconds, micro) in cases {
            #expect(UInt64(LatencyRecorder.microseconds(fromNanoseconds: nanoseconds)) == micro, "\(nanoseconds)")
        }
    }
}
