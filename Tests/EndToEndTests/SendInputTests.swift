import Glibc
import Testing

/// `send --hex`, `--file` and `-` against a Python receiver: what Python's recvfrom gets
/// (repr per datagram) must be Python's own reading of the same input.
@Suite struct SendInputTests {
    func pythonReceiver(count: Int, timeout: Double = 10) throws -> (Child, UInt16) {
        let receiver = try Child(Paths.python, [Paths.oracle, "recv", "--count", String(count), "--timeout", String(timeout)])
        guard let banner = receiver.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "python receiver did not start: \(receiver.stderrText)")
        }
        return (receiver, try portFromTuple(banner))
    }

    /// Python's repr of each of `hexes` read by bytes.fromhex, one per line.
    func pythonBytes(_ hexes: [String]) throws -> String {
        try run(Paths.python, ["-c", "import sys\nfor h in sys.argv[1:]: print(repr(bytes.fromhex(h)))"] + hexes).stdoutText
    }

    /// The SPEC's forms (Fixtures/send/hex_accepted.tsv, made by Python), each as MESSAGE
    /// words: exactly de ad be ef every time.
    @Test func everyAcceptedFormSendsDeadbeef() throws {
        let forms = try fixtureRows("Fixtures/send/hex_accepted.tsv").filter { $0[1] == "deadbeef" }.map { utf8(fromHexText: $0[0]) }
        try #require(forms.count >= 20)
        let (receiver, port) = try pythonReceiver(count: forms.count)
        for form in forms {
            let send = try run(Paths.letter, ["send", "--hex", "127.0.0.1", String(port), "--", form])
            #expect(send.status == 0, "\(form.debugDescription): \(send.stderrText)")
        }
        receiver.wait()
        #expect(receiver.stdoutText == String(repeating: try pythonBytes(["deadbeef"]), count: forms.count))
    }

    @Test func wordsLinesAndWhole() throws {
        let (receiver, port) = try pythonReceiver(count: 5)
        // Several words: one datagram, the words' bytes in order.
        #expect(try run(Paths.letter, ["send", "--hex", "127.0.0.1", String(port), "de", "ad:be", "0xef"]).status == 0)
        // stdin lines, an empty line an empty datagram, CRLF line ends.
        let lines = try run(Paths.letter, ["send", "--hex", "127.0.0.1", String(port)], input: bytes("0102\r\n\n\\x03\\x04\n"))
        #expect(lines.status == 0, "\(lines.stderrText)")
        // --whole: line ends are separators.
        let whole = try run(Paths.letter, ["send", "--hex", "--whole", "127.0.0.1", String(port)], input: bytes("de ad\nbe\r\nef\n"))
        #expect(whole.status == 0, "\(whole.stderrText)")
        receiver.wait()
        #expect(receiver.stdoutText == (try pythonBytes(["deadbeef", "0102", "", "0304", "deadbeef"])))
    }

    /// Each mistake named with its column (and line with --whole); nothing sent for it.
    @Test func mistakesNameTheColumn() throws {
        let (receiver, port) = try pythonReceiver(count: 1, timeout: 2)
        let cases = [("de a", "message, column 4: an odd number of hex digits (1): each byte is two"),
                     ("0xd", "message, column 3: an odd number of hex digits (1): each byte is two"),
                     ("zz", "message, column 1: 'z' (U+007A) is not a hex digit or a separator"),
                     ("de ad g0", "message, column 7: 'g' (U+0067) is not a hex digit or a separator")]
        for (input, message) in cases {
            let send = try run(Paths.letter, ["send", "--hex", "127.0.0.1", String(port), input])
            #expect(send.status == 1)
            #expect(send.stderrText == "letter send: \(message); nothing sent for it\n")
        }
        let whole = try run(Paths.letter, ["send", "--hex", "--whole", "127.0.0.1", String(port)], input: bytes("de ad\nbe eg\n"))
        #expect(whole.stderrText == "letter send: stdin, line 2, column 5: 'g' (U+0067) is not a hex digit or a separator; nothing sent for it\n")
        #expect(receiver.wait() == 1, "nothing reached the receiver")
        #expect(receiver.stdoutText == "")
    }

    @Test func aBadLineAfterAGoodOne() throws {
        let (receiver, port) = try pythonReceiver(count: 2, timeout: 2)
        let send = try run(Paths.letter, ["send", "--hex", "127.0.0.1", String(port)], input: bytes("de ad\nbe e\nef\n"))
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: line 2, column 4: an odd number of hex digits (1): each byte is two; nothing sent for it\n")
        #expect(receiver.wait() == 1)
        #expect(receiver.stdoutText == (try pythonBytes(["dead"])))
    }

    @Test func hexRefusesTheOptionsOfText() throws {
        for option in [["-e", "gbk"], ["--input-encoding", "gbk"], ["--errors", "replace"], ["--bytes"], ["--chunk", "2"]] {
            let send = try run(Paths.letter, ["send", "--hex"] + option + ["127.0.0.1", "9"])
            #expect(send.status == 2, "\(option)")
            #expect(send.stderrText.contains("--hex") && send.stderrText.contains(option[0] == "-e" ? "--encoding" : option[0]),
                    "\(send.stderrText)")
        }
    }

    /// --file in every mode reads the file, as stdin would be read.
    @Test func fileInEveryMode() throws {
        let directory = try TemporaryDirectory("send-file")
        let text = directory.path + "/lines.txt", hexFile = directory.path + "/bytes.hex", binary = directory.path + "/data.bin"
        try writeFile(text, "one\r\n\ntwo")
        try writeFile(hexFile, "de ad\nbe ef\n")
        try writeFile(binary, bytes: [0x00, 0xFF, 0x0A, 0x80, 0x0D, 0x0A, 0x41])
        let (receiver, port) = try pythonReceiver(count: 12)
        for arguments in [["--file", text], ["--file", text, "--whole"], ["--file", binary, "--chunk", "3"],
                          ["--file", hexFile, "--hex"], ["--file", binary, "--bytes"]] {
            // stdin holds something else: the file is what is read.
            let send = try run(Paths.letter, ["send"] + arguments + ["127.0.0.1", String(port)], input: bytes("stdin\n"))
            #expect(send.status == 0, "\(arguments): \(send.stderrText)")
        }
        receiver.wait()
        let expected = try run(Paths.python, ["-c", """
            import sys
            text, hexes, binary = (open(p, 'rb').read() for p in sys.argv[1:])
            out = [b'one', b'', b'two', text]
            out += [binary[i:i + 3] for i in range(0, len(binary), 3)]
            out += [bytes.fromhex(line) for line in hexes.decode().splitlines()]
            out += binary.split(b'\\n')
            for d in out: print(repr(d))
            """, text, hexFile, binary]).stdoutText
        #expect(receiver.stdoutText == expected)
    }

    @Test func aMissingFileIsNamed() throws {
        let directory = try TemporaryDirectory("send-missing")
        let path = directory.path + "/missing.txt"
        let expected = try run(Paths.python, ["-c", "import os, sys; print(os.strerror(2))"]).stdoutText
        for mode in [[], ["--whole"], ["--chunk", "4"]] {
            let send = try run(Paths.letter, ["send", "--file", path] + mode + ["127.0.0.1", "9"])
            #expect(send.status == 1)
            #expect(send.stderrText == "letter send: cannot open '\(path)': \(expected)")
        }
        let withMessage = try run(Paths.letter, ["send", "--file", path, "127.0.0.1", "9", "hi"])
        #expect(withMessage.status == 2)
    }

    /// A single `-` reads stdin, as `cat -` does: lines, and --whole.
    @Test func dashReadsStdin() throws {
        let (receiver, port) = try pythonReceiver(count: 3)
        #expect(try run(Paths.letter, ["send", "127.0.0.1", String(port), "-"], input: bytes("piped\nlines\n")).status == 0)
        #expect(try run(Paths.letter, ["send", "--whole", "127.0.0.1", String(port), "-"], input: bytes("a\nb")).status == 0)
        receiver.wait()
        #expect(receiver.stdoutText == "b'piped'\nb'lines'\nb'a\\nb'\n")
    }

    /// ping's payload takes the same inputs: --hex, --file (read whole) and `-` (stdin, whole).
    @Test func pingTakesHexFileAndDash() throws {
        let directory = try TemporaryDirectory("ping-input")
        let path = directory.path + "/query.bin"
        try writeFile(path, bytes: [0x00, 0x01, 0x0A, 0xFF])
        let server = try Child(Paths.python, [Paths.repository + "/Fixtures/peers/udp_server.py", "echo", "--count", "3"])
        let port = try portFromTuple(try #require(server.stderrLine(containing: "listening on")))
        for (arguments, input) in [(["--hex", "--", "0xde,0xad"], ""), (["--bytes", "--file", path], ""), (["-"], "two\nlines\n")] {
            let ping = try run(Paths.letter, ["ping", "-c", "1", "127.0.0.1", String(port)] + arguments, input: bytes(input))
            #expect(ping.status == 0, "\(arguments): \(ping.stderrText)")
        }
        server.wait()
        let expected = try run(Paths.python, ["-c", "import sys; [print(repr(d)) for d in (b'\\xde\\xad', open(sys.argv[1], 'rb').read(), b'two\\nlines\\n')]", path])
        #expect(server.stdoutText == expected.stdoutText)
    }
}

/// The rows of a tab-separated fixture.
func fixtureRows(_ path: String) throws -> [[String]] {
    String(decoding: try readFile(path.hasPrefix("/") ? path : Paths.repository + "/" + path), as: UTF8.self).split(separator: "\n").map {
        $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    }
}

/// The text whose UTF-8 a fixture writes in hex.
func utf8(fromHexText hex: String) -> String {
    let digits = Array(hex.utf8)
    let values = stride(from: 0, to: digits.count - 1, by: 2).map { UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)! }
    return String(decoding: values, as: UTF8.self)
}
