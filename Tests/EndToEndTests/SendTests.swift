import Glibc
import Testing

/// `letter send` received by Python: the bytes Python's recvfrom gets must be what
/// Python's own encoder makes of the same text.
@Suite struct SendTests {
    /// Starts the Python receiver for `count` datagrams and returns it with its port.
    func pythonReceiver(count: Int, host: String = "127.0.0.1", extra: [String] = []) throws -> (Child, UInt16) {
        let receiver = try Child(Paths.python, [Paths.oracle, "recv", "--host", host, "--count", String(count)] + extra)
        guard let banner = receiver.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "python receiver did not start: \(receiver.stderrText)")
        }
        return (receiver, try portFromTuple(banner))
    }

    /// Python's repr of each text encoded in `encoding`, one per line.
    func pythonEncoded(_ texts: [String], encoding: String = "utf-8", errors: String = "strict") throws -> String {
        try run(Paths.python, [Paths.oracle, "encode", "--encoding", encoding, "--errors", errors] + texts).stdoutText
    }

    @Test(arguments: ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1"])
    func messageWordsBecomeOneDatagramInTheEncoding(encoding: String) throws {
        let text = encoding == "latin-1" ? "café au lait" : encoding == "shift_jis" ? "こんにちは 世界" : "你好 世界"
        let (receiver, port) = try pythonReceiver(count: 1)
        let words = text.split(separator: " ").map(String.init)
        let send = try run(Paths.letter, ["send", "-e", encoding, "127.0.0.1", String(port)] + words)
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded([text], encoding: encoding)))
    }

    @Test func stdinLinesBecomeDatagramsWithEmptyLinesAndCRLF() throws {
        let (receiver, port) = try pythonReceiver(count: 5)
        let send = try run(Paths.letter, ["send", "127.0.0.1:\(port)"], input: bytes("one\r\n\ntwo\nthree\r\nlast"))
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded(["one", "", "two", "three", "last"])))
    }

    @Test func emptyMessageSendsAZeroLengthDatagram() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        #expect(try run(Paths.letter, ["send", "127.0.0.1", String(port), ""]).status == 0)
        receiver.wait()
        #expect(receiver.stdoutText == "b''\n")
    }

    @Test func wholeSendsAllOfStdinAsOneDatagram() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        #expect(try run(Paths.letter, ["send", "--whole", "127.0.0.1", String(port)], input: bytes("a\nb\r\n")).status == 0)
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded(["a\nb\r\n"])))
    }

    @Test func bytesSendsInputUntouched() throws {
        let (receiver, port) = try pythonReceiver(count: 2)
        let send = try run(Paths.letter, ["send", "--bytes", "127.0.0.1", String(port)], input: [0xFF, 0x00, 0x80, 0x0A, 0xC4, 0xE3])
        #expect(send.status == 0)
        receiver.wait()
        #expect(receiver.stdoutText == "b'\\xff\\x00\\x80'\nb'\\xc4\\xe3'\n")
    }

    @Test func inputEncodingIsConvertedToTheWireEncoding() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        let send = try run(Paths.letter, ["send", "--input-encoding", "gbk", "-e", "utf-8", "127.0.0.1", String(port)],
                           input: [0xC4, 0xE3, 0xBA, 0xC3, 0x0A])
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded(["你好"])))
    }

    @Test func unencodableCharacterNamesLineAndColumnAndSendsNothing() throws {
        let (receiver, port) = try pythonReceiver(count: 1, extra: ["--timeout", "1"])
        let send = try run(Paths.letter, ["send", "-e", "gbk", "127.0.0.1", String(port), "ok", "😀"])
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: message, column 4: '😀' (U+1F600) cannot be encoded in gbk; nothing sent for it (--errors replace sends '?' instead)\n")
        receiver.wait()
        #expect(receiver.stdout.isEmpty)
        #expect(receiver.stderrText.contains("timeout"))
    }

    @Test func errorsReplaceSendsQuestionMarksAsPythonDoes() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        let send = try run(Paths.letter, ["send", "--errors", "replace", "-e", "gbk", "127.0.0.1", String(port), "ok 😀 é€"])
        #expect(send.status == 0)
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded(["ok 😀 é€"], encoding: "gbk", errors: "replace")))
    }

    @Test func invalidInputNamesTheLine() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        let send = try run(Paths.letter, ["send", "127.0.0.1", String(port)], input: bytes("good\n") + [0x62, 0x61, 0xFF, 0x0A])
        #expect(send.status == 1)
        #expect(send.stderrText.hasPrefix("letter send: line 2: invalid utf-8 input at byte 3 (0xff)"))
        receiver.wait()
        #expect(receiver.stdoutText == "b'good'\n")  // the line before it went out
    }

    @Test func oversizedDatagramIsRefusedNamingItsLine() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        let big = [UInt8](repeating: UInt8(ascii: "a"), count: 65508)
        let send = try run(Paths.letter, ["send", "127.0.0.1", String(port)], input: bytes("first\n") + big + [0x0A])
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: line 2: 65508-byte datagram is longer than UDP allows over IPv4 (65507 bytes); nothing sent for it\n")
        receiver.wait()
        #expect(receiver.stdoutText == "b'first'\n")
    }

    @Test func largestDatagramsGoThroughOnBothFamilies() throws {
        for (host, size) in [("127.0.0.1", 65507), ("::1", 65527)] {
            let (receiver, port) = try pythonReceiver(count: 1, host: host)
            let payload = [UInt8](repeating: UInt8(ascii: "z"), count: size)
            let send = try run(Paths.letter, ["send", "--whole", host, String(port)], input: payload)
            #expect(send.status == 0, "\(send.stderrText)")
            receiver.wait()
            #expect(receiver.stdoutText.count == size + 4)  // b'...'\n
        }
        let tooBig = try run(Paths.letter, ["send", "--whole", "::1", "9"], input: [UInt8](repeating: 1, count: 65528))
        #expect(tooBig.stderrText.contains("65528-byte datagram is longer than UDP allows over IPv6 (65527 bytes)"))
    }

    @Test func ipv6AndHostPortForms() throws {
        for (host, form) in [("::1", { (p: UInt16) in ["[::1]:\(p)"] }), ("::1", { ["::1", "\($0)"] }),
                             ("127.0.0.1", { ["localhost", "\($0)"] }), ("127.0.0.1", { ["localhost:\($0)"] })] {
            let (receiver, port) = try pythonReceiver(count: 1, host: host)
            let send = try run(Paths.letter, ["send"] + form(port) + ["hi"])
            #expect(send.status == 0, "\(send.stderrText)")
            receiver.wait()
            #expect(receiver.stdoutText == "b'hi'\n")
        }
    }

    @Test func familyFlagsForceTheFamily() throws {
        let (receiver, port) = try pythonReceiver(count: 1, extra: ["--with-sender"])
        let send = try run(Paths.letter, ["send", "-4", "localhost", String(port), "family"])
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText.hasPrefix("b'family' ('127.0.0.1', "))
        for (flag, host) in [("-6", "127.0.0.1"), ("-4", "::1")] {
            let refused = try run(Paths.letter, ["send", flag, host, String(port), "x"])
            #expect(refused.status == 1)
            #expect(refused.stderrText.hasPrefix("letter send: cannot resolve '\(host)'"))
        }
    }

    @Test func bindChoosesTheSourcePort() throws {
        let (receiver, port) = try pythonReceiver(count: 1, extra: ["--with-sender"])
        let sourcePort = freeUDPPort()
        let send = try run(Paths.letter, ["send", "-b", "127.0.0.1:\(sourcePort)", "127.0.0.1", String(port), "x"])
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == "b'x' ('127.0.0.1', \(sourcePort))\n")
    }

    @Test func waitPrintsTheReplyAsListenWould() throws {
        let (receiver, port) = try pythonReceiver(count: 1, extra: ["--reply", "你好"])
        let send = try run(Paths.letter, ["send", "-w", "-t", "5", "127.0.0.1", String(port), "ping"])
        #expect(send.status == 0, "\(send.stderrText)")
        #expect(send.stdoutText == "你好 ('127.0.0.1', \(port))\n")
        receiver.wait()
    }

    @Test func waitTimesOutWithExitOne() throws {
        let (receiver, port) = try pythonReceiver(count: 1)
        let started = now()
        let send = try run(Paths.letter, ["send", "-w", "-t", "0.3", "127.0.0.1", String(port), "anyone?"])
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: no reply within 0.3 s\n")
        #expect(now() - started < 5)
        receiver.wait()
    }

    @Test func rateLimitsDatagramsPerSecond() throws {
        let (receiver, port) = try pythonReceiver(count: 5)
        let started = now()
        let send = try run(Paths.letter, ["send", "--rate", "20", "127.0.0.1", String(port)], input: bytes("1\n2\n3\n4\n5\n"))
        #expect(send.status == 0)
        // Five datagrams at 20 per second need at least four intervals of 50 ms.
        #expect(now() - started >= 0.2)
        receiver.wait()
        #expect(receiver.stdoutText == "b'1'\nb'2'\nb'3'\nb'4'\nb'5'\n")
    }

    @Test(arguments: ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1"])
    func fileRoundTripsThroughListenLines(encoding: String) throws {
        let file = "Fixtures/text/\(encoding).txt"
        let original = try readFixture(file)
        // listen writes UTF-8 whatever the wire encoding: the file's text, as Python decodes it.
        let expected = try run(Paths.python, ["-c", "import sys; sys.stdout.buffer.write(open(sys.argv[1], 'rb').read().decode(sys.argv[2]).encode())",
                                              Paths.repository + "/" + file, encoding]).stdout
        let lineCount = original.filter { $0 == UInt8(ascii: "\n") }.count
        let listener = try startListener(["-f", "lines", "-e", encoding, "-c", String(lineCount), "-t", "10", "127.0.0.1", "0"])
        let send = try run(Paths.letter, ["send", "--input-encoding", encoding, "-e", encoding, "127.0.0.1", String(listener.port)],
                           input: original)
        #expect(send.status == 0, "\(send.stderrText)")
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stdout == expected)
    }
}

/// A loopback UDP port that was free a moment ago (bound to 0 and read back), for --bind.
func freeUDPPort() -> UInt16 {
    let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
            _ = bind(descriptor, raw, length)
            _ = getsockname(descriptor, raw, &length)
        }
    }
    return UInt16(bigEndian: address.sin_port)
}

func readFixture(_ relativePath: String) throws -> [UInt8] {
    guard let file = fopen(Paths.repository + "/" + relativePath, "rb") else {
        throw SpawnError(message: "cannot open fixture \(relativePath)")
    }
    defer { fclose(file) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        contents.append(contentsOf: chunk[0..<count])
    }
    return contents
}
