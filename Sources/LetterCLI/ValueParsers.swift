import LetterCore

/// Option values checked against their range; the bad input is echoed back.

func parseInteger(_ text: String, option: OptionKey, range: ClosedRange<Int>) throws(UsageError) -> Int {
    guard let value = Int(text), range.contains(value) else {
        throw UsageError("invalid value '\(text)' for '\(option.rawValue)': expected a whole number from \(range.lowerBound) to \(range.upperBound)")
    }
    return value
}

/// Seconds up to 1,000,000 (11 days), more than 0 (or 0 itself when `allowZero`).
func parseSeconds(_ text: String, option: OptionKey, allowZero: Bool = false) throws(UsageError) -> Double {
    guard let value = Double(text), value.isFinite, value > 0 || (allowZero && value == 0), value <= 1e6 else {
        let least = allowZero ? "0 or more" : "greater than 0"
        throw UsageError("invalid value '\(text)' for '\(option.rawValue)': expected seconds \(least), such as 2 or 0.5")
    }
    return value
}

/// A rate per second from 0.001 to 10,000,000: slow enough for one a quarter-hour, and
/// its interval in nanoseconds always fits the pacing clock.
func parseRate(_ text: String, option: OptionKey) throws(UsageError) -> Double {
    guard let value = Double(text), value.isFinite, value >= 0.001, value <= 10_000_000 else {
        throw UsageError("invalid value '\(text)' for '\(option.rawValue)': expected datagrams per second from 0.001 to 10000000")
    }
    return value
}

/// An encoding by any name letter accepts (Python's spellings, iconv's names).
func parseEncoding(_ text: String?, option: OptionKey) throws(UsageError) -> TextEncoding {
    // The default, utf-8, is the table's first row.
    guard let text else { return encodingTable[0] }
    guard let encoding = lookupEncoding(text) else {
        throw UsageError("unknown encoding '\(text)' for '\(option.rawValue)'; 'letter encodings' lists the ones that work here")
    }
    return encoding
}

func parseChoice<Choice: RawRepresentable & CaseIterable>(_ text: String, option: OptionKey, as type: Choice.Type)
    throws(UsageError) -> Choice where Choice.RawValue == String {
    if let choice = Choice(rawValue: text.lowercased()) { return choice }
    let names = Choice.allCases.map(\.rawValue)
    throw UsageError("invalid value '\(text)' for '\(option.rawValue)': expected one of \(names.joined(separator: ", "))")
}

extension DisplayOptions {
    /// `-f`, `--bytes`, `-e`, `--errors` (when `errorsApply`), `--bufsize` and `--time`
    /// (listen, chat, send --wait, ping, relay).
    init(_ parsed: ParsedArguments, errorsApply: Bool) throws(UsageError) {
        // -f is checked before -e, so that of two mistakes the same one is named as before.
        var format = RecordFormat.text
        if let text = parsed.value(.format) { format = try parseChoice(text, option: .format, as: RecordFormat.self) }
        self.init(encoding: try parseEncoding(parsed.value(.encoding), option: .encoding))
        self.format = format
        showBytes = parsed.has(.bytes)
        if errorsApply, let text = parsed.value(.errors) {
            errors = try parseChoice(text, option: .errors, as: DecodeErrorHandler.self)
        }
        if let text = parsed.value(.bufsize) { bufferSize = try parseInteger(text, option: .bufsize, range: 1...(1 << 20)) }
        if let text = parsed.value(.time) { time = try parseChoice(text, option: .time, as: TimeMode.self) }
        if time != nil && !format.printer.showsColumns {
            throw UsageError("--time has no place in -f \(format.rawValue), which writes the payload bytes alone")
        }
    }
}

extension SendingOptions {
    /// `-b`, `--broadcast`, `--ttl`, `--no-loop`, `--interface` (send, chat).
    init(_ parsed: ParsedArguments) throws(UsageError) {
        self.init()
        if let text = parsed.value(.bind) { bind = try parsingEndpoint { () throws(EndpointError) in try parseBindAddress(text) } }
        broadcast = parsed.has(.broadcast)
        if let text = parsed.value(.ttl) { multicastHops = try parseInteger(text, option: .ttl, range: 0...255) }
        multicastLoop = !parsed.has(.noLoop)
        interface = parsed.value(.interface)
    }
}

extension ReceivingOptions {
    /// `--stats`, `--reuse`, `--rcvbuf`, `--allow` (listen, chat, relay).
    init(_ parsed: ParsedArguments) throws(UsageError) {
        self.init()
        stats = parsed.has(.stats)
        reuseAddress = parsed.has(.reuse)
        if let text = parsed.value(.rcvbuf) {
            receiveBuffer = try parseInteger(text, option: .rcvbuf, range: 1024...(1 << 30))
        }
        for list in parsed.values(.allow) {
            // An empty item ('', ',', 'a,,b') would leave the filter looser than written.
            for item in list.split(separator: ",", omittingEmptySubsequences: false) {
                guard !item.isEmpty, let network = Network(String(item)) else {
                    let what = item.isEmpty ? "an empty network in '\(list)'" : "invalid network '\(item)'"
                    throw UsageError("\(what) for '--allow': expected addresses or CIDRs such as 10.0.0.0/8,::1")
                }
                allow.append(network)
            }
        }
    }
}

/// `-4` / `-6`.
func parseFamily(_ parsed: ParsedArguments) throws(UsageError) -> AddressFamily? {
    switch (parsed.has(.ipv4), parsed.has(.ipv6)) {
    case (true, true): throw UsageError("-4 and -6 cannot be used together")
    case (true, false): return .v4
    case (false, true): return .v6
    case (false, false): return nil
    }
}
