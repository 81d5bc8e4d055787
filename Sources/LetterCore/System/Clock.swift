import Glibc

/// Monotonic time in nanoseconds, for pacing and idle timeouts.
public func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

/// Sleeps until the monotonic clock reads `deadline` (nanoseconds), resuming after signals.
public func sleep(untilNanoseconds deadline: UInt64) {
    var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
}

/// A wall-clock instant (CLOCK_REALTIME, or the kernel's receive time of a datagram):
/// seconds and nanoseconds since the Unix epoch.
public struct Timestamp: Equatable, Comparable, Sendable {
    public var seconds: Int
    public var nanoseconds: Int

    public init(seconds: Int, nanoseconds: Int) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// Nanoseconds from `earlier` to this instant (negative if it is later).
    public func nanoseconds(since earlier: Timestamp) -> Int {
        (seconds - earlier.seconds) * 1_000_000_000 + (nanoseconds - earlier.nanoseconds)
    }

    /// The time now. The corresponding C function is `clock_gettime(CLOCK_REALTIME)`.
    public static func now() -> Timestamp {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Timestamp(seconds: now.tv_sec, nanoseconds: now.tv_nsec)
    }
}

/// A moment broken down into calendar fields, in UTC or in the local zone (TZ, else
/// /etc/localtime, as glibc reads them).
public struct CalendarTime: Equatable, Sendable {
    public var year, month, day, hour, minute, second: Int
    /// Seconds east of UTC (0 for UTC).
    public var utcOffset: Int

    /// The corresponding C functions are `gmtime_r` and `localtime_r`.
    public init(_ seconds: Int, local: Bool) {
        var time = time_t(seconds)
        var fields = tm()
        if local {
            localtime_r(&time, &fields)
        } else {
            gmtime_r(&time, &fields)
        }
        year = Int(fields.tm_year) + 1900
        month = Int(fields.tm_mon) + 1
        day = Int(fields.tm_mday)
        hour = Int(fields.tm_hour)
        minute = Int(fields.tm_min)
        second = Int(fields.tm_sec)
        utcOffset = local ? fields.tm_gmtoff : 0
    }
}

/// This process's id. The corresponding C function is `getpid`.
public func processIdentifier() -> Int32 { getpid() }
