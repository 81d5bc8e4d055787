import LetterCore

/// `letter listen [OPTIONS] [HOST] PORT` and `letter listen [OPTIONS] PATH|@NAME`.
public struct ListenOptions: Equatable, Sendable {
    public var bind: Endpoint
    public var family: AddressFamily?
    public var display: DisplayOptions
    public var receiving: ReceivingOptions
    public var count: Int?
    public var idleTimeout: Double?
    public var replyText: String?
    public var echo = false
    public var replyRate = 10.0
    /// `--join`: multicast groups, checked to be multicast addresses.
    public var groups: [Peer] = []
    public var interface: String?
    /// `--pcap FILE` and any other file kept beside the view.
    public var kept: KeptFiles

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        replyText = try parsed.value(Option.reply)
        try refuseWhatPcapKeepsItself(parsed, encodingApplies: replyText != nil)
        display = try DisplayOptions(parsed, ofReplies: false)
        receiving = try ReceivingOptions(parsed)
        bind = try parseListeningEndpoint(parsed)
        kept = try KeptFiles(parsed, format: display.format, endpoints: [bind])
        count = try parsed.value(Option.count)
        idleTimeout = try parsed.value(Option.timeout)
        echo = parsed.has(Option.echo)
        if parsed.isGiven(Option.replyRate) && replyText == nil && !echo {
            throw UsageError("--reply-rate limits replies; it goes with --reply or --echo")
        }
        if display.format == .raw && parsed.isGiven(Option.encoding) && replyText == nil {
            throw UsageError("-f raw writes the bytes as received; --encoding does not apply")
        }
        replyRate = try parsed.value(Option.replyRate) ?? replyRate
        interface = try parsed.value(Option.interface)
        // Conflicting flags, one line each.
        if replyText != nil && echo { throw UsageError("--reply and --echo cannot be used together") }
        groups = try parsed.values(Option.join)
        if interface != nil && groups.isEmpty { throw UsageError("--interface goes with --join") }
    }
}

func runListen(_ options: ListenOptions) throws {
    var sinks: [any DatagramSink] = try displaySinks(options.display)
    if options.echo { sinks.append(ReplySink(.echo, rate: options.replyRate)) }
    if let text = options.replyText {
        sinks.append(ReplySink(.text(try encodeReply(text, encoding: options.display.encoding)), rate: options.replyRate))
    }
    let address = try resolveBindAddress(options.bind, family: options.family)
    // No SO_REUSEADDR unless asked (or needed to share a multicast group): a second
    // listener must fail as Python's bind does, never silently take the traffic.
    let socket = try openBoundSocket(address, reuseAddress: options.receiving.reuseAddress || !options.groups.isEmpty)
    try joinGroups(options.groups, interface: options.interface, on: socket)
    sinks += try options.kept.sinks()
    let bound = try boundAddress(of: socket)
    let receiver = Receiver(sinks: sinks, bufferSize: options.display.bufferSize, allow: options.receiving.allow,
                            capturePort: options.kept.capturing(options.display) ? bound.port : nil)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("listening on \(bound.pythonRepr)")
    let loop = EventLoop(receiver: receiver, signals: signals.descriptor, count: options.count,
                         idleTimeout: options.idleTimeout)
    try loop.runThenSummarize(socket, always: options.receiving.stats)
}

/// `--reply TEXT` in the wire encoding, checked once at start.
func encodeReply(_ text: String, encoding: TextEncoding) throws -> [UInt8] {
    guard let encoder = TextEncoder(encoding: encoding, replaceUnencodable: false) else {
        throw EncodingUnavailable(encoding: encoding)
    }
    var bytes: [UInt8] = []
    do {
        try encoder.encode(text.argumentBytes[...], appendingTo: &bytes)
    } catch {
        throw UsageError("--reply text, column \(error.column): \(error.character) cannot be encoded in \(encoding.name)")
    }
    return bytes
}

let listenSpec = SubcommandSpec(
    name: "listen",
    abstract: "Print every letter that arrives on a port or a unix socket.",
    options: { [Option.encoding.spec(), Option.decodeErrors.spec(), Option.bytes.spec()] + OptionGroups.display + [
        Option.count.spec(),
        Option.timeout.spec(),
        Option.reply.spec(),
        Option.echo.spec(),
        Option.replyRate.spec(),
        Option.join.spec(),
        Option.interface.spec(help: "Interface for --join."),
    ] + OptionGroups.keeping() + OptionGroups.receiving.map { $0.key == Option.reuse.long ? Option.reuse.spec() : $0 } + OptionGroups.listeningFamily },
    page: {
        SubcommandPage(
            usage: "letter listen [OPTIONS] [HOST] PORT | PATH | @NAME",
            arguments: [
                ("HOST", "Address to bind (default: every interface, like Python's ''; '::' with -6, dual-stack)."),
                ("PORT", "Port to bind; 0 picks a free one (shown in the 'listening on' line)."),
                ("PATH | @NAME", "A unix datagram socket to bind instead: a path (a stale socket file is replaced, and "
                    + "the file is removed at exit) or a name in the abstract namespace."),
            ],
            examples: [
                "letter listen 9000",
                "letter listen -e gbk 127.0.0.1 9000",
                "letter listen -f tuple -c 1 0",
                "letter listen -6 --reply hi 9000",
                "letter listen -f pcap 9000 | wireshark -k -i -    # or | tshark -i -",
                "letter listen --pcap dns.pcap 5353      # print as usual, and keep a capture",
                "letter listen /tmp/log.sock             # then: logger -u /tmp/log.sock hello",
            ],
            discussion: "Ends after -c N datagrams, -t SEC idle seconds, or on Ctrl-C / SIGTERM (exit 0, with a summary).")
    },
    parse: { parsed throws(UsageError) in try ListenOptions(parsed) }, run: { try runListen($0) })
