/// The bytes of a capture as a window over its input, read in chunks: a record is looked
/// at in place (a slice of the window) and the window keeps only what has not been used,
/// so memory stays bounded by the longest record, never by the file. The buffer is reused
/// from record to record: a slice handed out is valid until the next read.
final class CaptureInput {
    private enum Source {
        case descriptor(Int32)
        /// Bytes already in memory, handed over `readSize` at a time as a descriptor would
        /// (the fuzzer and the tests use it to cut records at every boundary).
        case memory([UInt8], position: Int)
    }

    private var source: Source
    private let readSize: Int
    private var buffer: [UInt8]
    /// The unread bytes are `buffer[start..<end]`.
    private var start = 0
    private var end = 0
    private var atEnd = false
    /// The input offset of `buffer[start]`: how many bytes have been used.
    private(set) var offset = 0

    /// The most one record, block or line may hold in the window.
    static let windowLimit = 2 << 20

    init(descriptor: Int32) {
        source = .descriptor(descriptor)
        readSize = 64 << 10
        buffer = [UInt8](repeating: 0, count: readSize)
    }

    init(bytes: [UInt8], readSize: Int) {
        source = .memory(bytes, position: 0)
        self.readSize = max(1, readSize)
        buffer = [UInt8](repeating: 0, count: 64 << 10)
    }

    /// How many unread bytes the window holds.
    var available: Int { end - start }

    /// The byte `index` bytes past the read position (which must be available).
    func byte(_ index: Int) -> UInt8 { buffer[start + index] }

    /// The bytes `range` (relative to the read position; they must be available).
    func bytes(_ range: Range<Int>) -> ArraySlice<UInt8> { buffer[start + range.lowerBound..<start + range.upperBound] }

    /// Where the bytes `range` (relative to the read position) lie in the buffer: they
    /// stay there, past `advance`, until the next read.
    func place(_ range: Range<Int>) -> Range<Int> { start + range.lowerBound..<start + range.upperBound }

    /// The bytes at `place` (from `place(_:)`, with no read since).
    func bytes(at place: Range<Int>) -> ArraySlice<UInt8> { buffer[place] }

    /// A 16-bit or 32-bit number `index` bytes past the read position (which must be
    /// available), read from the buffer itself: a slice of it for each number cost a
    /// retain and a release, a fifth of replay --fast's reading.
    @inline(__always)
    func uint16(_ index: Int, bigEndian: Bool) -> UInt16 {
        joined(UInt16(buffer[start + index]), UInt16(buffer[start + index + 1]), bigEndian: bigEndian)
    }

    @inline(__always)
    func uint32(_ index: Int, bigEndian: Bool) -> UInt32 {
        joined(UInt32(uint16(index, bigEndian: bigEndian)), UInt32(uint16(index + 2, bigEndian: bigEndian)), bigEndian: bigEndian)
    }

    /// Moves the read position `count` (available) bytes on.
    func advance(_ count: Int) {
        start += count
        offset += count
    }

    /// Makes at least `count` bytes (at most `windowLimit`) available, reading as needed.
    /// Returns false when the input ends first; `available` then says how many there are.
    func fill(_ count: Int) throws(CaptureError) -> Bool {
        precondition(count <= Self.windowLimit, "a caller bounds what it asks for")
        while end - start < count {
            if atEnd { return false }
            if start + count > buffer.count {
                makeRoom(for: count)
            }
            try readMore()
        }
        return true
    }

    /// Skips `count` bytes without keeping them, however many that is. Returns false when
    /// the input ends first.
    func skip(_ count: Int) throws(CaptureError) -> Bool {
        var left = count
        while true {
            let step = min(left, end - start)
            advance(step)
            left -= step
            if left == 0 { return true }
            if atEnd { return false }
            start = 0
            end = 0
            try readMore()
        }
    }

    /// The next line without its `\n` (the last line needs none), or nil at the end of the
    /// input. A line longer than `windowLimit` is an error.
    func line() throws(CaptureError) -> ArraySlice<UInt8>? {
        var searched = 0
        while true {
            if let newline = buffer[start + searched..<end].firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[start..<newline]
                advance(newline + 1 - start)
                return line
            }
            searched = end - start
            if searched >= Self.windowLimit {
                throw CaptureError(.damaged, at: offset, "a line longer than any record letter writes (over \(Self.windowLimit) bytes)")
            }
            if try !fill(searched + 1) {
                guard searched > 0 else { return nil }
                let line = buffer[start..<end]
                advance(searched)
                return line
            }
        }
    }

    /// Moves the unread bytes to the front, in place (a slice of the buffer given to its
    /// own replaceSubrange would copy the whole buffer), and grows the buffer when even
    /// then `count` bytes would not fit.
    private func makeRoom(for count: Int) {
        for index in 0..<end - start { buffer[index] = buffer[start + index] }
        end -= start
        start = 0
        if count > buffer.count {
            buffer.append(contentsOf: repeatElement(0, count: min(max(count, 2 * buffer.count), Self.windowLimit) - buffer.count))
        }
    }

    private func readMore() throws(CaptureError) {
        switch source {
        case .descriptor(let descriptor):
            let count: Int
            do {
                count = try readAvailable(descriptor, into: &buffer, from: end)
            } catch {
                throw CaptureError(.readFailed(error), at: offset + end - start, "")
            }
            if count == 0 { atEnd = true }
            end += count
        case .memory(let bytes, let position):
            let count = min(readSize, buffer.count - end, bytes.count - position)
            if count == 0 {
                atEnd = true
                return
            }
            buffer.replaceSubrange(end..<end + count, with: bytes[position..<position + count])
            source = .memory(bytes, position: position + count)
            end += count
        }
    }
}

/// A 16-bit number at `index` of `bytes`, in either byte order. (For slices only, not
/// generic: a generic call through the collection protocol costs an allocation a byte.)
func readUInt16(_ bytes: ArraySlice<UInt8>, _ index: Int, bigEndian: Bool = true) -> UInt16 {
    joined(UInt16(bytes[index]), UInt16(bytes[index + 1]), bigEndian: bigEndian)
}

/// A 32-bit number at `index` of `bytes`, in either byte order.
func readUInt32(_ bytes: ArraySlice<UInt8>, _ index: Int, bigEndian: Bool = true) -> UInt32 {
    joined(UInt32(readUInt16(bytes, index, bigEndian: bigEndian)), UInt32(readUInt16(bytes, index + 2, bigEndian: bigEndian)),
           bigEndian: bigEndian)
}

/// A number from its two halves as they came (each already in the low half of `Value`):
/// the first is the high half in big-endian order, the low half in little-endian.
@inline(__always)
private func joined<Value: FixedWidthInteger>(_ first: Value, _ second: Value, bigEndian: Bool) -> Value {
    let shift = Value.bitWidth / 2
    return bigEndian ? first << shift | second : second << shift | first
}
