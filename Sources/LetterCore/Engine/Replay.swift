/// `replay`'s work once its options are checked: the datagrams of a capture read one at a
/// time, each sent at its deadline to `--to` or to where it was recorded going, datagrams
/// already due gathered into one `sendmmsg`; the counts and the lateness for the summary.

/// What a replay does besides reading its file.
public struct ReplaySettings: Sendable {
    public var pace: ReplayPace = .recorded(speed: 1)
    /// Passes over the file; 0: until a signal.
    public var loops = 1
    /// `--to`, resolved; nil: each datagram to its recorded destination.
    public var destination: Peer?
    /// `--port N`: only the datagrams recorded to port N.
    public var port: UInt16?
    /// `-b`, `--broadcast`, `--ttl`.
    public var sending = SendingOptions()
    /// `-e`: how a JSON recording's decoded `text` goes back on the wire.
    public var textEncoding: TextEncoding

    public init(textEncoding: TextEncoding) { self.textEncoding = textEncoding }
}

/// How a replay went: what its summary line says, and why it stopped early, if it did.
public struct ReplayOutcome: Sendable {
    public var datagrams = 0
    public var bytes = 0
    public var nanoseconds: UInt64 = 0
    public var skipped = CaptureSkips()
    /// Datagrams recorded to a port other than `--port`'s.
    public var notToPort = 0
    public var sendFailures = 0
    /// The first send the kernel refused, for one line saying why.
    public var firstFailure: SendFailure?
    /// p50, p99 and max of how late the sends were, in microseconds; nil with --fast.
    public var lateness: (p50: UInt64, p99: UInt64, maximum: UInt64)?
    /// The file could not be read further (the datagrams before the damage were sent).
    public var damage: CaptureError?
    /// SIGINT, SIGTERM or SIGHUP ended it.
    public var interrupted = false

    /// `letter: replayed 1000 datagrams (52000 bytes) in 10.001 s (100/s); skipped 12
    /// records (10 not UDP, 1 incomplete fragment, 1 cut short); 0 send failures; late by
    /// p50 4 µs, p99 31 µs, max 120 µs`.
    public func summary(port: UInt16?) -> String {
        let seconds = Double(nanoseconds) / 1e9
        let rate = seconds > 0 ? Int((Double(datagrams) / seconds).rounded()) : datagrams
        var line = "letter: replayed \(counted(datagrams, "datagram")) (\(counted(bytes, "byte"))) in "
            + "\(formatMilliseconds(nanoseconds)) s (\(rate)/s)"
        let kinds = [(skipped.notUDP, "not UDP", "not UDP"),
                     (skipped.incompleteFragments, "incomplete fragment", "incomplete fragments"),
                     (skipped.cutShort, "cut short", "cut short"),
                     (skipped.replies, "relay reply", "relay replies"),
                     (notToPort, "not to port \(port ?? 0)", "not to port \(port ?? 0)")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }
        line += "; skipped \(counted(skipped.total + notToPort, "record"))"
        if !kinds.isEmpty { line += " (" + kinds.joined(separator: ", ") + ")" }
        line += "; \(counted(sendFailures, "send failure"))"
        if let lateness {
            line += "; late by p50 \(lateness.p50) µs, p99 \(lateness.p99) µs, max \(lateness.maximum) µs"
        }
        return line
    }
}

/// A recording that has no times to keep (listen's json without `--time`, or with
/// `--time delta`, whose times are gaps): it needs `--rate` or `--fast`. Only its
/// content tells, so it is a usage error found while reading.
public struct ReplayNeedsPace: Error, Sendable {
    /// What the recording lacks, in words.
    public let reason: String
}

/// Replays the capture in `file`; `signals` is the descriptor SIGINT, SIGTERM and SIGHUP
/// arrive on. A send the kernel refuses is counted and the replay goes on.
public func replay(_ file: borrowing InputFile, settings: ReplaySettings, signals: Int32) throws -> ReplayOutcome {
    let clock = MonotonicPacingClock(signalDescriptor: signals)
    let replayer = try Replayer(settings: settings, clock: clock, fileSize: file.size)
    var pass = 1
    while true {
        if try !replayer.play(CaptureReader(descriptor: file.descriptor), pass: pass) { break }
        // Every pass done (--loop 0 never is), or the file could not be read to its end.
        if pass == settings.loops || replayer.outcome.damage != nil { break }
        pass += 1
        do { try file.rewind() } catch { throw RuntimeError("cannot read the capture again: \(error.errno)") }
        replayer.schedule.startNextPass(now: clock.now())
    }
    return replayer.finish()
}

/// One replay's state: the schedule, the batch of datagrams due, the sockets (one per
/// family, opened when a datagram first needs it), the counts.
final class Replayer<Clock: PacingClock> {
    let settings: ReplaySettings
    let clock: Clock
    var schedule: ReplaySchedule
    private(set) var outcome = ReplayOutcome()
    private let start: UInt64
    private let batch = SendBatch(capacity: 64)
    private var batchDestination: Peer?
    /// The deadlines of the datagrams in the batch, for their lateness.
    private var batchDeadlines: [UInt64] = []
    private var lateness = LatencyRecorder()
    private let sockets: ReplaySockets
    private let textEncoder: OutgoingEncoder
    private var progress: ReplayProgress?
    private var index = 0

