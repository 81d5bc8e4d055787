import Glibc
import Testing
@testable import LetterCore

/// chat's loop with its input from a file: each line goes out as it is read, a line that
/// cannot be sent is told and skipped, and what arrives is printed.
@Suite struct ChatLoopTests {
    @Test func linesGoOutAndABadLineIsSkipped() throws {
        let peer = try boundSocket("chat-peer"), socket = try boundSocket("chat-self")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let input = try inputDescriptor(Array("one\n".utf8) + [0xFF, 0x0A] + Array("two\n".utf8))
        defer { close(input) }
        // A datagram waiting before the chat starts is printed during it.
        try peer.send(Array("hello".utf8)[...], to: try socket.localAddress())
        let receiver = Receiver(sinks: [try printSink(.text, to: writeEnd)], bufferSize: 1000)
        let sender = try DatagramSender(on: socket, to: try peer.localAddress(),
                                        encoder: OutgoingEncoder(PayloadEncoding(wire: encodingTable[0], input: encodingTable[0],
                                                                                 untouched: false, replaceErrors: false)),
                                        pace: nil)
        try chat(on: socket, receiver: receiver, sender: sender, signals: -1, linger: 0.05, input: input)
        close(writeEnd)
        #expect(try receiveAll(peer).map(\.payload) == [Array("one".utf8), Array("two".utf8)])
        var from: [UInt8] = []
        try peer.localAddress().appendPythonPrint(to: &from)
        #expect(readAll(readEnd) == Array("hello ".utf8) + from + [0x0A])
    }
}
