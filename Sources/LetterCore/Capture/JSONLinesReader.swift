/// The JSON Lines that `letter listen -f json` and `letter relay -f json` write, read
/// back as records: the payload from `hex` (`--bytes`), else the decoded `text` for the
/// caller to encode again; the time from `time`, a number (`--time epoch`, `elapsed` or
/// `delta`) or an `iso`/`utc` string; the sender from `host`/`port` (`flowinfo`,
/// `scope_id`) or `path` (`null`, or `@NAME` with `"abstract": true`). A relay record
/// (`direction`) is sent on only as a request, to its `to_` address. Blank lines and
/// lines with `"summary": true` (ping's) are no records; one with `truncated_from` was
/// cut short. A first line that is not such a record means the input is not a recording.
final class JSONLinesReader {
    enum Record {
        case datagram(CapturedDatagram)
        case skipped(SkipKind)
    }

    private let input: CaptureInput
    private var fields: [JSONField] = []
    private var found = RecordFields()
    /// Reused from line to line: the payload handed out, and strings unescaped.
    private var payload: [UInt8] = []
    private var scratch: [UInt8] = []
    private var lineNumber = 0
    /// Whether a line was letter's json already: a bad line after one is damage, not
    /// another kind of file.
    private var sawRecord = false

    init(_ input: CaptureInput) {
        self.input = input
    }

    /// The next record, or nil at the end of the input.
    func next() throws(CaptureError) -> Record? {
        while true {
            let start = input.offset
            guard let line = try input.line() else { return nil }
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            do {
                try JSONScanner.object(line, into: &fields)
            } catch {
                throw CaptureError(sawRecord ? .damaged : .notACapture, at: start + error.index - line.startIndex,
                                   "line \(lineNumber) is not JSON: \(error.reason)")
            }
            let record: Record?
            do throws(JSONRecordError) {
                record = try self.record(line, at: start)
            } catch {
                throw CaptureError(sawRecord ? .damaged : .notACapture, at: start,
                                   "line \(lineNumber) is not a record letter writes: \(error.reason)")
            }
            sawRecord = true
            if let record { return record }
        }
    }

    /// The record a line holds, nil for a summary.
    private func record(_ line: ArraySlice<UInt8>, at start: Int) throws(JSONRecordError) -> Record? {
        try found.read(fields, line)
        if let summary = found[.summary], summary.kind == .trueLiteral { return nil }
        var destination: Peer?
        if let direction = found[.direction] {
            guard direction.kind == .string else { throw JSONRecordError("direction is not a string") }
            let way = text(direction, line)
            if way == "reply" { return .skipped(.reply) }
            guard way == "request" else { throw JSONRecordError("direction is neither request nor reply") }
            destination = try peer(found, line, to: true)
        }
        if found[.truncatedFrom] != nil { return .skipped(.cutShort) }
        let source = try peer(found, line, to: false)
        let time = try found[.time].map { (token) throws(JSONRecordError) in try recordTime(token, line) }
        payload.removeAll(keepingCapacity: true)
        let isText: Bool
        if let hex = found[.hex] {
            guard hex.kind == .string else { throw JSONRecordError("hex is not a string") }
            try appendHexBytes(hex, line)
            isText = false
        } else if let text = found[.text] {
            guard text.kind == .string else { throw JSONRecordError("text is not a string") }
            try unescape(text, line, into: &payload)
            isText = true
        } else {
            throw JSONRecordError("neither hex nor text")
        }
        return .datagram(CapturedDatagram(time: time, source: source, destination: destination, payload: payload[...],
                                          payloadIsText: isText, offset: start))
    }

    /// The sender (`host`, `port`, ...) or, with `to`, the relay's target (`to_host`, ...).
    private func peer(_ found: RecordFields, _ line: ArraySlice<UInt8>, to: Bool) throws(JSONRecordError) -> Peer {
        let prefix = to ? "to_" : ""
        if let host = found[to ? .toHost : .host] {
            guard host.kind == .string else { throw JSONRecordError("\(prefix)host is not a string") }
            let name = text(host, line)
            guard let portToken = found[to ? .toPort : .port], let port = integer(portToken, line, below: 1 << 16) else {
                throw JSONRecordError("\(prefix)host without a \(prefix)port from 0 to 65535")
            }
            if let quad = parseIPv4(name[...]) { return .v4(octets: quad, port: UInt16(port)) }
            guard let address = parseIPv6(name[...]) else { throw JSONRecordError("\(prefix)host \(quoted(name)) is not an IP address") }
            let flowInfo = try found[to ? .toFlowInfo : .flowInfo].map { (token) throws(JSONRecordError) in
                guard let value = integer(token, line, below: 1 << 32) else { throw JSONRecordError("\(prefix)flowinfo out of range") }
                return value
            }
            let scopeID = try found[to ? .toScopeID : .scopeID].map { (token) throws(JSONRecordError) in
                guard let value = integer(token, line, below: 1 << 32) else { throw JSONRecordError("\(prefix)scope_id out of range") }
                return value
            }
            return .v6(bytes: address, port: UInt16(port), flowInfo: UInt32(flowInfo ?? 0), scopeID: UInt32(scopeID ?? 0))
        }
        guard let path = found[to ? .toPath : .path] else {
            throw JSONRecordError(to ? "a request without to_host and to_port or to_path" : "no sender: neither host and port nor path")
        }
        if path.kind == .null { return .unnamed }
        guard path.kind == .string else { throw JSONRecordError("\(prefix)path is neither a string nor null") }
        var name: [UInt8] = []
        do {
            try JSONScanner.appendString(path, of: line, surrogateEscapes: true, to: &name)
        } catch {
            throw JSONRecordError("\(prefix)path: \(error.reason)")
        }
        guard found[to ? .toAbstract : .abstract]?.kind == .trueLiteral else { return .unixPath(name) }
        guard name.first == UInt8(ascii: "@") else { throw JSONRecordError("an abstract \(prefix)path without its '@'") }
        return .abstract(Array(name.dropFirst()))
    }

