/// `letter send [OPTIONS] ENDPOINT [MESSAGE ...]`.
public struct SendOptions: Equatable, Sendable {
    public var destination: Endpoint
    /// The MESSAGE words joined by single spaces; nil reads stdin.
    public var message: String?
    public var whole = false
    public var rawBytes = false
    public var encoding = "utf-8"
    public var inputEncoding = "utf-8"
    public var replaceErrors = false
    public var wait = false
    public var timeout: Double?
    public var rate: Double?
    /// `--chunk N`: stdin cut into N-byte datagrams, untouched.
    public var chunk: Int?
    public var family: AddressFamily?
    public var sending: SendingOptions
    public var display: DisplayOptions

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        let (destination, used) = try parseEndpoint(parsed.positionals, allowZeroPort: false)
        self.destination = destination
        try rejectInternetOptions(parsed, for: destination)
        let words = parsed.positionals.dropFirst(used)
        message = words.isEmpty ? nil : joinedWithSpaces(words)
        whole = parsed.has("--whole")
        rawBytes = parsed.has("--bytes")
        encoding = parsed.value("--encoding") ?? "utf-8"
        inputEncoding = parsed.value("--input-encoding") ?? "utf-8"
        if let text = parsed.value("--errors") {
            replaceErrors = try parseChoice(text, option: "--errors", as: EncodeErrorHandler.self) == .replace
        }
        wait = parsed.has("--wait")
        if let text = parsed.value("--timeout") { timeout = try parseSeconds(text, option: "--timeout") }
        if let text = parsed.value("--rate") { rate = try parseRate(text, option: "--rate") }
        if let text = parsed.value("--chunk") { chunk = try parseInteger(text, option: "--chunk", range: 1...65527) }
        sending = try SendingOptions(parsed)
        display = try DisplayOptions(parsed, errorsApply: false)
        // Conflicting or pointless flags, one line each.
        if whole && message != nil { throw UsageError("--whole sends stdin; it cannot be used with MESSAGE") }
        if chunk != nil && message != nil { throw UsageError("--chunk cuts stdin; it cannot be used with MESSAGE") }
        if chunk != nil && whole { throw UsageError("--chunk and --whole cannot be used together") }
        if timeout != nil && !wait { throw UsageError("--timeout bounds --wait; add -w") }
        for option in ["--format", "--bufsize", "--time"] where parsed.value(option) != nil && !wait {
            throw UsageError("\(option) shows the reply; it goes with -w")
        }
        let untouched = rawBytes ? "--bytes" : chunk != nil ? "--chunk" : nil
        if let untouched {
            for option in ["--encoding", "--input-encoding", "--errors"] where parsed.value(option) != nil {
                throw UsageError("\(untouched) sends input bytes untouched; it cannot be used with \(option)")
            }
        }

    }
}

/// The words with single spaces between them. (`joined(separator:)` costs a one-off
/// send a tenth of its start-up in generic metadata lookups.)
private func joinedWithSpaces(_ words: ArraySlice<String>) -> String {
    var message = ""
    for (index, word) in words.enumerated() {
        if index > 0 { message += " " }
        message += word
    }
    return message
}

func runSend(_ options: SendOptions) throws {
    let untouched = options.rawBytes || options.chunk != nil
    var encoder = try OutgoingEncoder(wire: options.encoding, input: options.inputEncoding,
                                      untouched: untouched, replaceErrors: options.replaceErrors)
    let replySink = options.wait ? try makePrintSink(options.display) : nil
    let destination = try resolveDestination(options.destination, family: options.family)
    let socket = try openSendingSocket(to: destination, bind: options.sending.bind, autobind: options.wait)
    try applySendingOptions(options.sending, to: socket, destination: destination)
    if replySink != nil {
        do throws(SystemCallError) {
            if !destination.isUnix { try socket.setReceiveErrors() }
            if options.display.time != nil { try socket.enableReceiveTimestamps() }
        } catch {
            throw RuntimeError("\(error.call) failed: \(error.errno)")
        }
    }

    /// What goes out: one datagram (MESSAGE, --whole), or one per record of a reader.
    enum Input {
        case one(ArraySlice<UInt8>, place: String)
        case records(LineReader, name: String)
    }
    let input: Input
    if let message = options.message {
        input = .one(Array(message.utf8)[...], place: "message")
    } else if options.whole {
        input = .one(try LineReader().readAll(tooLong: "longer than any datagram can carry"), place: "stdin")
    } else if let size = options.chunk {
        input = .records(LineReader(split: .chunks(size)), name: "chunk")
    } else if untouched || encoder.inputNewlineIsOneByte {
        input = .records(LineReader(split: .lines(keepCarriageReturn: untouched)), name: "line")
    } else {
        // UTF-16 or UTF-32 input: the newline is more than the byte 0x0A (which may stand
        // inside other characters), so stdin is decoded whole and split as UTF-8 text.
        let whole = try LineReader(limit: 64 << 20).readAll(
            tooLong: "with --input-encoding \(options.inputEncoding) it is decoded whole, and at most 64 MiB")
        let text = try encoder.decodeInput(whole)
        encoder = try OutgoingEncoder(wire: options.encoding, input: "utf-8", untouched: false,
                                      replaceErrors: options.replaceErrors)
        input = .records(LineReader(contents: text), name: "line")
    }
    switch input {
    case .one(let bytes, let place):
        let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, rate: options.rate)
        try sender.add(bytes, place: place)
        try sender.flush(on: socket)
    case .records(let reader, let name):
        let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, rate: options.rate, recordName: name)
        try sendLines(from: reader, sender: sender, on: socket)
    }

    if let replySink {
        // The first datagram from anyone, as `listen` would print it; -t SEC bounds the wait.
        let receiver = Receiver(sinks: [replySink], bufferSize: options.display.bufferSize, batchCapacity: 1)
        let ending: EventLoop.Ending
        do {
            ending = try EventLoop(receiver: receiver, count: 1, idleTimeout: options.timeout).run(socket)
            try receiver.flush()
        } catch is PortUnreachable {
            throw RuntimeError("port unreachable: nothing listens at \(destination.pythonRepr) (ICMP port unreachable)")
        }
        // Nothing came back within -t SEC.
        if ending == .idle { throw RuntimeError("no reply within \(formatSeconds(options.timeout!)) s") }  // idle needs -t
    }
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
