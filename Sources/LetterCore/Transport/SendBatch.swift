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

    /// Sends every closed datagram to `destination` and empties the batch.
    /// The corresponding C function is `sendmmsg`.
    func send(from descriptor: Int32, to destination: Peer) throws(SystemCallError) {
        var storage = sockaddr_storage()
        let nameLength = destination.write(to: &storage)
        defer {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
        }
        // The pointers are valid only inside these closures, so the send loop lives there and
        // hands its error out as a value.
        let failure: SystemCallError? = withUnsafeMutablePointer(to: &storage) { name in
            bytes.withUnsafeMutableBytes { buffer in
                var start = 0
                for (index, end) in ends.enumerated() {
                    vectors[index] = iovec(iov_base: buffer.baseAddress.map { $0 + start }, iov_len: end - start)
                    headers[index] = letter_mmsghdr(
                        msg_hdr: msghdr(msg_name: UnsafeMutableRawPointer(name), msg_namelen: nameLength,
                                        msg_iov: vectors + index, msg_iovlen: 1,
                                        msg_control: nil, msg_controllen: 0, msg_flags: 0),
                        msg_len: 0)
                    start = end
                }
                var sent = 0
                while sent < ends.count {
                    // sendmmsg may stop early (a full send buffer); go on from there.
                    do throws(SystemCallError) {
                        sent += Int(try retryingInterrupts("sendmmsg") {
                            letter_sendmmsg(descriptor, headers + sent, UInt32(ends.count - sent), 0)
                        })
                    } catch {
                        return error
                    }
                }
                return nil
            }
        }
        if let failure { throw failure }
    }
}

extension DatagramSocket {
    /// Sends every datagram in `batch` to `destination` and empties it.
    public func send(_ batch: SendBatch, to destination: Peer) throws(SystemCallError) {
        try batch.send(from: descriptor, to: destination)
    }
}
