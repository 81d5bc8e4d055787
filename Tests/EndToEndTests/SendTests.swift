import Glibc
import TestSupport
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

    /// With --bytes a line ends at `\n` and only that byte is removed: `\r` is data.
    @Test func bytesKeepsCarriageReturns() throws {
        let (receiver, port) = try pythonReceiver(count: 3)
        let send = try run(Paths.letter, ["send", "--bytes", "127.0.0.1", String(port)], input: bytes("a\r\nb\r\r\n\r"))
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        let expected = try run(Paths.python, ["-c", "for d in (b'a\\r', b'b\\r\\r', b'\\r'): print(repr(d))"]).stdoutText
        #expect(receiver.stdoutText == expected)
    }

    /// A random 5 MB binary file cut by --chunk and written by `listen -f raw` comes back identical.
    @Test func chunkedFileComesBackIdentical() throws {
        let file = try run(Paths.python, ["-c", "import random, sys; sys.stdout.buffer.write(random.Random(8).randbytes(5_000_000))"]).stdout
        try #require(file.count == 5_000_000)
        let chunks = (file.count + 1399) / 1400
        let listener = try startListener(["-f", "raw", "-c", String(chunks), "-t", "10", "127.0.0.1", "0"])
        let send = try run(Paths.letter, ["send", "--chunk", "1400", "127.0.0.1", String(listener.port)], input: file)
        #expect(send.status == 0, "\(send.stderrText)")
        #expect(listener.child.wait() == 0)
        // Compared as a Bool: on failure Swift Testing would diff two megabyte arrays.
        let received = listener.child.stdout
        let identical = received == file
        let firstDifference = (0..<min(received.count, file.count)).first { received[$0] != file[$0] }
        #expect(identical, "\(received.count) of \(file.count) bytes, first difference at \(String(describing: firstDifference))")
    }

    /// An exact multiple of N: no empty datagram after the last chunk.
    @Test func chunkSendsNoEmptyDatagramAfterAnExactMultiple() throws {
        // Room for a third datagram: the receiver must time out waiting for it.
        let (receiver, port) = try pythonReceiver(count: 3, extra: ["--timeout", "1"])
        let send = try run(Paths.letter, ["send", "--chunk", "3", "127.0.0.1", String(port)], input: bytes("abcdef"))
        #expect(send.status == 0)
        #expect(receiver.wait() == 1)
        #expect(receiver.stdoutText == "b'abc'\nb'def'\n")
    }

    /// UTF-16 and UTF-32 input is split on decoded newlines, not on the byte 0x0A.
    @Test(arguments: ["UTF-16LE", "UTF-16BE", "UTF-32LE"])
    func wideInputIsSplitOnDecodedNewlines(encoding: String) throws {
        let text = "a\n\u{10A}b\r\n你好\n"
        let input = try run(Paths.python, ["-c", "import sys; sys.stdout.buffer.write(sys.argv[1].encode(sys.argv[2]))",
                                           text, encoding]).stdout
        let (receiver, port) = try pythonReceiver(count: 3)
        let send = try run(Paths.letter, ["send", "--input-encoding", encoding, "127.0.0.1", String(port)], input: input)
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonEncoded(["a", "\u{10A}b", "你好"])))
    }

    @Test func binaryInputSaysToUseBytesOrChunk() throws {
        let send = try run(Paths.letter, ["send", "127.0.0.1", "9"], input: [0x00, 0x01, 0xFF, 0xFE, 0x0A])
        #expect(send.status == 1)
        #expect(send.stderrText.contains("line 1: invalid utf-8 input at byte 3 (0xff)"), "\(send.stderrText)")
        #expect(send.stderrText.contains("--bytes") && send.stderrText.contains("--chunk"), "\(send.stderrText)")
        #expect(!send.stderrText.contains("U+FFFD"))
    }

    @Test func wholeInputOverAMebibyteNamesStdinNotALine() throws {
        let send = try run(Paths.letter, ["send", "--whole", "127.0.0.1", "9"], input: [UInt8](repeating: 65, count: (1 << 20) + 10))
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: stdin is over 1048576 bytes: longer than any datagram can carry\n")
    }

    /// A port with nothing bound answers with ICMP port unreachable: -w says so at once.
    @Test func waitReportsPortUnreachableAtOnce() throws {
        let closed = try startListener(["-t", "0.1", "127.0.0.1", "0"])
        #expect(closed.child.wait() == 0)
        let started = now()
        let send = try run(Paths.letter, ["send", "-w", "-t", "5", "127.0.0.1", String(closed.port), "anyone?"])
        let elapsed = now() - started
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: port unreachable: nothing listens at ('127.0.0.1', \(closed.port)) (ICMP port unreachable)\n")
        #expect(elapsed < 1, "took \(elapsed) s: the timeout, not the ICMP answer")
    }

    @Test(arguments: ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1"])
    func fileRoundTripsThroughListenLines(encoding: String) throws {
        let file = "Fixtures/text/\(encoding).txt"
        let original = try readFile(Paths.repository + "/" + file)
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

/// A loopback UDP port for tests that must name one (--bind, crossed chat ports),
/// taken from below the kernel's ephemeral range (ip_local_port_range) so that no
/// socket bound to port 0 — in this test run or any other program — can be handed it
/// between our check and letter's bind; a counter keeps parallel tests apart.
func freeUDPPort() -> UInt16 {
    let ephemeralStart = (try? firstNumber(inFile: "/proc/sys/net/ipv4/ip_local_port_range")) ?? 32768
    let span = max(ephemeralStart - 10_000, 1)
    for _ in 0..<span {
        let port = UInt16(10_000 + portCounter.add(1) % span)
        if isFreeUDPPort(port) { return port }
    }
    Issue.record("no free UDP port below \(ephemeralStart)")
    return 0
}

private let portCounter = PortCounter(start: Int(getpid()) * 97)

/// A counter shared by the tests' threads.
private final class PortCounter: @unchecked Sendable {
    private var value: Int
    private var lock = pthread_mutex_t()

    init(start: Int) {
        value = start
        pthread_mutex_init(&lock, nil)
    }

    func add(_ step: Int) -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        value += step
        return value
    }
}

/// Whether 127.0.0.1:`port` can be bound now (the socket is closed again at once).
private func isFreeUDPPort(_ port: UInt16) -> Bool {
    let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    address.sin_port = port.bigEndian
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    } == 0
}

/// The first whole number in a file of numbers such as ip_local_port_range.
func firstNumber(inFile path: String) throws -> Int {
    let contents = try readFile(path)
    guard let number = Int(String(decoding: contents.prefix { $0 >= 0x30 && $0 <= 0x39 }, as: UTF8.self)) else {
        throw SpawnError(message: "no number in \(path)")
    }
    return number
}

