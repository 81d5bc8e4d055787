import Glibc
import Testing
@testable import LetterCore

/// A unix datagram peer that answers on a thread of its own while `Pinger.run` holds the
/// test's: each request it receives (at most `requests`, each waited for at most two
/// seconds, so the thread always ends) is answered with what `answer` makes of it.
private final class AnsweringPeer {
    let socket: DatagramSocket
    let requests: Int
    let answer: ([UInt8]) -> [[UInt8]]
    private var thread = pthread_t()

    init(_ socket: consuming DatagramSocket, requests: Int, answer: @escaping ([UInt8]) -> [[UInt8]]) throws {
        self.socket = socket
        self.requests = requests
        self.answer = answer
        // The thread holds the peer until it ends; `join` waits for that.
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { context in
            // pthread_create hands back the pointer it was given: never nil.
            let peer = Unmanaged<AnsweringPeer>.fromOpaque(context!).takeRetainedValue()
            peer.serve()
            return nil
        }, context)
        guard status == 0 else {
            Unmanaged<AnsweringPeer>.fromOpaque(context).release()
            throw SystemCallError(call: "pthread_create", errno: Errno(rawValue: status))
        }
    }

    private func serve() {
        let batch = ReceiveBatch(capacity: 1, bufferSize: 65536)
        for _ in 0..<requests {
            guard (try? waitReadable([socket.descriptor], timeoutMilliseconds: 2000)[0]) == true,
                  (try? socket.receive(into: batch, limit: 1)) == 1 else { return }
            let request = Array(batch.datagram(0).payload), sender = batch.datagram(0).peer
            for reply in answer(request) { try? socket.send(reply[...], to: sender) }
        }
    }

    func join() { pthread_join(thread, nil) }
}

/// `Pinger.run` over real unix datagram sockets: requests to a peer that answers on its
/// own thread, replies printed through ping's printer into a pipe, and the report's counts.
@Suite struct PingerTests {
    /// What a run printed and counted.
    struct Run {
        let replied: Bool
        /// The reply lines (ping's, ` bytes from ` in them), then the summary's lines.
        let lines: [String]
        let report: PingReport
    }

    static func settings(count: Int, timeout: Double = 2, quiet: Bool = false, expect: String? = nil) -> PingSettings {
        var settings = PingSettings()
        settings.count = count
        // The next request as soon as the previous is done: no test waits out an interval.
        settings.interval = 0
        settings.timeout = timeout
        settings.quiet = quiet
        settings.expectation = expect.map(ReplyExpectation.init(text:))
        return settings
    }

