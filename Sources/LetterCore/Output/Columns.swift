/// The columns a record carries beside its datagram — the receive time (`--time`) and
/// ping's seq, round trip and kind of answer — written from the record's fields where a
/// format puts them: around its first line (text, tuple, lines, hex) or as json fields.
/// Formats call these at their places; a new column is a record field and a few lines
/// here.
public struct Columns {
    /// `--time`, or nil when it was not asked for.
    let time: TimeColumn?

    public init(time: TimeColumn?) {
        self.time = time
    }

    /// Before a line record: the receive time and a space.
    func appendLead(_ record: Record, to out: inout [UInt8]) {
        guard let time else { return }
        time.append(record.datagram.receivedAt, to: &out)
        out.append(UInt8(ascii: " "))
    }

    /// At the end of a line record's first line: ` seq=3 time=0.215 ms`, and
    /// ` (DUP!)`, ` (late)`, ` (unmatched)` or ` (mismatch)` for a reply that is not the
    /// answer to a waiting request.
    func appendTrail(_ record: Record, to out: inout [UInt8]) {
        PingSummaryText.appendSeqAndTime(seq: record.seq, roundTripNanoseconds: record.roundTripNanoseconds, to: &out)
        if let answer = record.answer { out.append(contentsOf: answer.note.utf8) }
    }

    /// json, after the size: `, "time": ...` (a string for iso and utc, else a number).
    func appendTimeField(_ record: Record, to out: inout [UInt8]) {
        guard let time else { return }
        out.append(contentsOf: ", \"time\": ".utf8)
        time.append(record.datagram.receivedAt, quoted: time.mode.isText, to: &out)
    }

    /// json, last: `, "seq": 3, "rtt_ms": 0.215`, and `"duplicate"`, `"late"`,
    /// `"unmatched"` or `"mismatch"` as true.
    func appendPingFields(_ record: Record, to out: inout [UInt8]) {
        if let seq = record.seq { out.append(contentsOf: ", \"seq\": \(seq)".utf8) }
        if let nanoseconds = record.roundTripNanoseconds {
            out.append(contentsOf: ", \"rtt_ms\": ".utf8)
            PingSummaryText.appendRoundTrip(nanoseconds: nanoseconds, to: &out)
        }
        if let key = record.answer?.jsonKey { out.append(contentsOf: ", \"\(key)\": true".utf8) }
    }
}
