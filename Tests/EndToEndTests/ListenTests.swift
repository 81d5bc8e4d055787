import Glibc
import Testing

/// `letter listen` against Python: the same datagrams from the same socket, and letter's
/// output must equal what Python prints for them, byte for byte.
@Suite struct ListenTests {
    /// Sends `payloads` with the oracle and compares letter's output with Python's; returns
    /// letter's output. With `encodeIn`, the payloads are UTF-8 text Python sends in that codec;
    /// with `pythonEncoding`, Python decodes with that codec where letter uses `encoding`.
    @discardableResult
    func compareWithPython(format: String, encoding: String, errors: String = "replace", family: String = "4",
                           extra: [String] = [], payloads: [[UInt8]] = samplePayloads,
                           encodeIn: String? = nil, pythonEncoding: String? = nil) throws -> String {
        let host = family == "6" ? "::1" : family == "dual" ? "::" : "127.0.0.1"
        var arguments = ["-f", format, "-e", encoding, "--errors", errors, "-c", String(payloads.count), "-t", "10"]
        if family == "dual" { arguments.append("-6") }
        let listener = try startListener(arguments + extra + [host, "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: payloads, format: format,
                                           encoding: pythonEncoding ?? encoding, errors: errors, family: family,
                                           encodeIn: encodeIn)
        #expect(listener.child.wait() == 0, "stderr: \(listener.child.stderrText)")
        var actual = listener.child.stdout
        if format == "json" {
            actual = try run(Paths.python, [Paths.oracle, "canon-json"], input: actual).stdout
        }
        #expect(String(decoding: actual, as: UTF8.self) == oracle.stdoutText)
        #expect(actual == oracle.stdout)
        return listener.child.stdoutText
    }

    @Test(arguments: ["text", "tuple", "json", "lines"], ["utf-8", "gbk"])
    func formatsMatchPython(format: String, encoding: String) throws {
        try compareWithPython(format: format, encoding: encoding)
    }

    @Test(arguments: ["replace", "backslashreplace", "ignore"])
    func errorHandlersMatchPython(errors: String) throws {
        try compareWithPython(format: "text", encoding: "utf-8", errors: errors)
        try compareWithPython(format: "text", encoding: "gbk", errors: errors)
    }

    @Test(arguments: ["6", "dual"])
    func ipv6AndDualStackTuplesMatchPython(family: String) throws {
        try compareWithPython(format: "tuple", encoding: "utf-8", family: family)
        try compareWithPython(format: "text", encoding: "utf-8", family: family)
    }

    /// The blocks that hold the bidirectional controls and U+2028/U+2029 (every one of them
    /// and their neighbours), and a file-name spoof: text as Python prints it with the
    /// SPEC's escaping, json that json.loads reads back to the original text, and neither
    /// with one of them raw.
    @Test(arguments: ["text", "json"], ["utf-8", "gb18030"])
    func bidirectionalControlsAndSeparatorsAreEscaped(format: String, encoding: String) throws {
        let blocks = [0x600...0x61F, 0x2000...0x206F].map { range in
            String(String.UnicodeScalarView(range.compactMap { Unicode.Scalar(UInt32($0)) }))
        }
        let payloads = (blocks + ["invoice\u{202E}fdp.exe", "\u{2067}a\u{2069}\u{2028}b\u{2029}\u{061C}\u{200F}"]).map { bytes("A" + $0 + "B") }
        let output = try compareWithPython(format: format, encoding: encoding, payloads: payloads, encodeIn: encoding)
        #expect(output.split(separator: "\n").count == payloads.count)
        let raw = output.unicodeScalars.filter { scalar in
            let properties = scalar.properties
            return properties.isBidiControl || [.lineSeparator, .paragraphSeparator].contains(properties.generalCategory)
        }
        #expect(raw.isEmpty, "raw in letter's output: \(raw.map { String($0.value, radix: 16) })")
    }

    /// Payloads in iconv's UCS-4 (big-endian 4-byte units) with values above U+10FFFF, which
    /// glibc writes as F4 90 80 80 (0x110000) and six bytes (0x7FFFFFFF), neither of them
    /// UTF-8 text.
    static let ucs4Payloads: [[UInt8]] = [
        [0x00, 0x11, 0x00, 0x00],
        [0x7F, 0xFF, 0xFF, 0xFF],
        [0x00, 0x00, 0x00, 0x41, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x42],
        [0x00, 0x00, 0x4F, 0x60, 0x00, 0x01, 0xF6, 0x00],
    ]

    /// Whatever iconv returns is checked: those values are undecodable, as they are to
    /// Python's utf-32-be (the same units): text is Python's line byte for byte (so valid
    /// UTF-8), json lines are valid UTF-8 that json.loads reads to Python's text.
    @Test(arguments: ["text", "json"])
    func iconvOutputThatIsNotUTF8IsUndecodable(format: String) throws {
        let output = try compareWithPython(format: format, encoding: "UCS-4", payloads: Self.ucs4Payloads,
                                           pythonEncoding: "utf-32-be")
        #expect(output.split(separator: "\n").count == Self.ucs4Payloads.count)
    }

    @Test func strictReportsIconvOutputThatIsNotUTF8() throws {
        let listener = try startListener(["-e", "UCS-4", "--errors", "strict", "-c", String(Self.ucs4Payloads.count),
                                          "-t", "10", "127.0.0.1", "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: Self.ucs4Payloads, format: "text",
                                           encoding: "utf-32-be")
        #expect(listener.child.wait() == 0)
        // Only the last datagram decodes; its line is Python's.
        let lines = oracle.stdoutText.split(separator: "\n")
        #expect(lines.count == Self.ucs4Payloads.count)
        #expect(listener.child.stdoutText == lines.last! + "\n")
        let senderTuple = String(lines.last!.drop { $0 != "(" })
        for (payload, offset) in zip(Self.ucs4Payloads.dropLast(), [0, 0, 4]) {
            let bytes = payload.map { hex([$0]) }.joined(separator: " ")
            #expect(listener.child.stderrText.contains(
                "cannot decode \(payload.count)-byte datagram from \(senderTuple) as UCS-4 at byte \(offset): \(bytes)"),
                "\(listener.child.stderrText)")
        }
    }