    init(settings: ReplaySettings, clock: Clock, fileSize: Int?) throws {
        self.settings = settings
        self.clock = clock
        start = clock.now()
        schedule = ReplaySchedule(pace: settings.pace, start: start, keepsGaps: settings.loops != 1)
        sockets = ReplaySockets(sending: settings.sending, connectingTo: settings.destination)
        textEncoder = try OutgoingEncoder(PayloadEncoding(wire: settings.textEncoding, input: .utf8,
                                                          untouched: false, replaceErrors: false))
        progress = isTerminal(standardError) ? ReplayProgress(start: start, fileSize: fileSize, loops: settings.loops) : nil
        batchDeadlines.reserveCapacity(64)
    }

    /// One pass over `reader`; false when a signal ended it.
    func play(_ reader: CaptureReader, pass: Int) throws -> Bool {
        defer { outcome.skipped = add(outcome.skipped, reader.skipped) }
        while true {
            let datagram: CapturedDatagram
            do {
                guard let next = try reader.next() else { break }
                datagram = next
            } catch {
                outcome.damage = error
                break
            }
            if let port = settings.port {
                guard let recorded = datagram.destination, !recorded.isUnix, recorded.port == port else {
                    outcome.notToPort += 1
                    continue
                }
            }
            guard let destination = settings.destination ?? datagram.destination else {
                throw RuntimeError("the recording holds no destinations (listen's json records only senders): add --to ENDPOINT")
            }
            if reader.format == .jsonLines { try checkRecordedTime(datagram) }
            let deadline = schedule.deadline(recorded: datagram.time)
            // What is in the batch is due now: send it before waiting for this one.
            if batch.count > 0 && (destination != batchDestination || (deadline ?? 0) > clock.now()) {
                guard try flush() else { return false }
            }
            if let deadline, deadline > clock.now() {
                guard try wait(until: deadline, on: clock) else { return false }
            }
            try add(datagram, to: destination, deadline: deadline)
            if batch.isFull { guard try flush() else { return false } }
            progress?.note(datagrams: outcome.datagrams, bytes: outcome.bytes, read: reader.bytesRead, pass: pass,
                           now: clock.now())
        }
        return try flush()
    }

    /// The skip counts of two passes together.
    private func add(_ earlier: CaptureSkips, _ pass: CaptureSkips) -> CaptureSkips {
        var total = earlier
        total.notUDP += pass.notUDP
        total.incompleteFragments += pass.incompleteFragments
        total.cutShort += pass.cutShort
        total.replies += pass.replies
        return total
    }

    /// A JSON recording's times can be kept only when they are instants: none at all, or
    /// `--time delta` (the first 0, and gaps that go down as well as up), cannot.
    private func checkRecordedTime(_ datagram: CapturedDatagram) throws(ReplayNeedsPace) {
        guard case .recorded = settings.pace else { return }
        let zero = Timestamp(seconds: 0, nanoseconds: 0)
        guard let time = datagram.time else {
            throw ReplayNeedsPace(reason: "the recording has no times (listen -f json without --time)")
        }
        if time == zero || (previousJSONTime.map { time < $0 } ?? false) {
            throw ReplayNeedsPace(reason: "the recording's times are gaps, not instants (listen --time delta)")
        }
        previousJSONTime = time
    }

    private var previousJSONTime: Timestamp?

    /// Appends the datagram to the batch (a JSON text payload encoded with -e).
    private func add(_ datagram: CapturedDatagram, to destination: Peer, deadline: UInt64?) throws {
        batchDestination = destination
        if datagram.payloadIsText {
            try textEncoder.append(datagram.payload, place: "the record at byte \(datagram.offset)", to: &batch.bytes)
        } else {
            batch.bytes.append(contentsOf: datagram.payload)
        }
        batch.closeDatagram()
        if let deadline { batchDeadlines.append(deadline) }
    }

    /// Sends the batch; false when a signal asks letter to stop.
    private func flush() throws -> Bool {
        if batch.count > 0, let destination = batchDestination {
            let (descriptor, connected) = try sockets.descriptor(for: destination)
            // A connected UDP socket hears of an ICMP port unreachable as the next send's
            // ECONNREFUSED: that datagram goes again (each one at most once a batch).
            var retries = 0
            let result = batch.send(from: descriptor, to: connected ? nil : destination, flags: 0) { error in
                guard connected, !destination.isUnix, error.isPortUnreachable, retries < batch.count else { return .skip }
                retries += 1
                return .retry
            }
            let now = clock.now()
            for deadline in batchDeadlines {
                lateness.record(nanoseconds: now > deadline ? now - deadline : 0, seq: index)
                index += 1
            }
            batchDeadlines.removeAll(keepingCapacity: true)
            outcome.datagrams += result.sent
            outcome.bytes += result.bytes
            outcome.sendFailures += result.failed
            if let failure = result.failure, outcome.firstFailure == nil {
                outcome.firstFailure = SendFailure(destination: destination, errno: failure.errno)
            }
            outcome.nanoseconds = now - start
        }
        if try clock.signalArrived() {
            outcome.interrupted = true
            return false
        }
        return true
    }

