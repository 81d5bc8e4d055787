import Glibc
import Testing

/// Every bad input of the SPEC: one line naming the input, the right exit status, no
/// crash text, and nothing sent.
@Suite struct UsageErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let arguments: [String]
        let status: Int32
        let message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["send", "127.0.0.1", "70000", "x"], status: 2, message: "invalid port '70000'"),
        Case(arguments: ["send", "127.0.0.1", "abc", "x"], status: 2, message: "invalid port 'abc'"),
        Case(arguments: ["send", "127.0.0.1", "0", "x"], status: 2, message: "invalid port '0'"),
        Case(arguments: ["listen", "70000"], status: 2, message: "invalid port '70000'"),
        Case(arguments: ["listen", "-e", "klingon", "0"], status: 2, message: "unknown encoding 'klingon'"),
        Case(arguments: ["send", "-e", "klingon", "127.0.0.1", "PORT", "x"], status: 2, message: "unknown encoding 'klingon'"),
        Case(arguments: ["send", "--frobnicate", "127.0.0.1", "PORT"], status: 2, message: "unknown option '--frobnicate'"),
        Case(arguments: ["send", "--encodin", "gbk", "127.0.0.1", "PORT"], status: 2, message: "did you mean '--encoding'?"),
        Case(arguments: ["send"], status: 2, message: "missing HOST and PORT"),
        Case(arguments: ["send", "127.0.0.1"], status: 2, message: "missing PORT after '127.0.0.1'"),
        Case(arguments: ["send", "-e"], status: 2, message: "missing value for '--encoding'"),
        Case(arguments: ["listen"], status: 2, message: "missing PORT"),
        Case(arguments: ["listen", "-c", "0", "0"], status: 2, message: "invalid value '0' for '--count'"),
        Case(arguments: ["listen", "-t", "soon", "0"], status: 2, message: "invalid value 'soon' for '--timeout'"),
        Case(arguments: ["listen", "-f", "xml", "0"], status: 2, message: "invalid value 'xml' for '--format'"),
        Case(arguments: ["listen", "--errors", "loud", "0"], status: 2, message: "invalid value 'loud' for '--errors'"),
        Case(arguments: ["listen", "--bufsize", "0", "0"], status: 2, message: "invalid value '0' for '--bufsize'"),
        Case(arguments: ["listen", "--reply", "x", "--echo", "0"], status: 2, message: "--reply and --echo cannot be used together"),
        Case(arguments: ["listen", "--allow", "10.0.0.0/99", "0"], status: 2, message: "invalid network '10.0.0.0/99'"),
        Case(arguments: ["listen", "--join", "10.1.1.1", "0"], status: 2, message: "invalid multicast group '10.1.1.1'"),
        Case(arguments: ["send", "-4", "-6", "::1", "PORT", "x"], status: 2, message: "-4 and -6 cannot be used together"),
        Case(arguments: ["send", "--whole", "127.0.0.1", "PORT", "x"], status: 2, message: "--whole sends stdin"),
        Case(arguments: ["send", "-t", "1", "127.0.0.1", "PORT", "x"], status: 2, message: "--timeout bounds --wait"),
        Case(arguments: ["send", "--errors", "ignore", "127.0.0.1", "PORT", "x"], status: 2, message: "invalid value 'ignore' for '--errors'"),
        Case(arguments: ["sned"], status: 2, message: "unknown subcommand 'sned'; did you mean 'send'?"),
        Case(arguments: ["--generate-completion-script", "tcsh"], status: 2,
             message: "invalid value 'tcsh' for '--generate-completion-script': expected one of bash, zsh, fish"),
        Case(arguments: ["send", "no-such-host.invalid", "PORT", "x"], status: 1, message: "cannot resolve 'no-such-host.invalid'"),
        Case(arguments: ["listen", "127.0.0.1", "1"], status: 1, message: "permission denied"),
        Case(arguments: ["send", "-e", "ascii", "127.0.0.1", "PORT", "é"], status: 1, message: "cannot be encoded in ascii"),
    ]

    @Test(arguments: cases)
    func badInputGetsOneClearLine(_ testCase: Case) throws {
        // Port 1 needs root to bind; as root it is simply free, so that case needs a user.
        if testCase.message == "permission denied" && getuidIsRoot() { return }
        // A Python receiver stands where the letter would go: it must hear nothing.
        let receiver = try Child(Paths.python, [Paths.oracle, "recv", "--count", "1", "--timeout", "0.5"])
        guard let banner = receiver.stderrLine(containing: "listening on") else { throw SpawnError(message: "no receiver") }
        let port = String(try portFromTuple(banner))
        let result = try run(Paths.letter, testCase.arguments.map { $0 == "PORT" ? port : $0 })
        receiver.wait()
        #expect(receiver.stdout.isEmpty, "a datagram was sent: \(receiver.stdoutText)")
        #expect(result.status == testCase.status)
        let lines = result.stderrText.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.stderrText)")
        #expect(result.stderrText.contains(testCase.message), "stderr: \(result.stderrText)")
        #expect(result.stderrText.hasPrefix("letter"))
        #expect(result.stdout.isEmpty)
        for crash in ["Fatal error", "Stack dump", "Segmentation", "backtrace"] {
            #expect(!result.stderrText.contains(crash))
        }
    }

    @Test func portInUseIsARuntimeError() throws {
        // A Python socket holds a port without SO_REUSEADDR, so letter cannot share it.
        let holder = try Child(Paths.python, ["-c", "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\ns.bind(('127.0.0.1',0))\nprint(s.getsockname()[1],flush=True)\nsys.stdin.read()"])
        holder.pump(seconds: 5) { $0.stdoutText.contains("\n") }
        let port = holder.stdoutText.trimmingCharacters(in: "\n ")
        let busy = try run(Paths.letter, ["listen", "127.0.0.1", port])
        holder.closeStdin()
        holder.wait()
        #expect(busy.status == 1)
        #expect(busy.stderrText == "letter listen: cannot bind ('127.0.0.1', \(port)): port \(port) is in use (Address already in use)\n")
    }

    @Test func helpAndVersionGoToStdoutWithStatusZero() throws {
        for arguments in [["--help"], ["send", "--help"], ["listen", "-h"], ["chat", "--help"], ["encodings", "--help"]] {
            let result = try run(Paths.letter, arguments)
            #expect(result.status == 0)
            #expect(result.stdoutText.hasPrefix("OVERVIEW: "))
            #expect(result.stdoutText.contains("USAGE: letter"))
            #expect(result.stderr.isEmpty)
        }
        let version = try run(Paths.letter, ["--version"])
        #expect(version.status == 0)
        #expect(version.stdoutText == "letter 0.1.0\n")
    }

    @Test func encodingsListsWorkingEncodingsWithAliases() throws {
        let result = try run(Paths.letter, ["encodings"])
        #expect(result.status == 0)
        for line in ["utf-8", "gbk           GBK           cp936", "gb18030", "big5", "shift_jis", "latin-1", "gb2312"] {
            #expect(result.stdoutText.contains(line))
        }
    }
}

