import Glibc

// Options and look-ups that only internet sockets have: ICMP errors, broadcast,
// dual-stack, multicast, and network interfaces.

extension DatagramSocket {
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

    /// IP_PKTINFO / IPV6_RECVPKTINFO: the kernel attaches to each datagram the address
    /// it was sent to (a socket bound to every interface learns which one; a multicast
    /// datagram, its group), which a `ReceiveBatch` made with `localPort` reads into
    /// `Datagram.local`. Asked for only by a capture: the plain receive path reads no more.
    public func enableLocalAddresses() throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO")
        } else {
            try setOption(Int32(IPPROTO_IP), IP_PKTINFO, 1, "IP_PKTINFO")
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
    public func joinGroup(_ group: Peer, interfaceIndex: UInt32,
                          interfaceAddress: Peer?) throws(SystemCallError) {
        if let address = group.inAddr {
            var request = ip_mreqn()
            request.imr_multiaddr = address
            if let interfaceAddress = interfaceAddress?.inAddr { request.imr_address = interfaceAddress }
            request.imr_ifindex = Int32(interfaceIndex)
            _ = try retryingInterrupts("setsockopt(IP_ADD_MEMBERSHIP)") {
                setsockopt(descriptor, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request,
                           socklen_t(MemoryLayout<ip_mreqn>.size))
            }
        } else if let address = group.in6Addr {
            var request = ipv6_mreq()
            request.ipv6mr_multiaddr = address
            request.ipv6mr_interface = interfaceIndex
            _ = try retryingInterrupts("setsockopt(IPV6_ADD_MEMBERSHIP)") {
                setsockopt(descriptor, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &request,
                           socklen_t(MemoryLayout<ipv6_mreq>.size))
            }
        }
    }

    /// IP_MULTICAST_IF / IPV6_MULTICAST_IF: which interface multicast letters leave by.
    public func setMulticastInterface(index: UInt32, address: Peer?) throws(SystemCallError) {
        if family == .v6 {
            try setOption(Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, Int32(bitPattern: index), "IPV6_MULTICAST_IF")
            return
        }
        var request = ip_mreqn()
        request.imr_ifindex = Int32(bitPattern: index)
        if let address = address?.inAddr { request.imr_address = address }
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
public func interfaceAddresses() throws(SystemCallError) -> [(index: UInt32, address: Peer)] {
    var list: UnsafeMutablePointer<ifaddrs>?
    _ = try retryingInterrupts("getifaddrs") { getifaddrs(&list) }
    defer { freeifaddrs(list) }
    var found: [(index: UInt32, address: Peer)] = []
    var entry = list
    while let current = entry {
        // Interfaces without an address, or with one of another family (packet), are skipped.
        if let raw = current.pointee.ifa_addr, let address = Peer(interfaceAddress: raw) {
            found.append((if_nametoindex(current.pointee.ifa_name), address))
        }
        entry = current.pointee.ifa_next
    }
    return found
}
