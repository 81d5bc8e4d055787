/// Where one JSON value or key is in its line, found without copying it.
struct JSONToken {
    enum Kind: Equatable {
        case string
        case number
        case trueLiteral
        case falseLiteral
        case null
    }

    var kind: Kind
    /// The token's bytes in the line; a string's are those between its quotes, escapes
    /// as written.
    var range: Range<Int>
    /// A string with escapes: its text must be made with `appendString`. Without, its
    /// bytes are its UTF-8 text as they stand.
    var hasEscapes = false
}

struct JSONField {
    var key: JSONToken
    var value: JSONToken
}

/// JSON that is not well-formed (RFC 8259), or that letter never writes: where (an index
/// of the line) and why.
struct JSONSyntaxError: Error {
    let index: Int
    let reason: String
}

/// A strict reader for the JSON letter writes — one object a line, of strings, numbers,
/// `true`, `false` and `null` — that refuses anything RFC 8259 does: raw control
/// characters or bytes that are not UTF-8 in strings, unknown escapes, leading zeros,
/// trailing bytes. It only finds where things are; strings are unescaped on request, so
/// reading a line allocates nothing once the field list has grown.
struct JSONScanner {
    private let text: ArraySlice<UInt8>
    private var index: Int

    private init(_ text: ArraySlice<UInt8>) {
        self.text = text
        index = text.startIndex
    }

    /// Reads `line`, which must hold one object (with spaces around it, if any) and
    /// nothing else, into `fields` (emptied first). An array or object as a value is
    /// refused: letter writes none.
    static func object(_ line: ArraySlice<UInt8>, into fields: inout [JSONField]) throws(JSONSyntaxError) {
        fields.removeAll(keepingCapacity: true)
        var scanner = JSONScanner(line)
        scanner.skipSpace()
        try scanner.expect(UInt8(ascii: "{"))
        scanner.skipSpace()
        if scanner.peek() == UInt8(ascii: "}") {
            scanner.index += 1
        } else {
            while true {
                scanner.skipSpace()
                guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error("a key (a string) expected") }
                let key = try scanner.string()
                scanner.skipSpace()
                try scanner.expect(UInt8(ascii: ":"))
                scanner.skipSpace()
                fields.append(JSONField(key: key, value: try scanner.value()))
                scanner.skipSpace()
                if scanner.peek() == UInt8(ascii: ",") {
                    scanner.index += 1
                    continue
                }
                try scanner.expect(UInt8(ascii: "}"))
                break
            }
        }
        scanner.skipSpace()
        guard scanner.index == line.endIndex else { throw scanner.error("bytes after the object") }
    }

    /// Reads `text`, which must be one string literal and nothing else.
    static func string(_ text: ArraySlice<UInt8>) throws(JSONSyntaxError) -> JSONToken {
        var scanner = JSONScanner(text)
        guard scanner.peek() == UInt8(ascii: "\"") else { throw scanner.error("a string expected") }
        let token = try scanner.string()
        guard scanner.index == text.endIndex else { throw scanner.error("bytes after the string") }
        return token
    }

    /// Appends the UTF-8 text of the string `token` of `line` to `out`. An escaped
    /// surrogate must be half of a pair, unless `surrogateEscapes`: then a lone one of
    /// `\udc80`–`\udcff` stands for the byte 80–ff, as Python's `surrogateescape` writes
    /// a file name that is not UTF-8 (and letter's json a socket path).
    static func appendString(_ token: JSONToken, of line: ArraySlice<UInt8>, surrogateEscapes: Bool = false,
                             to out: inout [UInt8]) throws(JSONSyntaxError) {
        guard token.hasEscapes else {
            out.append(contentsOf: line[token.range])
            return
        }
        var index = token.range.lowerBound
        while index < token.range.upperBound {
            let byte = line[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                continue
            }
            let letter = line[index]
            index += 1
            if let simple = simpleEscape(letter) {
                out.append(simple)
                continue
            }
            // The scanner let only `\uXXXX` through besides the simple escapes.
            var value = hexQuad(line, index)
            index += 4
            if (0xD800..<0xDC00).contains(value), let low = lowSurrogate(line, index, before: token.range.upperBound) {
                value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
                index += 6
            } else if (0xD800..<0xE000).contains(value) {
                guard surrogateEscapes, (0xDC80..<0xDD00).contains(value) else {
                    throw JSONSyntaxError(index: index - 6, reason: "a lone surrogate \\u\(String(value, radix: 16))")
                }
                out.append(UInt8(value - 0xDC00))
                continue
            }
            appendUTF8(value, to: &out)
        }
    }

    private func peek() -> UInt8? { index < text.endIndex ? text[index] : nil }

    private func error(_ reason: String) -> JSONSyntaxError { JSONSyntaxError(index: index, reason: reason) }

    private mutating func expect(_ byte: UInt8) throws(JSONSyntaxError) {
        guard peek() == byte else { throw error("'\(Character(Unicode.Scalar(byte)))' expected") }
        index += 1
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONToken {
        guard let byte = peek() else { throw error("a value expected") }
        switch byte {
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): return try literal("true", .trueLiteral)
        case UInt8(ascii: "f"): return try literal("false", .falseLiteral)
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        case UInt8(ascii: "["), UInt8(ascii: "{"): throw error("an array or object as a value (letter's json has none)")
        default: throw error("a value expected")
        }
    }

    private mutating func literal(_ word: String, _ kind: JSONToken.Kind) throws(JSONSyntaxError) -> JSONToken {
        let start = index
        for byte in word.utf8 {
            guard peek() == byte else { throw error("'\(word)' misspelt") }
            index += 1
        }
        return JSONToken(kind: kind, range: start..<index)
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private mutating func number() throws(JSONSyntaxError) -> JSONToken {
        let start = index
        if peek() == UInt8(ascii: "-") { index += 1 }
        if peek() == UInt8(ascii: "0") {
            index += 1
        } else {
            guard digits() > 0 else { throw error("a digit expected") }
        }
        if peek() == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { throw error("a digit expected after '.'") }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            index += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { throw error("a digit expected in the exponent") }
        }
        return JSONToken(kind: .number, range: start..<index)
    }

    private mutating func digits() -> Int {
        let start = index
        while let byte = peek(), isDigit(byte) { index += 1 }
        return index - start
    }

    /// A string literal: raw bytes must be UTF-8 and no control character; escapes are
    /// checked for form here, for surrogates when the text is made.
    private mutating func string() throws(JSONSyntaxError) -> JSONToken {
        index += 1
        let start = index
        var hasEscapes = false
        while true {
            guard let byte = peek() else { throw error("the string does not end") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return JSONToken(kind: .string, range: start..<index - 1, hasEscapes: hasEscapes)
            case 0..<0x20:
                throw error("a raw control character in a string")
            case UInt8(ascii: "\\"):
                hasEscapes = true
                index += 1
                guard let letter = peek() else { throw error("the string does not end") }
                if simpleEscape(letter) != nil {
                    index += 1
                } else {
                    guard letter == UInt8(ascii: "u"), text.endIndex - index > 4,
                          text[index + 1..<index + 5].allSatisfy(isHexDigit) else { throw error("an unknown escape") }
                    index += 5
                }
            case 0x80...:
                guard let length = validUTF8SequenceLength(text, at: index) else { throw error("a byte that is not UTF-8") }
                index += length
            default:
                index += 1
            }
        }
    }
}