    @Test func bannerNamesTheBoundAddressAndRealPort() throws {
        let listener = try startListener(["-c", "1", "-t", "5", "127.0.0.1", "0"])
        #expect(listener.banner == "listening on ('127.0.0.1', \(listener.port))")
        #expect(listener.port != 0)
        let defaultListener = try startListener(["-c", "1", "-t", "5", "0"])
        #expect(defaultListener.banner == "listening on ('0.0.0.0', \(defaultListener.port))")
        let dual = try startListener(["-6", "-c", "1", "-t", "5", "0"])
        #expect(dual.banner == "listening on ('::', \(dual.port), 0, 0)")
        for child in [listener.child, defaultListener.child, dual.child] { child.signal(SIGTERM); child.wait() }
    }

    /// As Python's bind: a port in use is an error, so a second listener never silently
    /// takes the traffic; --reuse shares it on purpose.
    @Test func aPortInUseFailsUnlessBothListenersReuse() throws {
        let first = try startListener(["127.0.0.1", "0"])
        let refused = try run(Paths.letter, ["listen", "127.0.0.1", String(first.port)], seconds: 5)
        #expect(refused.status == 1)
        #expect(refused.stderrText == "letter listen: cannot bind ('127.0.0.1', \(first.port)): port \(first.port) is in use (Address already in use)\n")
        first.child.signal(SIGTERM)
        #expect(first.child.wait() == 0)

        let sharing = try startListener(["--reuse", "127.0.0.1", "0"])
        let second = try startListener(["--reuse", "127.0.0.1", String(sharing.port)])
        #expect(second.port == sharing.port)
        for child in [sharing.child, second.child] {
            child.signal(SIGTERM)
            #expect(child.wait() == 0)
        }
    }

    @Test func receiveBufferIsReportedAndSettable() throws {
        let listener = try startListener(["--stats", "--rcvbuf", "65536", "-t", "0.2", "127.0.0.1", "0"])
        #expect(listener.child.wait() == 0)
        // What the kernel gives for the same request, as Python's getsockopt reads it.
        let given = try run(Paths.python, ["-c", """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
            print(s.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF), end='')
            """]).stdoutText
        #expect(listener.child.stderrText.contains("receive buffer \(given) bytes (65536 asked)"), "\(listener.child.stderrText)")
        let defaults = try startListener(["--stats", "-t", "0.2", "127.0.0.1", "0"])
        #expect(defaults.child.wait() == 0)
        let summary = defaults.child.stderrText.split(separator: "\n").last ?? ""
        let words = summary.split(separator: " ")
        let size = words.firstIndex(of: "buffer").map { Int(words[$0 + 1]) ?? 0 } ?? 0
        #expect(summary.hasSuffix(" bytes (16777216 asked)"), "\(summary)")
        #expect(size >= 212_992, "\(summary)")  // at least the usual rmem_max; 32 MiB as root
    }

