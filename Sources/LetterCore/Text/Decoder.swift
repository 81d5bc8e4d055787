/// Python's decoding error handlers (`bytes.decode(enc, errors)`).
public enum DecodeErrorHandler: String, CaseIterable, Sendable {
    /// Stop at the first undecodable byte.
    case strict
    /// One U+FFFD for each undecodable span.
    case replace
    /// Drop undecodable bytes.
    case ignore
    /// `\xNN` for each undecodable byte.
    case backslashreplace
}

/// Where decoding failed under `strict`: the undecodable bytes' offset and length.
public struct DecodeFailure: Error, Equatable, Sendable {
    public let offset: Int
    public let length: Int
}

/// Decodes bytes in one encoding to UTF-8, splitting bad input into error spans exactly
/// as Python's codec does, so U+FFFD and `\xNN` appear where Python puts them.
/// One decoder serves a whole stream.
public final class TextDecoder {
    public let encoding: TextEncoding
    public let errors: DecodeErrorHandler
    private let converter: IconvConverter?
    private let quirks: CodecQuirks?
    /// utf_16 and utf_32 (`converter` reads little-endian): the big-endian converter and
    /// the byte-order mark in each order.
    private let byteOrder: (bigEndian: IconvConverter, littleMark: [UInt8], bigMark: [UInt8])?

    /// Nil when iconv cannot open the encoding on this machine.
    public init?(encoding: TextEncoding, errors: DecodeErrorHandler) {
        self.encoding = encoding
        self.errors = errors
        switch encoding.method {
        case .utf8, .latin1, .ascii:
            converter = nil
            quirks = nil
            byteOrder = nil
        case .iconv(let name):
            guard let converter = IconvConverter(from: name, to: "UTF-8") else { return nil }
            self.converter = converter
            quirks = encoding.rules.map(CodecQuirks.init)
            byteOrder = nil
        case .byteOrderMarked(let littleEndian, let bigEndian):
            guard let converter = IconvConverter(from: littleEndian, to: "UTF-8"),
                  let big = IconvConverter(from: bigEndian, to: "UTF-8"),
                  let mark = IconvConverter(from: "UTF-8", to: littleEndian)?.byteOrderMark() else { return nil }
            self.converter = converter
            quirks = nil
            // Either order's mark is the other's bytes reversed (one 2- or 4-byte unit).
            byteOrder = (big, mark, mark.reversed())
        }
    }

    /// Appends the UTF-8 text of `input` to `out`. Under `strict`, returns the first failure
    /// instead (with `out` holding the text before it); otherwise always nil.
    public func decode(_ input: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) -> DecodeFailure? {
        switch encoding.method {
        case .utf8: return decodeUTF8(input, appendingTo: &out)
        case .latin1:
            for byte in input { appendScalar(UInt32(byte), to: &out) }
            return nil
        case .ascii:
            return decodeSingleBytes(input, appendingTo: &out) { $0 < 0x80 ? UInt32($0) : nil }
        case .iconv:
            guard let converter else { return nil }
            return decodeWithIconv(input, converter: converter, appendingTo: &out)
        case .byteOrderMarked:
            return decodeByteOrderMarked(input, appendingTo: &out)
        }
    }

    /// Applies the error handler to the undecodable bytes `input[offset..<offset+length]`
    /// (offsets from `input.startIndex`). Returns the failure under `strict`.
    @inline(__always)
    private func handleError(_ input: ArraySlice<UInt8>, offset: Int, length: Int,
                             appendingTo out: inout [UInt8]) -> DecodeFailure? {
        switch errors {
        case .strict:
            return DecodeFailure(offset: offset, length: length)
        case .replace:
            out.append(contentsOf: [0xEF, 0xBF, 0xBD])
        case .ignore:
            break
        case .backslashreplace:
            let start = input.startIndex + offset
            for byte in input[start..<start + length] {
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x")])
                appendHexByte(byte, to: &out)
            }
        }
        return nil
    }

    private func decodeSingleBytes(_ input: ArraySlice<UInt8>, appendingTo out: inout [UInt8],
                                   _ scalar: (UInt8) -> UInt32?) -> DecodeFailure? {
        for (offset, byte) in input.enumerated() {
            if let value = scalar(byte) {
                appendScalar(value, to: &out)
            } else if let failure = handleError(input, offset: offset, length: 1, appendingTo: &out) {
                return failure
            }
        }
        return nil
    }

    /// UTF-8 as Python decodes it: an invalid span is the longest prefix of a well-formed
    /// sequence (Unicode's "maximal subpart"), at least one byte; surrogates are invalid.
    /// Valid runs are copied whole; this runs once per datagram, so it scans a buffer.
    private func decodeUTF8(_ input: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) -> DecodeFailure? {
        let bytes = input.span
        let base = input.startIndex
        var runStart = 0
        var index = 0
        while true {
            index = endOfValidUTF8(bytes, from: index)
            if index == bytes.count { break }
            out.append(contentsOf: input[base + runStart..<base + index])
            let invalid = maximalSubpart(bytes, at: index)
            if let failure = handleError(input, offset: index, length: invalid, appendingTo: &out) { return failure }
            index += invalid
            runStart = index
        }
        // Mostly the whole input is valid: it is appended as it is, not re-sliced.
        if runStart == 0 { out.append(contentsOf: input) } else { out.append(contentsOf: input[(base + runStart)...]) }
        return nil
    }

