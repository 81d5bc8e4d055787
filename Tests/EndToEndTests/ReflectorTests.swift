import Glibc
import Testing

/// "letter can never serve as a reflector or an amplifier": thousands of real source
/// ports, then thousands of real source addresses, flood `listen --reply/--echo`, and
/// what came back is counted by the flooder itself (Fixtures/peers/flood.py).
@Suite(.serialized) struct ReflectorTests {
    /// What flood.py measured, and what letter's summary says it did.
    struct Outcome: CustomStringConvertible {
        let sent: Int, sentBytes: Int, replies: Int, replyBytes: Int, sources: Int
        /// From the flood's start to the listener's exit: the time letter could reply in.
        let seconds: Double
        let received: Int, dropped: Int, repliesSent: Int, heldBack: Int
        let stderr: String

        var description: String {
            "\(sent) requests (\(sentBytes) B) from \(sources) sources; \(replies) replies came back (\(replyBytes) B); "
                + "letter, in \(seconds) s: received \(received), kernel dropped \(dropped), replied \(repliesSent), "
                + "held back \(heldBack)"
        }
    }

    func flood(_ listenOptions: [String], spread: String, sockets: Int, per: Int, size: Int) throws -> Outcome {
        let listener = try startListener(listenOptions + ["--stats", "-t", "2", "127.0.0.1", "0"])
        let started = now()
        let flooder = try run(Paths.python, [Paths.repository + "/Fixtures/peers/flood.py", "--port", String(listener.port),
                                             "--sockets", String(sockets), "--per", String(per), "--size", String(size),
                                             "--spread", spread, "--wait", "1"], seconds: 120)
        try #require(flooder.status == 0, "flood.py: \(flooder.stderrText)")
        #expect(listener.child.wait(seconds: 30) == 0)
        let seconds = now() - started
        let report = flooder.stdoutText
        let stderr = listener.child.stderrText
        guard let summary = stderr.split(separator: "\n").last(where: { $0.contains("received") }) else {
            throw SpawnError(message: "no summary: \(stderr)")
        }
        func field(_ name: String) -> Double? {
            guard let start = report.firstRange(of: "\"\(name)\": ")?.upperBound else { return nil }
            return Double(report[start...].prefix { $0.isNumber || $0 == "." })
        }
        func figure(_ marker: String) -> Int? {
            guard let end = summary.firstRange(of: marker)?.lowerBound else { return nil }
            return Int(String(summary[..<end].reversed().prefix { $0.isNumber }.reversed()))
        }
        guard let sent = field("sent"), let sentBytes = field("sent_bytes"), let replies = field("replies"),
              let replyBytes = field("reply_bytes"), let sources = field("sources"),
              let received = figure(" datagrams"), let dropped = figure(" dropped by the kernel"), let repliesSent = figure(" replies sent"),
              let heldBack = figure(" held back by the rate limit") else {
            throw SpawnError(message: "cannot read the figures: \(report) / \(summary)")
        }
        return Outcome(sent: Int(sent), sentBytes: Int(sentBytes), replies: Int(replies), replyBytes: Int(replyBytes),
                       sources: Int(sources), seconds: seconds, received: received, dropped: dropped, repliesSent: repliesSent,
                       heldBack: heldBack, stderr: stderr)
    }

    /// 5,000 source ports of 127.0.0.1, 20 one-byte requests each, against 1,000-byte
    /// replies: one sender, so at most its burst plus its rate for the time it ran.
    @Test func thousandsOfPortsOfOneAddressAreOneSender() throws {
        let reply = String(repeating: "r", count: 1000)
        let outcome = try flood(["--reply", reply], spread: "ports", sockets: 5000, per: 20, size: 1)
        print("reflector, 5000 ports: \(outcome)")
        #expect(outcome.sources == 5000)
        #expect(outcome.received + outcome.dropped == outcome.sent, "\(outcome)")
        #expect(outcome.repliesSent + outcome.heldBack == outcome.received, "\(outcome)")
        // Replies letter sent after the flooder stopped listening are not seen by it.
        #expect(outcome.replies <= outcome.repliesSent, "\(outcome)")
        #expect(outcome.replyBytes == outcome.replies * 1000)
        // Burst 10, then 10 a second, for as long as letter ran.
        #expect(outcome.repliesSent <= 10 + Int(10 * outcome.seconds), "\(outcome)")
        #expect(outcome.replyBytes <= outcome.sentBytes, "amplified: \(outcome)")
        let firstReports = outcome.stderr.split(separator: "\n").filter { $0.contains(" held back: ") }
        #expect(firstReports.count == 1, "\(outcome.stderr)")
        #expect(firstReports.first?.contains("held back: more than 10 replies a second to 127.0.0.1 ") == true)
    }

    /// 2,000 source addresses (127.77.x.y), 3 echoed 100-byte requests each: every
    /// sender is under its own limit, so the total limit is what holds.
    @Test func thousandsOfAddressesMeetTheTotalLimit() throws {
        let outcome = try flood(["--echo"], spread: "addresses", sockets: 2000, per: 3, size: 100)
        print("reflector, 2000 addresses: \(outcome)")
        #expect(outcome.sources == 2000)
        #expect(outcome.replyBytes == outcome.replies * 100)
        #expect(outcome.received + outcome.dropped == outcome.sent, "\(outcome)")
        #expect(outcome.repliesSent + outcome.heldBack == outcome.received, "\(outcome)")
        // Replies letter sent after the flooder stopped listening are not seen by it.
        #expect(outcome.replies <= outcome.repliesSent, "\(outcome)")
        #expect(outcome.repliesSent <= 100 + Int(100 * outcome.seconds), "\(outcome)")
        #expect(outcome.stderr.contains("held back: more than 100 replies a second in all"), "\(outcome.stderr)")
    }
}
