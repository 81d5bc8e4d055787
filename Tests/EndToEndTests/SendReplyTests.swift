import Glibc
import Testing

/// `send -w` as a health check and for discovery, against Python services
/// (Fixtures/peers/reply_server.py), which print the line letter must print for each
/// reply (its text and the address Python's socket answered from).
@Suite struct SendReplyTests {
    func service(_ mode: String, _ extra: [String] = []) throws -> (Child, UInt16) {
        let server = try Child(Paths.python, [Paths.repository + "/Fixtures/peers/reply_server.py", mode] + extra)
        guard let banner = server.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "reply_server did not start: \(server.stderrText)")
        }
        return (server, try portFromTuple(banner))
    }

    /// `letter send OPTIONS HOST PORT ping` to a service run in `mode`: letter's stdout
    /// must be the lines the service says it must print; returns letter for the rest.
    func exchange(_ mode: String, _ serviceOptions: [String], _ options: [String], host: String = "127.0.0.1") throws
        -> (send: Child, expected: String, port: UInt16) {
        let (server, port) = try service(mode, serviceOptions)
        let send = try run(Paths.letter, ["send"] + options + [host, String(port), "ping"])
        server.wait()
        #expect(send.stdoutText == server.stdoutText, "\(send.stderrText)")
        return (send, server.stdoutText, port)
    }

    @Test func aMatchingReplyExitsZero() throws {
        let send = try exchange("answer", ["--text", "pong 42"], ["-w", "-t", "5", "--expect", "pong"]).send
        #expect(send.status == 0)
        #expect(send.stderrText == "")
    }

    @Test func aMismatchIsPrintedThenSaidAndExitsOne() throws {
        let send = try exchange("answer", ["--text", "busy"], ["-w", "-t", "5", "--expect", "pong"]).send
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: reply did not match --expect 'pong'\n")
    }

    @Test func expectHexChecksTheBytes() throws {
        for (pattern, status) in [("6f:6e", Int32(0)), ("0x6f6f", 1)] {
            let send = try exchange("answer", ["--text", "pong"], ["-w", "-t", "5", "--expect-hex", pattern]).send
            #expect(send.status == status, "\(pattern)")
            #expect(send.stderrText == (status == 0 ? "" : "letter send: reply did not match --expect-hex '\(pattern)'\n"))
        }
    }

    /// A silent service: `no reply`, after -t and not much later.
    @Test func aSilentServiceIsNoReply() throws {
        let (server, port) = try service("silent", ["--timeout", "3"])
        let started = now()
        let send = try run(Paths.letter, ["send", "-w", "-t", "0.5", "--expect", "pong", "127.0.0.1", String(port), "ping"])
        let elapsed = now() - started
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: no reply within 0.5 s\n")
        #expect(elapsed >= 0.5 && elapsed < 1.5, "\(elapsed) s")
        server.signal(SIGTERM)
        server.wait()
    }

    /// A closed port: `port unreachable`, at once.
    @Test func aClosedPortIsUnreachable() throws {
        let closed = try startListener(["-t", "0.1", "127.0.0.1", "0"])
        #expect(closed.child.wait() == 0)
        let started = now()
        let send = try run(Paths.letter, ["send", "-w", "-t", "5", "--expect", "pong", "127.0.0.1", String(closed.port), "ping"])
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: port unreachable: nothing listens at ('127.0.0.1', \(closed.port)) (ICMP port unreachable)\n")
        #expect(now() - started < 1)
    }

    /// --all prints all three answers and waits -t after the last before it ends.
    @Test func allPrintsEveryReplyAndWaitsAfterTheLast() throws {
        let started = now()
        let (send, expected, _) = try exchange("answer", ["--text", "pong", "--times", "3", "--gap", "0.4"],
                                               ["-w", "--all", "-t", "0.7"])
        let elapsed = now() - started
        #expect(send.status == 0)
        #expect(expected.split(separator: "\n").count == 3)
        // The replies span 0.8 s; then 0.7 s of quiet (each gap is shorter than -t).
        #expect(elapsed >= 1.5 && elapsed < 2.5, "\(elapsed) s")
    }

    /// Without --all the first reply ends the wait; later ones are not printed.
    @Test func withoutAllTheFirstReplyEndsTheWait() throws {
        let (server, port) = try service("answer", ["--text", "pong", "--times", "3", "--gap", "0.3"])
        let send = try run(Paths.letter, ["send", "-w", "-t", "5", "127.0.0.1", String(port), "ping"])
        server.wait()
        #expect(send.status == 0)
        #expect(send.stdoutText == String(server.stdoutText.split(separator: "\n")[0]) + "\n")
    }

    /// A TFTP server answers from a new port: that is the destination's address, a reply.
    @Test func anAnswerFromAnotherPortIsAccepted() throws {
        let (send, expected, port) = try exchange("new-port", ["--text", "DATA"], ["-w", "-t", "5"])
        #expect(send.status == 0)
        #expect(!expected.contains("\(port))"), "the answer came from another port")
    }

    /// A datagram from another address is not the reply: ignored, counted, said at the end.
    @Test func aThirdPartyIsIgnoredAndCounted() throws {
        let send = try exchange("third-party", ["--text", "pong"], ["-w", "-t", "5", "--expect", "pong"]).send
        #expect(send.status == 0)
        #expect(send.stderrText == "letter send: ignored 1 datagram from other addresses\n")
    }

    /// Discovery: a broadcast on loopback (127.255.255.255; never 255.255.255.255), three
    /// responders sharing the port, each answering from its own address: one line each.
    @Test func broadcastDiscoveryListsEveryDevice() throws {
        let (send, expected, _) = try exchange("broadcast", ["--text", "device", "--times", "3"],
                                               ["--broadcast", "-w", "--all", "-t", "1"], host: "127.255.255.255")
        #expect(send.status == 0)
        #expect(Set(expected.split(separator: "\n").map { $0.split(separator: "'")[1] }).count == 3, "three addresses")
        #expect(send.stderrText == "")
    }

    @Test func checksWithoutWaitAreUsageErrors() throws {
        for option in [["--all"], ["--expect", "pong"], ["--expect-hex", "70"]] {
            let send = try run(Paths.letter, ["send"] + option + ["127.0.0.1", "9", "ping"])
            #expect(send.status == 2)
            #expect(send.stderrText.hasPrefix("letter send: \(option[0]) checks replies; it goes with -w"), "\(send.stderrText)")
        }
        let badHex = try run(Paths.letter, ["send", "-w", "--expect-hex", "de a", "127.0.0.1", "9", "ping"])
        #expect(badHex.status == 2)
        #expect(badHex.stderrText.hasPrefix("letter send: invalid value 'de a' for '--expect-hex': column 4:"))
    }
}
