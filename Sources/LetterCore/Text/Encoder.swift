/// A character the target encoding cannot represent: where it is, and what it is.
public struct EncodeFailure: Error, Equatable, Sendable {
    /// 1-based character position in the text.
    public let column: Int
    public let scalar: UInt32
}

/// Encodes UTF-8 text to the wire encoding, one encoder per stream. Under `replace`
/// every unencodable character becomes `?`, as Python's encoder does.
public final class TextEncoder {
    public let encoding: TextEncoding
    public let replaceUnencodable: Bool
    private let converter: IconvConverter?
    /// `?` in the target encoding.
    private let questionMark: [UInt8]

    /// Nil when iconv cannot open the encoding on this machine.
    public init?(encoding: TextEncoding, replaceUnencodable: Bool) {
        self.encoding = encoding
        self.replaceUnencodable = replaceUnencodable
        if case .iconv(let name) = encoding.method {
            guard let converter = IconvConverter(from: "UTF-8", to: name) else { return nil }
            self.converter = converter
            var mark: [UInt8] = []
            converter.reset()
            _ = converter.convert([UInt8(ascii: "?")][...], from: 0, appendingTo: &mark)
            converter.finish(appendingTo: &mark)
            questionMark = mark
        } else {
            converter = nil
            questionMark = [UInt8(ascii: "?")]
        }
    }

    /// Appends the encoding of well-formed UTF-8 `text` to `out`. Throws the first
    /// unencodable character unless replacing; `out` then holds a partial result.
    public func encode(_ text: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) throws(EncodeFailure) {
        switch encoding.method {
        case .utf8:
            out.append(contentsOf: text)
        case .latin1:
            try encodeScalars(text, appendingTo: &out, limit: 0xFF)
        case .ascii:
            try encodeScalars(text, appendingTo: &out, limit: 0x7F)
        case .iconv:
            try encodeWithIconv(text, appendingTo: &out)
        }
    }

    private func encodeScalars(_ text: ArraySlice<UInt8>, appendingTo out: inout [UInt8], limit: UInt32) throws(EncodeFailure) {
        var column = 0
        var index = text.startIndex
        while index < text.endIndex {
            let (scalar, length) = scalarAt(text, index)
            column += 1
            if scalar <= limit {
                out.append(UInt8(scalar))
            } else if replaceUnencodable {
                out.append(contentsOf: questionMark)
            } else {
                throw EncodeFailure(column: column, scalar: scalar)
            }
            index += length
        }
    }

    private func encodeWithIconv(_ text: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) throws(EncodeFailure) {
        guard let converter, !text.isEmpty else { return }
        converter.reset()
        var offset = 0
        while offset < text.count {
            switch converter.convert(text, from: offset, appendingTo: &out) {
            case .finished:
                offset = text.count
            case .invalid(let at), .incomplete(let at):
                let (scalar, length) = scalarAt(text, text.startIndex + at)
                guard replaceUnencodable else {
                    throw EncodeFailure(column: characterCount(text[text.startIndex..<text.startIndex + at]) + 1,
                                        scalar: scalar)
                }
                out.append(contentsOf: questionMark)
                offset = at + length
            }
        }
        converter.finish(appendingTo: &out)
    }
}

/// The scalar value and byte length of the well-formed UTF-8 sequence at `index`.
@inline(__always)
func scalarAt(_ text: ArraySlice<UInt8>, _ index: Int) -> (UInt32, Int) {
    let lead = text[index]
    switch lead {
    case 0..<0x80:
        return (UInt32(lead), 1)
    case 0xC0..<0xE0:
        return (UInt32(lead & 0x1F) << 6 | UInt32(text[index + 1] & 0x3F), 2)
    case 0xE0..<0xF0:
        return (UInt32(lead & 0x0F) << 12 | UInt32(text[index + 1] & 0x3F) << 6 | UInt32(text[index + 2] & 0x3F), 3)
    default:
        return (UInt32(lead & 0x07) << 18 | UInt32(text[index + 1] & 0x3F) << 12
                    | UInt32(text[index + 2] & 0x3F) << 6 | UInt32(text[index + 3] & 0x3F), 4)
    }
}

/// How many Unicode scalars well-formed UTF-8 `text` holds.
func characterCount(_ text: ArraySlice<UInt8>) -> Int {
    text.reduce(0) { count, byte in byte & 0xC0 == 0x80 ? count : count + 1 }
}
