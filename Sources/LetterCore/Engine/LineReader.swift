/// Splits a descriptor's bytes into records without copying them — lines (`\n` or
/// `\r\n` removed; with `--bytes` only the `\n`) or `--chunk` blocks of a fixed size:
/// each record is a slice of one reused buffer, valid until the next read.
final class LineReader {
    enum Split: Equatable {
        /// Lines; the `\r` of a `\r\n` is removed too unless `keepCarriageReturn`.
        case lines(keepCarriageReturn: Bool)
        /// Blocks of this many bytes, the last one shorter.
        case chunks(Int)
    }

    private let descriptor: Int32
    /// How messages name the input: `stdin`, or a file's name.
    private let name: String
    private let split: Split
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private(set) var lineNumber = 0
    private(set) var atEnd = false
    /// Bytes read from the descriptor so far.
    private var totalRead = 0

    /// The longest line accepted: larger than any datagram can carry in any encoding.
    static let maximumLineLength = 1 << 20
    /// The most input read at once: a line, or all of stdin when it must be decoded whole.
    private let limit: Int

    /// The buffer starts small (a few letters need no megabyte zeroed at start-up) and
    /// doubles while a line does not fit, up to one byte past the longest line.
    init(descriptor: Int32 = standardInput, name: String = "stdin", split: Split = .lines(keepCarriageReturn: false),
         limit: Int = maximumLineLength) {
        self.descriptor = descriptor
        self.name = name
        self.split = split
        self.limit = limit
        buffer = [UInt8](repeating: 0, count: 64 << 10)
    }

    /// A reader over input already in memory (stdin decoded from UTF-16, say).
    init(contents: [UInt8]) {
        descriptor = -1
        name = "stdin"
        split = .lines(keepCarriageReturn: false)
        limit = contents.count
        buffer = contents
        end = contents.count
        totalRead = contents.count
        atEnd = true
    }

    /// Everything in the buffer: the records handed out since the last fill and those not
    /// yet split off (what a hint about the input's kind looks at).
    var readSoFar: ArraySlice<UInt8> { buffer[0..<end] }

    /// How many bytes of the input the records handed out so far cover.
    var position: Int { totalRead - (end - start) }

    /// The next complete record already read, if any (the last line of the input needs
    /// no `\n`; the last chunk may be short, and an input that ends on a chunk boundary
    /// has no empty chunk after it).
    func nextBufferedLine() -> ArraySlice<UInt8>? {
        guard start < end else { return nil }
        if case .chunks(let size) = split {
            guard end - start >= size || atEnd else { return nil }
            let chunkEnd = min(start + size, end)
            defer { start = chunkEnd }
            lineNumber += 1
            return buffer[start..<chunkEnd]
        }
        if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
            var lineEnd = newline
            if split == .lines(keepCarriageReturn: false) && lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") {
                lineEnd -= 1
            }
            defer { start = newline + 1 }
            lineNumber += 1
            return buffer[start..<lineEnd]
        }
        guard atEnd else { return nil }
        defer { start = end }
        lineNumber += 1
        return buffer[start..<end]
    }

    /// Reads more input (blocking). Returns false at end of input. Throws when a line
    /// is longer than `maximumLineLength`.
    func fill() throws -> Bool {
        if atEnd { return false }
        if start > 0 {
            // The unread tail (part of one line) moves to the front in place: passing a
            // slice of the buffer to its own replaceSubrange would copy the whole buffer.
            for index in 0..<end - start { buffer[index] = buffer[start + index] }
            end -= start
            start = 0
        }
        if end == buffer.count {
            guard buffer.count <= limit else {
                throw RuntimeError("line \(lineNumber + 1) is longer than any datagram can carry (over \(limit) bytes)")
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, limit + 1 - buffer.count)))
        }
        let count: Int
        do {
            count = try readAvailable(descriptor, into: &buffer, from: end)
        } catch {
            throw RuntimeError("cannot read \(name): \(error.errno)")
        }
        if count == 0 { atEnd = true }
        end += count
        totalRead += count
        return true
    }

    /// All remaining input as one block, at most `limit` bytes; `tooLong` says why more is refused.
    func readAll(tooLong: String) throws -> ArraySlice<UInt8> {
        do {
            while try fill() {}
        } catch is RuntimeError {
            throw RuntimeError("\(name) is over \(limit) bytes: \(tooLong)")
        }
        return buffer[start..<end]
    }
}
