import Glibc
import Testing
@testable import LetterCore

/// The engine without a child process: real unix datagram sockets in the abstract
/// namespace, a pipe for output and another for input, Datagram values through sinks.
@Suite struct EventLoopTests {
    func tuplePrinter() throws -> any Printer {
        TuplePrinter(PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: false))
    }

    @Test func aCountEndsTheLoopAfterThatManyDatagramsPrintedInOrder() throws {
        let receiver = try boundSocket("count"), sender = try boundSocket("count-sender")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let sink = PrintSink(printer: try tuplePrinter(), encodingName: "utf-8", output: OutputBuffer(descriptor: writeEnd))
        let engine = Receiver(sinks: [sink], bufferSize: 100)
        let payloads = ["one", "", "three", "four"]
        for payload in payloads { try sender.send(Array(payload.utf8)[...], to: try receiver.localAddress()) }
        let ending = try EventLoop(receiver: engine, count: 3).run(receiver)
        try engine.flush()
        close(writeEnd)
        #expect(ending == .count)
        let lines = String(decoding: readAll(readEnd), as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let from = try sender.localAddress().pythonRepr
        #expect(lines == ["(b'one', \(from))", "(b'', \(from))", "(b'three', \(from))", ""])
        #expect(engine.finalStatistics(receiver).datagrams == 3)
    }

    @Test func quietForTheTimeoutEndsAsIdle() throws {
        let receiver = try boundSocket("idle")
        let engine = Receiver(sinks: [], bufferSize: 100)
        let started = monotonicNanoseconds()
        #expect(try EventLoop(receiver: engine, idleTimeout: 0.05).run(receiver) == .idle)
        #expect(monotonicNanoseconds() - started >= 50_000_000)
    }

    /// The input slot: read when readable, and the loop ends when the reader says so.
    @Test func theInputSlotIsReadUntilItEnds() throws {
        let receiver = try boundSocket("input")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        _ = write(writeEnd, "abc", 3)
        close(writeEnd)
        var read: [UInt8] = []
        var loop = EventLoop(receiver: Receiver(sinks: [], bufferSize: 100))
        loop.input = readEnd
        let ending = try loop.run(receiver) {
            var chunk = [UInt8](repeating: 0, count: 16)
            let count = Glibc.read(readEnd, &chunk, chunk.count)
            read += chunk.prefix(max(count, 0))
            return count > 0
        }
        #expect(ending == .input)
        #expect(read == Array("abc".utf8))
    }

    /// --echo through the sink: the datagram goes back to its sender; an unnamed sender
    /// is counted, not answered.
    @Test func theReplySinkEchoesToNamedSendersOnly() throws {
        let receiver = try boundSocket("echo"), client = try boundSocket("echo-client")
        let sink = ReplySink(.echo, rate: 10)
        sink.take(Record(Datagram(payload: Array("ping".utf8)[...], fullLength: 4, peer: try client.localAddress())), on: receiver)
        sink.take(Record(Datagram(payload: [1][...], fullLength: 1, peer: .unnamed)), on: receiver)
        let batch = ReceiveBatch(capacity: 4, bufferSize: 100)
        _ = try waitReadable([client.descriptor], timeoutMilliseconds: 2000)
        #expect(try client.receive(into: batch, limit: 4) == 1)
        #expect(batch.datagram(0).payload.elementsEqual("ping".utf8))
        #expect(batch.datagram(0).peer == (try receiver.localAddress()))
        var statistics = ReceiveStatistics()
        sink.contribute(to: &statistics)
        #expect(statistics.replies == 1 && statistics.unanswerable == 1)
    }

    /// Under --errors strict an undecodable datagram is counted and prints nothing.
    @Test func thePrintSinkCountsWhatItCannotDecode() throws {
        let printer = TextPrinter(PrinterContext(decoder: try makeDecoder("utf-8", .strict), showBytes: false))
        let output = OutputBuffer(descriptor: -1)
        let sink = PrintSink(printer: printer, encodingName: "utf-8", output: output)
        let socket = try boundSocket("strict")
        sink.take(Record(Datagram(payload: [0xFF][...], fullLength: 1, peer: .unnamed)), on: socket)
        sink.take(Record(Datagram(payload: Array("ok".utf8)[...], fullLength: 2, peer: .unnamed)), on: socket)
        #expect(String(decoding: output.bytes, as: UTF8.self) == "ok None\n")
        var statistics = ReceiveStatistics()
        sink.contribute(to: &statistics)
        #expect(statistics.undecodable == 1)
    }
}
