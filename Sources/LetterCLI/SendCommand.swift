import LetterCore

/// `letter send [OPTIONS] ENDPOINT [MESSAGE ...]`.
public struct SendOptions: Equatable, Sendable {
    public var destination: Endpoint
    public var payload: PayloadOptions
    public var wait = false
    /// How -w waits: --all, -t, --expect/--expect-hex, --broadcast.
    public var replies = ReplyWaitOptions()
    /// `--stats`: one line on stderr at the end.
    public var stats = false
    /// `--expect 'pong'` or `--expect-hex 'de ad'` as given, for the mismatch's message.
    var expectationText = ""
    /// `--rate N` or `-i SEC`.
    public var pace: Pace?
    /// `-c N`: the datagram (MESSAGE or --whole stdin) this many times.
    public var count = 1
    /// `--chunk N`: stdin cut into N-byte datagrams, untouched.
    public var chunk: Int?
    public var family: AddressFamily?
    public var sending: SendingOptions
    public var display: DisplayOptions

    init(_ parsed: ParsedArguments) throws(UsageError) {
        let used: Int
        (destination, family, used) = try parseDestination(parsed)
        chunk = try parsed.value(Option.chunk)
        payload = try PayloadOptions(parsed, words: parsed.positionals.dropFirst(used), untouchedBy: chunk != nil ? "--chunk" : nil)
        wait = parsed.has(Option.wait)
        stats = parsed.has(Option.stats)
        replies.all = parsed.has(Option.all)
        replies.timeout = try parsed.value(Option.timeout) ?? (replies.all ? 2 : nil)
        if let text = try parsed.value(Option.expect) {
            replies.expectation = ReplyExpectation(text: text)
            expectationText = "--expect '\(text)'"
        }
        if let expectation = try parsed.value(Option.expectHex) {
            replies.expectation = expectation
            expectationText = "--expect-hex '\(parsed.texts(of: Option.expectHex.long).last ?? "")'"
        }
        if let rate = try parsed.value(Option.rate) { pace = .rate(rate) }
        if let seconds = try parsed.value(Option.interval) { pace = .interval(seconds) }
        count = try parsed.value(Option.count) ?? count
        sending = try SendingOptions(parsed)
        replies.broadcast = sending.broadcast
        display = try DisplayOptions(parsed, ofReplies: true)
        // Conflicting or pointless flags, one line each.
        if chunk != nil && payload.message != nil { throw UsageError("--chunk cuts stdin; it cannot be used with MESSAGE") }
        if chunk != nil && payload.whole { throw UsageError("--chunk and --whole cannot be used together") }
        if parsed.isGiven(Option.rate) && parsed.isGiven(Option.interval) {
            throw UsageError("--rate and --interval both set the pace; give one")
        }
        if parsed.isGiven(Option.count) && payload.message == nil && !payload.whole {
            throw UsageError("-c repeats one datagram (MESSAGE or --whole); stdin lines and chunks are each sent once")
        }
        if parsed.isGiven(Option.timeout) && !wait { throw UsageError("--timeout bounds --wait; add -w") }
        if !wait, let option = parsed.firstGiven([Option.format.long, Option.bufsize.long, Option.time.long]) {
            throw UsageError("\(option) shows the reply; it goes with -w")
        }
        if !wait, let option = parsed.firstGiven([Option.all.long, Option.expect.long, Option.expectHex.long]) {
            throw UsageError("\(option) checks replies; it goes with -w")
        }
        if parsed.isGiven(Option.expect) && parsed.isGiven(Option.expectHex) {
            throw UsageError("--expect and --expect-hex both say what a reply must hold; give one")
        }
        if !showsReplies(display.format) {
            throw UsageError("-f \(display.format.rawValue) is a capture of what a listener receives: listen, chat and relay write it")
        }
    }
}

/// Whether a format shows a reply: a capture is for a listener. (A test of the one
/// format rather than a list of the others: a one-off send checks it at every start.)
private func showsReplies(_ format: RecordFormat) -> Bool { format != .pcap }

