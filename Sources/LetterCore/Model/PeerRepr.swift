/// Textual forms of peers, byte for byte as Python shows what `recvfrom` returned: an
/// internet address as a tuple whose host is what glibc's `inet_ntop` writes; a unix
/// path as a `str` (bytes that are not UTF-8 as the file system encoding's surrogate
/// escapes, `\udcff`), an abstract name as `bytes` (`b'\x00name'`), an unnamed sender as
/// `None`. These append UTF-8 to a byte buffer because they run once per datagram.
extension Peer {
    /// The host of an internet address (`127.0.0.1`, `::1`); for a unix peer, its repr.
    public var host: String {
        var bytes: [UInt8] = []
        appendHost(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// What Python's `repr` shows: `('127.0.0.1', 54321)`, `'/tmp/x.sock'`, `b'\x00x'`, `None`.
    public var pythonRepr: String {
        var bytes: [UInt8] = []
        appendPythonRepr(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends Python's `repr`: `('h', port)` for IPv4, `('h', port, flowinfo, scope_id)`
    /// for IPv6, the quoted path, the abstract name's bytes literal, or `None`.
    public func appendPythonRepr(to out: inout [UInt8]) {
        switch self {
        case .v4, .v6:
            out.append(contentsOf: "('".utf8)
            appendHost(to: &out)
            out.append(contentsOf: "', ".utf8)
            appendDecimal(UInt64(port), to: &out)
            if case .v6(_, _, let flowInfo, let scopeID) = self {
                out.append(contentsOf: ", ".utf8)
                appendDecimal(UInt64(flowInfo), to: &out)
                out.append(contentsOf: ", ".utf8)
                appendDecimal(UInt64(scopeID), to: &out)
            }
            out.append(UInt8(ascii: ")"))
        case .unixPath(let path):
            appendPythonStrRepr(path, quoted: true, to: &out)
        case .abstract(let name):
            appendPythonBytesRepr(([0] + name)[...], to: &out)
        case .unnamed:
            out.append(contentsOf: "None".utf8)
        }
    }

    /// Appends what Python's `print` shows: the repr, except that a path is bare
    /// (`hi /tmp/cli.sock`), its control characters escaped as the text format does.
    public func appendPythonPrint(to out: inout [UInt8]) {
        if case .unixPath(let path) = self {
            appendPythonStrRepr(path, quoted: false, to: &out)
        } else {
            appendPythonRepr(to: &out)
        }
    }

    /// Appends the numeric host as `inet_ntop` writes it (Python uses `inet_ntop`); a
    /// unix peer appends its repr.
    public func appendHost(to out: inout [UInt8]) {
        switch self {
        case .v4(let octets, _):
            appendDottedQuad(octets.0, octets.1, octets.2, octets.3, to: &out)
        case .v6(let bytes, _, _, _):
            appendIPv6(bytes, to: &out)
        case .unixPath, .abstract, .unnamed:
            appendPythonRepr(to: &out)
        }
    }
}

/// A path as Python's `os.fsdecode` turns it into `str` and `repr` shows it: UTF-8, with
/// each byte that is not part of a valid sequence as the surrogate `\udcXX`. `quoted`
/// adds repr's quotes (`'`, or `"` when only `'` occurs) and escapes the backslash and
/// the quote; controls are escaped either way, as the text format escapes them.
func appendPythonStrRepr(_ bytes: [UInt8], quoted: Bool, to out: inout [UInt8]) {
    let quote = bytes.contains(UInt8(ascii: "'")) && !bytes.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
    if quoted { out.append(quote) }
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        guard let length = validUTF8SequenceLength(bytes[...], at: index) else {
            out.append(contentsOf: "\\udc".utf8)
            appendHexByte(byte, to: &out)
            index += 1
            continue
        }
        if quoted && (byte == UInt8(ascii: "\\") || byte == quote) {
            out.append(UInt8(ascii: "\\"))
            out.append(byte)
        } else {
            appendEscapingControls(bytes[index..<index + length], to: &out)
        }
        index += length
    }
    if quoted { out.append(quote) }
}

/// The length of the well-formed UTF-8 sequence that starts at `index`, or nil when the
/// byte there does not start one.
func validUTF8SequenceLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
    let byte = bytes[index]
    let length = byte < 0x80 ? 1 : byte >= 0xF5 ? 0 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC2 ? 2 : 0
    guard length > 0, index + length <= bytes.endIndex,
          String(validating: bytes[index..<index + length], as: UTF8.self) != nil else { return nil }
    return length
}

func appendDottedQuad(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, to out: inout [UInt8]) {
    appendDecimal(UInt64(a), to: &out)
    out.append(UInt8(ascii: "."))
    appendDecimal(UInt64(b), to: &out)
    out.append(UInt8(ascii: "."))
    appendDecimal(UInt64(c), to: &out)
    out.append(UInt8(ascii: "."))
    appendDecimal(UInt64(d), to: &out)
}

/// glibc's `inet_ntop6`: the longest run of two or more zero groups becomes `::` (the
/// first such run on a tie), hex digits are lower case, and `::a.b.c.d` /
/// `::ffff:a.b.c.d` keep the embedded IPv4 address dotted.
func appendIPv6(_ address: IPv6Bytes, to out: inout [UInt8]) {
    let groups = address.groups
    var best = (start: -1, length: 0)
    var current = (start: -1, length: 0)
    for index in 0..<8 {
        if groups[index] == 0 {
            if current.start == -1 { current = (index, 1) } else { current.length += 1 }
        } else if current.start != -1 {
            if best.start == -1 || current.length > best.length { best = current }
            current.start = -1
        }
    }
    if current.start != -1 && (best.start == -1 || current.length > best.length) { best = current }
    if best.length < 2 { best.start = -1 }

    var index = 0
    while index < 8 {
        if best.start != -1 && index >= best.start && index < best.start + best.length {
            if index == best.start { out.append(UInt8(ascii: ":")) }
            index += 1
            continue
        }
        if index != 0 { out.append(UInt8(ascii: ":")) }
        let embedsIPv4 = best.start == 0 && (best.length == 6 || (best.length == 5 && groups[5] == 0xffff))
        if index == 6 && embedsIPv4 {
            appendDottedQuad(UInt8(groups[6] >> 8), UInt8(groups[6] & 0xff),
                             UInt8(groups[7] >> 8), UInt8(groups[7] & 0xff), to: &out)
            return
        }
        appendHex(UInt64(groups[index]), to: &out)
        index += 1
    }
    if best.start != -1 && best.start + best.length == 8 { out.append(UInt8(ascii: ":")) }
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

/// Appends `value` in decimal.
func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
    if value >= 10 { appendDecimal(value / 10, to: &out) }
    out.append(UInt8(ascii: "0") + UInt8(value % 10))
}

/// Appends `value` in lower-case hex without leading zeros.
func appendHex(_ value: UInt64, to out: inout [UInt8]) {
    var shift = 60
    while shift > 0 && (value >> UInt64(shift)) & 0xf == 0 { shift -= 4 }
    while shift >= 0 {
        out.append(hexDigits[Int((value >> UInt64(shift)) & 0xf)])
        shift -= 4
    }
}

/// Appends a byte as two lower-case hex digits.
func appendHexByte(_ byte: UInt8, to out: inout [UInt8]) {
    out.append(hexDigits[Int(byte >> 4)])
    out.append(hexDigits[Int(byte & 0xf)])
}
