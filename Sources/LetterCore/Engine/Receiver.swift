/// The receiving path of every command that receives (listen, chat, send --wait, ping,
/// relay): takes the datagrams waiting on a socket in batches, keeps those `--allow`
/// lets through, counts them, and hands each to the sinks in order (print, then reply,
/// or ping's matching, or relay's forwarding). Truncation and kernel drops belong to
/// the receive itself, so they are noted here.
public final class Receiver {
    /// The receive buffer asked for by default: large enough that a full-speed burst
    /// on loopback loses nothing (SO_RCVBUFFORCE as root; else the kernel's maximum).
    static let defaultReceiveBuffer = 16 << 20

    private let batch: ReceiveBatch
    private let allow: [Network]
    private let sinks: [any DatagramSink]
    private(set) var statistics = ReceiveStatistics()
    private var reportedDrops: UInt64 = 0
    private var dropReports = Throttle()
    private var truncations = ThrottledReport()

    /// `capturePort`: a capture is on (`--pcap`, `-f pcap`) for a socket bound to that
    /// port, so each datagram carries the address it was sent to (`Datagram.local`). Only
    /// then is the kernel asked for it: a plain listener reads no more than it shows.
    public init(sinks: [any DatagramSink], bufferSize: Int?, allow: [Network] = [], batchCapacity: Int = 64,
                capturePort: UInt16? = nil) {
        self.sinks = sinks
        batch = ReceiveBatch(capacity: batchCapacity, bufferSize: bufferSize, localPort: capturePort)
        self.allow = allow
        capturing = capturePort != nil
    }

    /// Whether a capture is on: `prepare` asks for what it records.
    private let capturing: Bool

    /// Sets up a receiving socket: the receive buffer (`requested`, or as large as the
    /// system allows up to 16 MiB so a loopback burst loses nothing), drop counting, the
    /// kernel's receive times when `timestamps` (--time), and for a capture those times
    /// and each datagram's destination address (IP_PKTINFO, IPV6_RECVPKTINFO).
    public func prepare(_ socket: borrowing DatagramSocket, receiveBuffer requested: Int?, timestamps: Bool) throws(RuntimeError) {
        do {
            statistics.receiveBufferRequested = requested ?? Self.defaultReceiveBuffer
            statistics.receiveBufferBytes = try socket.requestReceiveBuffer(statistics.receiveBufferRequested)
            try socket.enableDropCounter()
            if timestamps || capturing { try socket.enableReceiveTimestamps() }
            if capturing { try socket.enableLocalAddresses() }
        } catch {
            throw RuntimeError(failed: error)
        }
    }

    /// Receives and handles the datagrams already waiting, at most `limit`. Returns how
    /// many were taken from the socket (0: nothing was waiting).
    func receiveWaiting(on socket: borrowing DatagramSocket, limit: Int) throws -> Int {
        let count: Int
        do {
            count = try socket.receive(into: batch, limit: limit)
        } catch {
            // Told to sockets that asked for ICMP errors (send -w, ping) and connected ones (relay's).
            if socket.consumePortUnreachable(error) { throw ICMPPortUnreachable() }
            throw RuntimeError("cannot receive: \(error.errno)")
        }
        for index in 0..<count {
            let datagram = batch.datagram(index)
            if !allow.isEmpty && !allow.contains(where: { $0.contains(datagram.peer) }) {
                statistics.refused += 1
                continue
            }
            statistics.datagrams += 1
            statistics.bytes += datagram.payload.count
            statistics.noteSender(datagram.peer)
            if datagram.isTruncated {
                statistics.truncated += 1
                truncations.note {
                    "\(datagram.fullLength)-byte datagram from \(datagram.peer.pythonRepr) cut to \(datagram.payload.count) bytes"
                }
            }
            let record = Record(datagram)
            for sink in sinks { sink.take(record, on: socket) }
        }
        let now = monotonicNanoseconds()
        noteKernelDrops(now: now)
        reportTruncations(now: now)
        for sink in sinks { try sink.finishBatch(now: now) }
        return count
    }

    /// Before the first receive: each sink's beginning (a printer's header).
    public func begin() throws {
        for sink in sinks { try sink.begin() }
    }

