import Testing
@testable import LetterCore

/// `letter ping`'s summary (LetterCore's PingSummaryText and LatencyRecorder, before any
/// command uses them) against the live oracles: iputils ping itself, and Python's
/// json.loads with Python's own arithmetic (Fixtures/ping/check_json.py).
struct PingSummaryOracleTests {
    /// ping's own round trips fed to letter's recorder and formatter give ping's summary
    /// byte for byte, from the blank line on, and each reply's ` time=... ms`.
    @Test func summaryIsIputilsPingsWordForWord() throws {
        guard let ping = requirePeer("ping", package: "iputils-ping") else { return }
        // ping prints a round trip to the microsecond only below 1 ms: three tries at that.
        for _ in 1...3 {
            let child = try run(ping, ["-c", "3", "-i", "0.2", "127.0.0.1"], seconds: 10)
            try #require(child.status == 0, "ping failed: \(child.stderrText)")
            let output = child.stdoutText
            let replies = output.split(separator: "\n").filter { $0.contains(" bytes from 127.0.0.1: ") }
            let times = replies.compactMap { $0.split(separator: " time=").last?.split(separator: " ").first }
            try #require(replies.count == 3 && times.count == 3, "\(output)")
            let parts = times.map { $0.split(separator: ".") }
            guard parts.allSatisfy({ $0.count == 2 && $0[1].count == 3 }) else { continue }
            let microseconds = try parts.map { try #require(UInt64($0[0] + $0[1])) }

            var recorder = LatencyRecorder()
            for (index, micro) in microseconds.enumerated() {
                recorder.record(nanoseconds: micro * 1000, seq: index + 1)
                var time: [UInt8] = []
                PingSummaryText.appendSeqAndTime(seq: nil, roundTripNanoseconds: micro * 1000, to: &time)
                #expect(replies[index].hasSuffix(String(decoding: time, as: UTF8.self)), "\(replies[index])")
            }
            let theirs = try #require(output.firstRange(of: "\n\n--- ").map { output[output.index(after: $0.lowerBound)...] })
            let packetLine = try #require(theirs.split(separator: "\n").dropFirst().first)
            let transmitted = try #require(Int(packetLine.split(separator: " ")[0]))
            let milliseconds = try #require(packetLine.split(separator: ", time ").last.flatMap { UInt64($0.dropLast(2)) })
            var ours: [UInt8] = []
            PingSummaryText.appendSummary(destination: "127.0.0.1", counts: PingCounts(transmitted: transmitted),
                                          latency: recorder.summary(), elapsedNanoseconds: milliseconds * 1_000_000,
                                          histogram: false, to: &ours)
            #expect(String(decoding: ours, as: UTF8.self) == String(theirs))
            return
        }
        Issue.record("three runs of ping had a loopback round trip over 1 ms, printed without its microseconds")
    }

    /// Every field of the JSON summary, read back by json.loads, equals what Python
    /// computes from the same round trips; a run with no reply has null round trips.
    @Test func jsonSummaryReadsBackInPython() throws {
        guard let python = requirePeer("python3") else { return }
        // Seeded round trips: a heavy tail from a linear congruential generator.
        var state: UInt64 = 20_260_523
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let many = (0..<1000).map { _ in UInt32(50 + next() % 400 + (next() % 50 == 0 ? next() % 100_000 : 0)) }
        let cases: [(rtts: [UInt32], exactCapacity: Int)] = [([], 16), ([215], 16), ([100, 100, 106], 16),
                                                              (many, LatencyRecorder.exactCapacity), (many, 300)]
        var input = ""
        for (number, test) in cases.enumerated() {
            // Every tenth reply overtaken by the next one.
            let seqs = test.rtts.indices.map { $0 % 10 == 0 && $0 + 1 < test.rtts.count ? $0 + 2 : $0 % 10 == 1 ? $0 : $0 + 1 }
            var recorder = LatencyRecorder(exactCapacity: test.exactCapacity)
            for (micro, seq) in zip(test.rtts, seqs) { recorder.record(nanoseconds: UInt64(micro) * 1000, seq: seq) }
            let counts = PingCounts(transmitted: test.rtts.count + number, duplicates: number, late: 2 * number,
                                    unmatched: number % 2, mismatched: 1, errors: number / 2)
            let elapsed = UInt64(number) * 1_234_567_891
            var json: [UInt8] = []
            PingSummaryText.appendJSONSummary(counts: counts, latency: recorder.summary(), elapsedNanoseconds: elapsed, to: &json)
            let fields = [test.rtts.map(String.init).joined(separator: ","), seqs.map(String.init).joined(separator: ",")]
                + [counts.transmitted, counts.duplicates, counts.late, counts.unmatched, counts.mismatched, counts.errors]
                .map(String.init) + [String(elapsed), String(decoding: json.dropLast(), as: UTF8.self)]
            input += fields.joined(separator: "\t") + "\n"
        }
        let check = try run(python, [Paths.repository + "/Fixtures/ping/check_json.py"], input: Array(input.utf8))
        #expect(check.status == 0 && check.stdoutText == "ok \(cases.count)\n", "\(check.stdoutText)\(check.stderrText)")
    }
}
