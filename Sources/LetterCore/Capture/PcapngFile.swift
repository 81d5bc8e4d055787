/// pcapng (draft-ietf-opsawg-pcapng): blocks of type, total length, body and the total
/// length again. A Section Header Block starts each section and says its byte order;
/// Interface Description Blocks give each interface its link type, snapshot length and
/// time resolution (`if_tsresol`, and `if_tsoffset`); Enhanced Packet Blocks carry a
/// record of an interface, Simple Packet Blocks one of interface 0 without a time. Every
/// other block is skipped by its length, without being held in memory.
final class PcapngReader {
    private struct Interface {
        var linkNumber: UInt32
        var link: LinkType?
        var snapLength: UInt32
        /// `if_tsresol`: the top bit says a power of 2, the rest is the negative exponent
        /// (the default, 6, is microseconds).
        var resolution: UInt8 = 6
        /// `if_tsoffset`: seconds added to every time.
        var offsetSeconds: Int64 = 0
    }

    private let input: CaptureInput
    private var bigEndian = false
    private var interfaces: [Interface] = []

    private static let sectionHeader: UInt32 = 0x0A0D_0D0A
    private static let byteOrderMagic: UInt32 = 0x1A2B_3C4D
    /// More interfaces in one section than any capture has: the file is damaged.
    private static let maximumInterfaces = 1 << 16

    /// Reads the first Section Header Block.
    init(_ input: CaptureInput) throws(CaptureError) {
        self.input = input
        try readSectionHeader()
    }

    /// The next packet record, or nil at the end of the file.
    func next() throws(CaptureError) -> CaptureFrame? {
        while true {
            let start = input.offset
            guard try input.fill(8) else {
                guard input.available == 0 else {
                    throw CaptureError(.endsInsideRecord, at: start, "an 8-byte pcapng block header, \(input.available) bytes there")
                }
                return nil
            }
            let type = input.uint32(0, bigEndian: bigEndian)
            if type == Self.sectionHeader {
                try readSectionHeader()
                continue
            }
            let length = Int(input.uint32(4, bigEndian: bigEndian))
            guard length >= 12, length % 4 == 0 else {
                throw CaptureError(.damaged, at: start, "a pcapng block of type \(type) with a total length of \(length) (at least 12, a multiple of 4)")
            }
            switch type {
            case 1, 3, 6:
                try readWholeBlock(length, type: type)
                defer { input.advance(length) }
                switch type {
                case 1: try describeInterface(length, at: start)
                case 3: return try simplePacket(length, at: start)
                default: return try enhancedPacket(length, at: start)
                }
            default:
                guard try input.skip(length - 4), try input.fill(4) else {
                    throw CaptureError(.endsInsideRecord, at: start, "a pcapng block of type \(type) and \(length) bytes")
                }
                try checkTrailer(0, length, at: start)
                input.advance(4)
            }
        }
    }

    /// A Section Header Block: the byte-order magic, version 1, then options (skipped).
    /// The interfaces of the previous section end with it.
    private func readSectionHeader() throws(CaptureError) {
        let start = input.offset
        guard try input.fill(12) else {
            throw CaptureError(.endsInsideRecord, at: start, "a pcapng Section Header Block, \(input.available) bytes there")
        }
        switch input.uint32(8, bigEndian: true) {
        case Self.byteOrderMagic: bigEndian = true
        case Self.byteOrderMagic.byteSwapped: bigEndian = false
        default:
            throw CaptureError(start == 0 ? .notACapture : .damaged, at: start,
                               "a pcapng Section Header Block without the byte-order magic 1a2b3c4d")
        }
        let length = Int(input.uint32(4, bigEndian: bigEndian))
        guard length >= 28, length % 4 == 0 else {
            throw CaptureError(.damaged, at: start, "a pcapng Section Header Block with a total length of \(length) (at least 28, a multiple of 4)")
        }
        guard try input.fill(16) else {
            throw CaptureError(.endsInsideRecord, at: start, "a pcapng Section Header Block, \(input.available) bytes there")
        }
        let major = input.uint16(12, bigEndian: bigEndian)
        guard major == 1 else {
            throw CaptureError(start == 0 ? .notACapture : .damaged, at: start,
                               "pcapng version \(major).\(input.uint16(14, bigEndian: bigEndian)) (letter reads 1.x)")
        }
        guard try input.skip(length - 4), try input.fill(4) else {
            throw CaptureError(.endsInsideRecord, at: start, "a pcapng Section Header Block of \(length) bytes")
        }
        try checkTrailer(0, length, at: start)
        input.advance(4)
        interfaces.removeAll(keepingCapacity: true)
    }

