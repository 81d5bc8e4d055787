/// `send`'s work once its socket is open: the datagrams out (one input `count` times,
/// or stdin split into lines or chunks), then, with -w, the reply in.

/// What `send` sends.
public enum SendInput: Sendable {
    /// One datagram's input (MESSAGE, or all of stdin), sent `count` times; `place`
    /// names it in messages.
    case repeated(ArraySlice<UInt8>, place: String, count: Int)
    /// stdin, one datagram a line.
    case lines
    /// stdin cut into datagrams of this many bytes.
    case chunks(Int)
}

/// Sends `input` (stdin's lines or chunks read from `descriptor`) to `destination`,
/// encoded by `encoder`, paced by `interval` seconds between datagrams (nil: in batches).
public func send(_ input: SendInput, encoder: OutgoingEncoder, interval: Double?, from descriptor: Int32 = standardInput,
                 on socket: borrowing DatagramSocket, to destination: Peer) throws {
    let reader: LineReader
    var encoder = encoder
    var recordName = "line"
    switch input {
    case .repeated(let bytes, let place, let count):
        let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, interval: interval)
        for _ in 0..<count {
            try sender.add(bytes, place: place)
            if sender.isDue { try sender.flush(on: socket) }
        }
        try sender.flush(on: socket)
        sender.finish()
        return
    case .chunks(let size):
        reader = LineReader(descriptor: descriptor, split: .chunks(size))
        recordName = "chunk"
    case .lines where encoder.settings.untouched || encoder.inputNewlineIsOneByte:
        reader = LineReader(descriptor: descriptor, split: .lines(keepCarriageReturn: encoder.settings.untouched))
    case .lines:
        // UTF-16 or UTF-32 input: the newline is more than the byte 0x0A (which may stand
        // inside other characters), so stdin is decoded whole and split as UTF-8 text.
        let whole = try LineReader(descriptor: descriptor, limit: 64 << 20).readAll(
            tooLong: "with --input-encoding \(encoder.settings.input.name) it is decoded whole, and at most 64 MiB")
        reader = LineReader(contents: try encoder.decodeInput(whole))
        var decoded = encoder.settings
        decoded.input = encodingTable[0]
        encoder = try OutgoingEncoder(decoded)
    }
    let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, interval: interval,
                                    recordName: recordName, showsProgress: true)
    try sendLines(from: reader, sender: sender, on: socket)
    sender.finish()
}

/// All of stdin as one datagram's input (--whole), refused past what a datagram can carry.
public func readWholeInput() throws -> ArraySlice<UInt8> {
    try LineReader().readAll(tooLong: "longer than any datagram can carry")
}

/// Readies a socket that sent to `destination` to hear its answer: ICMP port unreachable
/// reported at once (internet sockets), and the kernel's receive times when `timestamps`.
public func listenForReplies(on socket: borrowing DatagramSocket, from destination: Peer,
                             timestamps: Bool) throws(RuntimeError) {
    do throws(SystemCallError) {
        if !destination.isUnix { try socket.setReceiveErrors() }
        if timestamps { try socket.enableReceiveTimestamps() }
    } catch {
        throw RuntimeError(failed: error)
    }
}

/// `send -w`: the first datagram from anyone, printed as `listen` would print it. Nothing
/// within `timeout` seconds (nil: no limit) is a failure; so is ICMP port unreachable.
public func awaitReply(on socket: borrowing DatagramSocket, from destination: Peer, printSink: PrintSink,
                       bufferSize: Int, timeout: Double?) throws {
    let receiver = Receiver(sinks: [printSink], bufferSize: bufferSize, batchCapacity: 1)
    let ending: EventLoop.Ending
    try receiver.begin()
    do {
        ending = try EventLoop(receiver: receiver, count: 1, idleTimeout: timeout).run(socket)
    } catch is ICMPPortUnreachable {
        throw PortUnreachable(destination: destination)
    }
    try receiver.finish(receiver.finalStatistics(socket))
    // Nothing came back within -t SEC (only a timeout ends the loop as idle).
    if ending == .idle, let timeout { throw RuntimeError("no reply within \(formatSeconds(timeout)) s") }
}
