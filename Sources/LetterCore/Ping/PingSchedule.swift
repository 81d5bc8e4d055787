/// When ping's requests go and when ping ends. It keeps the times it is given
/// (monotonic nanoseconds) and reads no clock: whoever sends asks what is due at a
/// time it read, and says when each request went and each one was done.
struct PingSchedule {
    /// Requests sent in one go when `--rate` finds several due (a sleep came late).
    static let catchUpLimit = 64

    /// The pause between requests (`-i`) or one over the rate (`--rate`), in nanoseconds.
    private let interval: UInt64
    /// `--rate`: requests go on the clock whatever the replies.
    private let openLoop: Bool
    private let count: Int?
    /// `-w`, in nanoseconds from the first request.
    private let deadline: UInt64?
    /// When the next request is due; nil while -i 0 waits for a request to be done, and
    /// once -c N have gone.
    private(set) var nextSend: UInt64?
    /// When the first request went: the summary's time counts from it, and -w too.
    private(set) var firstSendAt: UInt64?
    private(set) var sent = 0

    /// The first request is due at `start`.
    init(settings: PingSettings, start: UInt64) {
        interval = UInt64(settings.secondsApart * 1e9)
        openLoop = settings.rate != nil
        count = settings.count
        deadline = settings.deadline.map { UInt64($0 * 1e9) }
        nextSend = start
    }

    /// When -w ends ping (nil without -w, or before the first request).
    var end: UInt64? {
        deadline.flatMap { deadline in firstSendAt.map { $0 + deadline } }
    }

    /// Nothing more to do at `now`: the deadline passed; or, with -w, N replies came
    /// (`replies`); or, without it, N requests went and none is still `waiting`.
    func isDone(now: UInt64, replies: Int, waiting: Bool) -> Bool {
        if let deadline, let first = firstSendAt, now &- first >= deadline { return true }
        guard let count else { return false }
        if deadline != nil { return replies >= count }
        return sent >= count && !waiting
    }

    /// When the request due at `now` was due, or nil when none is: none is due yet, or
    /// `sentThisWakeUp` requests have gone already since the clock was read.
    func due(now: UInt64, sentThisWakeUp: Int) -> UInt64? {
        guard let nextSend, now >= nextSend, sentThisWakeUp < Self.catchUpLimit else { return nil }
        return nextSend
    }

    /// Whether -c N has been sent (without -w, where it counts replies instead).
    private var allSent: Bool {
        deadline == nil && count.map { sent >= $0 } == true
    }

    /// The request due at `due` went at `sentAt` (the clock read just before the send,
    /// after `now`, the time the send was asked at); `waiting` says whether it waits for
    /// a reply (false when the send failed).
    mutating func recordSend(due: UInt64, now: UInt64, sentAt: UInt64, waiting: Bool) {
        sent += 1
        if firstSendAt == nil { firstSendAt = sentAt }
        if allSent {
            nextSend = nil
        } else if openLoop {
            // On the clock, not after the last send: a late wake-up catches up.
            nextSend = due + interval
        } else if interval > 0 {
            nextSend = max(now + interval, sentAt)
        } else {
            // -i 0: the next goes when this one is done.
            nextSend = waiting ? nil : sentAt
        }
    }

    /// A request is answered or given up on at `now`: with -i 0 the next one goes now.
    mutating func requestDone(now: UInt64) {
        if !openLoop && interval == 0 && !allSent { nextSend = now }
    }
}
