import LetterCore

/// Option values checked against their range; the bad input is echoed back with the
/// option's name.

func parseInteger(_ text: String, option: String, range: ClosedRange<Int>) throws(UsageError) -> Int {
    guard let value = Int(text), range.contains(value) else {
        throw UsageError("invalid value '\(text)' for '\(option)': expected a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
}

/// Seconds up to 1,000,000 (11 days), more than 0 (or 0 itself when `allowZero`).
func parseSeconds(_ text: String, option: String, allowZero: Bool = false) throws(UsageError) -> Double {
    guard let value = Double(text), value.isFinite, value > 0 || (allowZero && value == 0), value <= 1e6 else {
        let least = allowZero ? "0 or more" : "greater than 0"
        throw UsageError("invalid value '\(text)' for '\(option)': expected seconds \(least), such as 2 or 0.5")
    }
    return value
}

/// A rate per second from 0.001 to 10,000,000: slow enough for one a quarter-hour, and
/// its interval in nanoseconds always fits the pacing clock.
func parseRate(_ text: String, option: String) throws(UsageError) -> Double {
    guard let value = Double(text), value.isFinite, value >= 0.001, value <= 10_000_000 else {
        throw UsageError("invalid value '\(text)' for '\(option)': expected datagrams per second from 0.001 to 10000000")
    }
    return value
}

/// An encoding by any name letter accepts (Python's spellings, iconv's names).
func parseEncoding(_ text: String, option: String) throws(UsageError) -> TextEncoding {
    guard let encoding = lookupEncoding(text) else {
        // A typo of a name or alias of the table (`gbkk`, `utf8x`, `latin-11`) gets a "did you mean".
        let names = encodingTable.flatMap { [$0.name] + $0.aliases }
        let suggestion = closestMatch(to: text.lowercased(), among: names).map { "did you mean '\($0)'? " } ?? ""
        throw UsageError("unknown encoding '\(text)' for '\(option)'; \(suggestion)'letter encodings' lists the ones that work here")
    }
    return encoding
}

func parseChoice<Choice: RawRepresentable & CaseIterable>(_ text: String, option: String) throws(UsageError) -> Choice
    where Choice.RawValue == String {
    if let choice = Choice(rawValue: text.lowercased()) { return choice }
    let names = Choice.allCases.map(\.rawValue)
    throw UsageError("invalid value '\(text)' for '\(option)': expected one of \(names.joined(separator: ", "))")
}

extension ParsedArguments {
    /// `-e`, or `--input-encoding`: utf-8 when not given.
    func encoding(_ option: OptionRow<TextEncoding>) throws(UsageError) -> TextEncoding {
        try value(option) ?? .utf8
    }
}

extension DisplayOptions {
    /// `-f`, `-e`, `--bufsize`, `--time`, and `--errors` and `--bytes` unless they are the
    /// input's (`ofReplies`: send -w and ping, which show replies to what they send).
    init(_ parsed: ParsedArguments, ofReplies: Bool) throws(UsageError) {
        // -f is checked before -e, so that of two mistakes the same one is named as before.
        let format = try parsed.value(Option.format) ?? .text
        self.init(encoding: try parsed.encoding(Option.encoding))
        self.format = format
        if !ofReplies {
            showBytes = parsed.has(Option.bytes)
            errors = try parsed.value(Option.decodeErrors) ?? .replace
        }
        bufferSize = try parsed.value(Option.bufsize)
        time = try parsed.value(Option.time)
        if time != nil && !format.printer.showsColumns {
            throw UsageError("--time has no place in -f \(format.rawValue), which writes the payload bytes alone")
        }
    }
}

extension SendingOptions {
    /// `-b`, `--broadcast`, `--ttl`, `--no-loop`, `--interface` (send, chat).
    init(_ parsed: ParsedArguments) throws(UsageError) {
        self.init()
        bind = try parsed.value(Option.bind)
        broadcast = parsed.has(Option.broadcast)
        multicastHops = try parsed.value(Option.ttl)
        multicastLoop = !parsed.has(Option.noLoop)
        interface = try parsed.value(Option.interface)
    }
}

extension ReceivingOptions {
    /// `--stats`, `--reuse`, `--rcvbuf`, `--allow` (listen, chat, relay).
    init(_ parsed: ParsedArguments) throws(UsageError) {
        self.init()
        stats = parsed.has(Option.stats)
        reuseAddress = parsed.has(Option.reuse)
        receiveBuffer = try parsed.value(Option.rcvbuf)
        allow = try parsed.values(Option.allow).flatMap { $0 }
    }
}

/// `-4` / `-6`.
func parseFamily(_ parsed: ParsedArguments) throws(UsageError) -> AddressFamily? {
    switch (parsed.has(Option.ipv4), parsed.has(Option.ipv6)) {
    case (true, true): throw UsageError("-4 and -6 cannot be used together")
    case (true, false): return .v4
    case (false, true): return .v6
    case (false, false): return nil
    }
}