/// The formats that show a reply, as send's help and completions list them.
private let replyFormats = RecordFormat.allCases.filter(showsReplies)

/// The options that say how text is encoded, refused where bytes go out as they are.
private let encodingOptions = [Option.encoding.long, Option.inputEncoding.long, Option.encodeErrors.long]

/// What goes in a datagram and how it is encoded (send, ping): MESSAGE words, stdin or
/// `--file`, `-e`, `--input-encoding`, `--errors`, `--bytes`, a notation (`--hex`), `--whole`.
public struct PayloadOptions: Equatable, Sendable {
    /// The MESSAGE words joined by single spaces; nil reads the input (a single `-` too).
    public var message: String?
    /// `--file PATH`: the input instead of stdin.
    public var file: String?
    /// The MESSAGE was a single `-`: stdin, as `cat -` reads it.
    public var dashReadsStdin = false
    public var whole = false
    public var rawBytes = false
    /// `--hex` (or another of `Option.notations`): the input is bytes written so.
    public var form = InputForm.text
    public var encoding: TextEncoding
    public var inputEncoding: TextEncoding
    public var replaceErrors = false

    /// `untouchedBy` names another option that sends input bytes untouched (`--chunk`),
    /// which a notation cannot go with either.
    init(_ parsed: ParsedArguments, words: ArraySlice<String>, untouchedBy: String? = nil) throws(UsageError) {
        // A single `-` reads stdin, as `cat -` does.
        dashReadsStdin = Array(words) == ["-"]
        message = words.isEmpty || dashReadsStdin ? nil : joinedWithSpaces(words)
        file = try parsed.value(Option.file)
        whole = parsed.has(Option.whole)
        rawBytes = parsed.has(Option.bytes)
        encoding = try parsed.encoding(Option.encoding)
        inputEncoding = try parsed.encoding(Option.inputEncoding)
        replaceErrors = try parsed.value(Option.encodeErrors) == .replace
        if whole && message != nil { throw UsageError("--whole sends stdin; it cannot be used with MESSAGE") }
        if file != nil && message != nil { throw UsageError("--file reads PATH instead of stdin; it cannot be used with MESSAGE") }
        let notations = Option.notations.filter { parsed.has($0.flag) }
        if notations.count > 1 {
            throw UsageError("\(notations[0].flag.long) and \(notations[1].flag.long) both say how the input is written; give one")
        }
        let untouched = rawBytes ? "--bytes" : untouchedBy
        if let (flag, notation, _) = notations.first {
            form = .written(notation)
            if let option = parsed.firstGiven(encodingOptions) {
                throw UsageError("\(flag.long) sends the bytes written in \(notation.name), with no encoding; it cannot be used with \(option)")
            }
            if let untouched {
                throw UsageError("\(flag.long) reads bytes written in \(notation.name); it cannot be used with \(untouched)")
            }
        }
        if let untouched, let option = parsed.firstGiven(encodingOptions) {
            throw UsageError("\(untouched) sends input bytes untouched; it cannot be used with \(option)")
        }
    }

    /// How this payload's input becomes bytes (`untouched`: as they are).
    func payloadEncoding(untouched: Bool = false) -> PayloadEncoding {
        PayloadEncoding(wire: encoding, input: inputEncoding, untouched: untouched || rawBytes, replaceErrors: replaceErrors,
                        form: form)
    }

    /// Where the input is read: `--file`, else stdin.
    func source() throws(RuntimeError) -> SendSource {
        try file.map { path throws(RuntimeError) in try SendSource.file(path) } ?? .standardInput
    }