    /// A string's text (for short fields: a host, a direction).
    private func text(_ token: JSONToken, _ line: ArraySlice<UInt8>) -> String {
        scratch.removeAll(keepingCapacity: true)
        // On a malformed escape the text is cut short, and so matches nothing expected.
        try? JSONScanner.appendString(token, of: line, to: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    private func unescape(_ token: JSONToken, _ line: ArraySlice<UInt8>, into out: inout [UInt8]) throws(JSONRecordError) {
        do {
            try JSONScanner.appendString(token, of: line, to: &out)
        } catch {
            throw JSONRecordError(error.reason)
        }
    }

    /// `hex`'s two digits a byte, into `payload`.
    private func appendHexBytes(_ token: JSONToken, _ line: ArraySlice<UInt8>) throws(JSONRecordError) {
        var digits = line[token.range]
        if token.hasEscapes {
            scratch.removeAll(keepingCapacity: true)
            try unescape(token, line, into: &scratch)
            digits = scratch[...]
        }
        guard digits.count % 2 == 0 else { throw JSONRecordError("hex has an odd number of digits") }
        var index = digits.startIndex
        while index < digits.endIndex {
            guard let high = hexDigitValue(digits[index]), let low = hexDigitValue(digits[index + 1]) else {
                throw JSONRecordError("hex holds a character that is not a hex digit")
            }
            payload.append(high << 4 | low)
            index += 2
        }
    }

    /// `time`: seconds as a decimal number, or an iso/utc date and time.
    private func recordTime(_ token: JSONToken, _ line: ArraySlice<UInt8>) throws(JSONRecordError) -> Timestamp {
        switch token.kind {
        case .number:
            guard let time = decimalSeconds(line[token.range]) else {
                throw JSONRecordError("time \(String(decoding: line[token.range], as: UTF8.self)) is not seconds as letter writes them")
            }
            return time
        case .string:
            let written = text(token, line)
            guard let time = isoTime(Array(written.utf8)[...]) else {
                throw JSONRecordError("time \(quoted(written)) is not an iso or utc time as letter writes them")
            }
            return time
        default:
            throw JSONRecordError("time is neither a number nor a string")
        }
    }
}

/// A value from the input for an error message, quoted: at most 40 characters, with the
/// characters that could move the cursor escaped as the text format escapes them, so no
/// line of a file reaches the terminal raw.
private func quoted(_ text: String) -> String {
    var out: [UInt8] = [UInt8(ascii: "'")]
    appendEscapingControls(Array(text.prefix(40).utf8)[...], to: &out)
    if text.count > 40 { out.append(contentsOf: "...".utf8) }
    out.append(UInt8(ascii: "'"))
    return String(decoding: out, as: UTF8.self)
}

/// Why a well-formed JSON line is not a record.
private struct JSONRecordError: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// The fields of a line that make a record, each found at most once. Kept by the reader
/// and refilled for each line.
private struct RecordFields {
    enum Name: Int, CaseIterable {
        case summary, direction, truncatedFrom, hex, text, time
        case host, port, flowInfo, scopeID, path, abstract
        case toHost, toPort, toFlowInfo, toScopeID, toPath, toAbstract

        var key: String {
            switch self {
            case .summary: return "summary"
            case .direction: return "direction"
            case .truncatedFrom: return "truncated_from"
            case .hex: return "hex"
            case .text: return "text"
            case .time: return "time"
            case .host: return "host"
            case .port: return "port"
            case .flowInfo: return "flowinfo"
            case .scopeID: return "scope_id"
            case .path: return "path"
            case .abstract: return "abstract"
            case .toHost: return "to_host"
            case .toPort: return "to_port"
            case .toFlowInfo: return "to_flowinfo"
            case .toScopeID: return "to_scope_id"
            case .toPath: return "to_path"
            case .toAbstract: return "to_abstract"
            }
        }
    }

    private static let names = Name.allCases
    private var values = [JSONToken?](repeating: nil, count: names.count)

    /// Picks the known fields out of `fields`; other keys are left alone.
    mutating func read(_ fields: [JSONField], _ line: ArraySlice<UInt8>) throws(JSONRecordError) {
        for index in values.indices { values[index] = nil }
        for field in fields {
            // letter writes its keys without escapes: a key with one is none of these.
            guard !field.key.hasEscapes,
                  let name = Self.names.first(where: { line[field.key.range].elementsEqual($0.key.utf8) }) else { continue }
            guard values[name.rawValue] == nil else { throw JSONRecordError("\(name.key) given twice") }
            values[name.rawValue] = field.value
        }
    }

    subscript(_ name: Name) -> JSONToken? { values[name.rawValue] }
}

/// A non-negative integer token below `limit`.
private func integer(_ token: JSONToken, _ line: ArraySlice<UInt8>, below limit: UInt64) -> UInt64? {
    guard token.kind == .number else { return nil }
    var value: UInt64 = 0
    for byte in line[token.range] {
        guard isDigit(byte) else { return nil }
        value = value * 10 + UInt64(byte - UInt8(ascii: "0"))
        guard value < limit else { return nil }
    }
    return value
}

/// `1764426735.123456`: seconds and up to nine decimals (more are dropped), as `--time
/// epoch`, `elapsed` and `delta` write them; nil for a sign, an exponent, or a time past
/// `latestCaptureSecond`.
func decimalSeconds(_ text: ArraySlice<UInt8>) -> Timestamp? {
    var seconds = 0, nanoseconds = 0, scale = 100_000_000
    var index = text.startIndex
    while index < text.endIndex, isDigit(text[index]) {
        seconds = seconds * 10 + Int(text[index] - UInt8(ascii: "0"))
        guard seconds < latestCaptureSecond else { return nil }
        index += 1
    }
    guard index > text.startIndex else { return nil }
    if index < text.endIndex {
        guard text[index] == UInt8(ascii: ".") else { return nil }
        index += 1
        while index < text.endIndex, isDigit(text[index]) {
            nanoseconds += Int(text[index] - UInt8(ascii: "0")) * scale
            scale /= 10
            index += 1
        }
    }
    return index == text.endIndex ? Timestamp(seconds: seconds, nanoseconds: nanoseconds) : nil
}

/// `2026-11-29T22:32:15.123456+08:00` (`--time iso`, the offset with seconds when it has
/// them) or `2026-11-29T14:32:15.123456Z` (`--time utc`), the fraction optional, as an
/// instant; nil for anything else or a time outside 1970–2242.
func isoTime(_ text: ArraySlice<UInt8>) -> Timestamp? {
    var index = text.startIndex
    func number(_ width: Int, then separator: UInt8?) -> Int? {
        guard text.endIndex - index >= width + (separator == nil ? 0 : 1) else { return nil }
        var value = 0
        for _ in 0..<width {
            guard isDigit(text[index]) else { return nil }
            value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
            index += 1
        }
        if let separator {
            guard text[index] == separator else { return nil }
            index += 1
        }
        return value
    }
    guard let year = number(4, then: UInt8(ascii: "-")), let month = number(2, then: UInt8(ascii: "-")),
          let day = number(2, then: UInt8(ascii: "T")), let hour = number(2, then: UInt8(ascii: ":")),
          let minute = number(2, then: UInt8(ascii: ":")), let second = number(2, then: nil),
          (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day), hour < 24, minute < 60, second < 60
    else { return nil }
    var nanoseconds = 0
    if index < text.endIndex, text[index] == UInt8(ascii: ".") {
        index += 1
        let digitsStart = index
        var scale = 100_000_000
        while index < text.endIndex, isDigit(text[index]) {
            nanoseconds += Int(text[index] - UInt8(ascii: "0")) * scale
            scale /= 10
            index += 1
        }
        guard index > digitsStart else { return nil }
    }
    guard index < text.endIndex else { return nil }
    var offset = 0
    let sign = text[index]
    index += 1
    if sign == UInt8(ascii: "Z") {
        guard index == text.endIndex else { return nil }
    } else {
        guard sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"), let hours = number(2, then: UInt8(ascii: ":")),
              let minutes = number(2, then: nil), hours < 24, minutes < 60 else { return nil }
        offset = hours * 3600 + minutes * 60
        if index < text.endIndex {
            guard text[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let seconds = number(2, then: nil), seconds < 60, index == text.endIndex else { return nil }
            offset += seconds
        }
        if sign == UInt8(ascii: "-") { offset = -offset }
    }
    let seconds = daysSinceEpoch(year: year, month: month, day: day) * 86400 + hour * 3600 + minute * 60 + second - offset
    guard seconds >= 0, seconds < latestCaptureSecond else { return nil }
    return Timestamp(seconds: seconds, nanoseconds: nanoseconds)
}

private func daysInMonth(_ month: Int, year: Int) -> Int {
    switch month {
    case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (year 0 or later):
/// Howard Hinnant's `days_from_civil`.
private func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let shiftedYear = month <= 2 ? year - 1 : year
    let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
    let yearOfEra = shiftedYear - era * 400
    let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
}
