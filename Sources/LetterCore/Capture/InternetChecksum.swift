/// The internet checksum (RFC 1071) that IPv4 headers and UDP carry: the one's
/// complement of the one's complement sum of the data as big-endian 16-bit words, an
/// odd last byte padded with a zero byte.
struct InternetChecksum {
    /// The running sum, folded only at the end: 64 bits hold the carries of any
    /// datagram (65,535 words of at most 0xffff never reach 2^32).
    private var sum: UInt64 = 0

    mutating func add(_ word: UInt16) { sum &+= UInt64(word) }

    mutating func add(_ value: UInt32) { sum &+= UInt64(value >> 16) &+ UInt64(value & 0xffff) }

    mutating func add(_ half: UInt64) {
        add(UInt32(truncatingIfNeeded: half >> 32))
        add(UInt32(truncatingIfNeeded: half))
    }

    /// Adds `bytes` as words that start at an even offset of the checksummed data
    /// (the UDP payload does: it follows the 8-byte header).
    mutating func add(_ bytes: ArraySlice<UInt8>) {
        // Bytes at even offsets are the high halves of words: shifted by 8, the others
        // not. Iterating the slice checks no bounds (indexing it, or a span, costs more).
        var shift: UInt64 = 8
        for byte in bytes {
            sum &+= UInt64(byte) << shift
            shift ^= 8
        }
    }

    /// The sum folded to 16 bits and complemented.
    var value: UInt16 {
        var folded = sum
        while folded >> 16 != 0 { folded = (folded & 0xffff) &+ (folded >> 16) }
        return ~UInt16(folded)
    }
}
