/// `letter ping [OPTIONS] ENDPOINT [MESSAGE ...]`: round trips to any datagram service
/// that answers, with ping(8)'s figures.
public struct PingOptions: Equatable, Sendable {
    public var destination: Endpoint
    public var payload: PayloadOptions
    /// `-c N`: stop after N requests (default: until Ctrl-C).
    public var count: Int?
    /// `-i SEC`: between requests (default 1; 0: the next as soon as one is done).
    public var interval = 1.0
    /// `-t SEC`: how long each request waits for its reply (default 2).
    public var timeout = 2.0
    public var family: AddressFamily?
    public var bind: Endpoint?
    public var display: DisplayOptions

    init(_ parsed: ParsedArguments) throws(UsageError) {
        let used: Int
        (destination, family, used) = try parseDestination(parsed)
        payload = try PayloadOptions(parsed, words: parsed.positionals.dropFirst(used))
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int(Int32.max)) }
        if let text = parsed.value(.interval) { interval = try parseSeconds(text, option: .interval, allowZero: true) }
        if let text = parsed.value(.timeout) { timeout = try parseSeconds(text, option: .timeout) }
        if let text = parsed.value(.bind) { bind = try parseBindAddress(text) }
        display = try DisplayOptions(parsed, errorsApply: false)
        if display.format.printer.columnPlacement == .none {
            throw UsageError("-f \(display.format.rawValue) has no room for seq and time; use text, tuple, json, lines or hex")
        }
        if interval > 0 && interval < 0.001 { throw UsageError("invalid value '\(interval)' for '--interval': expected 0, or 0.001 seconds or more") }
    }
}

/// Sends the requests, prints the replies, then the summary on stdout. Ends with status
/// 1 when no reply came at all.
func runPing(_ options: PingOptions) throws {
    let destination = try resolveDestination(options.destination, family: options.family)
    let socket = try openSendingSocket(to: destination, bind: options.bind, autobind: true)
    do throws(SystemCallError) {
        // ICMP port unreachable reported at once; the kernel's receive time for the RTT.
        if !destination.isUnix { try socket.setReceiveErrors() }
        try socket.enableReceiveTimestamps()
    } catch {
        throw RuntimeError("\(error.call) failed: \(error.errno)")
    }
    let requestPayload: Pinger.Payload
    if let (input, place) = try options.payload.singleInput() {
        let encoder = try options.payload.encoder()
        var bytes: [UInt8] = []
        try encoder.append(input, place: place, to: &bytes)
        requestPayload = .fixed(bytes)
    } else {
        requestPayload = .numbered(id: pingIdentifier())
    }
    let printSink = try makePrintSink(options.display)
    let pinger = Pinger(destination: destination, payload: requestPayload, printSink: printSink, count: options.count,
                        interval: options.interval, timeout: options.timeout)
    let receiver = Receiver(sinks: [pinger], bufferSize: options.display.bufferSize)
    let signals = try watchSignals()
    writeDiagnostic("pinging \(destination.pythonRepr) from \(try boundAddress(of: socket).pythonRepr)")
    let loop = EventLoop(receiver: receiver, signals: signals.descriptor, timer: pinger)
    var running = true
    while running {
        do {
            _ = try loop.run(socket)
            running = false
        } catch is PortUnreachable {
            // The service is not there (yet): this request is lost, the next one goes on time.
            pinger.noteUnreachable()
        }
    }
    try receiver.flush()
    let figures = pinger.figures
    let elapsed = pinger.firstSendAt.map { Double(monotonicNanoseconds() &- $0) / 1e6 } ?? 0
    do {
        try writeAll(standardOutput, ArraySlice(pingSummary(figures, milliseconds: elapsed, json: printSink.writesFields)))
    } catch {
        throw outputFailure(error.error)
    }
    if figures.received == 0 { throw ExitStatus(code: 1) }
}

/// ping(8)'s closing lines, or one JSON object with `"summary": true`.
func pingSummary(_ figures: PingStatistics, milliseconds elapsed: Double, json: Bool) -> [UInt8] {
    var out: [UInt8] = []
    func milliseconds(_ value: Double) { appendMilliseconds(value, to: &out) }
    let time = Int(elapsed.rounded())
    if json {
        out.append(contentsOf: "{\"summary\": true, \"sent\": \(figures.sent), \"received\": \(figures.received), ".utf8)
        out.append(contentsOf: "\"duplicates\": \(figures.duplicates), \"late\": \(figures.late), ".utf8)
        out.append(contentsOf: "\"loss_pct\": \(shortDecimal(figures.lossPercent)), \"time_ms\": \(time)".utf8)
        for (name, value) in [("min", figures.minimum), ("avg", figures.average), ("max", figures.maximum),
                              ("mdev", figures.deviation)] {
            out.append(contentsOf: ", \"rtt_\(name)_ms\": ".utf8)
            if figures.received > 0 { milliseconds(value) } else { out.append(contentsOf: "null".utf8) }
        }
        out.append(contentsOf: "}\n".utf8)
        return out
    }
    out.append(contentsOf: "\(figures.sent) sent, \(figures.received) received".utf8)
    if figures.duplicates > 0 { out.append(contentsOf: ", +\(figures.duplicates) duplicates".utf8) }
    if figures.late > 0 { out.append(contentsOf: ", +\(figures.late) late".utf8) }
    out.append(contentsOf: ", \(shortDecimal(figures.lossPercent))% loss, time \(time) ms\n".utf8)
    if figures.received > 0 {
        out.append(contentsOf: "rtt min/avg/max/mdev = ".utf8)
        milliseconds(figures.minimum)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.average)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.maximum)
        out.append(UInt8(ascii: "/"))
        milliseconds(figures.deviation)
        out.append(contentsOf: " ms\n".utf8)
    }
    return out
}

/// A number as C's `%g` writes it (ping(8)'s loss): at most six significant digits,
/// no trailing zeros: `20`, `33.3333`, `0.1`.
func shortDecimal(_ value: Double) -> String {
    if value == value.rounded() { return String(Int(value)) }
    let digitsBeforePoint = value >= 1 ? String(Int(value)).count : 1
    let scale = pow10(max(0, 6 - digitsBeforePoint))
    var text = String(Int((value * Double(scale)).rounded()))
    let decimals = max(0, 6 - digitsBeforePoint)
    while text.count <= decimals { text = "0" + text }
    text.insert(".", at: text.index(text.endIndex, offsetBy: -decimals))
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text
}

private func pow10(_ exponent: Int) -> Int {
    var value = 1
    for _ in 0..<exponent { value *= 10 }
    return value
}

/// The ID in default payloads, fixed for the run: four hex digits of the process id
/// and the time, so two pings to one echo server tell their replies apart.
private func pingIdentifier() -> String {
    let seed = UInt64(UInt32(bitPattern: processIdentifier())) &* 2_654_435_761 ^ monotonicNanoseconds()
    let digits = Array("0123456789abcdef")
    return String((0..<4).map { digits[Int(seed >> (4 * UInt64($0)) & 15)] })
}

/// Ends letter with `code` and nothing more said: what had to be said is said.
struct ExitStatus: Error {
    let code: Int32
}