    /// Brings a block letter reads into the window and checks its trailing length.
    private func readWholeBlock(_ length: Int, type: UInt32) throws(CaptureError) {
        let start = input.offset
        guard length <= CaptureInput.windowLimit else {
            throw CaptureError(.damaged, at: start, "a pcapng block of type \(type) and \(length) bytes, longer than any capture holds")
        }
        guard try input.fill(length) else {
            throw CaptureError(.endsInsideRecord, at: start, "a pcapng block of type \(type) and \(length) bytes, \(input.available) there")
        }
        try checkTrailer(length - 4, length, at: start)
    }

    /// The total length is written again at the end of every block: a block whose two
    /// lengths differ is damaged.
    private func checkTrailer(_ index: Int, _ length: Int, at start: Int) throws(CaptureError) {
        let trailer = Int(input.uint32(index, bigEndian: bigEndian))
        guard trailer == length else {
            throw CaptureError(.damaged, at: start, "a pcapng block whose total length is \(length) at its start and \(trailer) at its end")
        }
    }

    /// An Interface Description Block (in the window): link type, reserved, snapshot
    /// length, then options, of which `if_tsresol` and `if_tsoffset` matter here.
    private func describeInterface(_ length: Int, at start: Int) throws(CaptureError) {
        guard length >= 20 else { throw CaptureError(.damaged, at: start, "an Interface Description Block of \(length) bytes (at least 20)") }
        guard interfaces.count < Self.maximumInterfaces else {
            throw CaptureError(.damaged, at: start, "more than \(Self.maximumInterfaces) interfaces in one section")
        }
        let number = UInt32(input.uint16(8, bigEndian: bigEndian))
        var interface = Interface(linkNumber: number, link: LinkType(number: number), snapLength: input.uint32(12, bigEndian: bigEndian))
        var at = 16
        let end = length - 4
        // Each option: code, length, value padded to 4 bytes; code 0 ends the list.
        while end - at >= 4 {
            let code = input.uint16(at, bigEndian: bigEndian), size = Int(input.uint16(at + 2, bigEndian: bigEndian))
            if code == 0 { break }
            guard end - at - 4 >= (size + 3) & ~3 else {
                throw CaptureError(.damaged, at: start, "an Interface Description Block option of \(size) bytes past the end of its block")
            }
            if code == 9 && size == 1 {
                interface.resolution = input.byte(at + 4)
            } else if code == 14 && size == 8 {
                let high = UInt64(input.uint32(at + 4, bigEndian: bigEndian)), low = UInt64(input.uint32(at + 8, bigEndian: bigEndian))
                interface.offsetSeconds = Int64(bitPattern: bigEndian ? high << 32 | low : low << 32 | high)
            }
            at += 4 + (size + 3) & ~3
        }
        interfaces.append(interface)
    }

