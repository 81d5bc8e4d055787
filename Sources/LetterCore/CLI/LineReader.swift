/// Splits a descriptor's bytes into lines (`\n` or `\r\n` removed) without copying them:
/// each line is a slice of one reused buffer, valid until the next read.
final class LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private(set) var lineNumber = 0
    private(set) var atEnd = false

    /// The longest line accepted: larger than any datagram can carry in any encoding.
    static let maximumLineLength = 1 << 20

    /// The buffer starts small (a few letters need no megabyte zeroed at start-up) and
    /// doubles while a line does not fit, up to one byte past the longest line.
    init(descriptor: Int32 = standardInput) {
        self.descriptor = descriptor
        buffer = [UInt8](repeating: 0, count: 64 << 10)
    }

    /// The next complete line already read, if any (the last line of the input needs no `\n`).
    func nextBufferedLine() -> ArraySlice<UInt8>? {
        guard start < end else { return nil }
        if let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) {
            var lineEnd = newline
            if lineEnd > start && buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
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
            buffer.replaceSubrange(0..<end - start, with: buffer[start..<end])
            end -= start
            start = 0
        }
        if end == buffer.count {
            guard buffer.count <= Self.maximumLineLength else {
                throw RuntimeError("line \(lineNumber + 1) is longer than any datagram can carry (over \(Self.maximumLineLength) bytes)")
            }
            buffer.append(contentsOf: repeatElement(0, count: min(buffer.count, Self.maximumLineLength + 1 - buffer.count)))
        }
        let count: Int
        do {
            count = try readAvailable(descriptor, into: &buffer, from: end)
        } catch {
            throw RuntimeError("cannot read stdin: \(error.errno)")
        }
        if count == 0 { atEnd = true }
        end += count
        return true
    }

    /// All remaining input as one block (for --whole), at most `maximumLineLength` bytes.
    func readAll() throws -> ArraySlice<UInt8> {
        while try fill() {}
        return buffer[start..<end]
    }
}
