/// A link-layer record of a pcap or pcapng file: where the bytes captured lie in the
/// input's window (valid until its next read), how to decode them, and when. It holds no
/// slice, so that it is a plain value: an optional of one holding a slice is destroyed
/// through value witnesses, about 70 instructions a record (callgrind, replay --fast).
struct CaptureFrame {
    var place: Range<Int>
    var link: LinkType
    var time: Timestamp?
    /// The capture kept fewer bytes than the frame had (a snapshot length).
    var isCut: Bool
    /// Where the record starts in the input.
    var offset: Int
}

/// Classic pcap (draft-ietf-opsawg-pcap): a 24-byte file header — magic number, version,
/// snapshot length, link type — then records of a 16-byte header (seconds, microseconds
/// or nanoseconds, captured length, original length) and the bytes captured, all in the
/// byte order the magic number shows.
final class PcapReader {
    private let input: CaptureInput
    private let bigEndian: Bool
    private let nanosecond: Bool
    private let link: LinkType

    /// Reads the file header; `bigEndian` and `nanosecond` come from its magic number.
    init(_ input: CaptureInput, bigEndian: Bool, nanosecond: Bool) throws(CaptureError) {
        self.input = input
        self.bigEndian = bigEndian
        self.nanosecond = nanosecond
        guard try input.fill(24) else {
            throw CaptureError(.endsInsideRecord, at: 0, "the 24-byte pcap file header (\(input.available) bytes there)")
        }
        let major = input.uint16(4, bigEndian: bigEndian), minor = input.uint16(6, bigEndian: bigEndian)
        guard major == 2 else { throw CaptureError(.notACapture, at: 0, "a pcap magic number, but version \(major).\(minor) (pcap is 2.4)") }
        // The low 16 bits are the link type; above them are FCS flags and reserved bits,
        // kept in the number so that a file using them is refused by name.
        let type = input.uint32(20, bigEndian: bigEndian) & 0x03FF_FFFF
        guard let link = LinkType(number: type) else { throw CaptureError(.unknownLinkType(type), at: 20, "in the pcap file header") }
        self.link = link
        input.advance(24)
    }

    /// The next record, or nil at the end of the file.
    func next() throws(CaptureError) -> CaptureFrame? {
        let start = input.offset
        guard try input.fill(16) else {
            guard input.available == 0 else {
                throw CaptureError(.endsInsideRecord, at: start, "a 16-byte pcap record header, \(input.available) bytes there")
            }
            return nil
        }
        let seconds = input.uint32(0, bigEndian: bigEndian), fraction = input.uint32(4, bigEndian: bigEndian)
        let captured = Int(input.uint32(8, bigEndian: bigEndian)), original = Int(input.uint32(12, bigEndian: bigEndian))
        guard captured <= CaptureInput.windowLimit - 16 else {
            throw CaptureError(.damaged, at: start, "a pcap record of \(captured) bytes, longer than any capture holds")
        }
        guard try input.fill(16 + captured) else {
            throw CaptureError(.endsInsideRecord, at: start, "a pcap record of \(captured) bytes, \(input.available - 16) there")
        }
        let nanoseconds = Int(fraction) * (nanosecond ? 1 : 1000)
        let frame = CaptureFrame(place: input.place(16..<16 + captured), link: link,
                                 time: Timestamp(seconds: Int(seconds) + nanoseconds / 1_000_000_000, nanoseconds: nanoseconds % 1_000_000_000),
                                 isCut: captured < original, offset: start)
        input.advance(16 + captured)
        return frame
    }
}
