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
            guard let group = parseIPAddress(text), isMulticast(group) else {
                throw UsageError("invalid multicast group '\(text)' for '--join': expected an address such as 239.1.2.3 or ff02::1234")
            }
            groups.append(group)
        }
        if interface != nil && groups.isEmpty { throw UsageError("--interface goes with --join") }
    }
}

/// `[HOST] PORT`, `PATH` or `@NAME`, the whole of the positional arguments (listen,
/// relay), with the internet-only options refused for a unix socket.
func parseListeningEndpoint(_ parsed: ParsedArguments) throws(UsageError) -> Endpoint {
    let positionals = parsed.positionals
    guard let first = positionals.first else { throw UsageError("missing PORT (or a socket PATH)") }
    let endpoint: Endpoint
    let used: Int
    // A lone argument that is not HOST:PORT, a PATH or @NAME is the port, on every interface.
    if positionals.count == 1, try splitHostPort(first, allowZeroPort: true) == nil, try parseUnixEndpoint(first) == nil {
        (endpoint, used) = (Endpoint(host: "", port: try parsePort(first, allowZero: true)), 1)
    } else {
        (endpoint, used) = try parseEndpoint(positionals, allowZeroPort: true)
    }
    if positionals.count > used { throw UsageError("unexpected argument '\(positionals[used])'") }
    try rejectInternetOptions(parsed, for: endpoint)
    return endpoint
}

func isMulticast(_ address: Peer) -> Bool {
    switch address {
    case .v4(let octets, _): return (224...239).contains(octets.0)
    case .v6(let bytes, _, _, _): return bytes.isMulticast
    case .unixPath, .abstract, .unnamed: return false
    }
}

func runListen(_ options: ListenOptions) throws {
    var sinks: [any DatagramSink] = [try makePrintSink(options.display)]
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

func watchSignals() throws(RuntimeError) -> SignalWatcher {
    do { return try SignalWatcher() } catch { throw RuntimeError("cannot watch signals: \(error.errno)") }
}

func boundAddress(of socket: borrowing DatagramSocket) throws(RuntimeError) -> Peer {
    do { return try socket.localAddress() } catch { throw RuntimeError("cannot read the bound address: \(error.errno)") }
}

/// `--reply TEXT` in the wire encoding, checked once at start.
func encodeReply(_ text: String, encoding: TextEncoding) throws -> [UInt8] {
    guard let encoder = TextEncoder(encoding: encoding, replaceUnencodable: false) else {
        throw iconvCannotOpen(encoding)
    }
    var bytes: [UInt8] = []
    do {
        try encoder.encode(Array(text.utf8)[...], appendingTo: &bytes)
    } catch {
        throw UsageError("--reply text, column \(error.column): \(describeScalar(error.scalar)) cannot be encoded in \(encoding.name)")
    }
    return bytes
}

/// `'é' (U+00E9)`, for messages about one character.
func describeScalar(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    let shown = Unicode.Scalar(value).map { $0.properties.generalCategory == .control ? "" : "'\(Character($0))' " } ?? ""
    return "\(shown)(U+\(padded))"
}

func joinGroups(_ groups: [Peer], interface: String?, on socket: borrowing DatagramSocket) throws(RuntimeError) {
    guard !groups.isEmpty else { return }
    let (index, interfaceAddress) = try interface.map(resolveInterface) ?? (0, nil)
    for address in groups {
        let group = address.host
        guard address.isIPv6 == (socket.family == .v6) else {
            throw RuntimeError("cannot join \(group): the socket is \(socket.family == .v6 ? "IPv6" : "IPv4"); bind a matching address (-4/-6)")
        }
        do {
            try socket.joinGroup(address, interfaceIndex: index, interfaceAddress: interfaceAddress)
        } catch {
            throw RuntimeError("cannot join multicast group \(group): \(error.errno)")
        }
    }
}
