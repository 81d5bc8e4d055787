/// One UDP datagram read from a capture or a JSON recording.
public struct CapturedDatagram {
    /// When it was recorded; nil when the record has none (a Simple Packet Block, a JSON
    /// line without `time`). JSON's `elapsed` and `delta` times count from the recording's
    /// start or the previous datagram, so only differences between them mean anything.
    public var time: Timestamp?
    public var source: Peer
    /// Where it went; nil for `listen`'s json, which records only the sender.
    public var destination: Peer?
    /// The bytes: a slice of the reader's reused buffer, valid until the next `next()`.
    public var payload: ArraySlice<UInt8>
    /// The payload is JSON's decoded `text` (UTF-8), there was no `hex`: the caller
    /// encodes it as the recording's `-e` did.
    public var payloadIsText: Bool
    /// Where its record starts in the input (for a reassembled datagram, the record of
    /// the fragment that completed it).
    public var offset: Int
}

/// Records that yield nothing to send, by why.
public struct CaptureSkips: Equatable, Sendable {
    /// TCP, ICMP, ARP..., or packets too malformed to be UDP.
    public var notUDP = 0
    /// Fragments of datagrams that never came whole (counted when the capture ends, or
    /// when reassembly gives a datagram up to stay within its memory).
    public var incompleteFragments = 0
    /// UDP records the capture kept less of than was sent (pcap's `incl_len` <
    /// `orig_len`, a length past the bytes captured, json's `truncated_from`).
    public var cutShort = 0
    /// Relay replies in relay's json (only requests are replayed).
    public var replies = 0

    public init() {}

    public var total: Int { notUDP + incompleteFragments + cutShort + replies }

    mutating func add(_ kind: SkipKind, _ records: Int) {
        switch kind {
        case .notUDP: notUDP += records
        case .incompleteFragment: incompleteFragments += records
        case .cutShort: cutShort += records
        case .reply: replies += records
        }
    }
}

/// Reads the UDP datagrams of a capture one at a time, from a descriptor (a file, or
/// stdin) in chunks, never holding the whole file: pcap (microseconds or nanoseconds,
/// either byte order), pcapng (sections, interfaces, Enhanced and Simple Packet Blocks)
/// or letter's JSON Lines — told apart by their first bytes, never by a file name.
/// Link types Ethernet (with VLAN tags), Linux cooked v1 and v2, raw IP and BSD loopback;
/// IPv4 and IPv6, fragments reassembled. Whatever is not a UDP datagram is counted in
/// `skipped`. A damaged input is a `CaptureError` naming its byte offset, after the
/// datagrams before it; after an error or the end, `next()` returns nil.
public final class CaptureReader {
    public enum Format: Equatable, Sendable {
        case pcap(nanosecond: Bool)
        case pcapng
        case jsonLines
    }

    private enum Records {
        case undetected
        case pcap(PcapReader)
        case pcapng(PcapngReader)
        case json(JSONLinesReader)
        case done
    }

    private let input: CaptureInput
    private let decoder: PacketDecoder
    private var records = Records.undetected
    private var counts = CaptureSkips()
    public private(set) var format: Format?

    public convenience init(descriptor: Int32) {
        self.init(CaptureInput(descriptor: descriptor), reassembler: FragmentReassembler())
    }

    /// Over bytes in memory, handed over `readSize` bytes at a time as a descriptor's
    /// short reads would be.
    convenience init(bytes: [UInt8], readSize: Int = 64 << 10, reassembler: FragmentReassembler = FragmentReassembler()) {
        self.init(CaptureInput(bytes: bytes, readSize: readSize), reassembler: reassembler)
    }

    private init(_ input: CaptureInput, reassembler: FragmentReassembler) {
        self.input = input
        decoder = PacketDecoder(reassembler: reassembler)
    }

    /// What was skipped so far; fragments still in flight count once the input ends.
    public var skipped: CaptureSkips {
        var skips = counts
        skips.incompleteFragments += decoder.reassembler.abandoned
        return skips
    }

    /// How many bytes of the input have been read through (for a progress line).
    public var bytesRead: Int { input.offset }

    /// The next datagram, or nil at the end of the input.
    public func next() throws(CaptureError) -> CapturedDatagram? {
        do {
            return try nextDatagram()
        } catch {
            records = .done
            throw error
        }
    }

    private func nextDatagram() throws(CaptureError) -> CapturedDatagram? {
        if case .undetected = records { records = try detect() }
        while true {
            let frame: CaptureFrame?
            switch records {
            case .undetected, .done:
                return nil
            case .pcap(let reader):
                frame = try reader.next()
            case .pcapng(let reader):
                frame = try reader.next()
            case .json(let reader):
                switch try reader.next() {
                case .datagram(let datagram): return datagram
                case .skipped(let kind): counts.add(kind, 1)
                case nil: return finish()
                }
                continue
            }
            guard let frame else { return finish() }
            switch decoder.decode(input.bytes(at: frame.place), link: frame.link, isCut: frame.isCut) {
            case .datagram(let source, let destination, let payload):
                return CapturedDatagram(time: frame.time, source: source, destination: destination, payload: payload,
                                        payloadIsText: false, offset: frame.offset)
            case .skipped(let kind, let records):
                counts.add(kind, records)
            case .held:
                continue
            }
        }
    }

    /// The end of the input: fragments still waiting will never come whole.
    private func finish() -> CapturedDatagram? {
        decoder.reassembler.finish()
        records = .done
        return nil
    }

    /// Tells the format from the first bytes: a pcap magic number (a1b2c3d4 for
    /// microseconds, a1b23c4d for nanoseconds, in either byte order), pcapng's Section
    /// Header Block type (0a0d0d0a), or `{` for JSON Lines.
    private func detect() throws(CaptureError) -> Records {
        _ = try input.fill(4)
        guard input.available > 0 else { throw CaptureError(.notACapture, at: 0, "the file is empty") }
        if input.byte(0) == UInt8(ascii: "{") {
            format = .jsonLines
            return .json(JSONLinesReader(input))
        }
        guard input.available >= 4 else {
            throw CaptureError(.notACapture, at: 0, "it holds only \(input.available) bytes")
        }
        switch input.uint32(0, bigEndian: true) {
        case 0xA1B2_C3D4, 0xD4C3_B2A1:
            format = .pcap(nanosecond: false)
            return .pcap(try PcapReader(input, bigEndian: input.byte(0) == 0xA1, nanosecond: false))
        case 0xA1B2_3C4D, 0x4D3C_B2A1:
            format = .pcap(nanosecond: true)
            return .pcap(try PcapReader(input, bigEndian: input.byte(0) == 0xA1, nanosecond: true))
        case 0x0A0D_0D0A:
            format = .pcapng
            return .pcapng(try PcapngReader(input))
        default:
            let first = input.bytes(0..<4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
            let gzip = input.byte(0) == 0x1F && input.byte(1) == 0x8B ? ", gzip-compressed data: decompress it first" : ""
            throw CaptureError(.notACapture, at: 0,
                               "it starts with \(first)\(gzip) (a capture starts with a pcap or pcapng magic number, or a JSON object)")
        }
    }
}
