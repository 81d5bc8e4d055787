import LetterCore

/// `letter ping [OPTIONS] ENDPOINT [MESSAGE ...]`: round trips to any datagram service
/// that answers, with ping(8)'s figures.
public struct PingOptions: Equatable, Sendable {
    public var destination: Endpoint
    public var payload: PayloadOptions
    /// `-c`, `-i`, `--rate`, `-W`/`-t`, `-w`, `-q`, `--histogram`, `--expect`.
    public var settings = PingSettings()
    /// `-s SIZE`: the default request padded to SIZE bytes.
    public var size: Int?
    public var family: AddressFamily?
    public var bind: Endpoint?
    /// How replies are shown with `-f`; without it, ping(8)'s lines (`listenView` false).
    public var display: DisplayOptions
    public var listenView: Bool

    init(_ parsed: ParsedArguments) throws(UsageError) {
        let used: Int
        (destination, family, used) = try parseDestination(parsed)
        payload = try PayloadOptions(parsed, words: parsed.positionals.dropFirst(used))
        // Every request carries the same payload: `-` and --file read it whole.
        if payload.dashReadsStdin || payload.file != nil { payload.whole = true }
        settings.count = try parsed.value(Option.count)
        settings.interval = try parsed.value(Option.interval) ?? settings.interval
        settings.rate = try parsed.value(Option.rate)
        let timeout = try parsed.value(Option.timeout)
        settings.timeout = try parsed.value(Option.replyWait) ?? timeout ?? settings.timeout
        settings.deadline = try parsed.value(Option.deadline)
        settings.quiet = parsed.has(Option.quiet)
        settings.histogram = parsed.has(Option.histogram)
        let expectText = try parsed.value(Option.expect)
        settings.expectation = try parsed.value(Option.expectHex) ?? expectText.map(ReplyExpectation.init(text:))
        size = try parsed.value(Option.size)
        bind = try parsed.value(Option.bind)
        display = try DisplayOptions(parsed, ofReplies: true)
        listenView = parsed.isGiven(Option.format)
        // Conflicting or pointless flags, one line each.
        if !pingFormats.contains(display.format) {
            let names = pingFormats.map(\.rawValue)
            throw UsageError("-f \(display.format.rawValue) has no room for seq and time; use "
                + "\(names.dropLast().joined(separator: ", ")) or \(names.last!)")  // never empty: text has columns
        }
        if settings.interval > 0 && settings.interval < 0.001 {
            throw UsageError("invalid value '\(settings.interval)' for '--interval': expected 0, or 0.001 seconds or more")
        }
        if parsed.isGiven(Option.rate) && parsed.isGiven(Option.interval) {
            throw UsageError("--rate and --interval both set the pace; give one")
        }
        if parsed.isGiven(Option.replyWait) && parsed.isGiven(Option.timeout) { throw UsageError("-W and -t are the same; give one") }
        if parsed.isGiven(Option.expect) && parsed.isGiven(Option.expectHex) {
            throw UsageError("--expect and --expect-hex cannot be used together")
        }
        if size != nil && (payload.message != nil || payload.whole) {
            throw UsageError("-s pads the default request; a MESSAGE (or --whole) is sent as it is")
        }
        if parsed.isGiven(Option.time) && !listenView { throw UsageError("--time stamps the listen view; add -f text") }
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
    let requestPayload: Pinger.Payload
    if let (input, place) = try options.payload.singleInput() {
        let encoder = try OutgoingEncoder(options.payload.payloadEncoding())
        var bytes: [UInt8] = []
        try encoder.append(input, place: place, to: &bytes)
        requestPayload = .fixed(bytes)
    } else {
        requestPayload = .numbered(id: pingIdentifier(), size: options.size)
    }
    let display = options.display
    let printSink = options.listenView ? try PrintSink(display) : PrintSink.pingLines()
    // --expect TEXT looks for TEXT in the reply decoded as -e says.
    let expectDecoder = TextDecoder(encoding: display.encoding, errors: display.errors)
    if options.settings.expectation != nil && expectDecoder == nil { throw EncodingUnavailable(encoding: display.encoding) }
    let pinger = Pinger(destination: destination, payload: requestPayload, printSink: printSink, settings: options.settings,
                        expectDecoder: expectDecoder)
    let signals = try watchSignals()
    writeDiagnostic("pinging \(destination.pythonRepr) from \(try boundAddress(of: socket).pythonRepr)")
    let answered = try pinger.run(on: socket, bufferSize: display.bufferSize, signals: signals.descriptor)
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
    options: { OptionGroups.writing + [
        Option.encodeErrors.spec(),
        Option.bytes.spec(help: "Send the input bytes untouched (with --whole: a binary query)."),
    ] + OptionGroups.notations(input: "MESSAGE (or the input)") + [
        Option.file.spec(help: "Each request is all of PATH (a DNS query, say)."),
        Option.whole.spec(help: "Each request is all of stdin (a DNS query, say)."),
        Option.size.spec(),
        Option.count.spec(help: "Stop after N requests (default: until Ctrl-C); with -w, after N replies."),
        Option.interval.spec(help: "Seconds between requests (default: 1; 0: the next as soon as one is answered)."),
        Option.rate.spec(help: "Send N requests a second whatever the replies (latency under load; not with -i)."),
        Option.replyWait.spec(),
        Option.timeout.spec(help: "How long a request waits for its reply (default: 2); ping(8) spells it -W."),
        Option.deadline.spec(),
        Option.expect.spec(help: "A reply must contain TEXT; one that does not is counted as mismatched, not received."),
        Option.expectHex.spec(help: "A reply's bytes must contain HEX; one that does not is counted as mismatched."),
        Option.quiet.spec(help: "No line per reply or lost request: only the summary."),
        Option.histogram.spec(),
        Option.bind.spec(help: "Source address to send from."),
    ] + OptionGroups.display + OptionGroups.family },
    page: {
        SubcommandPage(
            usage: "letter ping [OPTIONS] ENDPOINT [MESSAGE ...]",
            arguments: [
                ("ENDPOINT", "The service: HOST PORT (HOST:PORT and [IPv6]:PORT work too), a unix socket PATH, or @NAME."),
                ("MESSAGE", "What each request carries (default: 'letter-ping ID seq=N'); --whole or '-' sends stdin instead."),
            ],
            formats: pingFormats,
            examples: [
                "letter ping -c 3 127.0.0.1 9000              # an echo server, or the notes' server that answers hi",
                "letter ping -i 0 -c 1000 127.0.0.1 9000      # as fast as answers come",
                "letter ping --bytes --whole 127.0.0.1 53 < query.bin",
                "letter ping -q --histogram --rate 1000 -c 10000 127.0.0.1 9000   # latency under load",
                "letter ping --hex 127.0.0.1 9000 'de ad be ef'",
            ],
            discussion: "Each reply prints as ping(8) prints it (-f shows it as listen does, with seq and time); only the "
                + "destination's address and port answer. Ends after -c N requests (each answered or timed out), at the -w "
                + "deadline, or on Ctrl-C / SIGTERM, with iputils ping's summary on stdout (on stderr when stdout cannot "
                + "be written); status 0 when any (matching) reply came, 1 when none did.")
    },
    parse: { parsed throws(UsageError) in try PingOptions(parsed) }, run: { try runPing($0) })