    @Test func bytesOptionPrintsPythonBytesLiterals() throws {
        let listener = try startListener(["--bytes", "-c", "2", "-t", "10", "127.0.0.1", "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: [[0xC4, 0xE3], bytes("it's")], format: "bytes")
        listener.child.wait()
        #expect(oracle.stdoutText.split(separator: "\n").count == 2)
        #expect(listener.child.stdoutText == oracle.stdoutText)
    }

    @Test func rawFormatWritesPayloadBytesOnly() throws {
        let payloads: [[UInt8]] = [[0x00, 0xFF, 0x0A], bytes("abc")]
        let listener = try startListener(["-f", "raw", "-c", "2", "-t", "10", "127.0.0.1", "0"])
        _ = try pythonExpectation(port: listener.port, payloads: payloads, format: "tuple")
        listener.child.wait()
        #expect(listener.child.stdout == payloads.flatMap { $0 })
    }

    @Test func truncationIsReportedAndTheLineStillPrints() throws {
        let payload = [UInt8](repeating: UInt8(ascii: "x"), count: 2000)
        let listener = try startListener(["--bufsize", "1024", "-f", "json", "-c", "1", "-t", "10", "127.0.0.1", "0"])
        let sender = try run(Paths.python, [Paths.oracle, "send", "127.0.0.1", String(listener.port), hex(payload)])
        #expect(sender.status == 0)
        listener.child.wait()
        let senderPort = listener.child.stdoutText.split(separator: "\"port\": ").last!.prefix { $0.isNumber }
        #expect(listener.child.stderrText.contains(
            "truncated: 2000-byte datagram from ('127.0.0.1', \(senderPort)) cut to 1024 bytes"))
        #expect(listener.child.stdoutText.contains("\"size\": 1024, \"truncated_from\": 2000"))
    }

