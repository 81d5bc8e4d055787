import Glibc
import Testing
@testable import LetterCore

/// Pinger between two unix datagram sockets, driven step by step: the test is the
/// service, and the loop's timer is fired by hand.
@Suite struct PingerTests {
    @Test func repliesPrintWithSeqAndRoundTripAndTheSummaryEndsTheOutput() throws {
        let service = try boundSocket("ping-service"), client = try boundSocket("ping-client")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let pinger = Pinger(destination: try service.localAddress(), payload: .numbered(id: "beef"),
                            printSink: try printSink(.text, to: writeEnd), count: 2, interval: 0, timeout: 5)
        let receiver = Receiver(sinks: [pinger], bufferSize: 1000)
        try receiver.begin()

        #expect(try pinger.fire(now: monotonicNanoseconds(), on: client))
        let requests = try receiveAll(service)
        #expect(requests.map(\.payload) == [Array("letter-ping beef seq=1".utf8)])
        // The answer, then the same answer again.
        for _ in 0..<2 { try service.send(requests[0].payload[...], to: requests[0].peer) }
        _ = try waitReadable([client.descriptor], timeoutMilliseconds: 2000)
        #expect(try receiver.receiveWaiting(on: client, limit: 10) == 2)
        // -i 0: the second request goes as soon as the first is answered; nothing answers
        // it, and five seconds later ping is done.
        #expect(try pinger.fire(now: monotonicNanoseconds(), on: client))
        #expect(try receiveAll(service).map(\.payload) == [Array("letter-ping beef seq=2".utf8)])
        #expect(try !pinger.fire(now: monotonicNanoseconds() + 5_000_000_000, on: client))
        try receiver.finish(receiver.finalStatistics(client))
        close(writeEnd)

        var from: [UInt8] = []
        try service.localAddress().appendPythonPrint(to: &from)
        let lines = String(decoding: readAll(readEnd), as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == 4, "\(lines)")
        let answer = "letter-ping beef seq=1 \(String(decoding: from, as: UTF8.self)) seq=1"
        #expect(lines[0].hasPrefix(answer + " time=") && lines[0].hasSuffix(" ms"))
        let rtt = String(lines[0].dropFirst(answer.count + " time=".count).dropLast(" ms".count))
        #expect(Double(rtt) != nil)
        #expect(lines[1] == answer + " (DUP!)")
        #expect(lines[2].hasPrefix("2 sent, 1 received, +1 duplicates, 50% loss, time "))
        #expect(lines[3] == "rtt min/avg/max/mdev = \(rtt)/\(rtt)/\(rtt)/0.000 ms")
    }

    /// json: the reply's fields end with seq and rtt_ms, and the summary is one more object.
    @Test func jsonRepliesCarryTheirFiguresAsFields() throws {
        let service = try boundSocket("ping-json-service"), client = try boundSocket("ping-json-client")
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let pinger = Pinger(destination: try service.localAddress(), payload: .fixed(Array("hi".utf8)),
                            printSink: try printSink(.json, to: writeEnd), count: 1, interval: 1, timeout: 5)
        let receiver = Receiver(sinks: [pinger], bufferSize: 1000)
        #expect(try pinger.fire(now: monotonicNanoseconds(), on: client))
        let request = try #require(try receiveAll(service).first)
        try service.send(Array("ho".utf8)[...], to: request.peer)
        _ = try waitReadable([client.descriptor], timeoutMilliseconds: 2000)
        #expect(try receiver.receiveWaiting(on: client, limit: 10) == 1)
        #expect(try !pinger.fire(now: monotonicNanoseconds(), on: client))
        try receiver.finish(receiver.finalStatistics(client))
        close(writeEnd)

        let lines = String(decoding: readAll(readEnd), as: UTF8.self).split(separator: "\n").map(String.init)
        try #require(lines.count == 2, "\(lines)")
        #expect(lines[0].contains(#""text": "ho", "seq": 1, "rtt_ms": "#) && lines[0].hasSuffix("}"))
        #expect(lines[1].hasPrefix(#"{"summary": true, "sent": 1, "received": 1, "duplicates": 0, "late": 0, "loss_pct": 0, "#))
    }
}
