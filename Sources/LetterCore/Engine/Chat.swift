/// `chat`'s loop: lines of `input` (stdin) out as they are read, arriving datagrams
/// printed, in one poll over the socket, the input and the signals; after the input
/// ends, `linger` seconds of quiet for late replies (nil: none). The summary follows
/// however it ended.
public func chat(on socket: borrowing DatagramSocket, receiver: Receiver, sender: DatagramSender,
                 signals: Int32, linger: Double?, input: Int32 = standardInput) throws {
    let reader = LineReader(descriptor: input)
    var loop = EventLoop(receiver: receiver, signals: signals)
    loop.input = input
    try loop.runThenSummarize(socket, always: true, onInput: {
        let more = try reader.fill()
        while let line = reader.nextBufferedLine() {
            do throws(RuntimeError) {
                try sender.add(line, place: "line \(reader.lineNumber)")
            } catch {
                // A line that cannot be encoded or is too long is reported and skipped;
                // the conversation goes on.
                writeDiagnostic("letter: \(error.message)")
                continue
            }
            // A send the kernel refuses (a broadcast address without --broadcast, no route)
            // would fail for every line alike, so it ends the chat as it ends `send`.
            try sender.flush(on: socket)
        }
        return more && !reader.atEnd
    }, then: { ending in
        guard ending == .input, let linger else { return ending }
        let lingering = EventLoop(receiver: receiver, signals: signals, idleTimeout: linger)
        return try lingering.run(socket)
    })
}
