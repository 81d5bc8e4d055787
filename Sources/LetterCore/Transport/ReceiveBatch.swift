import CLetterSystem
import Glibc

/// Reusable storage for receiving many datagrams with one `recvmmsg` call: payload
/// buffers, sender addresses and control data, allocated once per listener.
public final class ReceiveBatch {
    /// How many datagrams one call can take.
    public let capacity: Int
    /// Each datagram's buffer size: recvfrom's `bufsize`. Longer datagrams are cut.
    public let bufferSize: Int

    /// One buffer of `capacity * bufferSize` bytes; datagram `i` lands at `i * bufferSize`.
    private var payloads: [UInt8]
    private let headers: UnsafeMutablePointer<letter_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>
    private let names: SocketNames
    private let controls: UnsafeMutableRawPointer
    private static let controlSize = 64

    /// How many datagrams the last receive filled in.
    public private(set) var count = 0
    /// The kernel's running count of datagrams dropped on the socket (SO_RXQ_OVFL), as
    /// attached to the latest datagram; nil until a datagram carried it.
    public private(set) var kernelDropCounter: UInt32?
    /// Each datagram's receive time from its SCM_TIMESTAMPNS message, or the clock read
    /// after the batch where the kernel gave none (the socket did not ask).
    private var receiveTimes: [Timestamp]

    public init(capacity: Int, bufferSize: Int) {
        self.capacity = capacity
        self.bufferSize = bufferSize
        // Left uninitialized so that pages are only touched as datagrams fill them (memory
        // stays proportional to traffic); only bytes the kernel wrote are ever read.
        payloads = [UInt8](unsafeUninitializedCapacity: capacity * bufferSize) { _, initialized in
            initialized = capacity * bufferSize
        }
        headers = .allocate(capacity: capacity)
        headers.initialize(repeating: letter_mmsghdr(), count: capacity)
        vectors = .allocate(capacity: capacity)
        vectors.initialize(repeating: iovec(), count: capacity)
        names = SocketNames(capacity: capacity)
        controls = .allocate(byteCount: capacity * Self.controlSize, alignment: 8)
        receiveTimes = [Timestamp](repeating: Timestamp(seconds: 0, nanoseconds: 0), count: capacity)
    }

    deinit {
        headers.deallocate()
        vectors.deallocate()
        controls.deallocate()
    }

    /// Datagram `index` of the last receive.
    public func datagram(_ index: Int) -> Datagram {
        let start = index * bufferSize
        let fullLength = Int(headers[index].msg_len)
        let peer = names.peer(index, length: headers[index].msg_hdr.msg_namelen)
        return Datagram(payload: payloads[start..<start + min(fullLength, bufferSize)], fullLength: fullLength, peer: peer,
                        receivedAt: receiveTimes[index])
    }

    /// Receives up to `limit` datagrams that are already waiting; returns how many (0
    /// when none is waiting). The corresponding C function is `recvmmsg`.
    func receive(from descriptor: Int32, limit: Int) throws(SystemCallError) -> Int {
        let wanted = min(limit, capacity)
        // Nothing waiting (EAGAIN) is no datagram.
        let received: Int32 = try retryingInterruptsUnlessWouldBlock("recvmmsg") {
            payloads.withUnsafeMutableBytes { buffer in
                for index in 0..<wanted {
                    vectors[index] = iovec(iov_base: buffer.baseAddress! + index * bufferSize, iov_len: bufferSize)
                    headers[index].msg_hdr = msghdr(
                        msg_name: names.name(index), msg_namelen: SocketNames.length,
                        msg_iov: vectors + index, msg_iovlen: 1,
                        msg_control: controls + index * Self.controlSize, msg_controllen: Self.controlSize,
                        msg_flags: 0)
                }
                // MSG_TRUNC makes msg_len the datagram's real length, so a cut is measurable.
                return letter_recvmmsg(descriptor, headers, UInt32(wanted), Int32(MSG_DONTWAIT) | Int32(MSG_TRUNC))
            }
        } ?? 0
        count = Int(received)
        let batchTime = count > 0 ? Timestamp.now() : Timestamp(seconds: 0, nanoseconds: 0)
        for index in 0..<count { readControlMessages(of: index, batchTime: batchTime) }
        return count
    }

    /// Walks datagram `index`'s control messages for SO_RXQ_OVFL and SCM_TIMESTAMPNS.
    private func readControlMessages(of index: Int, batchTime: Timestamp) {
        receiveTimes[index] = batchTime
        let header = headers[index].msg_hdr
        guard let control = header.msg_control else { return }
        var offset = 0
        let headerSize = MemoryLayout<cmsghdr>.size
        while offset + headerSize <= header.msg_controllen {
            let message = control.load(fromByteOffset: offset, as: cmsghdr.self)
            if message.cmsg_level == SOL_SOCKET && message.cmsg_type == SO_RXQ_OVFL {
                kernelDropCounter = control.loadUnaligned(fromByteOffset: offset + headerSize, as: UInt32.self)
            } else if message.cmsg_level == SOL_SOCKET && message.cmsg_type == SCM_TIMESTAMPNS {
                let stamp = control.loadUnaligned(fromByteOffset: offset + headerSize, as: timespec.self)
                receiveTimes[index] = Timestamp(seconds: stamp.tv_sec, nanoseconds: stamp.tv_nsec)
            }
            let advance = (Int(message.cmsg_len) + 7) & ~7
            if advance == 0 { break }
            offset += advance
        }
    }
}

extension DatagramSocket {
    /// Receives the datagrams already waiting, at most `limit`, into `batch`.
    /// The corresponding C function is `recvmmsg`.
    public func receive(into batch: ReceiveBatch, limit: Int) throws(SystemCallError) -> Int {
        try batch.receive(from: descriptor, limit: limit)
    }
}
