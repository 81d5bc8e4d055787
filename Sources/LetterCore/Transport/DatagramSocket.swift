import Glibc

/// The address family of a socket.
public enum AddressFamily: Sendable {
    case v4, v6, unix

    var constant: Int32 {
        switch self {
        case .v4: return AF_INET
        case .v6: return AF_INET6
        case .unix: return AF_UNIX
        }
    }
}

extension Peer {
    /// The family of socket that can send to or bind this address.
    public var addressFamily: AddressFamily { isUnix ? .unix : isIPv6 ? .v6 : .v4 }
}

/// A datagram socket — UDP over IPv4 or IPv6, or a unix datagram socket — that owns its
/// descriptor and closes it exactly once, when it goes away. A socket file it created
/// by binding to a path is removed then too, however letter ends (a normal end, -c,
/// -t, a signal turned into a normal end, an error after the bind, or any signal that
/// ends the process, through the cleanup handler) — but only while the path still holds
/// that very socket (same device and inode): a file put there since is left alone.
public struct DatagramSocket: ~Copyable {
    public let descriptor: Int32
    public let family: AddressFamily
    /// The cleanup table's slot of the socket file this socket created, or -1.
    private var createdFile: Int32 = -1

    /// The corresponding C function is `socket`.
    public init(family: AddressFamily) throws(SystemCallError) {
        self.family = family
        descriptor = try retryingInterrupts("socket") {
            socket(family.constant, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
    }

    deinit {
        close(descriptor)
        forgetSocketFile(createdFile)
    }

    /// Binds to `address`; a path then belongs to this socket, which removes its file at
    /// the end. An unnamed unix peer autobinds: the kernel picks an abstract name.
    /// The corresponding C function is `bind`.
    public mutating func bind(to address: Peer) throws(SystemCallError) {
        _ = try retryingInterrupts("bind") {
            address.withSockaddr { pointer, length in Glibc.bind(descriptor, pointer, length) }
        }
        if case .unixPath(let path) = address {
            createdFile = registerSocketFile(path)
        }
    }

    /// Sends to `address` by default and hears only from it: the kernel drops datagrams
    /// from anyone else. The corresponding C function is `connect`.
    public func connect(to address: Peer) throws(SystemCallError) {
        _ = try retryingInterrupts("connect") {
            address.withSockaddr { pointer, length in Glibc.connect(descriptor, pointer, length) }
        }
    }

    /// The address the socket is bound to, with the port the kernel chose for port 0.
    /// The corresponding C function is `getsockname`.
    public func localAddress() throws(SystemCallError) -> Peer {
        let address = try readingAddress { name, length throws(SystemCallError) in
            _ = try retryingInterrupts("getsockname") { getsockname(descriptor, name, length) }
        }
        // The descriptor is an AF_INET, AF_INET6 or AF_UNIX socket we opened.
        return address!
    }

    /// What a socket file is, told by connecting a datagram socket to it: live (the
    /// connect succeeds), stale (refused: no process is bound to it), or something letter
    /// cannot tell and so must not remove (a stream socket, no permission).
    /// The corresponding C function is `connect`.
    public static func probe(unixPath path: [UInt8]) -> SocketFileState {
        do {
            let socket = try DatagramSocket(family: .unix)
            let connected = Peer.unixPath(path).withSockaddr { name, length in Glibc.connect(socket.descriptor, name, length) } == 0
            if connected { return .live }
            let error = Errno.current
            return error == .connectionRefused ? .stale : .unknown(error)
        } catch {
            return .unknown(error.errno)
        }
    }
}

/// What `DatagramSocket.probe(unixPath:)` found at a socket file.
public enum SocketFileState: Equatable, Sendable {
    case live, stale
    case unknown(Errno)
}

extension DatagramSocket {

    /// The largest datagram this socket can send to `destination`: 65507 bytes over
    /// IPv4, 65527 over IPv6 (65535 less the headers), and for a unix socket its send
    /// buffer less the 32 bytes the kernel keeps back (unix_dgram_sendmsg's limit).
    public func maximumDatagramSize(to destination: Peer) throws(SystemCallError) -> Int {
        switch destination.addressFamily {
        case .v4: return 65507
        case .v6: return 65527
        case .unix: return Int(try option(SOL_SOCKET, SO_SNDBUF, "SO_SNDBUF")) - 32
        }
    }

    /// Sends one datagram. The corresponding C function is `sendto`.
    /// `waiting: false` returns EAGAIN instead of blocking: a unix peer whose queue is
    /// full would otherwise stop letter until it reads.
    public func send(_ payload: ArraySlice<UInt8>, to address: Peer, waiting: Bool = true) throws(SystemCallError) {
        let flags = waiting ? 0 : Int32(MSG_DONTWAIT)
        _ = try retryingInterrupts("sendto") {
            address.withSockaddr { name, nameLength in
                payload.withUnsafeBytes { bytes in sendto(descriptor, bytes.baseAddress, bytes.count, flags, name, nameLength) }
            }
        }
    }

    /// Whether `error`, from a receive or a send on this socket, is ICMP port unreachable
    /// for a datagram it sent earlier (ECONNREFUSED: nothing listens there). If so, the
    /// report is also taken off the error queue, where IP_RECVERR keeps it and poll would
    /// go on saying the socket is ready.
    public func consumePortUnreachable(_ error: SystemCallError) -> Bool {
        guard error.isPortUnreachable else { return false }
        clearErrorQueue()
        return true
    }

    /// Reads and drops the ICMP errors queued on a socket that asked for them
    /// (IP_RECVERR). The corresponding C function is `recvmsg` with MSG_ERRQUEUE.
    private func clearErrorQueue() {
        var scratch = [UInt8](repeating: 0, count: 512)
        for _ in 0..<64 {
            let count = scratch.withUnsafeMutableBytes { raw -> Int in
                var vector = iovec(iov_base: raw.baseAddress, iov_len: raw.count / 2)
                return withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr(msg_name: nil, msg_namelen: 0, msg_iov: vectorPointer, msg_iovlen: 1,
                                         msg_control: raw.baseAddress! + raw.count / 2, msg_controllen: raw.count / 2,
                                         msg_flags: 0)
                    return recvmsg(descriptor, &message, Int32(MSG_ERRQUEUE) | Int32(MSG_DONTWAIT))
                }
            }
            if count < 0 { return }
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

    /// SO_TIMESTAMPNS: the kernel attaches the instant each datagram reached the socket,
    /// so `--time` shows when it arrived, not when it was printed.
    public func enableReceiveTimestamps() throws(SystemCallError) {
        try setOption(SOL_SOCKET, SO_TIMESTAMPNS, 1, "SO_TIMESTAMPNS")
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

    /// Asks for a send buffer of `bytes`, which on a unix socket bounds the longest
    /// datagram it can send (SO_SNDBUF less 32 bytes): SO_SNDBUFFORCE as root, else
    /// SO_SNDBUF, capped by the kernel at net.core.wmem_max.
    public func requestSendBuffer(_ bytes: Int) throws(SystemCallError) {
        let request = Int32(clamping: bytes)
        do {
            try setOption(SOL_SOCKET, SO_SNDBUFFORCE, request, "SO_SNDBUFFORCE")
        } catch {
            try setOption(SOL_SOCKET, SO_SNDBUF, request, "SO_SNDBUF")
        }
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
}
