import CLetterSystem
import Glibc

/// Reusable storage for receiving many datagrams with one `recvmmsg` call: payload
/// buffers, sender addresses and control data, allocated once per listener.
public final class ReceiveBatch {
    /// How many datagrams one call can take.
    public let capacity: Int
    /// Each datagram's buffer size: recvfrom's `bufsize`. Longer datagrams are cut, but
    /// for a unix socket that `fitsEachDatagram` it grows to the longest one yet.
    public private(set) var bufferSize: Int
    /// No `--bufsize` was given: the buffer holds the largest datagram the socket can
    /// carry. That is 65535 on an internet socket; a unix datagram can be as long as its
    /// sender's send buffer (megabytes), so there each one's length is learned first.
    public let fitsEachDatagram: Bool

    /// At least `capacity * bufferSize` bytes; datagram `i` lands at `i * bufferSize`.
    private var payloads: [UInt8]
    private let headers: UnsafeMutablePointer<letter_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let names: SocketNames
    private let controls: UnsafeMutableRawPointer
    /// Room for every control message a receiving socket asks for, each as CMSG_SPACE
    /// counts it: the drop counter (SO_RXQ_OVFL), the receive time (SCM_TIMESTAMPNS) and
    /// the destination address (IP_PKTINFO or IPV6_PKTINFO: a socket asks for the one of
    /// its family). A message that does not fit is cut or left out (MSG_CTRUNC).
    private static let controlSize = controlSpace(UInt32.self) + controlSpace(timespec.self)
        + max(controlSpace(in_pktinfo.self), controlSpace(letter_in6_pktinfo.self))

    /// How many datagrams the last receive filled in.
    public private(set) var count = 0
    /// The kernel's running count of datagrams dropped on the socket (SO_RXQ_OVFL), as
    /// attached to the latest datagram; nil until a datagram carried it.
    public private(set) var kernelDropCounter: UInt32?
    /// Each datagram's receive time from its SCM_TIMESTAMPNS message, or the clock read
    /// after the batch where the kernel gave none (the socket did not ask). Storage of
    /// its own, as the kernel's: an array would check its uniqueness on every store.
    private let receiveTimes: UnsafeMutablePointer<Timestamp>
    /// The bound port when datagrams carry their destination address (`local`).
    private let localPort: UInt16?
    /// Each datagram's destination address from its packet info message, nil where the
    /// kernel gave none; allocated only with `localPort`.
    private let localAddresses: UnsafeMutablePointer<Peer?>?

    /// The buffer of an internet socket when none is asked for: a UDP datagram's largest payload.
    static let largestUDPDatagram = 65535

    /// `bufferSize` nil: as large as the socket's largest datagram (`fitsEachDatagram`).
    /// `localPort`: the port the socket is bound to, when it asked the kernel for each
    /// datagram's destination address (`enableLocalAddresses`): every datagram then
    /// carries that address and this port in `local`. Without it, none is read.
    public init(capacity: Int, bufferSize: Int?, localPort: UInt16? = nil) {
        self.capacity = capacity
        fitsEachDatagram = bufferSize == nil
        let bufferSize = bufferSize ?? Self.largestUDPDatagram
        self.bufferSize = bufferSize
        self.localPort = localPort
        if localPort != nil {
            let addresses = UnsafeMutablePointer<Peer?>.allocate(capacity: capacity)
            // One by one: the generic initialize(repeating:count:) would look up Peer?'s
            // metadata at run time, which costs more than the rest of this.
            for index in 0..<capacity { (addresses + index).initialize(to: nil) }
            localAddresses = addresses
        } else {
            localAddresses = nil
        }
        payloads = Self.uninitializedBytes(capacity * bufferSize)
        headers = .allocate(capacity: capacity)
        headers.initialize(repeating: letter_mmsghdr(), count: capacity)
        vectors = .allocate(capacity: capacity)
        vectors.initialize(repeating: iovec(), count: capacity)
        names = SocketNames(capacity: capacity)
        controls = .allocate(byteCount: capacity * Self.controlSize, alignment: 8)
        receiveTimes = .allocate(capacity: capacity)
        receiveTimes.initialize(repeating: Timestamp(seconds: 0, nanoseconds: 0), count: capacity)
    }

