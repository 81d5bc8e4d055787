/// Everything ping's closing lines say, as a printer's `finish` writes them: the
/// destination as `repr` writes it, the counts, the round trips' figures (nil when no
/// reply came), how long the run took, and whether `--histogram` was asked for.
public struct PingReport: Sendable {
    var destination: String
    var counts: PingCounts
    var latency: LatencySummary?
    var elapsedNanoseconds: UInt64
    var histogram: Bool

    /// Replies matched: the summary's "received".
    var received: Int { latency?.count ?? 0 }

    /// iputils' blank line and lines (and the distribution with `--histogram`).
    func appendText(to out: inout [UInt8]) {
        PingSummaryText.appendSummary(destination: destination, counts: counts, latency: latency,
                                      elapsedNanoseconds: elapsedNanoseconds, histogram: histogram, to: &out)
    }

    /// The one JSON object `-f json` ends with.
    func appendJSON(to out: inout [UInt8]) {
        PingSummaryText.appendJSONSummary(counts: counts, latency: latency, elapsedNanoseconds: elapsedNanoseconds, to: &out)
    }
}
