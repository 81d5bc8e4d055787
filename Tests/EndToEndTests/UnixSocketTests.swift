import Glibc
import Testing

/// Unix datagram sockets (the notes' AF_UNIX), end to end: Python's own AF_UNIX
/// `recvfrom`, `repr` and `print` are the oracle for every format and each kind of
/// sender; Python, socat and logger are the peers.
@Suite struct UnixSocketTests {
    /// A fresh directory for this test's socket files, removed with what is left in it.
    final class SocketDirectory {
        let path: String

        init() throws {
            var template = Array("/tmp/letter-unix-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp failed") }
            path = String(cString: made)
        }

        func file(_ name: String) -> String { path + "/" + name }

        var entries: [String] {
            guard let directory = opendir(path) else { return [] }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
                if name != "." && name != ".." { names.append(name) }
            }
            return names
        }

        deinit {
            for name in entries { unlink(file(name)) }
            rmdir(path)
        }
    }

    /// Starts `letter listen ARGS ENDPOINT` and waits for its banner.
    func listen(_ arguments: [String], at endpoint: String) throws -> (Child, String) {
        let child = try Child(Paths.letter, ["listen"] + arguments + [endpoint])
        guard let banner = child.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "no banner from letter listen \(arguments) \(endpoint): \(child.stderrText)")
        }
        return (child, banner)
    }

    func python(_ code: String, _ arguments: [String] = []) throws -> Child {
        let child = try run(Paths.python, ["-c", code] + arguments)
        #expect(child.status == 0, "python: \(child.stderrText)")
        return child
    }

    @Test(arguments: ["unnamed", "path", "abstract"], ["text", "tuple", "json", "lines"])
    func everyFormatMatchesPythonForEveryKindOfSender(sender: String, format: String) throws {
        let directory = try SocketDirectory()
        let socketPath = directory.file("letter.sock")
        let (listener, _) = try listen(["-f", format, "-c", String(samplePayloads.count), "-t", "10"], at: socketPath)
        let input = samplePayloads.map { hex($0) + "\n" }.joined()
        let oracle = try run(Paths.python, [Paths.oracle, "unix-send-expect", "--to", socketPath, "--dir", directory.path,
                                            "--sender", sender, "--format", format], input: Array(input.utf8))
        #expect(oracle.status == 0, "oracle: \(oracle.stderrText)")
        #expect(listener.wait() == 0, "\(listener.stderrText)")
        var actual = listener.stdout
        if format == "json" { actual = try run(Paths.python, [Paths.oracle, "canon-json"], input: actual).stdout }
        #expect(oracle.stdout.count > 0)
        #expect(String(decoding: actual, as: UTF8.self) == oracle.stdoutText)
    }

    /// The banner shows the bound name as Python's repr of getsockname() does.
    @Test func bannersShowTheBoundNameAsPythonReprs() throws {
        let directory = try SocketDirectory()
        let path = directory.file("it's.sock")
        let name = "letter-banner-\(getpid())"
        let expected = try python("import sys; print(repr(sys.argv[1])); print(repr(b'\\0' + sys.argv[2].encode()))",
                                  [path, name]).stdoutText.split(separator: "\n")
        try #require(expected.count == 2)
        for (endpoint, repr) in [(path, expected[0]), ("@" + name, expected[1])] {
            let (listener, banner) = try listen(["-t", "0.2"], at: endpoint)
            #expect(banner == "listening on \(repr)")
            #expect(listener.wait() == 0)
        }
    }

    /// The notes' client/server pair over AF_UNIX: a Python server answers `send -w`,
    /// which autobinds so that the answer can come back.
    @Test func sendWaitGetsTheReplyOfAPythonUnixServer() throws {
        let directory = try SocketDirectory()
        let path = directory.file("server.sock")
        let server = try Child(Paths.python, [Paths.oracle, "recv", "--host", path, "--with-sender", "--reply", "hi"])
        try #require(server.stderrLine(containing: "listening on") != nil, "\(server.stderrText)")
        let send = try run(Paths.letter, ["send", "-w", "-t", "5", path, "hello"])
        #expect(send.status == 0, "\(send.stderrText)")
        #expect(server.wait() == 0)
        // The server saw an abstract name the kernel chose, and letter printed the reply
        // with the server's path, as Python's print would.
        #expect(server.stdoutText.hasPrefix("b'hello' b'\\x00"), "\(server.stdoutText)")
        #expect(send.stdoutText == "hi \(path)\n")
    }

    /// --echo answers bound senders; an unnamed one cannot be answered: said once, counted.
    @Test func echoAnswersBoundSendersAndCountsUnnamedOnes() throws {
        let directory = try SocketDirectory()
        let path = directory.file("echo.sock")
        let (listener, _) = try listen(["--echo", "--stats", "-c", "3", "-t", "10"], at: path)
        let client = try python("""
            import socket, sys
            bound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            bound.bind(sys.argv[2])
            bound.settimeout(5)
            bound.sendto(b'ping', sys.argv[1])
            print(repr(bound.recvfrom(100)))
            unnamed = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            unnamed.sendto(b'one', sys.argv[1])
            unnamed.sendto(b'two', sys.argv[1])
            """, [path, directory.file("client.sock")])
        let expected = try python("import sys; print(repr((b'ping', sys.argv[1])))", [path]).stdoutText
        #expect(client.stdoutText == expected)
        #expect(listener.wait() == 0)
        let stderr = listener.stderrText
        #expect(stderr.ranges(of: "cannot reply to None").count == 1, "\(stderr)")
        #expect(stderr.contains("1 reply sent, 0 held back by the rate limit; 2 from unnamed senders not answered"), "\(stderr)")
    }

    @Test func socatSendsToLetterAndLetterSendsToSocat() throws {
        guard let socat = requirePeer("socat") else { return }
        let directory = try SocketDirectory()
        let letterPath = directory.file("letter.sock"), socatPath = directory.file("socat.sock")
        let (listener, _) = try listen(["-f", "tuple", "-c", "1", "-t", "10"], at: letterPath)
        let toLetter = try run(socat, ["-u", "STDIN", "UNIX-SENDTO:\(letterPath)"], input: bytes("from socat"))
        #expect(toLetter.status == 0, "\(toLetter.stderrText)")
        #expect(listener.wait() == 0)
        #expect(listener.stdoutText == "(b'from socat', None)\n")

        let receiver = try Child(socat, ["-u", "UNIX-RECV:\(socatPath)", "STDOUT"])
        var waited = 0
        while access(socatPath, F_OK) != 0 && waited < 500 { usleep(10_000); waited += 1 }
        let send = try run(Paths.letter, ["send", socatPath, "from letter"])
        #expect(send.status == 0, "\(send.stderrText)")
        receiver.pump(seconds: 5) { $0.stdout.count >= 11 }
        #expect(receiver.stdoutText == "from letter")
        receiver.signal(SIGTERM)
        receiver.wait()
    }

    /// syslog testing: util-linux's logger writes to the socket as it writes to /dev/log.
    @Test func loggerWritesIntoListen() throws {
        guard let logger = requirePeer("logger") else { return }
        let directory = try SocketDirectory()
        let path = directory.file("log.sock")
        let (listener, _) = try listen(["-f", "lines", "-c", "1", "-t", "10"], at: path)
        let log = try run(logger, ["-u", path, "-d", "--rfc3164", "-t", "letter-test", "hello"])
        #expect(log.status == 0, "\(log.stderrText)")
        #expect(listener.wait() == 0)
        #expect(listener.stdoutText.hasPrefix("<13>"), "\(listener.stdoutText)")
        #expect(listener.stdoutText.hasSuffix("letter-test: hello\n"), "\(listener.stdoutText)")
    }

    @Test func aStaleSocketFileIsReplacedALiveOneAndOtherFilesAreNot() throws {
        let directory = try SocketDirectory()
        let stale = directory.file("stale.sock")
        _ = try python("import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).bind(sys.argv[1])", [stale])
        #expect(access(stale, F_OK) == 0, "python left its socket file")
        let (replacing, _) = try listen(["-t", "0.2"], at: stale)
        #expect(replacing.wait() == 0)

        let live = directory.file("live.sock")
        let (first, _) = try listen(["-t", "5"], at: live)
        let second = try run(Paths.letter, ["listen", live])
        #expect(second.status == 1)
        #expect(second.stderrText == "letter listen: cannot bind '\(live)': a socket is already bound there and in use\n")
        first.signal(SIGTERM)
        #expect(first.wait() == 0)

        let regular = directory.file("notes.txt")
        _ = try python("import sys; open(sys.argv[1], 'w').write('keep me')", [regular])
        let refused = try run(Paths.letter, ["listen", regular])
        #expect(refused.status == 1)
        #expect(refused.stderrText == "letter listen: cannot bind '\(regular)': the path exists and is not a socket (left untouched)\n")
        #expect(try run("/bin/cat", [regular]).stdoutText == "keep me")
    }

    /// A live socket of another kind (a stream server) is not stale: listen refuses the
    /// path and leaves the file, and the server goes on.
    @Test func aLiveStreamSocketIsNeverTakenForStale() throws {
        let directory = try SocketDirectory()
        let path = directory.file("stream.sock")
        let server = try Child(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.bind(sys.argv[1])
            s.listen(1)
            print('listening', file=sys.stderr, flush=True)
            s.settimeout(10)
            connection, _ = s.accept()
            print('still serving')
            """, path])
        try #require(server.stderrLine(containing: "listening") != nil)
        let refused = try run(Paths.letter, ["listen", path])
        #expect(refused.status == 1)
        #expect(refused.stderrText.hasPrefix("letter listen: cannot bind '\(path)': a socket file is there ("), "\(refused.stderrText)")
        #expect(access(path, F_OK) == 0, "letter removed a live socket")
        _ = try python("import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(sys.argv[1])", [path])
        #expect(server.wait() == 0)
        #expect(server.stdoutText == "still serving\n")
    }

    /// A unix sender that reads nothing fills its queue: --echo must not block on it.
    @Test func echoNeverBlocksOnASenderThatDoesNotRead() throws {
        let directory = try SocketDirectory()
        let path = directory.file("echo.sock")
        let (listener, _) = try listen(["--echo", "--reply-rate", "1000", "--stats", "-c", "40", "-t", "10"], at: path)
        _ = try python("""
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[2])
            for i in range(40):
                s.sendto(b'%d' % i, sys.argv[1])
            """, [path, directory.file("deaf.sock")])
        #expect(listener.wait(seconds: 10) == 0, "\(listener.stderrText)")
        #expect(listener.stderrText.contains("refused by the kernel"), "\(listener.stderrText)")
    }

    /// The socket file letter created is gone after every way listen ends.
    @Test(arguments: ["count", "idle", "SIGINT", "SIGTERM", "SIGHUP", "write error"])
    func theSocketFileIsRemovedHoweverListenEnds(ending: String) throws {
        let directory = try SocketDirectory()
        let path = directory.file("gone.sock")
        let child: Child
        switch ending {
        case "write error":
            child = try Child("/bin/sh", ["-c", "exec \"$@\" >/dev/full", "sh", Paths.letter, "listen", "-t", "10", path])
        default:
            child = try Child(Paths.letter, ["listen", "-c", "1", "-t", ending == "idle" ? "0.3" : "10", path])
        }
        try #require(child.stderrLine(containing: "listening on") != nil, "\(child.stderrText)")
        #expect(access(path, F_OK) == 0)
        switch ending {
        case "SIGINT": child.signal(SIGINT)
        case "SIGTERM": child.signal(SIGTERM)
        case "SIGHUP": child.signal(SIGHUP)
        case "idle": break
        default: _ = try python("import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'x', sys.argv[1])", [path])
        }
        #expect(child.wait() == (ending == "write error" ? 1 : 0), "\(child.stderrText)")
        #expect(access(path, F_OK) != 0, "\(path) is still there after \(ending)")
    }

    /// A unix datagram can be longer than 65535 bytes (up to its sender's send buffer):
    /// without --bufsize, letter learns each one's length first, so none is cut and the
    /// lines are Python's own; with --bufsize, the long one is cut and said.
    @Test func longUnixDatagramsArriveWholeUnlessBufsizeSaysOtherwise() throws {
        let directory = try SocketDirectory()
        let path = directory.file("long.sock")
        let sender = directory.file("sender.sock")
        let sizes = [300_000, 70_000, 5, 65_536]
        let (listener, _) = try listen(["-c", String(sizes.count), "-t", "10"], at: path)
        let (cutting, _) = try listen(["--bufsize", "65535", "-c", String(sizes.count), "-t", "10"], at: path + "2")
        // Python sends each size in turn (a letter of the alphabet each) to both, and prints
        // what its own print(data.decode(), addr) shows for them.
        let sent = try python("""
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            s.bind(sys.argv[2])
            for index, size in enumerate(map(int, sys.argv[3:])):
                data = bytes([65 + index]) * size
                for target in (sys.argv[1], sys.argv[1] + "2"):
                    s.sendto(data, target)
                print(data.decode(), s.getsockname())
            """, [path, sender] + sizes.map(String.init))
        #expect(listener.wait() == 0, "\(listener.stderrText)")
        #expect(cutting.wait() == 0)
        #expect(listener.stdoutText == sent.stdoutText)
        #expect(!listener.stderrText.contains("truncated"), "\(listener.stderrText)")
        // The cut listener's lines are Python's for the first 65535 bytes of each.
        let cut = sent.stdoutText.split(separator: "\n").map { line -> String in
            let (text, sender) = (line.prefix { $0 != " " }, line.drop { $0 != " " })
            return String(text.prefix(65535)) + sender
        }
        #expect(cutting.stdoutText == cut.joined(separator: "\n") + "\n")
        // The first cut in full (with a running count if its batch held more); by the
        // end, however soon, how many in all.
        let reports = cutting.stderrText.split(separator: "\n").dropFirst()
        #expect(reports.first == "letter: truncated: 300000-byte datagram from '\(sender)' cut to 65535 bytes", "\(reports)")
        #expect(reports.last?.hasPrefix("letter: 3 datagrams truncated ") == true, "\(reports)")
        #expect(reports.dropFirst().allSatisfy { $0.hasSuffix(" (longer than --bufsize 65535)") }, "\(reports)")
    }

    /// A datagram longer than the socket's send buffer allows is refused with the limit.
    @Test func aDatagramOverTheSendBufferIsRefusedWithTheLimit() throws {
        let directory = try SocketDirectory()
        let path = directory.file("big.sock")
        let (listener, _) = try listen(["-t", "2"], at: path)
        let limit = try python("""
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            print(s.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF) - 32)
            """).stdoutText.dropLast()
        let send = try run(Paths.letter, ["send", "--whole", path], input: [UInt8](repeating: 65, count: 300_000))
        #expect(send.status == 1)
        #expect(send.stderrText == "letter send: stdin: 300000-byte datagram is longer than the unix socket's send buffer allows (\(limit) bytes); nothing sent for it\n")
        listener.signal(SIGTERM)
        #expect(listener.wait() == 0)
    }

    @Test(arguments: [
        (["send", "-4", "/tmp/x.sock", "m"], "-4"), (["send", "--broadcast", "@x", "m"], "--broadcast"),
        (["send", "--ttl", "2", "./x.sock", "m"], "--ttl"), (["listen", "--join", "239.1.1.1", "/tmp/x.sock"], "--join"),
        (["listen", "--allow", "10.0.0.0/8", "@x"], "--allow"), (["listen", "-6", "/tmp/x.sock"], "-6"),
        (["chat", "--interface", "lo", "/tmp/x.sock"], "--interface"),
    ])
    func internetOnlyOptionsAreUsageErrorsWithAUnixEndpoint(arguments: [String], option: String) throws {
        let child = try run(Paths.letter, arguments)
        #expect(child.status == 2)
        let endpoint = arguments.first { $0.hasPrefix("/") || $0.hasPrefix("./") || $0.hasPrefix("@") }!  // each row names one
        #expect(child.stderrText.hasPrefix("letter \(arguments[0]): \(option) applies to internet sockets; '\(endpoint)' is a unix socket"),
                "\(child.stderrText)")
    }

    /// Two chats over unix sockets talk to each other, each bound to its own path.
    @Test func chatTalksToPythonOverUnixSockets() throws {
        let directory = try SocketDirectory()
        let chatPath = directory.file("chat.sock"), pythonPath = directory.file("python.sock")
        let peer = try Child(Paths.python, [Paths.oracle, "recv", "--host", pythonPath, "--with-sender", "--reply", "hello back"])
        try #require(peer.stderrLine(containing: "listening on") != nil)
        let chat = try Child(Paths.letter, ["chat", "-t", "2", "-b", chatPath, pythonPath])
        chat.write("hello\n")
        chat.closeStdin()
        #expect(chat.wait() == 0, "\(chat.stderrText)")
        #expect(peer.wait() == 0)
        let expected = try python("import sys; print(repr(b'hello'), repr(sys.argv[1]))", [chatPath]).stdoutText
        #expect(peer.stdoutText == expected)
        #expect(chat.stdoutText == "hello back \(pythonPath)\n")
        #expect(access(chatPath, F_OK) != 0, "chat left its socket file")
    }
}
