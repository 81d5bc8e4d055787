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
        // The bytes at even offsets are high halves of words, the others low halves:
        // summed apart, the words' sum is the first sum times 256 plus the second.
        var high: UInt64 = 0, low: UInt64 = 0
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            high &+= UInt64(bytes[index])
            low &+= UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.endIndex { high &+= UInt64(bytes[index]) }
        sum &+= high << 8 &+ low
    }

    /// The sum folded to 16 bits and complemented.
    var value: UInt16 {
        var folded = sum
        while folded >> 16 != 0 { folded = (folded & 0xffff) &+ (folded >> 16) }
        return ~UInt16(folded)
    }
}