    /// An Enhanced Packet Block (in the window): interface, time (two 32-bit halves),
    /// captured length, original length, the bytes, options.
    private func enhancedPacket(_ length: Int, at start: Int) throws(CaptureError) -> CaptureFrame {
        guard length >= 32 else { throw CaptureError(.damaged, at: start, "an Enhanced Packet Block of \(length) bytes (at least 32)") }
        let interfaceID = Int(input.uint32(8, bigEndian: bigEndian))
        guard interfaceID < interfaces.count else {
            throw CaptureError(.damaged, at: start, "an Enhanced Packet Block of interface \(interfaceID), but the section describes \(interfaces.count)")
        }
        let interface = interfaces[interfaceID]
        guard let link = interface.link else {
            throw CaptureError(.unknownLinkType(interface.linkNumber), at: start, "of interface \(interfaceID)")
        }
        let captured = Int(input.uint32(20, bigEndian: bigEndian)), original = Int(input.uint32(24, bigEndian: bigEndian))
        guard captured <= length - 32 else {
            throw CaptureError(.damaged, at: start, "an Enhanced Packet Block of \(length) bytes that says it holds \(captured)")
        }
        let units = UInt64(input.uint32(12, bigEndian: bigEndian)) << 32 | UInt64(input.uint32(16, bigEndian: bigEndian))
        guard let time = timestamp(units, resolution: interface.resolution, offsetSeconds: interface.offsetSeconds) else {
            throw CaptureError(.damaged, at: start, "an Enhanced Packet Block whose time is not between 1970 and 2242")
        }
        return CaptureFrame(place: input.place(28..<28 + captured), link: link, time: time, isCut: captured < original, offset: start)
    }

    /// A Simple Packet Block (in the window): the original length and the bytes, of
    /// interface 0, with no time. It holds the original length, cut to interface 0's
    /// snapshot length and to the block.
    private func simplePacket(_ length: Int, at start: Int) throws(CaptureError) -> CaptureFrame {
        guard length >= 16 else { throw CaptureError(.damaged, at: start, "a Simple Packet Block of \(length) bytes (at least 16)") }
        guard let interface = interfaces.first else {
            throw CaptureError(.damaged, at: start, "a Simple Packet Block before any Interface Description Block")
        }
        guard let link = interface.link else {
            throw CaptureError(.unknownLinkType(interface.linkNumber), at: start, "of interface 0")
        }
        let original = Int(input.uint32(8, bigEndian: bigEndian))
        var captured = min(original, length - 16)
        if interface.snapLength > 0 { captured = min(captured, Int(interface.snapLength)) }
        return CaptureFrame(place: input.place(12..<12 + captured), link: link, time: nil, isCut: captured < original, offset: start)
    }
}

/// The latest time a capture may name, 2242: any two times then differ by less than
/// `Int.max` nanoseconds.
let latestCaptureSecond = 1 << 33

/// A pcapng time — `units` of 10^-n or 2^-n seconds (`resolution`: the top bit set for a
/// power of 2), plus `offsetSeconds` — as seconds and nanoseconds (truncated), or nil when
/// it falls outside 1970–2242.
func timestamp(_ units: UInt64, resolution: UInt8, offsetSeconds: Int64) -> Timestamp? {
    let exponent = Int(resolution & 0x7F)
    var seconds: UInt64, nanoseconds: UInt64
    if resolution & 0x80 == 0 {
        // 10^19 is the largest power of 10 a UInt64 holds.
        let perSecond = exponent <= 19 ? power(10, exponent) : nil
        seconds = perSecond.map { units / $0 } ?? 0
        let fraction = perSecond.map { units % $0 } ?? units
        nanoseconds = exponent <= 9 ? fraction * power(10, 9 - exponent) : exponent - 9 <= 19 ? fraction / power(10, exponent - 9) : 0
    } else {
        seconds = exponent < 64 ? units >> UInt64(exponent) : 0
        let fraction = exponent < 64 ? units & (UInt64(1) << UInt64(exponent) &- 1) : units
        // fraction × 10^9 / 2^exponent, in 128 bits.
        let product = fraction.multipliedFullWidth(by: 1_000_000_000)
        switch exponent {
        case 0: nanoseconds = 0
        case 1..<64: nanoseconds = product.high << UInt64(64 - exponent) | product.low >> UInt64(exponent)
        default: nanoseconds = product.high >> UInt64(exponent - 64)
        }
    }
    let (total, overflow) = Int64(clamping: seconds).addingReportingOverflow(offsetSeconds)
    guard !overflow, total >= 0, total < latestCaptureSecond else { return nil }
    return Timestamp(seconds: Int(total), nanoseconds: Int(nanoseconds))
}

/// `base` to the power `exponent`, which the caller keeps within a UInt64.
private func power(_ base: UInt64, _ exponent: Int) -> UInt64 {
    var result: UInt64 = 1
    for _ in 0..<exponent { result *= base }
    return result
}
