import LetterCore

/// `letter send [OPTIONS] ENDPOINT [MESSAGE ...]`.
public struct SendOptions: Equatable, Sendable {
    public var destination: Endpoint
    public var payload: PayloadOptions
    public var wait = false
    public var timeout: Double?
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
        wait = parsed.has(.wait)
        if let text = parsed.value(.timeout) { timeout = try parseSeconds(text, option: .timeout) }
        if let text = parsed.value(.rate) { interval = 1 / (try parseRate(text, option: .rate)) }
        if let text = parsed.value(.interval) { interval = try parseSeconds(text, option: .interval, allowZero: true) }
        if let text = parsed.value(.count) { count = try parseInteger(text, option: .count, range: 1...Int(Int32.max)) }
        sending = try SendingOptions(parsed)
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
        if timeout != nil && !wait { throw UsageError("--timeout bounds --wait; add -w") }
        for option: OptionKey in [.format, .bufsize, .time] where parsed.value(option) != nil && !wait {
            throw UsageError("\(option.rawValue) shows the reply; it goes with -w")
        }
    }
}

/// What goes in a datagram and how it is encoded (send, ping): MESSAGE words or stdin,
/// `-e`, `--input-encoding`, `--errors`, `--bytes`, `--whole`.
public struct PayloadOptions: Equatable, Sendable {
    /// The MESSAGE words joined by single spaces; nil reads stdin.
    public var message: String?
    public var whole = false
    public var rawBytes = false
    public var encoding: TextEncoding
    public var inputEncoding: TextEncoding
    public var replaceErrors = false

    /// `untouchedBy` names another option that sends input bytes untouched (`--chunk`).
    init(_ parsed: ParsedArguments, words: ArraySlice<String>, untouchedBy: String? = nil) throws(UsageError) {
        message = words.isEmpty ? nil : joinedWithSpaces(words)
        whole = parsed.has(.whole)
        rawBytes = parsed.has(.bytes)
        encoding = try parseEncoding(parsed.value(.encoding), option: .encoding)
        inputEncoding = try parseEncoding(parsed.value(.inputEncoding), option: .inputEncoding)
        if let text = parsed.value(.errors) {
            replaceErrors = try parseChoice(text, option: .errors, as: EncodeErrorHandler.self) == .replace
        }
        if whole && message != nil { throw UsageError("--whole sends stdin; it cannot be used with MESSAGE") }
        if let untouched = rawBytes ? "--bytes" : untouchedBy {
            for option: OptionKey in [.encoding, .inputEncoding, .errors] where parsed.value(option) != nil {
                throw UsageError("\(untouched) sends input bytes untouched; it cannot be used with \(option.rawValue)")
            }
        }
    }

    /// How this payload's input becomes bytes (`untouched`: as they are).
    func payloadEncoding(untouched: Bool = false) -> PayloadEncoding {
        PayloadEncoding(wire: encoding, input: inputEncoding, untouched: untouched || rawBytes, replaceErrors: replaceErrors)
    }

    /// The one datagram's input: MESSAGE, or all of stdin with --whole.
    func singleInput() throws -> (ArraySlice<UInt8>, place: String)? {
        if let message { return (message.argumentBytes[...], "message") }
        if whole { return (try readWholeInput(), "stdin") }
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
    if let (bytes, place) = try options.payload.singleInput() {
        input = .repeated(bytes, place: place, count: options.count)
    } else {
        input = options.chunk.map { .chunks($0) } ?? .lines
    }
    try send(input, encoder: encoder, interval: options.interval, on: socket, to: destination)
    if let replySink {
        try awaitReply(on: socket, from: destination, printSink: replySink, bufferSize: options.display.bufferSize,
                       timeout: options.timeout)
    }
}
