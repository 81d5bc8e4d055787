import Glibc
@testable import LetterCore

/// The views of `-f hex` and `--time`. For any sender, payload and cut, the hex record is
/// a header naming the sender and the size (and "cut to" when the kernel cut it), then
/// hexdump -C lines that read back to exactly the payload, every line terminal-safe, the
/// same whatever the printer showed before. For any receive times from 1970 to 2100 in
/// any of a list of zones, `utc`, `epoch` and `iso` read back to the same second and
/// microsecond (iso through its own well-formed UTC offset), and `elapsed` and `delta`
/// are non-negative and read back to the differences they stand for.

/// Zones with whole, half and quarter hours, +14:00, -12:00, negative summer time
/// (Dublin), a day skipped (Apia), and an offset in seconds (Monrovia until 1972).
private let zones = ["UTC", "Asia/Shanghai", "Asia/Kolkata", "Asia/Kathmandu", "America/St_Johns", "America/New_York",
                     "Europe/Dublin", "Australia/Lord_Howe", "Pacific/Chatham", "Pacific/Kiritimati", "Pacific/Apia",
                     "Etc/GMT+12", "America/Caracas", "Antarctica/Troll", "Africa/Monrovia"]
/// 2101-01-01T00:00:00Z: stamps are taken below it.
private let endOf2100 = 4_133_980_800
/// HexPrinter takes only the columns from its context (none here); utf-8 is the table's first row and always opens.
private let context = PrinterContext(decoder: TextDecoder(encoding: encodingTable[0], errors: .replace)!, showBytes: false)
private var zoneInUse: String?

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzViews(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var input = FuzzInput(data, size)
    let zone = input.pick(zones)
    let start = readStamp(&input)
    let stamps = (0...input.integer(byteCount: 1) % 4).map { _ in readStamp(&input) }
    checkTimes(stamps, start: start, zone: zone)

    let senders = [readSender(&input), readSender(&input)]
    let cuts = [Int(input.integer(byteCount: 2)), Int(input.integer(byteCount: 2))]
    let split = min(Int(input.integer(byteCount: 2)), input.rest.count)
    let payloads = [input.rest.prefix(split), input.rest.dropFirst(split)]
    // One printer for both datagrams, as a listener has, and a fresh one for each.
    let printer = HexPrinter(context)
    for index in 0..<2 {
        let datagram = Datagram(payload: payloads[index], fullLength: payloads[index].count + cuts[index], peer: senders[index])
        var record: [UInt8] = []
        _ = printer.append(Record(datagram), to: &record)
        var alone: [UInt8] = []
        _ = HexPrinter(context).append(Record(datagram), to: &alone)
        require(record == alone, "the hex record of datagram \(index + 1) depends on the one before: \(hexDump(record))")
        checkHexRecord(record, datagram)
    }
    return 0
}

// MARK: -f hex

private func checkHexRecord(_ record: [UInt8], _ datagram: Datagram) {
    let what = "\(datagram.payload.count) of \(datagram.fullLength) bytes from \(datagram.peer.pythonRepr): \(hexDump(datagram.payload))"
    require(record.last == UInt8(ascii: "\n"), "a hex record that does not end its line: \(what)")
    let lines = record.dropLast().split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
    for line in lines {
        require(isTerminalSafe(line), "a hex record line with a control character \(hexDump(line)): \(what)")
    }
    var sender: [UInt8] = []
    datagram.peer.appendPythonPrint(to: &sender)
    var expectedHeader = sender + Array(" \(datagram.fullLength) byte\(datagram.fullLength == 1 ? "" : "s")".utf8)
    if datagram.fullLength > datagram.payload.count { expectedHeader += Array(", cut to \(datagram.payload.count)".utf8) }
    require(Array(lines[0]) == expectedHeader, "hex header \(hexDump(lines[0])) is not \(hexDump(expectedHeader)): \(what)")
    var payload: [UInt8] = []
    for (number, line) in lines.dropFirst().enumerated() {
        guard let bytes = parseHexdumpLine(line, offset: number * 16) else {
            fatalError("hexdump line \(number) is malformed: \(String(decoding: line, as: UTF8.self)): \(what)")
        }
        // Only the last line may hold fewer than 16 bytes.
        require(bytes.count == 16 || number == lines.count - 2, "a short hexdump line before the last: \(what)")
        payload += bytes
    }
    require(payload[...] == datagram.payload, "the hexdump reads back to \(hexDump(payload)): \(what)")
}

