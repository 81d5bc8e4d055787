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
    /// Text, or bytes written in a notation (--hex), sent as those bytes.
    public var form: InputForm

    public init(wire: TextEncoding, input: TextEncoding, untouched: Bool, replaceErrors: Bool,
                form: InputForm = .text) {
        self.wire = wire
        self.input = input
        self.untouched = untouched
        self.replaceErrors = replaceErrors
        self.form = form
    }
}

/// Turns input text (a message or a line) into a datagram's bytes: decode the input
/// encoding, encode the wire encoding, pass bytes through with --bytes and --chunk, or
/// read them from a notation (--hex).
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
        if settings.untouched || settings.form != .text {
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
    /// ("line 3", "message"); `readSoFar` is what has been read of the whole input (a
    /// line of a binary file may look like text), asked for only when `input` is invalid.
    public func append(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String,
                       readSoFar: @autoclosure () -> ArraySlice<UInt8> = [], to out: inout [UInt8]) throws(RuntimeError) {
        if case .written(let notation) = settings.form { return try notation.append(input, place, &out) }
        guard let inputDecoder, let wireEncoder else {
            out.append(contentsOf: input)
            return
        }
        // UTF-8 on both sides: validating while copying is all there is to do.
        let direct = wireEncoder.encoding.method == .utf8
        text.removeAll(keepingCapacity: true)
        let failure = direct ? inputDecoder.decode(input, appendingTo: &out) : inputDecoder.decode(input, appendingTo: &text)
        if let failure { throw invalidInput(input, failure, place: place(), readSoFar: readSoFar()) }
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
            throw invalidInput(input, failure, place: "stdin", readSoFar: input)
        }
        return decoded
    }

    private func invalidInput(_ input: ArraySlice<UInt8>, _ failure: DecodeFailure, place: String,
                              readSoFar: ArraySlice<UInt8>) -> RuntimeError {
        let byte = input[input.startIndex + failure.offset]
        let inputName = inputDecoder!.encoding.name  // only called with a decoder
        let hint = invalidInputHint(input, readSoFar: readSoFar, inputName: inputName)
        return RuntimeError("\(place): invalid \(inputName) input at byte \(failure.offset + 1) "
            + "(0x\(String(byte, radix: 16))); nothing sent for it (\(hint))")
    }
}

/// The hint for input that does not decode: the way to send it as it is when it looks
/// binary, else the input encoding it probably is — never only `--errors replace`,
/// which would send it corrupted.
func invalidInputHint(_ input: ArraySlice<UInt8>, readSoFar: ArraySlice<UInt8>, inputName: String) -> String {
    if looksBinary(input) || looksBinary(readSoFar) {
        return "the input looks binary: --bytes sends it untouched, --chunk N a file in pieces of N bytes, "
            + "and --hex takes bytes written in hex"
    }
    if let likely = likelyInputEncoding(of: input, besides: inputName) {
        return "it reads as \(likely.name): --input-encoding \(likely.name)"
    }
    return "no common encoding reads it: --input-encoding ENC names the one it is in, and --bytes sends it untouched"
}

/// NUL or the C0 controls that text never holds (a PNG's 0x1a, an executable's NULs):
/// data, not mistyped text.
func looksBinary(_ input: ArraySlice<UInt8>) -> Bool {
    input.contains(where: { $0 < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains($0) })
}

/// The first common encoding, in the order people meet them, that decodes `input`
/// whole without error: the CJK double-byte ones first (they reject most other text),
/// then Windows' Western page (which decodes nearly anything but five bytes).
func likelyInputEncoding(of input: ArraySlice<UInt8>, besides current: String) -> TextEncoding? {
    for name in ["gbk", "big5", "shift_jis", "euc_jp", "cp949", "cp1252"] where name != current {
        guard let encoding = lookupEncoding(name), let decoder = TextDecoder(encoding: encoding, errors: .strict) else { continue }
        var scratch: [UInt8] = []
        if decoder.decode(input, appendingTo: &scratch) == nil { return encoding }
    }
    return nil
}

/// One datagram per line. Lines already read go out in batches; before every read that
/// may block, what is pending is sent, so interactive lines leave at once.
func sendLines(from reader: LineReader, sender: DatagramSender, on socket: borrowing DatagramSocket) throws {
    repeat {
        while let line = reader.nextBufferedLine() {
            sender.inputPosition = reader.position
            do {
                try sender.add(line, place: "\(sender.recordName) \(reader.lineNumber)", readSoFar: reader.readSoFar)
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
/// them in batches, paced by --rate or -i when given. A long send (over a second) shows
/// its progress on a terminal's stderr.
public final class DatagramSender {
    let destination: Peer
    /// What one input record is called in messages: "line 3", "chunk 3".
    let recordName: String
    /// The largest datagram the transport carries to `destination`.
    private let limit: Int
    private let encoder: OutgoingEncoder
    private static let batchCapacity = 64
    private let batch = SendBatch(capacity: batchCapacity)
    /// When each datagram may leave (--rate, -i); nil sends as fast as batches go.
    private var pacer: Pacer?
    private var report: SendReport
    /// How far into the input the datagrams added so far reach, in input bytes (for the
    /// progress line's percentage).
    var inputPosition = 0

    /// `inputSize`: the input's size when it is known (a regular file), for the
    /// progress line's percentage and time left.
    public init(on socket: borrowing DatagramSocket, to destination: Peer, encoder: OutgoingEncoder, pace: Pace?,
                recordName: String = "line", showsProgress: Bool = false, inputSize: Int? = nil) throws(RuntimeError) {
        self.destination = destination
        do { limit = try socket.maximumDatagramSize(to: destination) } catch { throw RuntimeError(failed: error) }
        self.encoder = encoder
        self.recordName = recordName
        pacer = pace.map { Pacer($0, capacity: Self.batchCapacity) }
        report = SendReport(start: monotonicNanoseconds(), inputSize: inputSize,
                            showsProgress: showsProgress && isTerminal(standardError))
    }

    /// Adds the datagram for `input` to the batch. A bad input (not valid, not encodable,
    /// too long for the transport) throws and leaves nothing of itself in the batch.
    func add(_ input: ArraySlice<UInt8>, place: @autoclosure () -> String,
             readSoFar: @autoclosure () -> ArraySlice<UInt8> = []) throws(RuntimeError) {
        do throws(RuntimeError) {
            try encoder.append(input, place: place(), readSoFar: readSoFar(), to: &batch.bytes)
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

    /// Whether the batch should go out now: it is full, or it holds what the pace lets
    /// leave at one wake.
    var isDue: Bool { batch.isFull || pacer.map { batch.count >= $0.batchSize } == true }

    func flush(on socket: borrowing DatagramSocket) throws {
        guard batch.count > 0 else { return }
        let datagrams = batch.count, bytes = batch.bytes.count
        if let pacer {
            let deadline = pacer.deadline(forBatchOf: datagrams, now: monotonicNanoseconds())
            if deadline > monotonicNanoseconds() { sleep(untilNanoseconds: deadline) }
        }
        do {
            try socket.send(batch, to: destination)
        } catch {
            report.clear()
            throw SendFailure(destination: destination, errno: error.errno)
        }
        let now = monotonicNanoseconds()
        pacer?.sent(datagrams, at: now)
        report.note(datagrams: datagrams, bytes: bytes, inputPosition: inputPosition, now: now)
    }

    /// The send is over: the progress line, if one was shown, is cleared. Returns what
    /// `--stats` tells.
    @discardableResult
    func finish() -> SendStats {
        report.clear()
        return SendStats(report: report, end: monotonicNanoseconds())
    }
}