    /// iconv over the whole datagram first; where that fails, writes something that is
    /// not UTF-8, or produces a character glibc makes only where Python would not, the
    /// datagram is decoded again token by token, Python's way.
    private func decodeWithIconv(_ input: ArraySlice<UInt8>, converter: IconvConverter,
                                 appendingTo out: inout [UInt8]) -> DecodeFailure? {
        guard !input.isEmpty else { return nil }
        let mark = out.count
        let stop = convertFlushing(input, from: 0, with: converter, appendingTo: &out)
        guard let quirks else {
            return finishLeniently(input, converter: converter, after: stop, from: 0, mark: mark, appendingTo: &out)
        }
        if case .finished = stop, isValidUTF8(out[mark...]), !quirks.containsSuspicious(out[mark...]) { return nil }
        out.removeSubrange(mark...)
        return decodeByTokens(input, quirks: quirks, converter: converter, appendingTo: &out)
    }

    /// utf_16 and utf_32 as Python decodes each datagram: a leading byte-order mark picks
    /// the order and is dropped; without one, little-endian.
    private func decodeByteOrderMarked(_ input: ArraySlice<UInt8>, appendingTo out: inout [UInt8]) -> DecodeFailure? {
        guard let converter, let byteOrder else { return nil }
        let (chosen, markLength) = input.starts(with: byteOrder.littleMark) ? (converter, byteOrder.littleMark.count)
            : input.starts(with: byteOrder.bigMark) ? (byteOrder.bigEndian, byteOrder.bigMark.count) : (converter, 0)
        let failure = decodeWithIconv(input.dropFirst(markLength), converter: chosen, appendingTo: &out)
        // Offsets count from the datagram's first byte, the mark included.
        return failure.map { DecodeFailure(offset: $0.offset + markLength, length: $0.length) }
    }

    /// Python's CJK decoders: take the token the lead byte calls for; if the input ends
    /// inside it, the rest is one error; if Python's table or iconv rejects it, one byte
    /// is an error and decoding resumes at the next.
    private func decodeByTokens(_ input: ArraySlice<UInt8>, quirks: CodecQuirks, converter: IconvConverter,
                                appendingTo out: inout [UInt8]) -> DecodeFailure? {
        let base = input.startIndex
        var offset = 0
        while offset < input.count {
            let lead = input[base + offset]
            let need = quirks.tokenLength(input, at: offset)
            guard offset + need <= input.count else {
                return handleError(input, offset: offset, length: input.count - offset, appendingTo: &out)
            }
            var decoded = false
            if !quirks.deadLead[Int(lead)] {
                let token = input[base + offset..<base + offset + need]
                let key = CodecQuirks.tokenKey(token.reduce(0) { $0 << 8 | UInt64($1) }, length: need)
                if let fixup = quirks.decodeFixups[key] {
                    if let scalar = fixup {
                        appendScalar(scalar, to: &out)
                        decoded = true
                    }
                } else {
                    let mark = out.count
                    if case .finished = convertFlushing(token, from: 0, with: converter, appendingTo: &out),
                       isValidUTF8(out[mark...]) {
                        decoded = true
                    } else {
                        out.removeSubrange(mark...)
                    }
                }
            }
            if decoded {
                offset += need
            } else if let failure = handleError(input, offset: offset, length: 1, appendingTo: &out) {
                return failure
            } else {
                offset += 1
            }
        }
        return nil
    }

    /// Encodings outside the table: iconv's view of characters, with one byte an error
    /// where it stops, the rest one error where the input ends mid-character, and a
    /// character iconv writes as something that is not a Unicode scalar value (UCS-4's
    /// 0x110000 comes out as F4 90 80 80) an error of the input bytes it came from.
    /// `out[mark...]` holds what iconv made of `input[start...]`, which ended in `firstStop`.
    private func finishLeniently(_ input: ArraySlice<UInt8>, converter: IconvConverter, after firstStop: IconvConverter.Stop,
                                 from firstStart: Int, mark firstMark: Int, appendingTo out: inout [UInt8]) -> DecodeFailure? {
        var (stop, start, mark) = (firstStop, firstStart, firstMark)
        // Each round ends at least one byte further into the input.
        while true {
            let valid = validUTF8Length(out[mark...])
            if mark + valid < out.count {
                // The bad sequence: its lead byte and the continuation bytes after it.
                let badOutput = 1 + out[(mark + valid + 1)...].prefix { $0 & 0xC0 == 0x80 }.count
                let badStart = start + converter.inputLength(input, from: start, producing: valid)
                let badLength = max(1, converter.inputLength(input, from: badStart, producing: badOutput))
                out.removeSubrange((mark + valid)...)
                if let failure = handleError(input, offset: badStart, length: badLength, appendingTo: &out) { return failure }
                start = badStart + badLength
            } else {
                switch stop {
                case .finished:
                    return nil
                case .invalid(let at):
                    if let failure = handleError(input, offset: at, length: 1, appendingTo: &out) { return failure }
                    start = at + 1
                case .incomplete(let at):
                    return handleError(input, offset: at, length: input.count - at, appendingTo: &out)
                }
            }
            guard start < input.count else { return nil }
            mark = out.count
            stop = convertFlushing(input, from: start, with: converter, appendingTo: &out)
        }
    }
}