    /// The one datagram's input: MESSAGE, or all of the input with --whole.
    func singleInput() throws -> (ArraySlice<UInt8>, place: String)? {
        if let message { return (message.argumentBytes[...], "message") }
        if whole {
            let source = try source()
            return (try readWholeInput(from: source), source.name)
        }
        return nil
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
    let encoder = try OutgoingEncoder(options.payload.payloadEncoding(untouched: options.chunk != nil))
    let replySink = options.wait ? try PrintSink(options.display) : nil
    let destination = try resolveDestination(options.destination, family: options.family)
    let socket = try openSendingSocket(to: destination, bind: options.sending.bind, autobind: options.wait)
    try rejectMulticastOptions(options.sending, destination: destination)
    try applySendingOptions(options.sending, to: socket)
    if replySink != nil { try listenForReplies(on: socket, from: destination, timestamps: options.display.time != nil) }
    let input: SendInput
    var source = SendSource.standardInput
    if let (bytes, place) = try options.payload.singleInput() {
        input = .repeated(bytes, place: place, count: options.count)
    } else {
        source = try options.payload.source()
        input = options.chunk.map { .chunks($0) } ?? .lines
    }
    let stats = try send(input, from: source, encoder: encoder, pace: options.pace, on: socket, to: destination)
    if options.stats { writeDiagnostic(stats.line) }
    guard let replySink else { return }
    let outcome = try awaitReplies(on: socket, from: destination, options: options.replies, printSink: replySink,
                                   display: options.display)
    if outcome.ignored > 0 { writeDiagnostic("letter send: ignored \(outcome.ignoredDatagrams) from other addresses") }
    switch outcome.failure {
    case nil: return
    case .noReply(let seconds): throw RuntimeError("no reply within \(seconds) s")
    case .mismatch: throw RuntimeError("reply did not match \(options.expectationText)")
    }
}

let sendSpec = SubcommandSpec(
    name: "send",
    abstract: "Send one letter, or each line of stdin.",
    options: { OptionGroups.writing + [
        Option.encodeErrors.spec(),
        Option.bytes.spec(help: "Send input bytes untouched (binary safe)."),
    ] + OptionGroups.notations() + [
        Option.file.spec(),
        Option.whole.spec(),
        Option.chunk.spec(),
        Option.wait.spec(),
        Option.timeout.spec(help: "With --wait: give up after SEC seconds (exit 1)."),
        Option.all.spec(),
        Option.expect.spec(),
        Option.expectHex.spec(),
        Option.count.spec(help: "Send the datagram (MESSAGE or --whole) N times."),
        Option.interval.spec(),
        Option.rate.spec(),
        Option.stats.spec(help: "Print what was sent, how long it took and the rate to stderr at the end."),
    ] + OptionGroups.sending + OptionGroups.family + OptionGroups.display },
    page: {
        SubcommandPage(
            usage: "letter send [OPTIONS] ENDPOINT [MESSAGE ...]",
            arguments: [
                ("ENDPOINT", "HOST PORT (a name, IPv4 or IPv6 address and a port; HOST:PORT and [IPv6]:PORT work as one "
                    + "argument), or a unix socket: a PATH (any argument with a '/') or @NAME (abstract)."),
                ("MESSAGE", "Words joined by single spaces into one datagram ('-' alone reads stdin). Without them, each "
                    + "stdin line is one."),
            ],
            formats: replyFormats,
            examples: [
                "letter send 127.0.0.1 9000 你好",
                "letter send -e gbk localhost:9000 你好",
                "letter send -w -t 2 127.0.0.1 9000 ping",
                "letter send -w -t 2 --expect pong 127.0.0.1 9000 ping   # a health check: exit 0 only for pong",
                "letter send --hex 127.0.0.1 9000 'de ad be ef'",
                "letter send --broadcast -w --all 255.255.255.255 1900 hello   # every device that answers",
                "printf 'one\\ntwo\\n' | letter send [::1]:9000",
                "letter send /tmp/app.sock 'hello, unix'",
                "letter send -c 300 -i 1 127.0.0.1 9000 tick      # 300 times, once a second",
                "letter send --chunk 1400 127.0.0.1 9000 < file.bin",
            ],
            discussion: "Options may appear anywhere before '--'; a message word that starts with '-' goes after '--'.")
    },
    parse: { parsed throws(UsageError) in try SendOptions(parsed) }, run: { try runSend($0) })
