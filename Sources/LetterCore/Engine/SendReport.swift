/// What a send has done, told two ways: the progress line of a long send (a terminal's
/// stderr only, rewritten in place at most ten times a second once the send has taken
/// more than a second, cleared at the end) and the `--stats` line after it.
struct SendReport {
    let start: UInt64
    /// The input's size in bytes when it is known (a regular file), for the percentage
    /// and the time left.
    let inputSize: Int?
    private let showsProgress: Bool
    private(set) var datagrams = 0
    private(set) var bytes = 0
    /// How far into the input the datagrams sent so far reach, in input bytes.
    private var inputPosition = 0
    private var lastShown: UInt64 = 0
    private var shown = false

    init(start: UInt64, inputSize: Int?, showsProgress: Bool) {
        self.start = start
        self.inputSize = inputSize
        self.showsProgress = showsProgress
    }

    mutating func note(datagrams sent: Int, bytes sentBytes: Int, inputPosition position: Int, now: UInt64) {
        datagrams += sent
        bytes += sentBytes
        inputPosition = position
        let elapsed = now &- start
        guard showsProgress, elapsed >= 1_000_000_000, now &- lastShown >= 100_000_000 else { return }
        lastShown = now
        shown = true
        writeTerminalStatus(progressLine(elapsed: elapsed))
    }

    /// `letter: sent 1000 datagrams (1.4 MiB), 999/s, 42%, 3 s left`.
    func progressLine(elapsed: UInt64) -> String {
        var line = "letter: sent \(counted(datagrams, "datagram")) (\(formatSize(bytes))), \(perSecond(elapsed))/s"
        if let inputSize, inputSize > 0 {
            let done = Double(min(inputPosition, inputSize)) / Double(inputSize)
            line += ", \(Int(done * 100))%"
            if done > 0 {
                let left = Double(elapsed) / 1e9 * (1 - done) / done
                line += ", \(formatDuration(left)) left"
            }
        }
        return line
    }

    /// The send is over: the progress line, if one was shown, is cleared.
    mutating func clear() {
        if shown { writeTerminalStatus("") }
        shown = false
    }

    /// `--stats`: `letter: sent N datagrams (B bytes) in S s, R/s`.
    func summary(now: UInt64) -> String {
        let elapsed = now &- start
        return "letter: sent \(counted(datagrams, "datagram")) (\(counted(bytes, "byte"))) in "
            + "\(formatMilliseconds(elapsed)) s, \(perSecond(elapsed))/s"
    }

    /// Datagrams per second over `elapsed` nanoseconds, whole.
    private func perSecond(_ elapsed: UInt64) -> Int {
        elapsed == 0 ? 0 : Int((Double(datagrams) / (Double(elapsed) / 1e9)).rounded())
    }
}

/// What a send did, for `--stats`, worded only when asked for (a one-off send without it
/// would spend a thirtieth of its start-up on a line nobody sees).
public struct SendStats: Sendable {
    let report: SendReport
    let end: UInt64

    /// `letter: sent N datagrams (B bytes) in S s, R/s`.
    public var line: String { report.summary(now: end) }
}

/// Bytes as people read sizes: `512 bytes`, `1.5 KiB`, `12.0 MiB`, `1.1 GiB` (binary units,
/// one decimal).
func formatSize(_ bytes: Int) -> String {
    if bytes < 1024 { return counted(bytes, "byte") }
    var value = Double(bytes) / 1024
    for unit in ["KiB", "MiB"] {
        if value < 1024 { return "\(formatTenths(value)) \(unit)" }
        value /= 1024
    }
    return "\(formatTenths(value)) GiB"
}

/// Seconds as a duration: `42 s`, `3:07` (minutes and seconds), `1:02:03`.
func formatDuration(_ seconds: Double) -> String {
    let whole = Int(seconds.rounded(.up))
    if whole < 60 { return "\(whole) s" }
    let (hours, minutes, rest) = (whole / 3600, whole / 60 % 60, whole % 60)
    let twoDigits = { (value: Int) in value < 10 ? "0\(value)" : "\(value)" }
    return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(rest))" : "\(minutes):\(twoDigits(rest))"
}

/// `12.3`: one decimal, rounded.
private func formatTenths(_ value: Double) -> String {
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10)"
}

/// Nanoseconds as seconds with three decimals: `1.250`.
private func formatMilliseconds(_ nanoseconds: UInt64) -> String {
    let milliseconds = (nanoseconds + 500_000) / 1_000_000
    let fraction = String(milliseconds % 1000)
    return "\(milliseconds / 1000).\(String(repeating: "0", count: 3 - fraction.count))\(fraction)"
}
