/// Turns each record into its output in one format, between a beginning and an end of
/// its own. A printer serves a whole stream: it owns the decoder (and so the iconv
/// descriptor) and reuses its scratch buffers from one datagram to the next. A new
/// format is a printer type in Printers/ and its case in `RecordFormat`.
public protocol Printer: AnyObject {
    /// One line for `--help` and the man page: what the format shows.
    static var summary: String { get }

    /// Whether this format's records have room for columns — `--time`, ping's `seq` and
    /// `time` — beside the datagram (raw has none: it is the payload alone).
    static var showsColumns: Bool { get }

    init(_ context: PrinterContext)

    /// What goes before the first record (a capture file's header, say).
    func begin(to out: inout [UInt8])

    /// Appends the output for `record` to `out`, its columns placed from the record's
    /// fields. Returns the decode failure under `--errors strict`, with nothing appended.
    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure?

    /// What goes after the last record, from the run's final figures: ping's summary.
    func finish(_ statistics: ReceiveStatistics, to out: inout [UInt8])
}

extension Printer {
    public static var showsColumns: Bool { true }

    /// Nothing before the first record.
    public func begin(to out: inout [UInt8]) {}

    /// iputils ping's closing lines after ping's replies; nothing after anything else.
    /// (ping refuses the formats without columns, so those never close a ping.)
    public func finish(_ statistics: ReceiveStatistics, to out: inout [UInt8]) {
        statistics.ping?.appendText(to: &out)
    }
}

/// What every printer may use: the decoder of `-e`/`--errors`, `--bytes`, and the
/// columns (`--time`).
public struct PrinterContext {
    public let decoder: TextDecoder
    /// `--bytes`: show payloads as Python bytes literals instead of decoded text.
    public let showBytes: Bool
    public let columns: Columns

    public init(decoder: TextDecoder, showBytes: Bool, columns: Columns = Columns(time: nil)) {
        self.decoder = decoder
        self.showBytes = showBytes
        self.columns = columns
    }
}

/// How `listen` (and `send --wait`, and `chat`) shows each datagram: `-f FORMAT`.
public enum RecordFormat: String, CaseIterable, Sendable {
    case text, tuple, json, lines, raw, hex, pcap

    public var printer: any Printer.Type {
        switch self {
        case .text: return TextPrinter.self
        case .tuple: return TuplePrinter.self
        case .json: return JSONPrinter.self
        case .lines: return LinesPrinter.self
        case .raw: return RawPrinter.self
        case .hex: return HexPrinter.self
        case .pcap: return PcapPrinter.self
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

    /// Decodes `payload` into `bytes`.
    func decode(_ payload: ArraySlice<UInt8>) -> DecodeFailure? {
        bytes.removeAll(keepingCapacity: true)
        return decoder.decode(payload, appendingTo: &bytes)
    }

    /// Decodes `payload` unless `--bytes` shows it as a literal. Called before a record
    /// appends anything, so that a strict failure leaves nothing of it.
    func decodeForDisplay(_ payload: ArraySlice<UInt8>) -> DecodeFailure? {
        showBytes ? nil : decode(payload)
    }

    /// Appends the payload as the text `decodeForDisplay` made (`escaped` as the text
    /// format escapes it) or, with `--bytes`, as Python's bytes literal.
    func appendPayload(_ payload: ArraySlice<UInt8>, escaped: Bool, to out: inout [UInt8]) {
        if showBytes {
            appendPythonBytesRepr(payload, to: &out)
        } else if escaped {
            appendEscapingControls(bytes[...], to: &out)
        } else {
            out.append(contentsOf: bytes)
        }
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

    mutating func append(_ record: Record, to out: inout [UInt8]) {
        sender.append(record.datagram.peer, to: &out)
        guard let passage = record.passage else { return }
        out.append(contentsOf: separator)
        destination.append(passage.to, to: &out)
    }
}
