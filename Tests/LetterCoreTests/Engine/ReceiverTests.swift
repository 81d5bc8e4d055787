import Glibc
import Testing
@testable import LetterCore

/// The receiving path's own figures: --allow, truncation, and the replies' limits.
@Suite struct ReceiverTests {
    /// Sends `payloads` from `sender` to `socket` and takes them through `receiver`.
    func deliver(_ payloads: [String], from sender: borrowing DatagramSocket, to socket: borrowing DatagramSocket,
                 _ receiver: Receiver) throws -> Int {
        for payload in payloads { try sender.send(Array(payload.utf8)[...], to: try socket.localAddress()) }
        _ = try waitReadable([socket.descriptor], timeoutMilliseconds: 2000)
        return try receiver.receiveWaiting(on: socket, limit: 100)
    }

    @Test func sendersOutsideAllowAreRefusedAndLongDatagramsCut() throws {
        let socket = try boundSocket("receiver"), sender = try boundSocket("receiver-from")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let receiver = Receiver(sinks: [try printSink(.hex, to: writeEnd)], bufferSize: 4)
        #expect(try deliver(["abcdef", "xy"], from: sender, to: socket, receiver) == 2)
        let statistics = receiver.finalStatistics(socket)
        try receiver.finish(statistics)
        close(writeEnd)
        #expect(statistics.datagrams == 2 && statistics.truncated == 1 && statistics.bytes == 6)
        #expect(String(decoding: readAll(readEnd), as: UTF8.self).contains(" 6 bytes, cut to 4\n"))

        // Only 10.0.0.0/8 is let through: a unix sender is refused and counted, not shown.
        let filtered = Receiver(sinks: [], bufferSize: 100, allow: [try #require(Network("10.0.0.0/8"))])
        #expect(try deliver(["z"], from: sender, to: socket, filtered) == 1)
        let refused = filtered.finalStatistics(socket)
        #expect(refused.refused == 1 && refused.datagrams == 0)
    }

    /// --reply to every datagram: a unix sender (only this host can be one) is not held to
    /// the rate, so all four are answered. (The limit itself: ReplyLimiterTests, and the
    /// floods from another host in ReflectorTests.)
    @Test func aUnixSenderIsAnsweredBeyondTheRate() throws {
        let socket = try boundSocket("reply"), client = try boundSocket("reply-client")
        let receiver = Receiver(sinks: [ReplySink(.text(Array("hi".utf8)), rate: 2)], bufferSize: 100)
        #expect(try deliver(["a", "b", "c", "d"], from: client, to: socket, receiver) == 4)
        #expect(try receiveAll(client).map(\.payload) == Array(repeating: Array("hi".utf8), count: 4))
        let statistics = receiver.finalStatistics(socket)
        #expect(statistics.replies == 4 && statistics.repliesLimited == 0 && statistics.replyFailures == 0)
        #expect(statistics.summary.hasSuffix("; 4 replies sent, 0 held back by the rate limit; receive buffer 0 bytes (0 asked)"))
    }
}