    /// The outcome, with the lateness figures and the progress line cleared.
    func finish() -> ReplayOutcome {
        progress?.clear()
        if let summary = lateness.summary() {
            outcome.lateness = (UInt64(summary.percentiles[0]), UInt64(summary.percentiles[2]), summary.maximum)
        }
        return outcome
    }
}

/// The sending sockets of a replay: one per address family, opened (and bound with -b,
/// given --broadcast and --ttl) when a datagram first needs it. With `--to` the one
/// socket is connected to it, as C's and tcpreplay's senders are: the kernel then routes
/// once, not once a datagram (bench y: about a tenth more datagrams a second).
private final class ReplaySockets {
    private let sending: SendingOptions
    private let connectingTo: Peer?
    private var v4: DatagramSocket?
    private var v6: DatagramSocket?
    private var unix: DatagramSocket?

    init(sending: SendingOptions, connectingTo: Peer?) {
        self.sending = sending
        self.connectingTo = connectingTo
    }

    /// The descriptors of the sockets opened, by family (the sockets own them).
    private var descriptors: [AddressFamily: Int32] = [:]

    /// The socket for `destination`'s family, and whether it is connected to `destination`.
    func descriptor(for destination: Peer) throws -> (Int32, connected: Bool) {
        let family = destination.addressFamily
        let connected = destination == connectingTo
        if let descriptor = descriptors[family] { return (descriptor, connected) }
        let socket = try open(to: destination)
        if connected {
            do { try socket.connect(to: destination) } catch {
                // A broadcast address without --broadcast: refused as the send itself would be.
                if error.errno == .accessDenied { throw SendFailure(destination: destination, errno: error.errno) }
                throw RuntimeError("cannot connect to \(destination.pythonRepr): \(error.errno)")
            }
        }
        let descriptor = socket.descriptor
        switch family {
        case .v4: v4 = consume socket
        case .v6: v6 = consume socket
        case .unix: unix = consume socket
        }
        descriptors[family] = descriptor
        return (descriptor, connected)
    }

    private func open(to destination: Peer) throws(RuntimeError) -> DatagramSocket {
        let socket = try openSendingSocket(to: destination, bind: sending.bind, autobind: false)
        if !destination.isUnix { try applySendingOptions(sending, to: socket) }
        return socket
    }
}

/// One line on a terminal's stderr for a long replay: datagrams and bytes sent, the rate,
/// and for a file of known size the percentage and the time left, rewritten in place at
/// most ten times a second once the replay has taken more than a second.
private struct ReplayProgress {
    let start: UInt64
    let fileSize: Int?
    let loops: Int
    private var lastShown: UInt64 = 0
    private var shown = false

    init(start: UInt64, fileSize: Int?, loops: Int) {
        self.start = start
        self.fileSize = fileSize
        self.loops = loops
    }

    mutating func note(datagrams: Int, bytes: Int, read: Int, pass: Int, now: UInt64) {
        let elapsed = now &- start
        guard elapsed >= 1_000_000_000, now &- lastShown >= 100_000_000 else { return }
        lastShown = now
        shown = true
        let seconds = Double(elapsed) / 1e9
        var line = "letter: replayed \(counted(datagrams, "datagram")) (\(formatByteSize(bytes))), \(Int(Double(datagrams) / seconds))/s"
        if let fileSize, fileSize > 0, loops > 0 {
            let done = (Double(pass - 1) + min(1, Double(read) / Double(fileSize))) / Double(loops)
            if done > 0 {
                line += ", \(Int(done * 100)) %, \(Int((seconds / done - seconds).rounded())) s left"
            }
        }
        writeTerminalStatus(line)
    }

    mutating func clear() {
        if shown { writeTerminalStatus("") }
        shown = false
    }
}

/// `512 bytes`, `1.5 KiB`, `20.0 MiB`, `1.2 GiB`: one decimal past a thousand and more.
func formatByteSize(_ bytes: Int) -> String {
    let units = ["KiB", "MiB", "GiB", "TiB"]
    guard bytes >= 1024 else { return counted(bytes, "byte") }
    var value = Double(bytes) / 1024
    var unit = 0
    while value >= 1024 && unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    let tenths = Int((value * 10).rounded())
    return "\(tenths / 10).\(tenths % 10) \(units[unit])"
}

/// Nanoseconds as seconds with three decimals: `10.001`.
private func formatMilliseconds(_ nanoseconds: UInt64) -> String {
    let milliseconds = (nanoseconds + 500_000) / 1_000_000
    let fraction = String(milliseconds % 1000)
    return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
}
