import LetterCore

/// `letter chat [OPTIONS] ENDPOINT`: stdin lines out, arriving datagrams printed, in one
/// poll loop over the socket, stdin and the signal descriptor.
public struct ChatOptions: Equatable, Sendable {
    public var peer: Endpoint
    public var family: AddressFamily?
    public var encoding: TextEncoding
    public var inputEncoding: TextEncoding
    public var display: DisplayOptions
    public var sending: SendingOptions
    public var receiving: ReceivingOptions
    public var lingerAfterInput: Double?
    /// `--pcap FILE` and any other file kept beside the view.
    public var kept: KeptFiles
    /// `--join`: multicast groups to hear (a chat over a group), on `--interface`.
    public var groups: [Peer]

    init(_ parsed: ParsedArguments) throws(UsageError) {
        let used: Int
        (peer, family, used) = try parseDestination(parsed)
        if parsed.positionals.count > used { throw UsageError("unexpected argument '\(parsed.positionals[used])'") }
        encoding = try parsed.encoding(Option.encoding)
        inputEncoding = try parsed.encoding(Option.inputEncoding)
        // -e encodes the lines sent: it applies with -f pcap too.
        try refuseWhatPcapKeepsItself(parsed, encodingApplies: true)
        display = try DisplayOptions(parsed, ofReplies: false)
        kept = try KeptFiles(parsed, format: display.format, endpoints: [peer])
        sending = try SendingOptions(parsed)
        receiving = try ReceivingOptions(parsed)
        lingerAfterInput = try parsed.value(Option.timeout)
        groups = try parsed.values(Option.join)
    }
}

func runChat(_ options: ChatOptions) throws {
    let displayed = try displaySinks(options.display)
    let encoder = try OutgoingEncoder(PayloadEncoding(wire: options.encoding, input: options.inputEncoding,
                                                      untouched: false, replaceErrors: false))
    guard encoder.inputNewlineIsOneByte else {
        throw UsageError("chat reads stdin line by line; use an ASCII-compatible --input-encoding, not \(options.inputEncoding.name)")
    }
    let destination = try resolveDestination(options.peer, family: options.family)
    // The peer answers to this socket's address: without -b, any port (or, to a unix
    // peer, an abstract name the kernel picks).
    // Hearing a group shares its port with the group's other members on this host.
    let socket = try openSendingSocket(to: destination, bind: options.sending.bind,
                                       autobind: true, reuseAddress: options.receiving.reuseAddress || !options.groups.isEmpty)
    try joinGroups(options.groups, interface: options.sending.interface, on: socket)
    try rejectMulticastOptions(options.sending, destination: destination)
    try applySendingOptions(options.sending, to: socket)
    let bound = try boundAddress(of: socket)
    let receiver = Receiver(sinks: displayed + (try options.kept.sinks()), bufferSize: options.display.bufferSize,
                            allow: options.receiving.allow,
                            capturePort: options.kept.capturing(options.display) ? bound.port : nil)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("chatting with \(destination.pythonRepr) from \(bound.pythonRepr)")
    let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, pace: nil)
    try chat(on: socket, receiver: receiver, sender: sender, signals: signals.descriptor, linger: options.lingerAfterInput)
}

let chatSpec = SubcommandSpec(
    name: "chat",
    abstract: "Send stdin lines to a peer and print what arrives, in one terminal.",
    options: { OptionGroups.writing + [
        Option.join.spec(help: "Hear this multicast group too (repeatable; bind its port with -b); --interface picks the interface."),
        Option.decodeErrors.spec(),
        Option.bytes.spec(),
        Option.timeout.spec(help: "After stdin ends, keep listening until SEC seconds pass with nothing received."),
    ] + OptionGroups.keeping() + OptionGroups.display + OptionGroups.sending + OptionGroups.receiving + OptionGroups.family },
    page: {
        SubcommandPage(
            usage: "letter chat [OPTIONS] ENDPOINT",
            arguments: [
                ("ENDPOINT", "The peer: HOST PORT (HOST:PORT and [IPv6]:PORT work too), a unix socket PATH, or @NAME."),
            ],
            examples: [
                "letter chat -b 9001 127.0.0.1 9002    # and in another terminal:",
                "letter chat -b 9002 127.0.0.1 9001",
            ],
            discussion: "Ends at end of stdin (Ctrl-D) or on Ctrl-C / SIGTERM, printing the summary.")
    },
    parse: { parsed throws(UsageError) in try ChatOptions(parsed) }, run: { try runChat($0) })
