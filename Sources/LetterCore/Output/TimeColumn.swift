/// `--time MODE`: each datagram's receive time, written before its record (in text,
/// tuple, lines and hex) or as the json record's `time` field.
public enum TimeMode: String, CaseIterable, Sendable {
    /// Local time with its UTC offset: `2026-11-29T22:32:15.123456+08:00` (`+HH:MM:SS`
    /// for an offset with seconds, as Python writes it).
    case iso
    /// UTC: `2026-11-29T14:32:15.123456Z`.
    case utc
    /// Seconds since the Unix epoch, as Python's `time.time()`: `1764426735.123456`.
    case epoch
    /// Seconds since listening began: `12.000345`.
    case elapsed
    /// Seconds since the previous datagram shown; the first is `0.000000`.
    case delta

    /// Whether json carries it as a string (else as a number).
    var isText: Bool { self == .iso || self == .utc }
}

/// Writes receive times in one mode, to the microsecond. It remembers when listening
/// began (for `elapsed`) and the previous datagram shown (for `delta`).
public final class TimeColumn {
    public let mode: TimeMode
    private let start: Timestamp
    private var previous: Timestamp?
    /// For iso and utc: the second last written, and its text before and after the
    /// microseconds (`2026-11-29T22:32:15.` and `+08:00`), so that the calendar is
    /// worked out once a second, not once a datagram.
    private var cachedSecond: Int?
    private var dateText: [UInt8] = []
    private var zoneText: [UInt8] = []

    public init(_ mode: TimeMode, start: Timestamp) {
        self.mode = mode
        self.start = start
    }

    /// Appends `stamp` as the mode writes it (json: quoted for iso and utc).
    public func append(_ stamp: Timestamp, quoted: Bool = false, to out: inout [UInt8]) {
        let microseconds = stamp.nanoseconds / 1000
        switch mode {
        case .iso, .utc:
            if stamp.seconds != cachedSecond { describe(second: stamp.seconds) }
            if quoted { out.append(UInt8(ascii: "\"")) }
            out.append(contentsOf: dateText)
            appendPadded(microseconds, width: 6, to: &out)
            out.append(contentsOf: zoneText)
            if quoted { out.append(UInt8(ascii: "\"")) }
        case .epoch:
            appendSeconds(stamp.seconds * 1_000_000 + microseconds, to: &out)
        case .elapsed:
            appendSeconds(max(0, stamp.nanoseconds(since: start) / 1000), to: &out)
        case .delta:
            appendSeconds(max(0, stamp.nanoseconds(since: previous ?? stamp) / 1000), to: &out)
            previous = stamp
        }
    }

    /// Works out the calendar text of `second` in the mode's zone.
    private func describe(second: Int) {
        let fields = CalendarTime(second, local: mode == .iso)
        dateText.removeAll(keepingCapacity: true)
        appendPadded(fields.year, width: 4, to: &dateText)
        dateText.append(UInt8(ascii: "-"))
        appendPadded(fields.month, width: 2, to: &dateText)
        dateText.append(UInt8(ascii: "-"))
        appendPadded(fields.day, width: 2, to: &dateText)
        dateText.append(UInt8(ascii: "T"))
        appendPadded(fields.hour, width: 2, to: &dateText)
        dateText.append(UInt8(ascii: ":"))
        appendPadded(fields.minute, width: 2, to: &dateText)
        dateText.append(UInt8(ascii: ":"))
        appendPadded(fields.second, width: 2, to: &dateText)
        dateText.append(UInt8(ascii: "."))
        zoneText.removeAll(keepingCapacity: true)
        if mode == .utc {
            zoneText.append(UInt8(ascii: "Z"))
        } else {
            let offset = abs(fields.utcOffset)
            zoneText.append(UInt8(ascii: fields.utcOffset < 0 ? "-" : "+"))
            appendPadded(offset / 3600, width: 2, to: &zoneText)
            zoneText.append(UInt8(ascii: ":"))
            appendPadded(offset / 60 % 60, width: 2, to: &zoneText)
            // An offset with seconds (Monrovia's -0:44:30 until 1972, a POSIX TZ) keeps
            // them, as Python's isoformat does.
            if offset % 60 != 0 {
                zoneText.append(UInt8(ascii: ":"))
                appendPadded(offset % 60, width: 2, to: &zoneText)
            }
        }
        cachedSecond = second
    }
}

/// `12.000345` for 12,000,345 microseconds.
private func appendSeconds(_ microseconds: Int, to out: inout [UInt8]) {
    appendDecimal(UInt64(microseconds / 1_000_000), to: &out)
    out.append(UInt8(ascii: "."))
    appendPadded(microseconds % 1_000_000, width: 6, to: &out)
}

/// `value` in decimal with leading zeros to `width` digits.
private func appendPadded(_ value: Int, width: Int, to out: inout [UInt8]) {
    var divisor = 1
    for _ in 1..<width { divisor *= 10 }
    while divisor > 1 && value < divisor {
        out.append(UInt8(ascii: "0"))
        divisor /= 10
    }
    appendDecimal(UInt64(value), to: &out)
}