func getuidIsRoot() -> Bool { getuid() == 0 }

/// No argument reaches the terminal raw through a diagnostic: control characters are
/// quoted as Python's `repr` quotes them, and one diagnostic is one line.
@Suite struct DiagnosticEscapingTests {
    @Test(arguments: [["listen", "\u{1B}[31mX\n"], ["send", "127.0.0.1", "\u{1B}]0;title\u{07}", "hi"],
                      ["listen", "-e", "\u{9B}2J", "9000"]])
    func controlCharactersInArgumentsAreEscaped(arguments: [String]) throws {
        let child = try run(Paths.letter, arguments)
        #expect(child.status == 2)
        let typed = arguments.first { $0.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } }!  // each row has one
        let quoted = try run(Paths.python, ["-c", "import sys; print(repr(sys.argv[1]), end='')", typed]).stdoutText
        #expect(child.stderrText.contains(quoted), "\(child.stderrText)")
        #expect(!child.stderr.contains { $0 < 0x20 && $0 != 0x0A } && !child.stderrText.unicodeScalars.contains { (0x7F...0x9F).contains($0.value) })
        #expect(child.stderrText.split(separator: "\n").count == 1)
    }
}

/// Arguments in the wrong places: the error says what each was taken for, and the
/// command line it suggests works — run as it is written, it sends the message to a
/// Python receiver, which gets it.
@Suite struct MisplacedArgumentTests {
    @Test(arguments: ["send -w 2 127.0.0.1 PORT hi", "send PORT 127.0.0.1 hi", "send hi 127.0.0.1 PORT"])
    func theSuggestedCommandWorks(line: String) throws {
        let receiver = try Child(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', 0))
            s.settimeout(10)
            print(s.getsockname()[1], file=sys.stderr, flush=True)
            data, addr = s.recvfrom(100)
            s.sendto(b'ok', addr)
            print(data.decode())
            """])
        let port = try #require(receiver.stderrLine(containing: "")).trimmingCharacters(in: " ")
        let arguments = line.split(separator: " ").map { $0 == "PORT" ? port : String($0) }
        let wrong = try run(Paths.letter, arguments)
        #expect(wrong.status == 2)
        #expect(wrong.stderrText.contains("was taken as the HOST"), "\(wrong.stderrText)")
        let suggestion = try #require(wrong.stderrText.split(separator: "did you mean '", maxSplits: 1).last?
            .split(separator: "'? (see").first.map(String.init), "\(wrong.stderrText)")
        try #require(suggestion.hasPrefix("letter "))
        let fixed = try run("/bin/sh", ["-c", "exec \"$0\" " + suggestion.dropFirst("letter ".count), Paths.letter])
        #expect(fixed.status == 0, "\(suggestion): \(fixed.stderrText)")
        #expect(receiver.wait() == 0)
        #expect(receiver.stdoutText == "hi\n")
    }

    @Test func aLoneHostIsMissingItsPort() throws {
        let child = try run(Paths.letter, ["listen", "127.0.0.1"])
        #expect(child.status == 2)
        #expect(child.stderrText == "letter listen: missing PORT after '127.0.0.1' (see 'letter listen --help')\n")
    }

    /// `::1:9000` is an IPv6 address; `[::1]:9000` was meant, and works.
    @Test func anIPv6AddressWithAPortGetsItsBrackets() throws {
        let child = try run(Paths.letter, ["send", "::1:9000", "hi"])
        #expect(child.status == 2)
        #expect(child.stderrText.contains("did you mean [::1]:9000?"), "\(child.stderrText)")
    }

    /// A bare name of a socket file here gets the ./NAME hint wherever it stands.
    @Test(arguments: [["send", "app.sock", "hi"], ["listen", "app.sock"], ["send", "app.sock", "9000", "hi"]])
    func aSocketFileHereGetsTheDotSlashHint(arguments: [String]) throws {
        let directory = try TemporaryDirectory("hint")
        let made = try run(Paths.python, ["-c", "import socket, os, sys; os.chdir(sys.argv[1]); socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind('app.sock')",
                                          directory.path])
        #expect(made.status == 0)
        let child = try run("/bin/sh", ["-c", "cd \"$1\" && shift && exec \"$@\"", "sh", directory.path, Paths.letter] + arguments)
        #expect(child.status != 0)
        #expect(child.stderrText.contains("write ./app.sock"), "\(child.stderrText)")
    }
}

/// An unknown encoding gets a "did you mean" as unknown options do, and the name it
/// offers works.
@Suite struct EncodingSuggestionTests {
    @Test(arguments: [("gbkk", "gbk"), ("utf8x", "utf8"), ("latin-11", "latin-1")])
    func aMistypedEncodingGetsTheNameMeant(typed: String, meant: String) throws {
        let wrong = try run(Paths.letter, ["listen", "-e", typed, "-t", "0.1", "127.0.0.1", "0"])
        #expect(wrong.status == 2)
        #expect(wrong.stderrText.contains("unknown encoding '\(typed)' for '--encoding'; did you mean '\(meant)'?"), "\(wrong.stderrText)")
        let right = try run(Paths.letter, ["listen", "-e", meant, "-t", "0.1", "127.0.0.1", "0"])
        #expect(right.status == 0, "\(right.stderrText)")
    }
}
