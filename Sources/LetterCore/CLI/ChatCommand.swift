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

    init(_ parsed: ParsedArguments) throws(UsageError) {
        let used: Int
        (peer, family, used) = try parseDestination(parsed)
        if parsed.positionals.count > used { throw UsageError("unexpected argument '\(parsed.positionals[used])'") }
        encoding = try parseEncoding(parsed.value(.encoding), option: .encoding)
        inputEncoding = try parseEncoding(parsed.value(.inputEncoding), option: .inputEncoding)
        display = try DisplayOptions(parsed, errorsApply: true)
        sending = try SendingOptions(parsed)
        receiving = try ReceivingOptions(parsed)
        if let text = parsed.value(.timeout) { lingerAfterInput = try parseSeconds(text, option: .timeout) }
    }
}

func runChat(_ options: ChatOptions) throws {
    let printSink = try makePrintSink(options.display)
    let encoder = try OutgoingEncoder(wire: options.encoding, input: options.inputEncoding, untouched: false, replaceErrors: false)
    guard encoder.inputNewlineIsOneByte else {
        throw UsageError("chat reads stdin line by line; use an ASCII-compatible --input-encoding, not \(options.inputEncoding.name)")
    }
    let destination = try resolveDestination(options.peer, family: options.family)
    // The peer answers to this socket's address: without -b, any port (or, to a unix
    // peer, an abstract name the kernel picks).
    let socket = try openSendingSocket(to: destination, bind: options.sending.bind,
                                       autobind: true, reuseAddress: options.receiving.reuseAddress)
    try applySendingOptions(options.sending, to: socket, destination: destination)
    let receiver = Receiver(sinks: [printSink], bufferSize: options.display.bufferSize, allow: options.receiving.allow)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("chatting with \(destination.pythonRepr) from \(try boundAddress(of: socket).pythonRepr)")

    let reader = LineReader()
    let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, interval: nil)
    let loop = EventLoop(receiver: receiver, signals: signals.descriptor, input: standardInput)
    try loop.runThenSummarize(socket, always: true, onInput: {
        let more = try reader.fill()
        while let line = reader.nextBufferedLine() {
            do throws(RuntimeError) {
                try sender.add(line, place: "line \(reader.lineNumber)")
            } catch {
                // A line that cannot be encoded or is too long is reported and skipped;
                // the conversation goes on.
                writeDiagnostic("letter: \(error.message)")
                continue
            }
            // A send the kernel refuses (a broadcast address without --broadcast, no route)
            // would fail for every line alike, so it ends the chat as it ends `send`.
            try sender.flush(on: socket)
        }
        return more && !reader.atEnd
    }, then: { ending in
        // After stdin ends, -t SEC keeps listening for late replies until SEC idle seconds.
        guard ending == .input, let linger = options.lingerAfterInput else { return ending }
        let lingering = EventLoop(receiver: receiver, signals: signals.descriptor, idleTimeout: linger)
        return try lingering.run(socket)
    })
}
