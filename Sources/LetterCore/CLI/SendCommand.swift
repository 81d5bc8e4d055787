/// `letter send [OPTIONS] HOST PORT [MESSAGE ...]`.
public struct SendOptions: Equatable, Sendable {
    public var destination: Endpoint
    /// The MESSAGE words joined by single spaces; nil reads stdin.
    public var message: String?
    public var whole = false
    public var rawBytes = false
    public var encoding = "utf-8"
    public var inputEncoding = "utf-8"
    public var replaceErrors = false
    public var wait = false
    public var timeout: Double?
    public var rate: Double?
    /// `--chunk N`: stdin cut into N-byte datagrams, untouched.
    public var chunk: Int?
    public var family: AddressFamily?
    public var sending: SendingOptions
    public var display: DisplayOptions

    init(_ parsed: ParsedArguments) throws(UsageError) {
        family = try parseFamily(parsed)
        let (destination, used) = try parseHostAndPort(parsed.positionals, allowZeroPort: false)
        self.destination = destination
        let words = parsed.positionals.dropFirst(used)
        message = words.isEmpty ? nil : joinedWithSpaces(words)
        whole = parsed.has("--whole")
        rawBytes = parsed.has("--bytes")
        encoding = parsed.value("--encoding") ?? "utf-8"
        inputEncoding = parsed.value("--input-encoding") ?? "utf-8"
        if let text = parsed.value("--errors") {
            replaceErrors = try parseChoice(text, option: "--errors", as: EncodeErrorHandler.self) == .replace
        }
        wait = parsed.has("--wait")
        if let text = parsed.value("--timeout") { timeout = try parseSeconds(text, option: "--timeout") }
        if let text = parsed.value("--rate") { rate = try parseRate(text, option: "--rate") }
        if let text = parsed.value("--chunk") { chunk = try parseInteger(text, option: "--chunk", range: 1...65527) }
        sending = try SendingOptions(parsed)
        display = try DisplayOptions(parsed, errorsApply: false)
        // Conflicting or pointless flags, one line each.
        if whole && message != nil { throw UsageError("--whole sends stdin; it cannot be used with MESSAGE") }
        if chunk != nil && message != nil { throw UsageError("--chunk cuts stdin; it cannot be used with MESSAGE") }
        if chunk != nil && whole { throw UsageError("--chunk and --whole cannot be used together") }
        if timeout != nil && !wait { throw UsageError("--timeout bounds --wait; add -w") }
        for option in ["--format", "--bufsize"] where parsed.value(option) != nil && !wait {
            throw UsageError("\(option) shows the reply; it goes with -w")
        }
        let untouched = rawBytes ? "--bytes" : chunk != nil ? "--chunk" : nil
        if let untouched {
            for option in ["--encoding", "--input-encoding", "--errors"] where parsed.value(option) != nil {
                throw UsageError("\(untouched) sends input bytes untouched; it cannot be used with \(option)")
            }
        }

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

/// Turns input text (a message or a line) into a datagram's bytes: decode the input
/// encoding, encode the wire encoding, or pass bytes through with --bytes and --chunk.
final class OutgoingEncoder {
    private let inputDecoder: TextDecoder?
    private let wireEncoder: TextEncoder?
    private var text: [UInt8] = []
    /// Whether a newline in the input encoding is the one byte 0x0A, which then never
    /// stands inside another character, so that lines can be split on bytes (true for
    /// every ASCII-compatible encoding; false for UTF-16 and UTF-32).
    let inputNewlineIsOneByte: Bool

    init(wire wireName: String, input inputName: String, untouched: Bool, replaceErrors: Bool) throws {
        let wire = try lookupEncodingOrFail(wireName)
        let input = try lookupEncodingOrFail(inputName)
        if untouched {
            inputDecoder = nil
            wireEncoder = nil
            inputNewlineIsOneByte = true
            return
        }
        inputDecoder = TextDecoder(encoding: input, errors: replaceErrors ? .replace : .strict)
        wireEncoder = TextEncoder(encoding: wire, replaceUnencodable: replaceErrors)
        guard inputDecoder != nil, wireEncoder != nil else {
            throw iconvCannotOpen(inputDecoder == nil ? inputName : wireName)
        }
        var newline: [UInt8] = []
        try? TextEncoder(encoding: input, replaceUnencodable: false)?.encode([UInt8(ascii: "\n")][...], appendingTo: &newline)
        inputNewlineIsOneByte = newline == [UInt8(ascii: "\n")]
    }

    /// Appends the datagram for `input` to `out`. `place` names the input in messages
    /// ("line 3", "message").
    func append(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String, to out: inout [UInt8]) throws(RuntimeError) {
        guard let inputDecoder, let wireEncoder else {
            out.append(contentsOf: input)
            return
        }
        // UTF-8 on both sides: validating while copying is all there is to do.
        let direct = wireEncoder.encoding.method == .utf8
        text.removeAll(keepingCapacity: true)
        let failure = direct ? inputDecoder.decode(input, appendingTo: &out) : inputDecoder.decode(input, appendingTo: &text)
        if let failure { throw invalidInput(input, failure, place: place()) }
        if direct { return }
        do {
            try wireEncoder.encode(text[...], appendingTo: &out)
        } catch {
            throw RuntimeError("\(place()), column \(error.column): \(describeScalar(error.scalar)) cannot be encoded in "
                + "\(wireEncoder.encoding.name); nothing sent for it (--errors replace sends '?' instead)")
        }
    }

    /// All of `input` decoded to UTF-8 (for input whose lines cannot be split on bytes).
    func decodeInput(_ input: ArraySlice<UInt8>) throws(RuntimeError) -> [UInt8] {
        var decoded: [UInt8] = []
        guard let inputDecoder else { return Array(input) }
        if let failure = inputDecoder.decode(input, appendingTo: &decoded) {
            throw invalidInput(input, failure, place: "stdin")
        }
        return decoded
    }

    private func invalidInput(_ input: ArraySlice<UInt8>, _ failure: DecodeFailure, place: String) -> RuntimeError {
        let byte = input[input.startIndex + failure.offset]
        // NUL and the C0 controls that text never holds: binary data, not mistyped text.
        let binary = input.contains { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains($0) }
        let hint = binary ? "the input looks binary: --bytes sends lines untouched, --chunk N a whole file"
                          : "--errors replace sends U+FFFD instead"
        return RuntimeError("\(place): invalid \(inputDecoder!.encoding.name) input at byte \(failure.offset + 1) "  // only called with a decoder
            + "(0x\(String(byte, radix: 16))); nothing sent for it (\(hint))")
    }
}

func runSend(_ options: SendOptions) throws {
    let untouched = options.rawBytes || options.chunk != nil
    var encoder = try OutgoingEncoder(wire: options.encoding, input: options.inputEncoding,
                                      untouched: untouched, replaceErrors: options.replaceErrors)
    let replyWriter = options.wait ? try makeRecordWriter(options.display) : nil
    let destination = try resolveDestination(options.destination, family: options.family)
    let socket: UDPSocket
    if let bind = options.sending.bind {
        socket = try openBoundSocket(try resolveBindAddress(bind, family: destination.addressFamily), reuseAddress: false)
    } else {
        socket = try openSocket(family: destination.addressFamily)
    }
    try applySendingOptions(options.sending, to: socket, destination: destination)
    if replyWriter != nil {
        do { try socket.setReceiveErrors() } catch { throw RuntimeError("\(error.call) failed: \(error.errno)") }
    }

    /// What goes out: one datagram (MESSAGE, --whole), or one per record of a reader.
    enum Input {
        case one(ArraySlice<UInt8>, place: String)
        case records(LineReader, name: String)
    }
    let input: Input
    if let message = options.message {
        input = .one(Array(message.utf8)[...], place: "message")
    } else if options.whole {
        input = .one(try LineReader().readAll(tooLong: "longer than any datagram can carry"), place: "stdin")
    } else if let size = options.chunk {
        input = .records(LineReader(split: .chunks(size)), name: "chunk")
    } else if untouched || encoder.inputNewlineIsOneByte {
        input = .records(LineReader(split: .lines(keepCarriageReturn: untouched)), name: "line")
    } else {
        // UTF-16 or UTF-32 input: the newline is more than the byte 0x0A (which may stand
        // inside other characters), so stdin is decoded whole and split as UTF-8 text.
        let whole = try LineReader(limit: 64 << 20).readAll(
            tooLong: "with --input-encoding \(options.inputEncoding) it is decoded whole, and at most 64 MiB")
        let text = try encoder.decodeInput(whole)
        encoder = try OutgoingEncoder(wire: options.encoding, input: "utf-8", untouched: false,
                                      replaceErrors: options.replaceErrors)
        input = .records(LineReader(contents: text), name: "line")
    }
    switch input {
    case .one(let bytes, let place):
        let sender = DatagramSender(destination: destination, encoder: encoder, rate: options.rate)
        try sender.add(bytes, place: place)
        try sender.flush(on: socket)
    case .records(let reader, let name):
        let sender = DatagramSender(destination: destination, encoder: encoder, rate: options.rate, recordName: name)
        try sendLines(from: reader, sender: sender, on: socket)
    }

    if let replyWriter {
        do {
            try awaitReply(on: socket, writer: replyWriter, display: options.display, timeout: options.timeout)
        } catch is PortUnreachable {
            throw RuntimeError("port unreachable: nothing listens at \(destination.pythonTuple) (ICMP port unreachable)")
        }
    }
}

/// One datagram per line. Lines already read go out in batches; before every read that
/// may block, what is pending is sent, so interactive lines leave at once.
private func sendLines(from reader: LineReader, sender: DatagramSender, on socket: borrowing UDPSocket) throws {
    repeat {
        while let line = reader.nextBufferedLine() {
            do {
                try sender.add(line, place: "\(sender.recordName) \(reader.lineNumber)")
            } catch {
                // The lines before the bad one still go out.
                try sender.flush(on: socket)
                throw error
            }
            if sender.isDue { try sender.flush(on: socket) }
        }
        try sender.flush(on: socket)
    } while try reader.fill()
}

/// Encodes datagrams into a batch, refuses those UDP cannot carry, and sends them in
/// batches (or one by one, paced by --rate).
final class DatagramSender {
    let destination: SocketAddress
    /// What one input record is called in messages: "line 3", "chunk 3".
    let recordName: String
    private let encoder: OutgoingEncoder
    private let batch = SendBatch(capacity: 64)
    private let interval: UInt64?
    private var nextSlot: UInt64 = 0

    init(destination: SocketAddress, encoder: OutgoingEncoder, rate: Double?, recordName: String = "line") {
        self.destination = destination
        self.encoder = encoder
        self.recordName = recordName
        // parseRate keeps the rate in 0.001...1e7, so the interval fits.
        interval = rate.map { UInt64(1e9 / $0) }
    }

    /// Adds the datagram for `input` to the batch. A bad input (not valid, not encodable,
    /// too long for UDP) throws and leaves nothing of itself in the batch.
    func add(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String) throws(RuntimeError) {
        do throws(RuntimeError) {
            try encoder.append(input, place: place(), to: &batch.bytes)
            let size = batch.bytes.count - batch.currentStart
            let limit = maximumDatagramSize(for: destination)
            if size > limit {
                throw RuntimeError("\(place()): \(size)-byte datagram is longer than UDP allows over "
                    + "\(destination.isIPv6 ? "IPv6" : "IPv4") (\(limit) bytes); nothing sent for it")
            }
        } catch {
            batch.discardOpenDatagram()
            throw error
        }
        batch.closeDatagram()
    }

    /// Whether the batch should go out now: it is full, or --rate sends one at a time.
    var isDue: Bool { batch.isFull || interval != nil }

    func flush(on socket: borrowing UDPSocket) throws {
        guard batch.count > 0 else { return }
        if let interval {
            let now = monotonicNanoseconds()
            if nextSlot > now { sleep(untilNanoseconds: nextSlot) }
            nextSlot = max(now, nextSlot) + interval
        }
        do {
            try socket.send(batch, to: destination)
        } catch {
            throw RuntimeError(describeSendFailure(error, to: destination))
        }
    }
}

/// `--wait`: prints the first datagram that comes back, as `listen` would. A port
/// unreachable answer (the socket reports ICMP errors) ends the wait at once.
private func awaitReply(on socket: borrowing UDPSocket, writer: RecordWriter, display: DisplayOptions,
                        timeout: Double?) throws {
    let receiver = Receiver(writer: writer, display: display, allow: [], reply: .none, replyRate: 1, batchCapacity: 1)
    let deadline = timeout.map { monotonicNanoseconds() + UInt64($0 * 1e9) }
    while try receiver.receiveWaiting(on: socket, limit: 1) == 0 {
        var wait: Int32 = -1
        if let deadline {
            let now = monotonicNanoseconds()
            // Nothing came back within -t SEC.
            if now >= deadline { throw RuntimeError("no reply within \(formatSeconds(timeout!)) s") }
            wait = Int32(clamping: (deadline - now + 999_999) / 1_000_000)
        }
        do {
            _ = try waitReadable([socket.descriptor], timeoutMilliseconds: wait)
        } catch {
            throw RuntimeError("cannot wait for a reply: \(error.errno)")
        }
    }
    try receiver.flushOutput()
}

func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
}
