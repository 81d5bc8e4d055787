import Glibc
import Testing

/// `letter ping` against Python services written as the tutorials write them
/// (Fixtures/peers/udp_server.py): echo, the fixed `hi`, silence, every other request,
/// every reply twice, a third party answering, a forged seq, a unix service that goes
/// away, nothing listening; over IPv4, IPv6 and unix sockets. The shapes come from the
/// oracles: Python's repr and len of what the service saw, a live iputils ping.
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
        var lines: [Substring] { child.stdoutText.split(separator: "\n", omittingEmptySubsequences: false) }
        var replies: [(line: Substring, seq: Int, time: Double)] {
            lines.compactMap { line in
                guard let seqStart = line.firstRange(of: " seq=")?.upperBound,
                      let timeStart = line.firstRange(of: " time=")?.upperBound else { return nil }
                let seq = Int(line[seqStart...].prefix { $0.isNumber }) ?? -1
                let time = Double(line[timeStart...].prefix { $0.isNumber || $0 == "." }) ?? -1
                return (line, seq, time)
            }
        }
        /// From the blank line on.
        var summary: [Substring] { Array(lines.drop { !$0.isEmpty }.dropFirst().prefix { !$0.isEmpty }) }
        var packetLine: Substring? { lines.first { $0.contains(" packets transmitted, ") } }
        var rttLine: Substring? { lines.first { $0.hasPrefix("rtt min/avg/max/mdev = ") } }
    }

    func ping(_ arguments: [String], seconds: Double = 30) throws -> Run {
        let child = try Child(Paths.letter, ["ping"] + arguments, closeStdin: true)
        child.wait(seconds: seconds)
        return Run(child: child)
    }

    /// iputils ping's summary as patterns, from a live `ping -c 3 127.0.0.1`: its header
    /// with the destination put in, its packet line and rtt line with each number a
    /// number; `extra` goes where iputils puts `+N duplicates, `.
    func iputilsShape(destination: String, extra: String = "") throws -> [Regex<AnyRegexOutput>]? {
        guard let ping = requirePeer("ping", package: "iputils-ping") else { return nil }
        let live = try run(ping, ["-c", "3", "-i", "0.2", "127.0.0.1"], seconds: 10).stdoutText
        let theirs = live.split(separator: "\n", omittingEmptySubsequences: false).drop { !$0.hasPrefix("--- ") }.prefix(3)
        /// The line with each number (digits, and a point between them) as `[0-9.]+`.
        func pattern(_ line: Substring) -> String {
            var text = ""
            var inNumber = false
            for character in line {
                if character.isNumber || (inNumber && character == ".") {
                    if !inNumber { text += "[0-9.]+" }
                    inNumber = true
                } else {
                    inNumber = false
                    text += character.isLetter || character.isNumber || character == " " ? String(character) : "\\" + String(character)
                }
            }
            return text
        }
        let header = String(theirs.first ?? "").replacing("127.0.0.1", with: destination)
            .map { $0.isLetter || $0.isNumber || $0 == " " ? String($0) : "\\" + String($0) }.joined()
        let packet = pattern(theirs.dropFirst().first ?? "").replacing(" received\\, ", with: " received\\, " + extra)
        return try [header, packet, pattern(theirs.dropFirst(2).first ?? "")].map { try Regex($0) }
    }

    /// The summary after the blank line has iputils' shape line by line.
    func checkShape(_ pinged: Run, destination: String, extra: String = "", rttLine: Bool = true) throws {
        guard let shape = try iputilsShape(destination: destination, extra: extra) else { return }
        let summary = pinged.summary
        #expect(summary.count == (rttLine ? 3 : 2), "\(pinged.child.stdoutText)")
        for (line, pattern) in zip(summary, shape) {
            #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
        }
    }

    /// The rtt line against the printed times: min and max are two of them, the average
    /// and mdev within rounding of what the times give.
    func checkFigures(_ pinged: Run) {
        let times = pinged.replies.filter { !$0.line.hasSuffix(")") }.map(\.time)
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

    /// Python's `f'{len(data)} bytes from {addr!r}: seq={n}'` for each request the service
    /// printed (the repr of its bytes): what each reply line must start with.
    func expectedLineStarts(_ server: Child, address: String, reply: String? = nil) throws -> [String] {
        let made = try run(Paths.python, ["-c", """
            import ast, sys
            for n, line in enumerate(sys.stdin, 1):
                data = ast.literal_eval(line) if sys.argv[2] == '' else sys.argv[2].encode()
                print(f'{len(data)} bytes from {sys.argv[1]}: seq={n} time=')
            """, address, reply ?? ""], input: Array(server.stdoutText.utf8))
        return made.stdoutText.split(separator: "\n").map(String.init)
    }

    @Test func anEchoServerGetsPingsLinesAndIputilsSummary() throws {
        let (server, address) = try service("echo", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0, "\(pinged.child.stderrText)")
        #expect(server.wait() == 0)
        let starts = try expectedLineStarts(server, address: address)
        #expect(pinged.replies.count == 3 && zip(pinged.replies, starts).allSatisfy { $0.line.hasPrefix($1) && $0.line.hasSuffix(" ms") },
                "\(pinged.child.stdoutText) vs \(starts)")
        #expect(pinged.lines.firstIndex(of: "") == 3, "the blank line before the summary: \(pinged.child.stdoutText)")
        #expect(pinged.packetLine?.hasPrefix("3 packets transmitted, 3 received, 0% packet loss, time ") == true)
        try checkShape(pinged, destination: address)
        checkFigures(pinged)
    }

    /// With -f the reply prints as listen prints it, then ` seq=N time=T ms`: for `-f tuple`
    /// Python's `repr((data, addr))` of what the echo service saw and answered from.
    /// `--rate` with `-i` is one usage error (open loop or a pause, not both).
    @Test func aFormatPrintsTheReplyAsListenDoesWithSeqAndTime() throws {
        let (server, address) = try service("echo", extra: ["--count", "2"])
        let pinged = try ping(["-f", "tuple", "-c", "2", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0, "\(pinged.child.stderrText)")
        #expect(server.wait() == 0)
        let made = try run(Paths.python, ["-c", """
            import ast, sys
            address = ast.literal_eval(sys.argv[1])
            for n, line in enumerate(sys.stdin, 1):
                print(f'{(ast.literal_eval(line), address)!r} seq={n} time=')
            """, address], input: Array(server.stdoutText.utf8))
        let starts = made.stdoutText.split(separator: "\n").map(String.init)
        #expect(starts.count == 2 && pinged.replies.count == 2
                    && zip(pinged.replies, starts).allSatisfy { $0.line.hasPrefix($1) && $0.line.hasSuffix(" ms") },
                "\(pinged.child.stdoutText) vs \(starts)")
        let both = try ping(["--rate", "10", "-i", "0.1", "127.0.0.1", "9"])
        #expect(both.child.status == 2 && both.child.stderrText.split(separator: "\n").count == 1, "\(both.child.stderrText)")
    }

    @Test func sizePadsTheDefaultRequest() throws {
        let (server, address) = try service("echo", extra: ["--count", "2"])
        let pinged = try ping(["-c", "2", "-i", "0.1", "-s", "100", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        #expect(server.wait() == 0)
        let sizes = try run(Paths.python, ["-c", "import ast, sys; print([len(ast.literal_eval(l)) for l in sys.stdin])"],
                            input: Array(server.stdoutText.utf8)).stdoutText
        #expect(sizes == "[100, 100]\n")
        #expect(pinged.replies.allSatisfy { $0.line.hasPrefix("100 bytes from ") }, "\(pinged.child.stdoutText)")
        let withMessage = try ping(["-s", "100", "127.0.0.1", "9", "hello"])
        #expect(withMessage.child.status == 2 && withMessage.child.stderrText.contains("-s pads the default request"))
    }

    /// The tutorial's server answers every request with `hi`: replies go to the oldest
    /// unanswered request.
    @Test func aFixedReplyServerIsMatchedOldestFirst() throws {
        let (server, address) = try service("fixed", extra: ["--count", "3", "--text", "hi"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address)), "hello"])
        #expect(pinged.child.status == 0)
        #expect(server.wait() == 0)
        #expect(server.stdoutText == "b'hello'\nb'hello'\nb'hello'\n")
        let starts = try expectedLineStarts(server, address: address, reply: "hi")
        #expect(zip(pinged.replies, starts).allSatisfy { $0.line.hasPrefix($1) } && pinged.replies.count == 3, "\(pinged.child.stdoutText)")
        checkFigures(pinged)
    }

    @Test func quietPrintsOnlyTheBlankLineAndTheSummary() throws {
        let (server, address) = try service("echo", extra: ["--count", "3"])
        let pinged = try ping(["-q", "-c", "3", "-i", "0.05", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        #expect(pinged.lines.first == "" && pinged.lines.dropFirst().first?.hasPrefix("--- ") == true, "\(pinged.child.stdoutText)")
        try checkShape(pinged, destination: address)
        server.wait()
    }

    @Test func aServerThatNeverAnswersNamesEachLostSeq() throws {
        let (server, address) = try service("silent", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "-W", "0.3", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 1)
        let lost = pinged.child.stderrText.split(separator: "\n").filter { $0.hasPrefix("letter: no reply to seq=") }
        #expect(lost == ["letter: no reply to seq=1 within 0.3 s", "letter: no reply to seq=2 within 0.3 s",
                         "letter: no reply to seq=3 within 0.3 s"])
        #expect(pinged.packetLine?.hasPrefix("3 packets transmitted, 0 received, 100% packet loss, time ") == true,
                "\(pinged.child.stdoutText)")
        try checkShape(pinged, destination: address, rttLine: false)
        server.wait()
    }

    @Test func aDeadlineEndsPingAfterAboutASecond() throws {
        let (server, address) = try service("echo", extra: ["--count", "20"])
        let started = now()
        let pinged = try ping(["-w", "1", "-i", "0.2", "127.0.0.1", String(try portFromTuple("x " + address))])
        let elapsed = now() - started
        #expect(pinged.child.status == 0)
        #expect((0.9...2.0).contains(elapsed), "\(elapsed) s")
        #expect(pinged.packetLine?.hasPrefix("5 packets transmitted, 5 received, ") == true
                || pinged.packetLine?.hasPrefix("6 packets transmitted, ") == true, "\(pinged.child.stdoutText)")
        server.signal(SIGTERM)
        server.wait()
    }

    @Test func sigintGivesTheSummary() throws {
        let (server, address) = try service("echo", extra: ["--count", "100"])
        let child = try Child(Paths.letter, ["ping", "-i", "0.1", "127.0.0.1", String(try portFromTuple("x " + address))],
                              closeStdin: true)
        #expect(child.stdoutLine(containing: "seq=2 ") != nil)
        child.signal(SIGINT)
        #expect(child.wait() == 0)
        let pinged = Run(child: child)
        try checkShape(pinged, destination: address)
        server.signal(SIGTERM)
        server.wait()
    }

    @Test func aServerThatDropsEveryOtherRequestIsHalfLoss() throws {
        let (server, address) = try service("every-other", extra: ["--count", "4"])
        let pinged = try ping(["-c", "4", "-i", "0.1", "-t", "0.5", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        #expect(pinged.replies.map(\.seq) == [1, 3])
        #expect(pinged.packetLine?.hasPrefix("4 packets transmitted, 2 received, 50% packet loss, time ") == true,
                "\(pinged.child.stdoutText)")
        checkFigures(pinged)
        server.wait()
    }

    @Test func repliesThatComeTwiceAreCountedAsDuplicatesNotMatchedTwice() throws {
        let (server, address) = try service("twice", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.2", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        // Ping ends at the third answer, as ping(8) -c does: the third copy may come too late.
        let duplicates = pinged.lines.filter { $0.hasSuffix(" (DUP!)") }.count
        #expect((2...3).contains(duplicates), "\(pinged.child.stdoutText)")
        #expect(pinged.packetLine?.hasPrefix("3 packets transmitted, 3 received, +\(duplicates) duplicates, 0% packet loss, ") == true,
                "\(pinged.child.stdoutText)")
        try checkShape(pinged, destination: address, extra: "\\+[0-9]+ duplicates, ")
        server.wait()
    }

    /// Issue 18, trust 9: a copy that comes when no request waits is `(unmatched)` and
    /// counted as unmatched, one word for one thing.
    @Test func aReplyWithNoRequestWaitingIsUnmatchedByName() throws {
        let (server, address) = try service("twice", extra: ["--count", "2"])
        let pinged = try ping(["-c", "2", "-i", "0.3", "127.0.0.1", String(try portFromTuple("x " + address)), "hello"])
        #expect(pinged.child.status == 0)
        let unmatched = pinged.lines.filter { $0.hasSuffix(": (unmatched)") }.count
        #expect(unmatched >= 1, "\(pinged.child.stdoutText)")
        #expect(pinged.packetLine?.hasPrefix("2 packets transmitted, 2 received, +\(unmatched) unmatched, 0% packet loss") == true,
                "\(pinged.child.stdoutText)")
        server.wait()
    }

    /// Issue 18, trust 1: a third party at 127.0.0.99 echoing the requests of a silent
    /// service answers nothing.
    @Test func aThirdPartyCannotAnswerForASilentService() throws {
        let (server, address) = try service("third-party", extra: ["--count", "3"])
        let pinged = try ping(["-c", "3", "-i", "0.1", "-W", "0.5", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 1)
        #expect(pinged.packetLine?.hasPrefix("3 packets transmitted, 0 received, 100% packet loss") == true, "\(pinged.child.stdoutText)")
        #expect(pinged.replies.isEmpty)
        #expect(pinged.child.stderrText.contains("letter ping: ignored 3 datagrams from other addresses\n"), "\(pinged.child.stderrText)")
        server.wait()
    }

    /// Issue 18, trust 1: a reply in this run's form naming seq=999999999 is unmatched,
    /// and the real echo that follows is matched, not a duplicate.
    @Test func aForgedSeqIsUnmatchedNotMatchedByAge() throws {
        let (server, address) = try service("forged", extra: ["--count", "2"])
        let pinged = try ping(["-c", "2", "-i", "0.2", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        #expect(pinged.replies.map(\.seq) == [1, 2], "\(pinged.child.stdoutText)")
        #expect(pinged.lines.filter { $0.hasSuffix(": (unmatched)") }.count == 2)
        #expect(!pinged.child.stdoutText.contains("DUP!"))
        #expect(pinged.packetLine?.hasPrefix("2 packets transmitted, 2 received, +2 unmatched, 0% packet loss") == true,
                "\(pinged.child.stdoutText)")
        server.wait()
    }

    /// Issue 18, trust 3: the unix service goes away; each failed send is an error, ping
    /// goes on to its count and the summary comes, status 0 (replies came).
    @Test func aFailedSendIsAnErrorAndPingGoesOn() throws {
        let directory = try TemporaryDirectory("ping")
        let path = directory.path + "/echo.sock"
        let (server, _) = try service("vanish", host: path, extra: ["--count", "3"])
        let pinged = try ping(["-c", "6", "-i", "0.1", "-W", "0.5", path])
        #expect(server.wait() == 0)
        #expect(pinged.child.status == 0, "\(pinged.child.stderrText)")
        let failures = pinged.child.stderrText.split(separator: "\n").filter { $0.contains(": cannot send to '\(path)': ") }
        #expect(failures.count >= 2, "\(pinged.child.stderrText)")
        #expect(pinged.packetLine?.hasPrefix("6 packets transmitted, 3 received, +\(failures.count) errors, 50% packet loss") == true,
                "\(pinged.child.stdoutText)")
    }

    /// Issue 18, trust 3: stdout cannot be written: the summary goes to stderr (with -q
    /// after every request; without, ping ends at the first reply line it cannot write).
    @Test func theSummaryGoesToStderrWhenStdoutFails() throws {
        let (server, address) = try service("echo", extra: ["--count", "3"])
        let port = String(try portFromTuple("x " + address))
        for (options, packets) in [(["-q"], "2 packets transmitted, 2 received, 0% packet loss"), ([], " packets transmitted, ")] {
            let pinged = try run("/bin/sh", ["-c", "exec \"$0\" ping -c 2 -i 0.05 \"$@\" 127.0.0.1 \(port) > /dev/full", Paths.letter]
                                 + options)
            #expect(pinged.status == 1)
            #expect(pinged.stderrText.contains("\n--- \(address) ping statistics ---\n"), "\(pinged.stderrText)")
            #expect(pinged.stderrText.contains(packets), "\(pinged.stderrText)")
            #expect(pinged.stderrText.hasSuffix("letter ping: cannot write to standard output: No space left on device\n"))
        }
        server.wait()
    }

    @Test func expectCountsMismatchesNotReplies() throws {
        let (server, address) = try service("fixed", extra: ["--count", "2", "--text", "hi"])
        let pinged = try ping(["-c", "2", "-i", "0.1", "--expect", "pong", "127.0.0.1", String(try portFromTuple("x " + address)), "x"])
        #expect(pinged.child.status == 1)
        #expect(pinged.lines.filter { $0.hasSuffix(" ms (mismatch)") }.count == 2, "\(pinged.child.stdoutText)")
        #expect(pinged.packetLine?.hasPrefix("2 packets transmitted, 0 received, +2 mismatched, 100% packet loss") == true,
                "\(pinged.child.stdoutText)")
        server.wait()
    }

    /// Nothing listens: each request is an error at once (ICMP port unreachable), long
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
        #expect(pinged.packetLine?.hasPrefix("5 packets transmitted, 0 received, +5 errors, 100% packet loss") == true,
                "\(pinged.child.stdoutText)")
    }

    @Test func ipv6AndUnixServicesAnswerToo() throws {
        let (server6, address6) = try service("echo", host: "::1", extra: ["--count", "2"])
        let pinged6 = try ping(["-c", "2", "-i", "0.05", "::1", String(try portFromTuple("x " + address6))])
        #expect(pinged6.child.status == 0 && pinged6.replies.count == 2, "\(pinged6.child.stdoutText) \(pinged6.child.stderrText)")
        #expect(pinged6.replies.allSatisfy { $0.line.contains(" bytes from \(address6): seq=") })
        server6.wait()

        let directory = try TemporaryDirectory("ping")
        let path = directory.path + "/echo.sock"
        let (server, address) = try service("echo", host: path, extra: ["--count", "2"])
        let pinged = try ping(["-c", "2", "-i", "0.05", path])
        #expect(pinged.child.status == 0 && pinged.replies.count == 2, "\(pinged.child.stdoutText) \(pinged.child.stderrText)")
        // repr quotes a path, as in the summary's header.
        #expect(address == "'\(path)'")
        #expect(pinged.replies.allSatisfy { $0.line.contains(" bytes from \(address): seq=") }, "\(pinged.child.stdoutText)")
        #expect(pinged.summary.first == "--- \(address) ping statistics ---")
        server.wait()
    }

    /// `-f json -c 300 -i 0`: the summary's percentiles are the nearest rank over the
    /// reply lines' rtt_ms, its jitter RFC 3550's running estimate over them, as Python
    /// computes both.
    @Test func jsonPercentilesAndJitterAreTheReplyLinesOwn() throws {
        let (server, address) = try service("echo", extra: ["--count", "300", "--quiet"])
        let pinged = try ping(["-f", "json", "-c", "300", "-i", "0", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        let parsed = try run(Paths.python, ["-c", """
            import json, math, sys
            lines = [json.loads(line) for line in sys.stdin]
            replies, summary = lines[:-1], lines[-1]
            micro = [round(r['rtt_ms'] * 1000) for r in replies]
            ranked = sorted(micro)
            def rank(p):
                return ranked[math.ceil(p * len(ranked) / 1000) - 1]
            jitter = 0.0
            for a, b in zip(micro, micro[1:]):
                jitter += (abs(b - a) - jitter) / 16
            print(len(replies), summary['received'], [r['seq'] for r in replies] == list(range(1, 301)))
            print([round(summary[k] * 1000) for k in ('rtt_p50_ms', 'rtt_p90_ms', 'rtt_p99_ms', 'rtt_p999_ms')] == [rank(p) for p in (500, 900, 990, 999)])
            print(round(summary['jitter_ms'] * 1000) == round(jitter), summary['rtt_min_ms'] * 1000 == ranked[0])
            """], input: pinged.child.stdout)
        #expect(parsed.stdoutText == "300 300 True\nTrue\nTrue True\n", "\(parsed.stdoutText) \(parsed.stderrText)")
        server.wait()
    }

    /// `--histogram`: the percentile line agrees with the reply lines, the bucket counts add
    /// up to the replies, the largest bar is 50 wide, and each bucket is a quarter of a
    /// doubling: its range is the whole microseconds v with 2^(k/4) <= v < 2^((k+1)/4) for
    /// some k (or 0 alone), found by Python in exact integers (v^4 against 2^k), the k
    /// rising from line to line, neighbours meeting, and consecutive lower bounds a factor
    /// 2^(dk/4) apart as whole microseconds allow.
    @Test func histogramAddsUp() throws {
        let (server, address) = try service("echo", extra: ["--count", "200", "--quiet"])
        let pinged = try ping(["--histogram", "-c", "200", "-i", "0", "127.0.0.1", String(try portFromTuple("x " + address))])
        #expect(pinged.child.status == 0)
        let checked = try run(Paths.python, ["-c", """
            import math, re, sys
            text = sys.stdin.read()
            micro = sorted(round(float(t) * 1000) for t in re.findall(r' time=([0-9.]+) ms$', text, re.M))
            line = re.search(r'^rtt p50/p90/p99/p99.9 = ([0-9./]+) ms, jitter [0-9.]+ ms$', text, re.M)
            shown = [round(float(v) * 1000) for v in line.group(1).split('/')]
            ranks = [micro[math.ceil(p * len(micro) / 1000) - 1] for p in (500, 900, 990, 999)]
            buckets = re.findall(r'^  +([0-9.]+) - +([0-9.]+) ms  (#*) *  +([0-9]+)$', text, re.M)
            print(len(micro), shown == ranks, sum(int(b[3]) for b in buckets), max(len(b[2]) for b in buckets))
            def least_fourth_root(n):  # the least whole v with v ** 4 >= n
                root = math.isqrt(math.isqrt(n))
                return root if root ** 4 >= n else root + 1
            def holds(k):  # the first and last whole microsecond in [2^(k/4), 2^((k+1)/4))
                return least_fourth_root(2 ** k), least_fourth_root(2 ** (k + 1)) - 1
            wrong, previous = [], None
            for low, high, _, _ in buckets:
                first, last = round(float(low) * 1000), round(float(high) * 1000)
                ks = [-1] if (first, last) == (0, 0) else [k for k in range(128) if holds(k) == (first, last)]
                if not ks:
                    wrong.append(f'{low} - {high} ms is no [2^(k/4), 2^((k+1)/4)) us')
                    continue
                k = ks[0]
                if previous is not None:
                    pk, pfirst, plast = previous
                    factor = 2 ** ((k - pk) / 4)
                    if k <= pk or (k == pk + 1 and first != plast + 1) or (pk >= 0 and not -factor < first - pfirst * factor < 1):
                        wrong.append(f'{low} - {high} ms (k={k}) after k={pk}, {pfirst}..{plast} us')
                previous = k, first, last
            print(len(buckets) > 0, wrong)
            """], input: pinged.child.stdout)
        #expect(checked.stdoutText == "200 True 200 50\nTrue []\n", "\(checked.stdoutText) \(checked.stderrText) \(pinged.child.stdoutText)")
        server.wait()
    }

    /// Round trips are kept in 4 bytes each (issue 21: "RSS after a million replies (`-i 0
    /// -q`), against a C echo server: within 4 bytes a reply of the start"). Benchmarks/
    /// echo_server.c, compiled here, answers exactly `replies` requests and exits; ping asks
    /// for more, so every request after the last answer is an ICMP port unreachable, one
    /// stderr line each, into a FIFO this test never reads. Once the FIFO holds most of its
    /// 64 KiB, letter has recorded exactly those round trips (every stderr line names a
    /// later seq: none was lost) and has not begun the summary, whose sort takes scratch
    /// memory of its own: a sample taken mid-run could not tell them apart. The kernel's
    /// counts from /proc/PID/status: VmRSS once the loop has waited for 1,000 replies,
    /// against VmHWM, the peak, at that point. The slack, 64 KiB, is 16 pages: the last page
    /// of the samples, and the pages of code, stack and line buffer that the error path the
    /// test drives touches for the first time (0 to 4 KiB measured).
    ///
    /// 250,000 replies, not the issue's million: a round trip over loopback takes 20 to 75 µs
    /// on a shared two-core machine, so a million took 20 to 83 s; 250,000 take at most
    /// about 20 s, and an extra byte a reply would still exceed the slack four times over.
    /// LETTER_PING_RSS_REPLIES=1000000 runs the issue's figure.
    @Test func memoryGrowsByAtMostFourBytesAReply() throws {
        guard let compiler = executablePath("cc") ?? requirePeer("clang") else { return }
        let replies = getenv("LETTER_PING_RSS_REPLIES").flatMap { Int(String(cString: $0)) } ?? 250_000
        let slack = 64 * 1024
        let directory = try TemporaryDirectory("ping-rss")
        let echo = directory.path + "/echo_server", errors = directory.path + "/errors"
        let build = try run(compiler, ["-O2", "-o", echo, Paths.repository + "/Benchmarks/echo_server.c"])
        #expect(build.status == 0, "\(build.stderrText)")
        let server = try Child(echo, ["0", String(replies)], closeStdin: true)
        guard let portLine = server.stdoutLine(containing: "port "), mkfifo(errors, 0o600) == 0 else {
            Issue.record("no echo server or FIFO: \(server.stderrText)")
            return
        }
        // Opened for reading first (without waiting for a writer), so that the shell's
        // redirection opens it at once; closed when the test ends.
        let fifo = open(errors, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        defer { close(fifo) }
        let port = String(portLine.dropFirst("port ".count))
        let child = try Child("/bin/sh", ["-c", "exec \"$0\" ping -i 0 -q -W 1 -c \(replies + 100_000) 127.0.0.1 \(port) 2>\"$1\"",
                                          Paths.letter, errors], closeStdin: true)
        /// VmRSS, VmHWM (KiB) and the waits so far.
        func status() -> (resident: Int, peak: Int, waits: Int)? {
            guard let text = try? readFile("/proc/\(child.pid)/status") else { return nil }
            var values: [Substring: Int] = [:]
            for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
                let words = line.split(separator: " ", omittingEmptySubsequences: true).flatMap { $0.split(separator: "\t") }
                if words.count >= 2, let value = Int(words[1]) { values[words[0]] = value }
            }
            guard let resident = values["VmRSS:"], let peak = values["VmHWM:"], let waits = values["voluntary_ctxt_switches:"]
            else { return nil }
            return (resident, peak, waits)
        }
        func pending() -> Int32 {
            var count: Int32 = 0
            return ioctl(fifo, UInt(FIONREAD), &count) == 0 ? count : 0
        }
        let started = now()
        var start: (resident: Int, peak: Int, waits: Int)?
        var end: (resident: Int, peak: Int, waits: Int)?
        while now() - started < 120 {
            guard let sample = status() else { break }
            if start == nil && sample.waits >= 1000 { start = sample }
            if pending() >= 60_000 {
                end = status()
                break
            }
            usleep(10_000)
        }
        let elapsed = now() - started
        child.signal(SIGKILL)
        child.wait()
        #expect(server.wait(seconds: 10) == 0, "the echo server did not answer \(replies): \(server.stderrText)")
        var said = [UInt8](repeating: 0, count: 65536)
        let got = read(fifo, &said, said.count)
        let lines = String(decoding: said.prefix(max(got, 0)), as: UTF8.self).split(separator: "\n")
        // Every request the server answered was matched: the stderr lines name only later seqs.
        let named = lines.compactMap { line in line.firstRange(of: "seq=").map { Int(line[$0.upperBound...].prefix { $0.isNumber }) ?? 0 } }
        #expect(named.count > 500 && named.allSatisfy { $0 > replies }, "\(lines.prefix(3))")
        guard let start, let end else {
            Issue.record("ping never reached the checkpoint in \(elapsed) s: \(String(describing: start)), \(pending()) bytes of errors")
            return
        }
        print("ping memory: VmRSS \(start.resident) KiB after \(start.waits) waits, VmHWM \(end.peak) KiB after \(replies) replies, \(elapsed) s")
        // A sanitized letter's memory is mostly the sanitizer's (shadow, quarantine): there,
        // only the count above is checked, and the figure is printed.
        if !Paths.letterIsSanitized {
            #expect((end.peak - start.resident) * 1024 <= 4 * replies + slack,
                    "grew from \(start.resident) KiB to \(end.peak) KiB over \(replies) replies")
        }
    }

    /// The same bound with the summary made (its percentiles sort the round trips): ping's
    /// stdout is a pipe filled beforehand, so once the summary is made its write waits
    /// (wchan `pipe_write`), and VmHWM then is the peak of the whole run. It grows by at
    /// most 4 bytes a reply between 1,000 replies and 250,000 (LETTER_PING_RSS_REPLIES),
    /// each run against its own C echo server answering every request. (getrusage's
    /// ru_maxrss would not do: it keeps the launching Python's peak across the exec.)
    @Test func thePeakWithTheSummaryIsFourBytesAReply() throws {
        guard let compiler = executablePath("cc") ?? requirePeer("clang") else { return }
        let replies = getenv("LETTER_PING_RSS_REPLIES").flatMap { Int(String(cString: $0)) } ?? 250_000
        let directory = try TemporaryDirectory("ping-peak")
        let echo = directory.path + "/echo_server"
        let build = try run(compiler, ["-O2", "-o", echo, Paths.repository + "/Benchmarks/echo_server.c"])
        try #require(build.status == 0, "\(build.stderrText)")
        let measure = """
            import os, subprocess, sys, time
            letter, echo, n = sys.argv[1], sys.argv[2], sys.argv[3]
            server = subprocess.Popen([echo, '0', n], stdout=subprocess.PIPE, text=True)
            port = next(line.split()[1] for line in server.stdout if line.startswith('port '))
            read_end, write_end = os.pipe()
            os.set_blocking(write_end, False)
            try:
                while True:
                    os.write(write_end, b'.' * 4096)
            except BlockingIOError:
                pass
            os.set_blocking(write_end, True)
            ping = subprocess.Popen([letter, 'ping', '-i', '0', '-q', '-c', n, '127.0.0.1', port], stdout=write_end)
            os.close(write_end)
            peak = None
            deadline = time.monotonic() + 100
            while peak is None and time.monotonic() < deadline and ping.poll() is None:
                with open(f'/proc/{ping.pid}/wchan') as wchan:
                    if 'pipe_write' in wchan.read():
                        with open(f'/proc/{ping.pid}/status') as status:
                            peak = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))
                time.sleep(0.01)
            with os.fdopen(read_end, 'rb') as reader:
                out = reader.read().decode(errors='replace')
            print(ping.wait(), peak, f' {n} received, ' in out)
            server.wait()
            """
        func peak(_ count: Int) throws -> Int? {
            let result = try run(Paths.python, ["-c", measure, Paths.letter, echo, String(count)], seconds: 120)
            let words = result.stdoutText.split(separator: " ")
            #expect(words.count == 3 && words[0] == "0" && words[2] == "True\n", "\(result.stdoutText) \(result.stderrText)")
            return words.count == 3 ? Int(words[1]) : nil
        }
        guard let small = try peak(1000), let large = try peak(replies) else { return }
        print("ping peak memory: \(small) KiB after 1000 replies, \(large) KiB after \(replies)")
        if !Paths.letterIsSanitized {
            #expect((large - small) * 1024 <= 4 * (replies - 1000) + 64 * 1024,
                    "peak \(small) KiB at 1000 replies, \(large) KiB at \(replies)")
        }
    }

    @Test func rateSendsOnTheClockWhateverTheReplies() throws {
        let (server, address) = try service("echo", extra: ["--count", "500", "--quiet"])
        let started = now()
        let pinged = try ping(["-q", "--rate", "500", "-c", "500", "-W", "0.5", "127.0.0.1", String(try portFromTuple("x " + address))])
        let elapsed = now() - started
        #expect(pinged.child.status == 0)
        let received = pinged.packetLine.flatMap { Int($0.split(separator: " ")[3]) } ?? 0
        #expect(received >= 490, "\(pinged.child.stdoutText)")
        #expect((0.9...2.0).contains(elapsed), "\(elapsed) s")
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
