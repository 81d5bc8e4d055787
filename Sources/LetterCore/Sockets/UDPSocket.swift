import Glibc

/// The address family of a socket.
public enum AddressFamily: Sendable {
    case v4, v6

    var constant: Int32 { self == .v6 ? AF_INET6 : AF_INET }
}

extension SocketAddress {
    /// The family of socket that can send to or bind this address.
    public var addressFamily: AddressFamily { isIPv6 ? .v6 : .v4 }
}

/// A UDP socket that owns its descriptor and closes it exactly once, when it goes away.
public struct UDPSocket: ~Copyable {
    public let descriptor: Int32
    public let family: AddressFamily

    /// The corresponding C function is `socket`.
    public init(family: AddressFamily) throws(SystemCallError) {
        self.family = family
        descriptor = try retryingInterrupts("socket") {
            socket(family.constant, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
    }

    deinit { close(descriptor) }

    /// The corresponding C function is `bind`.
    public func bind(to address: SocketAddress) throws(SystemCallError) {
        _ = try retryingInterrupts("bind") {
            address.withSockaddr { pointer, length in Glibc.bind(descriptor, pointer, length) }
        }
    }

    /// The address the socket is bound to, with the port the kernel chose for port 0.
    /// The corresponding C function is `getsockname`.
    public func localAddress() throws(SystemCallError) -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = try retryingInterrupts("getsockname") {
            withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
        }
        // The descriptor is an AF_INET or AF_INET6 socket we opened, so the family is known.
        return withUnsafeBytes(of: &storage) { SocketAddress(storage: $0.baseAddress!)! }
    }

    /// Sends one datagram. The corresponding C function is `sendto`.
    public func send(_ payload: ArraySlice<UInt8>, to address: SocketAddress) throws(SystemCallError) {
        _ = try retryingInterrupts("sendto") {
            address.withSockaddr { name, nameLength in
                payload.withUnsafeBytes { bytes in sendto(descriptor, bytes.baseAddress, bytes.count, 0, name, nameLength) }
            }
        }
    }

    // MARK: Options

    func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ what: String) throws(SystemCallError) {
        var value = value
        _ = try retryingInterrupts("setsockopt(\(what))") {
            setsockopt(descriptor, level, name, &value, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    func option(_ level: Int32, _ name: Int32, _ what: String) throws(SystemCallError) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try retryingInterrupts("getsockopt(\(what))") { getsockopt(descriptor, level, name, &value, &length) }
        return value
    }

    /// SO_REUSEADDR, so a listener can be restarted at once on the same port.
    public func setReuseAddress() throws(SystemCallError) {
        try setOption(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
    }

    /// IP_RECVERR / IPV6_RECVERR: ICMP errors about what this socket sent (port
    /// unreachable) are reported to it — the next receive fails with ECONNREFUSED —
    /// instead of being dropped, as they are for an unconnected socket by default.
    public func setReceiveErrors() throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_RECVERR, 1, "IPV6_RECVERR")
        } else {
            try setOption(Int32(IPPROTO_IP), IP_RECVERR, 1, "IP_RECVERR")
        }
    }

