/// The receiving half shared by `listen`, `chat` and `send --wait`: takes the datagrams
/// waiting on a socket in batches, filters, prints, answers and counts them.
final class Receiver {
    enum Reply {
        case none
        case text([UInt8])
        case echo
    }

    let output: OutputBuffer
    private let writer: RecordWriter
    private let batch: ReceiveBatch
    private let allow: [Network]
    private let reply: Reply
    private var limiter: ReplyLimiter
    private(set) var statistics = ReceiveStatistics()
    private var reportedDrops: UInt64 = 0
    private var lastDropReport: UInt64 = 0
    private let encodingName: String

    init(writer: RecordWriter, display: DisplayOptions, allow: [Network], reply: Reply, replyRate: Double,
         batchCapacity: Int = 64) {
        output = OutputBuffer()
        self.writer = writer
        batch = ReceiveBatch(capacity: batchCapacity, bufferSize: display.bufferSize)
        self.allow = allow
        self.reply = reply
        limiter = ReplyLimiter(rate: replyRate)
        encodingName = display.encoding
    }

    /// Sets up a receiving socket: the receive buffer (`requested`, or as large as the
    /// system allows up to 16 MiB so a loopback burst loses nothing) and drop counting.
    func prepare(_ socket: borrowing UDPSocket, receiveBuffer requested: Int?) throws(RuntimeError) {
        do {
            statistics.receiveBufferBytes = try socket.requestReceiveBuffer(requested ?? 16 << 20)
            try socket.enableDropCounter()
        } catch {
            throw RuntimeError("\(error.call) failed: \(error.errno)")
        }
    }

    /// Receives and handles the datagrams already waiting, at most `limit`. Returns how
    /// many were taken from the socket (0: nothing was waiting).
    func receiveWaiting(on socket: borrowing UDPSocket, limit: Int) throws -> Int {
        let count: Int
        do {
            count = try socket.receive(into: batch, limit: limit)
        } catch {
            throw RuntimeError("cannot receive: \(error.errno)")
        }
        for index in 0..<count {
            try handle(index, on: socket)
        }
        noteKernelDrops()
        do { try output.flushIfFull() } catch { throw OutputClosed() }
        return count
    }

    /// How many more datagrams `-c count` allows (shown or rejected as undecodable).
    func remaining(toReach count: Int?) -> Int {
        count.map { $0 - statistics.datagrams } ?? Int.max
    }

    private func handle(_ index: Int, on socket: borrowing UDPSocket) throws {
        let sender = batch.sender(index)
        if !allow.isEmpty && !allow.contains(where: { $0.contains(sender) }) {
            statistics.refused += 1
            return
        }
        let payload = batch.payload(index)
        let length = batch.length(index)
        statistics.datagrams += 1
        statistics.bytes += payload.count
        statistics.noteSender(sender)
        if let failure = writer.append(payload: payload, fullLength: length, sender: sender, to: &output.bytes) {
            statistics.undecodable += 1
            reportUndecodable(payload, from: sender, failure)
        }
        if batch.isTruncated(index) {
            statistics.truncated += 1
            try flushOutput()
            writeDiagnostic("letter: truncated: \(length)-byte datagram from \(sender.pythonTuple) cut to \(payload.count) bytes")
        }
        try answer(sender, payload: payload, on: socket)
    }

    private func answer(_ sender: SocketAddress, payload: ArraySlice<UInt8>, on socket: borrowing UDPSocket) throws {
        let answer: ArraySlice<UInt8>
        switch reply {
        case .none: return
        case .text(let bytes): answer = bytes[...]
        case .echo: answer = payload
        }
        guard limiter.allow(sender, now: monotonicNanoseconds()) else {
            statistics.repliesLimited += 1
            return
        }
        do {
            try socket.send(answer, to: sender)
        } catch {
            writeDiagnostic("letter: cannot reply to \(sender.pythonTuple): \(error.errno)")
        }
    }

    private func reportUndecodable(_ payload: ArraySlice<UInt8>, from sender: SocketAddress, _ failure: DecodeFailure) {
        var hex: [UInt8] = []
        for (position, byte) in payload.prefix(64).enumerated() {
            if position > 0 { hex.append(UInt8(ascii: " ")) }
            appendHexByte(byte, to: &hex)
        }
        let more = payload.count > 64 ? " ..." : ""
        writeDiagnostic("letter: cannot decode \(payload.count)-byte datagram from \(sender.pythonTuple) as "
            + "\(encodingName) at byte \(failure.offset): \(String(decoding: hex, as: UTF8.self))\(more)")
    }

    /// Tells stderr, at most once a second, that the kernel has been dropping datagrams.
    private func noteKernelDrops() {
        guard let counter = batch.kernelDropCounter, UInt64(counter) > reportedDrops else { return }
        let now = monotonicNanoseconds()
        guard now &- lastDropReport >= 1_000_000_000 else { return }
        reportedDrops = UInt64(counter)
        lastDropReport = now
        writeDiagnostic("letter: \(counter) datagrams dropped by the kernel so far (receive buffer full; try a larger --rcvbuf)")
    }

    func flushOutput() throws {
        do { try output.flush() } catch { throw OutputClosed() }
    }

    /// Final figures, with the kernel's exact drop count read now (drops after the last
    /// datagram included).
    func finish(_ socket: borrowing UDPSocket) -> ReceiveStatistics {
        if let drops = try? socket.kernelDropCount() {
            statistics.kernelDrops = drops
        } else if let counter = batch.kernelDropCounter {
            statistics.kernelDrops = UInt64(counter)
        }
        return statistics
    }
}
