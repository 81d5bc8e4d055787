/// What `letter ping` counts besides the round trips of matched replies (those, and so the
/// count received, come from `LatencyRecorder`).
struct PingCounts: Equatable, Sendable {
    /// Every request tried, as iputils counts it.
    var transmitted = 0
    var duplicates = 0
    var late = 0
    var unmatched = 0
    var mismatched = 0
    /// Requests answered by ICMP, or whose send failed.
    var errors = 0
}

/// What a reply was, as its line ends: ping(8)'s ` (DUP!)` and letter's own notes. A
/// duplicate answers a request already answered, a late reply one already given up on,
/// an unmatched reply none at all; a mismatch answers a waiting request but fails
/// `--expect` (it closes the request and is not received).
public enum PingReplyKind: Sendable {
    case matched, duplicate, late, unmatched, mismatch

    var note: String {
        switch self {
        case .matched: ""
        case .duplicate: " (DUP!)"
        case .late: " (late)"
        case .unmatched: " (unmatched)"
        case .mismatch: " (mismatch)"
        }
    }

    /// The json field set to true for such a reply (`-f json`), none for a matched one.
    var jsonKey: String? {
        switch self {
        case .matched: nil
        case .duplicate: "duplicate"
        case .late: "late"
        case .unmatched: "unmatched"
        case .mismatch: "mismatch"
        }
    }
}

/// `letter ping`'s lines in iputils ping's words (ping_common.c, finish()), so that what
/// parses ping's output parses letter's; milliseconds as ping's `%ld.%03ld` of whole
/// microseconds.
enum PingSummaryText {
    /// One reply in ping(8)'s shape: `12 bytes from ('127.0.0.1', 9000): seq=1 time=0.215 ms`
    /// and its note; `seq` and the time are left out when the reply has none (unmatched).
    static func appendReplyLine(bytes: Int, from address: String, seq: Int?, roundTripNanoseconds: UInt64?,
                                kind: PingReplyKind, to out: inout [UInt8]) {
        appendDecimal(UInt64(bytes), to: &out)
        out.append(contentsOf: " bytes from ".utf8)
        out.append(contentsOf: address.utf8)
        out.append(UInt8(ascii: ":"))
        appendSeqAndTime(seq: seq, roundTripNanoseconds: roundTripNanoseconds, to: &out)
        out.append(contentsOf: kind.note.utf8)
        out.append(UInt8(ascii: "\n"))
    }

    /// ` seq=1 time=0.215 ms`: the end of a reply line, in every format; the time to the
    /// microsecond, as the summary counts it.
    static func appendSeqAndTime(seq: Int?, roundTripNanoseconds: UInt64?, to out: inout [UInt8]) {
        if let seq {
            out.append(contentsOf: " seq=".utf8)
            out.append(contentsOf: String(seq).utf8)
        }
        if let roundTripNanoseconds {
            out.append(contentsOf: " time=".utf8)
            appendRoundTrip(nanoseconds: roundTripNanoseconds, to: &out)
            out.append(contentsOf: " ms".utf8)
        }
    }

    /// A round trip in milliseconds to the microsecond (`0.215`), as the summary counts it.
    static func appendRoundTrip(nanoseconds: UInt64, to out: inout [UInt8]) {
        appendMilliseconds(UInt64(LatencyRecorder.microseconds(fromNanoseconds: nanoseconds)), to: &out)
    }

    /// Everything ping prints at the end: a blank line (a `^C` the terminal echoed stays on
    /// its own line), the header, the packet line, the rtt line when a reply came, and with
    /// `histogram` the distribution.
    static func appendSummary(destination: String, counts: PingCounts, latency: LatencySummary?,
                              elapsedNanoseconds: UInt64, histogram: Bool, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        out.append(contentsOf: "--- \(destination) ping statistics ---\n".utf8)
        appendPacketLine(counts, received: latency?.count ?? 0, elapsedNanoseconds: elapsedNanoseconds, to: &out)
        guard let latency else { return }
        appendRoundTripLine(latency, to: &out)
        if histogram { appendDistribution(latency, to: &out) }
    }

    /// `5 packets transmitted, 4 received, +1 duplicates, 20% packet loss, time 4004ms`:
    /// the + parts only when not zero, in this order; loss and time only when something
    /// was transmitted, as in iputils.
    static func appendPacketLine(_ counts: PingCounts, received: Int, elapsedNanoseconds: UInt64,
                                 to out: inout [UInt8]) {
        var line = "\(counts.transmitted) packets transmitted, \(received) received"
        for (count, name) in [(counts.duplicates, "duplicates"), (counts.late, "late"), (counts.unmatched, "unmatched"),
                              (counts.mismatched, "mismatched"), (counts.errors, "errors")] where count != 0 {
            line += ", +\(count) \(name)"
        }
        if counts.transmitted != 0 {
            line += ", \(lossText(transmitted: counts.transmitted, received: received))% packet loss"
            line += ", time \(elapsedMilliseconds(elapsedNanoseconds))ms"
        }
        out.append(contentsOf: line.utf8)
        out.append(UInt8(ascii: "\n"))
    }

    /// `rtt min/avg/max/mdev = 0.101/0.180/0.302/0.070 ms`.
    static func appendRoundTripLine(_ latency: LatencySummary, to out: inout [UInt8]) {
        out.append(contentsOf: "rtt min/avg/max/mdev = ".utf8)
        appendMillisecondList([latency.minimum, latency.average, latency.maximum, latency.deviation], to: &out)
        out.append(contentsOf: " ms\n".utf8)
    }