    /// Sends on whatever the sinks hold back (the output buffer): the loop is about to wait.
    public func flush() throws {
        for sink in sinks { try sink.flush() }
    }

    /// Tells stderr of the first datagram cut, then at most once a second how many; at the
    /// end (`final`), how many in all if that is more than it has told.
    private func reportTruncations(now: UInt64, final: Bool = false) {
        truncations.report(now: now, total: statistics.truncated, final: final) { first in
            first.map { "truncated: \($0)" }
                ?? "\(statistics.truncated) datagrams truncated \(final ? "in all" : "so far") (longer than --bufsize \(batch.bufferSize))"
        }
    }

    /// Tells stderr, at most once a second, that the kernel has been dropping datagrams.
    private func noteKernelDrops(now: UInt64) {
        guard let counter = batch.kernelDropCounter, UInt64(counter) > reportedDrops, dropReports.isDue(now) else { return }
        reportedDrops = UInt64(counter)
        writeDiagnostic("letter: \(counter) datagrams dropped by the kernel so far (receive buffer full; try a larger --rcvbuf)")
    }

    /// Final figures, with the kernel's exact drop count read now (drops after the last
    /// datagram included) and each sink's own.
    func finalStatistics(_ socket: borrowing DatagramSocket) -> ReceiveStatistics {
        reportTruncations(now: monotonicNanoseconds(), final: true)
        if let drops = try? socket.kernelDropCount() {
            statistics.kernelDrops = drops
        } else if let counter = batch.kernelDropCounter {
            statistics.kernelDrops = UInt64(counter)
        }
        for sink in sinks { sink.contribute(to: &statistics) }
        return statistics
    }

    /// After the last receive: each sink's end, from the final figures (a printer's
    /// closing part, such as ping's summary, written out).
    func finish(_ statistics: ReceiveStatistics) throws {
        for sink in sinks { try sink.finish(statistics) }
    }
}

/// Where a received datagram goes once the receiver has let it through: printed,
/// answered, forwarded, or matched to a ping.
public protocol DatagramSink: AnyObject {
    /// Before the first datagram.
    func begin() throws
    /// Takes one datagram's record; `socket` is the one it came in on (to answer on).
    func take(_ record: Record, on socket: borrowing DatagramSocket)
    /// After each batch: the reports due at `now`, output that must go now.
    func finishBatch(now: UInt64) throws
    /// The loop is about to wait: nothing may be held back.
    func flush() throws
    /// Adds this sink's figures to the summary.
    func contribute(to statistics: inout ReceiveStatistics)
    /// After the last datagram, with the final figures.
    func finish(_ statistics: ReceiveStatistics) throws
}

extension DatagramSink {
    public func begin() throws {}
    public func finishBatch(now: UInt64) throws {}
    public func flush() throws {}
    public func finish(_ statistics: ReceiveStatistics) throws {}
}

/// ICMP port unreachable for something a socket sent, reported to its next receive
/// (ECONNREFUSED): whoever reads the socket decides what it means.
struct ICMPPortUnreachable: Error {}

/// At most one report a second: the first is due at once.
struct Throttle {
    private var last: UInt64?

    mutating func isDue(_ now: UInt64) -> Bool {
        if let last, now &- last < 1_000_000_000 { return false }
        last = now
        return true
    }
}

/// A kind of event told on stderr without flooding it: the first in full, then a
/// running count at most once a second.
struct ThrottledReport {
    private var first: String?
    private var reported = 0
    private var throttle = Throttle()

    /// Keeps the description of the first event (made only once).
    mutating func note(_ describe: () -> String) {
        if first == nil && reported == 0 { first = describe() }
    }

    /// Writes the report due, if any: `line(first)` for the first event, `line(nil)` for
    /// the running count when there are more than were told. `final`: due whatever the
    /// throttle says, so that nothing is left untold at the end.
    mutating func report(now: UInt64, total: Int, final: Bool = false, _ line: (String?) -> String) {
        guard total > reported, final || throttle.isDue(now) else { return }
        if let first, reported == 0 {
            writeDiagnostic("letter: " + line(first))
            self.first = nil
            reported = 1
            if total == 1 { return }
        }
        reported = total
        writeDiagnostic("letter: " + line(nil))
    }
}
