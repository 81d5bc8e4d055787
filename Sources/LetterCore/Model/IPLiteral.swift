/// Numeric IP addresses and networks parsed in pure Swift, for `--allow`, `--join` and
/// `--interface`, where a name makes no sense.

/// Parses a strict dotted quad (`10.0.0.1`): four decimal parts of at most 255, with
/// no leading zero (`010` is 8 to inet_aton and 10 to others, so glibc's inet_pton and
/// Python's ipaddress refuse it, and so do we).
public func parseIPv4(_ text: Substring) -> (UInt8, UInt8, UInt8, UInt8)? {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 4 else { return nil }
    var octets: [UInt8] = []
    for part in parts {
        guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
              part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
        octets.append(value)
    }
    return (octets[0], octets[1], octets[2], octets[3])
}

/// Parses an IPv6 literal in any of its textual forms (`::1`, `fe80::1`,
/// `::ffff:10.0.0.1`), without brackets or `%scope`.
public func parseIPv6(_ text: Substring) -> IPv6Bytes? {
    var groups: [UInt16] = []
    var gapAt: Int?
    let halves = text.split(separator: "::", omittingEmptySubsequences: false)
    guard halves.count <= 2 else { return nil }
    for (halfIndex, half) in halves.enumerated() {
        if halfIndex == 1 { gapAt = groups.count }
        if half.isEmpty { continue }
        let pieces = half.split(separator: ":", omittingEmptySubsequences: false)
        for (pieceIndex, piece) in pieces.enumerated() {
            if pieceIndex == pieces.count - 1, halfIndex == halves.count - 1, piece.contains(".") {
                guard let quad = parseIPv4(piece) else { return nil }
                groups.append(UInt16(quad.0) << 8 | UInt16(quad.1))
                groups.append(UInt16(quad.2) << 8 | UInt16(quad.3))
                continue
            }
            // Hex digits only: UInt16(_:radix:) would also take a sign ("+f::").
            guard (1...4).contains(piece.utf8.count), piece.utf8.allSatisfy(isASCIIHexDigit),
                  let value = UInt16(piece, radix: 16) else { return nil }
            groups.append(value)
        }
    }
    if let gapAt {
        guard groups.count <= 7 else { return nil }
        groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gapAt)
    }
    guard groups.count == 8 else { return nil }
    let high = groups[0..<4].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    let low = groups[4..<8].reduce(UInt64(0)) { $0 << 16 | UInt64($1) }
    return IPv6Bytes(high: high, low: low)
}

private func isASCIIHexDigit(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return true
    default: return false
    }
}

/// Parses a numeric address of either family (port 0).
public func parseIPAddress(_ text: String) -> Peer? {
    if let quad = parseIPv4(text[...]) { return .v4(octets: quad, port: 0) }
    if let bytes = parseIPv6(text[...]) { return .v6(bytes: bytes, port: 0, flowInfo: 0, scopeID: 0) }
    return nil
}

/// A network such as `10.0.0.0/8` or `fe80::/10`; an address alone is a single host.
public struct Network: Equatable, Sendable {
    public enum Prefix: Equatable, Sendable {
        case v4(UInt32, length: Int)
        case v6(IPv6Bytes, length: Int)
    }

    public let prefix: Prefix

    /// Parses `ADDRESS[/LENGTH]`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        var length: Int?
        if parts.count == 2 {
            guard parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]) else { return nil }
            length = value
        }
        if let quad = parseIPv4(parts[0]) {
            let bits = length ?? 32
            guard bits <= 32 else { return nil }
            let value = UInt32(quad.0) << 24 | UInt32(quad.1) << 16 | UInt32(quad.2) << 8 | UInt32(quad.3)
            prefix = .v4(value, length: bits)
        } else if let bytes = parseIPv6(parts[0]) {
            let bits = length ?? 128
            guard bits <= 128 else { return nil }
            prefix = .v6(bytes, length: bits)
        } else {
            return nil
        }
    }

    /// Whether `address` lies in this network. An IPv4 peer seen on a dual-stack socket
    /// (`::ffff:a.b.c.d`) matches IPv4 networks as the IPv4 address it is.
    public func contains(_ address: Peer) -> Bool {
        switch (prefix, address) {
        case let (.v4(network, length), .v4(octets, _)):
            let value = UInt32(octets.0) << 24 | UInt32(octets.1) << 16 | UInt32(octets.2) << 8 | UInt32(octets.3)
            return matches(UInt64(value) << 32, 0, UInt64(network) << 32, 0, length)
        case let (.v4(network, length), .v6(bytes, _, _, _)) where bytes.isIPv4Mapped:
            return matches(bytes.low << 32, 0, UInt64(network) << 32, 0, length)
        case let (.v6(network, length), .v6(bytes, _, _, _)):
            return matches(bytes.high, bytes.low, network.high, network.low, length)
        default:
            return false
        }
    }

    private func matches(_ high: UInt64, _ low: UInt64, _ networkHigh: UInt64, _ networkLow: UInt64, _ length: Int) -> Bool {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? ~0 : ~0 << UInt64(64 - bits) }
        return (high ^ networkHigh) & mask(length) == 0 && (low ^ networkLow) & mask(length - 64) == 0
    }
}
