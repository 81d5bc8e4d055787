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

    /// --reply to every datagram, within the per-sender rate: the rest are held back and counted.
    @Test func repliesBeyondTheRateAreHeldBack() throws {
        let socket = try boundSocket("reply"), client = try boundSocket("reply-client")
        let receiver = Receiver(sinks: [ReplySink(.text(Array("hi".utf8)), rate: 2)], bufferSize: 100)
        #expect(try deliver(["a", "b", "c", "d"], from: client, to: socket, receiver) == 4)
        #expect(try receiveAll(client).map(\.payload) == [Array("hi".utf8), Array("hi".utf8)])
        let statistics = receiver.finalStatistics(socket)
        #expect(statistics.replies == 2 && statistics.repliesLimited == 2 && statistics.replyFailures == 0)
        #expect(statistics.summary.hasSuffix("; 2 replies sent, 2 held back by the rate limit; receive buffer 0 bytes"))
    }
}
