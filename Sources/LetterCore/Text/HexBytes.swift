/// A mistake in bytes written in hex (`--hex`, `--expect-hex`): where it is and what.
public struct HexSyntaxError: Error, Equatable {
    enum Problem: Equatable {
        /// A character that is no hex digit, separator or prefix.
        case unexpected(Unicode.Scalar)
        /// A byte that does not begin a UTF-8 character.
        case notUTF8(UInt8)
        /// A run of this many hex digits, an odd number: a byte is two.
        case oddDigits(Int)
        /// `0x` with no hex digit after it.
        case emptyPrefix
        /// `\x` followed by this many hex digits rather than two.
        case backslashX(Int)
    }

    /// 1-based; lines are counted at `\n` (input read whole), columns in characters.
    public var line: Int
    public var column: Int
    var problem: Problem

    /// What is wrong, for a message that names the place: `'g' (U+0067) is not a hex digit`.
    public var explanation: String {
        switch problem {
        case .unexpected(let scalar): "\(describeScalar(scalar.value)) is not a hex digit or a separator"
        case .notUTF8(let byte): "byte 0x\(String(byte, radix: 16)) is not a hex digit (nor UTF-8)"
        case .oddDigits(let count): "an odd number of hex digits (\(count)): each byte is two"
        case .emptyPrefix: "'0x' has no hex digits after it"
        case .backslashX(let count): "'\\x' takes exactly two hex digits, not \(count)"
        }
    }
}

/// Appends the bytes `text` writes in hex, as people paste them: two digits a byte, either
/// case (`deadbeef`, `DEADBEEF`); `0x` or `\x` before a byte (`0xde,0xad`, `\xde\xad`),
/// `0x` also before a longer even run (`0xdeadbeef`) but only where an item starts (at the
/// start or after a separator); spaces, tabs, `:`, `-`, `,`, `;`, `.` and line ends (`\n`,
/// `\r\n`) between bytes. Anything else, or an odd run of digits (`de a`, `0xd`), is an
/// error naming its line and column, and `out` is left as it was.
func appendHexBytes<Input: Collection<UInt8>>(_ text: Input, to out: inout [UInt8]) throws(HexSyntaxError) {
    let start = out.count
    var line = 1
    var lineStart = text.startIndex
    func failure(_ problem: HexSyntaxError.Problem, at index: Input.Index) -> HexSyntaxError {
        out.removeLast(out.count - start)
        // Everything before the mistake is ASCII, so bytes count as characters.
        return HexSyntaxError(line: line, column: text.distance(from: lineStart, to: index) + 1, problem: problem)
    }
    func unexpected(at index: Input.Index) -> HexSyntaxError {
        var decoder = UTF8()
        var bytes = text[index...].makeIterator()
        if case .scalarValue(let scalar) = decoder.decode(&bytes) { return failure(.unexpected(scalar), at: index) }
        return failure(.notUTF8(text[index]), at: index)
    }
    /// The end of the run of hex digits that starts at `index`.
    func digitsEnd(from index: Input.Index) -> Input.Index {
        text[index...].firstIndex { hexDigitValue($0) == nil } ?? text.endIndex
    }
    /// Where a run of digits may stop: the end, a separator, a line end, or a backslash
    /// (which the next step requires to begin `\x`).
    func endsRun(_ index: Input.Index) -> Bool {
        index == text.endIndex || isHexSeparator(text[index]) || text[index] == UInt8(ascii: "\\")
    }
    func appendPairs(_ digits: Input.SubSequence) {
        var index = digits.startIndex
        while index != digits.endIndex {
            let next = digits.index(after: index)
            // Both are hex digits: the run was measured with hexDigitValue.
            out.append(hexDigitValue(digits[index])! << 4 | hexDigitValue(digits[next])!)
            index = digits.index(after: next)
        }
    }

    var index = text.startIndex
    // Where an item may start: `0x` is a prefix there and a digit and an `x` elsewhere.
    var atItemStart = true
    while index != text.endIndex {
        let byte = text[index]
        let next = text.index(after: index)
        if byte == UInt8(ascii: "\n") {
            line += 1
            lineStart = next
        }
        // A `\r` only as part of a line end.
        if isHexSeparator(byte) && (byte != UInt8(ascii: "\r") || next == text.endIndex || text[next] == UInt8(ascii: "\n")) {
            index = next
            atItemStart = true
            continue
        }
        if byte == UInt8(ascii: "\\") {
            guard next != text.endIndex, text[next] == UInt8(ascii: "x") else { throw unexpected(at: index) }
            let digits = text.index(after: next)
            let end = digitsEnd(from: digits)
            let count = text.distance(from: digits, to: end)
            guard count == 2 else { throw failure(.backslashX(count), at: index) }
            appendPairs(text[digits..<end])
            index = end
            atItemStart = false
            continue
        }
        var digits = index
        if atItemStart && byte == UInt8(ascii: "0") && next != text.endIndex
            && (text[next] == UInt8(ascii: "x") || text[next] == UInt8(ascii: "X")) {
            digits = text.index(after: next)
            if digits == text.endIndex || isHexSeparator(text[digits]) { throw failure(.emptyPrefix, at: index) }
        }
        let end = digitsEnd(from: digits)
        // A character that does not belong is named before the length of the run is judged.
        guard endsRun(end) && end != digits else { throw unexpected(at: end) }
        let count = text.distance(from: digits, to: end)
        guard count % 2 == 0 else { throw failure(.oddDigits(count), at: digits) }
        appendPairs(text[digits..<end])
        index = end
        atItemStart = false
    }
}

/// Spaces, tabs, `:`, `-`, `,`, `;`, `.`, and the line ends `\n` and `\r`.
private func isHexSeparator(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: ","),
         UInt8(ascii: ";"), UInt8(ascii: "."), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
        true
    default:
        false
    }
}

/// The value of one hex digit, any case (JSON escapes, `--hex`, `--expect-hex`).
func hexDigitValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
    default: return nil
    }
}
