import Glibc
import Testing

/// `letter ping` against Python services written as the notes write them
/// (Fixtures/peers/udp_server.py): echo, the fixed `hi`, silence, every other request,
/// every reply twice, nothing listening; over IPv4, IPv6 and unix sockets.
@Suite struct PingTests {
    static let server = Paths.repository + "/Fixtures/peers/udp_server.py"

    /// A running Python service and the repr of its address, as letter prints it.
    func service(_ mode: String, host: String = "127.0.0.1", extra: [String] = []) throws -> (Child, String) {
        let child = try Child(Paths.python, [Self.server, mode, "--host", host, "--timeout", "5"] + extra)
        guard let banner = child.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "the service did not start: \(child.stderrText)")
        }
        return (child, String(banner.dropFirst("listening on ".count)))
    }

    /// What ping printed: each reply line's seq and time, and the summary lines.
    struct Run {
        let child: Child
        var replies: [(line: Substring, seq: Int, time: Double)] {
            child.stdoutText.split(separator: "\n").compactMap { line in
                guard let seqStart = line.firstRange(of: " seq=")?.upperBound,
                      let timeStart = line.firstRange(of: " time=")?.upperBound else { return nil }
                let seq = Int(line[seqStart...].prefix { $0.isNumber }) ?? -1
                let time = Double(line[timeStart...].prefix { $0.isNumber || $0 == "." }) ?? -1
                return (line, seq, time)
            }
        }
        var summary: Substring? { child.stdoutText.split(separator: "\n").first { $0.contains(" sent, ") } }
        var rttLine: Substring? { child.stdoutText.split(separator: "\n").first { $0.hasPrefix("rtt min/avg/max/mdev = ") } }
    }

    func ping(_ arguments: [String]) throws -> Run {
        let child = try Child(Paths.letter, ["ping"] + arguments, closeStdin: true)
        child.wait(seconds: 30)
        return Run(child: child)
    }

    /// The rtt line recomputed from the printed times (each rounded to the microsecond,
    /// so the average and mdev may differ by rounding alone).
    func checkFigures(_ pinged: Run) {
        let times = pinged.replies.map(\.time)
        guard let line = pinged.rttLine, !times.isEmpty else {
            Issue.record("no rtt line: \(pinged.child.stdoutText)")
            return
        }
        let figures = line.dropFirst("rtt min/avg/max/mdev = ".count).dropLast(" ms".count).split(separator: "/").compactMap { Double($0) }
        let mean = times.reduce(0, +) / Double(times.count)
        let deviation = (times.map { $0 * $0 }.reduce(0, +) / Double(times.count) - mean * mean).squareRoot()
        #expect(figures.count == 4)
        guard figures.count == 4 else { return }
        #expect(figures[0] == times.min()! && figures[2] == times.max()!, "\(line) vs \(times)")
        #expect(abs(figures[1] - mean) <= 0.0015 && abs(figures[3] - deviation) <= 0.002, "\(line) vs \(times)")
    }

    @Test func anEchoServerAnswersEveryRequestAndTheFiguresAddUp() throws {
        let (server, address) = try service("echo", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0, "\(pinged.child.stderrText)")
        #expect(pinged.replies.map(\.seq) == [1, 2, 3])
        for reply in pinged.replies {
            #expect(reply.line.hasPrefix("letter-ping ") && reply.line.contains(" seq=\(reply.seq) \(address) seq=\(reply.seq) time="),
                    "\(reply.line)")
        }
        #expect(pinged.summary?.hasPrefix("3 sent, 3 received, 0% loss, time ") == true, "\(pinged.child.stdoutText)")
        checkFigures(pinged)
        #expect(server.wait() == 0)
        // The server saw the three default payloads, in order.
        #expect(server.stdoutText.split(separator: "\n").map { String($0.suffix(6)) } == ["seq=1'", "seq=2'", "seq=3'"])
    }

    /// The notes' server answers every request with `hi`: replies go to the oldest
    /// unanswered request, and print as listen prints them.
    @Test func theNotesFixedReplyServerIsMatchedOldestFirst() throws {
        let (server, address) = try service("fixed", extra: ["--count", "3", "--text", "hi"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address)), "hello"])
        #expect(pinged.child.status == 0)
        let expected = try run(Paths.python, ["-c", "import sys; print('hi', sys.argv[1])", address]).stdoutText.dropLast()
        #expect(pinged.replies.map(\.seq) == [1, 2, 3])
        #expect(pinged.replies.allSatisfy { $0.line.hasPrefix(expected + " seq=") }, "\(pinged.child.stdoutText)")
        checkFigures(pinged)
        #expect(server.wait() == 0)
        #expect(server.stdoutText == "b'hello'\nb'hello'\nb'hello'\n")
    }

    @Test func aServerThatNeverAnswersIsAllLoss() throws {
        let (server, address) = try service("silent", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "-t", "0.3", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 1)
        let lost = pinged.child.stderrText.split(separator: "\n").filter { $0.hasPrefix("letter: no reply to seq=") }
        #expect(lost == ["letter: no reply to seq=1 within 0.3 s", "letter: no reply to seq=2 within 0.3 s",
                         "letter: no reply to seq=3 within 0.3 s"])
        #expect(pinged.summary?.hasPrefix("3 sent, 0 received, 100% loss, time ") == true, "\(pinged.child.stdoutText)")
        #expect(pinged.rttLine == nil)
        server.wait()
    }

    @Test func aServerThatDropsEveryOtherRequestIsHalfLoss() throws {
        let (server, address) = try service("every-other", extra: ["--count", "4"])
        let pinged = try ping(["-c", "4", "-i", "0.1", "-t", "0.5", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        #expect(pinged.replies.map(\.seq) == [1, 3])
        #expect(pinged.summary?.hasPrefix("4 sent, 2 received, 50% loss, time ") == true, "\(pinged.child.stdoutText)")
        checkFigures(pinged)
        server.wait()
    }

    @Test func repliesThatComeTwiceAreCountedAsDuplicatesNotMatchedTwice() throws {
        let (server, address) = try service("twice", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.2", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        // Ping ends at the third answer, as ping(8) -c does: the third copy may come too late.
        let duplicates = pinged.child.stdoutText.split(separator: "\n").filter { $0.hasSuffix(" (DUP!)") }.count
        #expect((2...3).contains(duplicates), "\(pinged.child.stdoutText)")
        #expect(pinged.summary?.hasPrefix("3 sent, 3 received, +\(duplicates) duplicates, 0% loss, time ") == true,
                "\(pinged.child.stdoutText)")
        server.wait()
    }

    /// Nothing listens: each request is reported at once (ICMP port unreachable), long
    /// before its 5 s timeout.
    @Test func aClosedPortIsReportedAtOnce() throws {
        let closed = try startListener(["-t", "0.1", "127.0.0.1", "0"])
        #expect(closed.child.wait() == 0)
        let started = now()
        // Requests closer together than the ICMP answers: each is still told apart.
        let pinged = try ping(["-c", "5", "-i", "0.01", "-t", "5", "127.0.0.1", String(closed.port)])
        #expect(now() - started < 2, "waited for the timeout")
        #expect(pinged.child.status == 1)
        let reports = pinged.child.stderrText.split(separator: "\n").filter { $0.contains("port unreachable") }.map(String.init)
        #expect(reports == (1...5).map {
            "letter: seq=\($0): port unreachable: nothing listens at ('127.0.0.1', \(closed.port)) (ICMP port unreachable)"
        }, "\(pinged.child.stderrText)")
        #expect(pinged.summary?.hasPrefix("5 sent, 0 received, 100% loss") == true, "\(pinged.child.stdoutText)")
    }

    @Test func ipv6AndUnixServicesAnswerToo() throws {
        let (server6, address6) = try service("echo", host: "::1", extra: ["--count", "2"])
        let pinged6 = try ping(["-c", "2", "-i", "0.05", "::1", String(try portFromTuple("x " + address6))])
        #expect(pinged6.child.status == 0 && pinged6.replies.count == 2, "\(pinged6.child.stdoutText) \(pinged6.child.stderrText)")
        #expect(pinged6.replies.allSatisfy { $0.line.contains(" \(address6) seq=") })
        server6.wait()

        var template = Array("/tmp/letter-ping-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp failed") }
        let path = String(cString: made) + "/echo.sock"
        defer { unlink(path); rmdir(String(cString: made)) }
        let (server, address) = try service("echo", host: path, extra: ["--count", "2"])
        let pinged = try ping(["-c", "2", "-i", "0.05", path])
        #expect(pinged.child.status == 0 && pinged.replies.count == 2, "\(pinged.child.stdoutText) \(pinged.child.stderrText)")
        // Python's print shows a path bare; letter autobound, so the server could answer.
        #expect(address == "'\(path)'")
        #expect(pinged.replies.allSatisfy { $0.line.contains(" \(path) seq=") }, "\(pinged.child.stdoutText)")
        server.wait()
    }

    /// json: every line parses; replies carry seq and rtt_ms; the summary is one object.
    @Test func jsonRepliesAndSummaryParse() throws {
        let (server, address) = try service("echo", extra: ["--count", "2"])
        let pinged = try ping(["-f", "json", "-c", "2", "-i", "0.05", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        let parsed = try run(Paths.python, ["-c", """
            import json, sys
            lines = [json.loads(line) for line in sys.stdin]
            replies, summary = lines[:-1], lines[-1]
            print([r['seq'] for r in replies], all(isinstance(r['rtt_ms'], float) for r in replies))
            print(summary['summary'], summary['sent'], summary['received'], summary['loss_pct'],
                  summary['rtt_min_ms'] == min(r['rtt_ms'] for r in replies), summary['rtt_max_ms'] == max(r['rtt_ms'] for r in replies))
            """], input: pinged.child.stdout)
        #expect(parsed.stdoutText == "[1, 2] True\nTrue 2 2 0 True True\n", "\(parsed.stdoutText) \(parsed.stderrText)")
        server.wait()
    }

    @Test func rawHasNoRoomForSeqAndTime() throws {
        let pinged = try ping(["-f", "raw", "127.0.0.1", "9"])
        #expect(pinged.child.status == 2)
        #expect(pinged.child.stderrText.hasPrefix("letter ping: -f raw has no room for seq and time"))
    }
}

/// `send -c N -i SEC` and the progress line of a long send.
@Suite struct SendRepeatTests {
    @Test func countAndIntervalSpaceTheDatagramsAtTheReceiver() throws {
        let receiver = try Child(Paths.python, ["-c", """
            import socket, struct, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', 0))
            s.settimeout(5)
            print('listening on', s.getsockname(), file=sys.stderr, flush=True)
            # The kernel's receive times (SO_TIMESTAMPNS, 35 on Linux): a busy machine may
            # wake this loop late, but the datagrams' arrival times stay what they were.
            s.setsockopt(socket.SOL_SOCKET, 35, 1)
            arrivals = []
            for _ in range(5):
                data, ancillary, flags, addr = s.recvmsg(100, 64)
                seconds, nanoseconds = struct.unpack('qq', ancillary[0][2][:16])
                arrivals.append(seconds + nanoseconds / 1e9)
                print(repr(data))
            print(' '.join('%.3f' % (b - a) for a, b in zip(arrivals, arrivals[1:])))
            """])
        guard let banner = receiver.stderrLine(containing: "listening on") else { throw SpawnError(message: receiver.stderrText) }
        let send = try run(Paths.letter, ["send", "-c", "5", "-i", "0.1", "127.0.0.1", String(try portFromTuple(banner)), "tick"])
        #expect(send.status == 0, "\(send.stderrText)")
        #expect(receiver.wait() == 0)
        let lines = receiver.stdoutText.split(separator: "\n")
        #expect(lines.prefix(5) == ["b'tick'", "b'tick'", "b'tick'", "b'tick'", "b'tick'"])
        let gaps = (lines.last ?? "").split(separator: " ").compactMap { Double($0) }
        #expect(gaps.count == 4 && gaps.allSatisfy { (0.08...0.4).contains($0) }, "\(gaps)")
    }

    /// Over a second of stdin lines: a terminal's stderr sees the progress line and its
    /// erasure; a pipe sees nothing.
    @Test func aLongSendShowsProgressOnATerminalOnly() throws {
        let listener = try startListener(["-f", "lines", "-c", "30", "-t", "10", "127.0.0.1", "0"])
        let viaTerminal = try run(Paths.python, ["-c", """
            import os, pty, subprocess, sys
            main, side = pty.openpty()
            child = subprocess.Popen(sys.argv[1:], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=side)
            os.close(side)
            child.stdin.write(b''.join(b'%d\\n' % i for i in range(30)))
            child.stdin.close()
            seen = b''
            while True:
                try:
                    chunk = os.read(main, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                seen += chunk
            child.wait()
            print(repr(seen))
            """, Paths.letter, "send", "--rate", "20", "127.0.0.1", String(listener.port)], seconds: 30)
        #expect(viaTerminal.status == 0, "\(viaTerminal.stderrText)")
        #expect(viaTerminal.stdoutText.contains("\\rletter: sent "), "\(viaTerminal.stdoutText)")
        #expect(viaTerminal.stdoutText.contains("\\r\\x1b[K'"), "the line was not cleared: \(viaTerminal.stdoutText)")
        #expect(listener.child.wait() == 0)

        let second = try startListener(["-f", "lines", "-c", "30", "-t", "10", "127.0.0.1", "0"])
        let viaPipe = try run(Paths.letter, ["send", "--rate", "20", "127.0.0.1", String(second.port)],
                              input: Array((0..<30).map { "\($0)\n" }.joined().utf8), seconds: 30)
        #expect(viaPipe.status == 0)
        #expect(viaPipe.stderr.isEmpty, "\(viaPipe.stderrText)")
        #expect(second.child.wait() == 0)
    }
}
