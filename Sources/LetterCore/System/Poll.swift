import Glibc

/// Waits until one of `descriptors` is readable, at most `timeoutMilliseconds` (-1:
/// forever). Returns which are readable (or hung up); all false on timeout. A slot
/// of -1 is ignored, as poll(2) does. The corresponding C function is `poll`.
public func waitReadable(_ descriptors: [Int32], timeoutMilliseconds: Int32) throws(SystemCallError) -> [Bool] {
    var slots = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    _ = try retryingInterrupts("poll") { poll(&slots, nfds_t(slots.count), timeoutMilliseconds) }
    return slots.map { $0.revents != 0 }
}
