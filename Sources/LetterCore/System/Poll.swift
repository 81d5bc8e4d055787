import Glibc

/// Waits until one of `descriptors` is readable, at most `timeoutMilliseconds` (-1:
/// forever). Returns which are readable (or hung up); all false on timeout. A slot
/// of -1 is ignored, as poll(2) does. The corresponding C function is `poll`.
public func waitReadable(_ descriptors: [Int32], timeoutMilliseconds: Int32) throws(SystemCallError) -> [Bool] {
    var slots = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
    _ = try retryingInterrupts("poll") { poll(&slots, nfds_t(slots.count), timeoutMilliseconds) }
    return slots.map { $0.revents != 0 }
}

/// Descriptors polled for reading again and again: the slots are kept between waits, so
/// that a wait allocates nothing (an event loop waits once per batch of datagrams). A
/// slot of -1 is not watched, as poll(2) has it. The corresponding C function is `poll`.
public final class PollSet {
    private var slots: [pollfd] = []

    public init() {}

    /// Watches three named slots and then `more`, in this order, from the next wait on.
    public func watch(_ first: Int32, _ second: Int32, _ third: Int32, then more: [Int32]) {
        slots.removeAll(keepingCapacity: true)
        slots.append(pollfd(fd: first, events: Int16(POLLIN), revents: 0))
        slots.append(pollfd(fd: second, events: Int16(POLLIN), revents: 0))
        slots.append(pollfd(fd: third, events: Int16(POLLIN), revents: 0))
        for descriptor in more { slots.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
    }

    /// Waits until a slot is readable (or hung up), at most `timeoutMilliseconds` (-1: forever).
    public func wait(timeoutMilliseconds: Int32) throws(SystemCallError) {
        _ = try retryingInterrupts("poll") { poll(&slots, nfds_t(slots.count), timeoutMilliseconds) }
    }

    /// Whether slot `index` was readable (or hung up) at the last wait.
    public func isReady(_ index: Int) -> Bool { slots[index].revents != 0 }

    public var count: Int { slots.count }
}
