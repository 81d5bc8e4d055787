import LetterCore

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
        // Every request carries the same payload: `-` and --file read it whole.
        if payload.dashReadsStdin || payload.file != nil { payload.whole = true }
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int(Int32.max)) }
        if let text = parsed.value(.interval) { interval = try parseSeconds(text, option: .interval, allowZero: true) }
        if let text = parsed.value(.timeout) { timeout = try parseSeconds(text, option: .timeout) }
        if let text = parsed.value(.bind) { bind = try parsingEndpoint { () throws(EndpointError) in try parseBindAddress(text) } }
        display = try DisplayOptions(parsed, errorsApply: false)
        if !display.format.printer.showsColumns {
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
    // ICMP port unreachable at once, and the kernel's receive times for the RTTs.
    try listenForReplies(on: socket, from: destination, timestamps: true)
    let requestPayload: Pinger.Payload
    if let (input, place) = try options.payload.singleInput() {
        let encoder = try OutgoingEncoder(options.payload.payloadEncoding())
        var bytes: [UInt8] = []
        try encoder.append(input, place: place, to: &bytes)
        requestPayload = .fixed(bytes)
    } else {
        requestPayload = .numbered(id: pingIdentifier())
    }
    let pinger = Pinger(destination: destination, payload: requestPayload, printSink: try PrintSink(options.display),
                        count: options.count, interval: options.interval, timeout: options.timeout)
    let signals = try watchSignals()
    writeDiagnostic("pinging \(destination.pythonRepr) from \(try boundAddress(of: socket).pythonRepr)")
    let answered = try pinger.run(on: socket, bufferSize: options.display.bufferSize, signals: signals.descriptor)
    if !answered { throw ExitStatus(code: 1) }
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
