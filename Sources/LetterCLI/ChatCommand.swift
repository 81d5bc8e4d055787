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
    let printSink = try PrintSink(options.display)
    let encoder = try OutgoingEncoder(PayloadEncoding(wire: options.encoding, input: options.inputEncoding,
                                                      untouched: false, replaceErrors: false))
    guard encoder.inputNewlineIsOneByte else {
        throw UsageError("chat reads stdin line by line; use an ASCII-compatible --input-encoding, not \(options.inputEncoding.name)")
    }
    let destination = try resolveDestination(options.peer, family: options.family)
    // The peer answers to this socket's address: without -b, any port (or, to a unix
    // peer, an abstract name the kernel picks).
    let socket = try openSendingSocket(to: destination, bind: options.sending.bind,
                                       autobind: true, reuseAddress: options.receiving.reuseAddress)
    try rejectMulticastOptions(options.sending, destination: destination)
    try applySendingOptions(options.sending, to: socket)
    let receiver = Receiver(sinks: [printSink], bufferSize: options.display.bufferSize, allow: options.receiving.allow)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("chatting with \(destination.pythonRepr) from \(try boundAddress(of: socket).pythonRepr)")
    let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, interval: nil)
    try chat(on: socket, receiver: receiver, sender: sender, signals: signals.descriptor, linger: options.lingerAfterInput)
}