/// Reads one `hexdump -C` line at `offset`: `00000010  41 42 ...  |AB|`. Returns its
/// bytes (1 to 16), or nil unless the offset, every column of the hex part, the gap
/// after the eighth byte and the ASCII column (each byte itself when printable, else
/// `.`) are exactly where and what hexdump writes.
private func parseHexdumpLine(_ line: ArraySlice<UInt8>, offset: Int) -> [UInt8]? {
    var rest = line
    func take(_ count: Int) -> ArraySlice<UInt8>? {
        guard rest.count >= count else { return nil }
        defer { rest = rest.dropFirst(count) }
        return rest.prefix(count)
    }
    guard let digits = take(8), digits.allSatisfy(isLowerHexDigit),
          Int(String(decoding: digits, as: UTF8.self), radix: 16) == offset, take(2)?.elementsEqual("  ".utf8) == true
    else { return nil }
    var bytes: [UInt8] = []
    for column in 0..<16 {
        guard let cell = take(3), cell.last == UInt8(ascii: " ") else { return nil }
        // A blank column once the bytes have ended; none may follow one.
        if !cell.elementsEqual("   ".utf8) {
            guard bytes.count == column, cell.dropLast().allSatisfy(isLowerHexDigit),
                  let byte = UInt8(String(decoding: cell.dropLast(), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        if column == 7 { guard take(1)?.first == UInt8(ascii: " ") else { return nil } }
    }
    let ascii = bytes.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }
    guard !bytes.isEmpty, take(1)?.first == UInt8(ascii: " "), take(1)?.first == UInt8(ascii: "|"),
          take(ascii.count)?.elementsEqual(ascii) == true, rest.elementsEqual("|".utf8) else { return nil }
    return bytes
}

private func isLowerHexDigit(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
}

/// Any sender a listener can see: IPv4, IPv6, a unix path (no NUL: the path ends at
/// the first), an abstract name (any bytes), or an unnamed unix socket.
private func readSender(_ input: inout FuzzInput) -> Peer {
    switch input.integer(byteCount: 1) % 3 {
    case 0:
        return readInternetSender(&input)
    case 1:
        let name = input.bytes(count: Int(input.integer(byteCount: 1) % 109))
        return input.integer(byteCount: 1) & 1 == 0 ? .unixPath(name.filter { $0 != 0 }) : .abstract(Array(name))
    default:
        return .unnamed
    }
}

// MARK: --time

private func checkTimes(_ stamps: [Timestamp], start: Timestamp, zone: String) {
    if zone != zoneInUse {
        setenv("TZ", zone, 1)
        tzset()
        zoneInUse = zone
    }
    let columns = TimeMode.allCases.map { TimeColumn($0, start: start) }
    var previous: Timestamp?
    for stamp in stamps {
        let what = "\(stamp) in \(zone), listening since \(start)"
        let microseconds = stamp.nanoseconds / 1000
        for column in columns {
            var text: [UInt8] = []
            var quoted: [UInt8] = []
            column.append(stamp, to: &text)
            // The quoted form is for json, after the plain one, so delta's previous stamp is this one.
            let delta = column.mode == .delta
            if !delta { column.append(stamp, quoted: true, to: &quoted) }
            let form = "\(column.mode) \(String(decoding: text, as: UTF8.self))"
            require(text.allSatisfy { (0x21...0x7E).contains($0) }, "\(form) is not printable ASCII: \(what)")
            if !delta {
                require(quoted == (column.mode.isText ? [0x22] + text + [0x22] : text), "json's \(column.mode) is \(hexDump(quoted)): \(what)")
            }
            switch column.mode {
            case .utc:
                let read = readCalendarStamp(text[...])
                require(read?.zone.elementsEqual("Z".utf8) == true && read?.seconds == stamp.seconds
                        && read?.microseconds == microseconds, "\(form) does not read back: \(what)")
            case .iso:
                guard let read = readCalendarStamp(text[...]), let offset = readUTCOffset(read.zone) else {
                    fatalError("\(form) is not a date and time with a well-formed offset: \(what)")
                }
                require(read.seconds - offset == stamp.seconds && read.microseconds == microseconds, "\(form) does not read back: \(what)")
            case .epoch:
                require(readSeconds(text[...]) == stamp.seconds * 1_000_000 + microseconds, "\(form) does not read back: \(what)")
            case .elapsed:
                require(readSeconds(text[...]) == max(0, stamp.nanoseconds(since: start)) / 1000, "\(form) does not read back: \(what)")
            case .delta:
                require(readSeconds(text[...]) == max(0, stamp.nanoseconds(since: previous ?? stamp)) / 1000,
                        "\(form) does not read back after \(String(describing: previous)): \(what)")
            }
        }
        previous = stamp
    }
}

/// Any instant of 1970 to 2100, to the nanosecond.
private func readStamp(_ input: inout FuzzInput) -> Timestamp {
    Timestamp(seconds: Int(input.integer(byteCount: 5) % UInt64(endOf2100)),
              nanoseconds: Int(input.integer(byteCount: 4) % 1_000_000_000))
}

/// `YYYY-MM-DDTHH:MM:SS.ffffff` and what follows it (the zone): the fields as seconds
/// since 1970-01-01T00:00:00 on the same calendar, and the microseconds.
private func readCalendarStamp(_ text: ArraySlice<UInt8>) -> (seconds: Int, microseconds: Int, zone: ArraySlice<UInt8>)? {
    let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":"), (19, ".")]
    guard text.count > 26, separators.allSatisfy({ text[text.startIndex + $0.0] == $0.1.asciiValue }),
          let year = readNumber(text, 0, 4), let month = readNumber(text, 5, 2), let day = readNumber(text, 8, 2),
          let hour = readNumber(text, 11, 2), let minute = readNumber(text, 14, 2), let second = readNumber(text, 17, 2),
          let microseconds = readNumber(text, 20, 6),
          (1...12).contains(month), (1...daysIn(month, of: year)).contains(day), hour < 24, minute < 60, second < 60
    else { return nil }
    let seconds = ((daysSince1970(year: year, month: month, day: day) * 24 + hour) * 60 + minute) * 60 + second
    return (seconds, microseconds, text.dropFirst(26))
}

