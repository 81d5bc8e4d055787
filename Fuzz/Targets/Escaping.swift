@testable import LetterCore

/// The textual forms of bytes and text: Python's bytes `repr`, the SPEC's control
/// escaping and JSON strings. Over arbitrary bytes none crashes (they must cope even
/// with text that is not UTF-8); over text, each says exactly what it was given and
/// writes no control character.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzEscaping(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = FuzzInput(data, size)
    let bytes = input.rest
    let scalars = String(decoding: bytes, as: UTF8.self).unicodeScalars
    let text = Array(String(scalars).utf8)[...]

    var repr: [UInt8] = []
    appendPythonBytesRepr(bytes, to: &repr)
    require(repr.allSatisfy { (0x20..<0x7F).contains($0) }, "bytes repr is not printable ASCII: \(hexDump(bytes))")
    require(parsePythonBytesLiteral(repr[...]) == Array(bytes), "bytes repr \(hexDump(repr)) does not read back: \(hexDump(bytes))")
    // Python quotes with " only when the bytes hold ' and no ".
    let doubleQuoted = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\""))
    require(repr[1] == UInt8(ascii: doubleQuoted ? "\"" : "'"), "bytes repr picks the wrong quote: \(hexDump(bytes))")

    var escaped: [UInt8] = []
    appendEscapingControls(text, to: &escaped)
    let expected = scalars.map { pythonControlRepr($0) ?? String($0) }.joined()
    require(escaped == Array(expected.utf8), "control escaping of \(hexDump(text)) is \(hexDump(escaped))")
    require(isTerminalSafe(escaped[...]), "control escaping lets a control through: \(hexDump(text))")

    var json: [UInt8] = []
    appendJSONString(text, to: &json)
    require(isTerminalSafe(json[...]), "a JSON string lets a control through: \(hexDump(text))")
    let parsed = try? JSONReader.string(json)
    require(parsed == Array(text), "JSON string \(hexDump(json)) does not read back: \(hexDump(text))")

    // Text that is not UTF-8 (never produced by a decoder) must still not crash them.
    var scratch: [UInt8] = []
    appendEscapingControls(bytes, to: &scratch)
    appendJSONString(bytes, to: &scratch)
    return 0
}

/// Reads a Python bytes literal (`b'...'` or `b"..."`, the escapes repr writes); nil
/// when it is not one.
private func parsePythonBytesLiteral(_ literal: ArraySlice<UInt8>) -> [UInt8]? {
    guard literal.count >= 3, literal.first == UInt8(ascii: "b"), let quote = literal.last,
          quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\""),
          literal[literal.startIndex + 1] == quote else { return nil }
    var body = literal.dropFirst(2).dropLast()
    var bytes: [UInt8] = []
    while let byte = body.popFirst() {
        if byte == quote { return nil }
        guard byte == UInt8(ascii: "\\") else {
            bytes.append(byte)
            continue
        }
        switch body.popFirst() {
        case UInt8(ascii: "\\"): bytes.append(0x5C)
        case UInt8(ascii: "'"): bytes.append(0x27)
        case UInt8(ascii: "\""): bytes.append(0x22)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "x"):
            guard body.count >= 2, let value = UInt8(String(decoding: body.prefix(2), as: UTF8.self), radix: 16) else { return nil }
            bytes.append(value)
            body = body.dropFirst(2)
        default:
            return nil
        }
    }
    return bytes
}
