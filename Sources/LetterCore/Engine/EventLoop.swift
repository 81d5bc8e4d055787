/// One poll loop for every command that receives: its slots are named — the socket,
/// the signal descriptor (SIGINT, SIGTERM, SIGHUP), an optional input (chat's stdin)
/// and an optional timer (ping's next request and reply deadlines) — and it ends on the
/// conditions written above each `if` below.
struct EventLoop {
    /// Why the loop ended.
    enum Ending {
        case count, idle, signal, input, timer
    }

    let receiver: Receiver
    /// The signal descriptor (signalfd), or -1 when signals keep their default action.
    var signals: Int32 = -1
    /// A descriptor read by `onInput` when it is readable, or -1.
    var input: Int32 = -1
    /// `-c N`: end after N datagrams.
    var count: Int?
    /// `-t SEC`: end after SEC seconds with no datagram (and no input).
    var idleTimeout: Double?
    /// Wakes the loop at times of its own.
    var timer: (any LoopTimer)?

    /// Runs until an ending condition holds. Whatever ends the loop, the datagrams
    /// already queued on the socket are taken first (up to `count`, for at most a
    /// second), so that each one that reached letter is printed or counted.
    /// `onInput` returns false when the input has ended.
    func run(_ socket: borrowing DatagramSocket, onInput: () throws -> Bool = { true }) throws -> Ending {
        let idleNanoseconds = idleTimeout.map { UInt64($0 * 1e9) }
        var lastActivity = monotonicNanoseconds()
        while true {
            let remaining = receiver.remaining(toReach: count)
            // Enough datagrams: -c N is met.
            if remaining <= 0 { return .count }
            // The timer's work is done (ping: every request answered or given up on).
            if let timer, let deadline = timer.nextDeadline, monotonicNanoseconds() >= deadline,
               try !timer.fire(now: monotonicNanoseconds(), on: socket) { return .timer }
            if try receiver.receiveWaiting(on: socket, limit: remaining) > 0 {
                lastActivity = monotonicNanoseconds()
                continue
            }
            // Nothing is waiting: this is when output goes out (a slow reader may hold it up).
            try receiver.flush()
            var timeout: Int32 = -1
            if let idleNanoseconds {
                // Time spent writing is not idle time if datagrams came meanwhile: the poll
                // below, with no wait left, sees them and the loop goes on.
                let idle = monotonicNanoseconds() &- lastActivity
                timeout = idle >= idleNanoseconds ? 0 : Int32(clamping: (idleNanoseconds - idle + 999_999) / 1_000_000)
            }
            if let deadline = timer?.nextDeadline {
                let now = monotonicNanoseconds()
                let wait = deadline <= now ? 0 : Int32(clamping: (deadline - now + 999_999) / 1_000_000)
                timeout = timeout < 0 ? wait : min(timeout, wait)
            }
            let ready: Readiness
            do {
                ready = try Readiness(socket: socket.descriptor, signals: signals, input: input, timeout: timeout)
            } catch {
                throw RuntimeError("cannot wait for datagrams: \(error.errno)")
            }
            // Ctrl-C, SIGTERM or SIGHUP: print what has already arrived, then stop with the summary.
            if ready.signals {
                try drain(socket)
                return .signal
            }
            if ready.socket { continue }
            if ready.input {
                lastActivity = monotonicNanoseconds()
                // The input is finished (chat's stdin reached its end).
                if try !onInput() { return .input }
                continue
            }
            // The timer's time came: the loop goes round to it.
            if let deadline = timer?.nextDeadline, monotonicNanoseconds() >= deadline { continue }
            // Quiet for the whole -t SEC (the poll timed out with nothing readable).
            if let idleNanoseconds, monotonicNanoseconds() &- lastActivity >= idleNanoseconds {
                try drain(socket)
                return .idle
            }
        }
    }

    /// Takes the datagrams queued when the loop is about to end. Bounded by `-c` and by
    /// one second, so that a flood that keeps the queue full cannot hold the exit back.
    private func drain(_ socket: borrowing DatagramSocket) throws {
        let deadline = monotonicNanoseconds() + 1_000_000_000
        while monotonicNanoseconds() < deadline {
            let remaining = receiver.remaining(toReach: count)
            if remaining <= 0 { return }
            if try receiver.receiveWaiting(on: socket, limit: remaining) == 0 { return }
        }
    }

    /// Runs the loop, then prints the summary when it is due — `always` (--stats, chat),
    /// after a signal, when the kernel dropped datagrams, or when output was lost to a
    /// write error — however the loop ended; then passes on what ended it.
    func runThenSummarize(_ socket: borrowing DatagramSocket, always: Bool,
                          onInput: () throws -> Bool = { true }, then next: ((Ending) throws -> Ending)? = nil) throws {
        var ending: Ending?
        var failure: Error?
        do {
            var end = try run(socket, onInput: onInput)
            if let next { end = try next(end) }
            ending = end
            try receiver.flush()
        } catch {
            failure = error
        }
        let statistics = receiver.finish(socket)
        let outputLost = failure != nil && !(failure is OutputClosed) && statistics.notWritten > 0
        if always || ending == .signal || statistics.kernelDrops > 0 || outputLost {
            writeDiagnostic(statistics.summary)
        }
        if let failure { throw failure }
    }
}

/// Which of the loop's slots poll found readable (or hung up).
private struct Readiness {
    let socket: Bool
    let signals: Bool
    let input: Bool

    /// Waits at most `timeout` milliseconds (-1: forever); a slot of -1 is not watched.
    init(socket: Int32, signals: Int32, input: Int32, timeout: Int32) throws(SystemCallError) {
        let ready = try waitReadable([socket, signals, input], timeoutMilliseconds: timeout)
        self.socket = ready[0]
        self.signals = ready[1]
        self.input = ready[2]
    }
}

/// Work that must happen at times of its own, between datagrams: the loop wakes for
/// `nextDeadline` (monotonic nanoseconds) and calls `fire`.
protocol LoopTimer: AnyObject {
    var nextDeadline: UInt64? { get }
    /// Does what is due at `now` (sending on `socket`, say); returns false when there
    /// is nothing left to do.
    func fire(now: UInt64, on socket: borrowing DatagramSocket) throws -> Bool
}
