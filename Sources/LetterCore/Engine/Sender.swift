/// How input text becomes a datagram's bytes (send, chat, ping).
public struct PayloadEncoding: Equatable, Sendable {
    /// The encoding on the wire.
    public var wire: TextEncoding
    /// The encoding of the input (MESSAGE words arrive as UTF-8).
    public var input: TextEncoding
    /// Input bytes go out as they are, neither decoded nor encoded (--bytes, --chunk).
    public var untouched: Bool
    /// Invalid input becomes U+FFFD and unencodable text '?', instead of an error.
    public var replaceErrors: Bool

    public init(wire: TextEncoding, input: TextEncoding, untouched: Bool, replaceErrors: Bool) {
        self.wire = wire
        self.input = input
        self.untouched = untouched
        self.replaceErrors = replaceErrors
    }
}

/// Turns input text (a message or a line) into a datagram's bytes: decode the input
/// encoding, encode the wire encoding, or pass bytes through with --bytes and --chunk.
public final class OutgoingEncoder {
    let settings: PayloadEncoding
    private let inputDecoder: TextDecoder?
    private let wireEncoder: TextEncoder?
    private var text: [UInt8] = []
    /// Whether a newline in the input encoding is the one byte 0x0A, which then never
    /// stands inside another character, so that lines can be split on bytes (true for
    /// every ASCII-compatible encoding; false for UTF-16 and UTF-32).
    public let inputNewlineIsOneByte: Bool

    public init(_ settings: PayloadEncoding) throws(EncodingUnavailable) {
        self.settings = settings
        if settings.untouched {
            inputDecoder = nil
            wireEncoder = nil
            inputNewlineIsOneByte = true
            return
        }
        inputDecoder = TextDecoder(encoding: settings.input, errors: settings.replaceErrors ? .replace : .strict)
        wireEncoder = TextEncoder(encoding: settings.wire, replaceUnencodable: settings.replaceErrors)
        guard inputDecoder != nil, wireEncoder != nil else {
            throw EncodingUnavailable(encoding: inputDecoder == nil ? settings.input : settings.wire)
        }
        var newline: [UInt8] = []
        try? TextEncoder(encoding: settings.input, replaceUnencodable: false)?.encode([UInt8(ascii: "\n")][...], appendingTo: &newline)
        inputNewlineIsOneByte = newline == [UInt8(ascii: "\n")]
    }

    /// Appends the datagram for `input` to `out`. `place` names the input in messages
    /// ("line 3", "message").
    public func append(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String, to out: inout [UInt8]) throws(RuntimeError) {
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

/// One datagram per line. Lines already read go out in batches; before every read that
/// may block, what is pending is sent, so interactive lines leave at once.
func sendLines(from reader: LineReader, sender: DatagramSender, on socket: borrowing DatagramSocket) throws {
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

/// Encodes datagrams into a batch, refuses those the transport cannot carry, and sends
/// them in batches (or one by one, paced by --rate or -i). A long send (over a second)
/// shows its progress on a terminal's stderr.
public final class DatagramSender {
    let destination: Peer
    /// What one input record is called in messages: "line 3", "chunk 3".
    let recordName: String
    /// The largest datagram the transport carries to `destination`.
    private let limit: Int
    private let encoder: OutgoingEncoder
    private let batch = SendBatch(capacity: 64)
    /// The pause between datagrams, in nanoseconds (--rate, -i); nil sends in batches.
    private let interval: UInt64?
    private var nextSlot: UInt64 = 0
    private var progress: Progress?

    public init(on socket: borrowing DatagramSocket, to destination: Peer, encoder: OutgoingEncoder, interval: Double?,
                recordName: String = "line", showsProgress: Bool = false) throws(RuntimeError) {
        self.destination = destination
        do { limit = try socket.maximumDatagramSize(to: destination) } catch { throw RuntimeError(failed: error) }
        self.encoder = encoder
        self.recordName = recordName
        // --rate (0.001 to 1e7 a second) and -i (at most 1e6 s) keep this within UInt64.
        self.interval = interval.map { UInt64($0 * 1e9) }
        progress = showsProgress && isTerminal(standardError) ? Progress(start: monotonicNanoseconds()) : nil
    }

    /// Adds the datagram for `input` to the batch. A bad input (not valid, not encodable,
    /// too long for the transport) throws and leaves nothing of itself in the batch.
    func add(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String) throws(RuntimeError) {
        do throws(RuntimeError) {
            try encoder.append(input, place: place(), to: &batch.bytes)
            let size = batch.bytes.count - batch.currentStart
            if size > limit {
                let transport = destination.isUnix ? "the unix socket's send buffer allows"
                    : "UDP allows over \(destination.isIPv6 ? "IPv6" : "IPv4")"
                throw RuntimeError("\(place()): \(size)-byte datagram is longer than \(transport) (\(limit) bytes); "
                    + "nothing sent for it")
            }
        } catch {
            batch.discardOpenDatagram()
            throw error
        }
        batch.closeDatagram()
    }

    /// Whether the batch should go out now: it is full, or it is paced one at a time.
    var isDue: Bool { batch.isFull || interval != nil }

    func flush(on socket: borrowing DatagramSocket) throws {
        guard batch.count > 0 else { return }
        if let interval {
            let now = monotonicNanoseconds()
            if nextSlot > now { sleep(untilNanoseconds: nextSlot) }
            nextSlot = max(now, nextSlot) + interval
        }
        let datagrams = batch.count, bytes = batch.bytes.count
        do {
            try socket.send(batch, to: destination)
        } catch {
            progress?.clear()
            throw SendFailure(destination: destination, errno: error.errno)
        }
        progress?.note(datagrams: datagrams, bytes: bytes, now: monotonicNanoseconds())
    }

    /// The send is over: the progress line, if one was shown, is cleared.
    func finish() {
        progress?.clear()
    }
}

/// One line on a terminal's stderr for a long send: datagrams and bytes sent and the
/// rate, rewritten in place at most ten times a second once the send has taken more
/// than a second, and cleared at the end.
private struct Progress {
    let start: UInt64
    private var datagrams = 0
    private var bytes = 0
    private var lastShown: UInt64 = 0
    private var shown = false

    init(start: UInt64) { self.start = start }

    mutating func note(datagrams sent: Int, bytes sentBytes: Int, now: UInt64) {
        datagrams += sent
        bytes += sentBytes
        let elapsed = now &- start
        guard elapsed >= 1_000_000_000, now &- lastShown >= 100_000_000 else { return }
        lastShown = now
        shown = true
        let rate = Int(Double(datagrams) / (Double(elapsed) / 1e9))
        writeTerminalStatus("letter: sent \(counted(datagrams, "datagram")) (\(counted(bytes, "byte"))), \(rate)/s")
    }

    mutating func clear() {
        if shown { writeTerminalStatus("") }
        shown = false
    }
}
