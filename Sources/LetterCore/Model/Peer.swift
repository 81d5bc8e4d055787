/// Who sent a datagram, or where one goes, as plain Swift values: an IPv4 or IPv6
/// socket address, or a unix datagram socket's name (a path, an abstract name, or none).
/// Conversion to and from the C `sockaddr` structures lives in
/// `Transport/Sockaddr.swift`; nothing here touches a pointer.
public enum Peer: Hashable, Sendable {
    /// `a.b.c.d:port`; `octets` holds the address in network order.
    case v4(octets: (UInt8, UInt8, UInt8, UInt8), port: UInt16)
    /// `[addr]:port` with the flow label and the scope (interface index) of link-local addresses.
    case v6(bytes: IPv6Bytes, port: UInt16, flowInfo: UInt32, scopeID: UInt32)
    /// A unix socket bound to a path: the path's bytes, without the final NUL.
    case unixPath([UInt8])
    /// A unix socket bound to a name in Linux's abstract namespace, without the leading NUL.
    case abstract([UInt8])
    /// A unix socket bound to nothing (Python's `None`): it cannot be answered.
    case unnamed

    /// The port of an internet address; 0 for a unix socket, which has none.
    public var port: UInt16 {
        switch self {
        case .v4(_, let port), .v6(_, let port, _, _): return port
        case .unixPath, .abstract, .unnamed: return 0
        }
    }

    public var isIPv6: Bool {
        if case .v6 = self { return true }
        return false
    }

    public var isUnix: Bool {
        switch self {
        case .v4, .v6: return false
        case .unixPath, .abstract, .unnamed: return true
        }
    }

    /// Whether this is a loopback address (127.0.0.0/8, ::1, or 127/8 mapped into IPv6):
    /// one that only a process on this host can send from — the kernel drops a packet
    /// with such a source that arrives on any other interface (a "martian").
    public var isLoopback: Bool {
        switch self {
        case .v4(let octets, _): return octets.0 == 127
        case .v6(let bytes, _, _, _): return (bytes.high == 0 && bytes.low == 1) || (bytes.isIPv4Mapped && bytes.low >> 24 & 0xff == 127)
        case .unixPath, .abstract, .unnamed: return false
        }
    }

    /// A v4-mapped IPv6 address (`::ffff:a.b.c.d`) as the IPv4 address it stands for,
    /// where datagrams sent to it arrive; any other address as it is.
    public var unmapped: Peer {
        guard case .v6(let bytes, let port, _, _) = self, bytes.isIPv4Mapped else { return self }
        let address = UInt32(truncatingIfNeeded: bytes.low)
        return .v4(octets: (UInt8(address >> 24), UInt8(address >> 16 & 0xff), UInt8(address >> 8 & 0xff), UInt8(address & 0xff)),
                   port: port)
    }

    /// Whether this is the address of every interface (0.0.0.0, ::), as a socket bound
    /// to all of them reports itself.
    public var isUnspecified: Bool {
        switch self {
        case .v4(let octets, _): return octets == (0, 0, 0, 0)
        case .v6(let bytes, _, _, _): return bytes == .any
        case .unixPath, .abstract, .unnamed: return false
        }
    }

    /// Whether this is a multicast group's address (224.0.0.0/4, ff00::/8).
    public var isMulticast: Bool {
        switch self {
        case .v4(let octets, _): return (224...239).contains(octets.0)
        case .v6(let bytes, _, _, _): return bytes.isMulticast
        case .unixPath, .abstract, .unnamed: return false
        }
    }

    /// Compared case by case without pairing the two values up in a tuple, which would
    /// copy (and retain) both: this runs once per datagram.
    public static func == (lhs: Peer, rhs: Peer) -> Bool {
        switch lhs {
        case .v4(let a, let p):
            guard case .v4(let b, let q) = rhs else { return false }
            return p == q && a.0 == b.0 && a.1 == b.1 && a.2 == b.2 && a.3 == b.3
        case .v6(let a, let p, let f, let s):
            guard case .v6(let b, let q, let g, let t) = rhs else { return false }
            return a == b && p == q && f == g && s == t
        case .unixPath(let a):
            guard case .unixPath(let b) = rhs else { return false }
            return a == b
        case .abstract(let a):
            guard case .abstract(let b) = rhs else { return false }
            return a == b
        case .unnamed:
            if case .unnamed = rhs { return true }
            return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .v4(let o, let port):
            hasher.combine(o.0); hasher.combine(o.1); hasher.combine(o.2); hasher.combine(o.3)
            hasher.combine(port)
        case .v6(let bytes, let port, _, let scope):
            hasher.combine(bytes); hasher.combine(port); hasher.combine(scope)
        case .unixPath(let path):
            hasher.combine(0 as UInt8); hasher.combine(path)
        case .abstract(let name):
            hasher.combine(1 as UInt8); hasher.combine(name)
        case .unnamed:
            hasher.combine(2 as UInt8)
        }
    }
}

/// The 16 bytes of an IPv6 address, network order, as two 64-bit halves so that
/// comparing and hashing stay cheap.
public struct IPv6Bytes: Hashable, Sendable {
    public var high: UInt64
    public var low: UInt64

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public init(_ bytes: [UInt8]) {
        precondition(bytes.count == 16, "an IPv6 address has 16 bytes")
        var high: UInt64 = 0, low: UInt64 = 0
        for index in 0..<8 { high = high << 8 | UInt64(bytes[index]) }
        for index in 8..<16 { low = low << 8 | UInt64(bytes[index]) }
        self.init(high: high, low: low)
    }

    /// The address as 16 bytes in network order.
    public var bytes: [UInt8] {
        (0..<16).map { index in
            let half = index < 8 ? high : low
            return UInt8(truncatingIfNeeded: half >> (8 * (7 - UInt64(index % 8))))
        }
    }

    /// The eight 16-bit groups of the textual form.
    var groups: [UInt16] {
        (0..<8).map { index in
            let half = index < 4 ? high : low
            return UInt16(truncatingIfNeeded: half >> (16 * (3 - UInt64(index % 4))))
        }
    }

    /// `::ffff:a.b.c.d`, how an IPv4 peer appears on a dual-stack socket.
    public var isIPv4Mapped: Bool { high == 0 && low >> 32 == 0xffff }

    public var isMulticast: Bool { high >> 56 == 0xff }

    public static let any = IPv6Bytes(high: 0, low: 0)
    public static let loopback = IPv6Bytes(high: 0, low: 1)
}
