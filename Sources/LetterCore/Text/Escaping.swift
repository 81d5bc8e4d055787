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

/// Appends UTF-8 text with its control characters (C0, DEL, C1) written the way
/// Python's `repr` writes them (`\n`, `\r`, `\t`, `\x1b`, `\x7f`, `\x85`), so that
/// one datagram stays one line and no escape sequence reaches the terminal.
/// Everything else, backslashes included, is copied as it is.
public func appendEscapingControls(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) {
    text.withUnsafeBufferPointer { bytes in
        var runStart = 0
        var index = 0
        while index < bytes.count {
            if index + 8 <= bytes.count && !mayHoldControl(bytes, at: index) {
                index += 8
                continue
            }
            let byte = bytes[index]
            let isC1 = byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1])
            guard byte < 0x20 || byte == 0x7F || isC1 else {
                index += 1
                continue
            }
            out.append(contentsOf: bytes[runStart..<index])
            switch byte {
            case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            default:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "x")])
                appendHexByte(isC1 ? bytes[index + 1] : byte, to: &out)
            }
            index += isC1 ? 2 : 1
            runStart = index
        }
        out.append(contentsOf: bytes[runStart..<bytes.count])
    }
}

/// Whether the eight bytes at `index` may hold a control character's first byte: one
/// below 0x20, 0x7F, or 0xC2 (which starts C1), tested a word at a time (SWAR).
@inline(__always)
private func mayHoldControl(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Bool {
    let word = UnsafeRawPointer(bytes.baseAddress! + index).loadUnaligned(as: UInt64.self)
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    func hasZeroByte(_ value: UInt64) -> Bool { (value &- ones) & ~value & highs != 0 }
    // Bytes below 0x20 (exact for thresholds up to 0x80), then bytes equal to 0x7F or 0xC2.
    let below = (word &- ones &* 0x20) & ~word & highs != 0
    return below || hasZeroByte(word ^ (ones &* 0x7F)) || hasZeroByte(word ^ (ones &* 0xC2))
}

/// Appends a JSON string literal for UTF-8 text. Besides what JSON requires (`"`, `\`,
/// C0), DEL, C1 and U+2028/U+2029 are escaped too, so a line of JSON is terminal-safe
/// and valid JavaScript.
public func appendJSONString(_ text: ArraySlice<UInt8>, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var runStart = text.startIndex
    var index = text.startIndex
    while index < text.endIndex {
        let byte = text[index]
        var escapedScalar: UInt32?
        var length = 1
        switch byte {
        case 0..<0x20, UInt8(ascii: "\""), UInt8(ascii: "\\"), 0x7F:
            escapedScalar = UInt32(byte)
        case 0xC2 where index + 1 < text.endIndex && (0x80...0x9F).contains(text[index + 1]):
            escapedScalar = UInt32(text[index + 1])
            length = 2
        case 0xE2 where index + 2 < text.endIndex && text[index + 1] == 0x80 && (text[index + 2] == 0xA8 || text[index + 2] == 0xA9):
            escapedScalar = 0x2000 + UInt32(text[index + 2] & 0x3F)
            length = 3
        default:
            break
        }
        guard let scalar = escapedScalar else {
            index += 1
            continue
        }
        out.append(contentsOf: text[runStart..<index])
        out.append(UInt8(ascii: "\\"))
        switch scalar {
        case 0x22: out.append(UInt8(ascii: "\""))
        case 0x5C: out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u")])
            appendHexByte(UInt8(scalar >> 8), to: &out)
            appendHexByte(UInt8(scalar & 0xFF), to: &out)
        }
        index += length
        runStart = index
    }
    out.append(contentsOf: text[runStart..<text.endIndex])
    out.append(UInt8(ascii: "\""))
}