/// The byte a one-letter escape (`\n`, `\"`, ...) stands for.
private func simpleEscape(_ letter: UInt8) -> UInt8? {
    switch letter {
    case UInt8(ascii: "\""): return 0x22
    case UInt8(ascii: "\\"): return 0x5C
    case UInt8(ascii: "/"): return 0x2F
    case UInt8(ascii: "b"): return 0x08
    case UInt8(ascii: "f"): return 0x0C
    case UInt8(ascii: "n"): return 0x0A
    case UInt8(ascii: "r"): return 0x0D
    case UInt8(ascii: "t"): return 0x09
    default: return nil
    }
}

func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

func isHexDigit(_ byte: UInt8) -> Bool { hexDigitValue(byte) != nil }

/// Four hex digits (checked by the scanner) at `index`.
private func hexQuad(_ line: ArraySlice<UInt8>, _ index: Int) -> UInt32 {
    var value: UInt32 = 0
    // The scanner let only hex digits through after `\u`.
    for offset in 0..<4 { value = value << 4 | UInt32(hexDigitValue(line[index + offset])!) }
    return value
}

/// The low surrogate escaped at `index` (before `end`), if one is.
private func lowSurrogate(_ line: ArraySlice<UInt8>, _ index: Int, before end: Int) -> UInt32? {
    guard end - index >= 6, line[index] == UInt8(ascii: "\\"), line[index + 1] == UInt8(ascii: "u") else { return nil }
    let value = hexQuad(line, index + 2)
    return (0xDC00..<0xE000).contains(value) ? value : nil
}

/// A scalar (never a surrogate) as UTF-8.
private func appendUTF8(_ value: UInt32, to out: inout [UInt8]) {
    switch value {
    case 0..<0x80:
        out.append(UInt8(value))
    case 0x80..<0x800:
        out.append(0xC0 | UInt8(value >> 6))
        out.append(0x80 | UInt8(value & 0x3F))
    case 0x800..<0x10000:
        out.append(0xE0 | UInt8(value >> 12))
        out.append(0x80 | UInt8(value >> 6 & 0x3F))
        out.append(0x80 | UInt8(value & 0x3F))
    default:
        out.append(0xF0 | UInt8(value >> 18))
        out.append(0x80 | UInt8(value >> 12 & 0x3F))
        out.append(0x80 | UInt8(value >> 6 & 0x3F))
        out.append(0x80 | UInt8(value & 0x3F))
    }
}