    /// Pings `destination` from `socket` as `settings` say, the peer (if any) answering.
    static func ping(_ destination: Peer, from socket: borrowing DatagramSocket, payload: Pinger.Payload,
                     settings: PingSettings) throws -> Run {
        let (readEnd, writeEnd) = try pipeDescriptors()
        defer { close(readEnd) }
        let sink = PrintSink(printer: PingPrinter(), encodingName: "", output: OutputBuffer(descriptor: writeEnd))
        let pinger = Pinger(destination: destination, payload: payload, printSink: sink, settings: settings,
                            expectDecoder: settings.expectation == nil ? nil : try makeDecoder("utf-8", .replace))
        let replied = try pinger.run(on: socket, bufferSize: nil, signals: -1)
        close(writeEnd)
        var statistics = ReceiveStatistics()
        pinger.contribute(to: &statistics)
        let text = String(decoding: readAll(readEnd), as: UTF8.self)
        return Run(replied: replied, lines: text.split(separator: "\n").map(String.init), report: try #require(statistics.ping))
    }

    /// ping(8)'s reply line up to its time: `12 bytes from ADDR: seq=1 time=`.
    static func replyStart(bytes: Int, from peer: Peer, seq: Int) -> String {
        "\(bytes) bytes from \(peer.pythonRepr): seq=\(seq) time="
    }

    /// Whether `line` is that reply line with a time in milliseconds (three decimals, under
    /// the two-second timeout) and then `note`.
    static func isReply(_ line: String, _ start: String, note: String = "") -> Bool {
        guard line.hasPrefix(start), line.hasSuffix(" ms" + note) else { return false }
        let time = line.dropFirst(start.count).dropLast(3 + note.count)
        guard let milliseconds = Double(time), let point = time.firstIndex(of: ".") else { return false }
        return milliseconds >= 0 && milliseconds < 2000 && time[point...].count == 4
    }

    static let id = "t"

    /// What request `seq` holds, by the payload's own definition.
    static func request(_ payload: Pinger.Payload, seq: Int) -> [UInt8] {
        switch payload {
        case .numbered(let id, let size):
            let text = Array("letter-ping \(id) seq=\(seq)".utf8)
            return text + Array(repeating: UInt8(ascii: " "), count: max(0, (size ?? 0) - text.count))
        case .fixed(let bytes):
            return bytes
        }
    }

    @Test(arguments: [Pinger.Payload.numbered(id: id, size: nil), .numbered(id: id, size: 40), .fixed([0, 0xff, 0x0a])])
    func eachEchoedRequestIsOneLineWithItsSeqAndTime(payload: Pinger.Payload) throws {
        // The cases run at once: each binds names of its own (the requests' lengths differ).
        let name = "ping-echo-\(Self.request(payload, seq: 1).count)"
        let socket = try boundSocket(name), peerSocket = try boundSocket(name + "-peer")
        let destination = try peerSocket.localAddress()
        var received: [[UInt8]] = []
        let peer = try AnsweringPeer(peerSocket, requests: 3) { request in
            received.append(request)
            return [request]
        }
        let run = try Self.ping(destination, from: socket, payload: payload, settings: Self.settings(count: 3))
        peer.join()
        let sent = (1...3).map { Self.request(payload, seq: $0) }
        #expect(received == sent)
        #expect(run.replied && run.report.received == 3 && run.report.counts == PingCounts(transmitted: 3))
        #expect(zip(run.lines.prefix(3), 1...3).allSatisfy { line, seq in
            Self.isReply(line, Self.replyStart(bytes: sent[seq - 1].count, from: destination, seq: seq))
        })
        // iputils' statistics line.
        #expect(run.lines.contains { $0.hasPrefix("3 packets transmitted, 3 received, 0% packet loss") })
    }

    /// An answer naming a request never sent, then the answer, then the answer again; and
    /// a datagram from a third socket, which no request went to.
    @Test func duplicatesUnmatchedRepliesAndStrangersAreToldApart() throws {
        let socket = try boundSocket("ping-odd"), peerSocket = try boundSocket("ping-odd-peer")
        let stranger = try boundSocket("ping-odd-stranger")
        let destination = try peerSocket.localAddress()
        let payload = Pinger.Payload.numbered(id: Self.id, size: nil)
        let unknown = Self.request(payload, seq: 99)
        try stranger.send(Self.request(payload, seq: 1)[...], to: try socket.localAddress())
        let peer = try AnsweringPeer(peerSocket, requests: 2) { request in
            request == Self.request(payload, seq: 1) ? [unknown, request, request] : [request]
        }
        let run = try Self.ping(destination, from: socket, payload: payload, settings: Self.settings(count: 2))
        peer.join()
        let length = Self.request(payload, seq: 1).count
        let replies = run.lines.filter { $0.contains(" bytes from ") }
        try #require(replies.count == 4)
        #expect(replies.first == "\(unknown.count) bytes from \(destination.pythonRepr): (unmatched)")
        #expect(Self.isReply(replies[1], Self.replyStart(bytes: length, from: destination, seq: 1)))
        #expect(replies[2] == "\(length) bytes from \(destination.pythonRepr): seq=1 (DUP!)")
        #expect(Self.isReply(replies[3], Self.replyStart(bytes: length, from: destination, seq: 2)))
        #expect(run.report.counts == PingCounts(transmitted: 2, duplicates: 1, unmatched: 1))
        #expect(run.replied && run.report.received == 2)
    }

    /// --expect: a reply without the text closes its request but is not received.
    @Test(arguments: [("seq=", true), ("pong", false)])
    func expectDecidesWhatCountsAsReceived(expected: String, matches: Bool) throws {
        // The cases run at once: each binds names of its own.
        let socket = try boundSocket("ping-expect-\(expected)"), peerSocket = try boundSocket("ping-expect-\(expected)-peer")
        let destination = try peerSocket.localAddress()
        let peer = try AnsweringPeer(peerSocket, requests: 1) { [$0] }
        let payload = Pinger.Payload.numbered(id: Self.id, size: nil)
        let run = try Self.ping(destination, from: socket, payload: payload, settings: Self.settings(count: 1, expect: expected))
        peer.join()
        let start = Self.replyStart(bytes: Self.request(payload, seq: 1).count, from: destination, seq: 1)
        #expect(run.lines.first.map { Self.isReply($0, start, note: matches ? "" : " (mismatch)") } == true)
        #expect(run.replied == matches && run.report.received == (matches ? 1 : 0))
        #expect(run.report.counts == PingCounts(transmitted: 1, mismatched: matches ? 0 : 1))
    }

    @Test func quietPrintsNoReplyLinesButCountsThem() throws {
        let socket = try boundSocket("ping-quiet"), peerSocket = try boundSocket("ping-quiet-peer")
        let destination = try peerSocket.localAddress()
        let peer = try AnsweringPeer(peerSocket, requests: 2) { [$0] }
        let run = try Self.ping(destination, from: socket, payload: .fixed([1]), settings: Self.settings(count: 2, quiet: true))
        peer.join()
        #expect(!run.lines.contains { $0.contains(" bytes from ") })
        #expect(run.replied && run.report.received == 2 && run.report.counts == PingCounts(transmitted: 2))
    }

    /// A peer that never reads: the request is given up on after the timeout.
    @Test func anUnansweredRequestIsGivenUpOnAfterTheTimeout() throws {
        let socket = try boundSocket("ping-silent"), silent = try boundSocket("ping-silent-peer")
        let began = monotonicNanoseconds()
        let run = try Self.ping(try silent.localAddress(), from: socket, payload: .fixed([1]),
                                settings: Self.settings(count: 1, timeout: 0.2))
        let took = monotonicNanoseconds() - began
        #expect(!run.replied && run.report.received == 0 && run.report.counts == PingCounts(transmitted: 1))
        #expect(took >= 200_000_000 && took < 2_000_000_000)
        #expect(try receiveAll(silent).map(\.payload) == [[1]])
    }

    /// Nobody holds the destination's name: each send fails, is an error, and ping goes on.
    @Test func aRefusedSendIsAnErrorAndTheNextRequestStillGoes() throws {
        let socket = try boundSocket("ping-refused")
        let run = try Self.ping(.abstract(abstractName("ping-nobody")), from: socket, payload: .fixed([1]),
                                settings: Self.settings(count: 2))
        #expect(!run.replied && run.report.counts == PingCounts(transmitted: 2, errors: 2))
    }
}
