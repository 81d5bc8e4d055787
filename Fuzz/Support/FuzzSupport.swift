import LetterCore

/// What every fuzz target shares: reading choices out of the fuzzer's bytes, stopping
/// loudly when a property fails, and the properties several targets check.

/// The fuzzer's input read as a few choices followed by a payload.
struct FuzzInput {
    /// What is left to read. It is a slice of a larger buffer (its start index is
    /// not 0 once a choice was read), as a datagram in a receive batch is.
    private(set) var rest: ArraySlice<UInt8>

    init(_ data: UnsafePointer<UInt8>, _ size: Int) {
        rest = Array(UnsafeBufferPointer(start: data, count: size))[...]
    }

    /// One of `options`, chosen by the next byte, or two bytes (big-endian) when there
    /// are more than 256 options; the first option once the input is used up.
    mutating func pick<Element>(_ options: [Element]) -> Element {
        options[Int(integer(byteCount: options.count > 256 ? 2 : 1) % UInt64(options.count))]
    }

    /// The next `byteCount` bytes (at most 8) as a big-endian number; zeros past the end.
    mutating func integer(byteCount: Int) -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<byteCount { value = value << 8 | UInt64(rest.popFirst() ?? 0) }
        return value
    }

    /// The next `count` bytes, fewer when the input ends first.
    mutating func bytes(count: Int) -> ArraySlice<UInt8> {
        defer { rest = rest.dropFirst(count) }
        return rest.prefix(count)
    }
}

/// Stops the run when a property does not hold, so libFuzzer keeps the input as a crash
/// and prints `message`.
func require(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Whether `bytes` are well-formed UTF-8.
func isValidUTF8(_ bytes: some Sequence<UInt8>) -> Bool {
    String(validating: bytes, as: UTF8.self) != nil
}

/// The SPEC's promise for `text`, `tuple` and `json` lines: well-formed UTF-8 with no
/// character that moves the cursor or reorders the line (`mustEscape`) but the final newline.
func isTerminalSafe(_ line: ArraySlice<UInt8>) -> Bool {
    let body = line.last == UInt8(ascii: "\n") ? line.dropLast() : line
    guard let text = String(validating: body, as: UTF8.self) else { return false }
    return !text.unicodeScalars.contains(where: mustEscape)
}

/// What the SPEC escapes, by Unicode's own properties: control characters (Cc: C0, DEL,
/// C1), bidirectional controls (Bidi_Control) and the line and paragraph separators.
func mustEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.properties.generalCategory {
    case .control, .lineSeparator, .paragraphSeparator: return true
    default: return scalar.properties.isBidiControl
    }
}

/// `de ad be ef`, for failure messages.
func hexDump(_ bytes: some Sequence<UInt8>) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: " ")
}

/// Python's `repr(ch)[1:-1]` for a character the SPEC escapes: `\t`, `\n`, `\r`, `\xNN`
/// below U+0100, `\uNNNN` above.
func pythonControlRepr(_ scalar: Unicode.Scalar) -> String? {
    guard mustEscape(scalar) else { return nil }
    switch scalar.value {
    case 0x09: return "\\t"
    case 0x0A: return "\\n"
    case 0x0D: return "\\r"
    default:
        let digits = String(scalar.value, radix: 16)
        let width = scalar.value < 0x100 ? 2 : 4
        return (width == 2 ? "\\x" : "\\u") + String(repeating: "0", count: width - digits.count) + digits
    }
}

/// An IPv4 or IPv6 sender with arbitrary address, port, flow label and scope.
func readInternetSender(_ input: inout FuzzInput) -> Peer {
    let isIPv6 = input.integer(byteCount: 1) & 1 == 1
    let port = UInt16(input.integer(byteCount: 2))
    if !isIPv6 {
        let value = input.integer(byteCount: 4)
        return .v4(octets: (UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)),
                   port: port)
    }
    let bytes = IPv6Bytes(high: input.integer(byteCount: 8), low: input.integer(byteCount: 8))
    return .v6(bytes: bytes, port: port, flowInfo: UInt32(input.integer(byteCount: 4)),
               scopeID: UInt32(input.integer(byteCount: 4)))
}