/// Converts `input[start...]` from the initial state to its end or first error, then
/// writes what the converter still holds: glibc's CP1255 and CP1258 keep the last
/// character back in case a combining mark follows.
private func convertFlushing(_ input: ArraySlice<UInt8>, from start: Int, with converter: IconvConverter,
                             appendingTo out: inout [UInt8]) -> IconvConverter.Stop {
    converter.reset()
    let stop = converter.convert(input, from: start, appendingTo: &out)
    converter.finish(appendingTo: &out)
    return stop
}

/// Whether `text` is well-formed UTF-8: what iconv writes is checked before it is used.
private func isValidUTF8(_ text: ArraySlice<UInt8>) -> Bool {
    validUTF8Length(text) == text.count
}

/// How many bytes at the start of `text` are well-formed UTF-8.
private func validUTF8Length(_ text: ArraySlice<UInt8>) -> Int {
    endOfValidUTF8(text.span, from: 0)
}

/// Where the well-formed UTF-8 starting at `start` ends: the first byte of an invalid
/// sequence, or the end. ASCII is checked eight bytes at a time.
private func endOfValidUTF8(_ bytes: Span<UInt8>, from start: Int) -> Int {
    var index = start
    let count = bytes.count
    while index < count {
        if index + 8 <= count && bytes.word(at: index) & 0x8080_8080_8080_8080 == 0 {
            index += 8
            continue
        }
        let lead = bytes[index]
        if lead < 0x80 {
            index += 1
            continue
        }
        // The common two- and three-byte forms (no overlong, surrogate or range checks
        // needed for these leads), then everything else the long way.
        if (0xC2...0xDF).contains(lead), index + 1 < count, bytes[index + 1] & 0xC0 == 0x80 {
            index += 2
            continue
        }
        if (0xE1...0xEC).contains(lead) || lead == 0xEE || lead == 0xEF, index + 2 < count,
           bytes[index + 1] & 0xC0 == 0x80, bytes[index + 2] & 0xC0 == 0x80 {
            index += 3
            continue
        }
        let length = maximalSubpart(bytes, at: index)
        guard length == expectedUTF8Length(lead) else { return index }
        index += length
    }
    return count
}

/// How many bytes a sequence starting with `lead` should have (0: not a lead byte).
@inline(__always)
private func expectedUTF8Length(_ lead: UInt8) -> Int {
    switch lead {
    case 0x00...0x7F: return 1
    case 0xC2...0xDF: return 2
    case 0xE0...0xEF: return 3
    case 0xF0...0xF4: return 4
    default: return 0
    }
}

/// The longest prefix at `index` that could begin a well-formed sequence (Unicode
/// table 3-7), at least 1: the span one U+FFFD replaces.
private func maximalSubpart(_ bytes: Span<UInt8>, at index: Int) -> Int {
    let lead = bytes[index]
    let expected = expectedUTF8Length(lead)
    guard expected > 1 else { return 1 }
    // The allowed range of the second byte depends on the lead (no overlongs, no
    // surrogates, nothing past U+10FFFF); later bytes are plain continuation bytes.
    let secondRange: ClosedRange<UInt8>
    switch lead {
    case 0xE0: secondRange = 0xA0...0xBF
    case 0xED: secondRange = 0x80...0x9F
    case 0xF0: secondRange = 0x90...0xBF
    case 0xF4: secondRange = 0x80...0x8F
    default: secondRange = 0x80...0xBF
    }
    var length = 1
    while length < expected, index + length < bytes.count {
        let byte = bytes[index + length]
        let allowed = length == 1 ? secondRange : 0x80...0xBF
        guard allowed.contains(byte) else { break }
        length += 1
    }
    return length
}

/// Appends the UTF-8 form of a Unicode scalar value.
@inline(__always)
func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
    switch value {
    case 0..<0x80:
        out.append(UInt8(value))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | value >> 6))
        out.append(UInt8(0x80 | value & 0x3F))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | value >> 12))
        out.append(UInt8(0x80 | value >> 6 & 0x3F))
        out.append(UInt8(0x80 | value & 0x3F))
    default:
        out.append(UInt8(0xF0 | value >> 18))
        out.append(UInt8(0x80 | value >> 12 & 0x3F))
        out.append(UInt8(0x80 | value >> 6 & 0x3F))
        out.append(UInt8(0x80 | value & 0x3F))
    }
}
