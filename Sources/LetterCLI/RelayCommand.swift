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
    /// `--pcap FILE` and any other file kept beside the view.
    public var kept: KeptFiles
    /// `--join`: multicast groups the listening socket hears, on `--interface`.
    public var groups: [Peer] = []
    public var interface: String?

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        try refuseWhatPcapKeepsItself(parsed, encodingApplies: false)
        display = try DisplayOptions(parsed, ofReplies: false)
        receiving = try ReceivingOptions(parsed)
        listen = try parseListeningEndpoint(parsed)
        targets = try parsed.values(Option.to)
        guard !targets.isEmpty else { throw UsageError("missing --to ENDPOINT: where to relay to") }
        // A relay never amplifies: one datagram becomes at most 64, each to a different target.
        if targets.count > 64 { throw UsageError("\(targets.count) --to targets: a relay takes at most 64") }
        for (index, target) in targets.enumerated() where targets[..<index].contains(target) {
            throw UsageError("--to '\(target.text)' is given twice: each target gets every datagram once")
        }
        kept = try KeptFiles(parsed, format: display.format, endpoints: [listen] + targets)
        count = try parsed.value(Option.count)
        idleTimeout = try parsed.value(Option.timeout)
        sessionIdle = try parsed.value(Option.idle) ?? sessionIdle
        maximumSessions = try parsed.value(Option.maxSessions) ?? maximumSessions
        quiet = parsed.has(Option.quiet)
        groups = try parsed.values(Option.join)
        interface = try parsed.value(Option.interface)
        if interface != nil && groups.isEmpty { throw UsageError("--interface goes with --join") }
        // Pointless with nothing printed, so refused rather than ignored.
        let printing = [Option.format.long, Option.time.long, Option.encoding.long, Option.decodeErrors.long, Option.bytes.long]
        if quiet, let option = parsed.firstGiven(printing) {
            throw UsageError("\(option) changes how datagrams are printed; -q prints none")
        }
    }
}

func runRelay(_ options: RelayOptions) throws {
    let displayed = try displaySinks(options.display, quiet: options.quiet)
    var targets: [Peer] = []
    for endpoint in options.targets {
        let target = try resolveDestination(endpoint, family: options.family)
        // Spelt otherwise than an earlier one (`localhost`, `127.1`, a mapped address, `DIR//NAME`).
        if let earlier = zip(options.targets, targets).first(where: { reachSameSocket($0.1, target) }) {
            throw UsageError("--to '\(endpoint.text)' is '\(earlier.0.text)' again (\(target.pythonRepr)): each target gets every datagram once")
        }
        targets.append(target)
    }
    let address = try resolveBindAddress(options.listen, family: options.family)
    // Every session holds a socket per target.
    raiseDescriptorLimit()
    let listening = try openBoundSocket(address, reuseAddress: options.receiving.reuseAddress || !options.groups.isEmpty)
    // A target that is the relay itself would fill the session table with its own datagrams.
    let own = try boundAddress(of: listening)
    if let loop = targets.first(where: { reachesItself($0, listening: own) }) {
        throw UsageError("--to \(loop.pythonRepr) is this relay's own listening address: it would relay to itself")
    }
    try joinGroups(options.groups, interface: options.interface, on: listening)
    let bound = try boundAddress(of: listening)
    let capturing = options.kept.capturing(options.display)
    // A capture stamps the replies with their receive times too.
    let relay = Relay(listening: listening, targets: targets, printSinks: displayed + (try options.kept.sinks()),
                      idleSeconds: options.sessionIdle, maximumSessions: options.maximumSessions,
                      bufferSize: options.display.bufferSize, receiveBuffer: options.receiving.receiveBuffer,
                      timestamps: options.display.time != nil || capturing)
    let receiver = Receiver(sinks: [relay], bufferSize: options.display.bufferSize, allow: options.receiving.allow,
                            capturePort: capturing ? bound.port : nil)
    try receiver.prepare(relay.listening, receiveBuffer: options.receiving.receiveBuffer, timestamps: options.display.time != nil)
    let signals = try watchSignals()
    writeDiagnostic("listening on \(bound.pythonRepr)")
    for target in targets { writeDiagnostic("relaying to \(target.pythonRepr)") }
    relay.announcesSessions = !options.quiet
    try relay.run(receiver, signals: signals.descriptor, count: options.count, idleTimeout: options.idleTimeout,
                  alwaysSummarize: options.receiving.stats)
}

let relaySpec = SubcommandSpec(
    name: "relay",
    abstract: "Relay datagrams to one or more targets and print what passes both ways.",
    options: { [
        Option.to.spec(),
        Option.join.spec(),
        Option.interface.spec(help: "Interface for --join."),
        Option.idle.spec(),
        Option.maxSessions.spec(),
        Option.quiet.spec(),
    ] + OptionGroups.keeping(bothLegs: true) + [
        Option.encoding.spec(), Option.decodeErrors.spec(), Option.bytes.spec(),
    ] + OptionGroups.display + [
        Option.count.spec(help: "Exit after N datagrams, requests and replies together."),
        Option.timeout.spec(help: "Exit after SEC seconds with nothing either way."),
    ] + OptionGroups.receiving.map { $0.key == Option.reuse.long ? Option.reuse.spec() : $0 } + OptionGroups.listeningFamily },
    page: {
        SubcommandPage(
            usage: "letter relay [OPTIONS] [HOST] PORT | PATH | @NAME --to ENDPOINT [--to ENDPOINT ...]",
            arguments: [
                ("HOST PORT | PATH | @NAME", "Where clients send: bound as 'listen' binds it."),
            ],
            examples: [
                "letter relay 5353 --to 127.0.0.1:53                 # watch a DNS client and its server",
                "letter relay -f hex 127.0.0.1 9000 --to [::1]:9001",
                "letter relay /tmp/log.sock --to 10.0.0.5:514 --to 10.0.0.6:514",
            ],
            discussion: "Each client gets its own upstream socket per target, so a target sees one peer per client and its "
                + "replies go back to the right client from the listening address. Ends after -c N, -t SEC, or on Ctrl-C / "
                + "SIGTERM (exit 0, with a summary).")
    },
    parse: { parsed throws(UsageError) in try RelayOptions(parsed) }, run: { try runRelay($0) })
