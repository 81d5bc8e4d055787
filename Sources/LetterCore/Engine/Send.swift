/// `send`'s work once its socket is open: the datagrams out (one input `count` times,
/// or the input split into lines or chunks), then, with -w, the replies in
/// (ReplyWait.swift).

/// Where `send` reads its input: stdin, or the file `--file` names.
public struct SendSource: Sendable {
    public let descriptor: Int32
    /// How messages name it: `stdin`, or the file's name in quotes.
    public let name: String
    /// Its size in bytes when it is a regular file (for the progress line's percentage).
    public let size: Int?

    public static var standardInput: SendSource {
        SendSource(descriptor: LetterCore.standardInput, name: "stdin", size: regularFileSize(LetterCore.standardInput))
    }

    /// The file at `path` (bytes as given), opened for reading; a file that cannot be
    /// opened is named with the reason.
    public static func file(_ path: String) throws(RuntimeError) -> SendSource {
        let name = "'\(path)'"
        do {
            let descriptor = try openForReading(path: path.argumentBytes)
            return SendSource(descriptor: descriptor, name: name, size: regularFileSize(descriptor))
        } catch {
            throw RuntimeError("cannot open \(name): \(error.errno)")
        }
    }
}

/// What `send` sends.
public enum SendInput: Sendable {
    /// One datagram's input (MESSAGE, or all of the input), sent `count` times; `place`
    /// names it in messages.
    case repeated(ArraySlice<UInt8>, place: String, count: Int)
    /// The input, one datagram a line.
    case lines
    /// The input cut into datagrams of this many bytes.
    case chunks(Int)
}

/// Sends `input` (read from `source` when it is lines or chunks) to `destination`,
/// encoded by `encoder`, paced by `pace` (nil: in batches as fast as the socket takes
/// them). Returns what `--stats` tells.
public func send(_ input: SendInput, from source: SendSource, encoder: OutgoingEncoder, pace: Pace?,
                 on socket: borrowing DatagramSocket, to destination: Peer) throws -> SendStats {
    let reader: LineReader
    var encoder = encoder
    var recordName = "line"
    var inputSize = source.size
    switch input {
    case .repeated(let bytes, let place, let count):
        let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, pace: pace)
        for _ in 0..<count {
            try sender.add(bytes, place: place)
            if sender.isDue { try sender.flush(on: socket) }
        }
        try sender.flush(on: socket)
        return sender.finish()
    case .chunks(let size):
        reader = LineReader(descriptor: source.descriptor, name: source.name, split: .chunks(size))
        recordName = "chunk"
    case .lines where encoder.settings.untouched || encoder.inputNewlineIsOneByte:
        reader = LineReader(descriptor: source.descriptor, name: source.name,
                            split: .lines(keepCarriageReturn: encoder.settings.untouched))
    case .lines:
        // UTF-16 or UTF-32 input: the newline is more than the byte 0x0A (which may stand
        // inside other characters), so the input is decoded whole and split as UTF-8 text
        // (whose positions are no longer the file's: no percentage).
        let whole = try LineReader(descriptor: source.descriptor, name: source.name, limit: 64 << 20).readAll(
            tooLong: "with --input-encoding \(encoder.settings.input.name) it is decoded whole, and at most 64 MiB")
        reader = LineReader(contents: try encoder.decodeInput(whole))
        var decoded = encoder.settings
        decoded.input = .utf8
        encoder = try OutgoingEncoder(decoded)
        inputSize = nil
    }
    let sender = try DatagramSender(on: socket, to: destination, encoder: encoder, pace: pace,
                                    recordName: recordName, showsProgress: true, inputSize: inputSize)
    try sendLines(from: reader, sender: sender, on: socket)
    return sender.finish()
}

/// All of `source` as one datagram's input (--whole), refused past what a datagram can carry.
public func readWholeInput(from source: SendSource) throws -> ArraySlice<UInt8> {
    try LineReader(descriptor: source.descriptor, name: source.name).readAll(tooLong: "longer than any datagram can carry")
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
