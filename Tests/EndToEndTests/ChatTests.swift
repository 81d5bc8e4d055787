import Glibc
import Testing

/// `letter chat` on loopback: against another chat with crossed ports, against Python's
/// socket module and against `nc -u`, each way.
@Suite struct ChatTests {
    @Test func twoChatsWithCrossedPortsTalkBothWays() throws {
        let firstPort = freeUDPPort()
        let (second, secondPort) = try startChat(["-e", "gbk", "-b", "127.0.0.1:0", "127.0.0.1", String(firstPort)])
        let (first, _) = try startChat(["-e", "gbk", "-b", "127.0.0.1:\(firstPort)", "127.0.0.1", String(secondPort)])
        first.write("你好 from the first\n")
        #expect(second.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(second.stderrText)")
        second.write("hello from the second\n")
        #expect(first.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(first.stderrText)")
        first.closeStdin()
        second.closeStdin()
        #expect(first.wait() == 0)
        #expect(second.wait() == 0)
        #expect(second.stdoutText == "你好 from the first ('127.0.0.1', \(firstPort))\n")
        #expect(first.stdoutText == "hello from the second ('127.0.0.1', \(secondPort))\n")
        for chat in [first, second] {
            #expect(chat.stderrText.contains("received 1 datagram ("), "stderr: \(chat.stderrText)")
        }
    }

    @Test func chatTalksToPython() throws {
        let (python, banner) = try startReady(Paths.python, [Paths.oracle, "recv", "--port", "0", "--with-sender",
                                                             "--encoding", "gbk", "--reply", "你好 back"],
                                              marker: "listening on")
        let pythonAddress = try addressTuple(in: banner)
        let (chat, chatPort) = try startChat(["-e", "gbk", "127.0.0.1", String(try portFromTuple(banner))])
        chat.write("你好 python\n")
        #expect(chat.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(chat.stderrText)")
        chat.closeStdin()
        #expect(chat.wait() == 0)
        #expect(python.wait() == 0, "python: \(python.stderrText)")
        // Python shows the GBK bytes it received and chat's address; chat shows Python's reply
        // as Python would print it.
        let sent = try pythonRepr(of: "你好 python", encoding: "gbk")
        #expect(python.stdoutText == "\(sent) ('127.0.0.1', \(chatPort))\n")
        #expect(chat.stdoutText == "你好 back \(pythonAddress)\n")
    }

    @Test func chatTalksToNetcat() throws {
        guard let nc = requirePeer("nc") else { return }
        // nc binds the port chat talks to, and sends to the port chat is bound to.
        let netcatPort = freeUDPPort()
        let (chat, chatPort) = try startChat(["-b", "127.0.0.1:0", "127.0.0.1", String(netcatPort)])
        let netcat = try Child(nc, ["-u", "-p", String(netcatPort), "127.0.0.1", String(chatPort)])
        defer {
            netcat.signal(SIGTERM)
            netcat.wait()
        }
        netcat.write("hello from nc\n")
        #expect(chat.pump(seconds: 10) { $0.stdoutText.hasSuffix("\n") }, "stderr: \(chat.stderrText)")
        chat.write("hello from letter\n")
        #expect(netcat.pump(seconds: 10) { $0.stdoutText == "hello from letter" }, "nc got: \(netcat.stdoutText)")
        chat.closeStdin()
        #expect(chat.wait() == 0)
        // nc sends its newline; chat shows it escaped, one datagram on one line.
        #expect(chat.stdoutText == "hello from nc\\n ('127.0.0.1', \(netcatPort))\n")
    }

    @Test func chatKeepsListeningForTimeoutSecondsAfterItsInputEnds() throws {
        let (python, banner) = try startReady(Paths.python, [Paths.oracle, "recv", "--port", "0", "--reply", "late reply"],
                                              marker: "listening on")
        let (chat, _) = try startChat(["-t", "1", "127.0.0.1", String(try portFromTuple(banner))])
        let started = now()
        chat.write("are you there?\n")
        chat.closeStdin()
        #expect(chat.wait() == 0, "stderr: \(chat.stderrText)")
        #expect(python.wait() == 0, "python: \(python.stderrText)")
        #expect(chat.stdoutText == "late reply \(try addressTuple(in: banner))\n")
        #expect(now() - started >= 1)
        #expect(chat.stderrText.contains("received 1 datagram ("), "stderr: \(chat.stderrText)")
    }

    @Test func chatSkipsALineItCannotEncodeAndEndsWithItsInput() throws {
        let (python, banner) = try startReady(Paths.python, [Paths.oracle, "recv", "--port", "0", "--count", "2"],
                                              marker: "listening on")
        let chat = try run(Paths.letter, ["chat", "-e", "latin-1", "127.0.0.1", String(try portFromTuple(banner))],
                           input: bytes("naïve\n你好\nend\n"))
        #expect(chat.status == 0, "stderr: \(chat.stderrText)")
        #expect(python.wait() == 0, "python: \(python.stderrText)")
        #expect(chat.stderrText.contains("line 2, column 1: '你' (U+4F60) cannot be encoded"), "stderr: \(chat.stderrText)")
        #expect(chat.stderrText.contains("received 0 datagrams ("))
        let expected = try pythonRepr(of: "naïve", encoding: "latin-1") + "\n" + pythonRepr(of: "end", encoding: "latin-1") + "\n"
        #expect(python.stdoutText == expected)
    }

    @Test func chatStopsOnSIGTERMWithTheSummary() throws {
        let (chat, _) = try startChat(["127.0.0.1", String(freeUDPPort())])
        chat.signal(SIGTERM)
        #expect(chat.wait() == 0)
        #expect(chat.stderrText.contains("received 0 datagrams ("), "stderr: \(chat.stderrText)")
    }

    /// `letter chat ARGS` once its socket is bound, with the port it is bound to.
    func startChat(_ arguments: [String]) throws -> (Child, UInt16) {
        let (chat, banner) = try startReady(Paths.letter, ["chat"] + arguments, marker: "chatting with")
        return (chat, try portFromTuple(banner))
    }

    /// What Python's `repr(text.encode(encoding))` prints.
    func pythonRepr(of text: String, encoding: String) throws -> String {
        let oracle = try run(Paths.python, [Paths.oracle, "encode", "--encoding", encoding, text])
        #expect(oracle.status == 0, "oracle: \(oracle.stderrText)")
        return String(oracle.stdoutText.dropLast())
    }
}

/// Starts a program and waits (bounded) for the stderr line in which it says its socket is
/// bound ("listening on", "chatting with"); returns the running child and that line.
func startReady(_ path: String, _ arguments: [String], marker: String) throws -> (child: Child, banner: String) {
    let child = try Child(path, arguments)
    guard let banner = child.stderrLine(containing: marker) else {
        throw SpawnError(message: "no '\(marker)' from \(path) \(arguments); stderr: \(child.stderrText)")
    }
    return (child, banner)
}

/// The last Python address tuple in a line, such as `('127.0.0.1', 9000)`.
func addressTuple(in line: String) throws -> String {
    guard let open = line.lastIndex(of: "("), line.hasSuffix(")") else {
        throw SpawnError(message: "no address tuple in '\(line)'")
    }
    return String(line[open...])
}
