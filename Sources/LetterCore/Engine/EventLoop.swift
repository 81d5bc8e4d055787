/// One poll loop for every command that receives: its slots are named — the socket,
/// the signal descriptor (SIGINT, SIGTERM, SIGHUP), an optional input (chat's stdin),
/// an optional timer (ping's next request and reply deadlines) and an optional group of
/// further sockets (relay's upstream sockets) — and it ends on the
/// conditions written above each `if` below.
public struct EventLoop {
    /// Why the loop ended.
    public enum Ending: Sendable {
        case count, idle, signal, input, timer
    }

    let receiver: Receiver
    /// The signal descriptor (signalfd), or -1 when signals keep their default action.
    var signals: Int32 = -1
    /// A descriptor read by `onInput` when it is readable, or -1.
    var input: Int32 = -1
    /// Sockets that come and go beside the main one, each read by the group itself.
    var group: (any SocketGroup)?
    /// `-c N`: end after N datagrams (on the socket and the group together).
    var count: Int?
    /// `-t SEC`: end after SEC seconds with no datagram (and no input).
    var idleTimeout: Double?
    /// Wakes the loop at times of its own.
    var timer: (any LoopTimer)?
    /// The poll slots, kept from one wait to the next.
    private let poller = PollSet()

    /// A loop over `receiver`'s socket and the signal descriptor (-1: none), ended by
    /// `count` datagrams or `idleTimeout` seconds of quiet when they are given.
    public init(receiver: Receiver, signals: Int32 = -1, count: Int? = nil, idleTimeout: Double? = nil) {
        self.receiver = receiver
        self.signals = signals
        self.count = count
        self.idleTimeout = idleTimeout
    }

    /// Runs until an ending condition holds. When a signal or -t SEC ends the loop, the
    /// datagrams already queued on the socket are taken first (up to `count`, for at most
    /// a second), so that each one that reached letter is printed or counted; -c, the
    /// end of chat's input and the timer's end leave the rest queued, as they should.
    /// `onInput` returns false when the input has ended.
    func run(_ socket: borrowing DatagramSocket, onInput: () throws -> Bool = { true }) throws -> Ending {
        let idleNanoseconds = idleTimeout.map { UInt64($0 * 1e9) }
        var lastActivity = monotonicNanoseconds()
        while true {
            let remaining = self.remaining
            // Enough datagrams: -c N is met.
            if remaining <= 0 { return .count }
            // The timer's work is done (ping: every request answered or given up on).
            if let timer, let deadline = timer.nextDeadline, monotonicNanoseconds() >= deadline,
               try !timer.fire(now: monotonicNanoseconds(), on: socket) { return .timer }
            // The group's deadlines (idle sessions) are kept however busy the socket is.
            try group?.keepDeadlines(now: monotonicNanoseconds())
            let received = try receiver.receiveWaiting(on: socket, limit: remaining)
            var timeout: Int32 = 0
            if received > 0 {
                // More may be waiting, but signals, the group and the input are looked at
                // after every batch (a poll that does not wait): a flood that keeps the
                // socket busy must not keep Ctrl-C, replies or typed lines out.
                lastActivity = monotonicNanoseconds()
            } else {
                // Nothing is waiting: this is when output goes out (a slow reader may hold it up).
                try receiver.flush()
                try group?.flush()
                timeout = waitTime(idle: idleNanoseconds, since: lastActivity)
            }
            let ready: Readiness
            do {
                ready = try Readiness(poller, socket: socket.descriptor, signals: signals, input: input,
                                      group: group?.descriptors ?? [], timeout: timeout)
            } catch {
                throw RuntimeError("cannot wait for datagrams: \(error.errno)")
            }
            // Ctrl-C, SIGTERM or SIGHUP: print what has already arrived, then stop with the summary.
            if ready.signals {
                try drain(socket)
                return .signal
            }
            if let group, ready.anyOfGroup,
               try group.receiveWaiting(ready: ready.group, limit: self.remaining) > 0 {
                lastActivity = monotonicNanoseconds()
            }
            if ready.input {
                lastActivity = monotonicNanoseconds()
                // The input is finished (chat's stdin reached its end).
                if try !onInput() { return .input }
            }
            if received > 0 || ready.socket || ready.anyOfGroup || ready.input { continue }
            // The timer's time came: the loop goes round to it.
            if let deadline = timer?.nextDeadline, monotonicNanoseconds() >= deadline { continue }
            // Quiet for the whole -t SEC (the poll timed out with nothing readable).
            if let idleNanoseconds, monotonicNanoseconds() &- lastActivity >= idleNanoseconds {
                try drain(socket)
                return .idle
            }
        }
    }

    /// Runs until an ending condition holds, handing each ICMP port unreachable the socket
    /// reports to `onPortUnreachable` (ping counts it, send -w ends with it), then going on
    /// unless that throws.
    func run(_ socket: borrowing DatagramSocket, onPortUnreachable: () throws -> Void) throws -> Ending {
        while true {
            do {
                return try run(socket)
            } catch is ICMPPortUnreachable {
                try onPortUnreachable()
            }
        }
    }

