import Glibc
import Testing

/// `letter relay` between Python clients and Python servers (Fixtures/peers/oracle.py):
/// the expected lines come from Python's own getsockname, recvfrom and repr, and the
/// clients themselves check that each reply is theirs and comes from the relay's address.
@Suite struct RelayTests {
    /// A Python server (`oracle.py serve`) and its address as its banner gives it.
    struct Server {
        let child: Child
        /// The port (as text) or the unix path: what `oracle.py relay-clients --target` takes.
        let target: String
        /// The `--to` argument for letter.
        let endpoint: String

        /// Ends the server (the test is over with it) and returns the datagrams it received,
        /// as `repr((data, addr))` lines.
        func received() -> [String] {
            child.signal(SIGTERM)
            child.wait()
            return child.stdoutText.split(separator: "\n").map(String.init)
        }
    }

    func startServer(prefix: String?, host: String = "127.0.0.1", count: Int = 100, delay: Double = 0,
                     timeout: Double = 10) throws -> Server {
        let reply = prefix.map { ["--prefix", $0] } ?? []
        let child = try Child(Paths.python, [Paths.oracle, "serve", "--host", host, "--count", String(count),
                                             "--delay", String(delay), "--timeout", String(timeout)] + reply)
        guard let banner = child.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "no banner from the Python server: \(child.stderrText)")
        }
        if host.contains("/") { return Server(child: child, target: host, endpoint: host) }
        let port = String(try portFromTuple(banner))
        return Server(child: child, target: port, endpoint: "127.0.0.1:" + port)
    }

    /// Starts `letter relay ARGS` (listening on port 0 or a path) and waits for its banner
    /// and one `relaying to` line per target.
    func startRelay(_ arguments: [String], targets: Int) throws -> (child: Child, banner: String) {
        let child = try Child(Paths.letter, ["relay"] + arguments)
        child.pump(seconds: 10) { $0.stderrText.components("relaying to") == targets || $0.status != nil }
        guard let banner = child.stderrLine(containing: "listening on"), child.stderrText.components("relaying to") == targets else {
            throw SpawnError(message: "no banner from letter relay \(arguments): \(child.stderrText)")
        }
        return (child, banner)
    }

    /// Runs the Python clients through the relay on `port`; returns the lines the relay should print.
    func clients(relay port: UInt16, servers: [Server], prefixes: [String], clients: Int, format: String = "text",
                 messages: [String]) throws -> String {
        let targets = zip(servers, prefixes).flatMap { ["--target", $0.target, "--prefix", $1] }
        let run = try run(Paths.python, [Paths.oracle, "relay-clients", "--relay-port", String(port), "--clients", String(clients),
                                         "--format", format] + targets + messages)
        #expect(run.status == 0, "the clients failed: \(run.stderrText)")
        return run.stdoutText
    }

    /// Ends the relay with SIGINT and returns its stdout and its summary line.
    func stop(_ relay: Child) throws -> (output: String, summary: Substring) {
        relay.signal(SIGINT)
        #expect(relay.wait() == 0, "\(relay.stderrText)")
        guard let summary = relay.stderrText.split(separator: "\n").last(where: { $0.contains("received") }) else {
            throw SpawnError(message: "no summary from letter relay: \(relay.stderrText)")
        }
        return (relay.stdoutText, summary)
    }

    @Test(arguments: ["text", "tuple", "json", "hex"])
    func twoClientsEachGetTheirOwnRepliesFromTheRelaysAddress(format: String) throws {
        let server = try startServer(prefix: "hi")
        let relay = try startRelay(["-f", format, "127.0.0.1", "0", "--to", server.endpoint], targets: 1)
        let expected = try clients(relay: try portFromTuple(relay.banner), servers: [server], prefixes: ["hi"], clients: 2,
                                   format: format, messages: ["你好", "second\tround"])
        let (output, summary) = try stop(relay.child)
        if format == "json" {
            #expect(try canonicalJSON(output) == expected)
        } else {
            #expect(output == expected)
        }
        // The server saw one peer per client: two distinct source addresses, each twice.
        let received = server.received()
        let sources = received.map { $0[$0.index(after: $0.firstIndex(of: ",")!)...] }  // every line is a tuple
        #expect(received.count == 4)
        #expect(Set(sources).count == 2, "\(received)")
        #expect(number(in: summary, before: " requests") == 4 && summary.contains("forwarded 4 ("), "\(summary)")
        #expect(summary.contains("sessions: 2 opened"), "\(summary)")
    }

    @Test func fanOutSendsEveryDatagramToEachTargetAndBringsEveryReplyBack() throws {
        let first = try startServer(prefix: "one")
        let second = try startServer(prefix: "two")
        let relay = try startRelay(["127.0.0.1", "0", "--to", first.endpoint, "--to", second.endpoint], targets: 2)
        let messages = (1...5).map { "letter \($0)" }
        let expected = try clients(relay: try portFromTuple(relay.banner), servers: [first, second], prefixes: ["one", "two"],
                                   clients: 1, messages: messages)
        let (output, summary) = try stop(relay.child)
        // The two targets' replies to one request may come in either order.
        #expect(output.split(separator: "\n").sorted() == expected.split(separator: "\n").sorted())
        for server in [first, second] {
            // Each target got every datagram, in order.
            let received = server.received()
            let payloads = received.map { $0.split(separator: "'")[1] }
            #expect(payloads.map(String.init) == messages.map { "\($0) from client 0" }, "\(received)")
        }
        #expect(summary.contains("forwarded 10 (") && summary.contains("(to 2 targets each)"), "\(summary)")
        #expect(summary.contains("received 10 replies"), "\(summary)")
    }

    @Test func aClientBeyondMaxSessionsIsRefusedAndCounted() throws {
        let server = try startServer(prefix: "hi")
        let relay = try startRelay(["--max-sessions", "1", "127.0.0.1", "0", "--to", server.endpoint], targets: 1)
        let port = try portFromTuple(relay.banner)
        _ = try clients(relay: port, servers: [server], prefixes: ["hi"], clients: 1, messages: ["first"])
        // A second client gets no answer: its datagrams are refused, not forwarded.
        let second = try run(Paths.python, [Paths.oracle, "relay-clients", "--relay-port", String(port),
                                            "--target", server.target, "--prefix", "hi", "--clients", "1", "again", "more"])
        #expect(second.status != 0 && second.stderrText.contains("timed out"), "\(second.stderrText)")
        let (_, summary) = try stop(relay.child)
        #expect(summary.contains("sessions: 1 opened, 0 expired, 1 refused"), "\(summary)")
        #expect(summary.contains("1 request refused (no session)"), "\(summary)")
        #expect(server.received().count == 1)
        #expect(relay.child.stderrText.contains("the session table is full (--max-sessions 1)"))
    }

    /// With --idle 1 a session whose server answers after 1.5 s has expired: the late reply
    /// is counted, not passed on, and the summary comes unasked because something was lost.
    @Test func aReplyAfterItsSessionExpiredIsCounted() throws {
        let server = try startServer(prefix: "late", count: 1, delay: 1.5)
        let relay = try Child(Paths.letter, ["relay", "--idle", "1", "-t", "3", "127.0.0.1", "0", "--to", server.endpoint])
        guard let banner = relay.stderrLine(containing: "listening on") else { throw SpawnError(message: relay.stderrText) }
        let sent = try run(Paths.python, [Paths.oracle, "send", "127.0.0.1", String(try portFromTuple(banner)), hex(bytes("ping"))])
        #expect(sent.status == 0)
        #expect(relay.wait(seconds: 15) == 0, "\(relay.stderrText)")
        let summary = relay.stderrText.split(separator: "\n").last { $0.contains("received") } ?? ""
        #expect(summary.contains("sessions: 1 opened, 1 expired, 0 refused"), "\(summary)")
        #expect(summary.contains("received 1 reply") && summary.contains("forwarded 0 (0 bytes); sessions"), "\(summary)")
        #expect(summary.contains("1 reply after their session expired"), "\(summary)")
        #expect(server.child.wait() == 0)
    }

    /// UDP in, unix out and back: the Python server is an AF_UNIX socket; letter's upstream
    /// socket autobinds so the server can answer it.
    @Test func bridgesUDPClientsToAUnixServer() throws {
        let directory = try TemporaryDirectory("relay")
        let server = try startServer(prefix: "hi", host: directory.path + "/server.sock")
        let relay = try startRelay(["127.0.0.1", "0", "--to", server.endpoint], targets: 1)
        let expected = try clients(relay: try portFromTuple(relay.banner), servers: [server], prefixes: ["hi"], clients: 2,
                                   messages: ["over unix"])
        let (output, summary) = try stop(relay.child)
        #expect(output == expected)
        #expect(summary.contains("received 2 replies") && summary.contains("send failures: 0 requests, 0 replies"), "\(summary)")
        // Each session's socket has an abstract name of its own.
        let received = server.received()
        #expect(Set(received.map { $0.split(separator: ",").last! }).count == 2, "\(received)")
    }

    /// A unix relay carries a datagram longer than 65535 bytes whole, both ways: its
    /// default --bufsize holds the largest datagram each unix socket receives, and its
    /// send buffers widen for one longer than they let out (300,000 bytes > 212,960).
    @Test func aLongUnixDatagramIsRelayedWholeBothWays() throws {
        let directory = try TemporaryDirectory("relay")
        let relayPath = directory.path + "/relay.sock", serverPath = directory.path + "/server.sock"
        // The server answers what it receives with itself reversed; the client checks the
        // reply and prints the lengths as Python's recvfrom saw them.
        let server = try Child(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            s.bind(sys.argv[1]); s.settimeout(10)
            print("listening on", file=sys.stderr, flush=True)
            data, address = s.recvfrom(1 << 20)
            s.sendto(data[::-1], address)
            print(len(data), flush=True)
            """, serverPath])
        try #require(server.stderrLine(containing: "listening on") != nil, "\(server.stderrText)")
        // -q: a 200 kB line on a pipe nobody reads yet would hold the relay up.
        let relay = try startRelay(["-q", "-t", "10", relayPath, "--to", serverPath], targets: 1)
        let client = try run(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            s.bind(sys.argv[2]); s.settimeout(10)
            data = bytes(range(256)) * 1172  # 300,032 bytes
            s.sendto(data, sys.argv[1])
            reply, _ = s.recvfrom(1 << 20)
            assert reply == data[::-1], (len(reply), len(data))
            print(len(data))
            """, relayPath, directory.path + "/client.sock"])
        #expect(client.status == 0, "\(client.stderrText)")
        #expect(server.wait() == 0)
        #expect(server.stdoutText == client.stdoutText)
        relay.child.signal(SIGTERM)
        #expect(relay.child.wait() == 0)
        #expect(relay.child.stderrText.contains(
            "received 1 request (300032 bytes) from 1 client; forwarded 1 (300032 bytes); received 1 reply (300032 bytes); "
            + "forwarded 1 (300032 bytes)") && relay.child.stderrText.contains("; 0 truncated;"), "\(relay.child.stderrText)")
    }

    /// `logger -u` sends from an unnamed unix socket: its datagram goes on to UDP, and the
    /// reply, which has nowhere to go, is counted.
    @Test func anUnnamedUnixClientIsRelayedAndItsReplyCounted() throws {
        guard let logger = requirePeer("logger", package: "bsdutils") else { return }
        let directory = try TemporaryDirectory("relay")
        let path = directory.path + "/log.sock"
        let server = try startServer(prefix: "ack", count: 1)
        let relay = try startRelay(["-t", "2", path, "--to", server.endpoint], targets: 1)
        #expect(try run(logger, ["-u", path, "relayed by letter"]).status == 0)
        #expect(relay.child.wait() == 0, "\(relay.child.stderrText)")
        #expect(server.child.wait() == 0)
        // What the server received is what the relay printed, from None to the server.
        let check = try run(Paths.python, ["-c", """
            import ast, sys
            data, addr = ast.literal_eval(sys.argv[1])
            assert b"relayed by letter" in data, data
            print(data.decode(), None, "->", ("127.0.0.1", int(sys.argv[2])))
            """, server.received().first ?? "", server.target])
        #expect(check.status == 0, "\(check.stderrText)")
        #expect(relay.child.stdoutText.split(separator: "\n").first.map(String.init) == check.stdoutText.split(separator: "\n").first.map(String.init))
        #expect(relay.child.stderrText.contains("1 reply to unnamed clients not delivered"), "\(relay.child.stderrText)")
    }

    /// A full-speed blast into a small receive buffer: every request is forwarded or
    /// counted, and the relay's count plus the kernel's drops is what blast sent, exactly.
    @Test func aBlastIsForwardedOrCounted() throws {
        guard let blast = try LossAccountingTests().compileBlast() else { return }
        defer { LossAccountingTests().removeBlast(blast) }
        // The target takes the datagrams and never reads them: its own loss is not the relay's.
        let target = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(target) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: UInt32(0x7f00_0001).bigEndian),
                                  sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { name in
                guard bind(target, name, length) == 0, getsockname(target, name, &length) == 0 else {
                    throw SpawnError(message: "cannot bind the target: \(String(cString: strerror(errno)))")
                }
            }
        }
        let targetPort = UInt16(bigEndian: address.sin_port)
        let relay = try startRelay(["-q", "--rcvbuf", "65536", "--stats", "-t", "2", "127.0.0.1", "0",
                                    "--to", "127.0.0.1:\(targetPort)"], targets: 1)
        let sent = 100_000
        let sender = try Child(blast, [String(try portFromTuple(relay.banner)), String(sent), "x"], closeStdin: true)
        #expect(sender.wait(seconds: 30) == 0, "blast: \(sender.stderrText)")
        #expect(relay.child.wait(seconds: 20) == 0, "\(relay.child.stderrText)")
        let summary = relay.child.stderrText.split(separator: "\n").last { $0.contains("received") } ?? ""
        print("relay loss accounting: \(summary)")
        let received = try #require(number(in: summary, before: " requests"), "\(summary)")
        let forwarded = try #require(number(in: summary, after: "; forwarded "), "\(summary)")
        let failed = try #require(number(in: summary, before: " requests, "), "\(summary)")
        let dropped = try #require(number(in: summary, before: " on the listening socket"), "\(summary)")
        #expect(forwarded + failed == received, "\(summary)")
        #expect(received + dropped == sent, "\(summary)")
    }

    @Test(arguments: [
        (["0"], "missing --to"),
        (["--reply", "hi", "0", "--to", "127.0.0.1:9"], "unknown option '--reply'"),
        (["--echo", "0", "--to", "127.0.0.1:9"], "unknown option '--echo'"),
        (["-q", "-f", "json", "0", "--to", "127.0.0.1:9"], "-q prints none"),
        (["0", "--to", "localhost"], "invalid target 'localhost'"),
        (["0", "--to", "127.0.0.1:9", "--max-sessions", "0"], "--max-sessions"),
        (["/tmp/x.sock", "--allow", "127.0.0.1/32", "--to", "127.0.0.1:9"], "--allow applies to internet sockets"),
    ])
    func usageErrorsExit2WithOneLine(arguments: [String], message: String) throws {
        let result = try run(Paths.letter, ["relay"] + arguments)
        #expect(result.status == 2)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(message) && lines[0].hasPrefix("letter relay: "), "\(result.stderrText)")
    }
}

