import LetterCore

/// What a shell offers for an option's value (or an argument).
enum Completion: Sendable {
    /// A number: nothing to offer.
    case number
    /// Free text (a message, a host, an interface): nothing to offer.
    case text
    /// File names: a socket path, or an endpoint that may be one.
    case files
    /// The encodings of letter's table.
    case encodings
    /// The formats the command shows its datagrams in.
    case formats
    /// One of a fixed list.
    case choices(@Sendable () -> [String])
}

/// One option as a command's help, man page, completions and argument splitter see it:
/// the spellings, the value's placeholder (nil for a flag), what it does in that command,
/// and what completes its value.
public struct OptionSpec: Sendable {
    /// The long spelling, which names the option: `--encoding` (or `-4`).
    public let key: String
    public let short: String?
    /// The value's placeholder (`ENC`), or nil for a flag.
    public let valueName: String?
    public let help: String
    public let repeatable: Bool
    let completion: Completion

    /// Spellings, e.g. `["-e", "--encoding"]`.
    public var names: [String] { short.map { [$0, key] } ?? [key] }

    func isNamed(_ name: String) -> Bool { name == key || name == short }
}

/// An option's name, as the parser keys what it found by it.
protocol OptionName {
    var long: String { get }
}

/// One option that takes a value, in one place: its names, its placeholder, what it
/// means (commands where it means something else say so where they list it), what
/// completes it, and the parser of its value into the command's typed options.
struct OptionRow<Value>: OptionName, Sendable {
    let long: String
    let short: String?
    let valueName: String
    let help: String
    let completion: Completion
    let repeatable: Bool
    /// The value, checked; the error names the option (`long`) and echoes the text.
    let parse: @Sendable (_ text: String, _ long: String) throws(UsageError) -> Value

    init(_ long: String, short: String? = nil, value valueName: String, help: String, completion: Completion,
         repeatable: Bool = false, parse: @escaping @Sendable (String, String) throws(UsageError) -> Value) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.help = help
        self.completion = completion
        self.repeatable = repeatable
        self.parse = parse
    }

    /// The option as a command lists it, with that command's own `help` when its meaning
    /// differs there.
    func spec(help: String? = nil) -> OptionSpec {
        OptionSpec(key: long, short: short, valueName: valueName, help: help ?? self.help, repeatable: repeatable,
                   completion: completion)
    }
}

/// One flag, in one place: its names and what it means (commands where it means
/// something else say so where they list it).
struct FlagRow: OptionName, Sendable {
    let long: String
    let short: String?
    let help: String

    init(_ long: String, short: String? = nil, help: String) {
        self.long = long
        self.short = short
        self.help = help
    }

    func spec(help: String? = nil) -> OptionSpec {
        OptionSpec(key: long, short: short, valueName: nil, help: help ?? self.help, repeatable: false, completion: .text)
    }
}

