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

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        display = try DisplayOptions(parsed, errorsApply: true)
        receiving = try ReceivingOptions(parsed)
        bind = try parseListeningEndpoint(parsed)
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int.max) }
        if let text = parsed.value(.timeout) { idleTimeout = try parseSeconds(text, option: .timeout) }
        replyText = parsed.value(.reply)
        echo = parsed.has(.echo)
        if parsed.value(.replyRate) != nil && replyText == nil && !echo {
            throw UsageError("--reply-rate limits replies; it goes with --reply or --echo")
        }
        if display.format == .raw && parsed.value(.encoding) != nil && replyText == nil {
            throw UsageError("-f raw writes the bytes as received; --encoding does not apply")
        }
        if let text = parsed.value(.replyRate) {
            replyRate = Double(try parseInteger(text, option: .replyRate, range: 1...1_000_000))
        }
        interface = parsed.value(.interface)
        // Conflicting flags, one line each.
        if replyText != nil && echo { throw UsageError("--reply and --echo cannot be used together") }
        for text in parsed.values(.join) {
            guard let group = parseIPAddress(text), group.isMulticast else {
                throw UsageError("invalid multicast group '\(text)' for '--join': expected an address such as 239.1.2.3 or ff02::1234")
            }
            groups.append(group)
        }
        if interface != nil && groups.isEmpty { throw UsageError("--interface goes with --join") }
    }
}

func runListen(_ options: ListenOptions) throws {
    var sinks: [any DatagramSink] = [try PrintSink(options.display)]
    if options.echo { sinks.append(ReplySink(.echo, rate: options.replyRate)) }
    if let text = options.replyText {
        sinks.append(ReplySink(.text(try encodeReply(text, encoding: options.display.encoding)), rate: options.replyRate))
    }
    let address = try resolveBindAddress(options.bind, family: options.family)
    // No SO_REUSEADDR unless asked (or needed to share a multicast group): a second
    // listener must fail as Python's bind does, never silently take the traffic.
    let socket = try openBoundSocket(address, reuseAddress: options.receiving.reuseAddress || !options.groups.isEmpty)
    try joinGroups(options.groups, interface: options.interface, on: socket)
    let receiver = Receiver(sinks: sinks, bufferSize: options.display.bufferSize, allow: options.receiving.allow)
    try receiver.prepare(socket, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("listening on \(try boundAddress(of: socket).pythonRepr)")
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
