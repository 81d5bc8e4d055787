/// A strict reader for the JSON letter writes (RFC 8259: objects of strings and
/// non-negative integers), so the targets can check that what `json` prints parses back
/// to what went in. It rejects anything a strict parser would: raw control characters
/// in strings, unknown escapes, lone surrogates, trailing bytes.
struct JSONReader {
    enum Value: Equatable {
        case string([UInt8])
        case integer(UInt64)
    }

    struct Invalid: Error {
        let offset: Int
    }

    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: some Sequence<UInt8>) {
        self.bytes = Array(bytes)
    }

    /// Reads one object that must fill the whole input; keys must be distinct.
    static func object(_ bytes: some Sequence<UInt8>) throws(Invalid) -> [String: Value] {
        var reader = JSONReader(bytes)
        var fields: [String: Value] = [:]
        try reader.expect(UInt8(ascii: "{"))
        reader.skipSpace()
        if reader.peek() == UInt8(ascii: "}") {
            reader.index += 1
        } else {
            while true {
                reader.skipSpace()
                let key = String(decoding: try reader.string(), as: UTF8.self)
                reader.skipSpace()
                try reader.expect(UInt8(ascii: ":"))
                reader.skipSpace()
                let value = reader.peek() == UInt8(ascii: "\"") ? Value.string(try reader.string()) : .integer(try reader.integer())
                guard fields.updateValue(value, forKey: key) == nil else { throw reader.invalid }
                reader.skipSpace()
                if reader.peek() == UInt8(ascii: ",") {
                    reader.index += 1
                    continue
                }
                try reader.expect(UInt8(ascii: "}"))
                break
            }
        }
        guard reader.index == reader.bytes.count else { throw reader.invalid }
        return fields
    }

    /// Reads one string literal that must fill the whole input; returns its UTF-8.
    static func string(_ bytes: some Sequence<UInt8>) throws(Invalid) -> [UInt8] {
        var reader = JSONReader(bytes)
        let text = try reader.string()
        guard reader.index == reader.bytes.count else { throw reader.invalid }
        return text
    }

    private var invalid: Invalid { Invalid(offset: index) }

    private func peek() -> UInt8? { index < bytes.count ? bytes[index] : nil }

    private mutating func next() throws(Invalid) -> UInt8 {
        guard let byte = peek() else { throw invalid }
        index += 1
        return byte
    }

    private mutating func expect(_ byte: UInt8) throws(Invalid) {
        guard try next() == byte else { throw Invalid(offset: index - 1) }
    }

    private mutating func skipSpace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
    }

    private mutating func integer() throws(Invalid) -> UInt64 {
        let start = index
        while let byte = peek(), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { index += 1 }
        let digits = bytes[start..<index]
        // JSON forbids leading zeros.
        guard !digits.isEmpty, digits.count == 1 || digits.first != UInt8(ascii: "0"),
              let value = UInt64(String(decoding: digits, as: UTF8.self)) else { throw Invalid(offset: start) }
        return value
    }

    private mutating func string() throws(Invalid) -> [UInt8] {
        try expect(UInt8(ascii: "\""))
        var text: [UInt8] = []
        while true {
            let byte = try next()
            switch byte {
            case UInt8(ascii: "\""):
                guard isValidUTF8(text) else { throw invalid }
                return text
            case 0..<0x20:
                throw Invalid(offset: index - 1)
            case UInt8(ascii: "\\"):
                try escape(appendingTo: &text)
            default:
                text.append(byte)
            }
        }
    }

    private mutating func escape(appendingTo text: inout [UInt8]) throws(Invalid) {
        let simple: [UInt8: UInt8] = [UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
                                      UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
                                      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09]
        let letter = try next()
        if let byte = simple[letter] {
            text.append(byte)
            return
        }
        guard letter == UInt8(ascii: "u") else { throw Invalid(offset: index - 1) }
        var value = try hexQuad()
        if (0xD800..<0xDC00).contains(value) {
            // A high surrogate must be followed by an escaped low one.
            guard try next() == UInt8(ascii: "\\"), try next() == UInt8(ascii: "u") else { throw invalid }
            let low = try hexQuad()
            guard (0xDC00..<0xE000).contains(low) else { throw invalid }
            value = 0x10000 + (value - 0xD800) << 10 + (low - 0xDC00)
        } else if (0xDC00..<0xE000).contains(value) {
            throw invalid
        }
        // The value is a scalar: surrogates were paired or rejected above.
        text.append(contentsOf: String(Character(Unicode.Scalar(value)!)).utf8)
    }

    private mutating func hexQuad() throws(Invalid) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = try next()
            guard let digit = UInt32(String(UnicodeScalar(byte)), radix: 16) else { throw Invalid(offset: index - 1) }
            value = value << 4 | digit
        }
        return value
    }
}