    deinit {
        headers.deallocate()
        vectors.deallocate()
        controls.deallocate()
        receiveTimes.deallocate()
        // The addresses are Peers, which may hold arrays: released before the memory goes.
        localAddresses?.deinitialize(count: capacity)
        localAddresses?.deallocate()
    }

    /// Datagram `index` of the last receive. Inlined into the receive loop: returned
    /// from a call, the datagram (some 150 bytes) was built, copied and destroyed again.
    @inline(__always)
    public func datagram(_ index: Int) -> Datagram {
        let start = index * bufferSize
        let fullLength = Int(headers[index].msg_len)
        let peer = names.peer(index, length: headers[index].msg_hdr.msg_namelen)
        return Datagram(payload: payloads[start..<start + min(fullLength, bufferSize)], fullLength: fullLength, peer: peer,
                        receivedAt: receiveTimes[index], local: localAddresses?[index])
    }

    /// Left uninitialized so that pages are only touched as datagrams fill them (memory
    /// stays proportional to traffic); only bytes the kernel wrote are ever read.
    private static func uninitializedBytes(_ count: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// Receives up to `limit` datagrams that are already waiting; returns how many (0
    /// when none is waiting). The corresponding C function is `recvmmsg`.
    /// `learningLengths`: a unix socket that `fitsEachDatagram` (`receiveLearningLengths`).
    func receive(from descriptor: Int32, limit: Int, learningLengths: Bool) throws(SystemCallError) -> Int {
        if learningLengths {
            count = try receiveLearningLengths(from: descriptor, limit: min(limit, capacity))
        } else {
            // A buffer grown for one long unix datagram leaves room for fewer of this size
            // (the reply path of a relay shares one batch among its targets' sockets).
            count = try receive(into: 0..<min(limit, capacity, payloads.count / bufferSize), from: descriptor)
        }
        let batchTime = count > 0 ? Timestamp.now() : Timestamp(seconds: 0, nanoseconds: 0)
        for index in 0..<count { readControlMessages(of: index, batchTime: batchTime) }
        return count
    }

    /// One datagram after another, each one's length peeked first so that none is cut:
    /// only the first waiting datagram's length can be learned, so this takes two calls a
    /// datagram where a batch takes one call for many. A datagram longer than the buffer
    /// grows it first, which moves every slot: it starts a batch of its own.
    private func receiveLearningLengths(from descriptor: Int32, limit: Int) throws(SystemCallError) -> Int {
        var taken = 0
        while taken < limit {
            // MSG_TRUNC: the datagram's whole length, though no byte is copied.
            guard let length = try retryingInterruptsUnlessWouldBlock("recv(MSG_PEEK)", {
                recv(descriptor, nil, 0, Int32(MSG_PEEK) | Int32(MSG_TRUNC) | Int32(MSG_DONTWAIT))
            }) else { break }
            if length > bufferSize {
                if taken > 0 { break }
                bufferSize = length
                if payloads.count < length { payloads = Self.uninitializedBytes(length) }
            }
            guard (taken + 1) * bufferSize <= payloads.count, try receive(into: taken..<taken + 1, from: descriptor) == 1 else { break }
            taken += 1
        }
        return taken
    }

    /// One `recvmmsg` into `slots`; how many it filled (0: nothing was waiting, EAGAIN).
    private func receive(into slots: Range<Int>, from descriptor: Int32) throws(SystemCallError) -> Int {
        let received: Int32 = try retryingInterruptsUnlessWouldBlock("recvmmsg") {
            payloads.withUnsafeMutableBytes { buffer in
                for index in slots {
                    vectors[index] = iovec(iov_base: buffer.baseAddress! + index * bufferSize, iov_len: bufferSize)
                    headers[index].msg_hdr = msghdr(
                        msg_name: names.name(index), msg_namelen: SocketNames.length,
                        msg_iov: vectors + index, msg_iovlen: 1,
                        msg_control: controls + index * Self.controlSize, msg_controllen: Self.controlSize,
                        msg_flags: 0)
                }
                // MSG_TRUNC makes msg_len the datagram's real length, so a cut is measurable.
                return letter_recvmmsg(descriptor, headers + slots.lowerBound, UInt32(slots.count),
                                       Int32(MSG_DONTWAIT) | Int32(MSG_TRUNC))
            }
        } ?? 0
        return Int(received)
    }

    /// Walks datagram `index`'s control messages for SO_RXQ_OVFL, SCM_TIMESTAMPNS and,
    /// when asked, IP_PKTINFO or IPV6_PKTINFO. A message cut short for want of room
    /// (MSG_CTRUNC; `controlSize` leaves none unless a socket asks for more than letter
    /// does) is not read: the datagram keeps the batch's time and no local address.
    /// Inlined into `receive`: as a call of its own it cost 30 instructions a datagram.
    @inline(__always)
    private func readControlMessages(of index: Int, batchTime: Timestamp) {
        receiveTimes[index] = batchTime
        localAddresses?[index] = nil
        let header = headers[index].msg_hdr
        guard let control = header.msg_control else { return }
        var offset = 0
        let headerSize = MemoryLayout<cmsghdr>.size
        while offset + headerSize <= header.msg_controllen {
            let message = control.load(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(message.cmsg_len)
            // The kernel counts a cut message's length as what it wrote of it.
            func holds<Value>(_ type: Value.Type) -> Bool { length >= headerSize + MemoryLayout<Value>.size }
            if message.cmsg_level == SOL_SOCKET && message.cmsg_type == SO_RXQ_OVFL && holds(UInt32.self) {
                kernelDropCounter = control.loadUnaligned(fromByteOffset: offset + headerSize, as: UInt32.self)
            } else if message.cmsg_level == SOL_SOCKET && message.cmsg_type == SCM_TIMESTAMPNS && holds(timespec.self) {
                let stamp = control.loadUnaligned(fromByteOffset: offset + headerSize, as: timespec.self)
                receiveTimes[index] = Timestamp(seconds: stamp.tv_sec, nanoseconds: stamp.tv_nsec)
            } else if let localPort, let localAddresses {
                if message.cmsg_level == Int32(IPPROTO_IP) && message.cmsg_type == IP_PKTINFO && holds(in_pktinfo.self) {
                    // ipi_addr is the header's destination; ipi_spec_dst is the address a reply would leave from.
                    let info = control.loadUnaligned(fromByteOffset: offset + headerSize, as: in_pktinfo.self)
                    localAddresses[index] = Peer(info.ipi_addr, port: localPort)
                } else if message.cmsg_level == Int32(IPPROTO_IPV6) && message.cmsg_type == IPV6_PKTINFO && holds(letter_in6_pktinfo.self) {
                    let info = control.loadUnaligned(fromByteOffset: offset + headerSize, as: letter_in6_pktinfo.self)
                    let address = Peer(info.ipi6_addr, port: localPort, flowInfo: 0, scopeID: 0)
                    localAddresses[index] = address.scoped(to: info.ipi6_ifindex)
                }
            }
            let advance = (length + 7) & ~7
            if advance == 0 { break }
            offset += advance
        }
    }

    /// CMSG_SPACE: a control message header and `Value`, each padded to 8 bytes.
    private static func controlSpace<Value>(_ type: Value.Type) -> Int {
        (MemoryLayout<cmsghdr>.size + 7) & ~7 + (MemoryLayout<Value>.size + 7) & ~7
    }
}

private extension Peer {
    /// This IPv6 address with the scope the kernel gives a peer's `sin6_scope_id`
    /// (`ipv6_iface_scope_id`): interface `index` for a link-local unicast address and
    /// an interface- or link-local multicast group, else none.
    func scoped(to index: UInt32) -> Peer {
        guard case .v6(let bytes, let port, let flowInfo, _) = self else { return self }
        let top = bytes.high >> 48
        let linkLocal = top & 0xffc0 == 0xfe80 || (bytes.isMulticast && (1...2).contains(top & 0x000f))
        return linkLocal ? .v6(bytes: bytes, port: port, flowInfo: flowInfo, scopeID: index) : self
    }
}

extension DatagramSocket {
    /// Receives the datagrams already waiting, at most `limit`, into `batch`; one at a
    /// time, each length learned first, on a unix socket whose batch `fitsEachDatagram`.
    /// The corresponding C function is `recvmmsg`.
    public func receive(into batch: ReceiveBatch, limit: Int) throws(SystemCallError) -> Int {
        try batch.receive(from: descriptor, limit: limit, learningLengths: batch.fitsEachDatagram && family == .unix)
    }
}