/// The whole number that starts just after `marker` in `text`.
private func number(in text: Substring, after marker: String) -> Int? {
    guard let start = text.firstRange(of: marker)?.upperBound else { return nil }
    return Int(String(text[start...].prefix { $0.isNumber }))
}

extension String {
    /// How many times `marker` occurs.
    func components(_ marker: String) -> Int { split(separator: marker, omittingEmptySubsequences: false).count - 1 }
}

/// JSON lines with their keys sorted by Python, to compare with the oracle's.
func canonicalJSON(_ lines: String) throws -> String {
    let canon = try run(Paths.python, [Paths.oracle, "canon-json"], input: Array(lines.utf8))
    #expect(canon.status == 0, "\(canon.stderrText)")
    return canon.stdoutText
}

/// A relay never amplifies and never loops: at most 64 targets, none twice, and never its
/// own listening address (bound to it, or to every interface on its port).
@Suite struct RelayLimitTests {
    @Test func itsOwnAddressIsRefused() throws {
        let port = try freePort()
        let directory = try TemporaryDirectory("relay-loop")
        // However the target is spelt: a trial looped through a mapped address and a second slash.
        for (listen, target) in [(["127.0.0.1", port], "127.0.0.1:\(port)"), (["0.0.0.0", port], "127.0.0.1:\(port)"),
                                 (["127.0.0.1", port], "[::ffff:127.0.0.1]:\(port)"), (["127.0.0.1", port], "127.1:\(port)"),
                                 ([directory.path + "/r.sock"], directory.path + "//r.sock")] {
            let relay = try run(Paths.letter, ["relay", "-t", "1"] + listen + ["--to", target])
            #expect(relay.status == 2, "\(listen) --to \(target): \(relay.stderrText)")
            #expect(relay.stderrText.contains("is this relay's own listening address"), "\(relay.stderrText)")
        }
    }