/// Every option letter has, one row each. `--errors` is two options with one spelling:
/// what it takes differs between text being sent and text being shown.
enum Option {
    static let all = FlagRow("--all", help: "With --wait: print every reply until -t SEC (default: 2) passes with none.")
    static let allow = OptionRow<[Network]>(
        "--allow", value: "CIDR[,CIDR...]", help: "Hear only these networks; count the rest.", completion: .text,
        repeatable: true, parse: { text, long throws(UsageError) in try parseNetworks(text, option: long) })
    static let bind = OptionRow<Endpoint>(
        "--bind", short: "-b", value: "[HOST:]PORT|PATH",
        help: "Source address to send from (a unix socket PATH or @NAME for a unix peer).", completion: .files) { text, _ throws(UsageError) in
        try parsingEndpoint { () throws(EndpointError) in try parseBindAddress(text) }
    }
    static let broadcast = FlagRow("--broadcast", help: "Allow sending to a broadcast address (SO_BROADCAST).")
    static let bufsize = OptionRow<Int>(
        "--bufsize", value: "N", help: "recvfrom buffer size (default: the largest datagram: 65535 for UDP, each unix datagram's own length); longer datagrams are cut and reported.",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 1...(1 << 20)) }
    static let bytes = FlagRow("--bytes", help: "Show payloads as Python bytes literals.")
    static let chunk = OptionRow<Int>(
        "--chunk", value: "N", help: "Cut stdin into datagrams of N bytes, untouched (a file comes back identical).",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 1...65527) }
    static let count = OptionRow<Int>(
        "--count", short: "-c", value: "N", help: "Exit after N datagrams.", completion: .number) { text, long throws(UsageError) in
        try parseInteger(text, option: long, range: 1...Int.max)
    }
    static let deadline = OptionRow<Double>(
        "--deadline", short: "-w", value: "SEC", help: "End after SEC seconds in all; with -c N, after N replies if sooner.",
        completion: .number) { text, long throws(UsageError) in try parseSeconds(text, option: long) }
    static let echo = FlagRow("--echo", help: "Send every datagram back to its sender.")
    static let encoding = OptionRow<TextEncoding>(
        "--encoding", short: "-e", value: "ENC", help: "Text encoding on the wire (default: utf-8). See 'letter encodings'.",
        completion: .encodings, parse: { text, long throws(UsageError) in try parseEncoding(text, option: long) })
    /// `--errors` for text being sent (send, ping).
    static let encodeErrors = OptionRow<EncodeErrorHandler>(
        "--errors", value: "strict|replace",
        help: "Unencodable or invalid input: an error naming the line (strict, default) or '?' (replace).",
        completion: .choices { EncodeErrorHandler.allCases.map(\.rawValue) }, parse: { text, long throws(UsageError) in try parseChoice(text, option: long) })
    /// `--errors` for text being shown (listen, chat, relay).
    static let decodeErrors = OptionRow<DecodeErrorHandler>(
        "--errors", value: "HANDLER", help: "Undecodable bytes: replace (default), strict, backslashreplace or ignore.",
        completion: .choices { DecodeErrorHandler.allCases.map(\.rawValue) }, parse: { text, long throws(UsageError) in try parseChoice(text, option: long) })
    static let expect = OptionRow<String>(
        "--expect", value: "TEXT", help: "With --wait: the reply must contain TEXT, else exit 1.",
        completion: .text) { text, _ throws(UsageError) in text }
    static let expectHex = OptionRow<ReplyExpectation>(
        "--expect-hex", value: "HEX", help: "With --wait: the reply's bytes must contain HEX (as --hex writes them), else exit 1.",
        completion: .text) { text, long throws(UsageError) in
        do throws(HexSyntaxError) { return try ReplyExpectation(hex: text) } catch {
            throw UsageError("invalid value '\(text)' for '\(long)': column \(error.column): \(error.explanation)")
        }
    }
    static let file = OptionRow<String>(
        "--file", value: "PATH", help: "Read PATH instead of stdin (lines, --whole, --chunk, --hex, --bytes).",
        completion: .files) { text, _ throws(UsageError) in text }
    static let fast = FlagRow("--fast", help: "Send as fast as the socket takes them (batched), the recorded times ignored.")
    static let format = OptionRow<RecordFormat>(
        "--format", short: "-f", value: "FORMAT", help: formatHelp, completion: .formats, parse: { text, long throws(UsageError) in try parseChoice(text, option: long) })
    static let generateCompletionScript = OptionRow<Shell>(
        "--generate-completion-script", value: "SHELL", help: "Print the completion script for SHELL.",
        completion: .choices { Shell.allCases.map(\.rawValue) }, parse: { text, long throws(UsageError) in try parseChoice(text, option: long) })
    static let generateManual = FlagRow("--generate-manual", help: "Print the man page (troff).")
    static let help = FlagRow("--help", short: "-h", help: "Show help information.")
    static let histogram = FlagRow(
        "--histogram", help: "Add the percentiles, the jitter and a histogram of the round trips to the summary.")
    static let hex = FlagRow("--hex", help: "MESSAGE or each line is \(hexText).")
    /// The input notations with their flags and what text in them is, in one place: send
    /// and ping list every one (`OptionGroups.notations`), and `PayloadOptions` reads and
    /// checks them, so a new notation is its flag, its line here and its file in the engine.
    static let notations: [(flag: FlagRow, notation: InputNotation, text: String)] = [(hex, .hex, hexText)]
    static let idle = OptionRow<Double>(
        "--idle", value: "SEC", help: "End a client's session after SEC seconds with nothing either way (default: 60).",
        completion: .number) { text, long throws(UsageError) in try parseSeconds(text, option: long) }
    static let inputEncoding = OptionRow<TextEncoding>(
        "--input-encoding", value: "ENC", help: "Encoding of stdin (default: utf-8).", completion: .encodings,
        parse: { text, long throws(UsageError) in try parseEncoding(text, option: long) })
    static let interface = OptionRow<String>(
        "--interface", value: "NAME|ADDR", help: "Interface for multicast letters.", completion: .text) { text, _ throws(UsageError) in text }
    static let interval = OptionRow<Double>(
        "--interval", short: "-i", value: "SEC", help: "Pause SEC seconds between datagrams.", completion: .number) { text, long throws(UsageError) in
        try parseSeconds(text, option: long, allowZero: true)
    }
    static let ipv4 = FlagRow("-4", help: "Use IPv4 only.")
    static let ipv6 = FlagRow("-6", help: "Use IPv6 only.")
    static let join = OptionRow<Peer>(
        "--join", value: "GROUP", help: "Join a multicast group (repeatable).", completion: .text, repeatable: true) { text, _ throws(UsageError) in
        guard let group = parseIPAddress(text), group.isMulticast else {
            throw UsageError("invalid multicast group '\(text)' for '--join': expected an address such as 239.1.2.3 or ff02::1234")
        }
        return group
    }
    static let loop = OptionRow<Int>(
        "--loop", value: "N", help: "Play the file N times (0: until interrupted), one median recorded gap between passes.",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 0...1_000_000) }
    static let maxSessions = OptionRow<Int>(
        "--max-sessions", value: "N", help: "At most N clients at once (default: 1024); further ones are refused and counted.",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 1...1_000_000) }
    static let noLoop = FlagRow("--no-loop", help: "Do not loop multicast letters back to this host.")
    static let pcap = OptionRow<String>(
        "--pcap", value: "FILE",
        help: "Also write every datagram received to FILE as a pcap capture (Wireshark, tshark and tcpdump read it).",
        completion: .files) { text, long throws(UsageError) in
        // tcpdump's `-w -` is stdout; here that would quietly make a file named '-'.
        guard text != "-" else { throw UsageError("'\(long) -' would write a file named '-'; for the capture on stdout, use -f pcap") }
        return text
    }
    static let port = OptionRow<UInt16>(
        "--port", value: "N", help: "Replay only the datagrams recorded to destination port N; count the others.",
        completion: .number) { text, long throws(UsageError) in UInt16(try parseInteger(text, option: long, range: 1...65535)) }
    static let quiet = FlagRow("--quiet", short: "-q", help: "Print nothing per datagram (the summary still comes).")
    static let rate = OptionRow<Double>(
        "--rate", value: "N", help: "Send at most N datagrams per second.", completion: .number, parse: { text, long throws(UsageError) in try parseRate(text, option: long) })
    static let rcvbuf = OptionRow<Int>(
        "--rcvbuf", value: "BYTES", help: "Receive buffer size (default: as large as allowed, up to 16 MiB).",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 1024...(1 << 30)) }
    static let reply = OptionRow<String>(
        "--reply", value: "TEXT", help: "Answer every datagram with TEXT.", completion: .text) { text, _ throws(UsageError) in text }
    static let replyRate = OptionRow<Double>(
        "--reply-rate", value: "N", help: "Replies per second per sender, at most (default: 10; the rest are counted).",
        completion: .number) { text, long throws(UsageError) in Double(try parseInteger(text, option: long, range: 1...1_000_000)) }
    static let reuse = FlagRow(
        "--reuse", help: "Share the port with other sockets on purpose (SO_REUSEADDR; --join implies it).")
    static let size = OptionRow<Int>(
        "--size", short: "-s", value: "SIZE", help: "Pad the default request with spaces to SIZE bytes.",
        completion: .number) { text, long throws(UsageError) in try parseInteger(text, option: long, range: 1...65507) }
    /// `--reuse` where there is no `--join` to imply it.
    static let reuseHelp = "Share the port with other sockets on purpose (SO_REUSEADDR)."
    static let speed = OptionRow<Double>(
        "--speed", value: "X", help: "Play X times as fast as recorded (0.5: half speed).", completion: .number) { text, long throws(UsageError) in
        guard let value = Double(text), value.isFinite, value >= 0.001, value <= 1_000_000 else {
            throw UsageError("invalid value '\(text)' for '\(long)': expected a factor from 0.001 to 1000000, such as 2 or 0.5")
        }
        return value
    }
    static let stats = FlagRow("--stats", help: "Print what was received and lost to stderr on exit.")
    /// ping(8)'s spelling of `--timeout`.
    static let replyWait = OptionRow<Double>(
        "-W", value: "SEC", help: "How long a request waits for its reply (-t's other spelling, as ping(8) writes it).",
        completion: .number) { text, long throws(UsageError) in try parseSeconds(text, option: long) }
    static let time = OptionRow<TimeMode>(
        "--time", value: "MODE",
        help: "Stamp each datagram with the kernel's receive time: iso, utc, epoch, elapsed or delta.",
        completion: .choices { TimeMode.allCases.map(\.rawValue) }, parse: { text, long throws(UsageError) in try parseChoice(text, option: long) })
    static let timeout = OptionRow<Double>(
        "--timeout", short: "-t", value: "SEC", help: "Exit after SEC idle seconds.", completion: .number) { text, long throws(UsageError) in
        try parseSeconds(text, option: long)
    }
    static let to = OptionRow<Endpoint>(
        "--to", value: "ENDPOINT",
        help: "A target: HOST:PORT, [IPv6]:PORT, a unix socket PATH or @NAME (repeatable: fan-out).", completion: .files,
        repeatable: true) { text, _ throws(UsageError) in
        // One argument: HOST:PORT, never HOST and PORT apart.
        let target = try parsingEndpoint { () throws(EndpointError) -> Endpoint? in
            if let path = try parseUnixEndpoint(text) { return path }
            return try splitHostPort(text, allowZeroPort: false)
        }
        guard let target else {
            throw UsageError("invalid target '\(text)' for '--to': expected HOST:PORT, [IPv6]:PORT, PATH or @NAME")
        }
        return target
    }
    static let ttl = OptionRow<Int>(
        "--ttl", value: "N", help: "Multicast TTL / hop limit (default: 1).", completion: .number) { text, long throws(UsageError) in
        try parseInteger(text, option: long, range: 0...255)
    }
    static let version = FlagRow("--version", help: "Show the version.")
    static let wait = FlagRow(
        "--wait", short: "-w", help: "Wait for a reply (from the destination's address, any port) and print it as 'listen' would.")
    static let whole = FlagRow("--whole", help: "Send all of stdin as one datagram.")
}

