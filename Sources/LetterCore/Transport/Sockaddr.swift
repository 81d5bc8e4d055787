import Glibc

// The one place where `Peer` meets `sockaddr_in`, `sockaddr_in6`, `sockaddr_un` and
// `sockaddr_storage`, and `in_addr`/`in6_addr`. Everything above this file sees plain
// Swift values.

/// Where `sun_path` starts in `sockaddr_un`: a name's length is counted from here.
private let pathOffset = MemoryLayout<sa_family_t>.size

extension Peer {
    /// Reads an address the kernel wrote (from `recvfrom`, `getsockname`, `getaddrinfo`),
    /// `length` bytes long. Returns nil for families other than IPv4, IPv6 and unix.
    init?(storage: UnsafeRawPointer, length: Int) {
        // A unix sender bound to nothing has no name at all: the kernel writes none.
        // (Internet senders always have one.)
        guard length >= pathOffset else {
            self = .unnamed
            return
        }
        let family = storage.load(as: sa_family_t.self)
        switch Int32(family) {
        case AF_INET:
            let address = storage.load(as: sockaddr_in.self)
            self.init(address.sin_addr, port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = storage.load(as: sockaddr_in6.self)
            self.init(address.sin6_addr, port: UInt16(bigEndian: address.sin6_port),
                      flowInfo: UInt32(bigEndian: address.sin6_flowinfo), scopeID: address.sin6_scope_id)
        case AF_UNIX:
            // No name at all: an unbound sender. A leading NUL: an abstract name, exactly
            // `length` bytes. Otherwise a path, up to its NUL (the kernel may count one).
            guard length > pathOffset else { self = .unnamed; return }
            let name = UnsafeRawBufferPointer(start: storage + pathOffset, count: length - pathOffset)
            if name[0] == 0 {
                self = .abstract(Array(name.dropFirst()))
            } else {
                self = .unixPath(Array(name.prefix { $0 != 0 }))
            }
        default:
            return nil
        }
    }

    /// An IPv4 address (from a `sockaddr_in`, or a control message's `in_pktinfo`) and a port.
    init(_ address: in_addr, port: UInt16) {
        let raw = address.s_addr  // network order in memory
        self = .v4(octets: (UInt8(truncatingIfNeeded: raw), UInt8(truncatingIfNeeded: raw >> 8),
                            UInt8(truncatingIfNeeded: raw >> 16), UInt8(truncatingIfNeeded: raw >> 24)),
                   port: port)
    }

    /// An IPv6 address (from a `sockaddr_in6`, or a control message's `in6_pktinfo`) and a port.
    init(_ address: in6_addr, port: UInt16, flowInfo: UInt32, scopeID: UInt32) {
        let bytes = withUnsafeBytes(of: address) { raw in
            IPv6Bytes(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                      low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        self = .v6(bytes: bytes, port: port, flowInfo: flowInfo, scopeID: scopeID)
    }

    /// Calls `body` with this address as a `sockaddr` pointer and its length.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var storage = sockaddr_storage()
        let length = write(to: &storage)
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// Writes the C form of this address into `storage` and returns its length. An
    /// unnamed unix peer is the bare family: bound, the kernel picks an abstract name.
    func write(to storage: inout sockaddr_storage) -> socklen_t {
        storage = sockaddr_storage()
        return withUnsafeMutableBytes(of: &storage) { raw in
            switch self {
            case .v4(let octets, let port):
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = port.bigEndian
                address.sin_addr.s_addr = UInt32(octets.0) | UInt32(octets.1) << 8
                    | UInt32(octets.2) << 16 | UInt32(octets.3) << 24
                raw.storeBytes(of: address, as: sockaddr_in.self)
                return socklen_t(MemoryLayout<sockaddr_in>.size)
            case .v6(let bytes, let port, let flowInfo, let scopeID):
                var address = sockaddr_in6()
                address.sin6_family = sa_family_t(AF_INET6)
                address.sin6_port = port.bigEndian
                address.sin6_flowinfo = flowInfo.bigEndian
                address.sin6_scope_id = scopeID
                withUnsafeMutableBytes(of: &address.sin6_addr) { addressBytes in
                    addressBytes.storeBytes(of: bytes.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                    addressBytes.storeBytes(of: bytes.low.bigEndian, toByteOffset: 8, as: UInt64.self)
                }
                raw.storeBytes(of: address, as: sockaddr_in6.self)
                return socklen_t(MemoryLayout<sockaddr_in6>.size)
            case .unixPath(let name), .abstract(let name):
                raw.storeBytes(of: sa_family_t(AF_UNIX), as: sa_family_t.self)
                // Endpoint parsing keeps names shorter than sun_path (108 bytes).
                let leading = isAbstract ? 1 : 0
                for (offset, byte) in name.enumerated() { raw[pathOffset + leading + offset] = byte }
                // A path ends with a NUL (the storage is zeroed); an abstract name is its bytes.
                return socklen_t(pathOffset + leading + name.count + (isAbstract ? 0 : 1))
            case .unnamed:
                raw.storeBytes(of: sa_family_t(AF_UNIX), as: sa_family_t.self)
                return socklen_t(pathOffset)
            }
        }
    }

    private var isAbstract: Bool {
        if case .abstract = self { return true }
        return false
    }

    /// The IPv4 address as `in_addr` (nil for other families).
    var inAddr: in_addr? {
        guard case .v4 = self else { return nil }
        var storage = sockaddr_storage()
        _ = write(to: &storage)
        return withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self).sin_addr }
    }

    /// The IPv6 address as `in6_addr` (nil for other families).
    var in6Addr: in6_addr? {
        guard case .v6 = self else { return nil }
        var storage = sockaddr_storage()
        _ = write(to: &storage)
        return withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self).sin6_addr }
    }
}