    /// The same target spelt two ways is still the same target: one datagram in would be
    /// two out to it (a trial got 64 out of one with 64 spellings of 127.0.0.1).
    @Test func aTargetSpeltTwoWaysIsRefused() throws {
        let directory = try TemporaryDirectory("relay-twice")
        let file = directory.path + "/t.sock"
        try writeFile(file, "")  // any file: what is compared is its device and inode
        for (first, second) in [("127.0.0.1:9", "127.1:9"), ("127.0.0.1:9", "[::ffff:127.0.0.1]:9"), ("127.0.0.1:9", "2130706433:9"),
                                (file, directory.path + "/./t.sock")] {
            let relay = try run(Paths.letter, ["relay", "-t", "1", "127.0.0.1", "0", "--to", first, "--to", second])
            #expect(relay.status == 2, "\(first) and \(second): \(relay.stderrText)")
            #expect(relay.stderrText.contains("--to '\(second)' is '\(first)' again ("), "\(relay.stderrText)")
            #expect(relay.stderrText.split(separator: "\n").count == 1, "\(relay.stderrText)")
        }
    }

    @Test func aTargetTwiceAndMoreThan64AreRefused() throws {
        let twice = try run(Paths.letter, ["relay", "127.0.0.1", "0", "--to", "127.0.0.1:9", "--to", "127.0.0.1:9"])
        #expect(twice.status == 2)
        #expect(twice.stderrText.contains("--to '127.0.0.1:9' is given twice"), "\(twice.stderrText)")
        let many = try run(Paths.letter, ["relay", "127.0.0.1", "0"] + (1...65).flatMap { ["--to", "127.0.0.1:\(1000 + $0)"] })
        #expect(many.status == 2)
        #expect(many.stderrText.contains("65 --to targets: a relay takes at most 64"), "\(many.stderrText)")
    }
}