/// What `--hex` reads, as the help of each command that takes it says it.
private let hexText = "bytes in hex: 'de ad be ef', 'DE:AD', '0xde,0xad', '\\xde\\xad'"

/// `-f`'s help in the row, never shown: every page and completion script words it with
/// the formats of its command (`SubcommandSpec.listedOptions`). The row a one-off send
/// builds leaves the list of formats unmade.
private let formatHelp = "The formats this command shows datagrams in."

/// The formats a command's `-f` takes, as its help lists them: `text (default), tuple,
/// json, lines, raw or hex`, joined by hand (`joined(separator:)` costs a generic
/// metadata look-up).
func listing(of formats: [RecordFormat]) -> String {
    var text = ""
    for (index, format) in formats.enumerated() {
        if index > 0 { text += index == formats.count - 1 ? " or " : ", " }
        text += format.rawValue
        if format == .text { text += " (default)" }
    }
    return text
}

/// `--allow` networks: addresses or CIDRs separated by commas.
private func parseNetworks(_ list: String, option: String) throws(UsageError) -> [Network] {
    var networks: [Network] = []
    // An empty item ('', ',', 'a,,b') would leave the filter looser than written.
    for item in list.split(separator: ",", omittingEmptySubsequences: false) {
        guard !item.isEmpty, let network = Network(String(item)) else {
            let what = item.isEmpty ? "an empty network in '\(list)'" : "invalid network '\(item)'"
            throw UsageError("\(what) for '\(option)': expected addresses or CIDRs such as 10.0.0.0/8,::1")
        }
        networks.append(network)
    }
    return networks
}
