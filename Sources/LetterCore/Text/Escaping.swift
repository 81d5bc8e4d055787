/// The textual forms Python gives bytes and control characters, written to byte buffers.

/// Appends Python's `repr` of a bytes object: `b'...'`, or `b"..."` when the bytes
/// hold `'` but no `"`; `\t \n \r \\` and the quote are escaped, other bytes outside
/// 0x20...0x7E become `\xNN`.
public func appendPythonBytesRepr(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
    let quote: UInt8 = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
    out.append(UInt8(ascii: "b"))
    out.append(quote)
    for byte in bytes {
        switch byte {
        case quote, UInt8(ascii: "\\"):
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        case 0x20..<0x7F:
            out.append(byte)
        default:
            out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x")])
            appendHexByte(byte, to: &out)
        }
    }
    out.append(quote)
}

/// Appends UTF-8 text with the characters that could move the cursor or reorder what the
/// terminal shows written the way Python's `repr` writes them: control characters (C0,
/// DEL, C1: `\n`, `\t`, `\x1b`, `\x85`), the bidirectional controls and U+2028/U+2029
/// (`\u202e`). One datagram stays one line, and the text reads in the order it came.
/// Everything else, backslashes included, is copied as it is.
public func appendEscapingControls(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) {
    appendEscaping(text, json: false, to: &out)
}

/// Appends a JSON string literal for UTF-8 text. Besides what JSON requires (`"`, `\`,
/// C0), the characters the text format escapes are escaped too (as `\uXXXX`), so a line
/// of JSON is terminal-safe and valid JavaScript. Each escape is the one Python's
/// `json.dumps` writes.
public func appendJSONString(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    appendEscaping(text, json: true, to: &out)
    out.append(UInt8(ascii: "\""))
}

/// Copies `text` to `out`, escaping what `escapedCharacter` finds (and in JSON `"` and
/// `\`). Runs without any are copied whole, skipped eight bytes at a time.
@inline(__always)
private func appendEscaping(_ text: ArraySlice<UInt8>, json: Bool, to out: inout [UInt8]) {
    let bytes = text.span
    let base = text.startIndex
    var runStart = 0
    var index = 0
    while index < bytes.count {
        if index + 8 <= bytes.count && !mayHoldEscaped(bytes, at: index, json: json) {
            index += 8
            continue
        }
        let byte = bytes[index]
        let jsonSpecial = json && (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\"))
        guard let (scalar, length) = jsonSpecial ? (UInt32(byte), 1) : escapedCharacter(bytes, at: index) else {
            index += 1
            continue
        }
        out.append(contentsOf: text[base + runStart..<base + index])
        out.append(UInt8(ascii: "\\"))
        switch scalar {
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x08 where json: out.append(UInt8(ascii: "b"))
        case 0x0C where json: out.append(UInt8(ascii: "f"))
        case 0x22, 0x5C: out.append(UInt8(scalar))
        case 0..<0x100 where !json:
            out.append(UInt8(ascii: "x"))
            appendHexByte(UInt8(scalar), to: &out)
        default:
            out.append(UInt8(ascii: "u"))
            appendHexByte(UInt8(scalar >> 8), to: &out)
            appendHexByte(UInt8(scalar & 0xFF), to: &out)
        }
        index += length
        runStart = index
    }
    // Mostly nothing needed escaping: the text is appended as it is, not re-sliced.
    if runStart == 0 { out.append(contentsOf: text) } else { out.append(contentsOf: text[(base + runStart)...]) }
}

/// The scalar and UTF-8 length of the character at `index` when it is one the SPEC
/// escapes: C0, DEL, C1, a bidirectional control (U+061C, U+200E, U+200F,
/// U+202A...U+202E, U+2066...U+2069) or U+2028/U+2029. Nil for anything else, including
/// bytes that are not UTF-8 (only decoders' output, which is, reaches here in use).
@inline(__always)
private func escapedCharacter(_ bytes: Span<UInt8>, at index: Int) -> (UInt32, Int)? {
    let byte = bytes[index]
    if byte < 0x20 || byte == 0x7F { return (UInt32(byte), 1) }
    let left = bytes.count - index
    switch byte {
    case 0xC2 where left >= 2 && (0x80...0x9F).contains(bytes[index + 1]):
        return (UInt32(bytes[index + 1]), 2)
    case 0xD8 where left >= 2 && bytes[index + 1] == 0x9C:
        return (0x061C, 2)
    case 0xE2 where left >= 3:
        let second = bytes[index + 1]
        let third = bytes[index + 2]
        // E2 80 8E/8F: U+200E/F; E2 80 A8...AE: U+2028...U+202E; E2 81 A6...A9: U+2066...U+2069.
        let escaped = second == 0x80 && (third == 0x8E || third == 0x8F || (0xA8...0xAE).contains(third))
            || second == 0x81 && (0xA6...0xA9).contains(third)
        return escaped ? (0x2000 | UInt32(second & 0x3F) << 6 | UInt32(third & 0x3F), 3) : nil
    default:
        return nil
    }
}

/// Whether the eight bytes at `index` may hold the first byte of a character to escape:
/// one below 0x20, 0x7F, or a lead byte of C1 (0xC2), U+061C (0xD8) or the
/// U+2000 block (0xE2); in JSON also `"` or `\`. Tested a word at a time (SWAR).
@inline(__always)
private func mayHoldEscaped(_ bytes: Span<UInt8>, at index: Int, json: Bool) -> Bool {
    let word = bytes.word(at: index)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    // Nonzero in some byte's high bit when `word` holds a byte equal to `value` (or, for
    // `below`, less than 0x20: exact for thresholds up to 0x80).
    func equal(_ value: UInt64) -> UInt64 {
        let difference = word ^ (ones &* value)
        return (difference &- ones) & ~difference
    }
    let below = (word &- ones &* 0x20) & ~word
    var found = below | equal(0x7F) | equal(0xC2) | equal(0xD8) | equal(0xE2)
    if json { found |= equal(0x22) | equal(0x5C) }
    return found & highs != 0
}
