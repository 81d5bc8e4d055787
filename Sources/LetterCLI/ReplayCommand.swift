import LetterCore

/// `letter replay [OPTIONS] FILE`: the UDP datagrams of a capture (pcap, pcapng) or of
/// listen's json sent again, with their recorded timing.
public struct ReplayOptions: Equatable, Sendable {
    /// The capture's path, or `-` for stdin.
    public var file: String
    public var pace = ReplayPace.recorded(speed: 1)
    public var loops = 1
    public var destination: Endpoint?
    public var port: UInt16?
    public var family: AddressFamily?
    public var sending = SendingOptions()
    public var encoding: TextEncoding

    init(_ parsed: ParsedArguments) throws(UsageError) {
        guard let file = parsed.positionals.first else { throw UsageError("missing FILE: the capture to replay ('-' for stdin)") }
        if parsed.positionals.count > 1 { throw UsageError("unexpected argument '\(parsed.positionals[1])'") }
        self.file = file
        let targets = try parsed.values(Option.to)
        if targets.count > 1 { throw UsageError("--to given \(targets.count) times; replay sends to one ENDPOINT") }
        destination = targets.first
        port = try parsed.value(Option.port)
        family = try parseFamily(parsed)
        encoding = try parsed.encoding(Option.encoding)
        sending.bind = try parsed.value(Option.bind)
        sending.broadcast = parsed.has(Option.broadcast)
        sending.multicastHops = try parsed.value(Option.ttl)
        loops = try parsed.value(Option.loop) ?? loops
        let speed = try parsed.value(Option.speed)
        let rate = try parsed.value(Option.rate)
        // Conflicting or pointless options, one line each.
        if parsed.has(Option.fast) && rate != nil { throw UsageError("--rate and --fast both set the pace; give one") }
        if speed != nil && (parsed.has(Option.fast) || rate != nil) {
            throw UsageError("--speed scales the recorded times, which \(rate != nil ? "--rate" : "--fast") ignores; give one")
        }
        if file == "-" && parsed.isGiven(Option.loop) {
            throw UsageError("--loop reads the file again; stdin ('-') is read once")
        }
        if family != nil && destination == nil {
            throw UsageError("-4 and -6 choose how --to's HOST resolves; recorded destinations keep their own family")
        }
        pace = parsed.has(Option.fast) ? .fast : rate.map { .rate($0) } ?? .recorded(speed: speed ?? 1)
        if let destination { try rejectInternetOptions(parsed, for: destination) }
    }
}

func runReplay(_ options: ReplayOptions) throws {
    var settings = ReplaySettings(textEncoding: options.encoding)
    settings.pace = options.pace
    settings.loops = options.loops
    settings.port = options.port
    settings.sending = options.sending
    if let endpoint = options.destination {
        let destination = try resolveDestination(endpoint, family: options.family)
        try rejectMulticastOptions(options.sending, destination: destination)
        settings.destination = destination
    }
    let file: InputFile
    do { file = try InputFile(path: options.file) } catch { throw RuntimeError("cannot open '\(options.file)': \(error.errno)") }
    let signals = try watchSignals()
    let outcome: ReplayOutcome
    do {
        outcome = try replay(file, settings: settings, signals: signals.descriptor)
    } catch let error as ReplayNeedsPace {
        throw UsageError("'\(options.file)': \(error.reason); replay it with --rate N or --fast")
    }
    if let damage = outcome.damage { writeDiagnostic("letter replay: '\(options.file)': \(damage)") }
    if let failure = outcome.firstFailure {
        writeDiagnostic("letter replay: " + describeSendFailure(failure))
    }
    writeDiagnostic(outcome.summary(port: options.port))
    if outcome.damage != nil || outcome.sendFailures > 0 { throw ExitStatus(code: 1) }
}

let replaySpec = SubcommandSpec(
    name: "replay",
    abstract: "Send the UDP datagrams of a capture again, with their recorded timing.",
    options: { [
        Option.to.spec(help: "Send every datagram to ENDPOINT (HOST:PORT, [IPv6]:PORT, a unix socket PATH or @NAME) "
            + "instead of where it was recorded going."),
        Option.port.spec(),
        Option.speed.spec(),
        Option.rate.spec(help: "Send N datagrams a second, the recorded times ignored."),
        Option.fast.spec(),
        Option.loop.spec(),
        Option.encoding.spec(help: "Encoding of the text of a json recording made without --bytes (default: utf-8)."),
        Option.bind.spec(),
        Option.broadcast.spec(),
        Option.ttl.spec(),
    ] + OptionGroups.family },
    page: {
        SubcommandPage(
            usage: "letter replay [OPTIONS] FILE",
            arguments: [
                ("FILE", "A pcap or pcapng capture (tcpdump, Wireshark, tshark, letter -f pcap), or the JSON Lines of "
                    + "'letter listen -f json'; '-' reads stdin. Told apart by its first bytes."),
            ],
            examples: [
                "letter replay --to 127.0.0.1:9000 dns.pcap",
                "letter replay --speed 2 --port 514 syslog.pcapng      # twice as fast, only what went to port 514",
                "letter replay --fast --loop 10 --to [::1]:9000 load.pcap",
                "letter listen -f json --bytes --time epoch 9000 > rec.jsonl; letter replay --to 127.0.0.1:9001 rec.jsonl",
            ],
            discussion: "Each datagram is sent at its recorded offset from the first, kept against absolute deadlines; "
                + "non-UDP records, incomplete fragments and records cut short are skipped and counted. One summary "
                + "line at the end, and on Ctrl-C / SIGTERM (exit 0); a damaged file names its byte offset (exit 1), "
                + "after what came before it was sent.")
    },
    parse: { parsed throws(UsageError) in try ReplayOptions(parsed) }, run: { try runReplay($0) })
