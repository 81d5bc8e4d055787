/// A character the target encoding cannot represent: where it is, and what it is.
public struct EncodeFailure: Error, Equatable, Sendable {
    /// 1-based character position in the text.
    public let column: Int
    public let scalar: UInt32

    /// The character for a message: `'é' (U+00E9)`, the code alone for a control.
    public var character: String { describeScalar(scalar) }
}

/// `'é' (U+00E9)`, for messages about one character.
func describeScalar(_ value: UInt32) -> String {
    let hex = String(value, radix: 16, uppercase: true)
    let padded = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    let shown = Unicode.Scalar(value).map { $0.properties.generalCategory == .control ? "" : "'\(Character($0))' " } ?? ""
    return "\(shown)(U+\(padded))"
}

/// The error handlers `send --errors` offers (Python's `str.encode(enc, errors)` names).
public enum EncodeErrorHandler: String, CaseIterable, Sendable {
    /// Refuse the line, naming it.
    case strict
    /// `?` for each unencodable character (U+FFFD for invalid input).
    case replace
}

/// Encodes UTF-8 text to the wire encoding, one encoder per stream. Under `replace`
/// every unencodable character becomes `?`, as Python's encoder does.
public final class TextEncoder {
    public let encoding: TextEncoding
    public let replaceUnencodable: Bool
    private let converter: IconvConverter?
    private let quirks: CodecQuirks?
    /// `?` in the target encoding.
    private let questionMark: [UInt8]
    /// What goes before every text: the byte-order mark for utf_16 and utf_32 (as
    /// Python's `encode` writes one each time), else nothing.
    private let byteOrderMark: [UInt8]

    /// Nil when iconv cannot open the encoding on this machine.
    public init?(encoding: TextEncoding, replaceUnencodable: Bool) {
        self.encoding = encoding
        self.replaceUnencodable = replaceUnencodable
        let target: String
        switch encoding.method {
        case .utf8, .latin1, .ascii:
            converter = nil
            quirks = nil
            questionMark = [UInt8(ascii: "?")]
            byteOrderMark = []
            return
        case .iconv(let name):
            target = name
        case .byteOrderMarked(let littleEndian, _):
            target = littleEndian
        }
        guard let converter = IconvConverter(from: "UTF-8", to: target) else { return nil }
        self.converter = converter
        quirks = encoding.rules.map(CodecQuirks.init)
        var mark: [UInt8] = []
        converter.reset()
        _ = converter.convert([UInt8(ascii: "?")][...], from: 0, appendingTo: &mark)
        converter.finish(appendingTo: &mark)
        questionMark = mark
        if case .byteOrderMarked = encoding.method {
            guard let bom = converter.byteOrderMark() else { return nil }
            byteOrderMark = bom
        } else {
            byteOrderMark = []
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
        case .iconv, .byteOrderMarked:
            out.append(contentsOf: byteOrderMark)
            try encodeWithIconv(text, appendingTo: &out)
        }
    }

    private func encodeScalars(_ text: ArraySlice<UInt8>, appendingTo out: inout [UInt8], limit: UInt32) throws(EncodeFailure) {
        var index = text.startIndex
        while index < text.endIndex {
            let (scalar, length) = scalarAt(text, index)
            if scalar <= limit {
                out.append(UInt8(scalar))
            } else {
                try unencodable(text, at: index, scalar, appendingTo: &out)
            }
            index += length
        }
    }

    /// Characters Python encodes otherwise than glibc (or not at all) are taken from the
    /// table; iconv converts the runs between them.
    private func encodeWithIconv(_ text: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) throws(EncodeFailure) {
        guard !text.isEmpty else { return }
        var runStart = text.startIndex
        var index = text.startIndex
        if let quirks, !quirks.encodeFixups.isEmpty {
            while index < text.endIndex {
                if text[index] < 0x80 {
                    index += 1
                    continue
                }
                let (scalar, length) = scalarAt(text, index)
                if let fixup = quirks.encodeFixups[scalar] {
                    try encodeRun(text, runStart..<index, appendingTo: &out)
                    if let bytes = fixup {
                        out.append(contentsOf: bytes)
                    } else {
                        try unencodable(text, at: index, scalar, appendingTo: &out)
                    }
                    runStart = index + length
                }
                index += length
            }
        }
        try encodeRun(text, runStart..<text.endIndex, appendingTo: &out)
    }

    /// Converts `text[range]` with iconv; columns in errors count from the start of `text`.
    private func encodeRun(_ text: ArraySlice<UInt8>, _ range: Range<Int>, appendingTo out: inout [UInt8]) throws(EncodeFailure) {
        guard let converter, !range.isEmpty else { return }
        let run = text[range]
        converter.reset()
        var offset = 0
        while offset < run.count {
            switch converter.convert(run, from: offset, appendingTo: &out) {
            case .finished:
                offset = run.count
            case .invalid(let at), .incomplete(let at):
                let (scalar, length) = scalarAt(run, run.startIndex + at)
                try unencodable(text, at: run.startIndex + at, scalar, appendingTo: &out)
                offset = at + length
            }
        }
        converter.finish(appendingTo: &out)
    }

    /// A character the encoding cannot hold: `?` under replace, else the error.
    private func unencodable(_ text: ArraySlice<UInt8>, at index: Int, _ scalar: UInt32,
                             appendingTo out: inout [UInt8]) throws(EncodeFailure) {
        guard replaceUnencodable else {
            throw EncodeFailure(column: characterCount(text[text.startIndex..<index]) + 1, scalar: scalar)
        }
        out.append(contentsOf: questionMark)
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