    /// SO_BROADCAST: without it the kernel refuses to send to a broadcast address.
    public func setBroadcast() throws(SystemCallError) {
        try setOption(SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST")
    }

    /// IPV6_V6ONLY off makes an IPv6 socket hear IPv4 peers too, as `::ffff:a.b.c.d`.
    public func setIPv6Only(_ only: Bool) throws(SystemCallError) {
        try setOption(Int32(IPPROTO_IPV6), IPV6_V6ONLY, only ? 1 : 0, "IPV6_V6ONLY")
    }

    /// SO_RXQ_OVFL: the kernel attaches its running count of dropped datagrams to every
    /// datagram received, so loss is seen as it happens.
    public func enableDropCounter() throws(SystemCallError) {
        try setOption(SOL_SOCKET, SO_RXQ_OVFL, 1, "SO_RXQ_OVFL")
    }

    /// Asks for a receive buffer of `bytes`: SO_RCVBUFFORCE where permitted (root), which
    /// passes the system maximum, else SO_RCVBUF, which the kernel caps at
    /// net.core.rmem_max. Returns the effective size the kernel reports (it doubles the
    /// request for its own bookkeeping).
    public func requestReceiveBuffer(_ bytes: Int) throws(SystemCallError) -> Int {
        let request = Int32(clamping: bytes)
        do {
            try setOption(SOL_SOCKET, SO_RCVBUFFORCE, request, "SO_RCVBUFFORCE")
        } catch {
            try setOption(SOL_SOCKET, SO_RCVBUF, request, "SO_RCVBUF")
        }
        return try receiveBufferSize()
    }

    /// The receive buffer size in force (SO_RCVBUF as the kernel reports it).
    public func receiveBufferSize() throws(SystemCallError) -> Int {
        Int(try option(SOL_SOCKET, SO_RCVBUF, "SO_RCVBUF"))
    }

    /// Datagrams the kernel dropped on this socket because its receive buffer was full,
    /// from SO_MEMINFO (exact at any moment, including after the last datagram arrived).
    public func kernelDropCount() throws(SystemCallError) -> UInt64 {
        // SK_MEMINFO_DROPS is index 8 of the u32 array SO_MEMINFO returns.
        var info = [UInt32](repeating: 0, count: 9)
        var length = socklen_t(MemoryLayout<UInt32>.stride * info.count)
        _ = try retryingInterrupts("getsockopt(SO_MEMINFO)") {
            getsockopt(descriptor, SOL_SOCKET, SO_MEMINFO, &info, &length)
        }
        return UInt64(info[8])
    }

    /// IP_MULTICAST_TTL or IPV6_MULTICAST_HOPS: how many routers a multicast letter crosses.
    public func setMulticastHops(_ hops: Int) throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, Int32(hops), "IPV6_MULTICAST_HOPS")
        } else {
            try setOption(Int32(IPPROTO_IP), IP_MULTICAST_TTL, Int32(hops), "IP_MULTICAST_TTL")
        }
    }

    /// IP_MULTICAST_LOOP / IPV6_MULTICAST_LOOP: whether this host hears its own multicast.
    public func setMulticastLoop(_ loop: Bool) throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_MULTICAST_LOOP, loop ? 1 : 0, "IPV6_MULTICAST_LOOP")
        } else {
            try setOption(Int32(IPPROTO_IP), IP_MULTICAST_LOOP, loop ? 1 : 0, "IP_MULTICAST_LOOP")
        }
    }

    /// Joins a multicast group on the interface with index `interfaceIndex` (0: the
    /// kernel's choice) or, for IPv4, the interface that owns `interfaceAddress`.
    /// The corresponding C options are IP_ADD_MEMBERSHIP and IPV6_ADD_MEMBERSHIP.
    public func joinGroup(_ group: SocketAddress, interfaceIndex: UInt32,
                          interfaceAddress: SocketAddress?) throws(SystemCallError) {
        var storage = sockaddr_storage()
        _ = group.write(to: &storage)
        switch group {
        case .v4:
            var request = ip_mreqn()
            request.imr_multiaddr = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self).sin_addr }
            if let interfaceAddress {
                var interfaceStorage = sockaddr_storage()
                _ = interfaceAddress.write(to: &interfaceStorage)
                request.imr_address = withUnsafeBytes(of: &interfaceStorage) { $0.load(as: sockaddr_in.self).sin_addr }
            }
            request.imr_ifindex = Int32(interfaceIndex)
            _ = try retryingInterrupts("setsockopt(IP_ADD_MEMBERSHIP)") {
                setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request,
                           socklen_t(MemoryLayout<ip_mreqn>.size))
            }
        case .v6:
            var request = ipv6_mreq()
            request.ipv6mr_multiaddr = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self).sin6_addr }
            request.ipv6mr_interface = interfaceIndex
            _ = try retryingInterrupts("setsockopt(IPV6_ADD_MEMBERSHIP)") {
                setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &request,
                           socklen_t(MemoryLayout<ipv6_mreq>.size))
            }
        }
    }

    /// IP_MULTICAST_IF / IPV6_MULTICAST_IF: which interface multicast letters leave by.
    public func setMulticastInterface(index: UInt32, address: SocketAddress?) throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, Int32(bitPattern: index), "IPV6_MULTICAST_IF")
            return
        }
        var request = ip_mreqn()
        request.imr_ifindex = Int32(bitPattern: index)
        if let address {
            var storage = sockaddr_storage()
            _ = address.write(to: &storage)
            request.imr_address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self).sin_addr }
        }
        _ = try retryingInterrupts("setsockopt(IP_MULTICAST_IF)") {
            setsockopt(descriptor, Int32(IPPROTO_IP), IP_MULTICAST_IF, &request, socklen_t(MemoryLayout<ip_mreqn>.size))
        }
    }
}

/// The index of a network interface by name, or nil when there is none.
/// The corresponding C function is `if_nametoindex`.
public func interfaceIndex(named name: String) -> UInt32? {
    let index = if_nametoindex(name)
    return index == 0 ? nil : index
}

/// Every address of every network interface, with the interface's index: how
/// `--interface ADDR` finds the interface, which IPv6 multicast names only by index.
/// The corresponding C function is `getifaddrs`.
public func interfaceAddresses() throws(SystemCallError) -> [(index: UInt32, address: SocketAddress)] {
    var list: UnsafeMutablePointer<ifaddrs>?
    _ = try retryingInterrupts("getifaddrs") { getifaddrs(&list) }
    defer { freeifaddrs(list) }
    var found: [(index: UInt32, address: SocketAddress)] = []
    var entry = list
    while let current = entry {
        // Interfaces without an address, or with one of another family (packet), are skipped.
        if let raw = current.pointee.ifa_addr, let address = SocketAddress(storage: UnsafeRawPointer(raw)) {
            found.append((if_nametoindex(current.pointee.ifa_name), address))
        }
        entry = current.pointee.ifa_next
    }
    return found
}
