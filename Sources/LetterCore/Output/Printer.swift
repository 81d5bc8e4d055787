/// Turns each datagram into one output record in one format. A printer serves a whole
/// stream: it owns the decoder (and so the iconv descriptor) and its scratch buffers,
/// so printing allocates nothing per datagram. A new format is a new printer type and
/// one case of `RecordFormat`.
public protocol Printer: AnyObject {
    /// One line for `--help` and the man page: what the format shows.
    static var summary: String { get }

    /// Where columns — `--time`, ping's `seq` and `time` — go in this format's records.
    static var columnPlacement: ColumnPlacement { get }

    init(_ context: PrinterContext)

    /// Appends the record for `datagram` to `out`. Returns the decode failure under
    /// `--errors strict`, with nothing appended.
    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure?
}

/// Where a format puts columns beside the datagram.
public enum ColumnPlacement: Sendable {
    /// On the record's first line: `--time` and one space before it, ping's figures
    /// after it (text, tuple, lines, hex).
    case line
    /// Inside the record as fields (json: `time`, `seq`, `rtt_ms`).
    case fields
    /// Nowhere: the format is the payload alone (raw), so they are usage errors.
    case none
}

extension Printer {
    public static var columnPlacement: ColumnPlacement { .line }
}

/// What every printer may use: the decoder of `-e`/`--errors`, `--bytes`, and `--time`.
public struct PrinterContext {
    public let decoder: TextDecoder
    /// `--bytes`: show payloads as Python bytes literals instead of decoded text.
    public let showBytes: Bool
    /// `--time`: for a printer that writes the time inside its record.
    public let time: TimeColumn?

    public init(decoder: TextDecoder, showBytes: Bool, time: TimeColumn? = nil) {
        self.decoder = decoder
        self.showBytes = showBytes
        self.time = time
    }
}

/// How `listen` (and `send --wait`, and `chat`) shows each datagram: `-f FORMAT`.
public enum RecordFormat: String, CaseIterable, Sendable {
    case text, tuple, json, lines, raw, hex

    public var printer: any Printer.Type {
        switch self {
        case .text: return TextPrinter.self
        case .tuple: return TuplePrinter.self
        case .json: return JSONPrinter.self
        case .lines: return LinesPrinter.self
        case .raw: return RawPrinter.self
        case .hex: return HexPrinter.self
        }
    }

    public var summary: String { printer.summary }
}

/// The decoded text of the datagram being printed, in one reused buffer.
final class DecodedText {
    let decoder: TextDecoder
    /// `--bytes`: the payload is shown as a bytes literal, not decoded.
    let showBytes: Bool
    private(set) var bytes: [UInt8] = []

    init(_ context: PrinterContext) {
        decoder = context.decoder
        showBytes = context.showBytes
        bytes.reserveCapacity(70_000 * 4)
    }

    func decode(_ payload: ArraySlice<UInt8>) -> DecodeFailure? {
        bytes.removeAll(keepingCapacity: true)
        return decoder.decode(payload, appendingTo: &bytes)
    }

    /// Appends the payload as its text (`escaped` as the text format escapes it) or,
    /// with `--bytes`, as Python's bytes literal. Returns the strict decode failure.
    func appendPayload(_ payload: ArraySlice<UInt8>, escaped: Bool, to out: inout [UInt8]) -> DecodeFailure? {
        if showBytes {
            appendPythonBytesRepr(payload, to: &out)
            return nil
        }
        if let failure = decode(payload) { return failure }
        if escaped { appendEscapingControls(bytes[...], to: &out) } else { out.append(contentsOf: bytes) }
        return nil
    }
}

/// The last peer and how it prints: letters mostly come in runs from one sender, so
/// its tuple is made once per run, not once per datagram.
struct PeerCache {
    private var peer: Peer?
    private var bytes: [UInt8] = []
    /// `print(addr)` (true) or `repr(addr)` (false): they differ for a unix path.
    let printForm: Bool

    init(printForm: Bool) { self.printForm = printForm }

    mutating func append(_ sender: Peer, to out: inout [UInt8]) {
        if sender != peer {
            bytes.removeAll(keepingCapacity: true)
            if printForm { sender.appendPythonPrint(to: &bytes) } else { sender.appendPythonRepr(to: &bytes) }
            peer = sender
        }
        out.append(contentsOf: bytes)
    }
}

/// The addresses of a record: the sender and, for a relayed datagram, `separator` and
/// its destination, each made once per run of datagrams between the same two peers.
struct AddressColumns {
    private var sender: PeerCache
    private var destination: PeerCache
    private let separator: [UInt8]

    init(printForm: Bool, separator: String) {
        sender = PeerCache(printForm: printForm)
        destination = PeerCache(printForm: printForm)
        self.separator = Array(separator.utf8)
    }

    mutating func append(_ datagram: Datagram, to out: inout [UInt8]) {
        sender.append(datagram.peer, to: &out)
        guard let passage = datagram.passage else { return }
        out.append(contentsOf: separator)
        destination.append(passage.to, to: &out)
    }
}
