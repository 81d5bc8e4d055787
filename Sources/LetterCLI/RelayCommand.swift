import LetterCore

/// `letter relay [OPTIONS] LISTEN --to ENDPOINT [--to ENDPOINT ...]`: a datagram proxy
/// (one target) or fan-out (several) that prints what passes both ways.
public struct RelayOptions: Equatable, Sendable {
    public var listen: Endpoint
    public var targets: [Endpoint] = []
    public var family: AddressFamily?
    public var display: DisplayOptions
    public var receiving: ReceivingOptions
    public var count: Int?
    public var idleTimeout: Double?
    /// `--idle SEC`: a session with nothing either way for this long expires.
    public var sessionIdle = 60.0
    public var maximumSessions = 1024
    /// `-q`: nothing printed per datagram.
    public var quiet = false

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        display = try DisplayOptions(parsed, errorsApply: true)
        receiving = try ReceivingOptions(parsed)
        listen = try parseListeningEndpoint(parsed)
        for text in parsed.values(.to) {
            // One argument: HOST:PORT, never HOST and PORT apart.
            let target = try parsingEndpoint { () throws(EndpointError) -> Endpoint? in
                if let path = try parseUnixEndpoint(text) { return path }
                return try splitHostPort(text, allowZeroPort: false)
            }
            guard let target else {
                throw UsageError("invalid target '\(text)' for '--to': expected HOST:PORT, [IPv6]:PORT, PATH or @NAME")
            }
            targets.append(target)
        }
        guard !targets.isEmpty else { throw UsageError("missing --to ENDPOINT: where to relay to") }
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int.max) }
        if let text = parsed.value(.timeout) { idleTimeout = try parseSeconds(text, option: .timeout) }
        if let text = parsed.value(.idle) { sessionIdle = try parseSeconds(text, option: .idle) }
        if let text = parsed.value(.maxSessions) {
            maximumSessions = try parseInteger(text, option: .maxSessions, range: 1...1_000_000)
        }
        quiet = parsed.has(.quiet)
        // Pointless with nothing printed, so refused rather than ignored.
        if quiet, let option = ([.format, .time, .encoding, .errors, .bytes] as [OptionKey])
            .first(where: { parsed.has($0) || parsed.value($0) != nil }) {
            throw UsageError("\(option.rawValue) changes how datagrams are printed; -q prints none")
        }
    }
}

func runRelay(_ options: RelayOptions) throws {
    let printSinks = options.quiet ? [] : [try PrintSink(options.display)]
    var targets: [Peer] = []
    for endpoint in options.targets { targets.append(try resolveDestination(endpoint, family: options.family)) }
    let address = try resolveBindAddress(options.listen, family: options.family)
    // Every session holds a socket per target.
    raiseDescriptorLimit()
    let relay = Relay(listening: try openBoundSocket(address, reuseAddress: options.receiving.reuseAddress),
                      targets: targets, printSinks: printSinks, idleSeconds: options.sessionIdle,
                      maximumSessions: options.maximumSessions, bufferSize: options.display.bufferSize,
                      receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let receiver = Receiver(sinks: [relay], bufferSize: options.display.bufferSize, allow: options.receiving.allow)
    try receiver.prepare(relay.listening, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("listening on \(try boundAddress(of: relay.listening).pythonRepr)")
    for target in targets { writeDiagnostic("relaying to \(target.pythonRepr)") }
    try relay.run(receiver, signals: signals.descriptor, count: options.count, idleTimeout: options.idleTimeout,
                  alwaysSummarize: options.receiving.stats)
}
