/// Textual forms of socket addresses, byte for byte as Python shows them: the host as
/// glibc's `inet_ntop` writes it, and the address tuple as `repr` of what `recvfrom`
/// returned. These append UTF-8 to a byte buffer because they run once per datagram.
extension SocketAddress {
    /// `'127.0.0.1'`'s contents: the numeric host without quotes or port.
    public var host: String {
        var bytes: [UInt8] = []
        appendHost(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `('127.0.0.1', 54321)` or `('::1', 54321, 0, 0)`.
    public var pythonTuple: String {
        var bytes: [UInt8] = []
        appendPythonTuple(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends Python's `repr` of the address tuple: `('h', port)` for IPv4 and
    /// `('h', port, flowinfo, scope_id)` for IPv6.
    public func appendPythonTuple(to out: inout [UInt8]) {
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
    }

    /// Appends the numeric host as `inet_ntop` writes it (Python uses `inet_ntop`).
    public func appendHost(to out: inout [UInt8]) {
        switch self {
        case .v4(let octets, _):
            appendDottedQuad(octets.0, octets.1, octets.2, octets.3, to: &out)
        case .v6(let bytes, _, _, _):
            appendIPv6(bytes, to: &out)
        }
    }
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