/// Calls `body` with zeroed storage for an address the kernel will write, and the
/// length variable it fills in; returns the address read back.
func readingAddress(_ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) throws(SystemCallError) -> Void)
    throws(SystemCallError) -> Peer? {
    var storage = sockaddr_storage()
    var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    try withUnsafeMutablePointer(to: &storage) { pointer throws(SystemCallError) in
        try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { name throws(SystemCallError) in try body(name, &length) }
    }
    return withUnsafeBytes(of: &storage) { Peer(storage: $0.baseAddress!, length: Int(length)) }
}

/// Room for the senders' names of a receive batch: one `sockaddr_storage` each, which
/// `recvmmsg` fills in.
final class SocketNames {
    /// What the kernel may write in one name.
    static let length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    private let storage: UnsafeMutablePointer<sockaddr_storage>

    init(capacity: Int) {
        storage = .allocate(capacity: capacity)
        storage.initialize(repeating: sockaddr_storage(), count: capacity)
    }

    deinit { storage.deallocate() }

    /// Where name `index` goes.
    func name(_ index: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(storage + index) }

    /// The sender in name `index`, `length` bytes long as the kernel said.
    func peer(_ index: Int, length: socklen_t) -> Peer {
        // The kernel fills in an AF_INET, AF_INET6 or AF_UNIX name for every datagram.
        Peer(storage: UnsafeRawPointer(storage + index), length: Int(length))!
    }
}

extension Peer {
    /// An interface's address as `getifaddrs` gives it, read at its family's own size;
    /// nil for a family other than IPv4 and IPv6 (a packet address, say).
    init?(interfaceAddress address: UnsafePointer<sockaddr>) {
        let length: Int
        switch Int32(address.pointee.sa_family) {
        case AF_INET: length = MemoryLayout<sockaddr_in>.size
        case AF_INET6: length = MemoryLayout<sockaddr_in6>.size
        default: return nil
        }
        self.init(storage: UnsafeRawPointer(address), length: length)
    }
}