    /// `--histogram`: the percentile line, then one line per non-empty bucket, from the
    /// fastest:
    ///
    ///     rtt p50/p90/p99/p99.9 = 0.180/0.201/0.290/0.302 ms, jitter 0.012 ms
    ///       0.153 - 0.181 ms  ########                                             3
    ///       0.182 - 0.215 ms  ##################################################  21
    ///
    /// A bucket line: two spaces; the first and last whole microsecond the bucket holds, in
    /// milliseconds, right-aligned to the widest bound shown, joined by ` - `; ` ms`; two
    /// spaces; the bar, one `#` per 1/50 of the largest count (rounded up, so a non-empty
    /// bucket shows at least one), padded to 50; two spaces; the count right-aligned to the
    /// widest count. Past `LatencyRecorder.exactCapacity` replies the percentiles are
    /// estimates, and the line says `(from the histogram, within 1%)` after them.
    static func appendDistribution(_ latency: LatencySummary, to out: inout [UInt8]) {
        out.append(contentsOf: "rtt p50/p90/p99/p99.9 = ".utf8)
        appendMillisecondList(latency.percentiles.map(UInt64.init), to: &out)
        out.append(contentsOf: " ms".utf8)
        if !latency.percentilesExact { out.append(contentsOf: " (from the histogram, within 1%)".utf8) }
        out.append(contentsOf: ", jitter ".utf8)
        appendMilliseconds(latency.jitterMicroseconds, to: &out)
        out.append(contentsOf: " ms\n".utf8)

        let largest = latency.buckets.map(\.count).max() ?? 0
        let boundWidth = latency.buckets.map { milliseconds($0.upper - 1).count }.max() ?? 0
        let countWidth = String(largest).count
        for bucket in latency.buckets {
            let bar = (bucket.count * barWidth + largest - 1) / largest
            var line = "  " + padded(milliseconds(bucket.lower), boundWidth) + " - "
            line += padded(milliseconds(bucket.upper - 1), boundWidth) + " ms  "
            line += String(repeating: "#", count: bar) + String(repeating: " ", count: barWidth - bar)
            line += "  " + padded(String(bucket.count), countWidth) + "\n"
            out.append(contentsOf: line.utf8)
        }
    }

    /// The width of the largest bucket's bar.
    static let barWidth = 50

    /// The summary as one JSON object on one line (`-f json`): the counts, the round trips
    /// in milliseconds (null when no reply came), `reordered`; and, only past
    /// `LatencyRecorder.exactCapacity` replies, `"rtt_percentiles_exact": false`. The loss
    /// is the packet line's number, null when nothing was transmitted.
    static func appendJSONSummary(counts: PingCounts, latency: LatencySummary?, elapsedNanoseconds: UInt64,
                                  to out: inout [UInt8]) {
        let received = latency?.count ?? 0
        var text = "{\"summary\": true, \"sent\": \(counts.transmitted), \"received\": \(received), "
        text += "\"duplicates\": \(counts.duplicates), \"late\": \(counts.late), \"unmatched\": \(counts.unmatched), "
        text += "\"mismatched\": \(counts.mismatched), \"errors\": \(counts.errors), \"loss_pct\": "
        text += counts.transmitted != 0 ? lossText(transmitted: counts.transmitted, received: received) : "null"
        text += ", \"time_ms\": \(elapsedMilliseconds(elapsedNanoseconds))"
        let figures: [UInt64]? = latency.map {
            [$0.minimum, $0.average, $0.maximum, $0.deviation] + $0.percentiles.map(UInt64.init) + [$0.jitterMicroseconds]
        }
        for (index, name) in ["rtt_min_ms", "rtt_avg_ms", "rtt_max_ms", "rtt_mdev_ms", "rtt_p50_ms", "rtt_p90_ms",
                              "rtt_p99_ms", "rtt_p999_ms", "jitter_ms"].enumerated() {
            text += ", \"\(name)\": " + (figures.map { milliseconds($0[index]) } ?? "null")
        }
        text += ", \"reordered\": \(latency?.reordered ?? 0)"
        if latency?.percentilesExact == false { text += ", \"rtt_percentiles_exact\": false" }
        out.append(contentsOf: (text + "}\n").utf8)
    }

    /// iputils' loss: `printf("%g", (float)((tx - rx) * 100.0 / tx))`: `20`, `33.3333`.
    static func lossText(transmitted: Int, received: Int) -> String {
        printfG(Double(Float(Double(transmitted - received) * 100.0 / Double(transmitted))))
    }

    /// iputils' time: milliseconds, half a millisecond rounded up.
    static func elapsedMilliseconds(_ nanoseconds: UInt64) -> UInt64 {
        nanoseconds / 1_000_000 + (nanoseconds % 1_000_000 + 500_000) / 1_000_000
    }

    /// `0.215`: whole microseconds as milliseconds, ping's `%ld.%03ld`.
    private static func appendMilliseconds(_ microseconds: UInt64, to out: inout [UInt8]) {
        appendDecimal(microseconds / 1000, to: &out)
        out.append(UInt8(ascii: "."))
        let fraction = microseconds % 1000
        if fraction < 100 { out.append(UInt8(ascii: "0")) }
        if fraction < 10 { out.append(UInt8(ascii: "0")) }
        appendDecimal(fraction, to: &out)
    }

    private static func milliseconds(_ microseconds: UInt64) -> String {
        var out: [UInt8] = []
        appendMilliseconds(microseconds, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendMillisecondList(_ values: [UInt64], to out: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { out.append(UInt8(ascii: "/")) }
            appendMilliseconds(value, to: &out)
        }
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