    /// Cuts after the first, within the second that holds back the running count, are
    /// still told when the listener ends: nothing is cut quietly.
    @Test func truncationsNotYetToldAreToldAtTheEnd() throws {
        let listener = try startListener(["--bufsize", "10", "-c", "3", "-t", "10", "127.0.0.1", "0"])
        let sender = try run(Paths.python, ["-c", """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.sendto(b'y' * 20, ('127.0.0.1', int(sys.argv[1])))
            time.sleep(0.2)
            s.sendto(b'y' * 30, ('127.0.0.1', int(sys.argv[1])))
            s.sendto(b'y' * 40, ('127.0.0.1', int(sys.argv[1])))
            print(s.getsockname()[1])
            """, String(listener.port)])
        #expect(sender.status == 0)
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stderrText.split(separator: "\n").dropFirst() == [
            "letter: truncated: 20-byte datagram from ('127.0.0.1', \(sender.stdoutText.dropLast())) cut to 10 bytes",
            "letter: 3 datagrams truncated in all (longer than --bufsize 10)"], "\(listener.child.stderrText)")
    }

    /// A burst of 2,000 long datagrams: every one counted, but stderr gets the first in
    /// full and then counts at most once a second, not 2,000 lines.
    @Test func aBurstOfTruncationsIsReportedInAFewLines() throws {
        let listener = try startListener(["--bufsize", "10", "--stats", "-f", "lines", "-c", "2000", "-t", "10", "127.0.0.1", "0"])
        let sender = try run(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(2000):
                s.sendto(b'y' * 20, ('127.0.0.1', int(sys.argv[1])))
            print(s.getsockname()[1])
            """, String(listener.port)])
        #expect(sender.status == 0)
        #expect(listener.child.wait() == 0)
        let reports = listener.child.stderrText.split(separator: "\n").filter { $0.contains("truncated") && !$0.contains("received") }
        #expect(reports.first == "letter: truncated: 20-byte datagram from ('127.0.0.1', \(sender.stdoutText.dropLast())) cut to 10 bytes")
        #expect((1...4).contains(reports.count), "\(reports)")
        #expect(listener.child.stderrText.contains("received 2000 datagrams (20000 bytes) from 1 sender; 2000 truncated"))
    }

    @Test func strictReportsUndecodableDatagramsAndKeepsGoing() throws {
        let listener = try startListener(["--errors", "strict", "-c", "2", "-t", "10", "127.0.0.1", "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: [[0x61, 0xFF, 0x62], bytes("fine")], format: "tuple")
        #expect(listener.child.wait() == 0)
        let senderTuple = oracle.stdoutText.split(separator: "\n")[0].split(separator: ", ", maxSplits: 1)[1].dropLast()
        #expect(listener.child.stdoutText == "fine \(senderTuple)\n")
        #expect(listener.child.stderrText.contains(
            "cannot decode 3-byte datagram from \(senderTuple) as utf-8 at byte 1: 61 ff 62"))
    }

    /// -t 0.3 ends a listener that heard nothing after 0.3 s: not sooner, and not seconds
    /// later (a listener that took -t for something longer would still end in the 5 s).
    @Test func idleTimeoutEndsTheListener() throws {
        let started = now()
        let listener = try startListener(["-t", "0.3", "127.0.0.1", "0"])
        #expect(listener.child.wait(seconds: 5) == 0)
        let elapsed = now() - started
        #expect(elapsed >= 0.3 && elapsed < 2, "ended after \(elapsed) s")
        #expect(listener.child.stdout.isEmpty)
    }

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalsEndWithSummaryAndStatusZero(signal: Int32) throws {
        let listener = try startListener(["127.0.0.1", "0"])
        _ = try pythonExpectation(port: listener.port, payloads: [bytes("one"), bytes("two")], format: "text")
        listener.child.pump(seconds: 5) { $0.stdoutText.split(separator: "\n").count >= 2 }
        listener.child.signal(signal)
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stderrText.contains("received 2 datagrams (6 bytes) from 1 sender; 0 truncated; 0 dropped by the kernel"))
    }

    @Test func statsPrintsSummaryOnNormalExit() throws {
        let listener = try startListener(["--stats", "-c", "1", "127.0.0.1", "0"])
        _ = try pythonExpectation(port: listener.port, payloads: [bytes("x")], format: "text")
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stderrText.contains("received 1 datagram (1 byte) from 1 sender"))
        #expect(listener.child.stderrText.contains("receive buffer"))
    }

    @Test func replyAndEchoAnswerTheSender() throws {
        for (option, expected) in [(["--reply", "你好"], "(b'\\xc4\\xe3\\xba\\xc3', "), (["--echo"], "(b'ping', ")] {
            let listener = try startListener(["-e", "gbk", "-c", "1", "-t", "10"] + option + ["127.0.0.1", "0"])
            let sender = try run(Paths.python, [Paths.oracle, "send", "--wait", "127.0.0.1", String(listener.port), hex(bytes("ping"))])
            #expect(sender.status == 0 && sender.stdoutText.hasPrefix(expected + "('127.0.0.1', \(listener.port)))"),
                    "\(sender.stdoutText) \(sender.stderrText)")
            #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
        }
    }

    /// From another host (a network namespace): loopback senders are not limited.
    @Test func replyRateLimitHoldsBackAFlood() throws {
        guard let network = TestNetwork.make("reply-rate", hosts: 2) else { return }
        defer { network.remove() }
        let (server, client) = (network.hosts[0], network.hosts[1])
        let listener = try network.start(on: server, ["listen", "--echo", "--reply-rate", "2", "--stats", "-c", "20", "-t", "10",
                                                      server.address(.ipv4), "9000"], ready: "listening on")
        let sender = try network.execute(on: client, Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for _ in range(20):
                s.sendto(b'x', (sys.argv[1], 9000))
            """, server.address(.ipv4)])
        #expect(sender.status == 0, "\(sender.stderrText)")
        #expect(listener.wait() == 0)
        // A burst of 2 is allowed; the other 18 arrive within far less than a second.
        #expect(listener.stderrText.contains("; 2 replies sent, 18 held back by the rate limit;"), "\(listener.stderrText)")
    }

    @Test func allowFiltersSendersAndCountsTheRest() throws {
        let listener = try startListener(["--allow", "10.0.0.0/8", "--stats", "-t", "3", "127.0.0.1", "0"])  // room for Python to start on a busy machine
        _ = try pythonExpectation(port: listener.port, payloads: [bytes("a"), bytes("b")], format: "text")
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stdout.isEmpty)
        #expect(listener.child.stderrText.contains("2 refused by --allow"))
    }

    @Test func closedStdoutEndsQuietly() throws {
        let listener = try startListener(["127.0.0.1", "0"])
        // Close our end of letter's stdout pipe by reading nothing more: emulate `| head -0`.
        let payloads = Array(repeating: bytes("letter"), count: 3)
        listener.child.closeStdout()
        _ = try pythonExpectation(port: listener.port, payloads: payloads, format: "text")
        #expect(listener.child.wait(seconds: 10) == 0)
        #expect(!listener.child.stderrText.contains("Fatal"))
        #expect(listener.child.stderrText.split(separator: "\n").count == 1)  // the banner only
    }
}
