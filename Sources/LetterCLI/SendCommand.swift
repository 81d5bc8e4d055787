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
    /// `--rate N` or `-i SEC`: the pause between datagrams, in seconds.
    public var interval: Double?
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
        if let text = parsed.value(.chunk) { chunk = try parseInteger(text, option: .chunk, range: 1...65527) }
        payload = try PayloadOptions(parsed, words: parsed.positionals.dropFirst(used), untouchedBy: chunk != nil ? "--chunk" : nil)
        if chunk != nil && payload.hex { throw UsageError("--hex reads bytes written in hex; it cannot be used with --chunk") }
        wait = parsed.has(.wait)
        stats = parsed.has(.stats)
        replies.all = parsed.has(.all)
        if let text = parsed.value(.timeout) { replies.timeout = try parseSeconds(text, option: .timeout) }
        if replies.all && replies.timeout == nil { replies.timeout = 2 }
        if let text = parsed.value(.expect) {
            replies.expectation = ReplyExpectation(text: text)
            expectationText = "--expect '\(text)'"
        }
        if let text = parsed.value(.expectHex) {
            expectationText = "--expect-hex '\(text)'"
            do throws(HexSyntaxError) { replies.expectation = try ReplyExpectation(hex: text) } catch {
                throw UsageError("invalid value '\(text)' for '--expect-hex': column \(error.column): \(error.explanation)")
            }
        }
        if let text = parsed.value(.rate) { interval = 1 / (try parseRate(text, option: .rate)) }
        if let text = parsed.value(.interval) { interval = try parseSeconds(text, option: .interval, allowZero: true) }
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int(Int32.max)) }
        sending = try SendingOptions(parsed)
        replies.broadcast = sending.broadcast
        display = try DisplayOptions(parsed, errorsApply: false)
        // Conflicting or pointless flags, one line each.
        if chunk != nil && payload.message != nil { throw UsageError("--chunk cuts stdin; it cannot be used with MESSAGE") }
        if chunk != nil && payload.whole { throw UsageError("--chunk and --whole cannot be used together") }
        if parsed.value(.rate) != nil && parsed.value(.interval) != nil {
            throw UsageError("--rate and --interval both set the pace; give one")
        }
        if parsed.value(.count) != nil && payload.message == nil && !payload.whole {
            throw UsageError("-c repeats one datagram (MESSAGE or --whole); stdin lines and chunks are each sent once")
        }
        if parsed.value(.timeout) != nil && !wait { throw UsageError("--timeout bounds --wait; add -w") }
        for option: OptionKey in [.format, .bufsize, .time] where parsed.value(option) != nil && !wait {
            throw UsageError("\(option.rawValue) shows the reply; it goes with -w")
        }
        for option: OptionKey in [.all, .expect, .expectHex] where (parsed.has(option) || parsed.value(option) != nil) && !wait {
            throw UsageError("\(option.rawValue) checks replies; it goes with -w")
        }
        if parsed.value(.expect) != nil && parsed.value(.expectHex) != nil {
            throw UsageError("--expect and --expect-hex both say what a reply must hold; give one")
        }
    }
}

/// What goes in a datagram and how it is encoded (send, ping): MESSAGE words, stdin or
/// `--file`, `-e`, `--input-encoding`, `--errors`, `--bytes`, `--hex`, `--whole`.
public struct PayloadOptions: Equatable, Sendable {
    /// The MESSAGE words joined by single spaces; nil reads the input (a single `-` too).
    public var message: String?
    /// `--file PATH`: the input instead of stdin.
    public var file: String?
    /// The MESSAGE was a single `-`: stdin, as `cat -` reads it.
    public var dashReadsStdin = false
    public var whole = false
    public var rawBytes = false
    /// `--hex`: the input is bytes written in hex.
    public var hex = false
    public var encoding: TextEncoding
    public var inputEncoding: TextEncoding
    public var replaceErrors = false

    /// `untouchedBy` names another option that sends input bytes untouched (`--chunk`).
    init(_ parsed: ParsedArguments, words: ArraySlice<String>, untouchedBy: String? = nil) throws(UsageError) {
        // A single `-` reads stdin, as `cat -` does.
        dashReadsStdin = Array(words) == ["-"]
        message = words.isEmpty || dashReadsStdin ? nil : joinedWithSpaces(words)
        file = parsed.value(.file)
        whole = parsed.has(.whole)
        rawBytes = parsed.has(.bytes)
        hex = parsed.has(.hex)
        encoding = try parseEncoding(parsed.value(.encoding), option: .encoding)
        inputEncoding = try parseEncoding(parsed.value(.inputEncoding), option: .inputEncoding)
        if let text = parsed.value(.errors) {
            replaceErrors = try parseChoice(text, option: .errors, as: EncodeErrorHandler.self) == .replace
        }
        if whole && message != nil { throw UsageError("--whole sends stdin; it cannot be used with MESSAGE") }
        if file != nil && message != nil { throw UsageError("--file reads PATH instead of stdin; it cannot be used with MESSAGE") }
        if hex {
            for option: OptionKey in [.encoding, .inputEncoding, .errors] where parsed.value(option) != nil {
                throw UsageError("--hex sends the bytes written in hex, with no encoding; it cannot be used with \(option.rawValue)")
            }
            if rawBytes { throw UsageError("--hex reads bytes written in hex; it cannot be used with --bytes") }
        }
        if let untouched = rawBytes ? "--bytes" : untouchedBy {
            for option: OptionKey in [.encoding, .inputEncoding, .errors] where parsed.value(option) != nil {
                throw UsageError("\(untouched) sends input bytes untouched; it cannot be used with \(option.rawValue)")
            }
        }
    }

    /// How this payload's input becomes bytes (`untouched`: as they are).
    func payloadEncoding(untouched: Bool = false) -> PayloadEncoding {
        PayloadEncoding(wire: encoding, input: inputEncoding, untouched: untouched || rawBytes, replaceErrors: replaceErrors,
                        hex: hex)
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
    let summary = try send(input, from: source, encoder: encoder, interval: options.interval, on: socket, to: destination)
    if options.stats { writeDiagnostic(summary) }
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
