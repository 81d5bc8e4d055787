import CLetterSystem
import Glibc

/// Datagrams for one destination gathered in one buffer, so a burst of lines goes out
/// with one `sendmmsg` call instead of a `sendto` each.
public final class SendBatch {
    /// The encoded datagrams back to back; encoders append to it directly.
    public var bytes: [UInt8] = []
    private var ends: [Int] = []
    private let headerCapacity: Int
    private let headers: UnsafeMutablePointer<letter_mmsghdr>
    private let vectors: UnsafeMutablePointer<iovec>

    public init(capacity: Int) {
        headerCapacity = capacity
        headers = .allocate(capacity: capacity)
        headers.initialize(repeating: letter_mmsghdr(), count: capacity)
        vectors = .allocate(capacity: capacity)
        vectors.initialize(repeating: iovec(), count: capacity)
        bytes.reserveCapacity(capacity * 128)
        ends.reserveCapacity(capacity)
    }

    deinit {
        headers.deallocate()
        vectors.deallocate()
    }

    /// How many datagrams are waiting to be sent.
    public var count: Int { ends.count }

    public var isFull: Bool { ends.count == headerCapacity }

    /// Where the datagram being built starts in `bytes`.
    public var currentStart: Int { ends.last ?? 0 }

    /// Ends the datagram being built: the bytes appended since the previous one.
    public func closeDatagram() { ends.append(bytes.count) }

    /// Drops the datagram being built (it failed to encode).
    public func discardOpenDatagram() { bytes.removeSubrange(currentStart...) }

    /// Sends every closed datagram to `destination` and empties the batch; the first
    /// datagram the kernel refuses ends the sending with its error.
    /// The corresponding C function is `sendmmsg`.
    func send(from descriptor: Int32, to destination: Peer) throws(SystemCallError) {
        if let failure = send(from: descriptor, to: destination, flags: 0, onRefusal: { _ in .stop }).failure { throw failure }
    }

    /// What to do when the kernel refuses a datagram.
    public enum RefusalAction {
        /// End the sending there.
        case stop
        /// Pass over that datagram and send the rest.
        case skip
        /// Send it again (the error belonged to an earlier datagram).
        case retry
    }

    /// Sends every closed datagram to `destination` (nil: the address the socket is
    /// connected to) and empties the batch; `onRefusal` decides what a refusal means.
    func send(from descriptor: Int32, to destination: Peer?, flags: Int32,
              onRefusal: (SystemCallError) -> RefusalAction) -> SendOutcome {
        defer {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }
        guard let destination else { return send(from: descriptor, name: nil, nameLength: 0, flags: flags, onRefusal: onRefusal) }
        return destination.withSockaddr { name, nameLength in
            send(from: descriptor, name: name, nameLength: nameLength, flags: flags, onRefusal: onRefusal)
        }
    }

    private func send(from descriptor: Int32, name: UnsafePointer<sockaddr>?, nameLength: socklen_t, flags: Int32,
                      onRefusal: (SystemCallError) -> RefusalAction) -> SendOutcome {
        // The pointers are valid only inside this closure, so the send loop lives there and
        // hands its outcome out as a value.
        bytes.withUnsafeMutableBytes { buffer in
            var start = 0
            for (index, end) in ends.enumerated() {
                vectors[index] = iovec(iov_base: buffer.baseAddress.map { $0 + start }, iov_len: end - start)
                headers[index] = letter_mmsghdr(
                    msg_hdr: msghdr(msg_name: UnsafeMutableRawPointer(mutating: name), msg_namelen: nameLength,
                                    msg_iov: vectors + index, msg_iovlen: 1,
                                    msg_control: nil, msg_controllen: 0, msg_flags: 0),
                    msg_len: 0)
                start = end
            }
            var done = 0
            var outcome = SendOutcome()
            sending: while done < ends.count {
                // sendmmsg may stop early (a full send buffer); go on from there.
                do throws(SystemCallError) {
                    let count = Int(try retryingInterrupts("sendmmsg") {
                        letter_sendmmsg(descriptor, headers + done, UInt32(ends.count - done), flags)
                    })
                    // sendmmsg sends at least one datagram when it does not fail.
                    outcome.sent += count
                    outcome.bytes += ends[done + count - 1] - (done == 0 ? 0 : ends[done - 1])
                    done += count
                } catch {
                    outcome.failure = error
                    switch onRefusal(error) {
                    case .stop: break sending
                    case .skip: done += 1
                    case .retry: continue
                    }
                }
            }
            outcome.failed = ends.count - outcome.sent
            return outcome
        }
    }
}

extension DatagramSocket {
    /// Sends every datagram in `batch` to `destination` and empties it.
    public func send(_ batch: SendBatch, to destination: Peer) throws(SystemCallError) {
        try batch.send(from: descriptor, to: destination)
    }

    /// Sends every datagram in `batch` to `destination` and empties it, `onRefusal`
    /// deciding about each one the kernel refuses. A unix destination is never waited for
    /// (MSG_DONTWAIT): a peer that stopped reading fills its queue, and waiting on it would
    /// hold up every other peer; its datagram is refused instead. `connected`: the socket
    /// is connected to `destination`, so no address goes with each datagram and the kernel
    /// uses the route it looked up at connect, not one a datagram. Returns how many were
    /// sent and the last refusal. The corresponding C function is `sendmmsg`.
    public func send(_ batch: SendBatch, to destination: Peer, connected: Bool = false,
                     onRefusal: (SystemCallError) -> SendBatch.RefusalAction) -> SendOutcome {
        batch.send(from: descriptor, to: connected ? nil : destination, flags: destination.isUnix ? Int32(MSG_DONTWAIT) : 0,
                   onRefusal: onRefusal)
    }
}

/// What a batch send did: the datagrams and bytes that went out, the datagrams that did
/// not, and the last refusal.
public struct SendOutcome {
    public var sent = 0
    public var bytes = 0
    public var failed = 0
    public var failure: SystemCallError?
}