/// Python's isoformat of a UTC offset: `+HH:MM`, or `+HH:MM:SS` when it has seconds,
/// less than a day either way. Returns it in seconds east of UTC.
private func readUTCOffset(_ text: ArraySlice<UInt8>) -> Int? {
    guard text.count == 6 || text.count == 9, let sign = text.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
          text[text.startIndex + 3] == UInt8(ascii: ":"), let hours = readNumber(text, 1, 2), let minutes = readNumber(text, 4, 2),
          hours < 24, minutes < 60 else { return nil }
    var seconds = 0
    if text.count == 9 {
        guard text[text.startIndex + 6] == UInt8(ascii: ":"), let value = readNumber(text, 7, 2), (1..<60).contains(value) else { return nil }
        seconds = value
    }
    let offset = (hours * 60 + minutes) * 60 + seconds
    // Python writes a zero offset as +00:00.
    guard offset != 0 || sign == UInt8(ascii: "+") else { return nil }
    return sign == UInt8(ascii: "-") ? -offset : offset
}

/// `S.ffffff` (S without leading zeros) in microseconds.
private func readSeconds(_ text: ArraySlice<UInt8>) -> Int? {
    guard let point = text.firstIndex(of: UInt8(ascii: ".")), text.endIndex - point == 7,
          let whole = readNumber(text, 0, point - text.startIndex), point == text.startIndex + 1 || text.first != UInt8(ascii: "0"),
          let fraction = readNumber(text, point + 1 - text.startIndex, 6) else { return nil }
    return whole * 1_000_000 + fraction
}

/// The decimal digits at `start..<start + count` of `text` (positions from its start).
private func readNumber(_ text: ArraySlice<UInt8>, _ start: Int, _ count: Int) -> Int? {
    let digits = text.dropFirst(start).prefix(count)
    guard count > 0, digits.count == count, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
    return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
}

private func isLeapYear(_ year: Int) -> Bool { year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) }

private func daysIn(_ month: Int, of year: Int) -> Int {
    month == 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].contains(month) ? 30 : 31
}

/// Days from 1970-01-01 to the date (negative before it), by counting whole years and months.
private func daysSince1970(year: Int, month: Int, day: Int) -> Int {
    var days = day - 1
    for whole in min(year, 1970)..<max(year, 1970) { days += (isLeapYear(whole) ? 366 : 365) * (year < 1970 ? -1 : 1) }
    for whole in 1..<month { days += daysIn(whole, of: year) }
    return days
}
