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
        count = try parsed.value(Option.count)
        interval = try parsed.value(Option.interval) ?? interval
        timeout = try parsed.value(Option.timeout) ?? timeout
        bind = try parsed.value(Option.bind)
        display = try DisplayOptions(parsed, ofReplies: true)
        if !pingFormats.contains(display.format) {
            let names = pingFormats.map(\.rawValue)
            throw UsageError("-f \(display.format.rawValue) has no room for seq and time; use "
                + "\(names.dropLast().joined(separator: ", ")) or \(names.last!)")  // never empty: text has columns
        }
        if interval > 0 && interval < 0.001 { throw UsageError("invalid value '\(interval)' for '--interval': expected 0, or 0.001 seconds or more") }
    }
}

/// The formats with room for ping's seq and time.
private let pingFormats = RecordFormat.allCases.filter { $0.printer.showsColumns }

/// Sends the requests, prints the replies, then the summary on stdout. Ends with status
/// 1 when no reply came at all.
func runPing(_ options: PingOptions) throws {
    let destination = try resolveDestination(options.destination, family: options.family)
    let socket = try openSendingSocket(to: destination, bind: options.bind, autobind: true)
    // ICMP port unreachable at once, and the kernel's receive times for the RTTs.
    try listenForReplies(on: socket, from: destination, timestamps: true)
    let requestPayload: PingPayload
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

let pingSpec = SubcommandSpec(
    name: "ping",
    abstract: "Round trips to any datagram service that answers, with ping's figures.",
    page: {
        SubcommandPage(
            usage: "letter ping [OPTIONS] ENDPOINT [MESSAGE ...]",
            arguments: [
                ("ENDPOINT", "The service: HOST PORT (HOST:PORT and [IPv6]:PORT work too), a unix socket PATH, or @NAME."),
                ("MESSAGE", "What each request carries (default: 'letter-ping ID seq=N'); --whole or '-' sends stdin instead."),
            ],
            options: OptionGroups.writing + [
                Option.encodeErrors.spec(),
                Option.bytes.spec(help: "Send the input bytes untouched (with --whole: a binary query)."),
                Option.hex.spec(help: "MESSAGE (or the input) is bytes in hex: 'de ad be ef', '0xde,0xad'."),
                Option.file.spec(help: "Each request is all of PATH (a DNS query, say)."),
                Option.whole.spec(help: "Each request is all of stdin (a DNS query, say)."),
                Option.count.spec(help: "Stop after N requests (default: until Ctrl-C)."),
                Option.interval.spec(help: "Seconds between requests (default: 1; 0: the next as soon as one is answered)."),
                Option.timeout.spec(help: "How long a request waits for its reply (default: 2)."),
                Option.bind.spec(help: "Source address to send from."),
            ] + OptionGroups.display + OptionGroups.family,
            formats: pingFormats,
            examples: [
                "letter ping -c 3 127.0.0.1 9000              # an echo server, or the notes' server that answers hi",
                "letter ping -i 0 -c 1000 127.0.0.1 9000      # as fast as answers come",
                "letter ping --bytes --whole 127.0.0.1 53 < query.bin",
                "letter ping --hex 127.0.0.1 9000 'de ad be ef'",
            ],
            discussion: "Ends after -c N requests (each answered or timed out) or on Ctrl-C / SIGTERM, with the summary on "
                + "stdout; status 0 when any reply came, 1 when none did.")
    },
    parse: PingOptions.init, run: runPing)
