import Glibc
import Testing

/// "letter can never serve as a reflector or an amplifier": thousands of real source
/// ports, then thousands of real source addresses, flood `listen --reply/--echo`, and
/// what came back is counted by the flooder itself (Fixtures/peers/flood.py). The flood
/// comes from another host — a network namespace over a veth pair — as a real one would:
/// loopback senders are not limited (only this host can send from 127/8).
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

    /// The listener on host 1 (10.77.0.1), the flood from host 2: from 10.77.0.2, or from
    /// addresses 10.78.X.Y that host 2 takes as its own (a local route) and host 1 routes back.
    func flood(_ listenOptions: [String], spread: String, sockets: Int, per: Int, size: Int) throws -> Outcome? {
        guard let network = TestNetwork.make("reflector", hosts: 2) else { return nil }
        defer { network.remove() }
        let (server, attacker) = (network.hosts[0], network.hosts[1])
        try network.configure(attacker, ["route", "add", "local", "10.78.0.0/16", "dev", "lo"])
        try network.configure(server, ["route", "add", "10.78.0.0/16", "via", attacker.address(.ipv4)])
        let listener = try network.start(on: server, ["listen"] + listenOptions + ["--stats", "-t", "2", server.address(.ipv4), "0"],
                                         ready: "listening on")
        guard let banner = listener.stderrLine(containing: "listening on") else { throw SpawnError(message: listener.stderrText) }
        let port = try portFromTuple(banner)
        let started = now()
        let flooder = try network.execute(on: attacker, Paths.python, [
            Paths.repository + "/Fixtures/peers/flood.py", "--port", String(port), "--target", server.address(.ipv4),
            "--source", attacker.address(.ipv4), "--net", "10.78", "--sockets", String(sockets), "--per", String(per),
            "--size", String(size), "--spread", spread, "--wait", "1"], seconds: 120)
        try #require(flooder.status == 0, "flood.py: \(flooder.stderrText)")
        #expect(listener.wait(seconds: 30) == 0)
        let seconds = now() - started
        let report = flooder.stdoutText
        let stderr = listener.stderrText
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

    /// 5,000 source ports of one address, 20 one-byte requests each, against 1,000-byte
    /// replies: one sender, so at most its burst plus its rate for the time it ran.
    @Test func thousandsOfPortsOfOneAddressAreOneSender() throws {
        let reply = String(repeating: "r", count: 1000)
        guard let outcome = try flood(["--reply", reply], spread: "ports", sockets: 5000, per: 20, size: 1) else { return }
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
        #expect(firstReports.first?.contains("held back: more than 10 replies a second to 10.77.0.2 ") == true, "\(firstReports)")
    }

    /// 2,000 source addresses (10.78.x.y), 3 echoed 100-byte requests each: every
    /// sender is under its own limit, so the total limit is what holds.
    @Test func thousandsOfAddressesMeetTheTotalLimit() throws {
        guard let outcome = try flood(["--echo"], spread: "addresses", sockets: 2000, per: 3, size: 100) else { return }
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

/// Loopback and unix senders are not limited: only this host can send from them, so
/// `ping -i 0` against `listen --echo` shows no loss that is only the limit. Python
/// sends 200 requests back to back and counts the echoes it gets.
@Suite struct LoopbackRepliesTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func aLoopbackSenderGetsEveryEcho(host: String) throws {
        let listener = try startListener(["--echo", "--stats", "-c", "200", "-t", "10", host, "0"])
        let flooder = try run(Paths.python, ["-c", """
            import socket, sys
            family = socket.AF_INET6 if ':' in sys.argv[1] else socket.AF_INET
            s = socket.socket(family, socket.SOCK_DGRAM)
            s.settimeout(5)
            for i in range(200):
                s.sendto(b'%d' % i, (sys.argv[1], int(sys.argv[2])))
            echoes = 0
            try:
                while echoes < 200:
                    s.recvfrom(100)
                    echoes += 1
            except socket.timeout:
                pass
            print(echoes)
            """, host, String(listener.port)])
        #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
        #expect(flooder.stdoutText == "200\n", "\(listener.child.stderrText)")
        #expect(!listener.child.stderrText.contains("held back:"), "\(listener.child.stderrText)")
    }
}
