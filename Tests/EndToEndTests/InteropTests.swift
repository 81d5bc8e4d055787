import Glibc
import Testing

/// letter against the peers people already use: socat and OpenBSD netcat.
@Suite struct InteropTests {
    @Test func socatSendsToLetterListen() throws {
        guard let socat = requirePeer("socat") else { return }
        let listener = try startListener(["-e", "gbk", "-c", "1", "-t", "10", "127.0.0.1", "0"])
        let sender = try run(socat, ["-u", "-", "UDP-SENDTO:127.0.0.1:\(listener.port)"], input: [0xC4, 0xE3, 0xBA, 0xC3])
        #expect(sender.status == 0, "\(sender.stderrText)")
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stdoutText.hasPrefix("你好 ('127.0.0.1', "))
    }

    @Test func netcatSendsToLetterListen() throws {
        guard let nc = requirePeer("nc") else { return }
        let listener = try startListener(["-c", "1", "-t", "10", "127.0.0.1", "0"])
        // -q 0: quit once stdin is read and sent (-w 0 may quit before reading it).
        let sender = try run(nc, ["-u", "-q", "0", "127.0.0.1", String(listener.port)], input: bytes("hello from nc\n"))
        #expect(sender.status == 0, "\(sender.stderrText)")
        #expect(listener.child.wait() == 0)
        // nc sends the line with its newline; letter shows it escaped, keeping one line.
        #expect(listener.child.stdoutText.hasPrefix("hello from nc\\n ('127.0.0.1', "))
    }

    @Test func letterSendReachesSocat() throws {
        guard let socat = requirePeer("socat") else { return }
        let port = freeUDPPort()
        let receiver = try Child(socat, ["-u", "UDP-RECV:\(port),bind=127.0.0.1", "-"])
        // socat binds as it starts; retry the send until it has heard the letter (bounded).
        var attempts = 0
        while receiver.stdout.isEmpty && attempts < 50 {
            _ = try run(Paths.letter, ["send", "-e", "gbk", "127.0.0.1", String(port), "你好"])
            receiver.pump(seconds: 0.1) { !$0.stdout.isEmpty }
            attempts += 1
        }
        receiver.signal(SIGTERM)
        receiver.wait()
        #expect(Array(receiver.stdout.prefix(4)) == [0xC4, 0xE3, 0xBA, 0xC3])
    }

    @Test func letterSendReachesNetcat() throws {
        guard let nc = requirePeer("nc") else { return }
        let port = freeUDPPort()
        let receiver = try Child(nc, ["-u", "-l", "127.0.0.1", String(port)])
        var attempts = 0
        while receiver.stdout.isEmpty && attempts < 50 {
            _ = try run(Paths.letter, ["send", "127.0.0.1", String(port), "hi nc"])
            receiver.pump(seconds: 0.1) { !$0.stdout.isEmpty }
            attempts += 1
        }
        receiver.signal(SIGTERM)
        receiver.wait()
        #expect(receiver.stdoutText.hasPrefix("hi nc"))
    }

    @Test func letterSendWaitGetsSocatsReply() throws {
        guard let socat = requirePeer("socat") else { return }
        // socat echoes every datagram back to its sender: a one-line UDP echo server.
        let port = freeUDPPort()
        let echo = try Child(socat, ["UDP-RECVFROM:\(port),bind=127.0.0.1,fork", "EXEC:cat"])
        defer { echo.signal(SIGTERM); echo.wait() }
        var reply: Child?
        for _ in 0..<20 {
            let attempt = try run(Paths.letter, ["send", "-w", "-t", "0.5", "127.0.0.1", String(port), "echo me"])
            if attempt.status == 0 { reply = attempt; break }
        }
        #expect(reply?.stdoutText == "echo me ('127.0.0.1', \(port))\n")
    }
}
