import Testing
@testable import LetterCore

/// ping's lines against what Python's printf (and, in the generator, C's) wrote in
/// Fixtures/ping/; the live comparison with iputils ping is in EndToEndTests.
struct PingSummaryTextTests {
    func text(_ append: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        append(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test func lossIsPrintedAsIputilsPrintsIt() {
        for row in OracleFixtures.rows("loss.tsv", in: "ping") {
            #expect(PingSummaryText.lossText(transmitted: Int(row[0])!, received: Int(row[1])!) == row[2], "\(row)")
        }
    }

    @Test func printfGIsGlibcs() {
        for row in OracleFixtures.rows("printf_g.tsv", in: "ping") {
            let value = Double(row[0])!  // Python's float.hex()
            #expect(printfG(value) == row[1], "\(row[0])")
        }
    }

    @Test func elapsedIsRoundedAsIputilsRoundsIt() {
        for row in OracleFixtures.rows("elapsed.tsv", in: "ping") {
            #expect(PingSummaryText.elapsedMilliseconds(UInt64(row[0])!) == UInt64(row[1])!, "\(row[0])")
        }
    }

    @Test func packetLineInIputilsWordsWithLettersPartsInOrder() {
        for row in OracleFixtures.rows("packet_lines.tsv", in: "ping") {
            let numbers = row[0..<8].map { Int($0)! }
            let counts = PingCounts(transmitted: numbers[0], duplicates: numbers[2], late: numbers[3],
                                    unmatched: numbers[4], mismatched: numbers[5], errors: numbers[6])
            let line = text {
                PingSummaryText.appendPacketLine(counts, received: numbers[1], elapsedNanoseconds: UInt64(numbers[7]), to: &$0)
            }
            #expect(line == row[8] + "\n")
        }
    }

    @Test func replyLinesInPingsShape() throws {
        for row in OracleFixtures.rows("reply_lines.tsv", in: "ping") {
            let kinds: [String: PingReplyKind] = ["matched": .matched, "duplicate": .duplicate, "late": .late,
                                                  "unmatched": .unmatched, "mismatch": .mismatch]
            let kind = try #require(kinds[row[4]])
            let line = text {
                PingSummaryText.appendReplyLine(bytes: Int(row[0])!, from: row[1], seq: Int(row[2]),
                                                roundTripNanoseconds: UInt64(row[3]), kind: kind, to: &$0)
            }
            #expect(line == row[5] + "\n")
        }
    }

    /// The blank line, the header, the packet line and the rtt line; nothing about round
    /// trips when no reply came.
    @Test func summaryLinesInOrder() throws {
        let test = try #require(LatencyCase.all.first { $0.name == "ten" })
        let counts = PingCounts(transmitted: 12)
        let packetLine = text { PingSummaryText.appendPacketLine(counts, received: 10, elapsedNanoseconds: 11_000_400_000, to: &$0) }
        let summary = text {
            PingSummaryText.appendSummary(destination: "('127.0.0.1', 9000)", counts: counts, latency: test.summary(),
                                          elapsedNanoseconds: 11_000_400_000, histogram: false, to: &$0)
        }
        #expect(summary == "\n--- ('127.0.0.1', 9000) ping statistics ---\n" + packetLine + test.roundTripLine + "\n")
        let silent = text {
            PingSummaryText.appendSummary(destination: "'/run/app.sock'", counts: counts, latency: nil,
                                          elapsedNanoseconds: 11_000_400_000, histogram: true, to: &$0)
        }
        let nothingBack = text { PingSummaryText.appendPacketLine(counts, received: 0, elapsedNanoseconds: 11_000_400_000, to: &$0) }
        #expect(silent == "\n--- '/run/app.sock' ping statistics ---\n" + nothingBack)
    }

    @Test func roundTripAndPercentileLinesAsPythonWroteThem() {
        for test in LatencyCase.all {
            guard let summary = test.summary() else {
                Issue.record("\(test.name): no summary")
                continue
            }
            #expect(text { PingSummaryText.appendRoundTripLine(summary, to: &$0) } == test.roundTripLine + "\n")
            let lines = text { PingSummaryText.appendDistribution(summary, to: &$0) }.split(separator: "\n")
            #expect(lines.first.map(String.init) == test.percentileLine, "\(test.name)")
        }
    }

    /// Each bucket line: the bucket's first and last microsecond (Python's integer bounds of
    /// 2^(k/4)), a bar of ceil(count * 50 / largest), the count; columns aligned.
    @Test func histogramLines() throws {
        for test in LatencyCase.all {
            let summary = try #require(test.summary())
            let lines = text { PingSummaryText.appendDistribution(summary, to: &$0) }.split(separator: "\n").dropFirst()
            #expect(lines.count == test.buckets.count, "\(test.name)")
            let largest = test.buckets.map(\.count).max() ?? 0
            for (line, bucket) in zip(lines, test.buckets) {
                let fields = line.split(separator: " ", omittingEmptySubsequences: true)
                #expect(fields.count == 6, "\(test.name): \(line)")
                guard fields.count == 6 else { continue }
                #expect(fields[0] == milliseconds(bucket.lower) && fields[2] == milliseconds(bucket.upper - 1), "\(line)")
                #expect(fields[1] == "-" && fields[3] == "ms")
                #expect(fields[4].allSatisfy { $0 == "#" } && fields[4].count == (bucket.count * 50 + largest - 1) / largest,
                        "\(test.name): \(line)")
                #expect(Int(fields[5]) == bucket.count)
            }
            #expect(Set(lines.map(\.count)).count == 1, "\(test.name): every line as long")
            #expect(lines.contains { $0.contains(String(repeating: "#", count: 50)) }, "\(test.name): the largest is 50 wide")
        }
    }

    /// Python's '%d.%03d' % divmod(microseconds, 1000).
    func milliseconds(_ microseconds: UInt64) -> String {
        let fraction = String(microseconds % 1000)
        return "\(microseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// Past the exact capacity the percentile line says its figures are estimates.
    @Test func estimatedPercentilesSaySo() throws {
        let test = try #require(LatencyCase.all.first { $0.name == "uniform-1000" })
        let summary = try #require(test.summary(exactCapacity: 100))
        let line = text { PingSummaryText.appendDistribution(summary, to: &$0) }.split(separator: "\n")[0]
        #expect(line.contains(" ms (from the histogram, within 1%), jitter "))
        let json = text {
            PingSummaryText.appendJSONSummary(counts: PingCounts(transmitted: 1000), latency: summary,
                                              elapsedNanoseconds: 0, to: &$0)
        }
        #expect(json.hasSuffix(", \"rtt_percentiles_exact\": false}\n"))
    }
}
