import Glibc

// The one place where `SocketAddress` meets `sockaddr_in`, `sockaddr_in6` and
// `sockaddr_storage`. Everything above this file sees plain Swift values.

extension SocketAddress {
    /// Reads an address the kernel wrote (from `recvfrom`, `getsockname`, `getaddrinfo`).
    /// Returns nil for families other than IPv4 and IPv6, which letter never opens.
    init?(storage: UnsafeRawPointer) {
        let family = storage.load(as: sa_family_t.self)
        switch Int32(family) {
        case AF_INET:
            let address = storage.load(as: sockaddr_in.self)
            let raw = address.sin_addr.s_addr  // network order in memory
            self = .v4(octets: (UInt8(truncatingIfNeeded: raw), UInt8(truncatingIfNeeded: raw >> 8),
                                UInt8(truncatingIfNeeded: raw >> 16), UInt8(truncatingIfNeeded: raw >> 24)),
                       port: UInt16(bigEndian: address.sin_port))
        case AF_INET6:
            let address = storage.load(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: address.sin6_addr) { raw in
                IPv6Bytes(high: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                          low: UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            self = .v6(bytes: bytes, port: UInt16(bigEndian: address.sin6_port),
                       flowInfo: UInt32(bigEndian: address.sin6_flowinfo), scopeID: address.sin6_scope_id)
        default:
            return nil
        }
    }

    /// Calls `body` with this address as a `sockaddr` pointer and its length.
    func withSockaddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        var storage = sockaddr_storage()
        let length = write(to: &storage)
        return withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, length) }
        }
    }

    /// Writes the C form of this address into `storage` and returns its length.
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
            }
        }
    }
}