    /// Milliseconds the poll may wait: until -t SEC of quiet is reached (-1: for ever when
    /// there is no -t), or sooner for the timer's or the group's next deadline. Time spent
    /// writing is not idle time if datagrams came meanwhile: the poll, with no wait left,
    /// sees them and the loop goes on.
    private func waitTime(idle idleNanoseconds: UInt64?, since lastActivity: UInt64) -> Int32 {
        var timeout: Int32 = -1
        if let idleNanoseconds {
            let idle = monotonicNanoseconds() &- lastActivity
            timeout = idle >= idleNanoseconds ? 0 : Int32(clamping: (idleNanoseconds - idle + 999_999) / 1_000_000)
        }
        func wake(by deadline: UInt64?) {
            guard let deadline else { return }
            let wait = deadline &- min(deadline, monotonicNanoseconds())
            let milliseconds = Int32(clamping: (wait + 999_999) / 1_000_000)
            timeout = timeout < 0 ? milliseconds : min(timeout, milliseconds)
        }
        wake(by: timer?.nextDeadline)
        wake(by: group?.nextDeadline)
        return timeout
    }

    /// Takes the datagrams queued when the loop is about to end. Bounded by `-c` and by
    /// one second, so that a flood that keeps the queue full cannot hold the exit back.
    private func drain(_ socket: borrowing DatagramSocket) throws {
        let deadline = monotonicNanoseconds() + 1_000_000_000
        while monotonicNanoseconds() < deadline {
            var remaining = self.remaining
            if remaining <= 0 { return }
            let taken = try receiver.receiveWaiting(on: socket, limit: remaining)
            remaining = self.remaining
            let groupTaken = try group.map { group in
                try group.receiveWaiting(ready: [Bool](repeating: true, count: group.descriptors.count)[...], limit: remaining)
            } ?? 0
            if taken + groupTaken == 0 { return }
        }
    }

    /// How many more datagrams `-c count` allows (shown or rejected as undecodable).
    private var remaining: Int {
        count.map { $0 - receiver.statistics.datagrams - (group?.datagrams ?? 0) } ?? Int.max
    }

    /// Begins the sinks, runs the loop (and `next` after it), finishes the sinks, then
    /// prints the summary when it is due — `always` (--stats, chat), after a signal, when
    /// the kernel dropped datagrams, or when output was lost to a write error — however
    /// the loop ended.
    public func runThenSummarize(_ socket: borrowing DatagramSocket, always: Bool,
                                 onInput: () throws -> Bool = { true },
                                 then next: (Ending) throws -> Ending = { $0 }) throws {
        var ending: Ending?
        var failure: Error?
        do {
            try receiver.begin()
            ending = try next(try run(socket, onInput: onInput))
            try receiver.flush()
        } catch {
            failure = error
        }
        let statistics = receiver.finalStatistics(socket)
        if failure == nil {
            do { try receiver.finish(statistics) } catch { failure = error }
        }
        let outputLost = failure != nil && !(failure is OutputClosed) && statistics.notWritten > 0
        if always || ending == .signal || statistics.lostAny || outputLost {
            writeDiagnostic(statistics.summary)
        }
        if let failure { throw failure }
    }
}

/// Which of the loop's slots poll found readable (or hung up).
private struct Readiness {
    private let poller: PollSet

    /// Waits at most `timeout` milliseconds (-1: forever); a slot of -1 is not watched.
    init(_ poller: PollSet, socket: Int32, signals: Int32, input: Int32, group: [Int32], timeout: Int32)
        throws(SystemCallError) {
        poller.watch(socket, signals, input, then: group)
        try poller.wait(timeoutMilliseconds: timeout)
        self.poller = poller
    }

    var socket: Bool { poller.isReady(0) }
    var signals: Bool { poller.isReady(1) }
    var input: Bool { poller.isReady(2) }

    /// Whether any of the group's sockets is ready.
    var anyOfGroup: Bool { (3..<poller.count).contains { poller.isReady($0) } }

    /// One flag for each of the group's descriptors, in its order.
    var group: ArraySlice<Bool> { (3..<poller.count).map { poller.isReady($0) }[...] }
}

/// Work that must happen at times of its own, between datagrams: the loop wakes for
/// `nextDeadline` (monotonic nanoseconds) and calls `fire`.
protocol LoopTimer: AnyObject {
    var nextDeadline: UInt64? { get }
    /// Does what is due at `now` (sending on `socket`, say); returns false when there
    /// is nothing left to do.
    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool
}

/// Sockets the loop watches beside its main one, as one slot group: they come and go
/// (relay's upstream sockets, a few per client), so the group lists them at each wait,
/// reads those poll found readable, and has deadlines of its own (idle sessions).
protocol SocketGroup: AnyObject {
    /// The descriptors to watch, in the order of `ready` below.
    var descriptors: [Int32] { get }
    /// Datagrams the group has received so far (they count towards `-c`).
    var datagrams: Int { get }
    /// When the group next needs the loop (monotonic nanoseconds), or nil.
    var nextDeadline: UInt64? { get }
    /// Receives what is waiting on the sockets whose flag is set, at most `limit`
    /// datagrams; returns how many were taken.
    func receiveWaiting(ready: ArraySlice<Bool>, limit: Int) throws -> Int
    /// Does what is due at `now` (expires idle sessions).
    func keepDeadlines(now: UInt64) throws
    /// The loop is about to wait: nothing may be held back.
    func flush() throws
}
