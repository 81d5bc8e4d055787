import Glibc
import Testing
@testable import LetterCore

/// The relay between real unix datagram sockets in one process: the test is the client
/// and the target, and reads the relay's sockets when they are ready.
@Suite struct RelayTests {
    /// `peer` as the text format prints it.
    func printed(_ peer: Peer) -> String {
        var bytes: [UInt8] = []
        peer.appendPythonPrint(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads what is ready on the relay's upstream sockets.
    func receiveReplies(_ relay: Relay) throws -> Int {
        let ready = try waitReadable(relay.descriptors, timeoutMilliseconds: 2000)
        return try relay.receiveWaiting(ready: ready[...], limit: 100)
    }

    @Test func aRequestGoesToTheTargetAndItsReplyBackToTheClient() throws {
        let target = try boundSocket("relay-target"), client = try boundSocket("relay-client")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let relay = Relay(listening: try boundSocket("relay-listening"), targets: [try target.localAddress()],
                          printSinks: [try printSink(.text, to: writeEnd)], idleSeconds: 60, maximumSessions: 4,
                          bufferSize: 1000, receiveBuffer: 65536, timestamps: false)
        let receiver = Receiver(sinks: [relay], bufferSize: 1000)
        let listening = try relay.listening.localAddress()
        try receiver.begin()

        try client.send(Array("ping".utf8)[...], to: listening)
        _ = try waitReadable([relay.listening.descriptor], timeoutMilliseconds: 2000)
        #expect(try receiver.receiveWaiting(on: relay.listening, limit: 10) == 1)
        // The target sees the request from the session's own socket, not the client.
        let request = try #require(try receiveAll(target).first)
        let clientAddress = try client.localAddress()
        #expect(request.payload == Array("ping".utf8) && request.peer != clientAddress)
        try target.send(Array("pong".utf8)[...], to: request.peer)
        #expect(try receiveReplies(relay) == 1)
        let reply = try #require(try receiveAll(client).first)
        #expect(reply.payload == Array("pong".utf8) && reply.peer == listening)

        let statistics = receiver.finalStatistics(relay.listening)
        try receiver.finish(statistics)
        close(writeEnd)
        let relayed = try #require(statistics.relay)
        #expect(relayed.sessionsOpened == 1 && relayed.requestsForwarded == 1 && relayed.repliesForwarded == 1)
        #expect(relayed.replies == 1 && relayed.losses == 0)
        let from = printed(try client.localAddress()), to = printed(try target.localAddress())
        #expect(String(decoding: readAll(readEnd), as: UTF8.self) == "ping \(from) -> \(to)\npong \(to) -> \(from)\n")
    }

    /// A second client beyond --max-sessions 1 is refused: its requests counted, none forwarded.
    @Test func clientsBeyondTheMaximumAreRefusedAndCounted() throws {
        let target = try boundSocket("relay-full-target")
        let first = try boundSocket("relay-full-a"), second = try boundSocket("relay-full-b")
        let relay = Relay(listening: try boundSocket("relay-full-listening"), targets: [try target.localAddress()],
                          printSinks: [], idleSeconds: 60, maximumSessions: 1, bufferSize: 1000, receiveBuffer: 65536,
                          timestamps: false)
        let receiver = Receiver(sinks: [relay], bufferSize: 1000)
        let listening = try relay.listening.localAddress()
        func sendTwo(from client: borrowing DatagramSocket) throws {
            for _ in 0..<2 { try client.send(Array("x".utf8)[...], to: listening) }
            _ = try waitReadable([relay.listening.descriptor], timeoutMilliseconds: 2000)
            #expect(try receiver.receiveWaiting(on: relay.listening, limit: 10) == 2)
        }
        try sendTwo(from: first)
        try sendTwo(from: second)
        #expect(try receiveAll(target).count == 2)
        let relayed = try #require(receiver.finalStatistics(relay.listening).relay)
        #expect(relayed.sessionsOpened == 1 && relayed.clientsRefused == 1 && relayed.requestsRefused == 2)
        #expect(relayed.requestsForwarded == 2 && relayed.losses == 2)
    }
}
