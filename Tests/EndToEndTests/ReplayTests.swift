import Glibc
import Testing

/// `letter replay` against a Python receiver (kernel receive times), with captures made by
/// Fixtures/peers/replay_capture.py and Fixtures/captures/make_captures.py and read by
/// tshark first.
@Suite(.serialized) struct ReplayTests {
    static let receiver = Paths.repository + "/Fixtures/peers/replay_receiver.py"
    static let maker = Paths.repository + "/Fixtures/peers/replay_capture.py"

    /// A datagram no capture holds, sent to a receiver once letter has exited: every
    /// datagram letter sent is queued before it (one sender, loopback), so the receiver
    /// stops there and what it printed is all that came, with no timeout to wait out.
    static let endOfTest = hex(Array("\0end of the replay test\0".utf8))

    /// `python3 -c SENTINEL TARGET HEX`: sends the bytes to TARGET (HOST:PORT, [v6]:PORT,
    /// a unix path or @NAME); a receiver already gone is no error.
    static let sentinel = """
        import socket, sys
        target, payload = sys.argv[1], bytes.fromhex(sys.argv[2])
        if target.startswith("/") or target.startswith("@"):
            s, address = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM), "\\0" + target[1:] if target[0] == "@" else target
        else:
            host, port = target.rsplit(":", 1)
            host = host.strip("[]")
            s, address = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_DGRAM), (host, int(port))
        try:
            s.sendto(payload, address)
        except OSError:
            pass
        """

    /// One datagram the receiver got: the kernel's receive time in ns, the payload in hex,
    /// and what else it was asked to print (the sender, the TTL).
    struct Arrival {
        let time: Int
        let hex: String
        let extra: [String]
    }

    /// A started receiver and its port (or "ready" for a unix socket).
    struct Receiver {
        let child: Child
        let port: String
        /// Where the end-of-test datagram goes; nil: the receiver ends by count or timeout.
        let target: String?

        init(count: Int, host: String = "127.0.0.1", port: Int = 0, timeout: Double = 3, unix: String? = nil,
             options: [String] = [], ends: Bool = true, launcher: [String] = []) throws {
            let place = unix.map { ["--unix", $0] } ?? ["--host", host, "--port", String(port)]
            let command = launcher + [Paths.python, ReplayTests.receiver] + place
                + ["--count", String(count), "--timeout", String(timeout), "--end", ReplayTests.endOfTest] + options
            child = try Child(command[0], Array(command.dropFirst()))
            guard let line = child.stdoutLine(containing: "", seconds: 10) else {
                throw SpawnError(message: "the receiver said nothing: \(child.stderrText)")
            }
            self.port = line
            let literal = host.contains(":") ? "[\(host)]" : host
            target = ends ? unix ?? "\(literal):\(line)" : nil
        }

        /// Every datagram, once letter is done (the end-of-test datagram sent first).
        func arrivals() -> [Arrival] {
            if let target { _ = try? run(Paths.python, ["-c", ReplayTests.sentinel, target, ReplayTests.endOfTest]) }
            _ = child.wait(seconds: 30)
            return child.stdoutText.split(separator: "\n").dropFirst().map { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                return Arrival(time: Int(fields[0]) ?? 0, hex: fields.count > 1 ? fields[1] : "", extra: Array(fields.dropFirst(2)))
            }
        }
    }

    func capture(_ directory: TemporaryDirectory, gaps: String, destination: String = "127.0.0.1", ports: String = "9") throws -> String {
        let path = directory.path + "/capture.pcap"
        _ = try run(Paths.python, [Self.maker, path, "--gaps", gaps, "--destination", destination, "--ports", ports])
        return path
    }

    /// tshark's reading of a capture: each UDP datagram's payload in hex, in order.
    func tsharkPayloads(_ path: String) throws -> [String]? {
        guard let tshark = requirePeer("tshark") else { return nil }
        let read = try run(tshark, ["-r", path, "-Y", "udp", "-T", "fields", "-e", "udp.payload"], seconds: 60)
        return read.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The gaps between arrivals, in milliseconds.
    func gaps(_ arrivals: [Arrival]) -> [Double] {
        zip(arrivals, arrivals.dropFirst()).map { Double($1.time - $0.time) / 1e6 }
    }

    /// Whether the arrivals keep `expected` gaps within 20 ms, each arrival measured from the
    /// first (the deadlines are absolute: one late send must not count against the next gap).
    func keeps(_ expected: [Double], _ arrivals: [Arrival]) -> Bool {
        guard arrivals.count == expected.count + 1, let first = arrivals.first?.time else { return false }
        var offset = 0.0
        return zip(expected, arrivals.dropFirst()).allSatisfy { gap, arrival in
            offset += gap
            return abs(Double(arrival.time - first) / 1e6 - offset) <= 20
        }
    }

    /// What letter's summary says of a capture tshark read as `view` (sent whole, no
    /// failures): its counts and bytes as the SPEC words them.
    func summary(of view: TsharkView) -> (replayed: String, skipped: String) {
        func counted(_ count: Int, _ singular: String, _ plural: String) -> String { "\(count) \(count == 1 ? singular : plural)" }
        let bytes = view.datagrams.reduce(0) { $0 + $1.payload.count / 2 }
        let kinds = [counted(view.skipped.notUDP, "not UDP", "not UDP"),
                     counted(view.skipped.incompleteFragments, "incomplete fragment", "incomplete fragments"),
                     counted(view.skipped.cutShort, "cut short", "cut short")].filter { !$0.hasPrefix("0 ") }
        let skipped = "; skipped \(counted(view.skipped.total, "record", "records"))"
            + (kinds.isEmpty ? "" : " (" + kinds.joined(separator: ", ") + ")") + "; 0 send failures"
        return ("letter: replayed \(counted(view.datagrams.count, "datagram", "datagrams")) (\(counted(bytes, "byte", "bytes"))) in ", skipped)
    }

    /// Every capture make_captures.py builds (its manifest's good files: every link type,
    /// µs and ns pcap in both byte orders, pcapng with three interfaces, a Simple Packet
    /// Block and a custom block), replayed at a pace loopback loses nothing at: what
    /// arrives is exactly the UDP datagrams tshark reads, in order, and the summary counts
    /// what tshark counts — datagrams, bytes, and skipped records by kind.
    @Test func payloadsArriveAsTsharkReadsThem() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let fixtures = try CaptureFixtures()
        let good = fixtures.manifest.filter { $0.expectation == ["good"] }.map(\.name)
        #expect(good.count == 12, "\(good)")
        for name in good {
            let view = try TsharkView(tshark: tshark, path: fixtures.path(name))
            let receiver = try Receiver(count: view.datagrams.count + 1)
            let replay = try run(Paths.letter, ["replay", "--rate", "2000", "--to", "127.0.0.1:\(receiver.port)", fixtures.path(name)])
            #expect(replay.status == 0, "\(name): \(replay.stderrText)")
            expectSame(receiver.arrivals().map(\.hex), view.datagrams.map(\.payload), name)
            let (replayed, skipped) = summary(of: view)
            #expect(replay.stderrText.hasPrefix(replayed) && replay.stderrText.contains(skipped)
                    && replay.stderrText.split(separator: "\n").count == 1,
                    "\(name): \(replay.stderrText) wanted \(replayed)...\(skipped)")
        }
    }

    /// A real `tcpdump -i lo` capture of Python's UDP traffic with a TCP connection mixed
    /// in, replayed with --to: what arrives is every UDP payload tshark reads in the
    /// capture, in order, and the summary's skipped records are the frames tshark does
    /// not call UDP (what tcpdump kept is the reference, not what was sent).
    @Test func aRealTcpdumpCaptureReplaysItsUDPAlone() throws {
        guard let tcpdump = requirePeer("tcpdump"), let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("replay-tcpdump")
        let file = directory.path + "/lo.pcap"
        let address = "127.\(UInt8.random(in: 100...199)).\(UInt8.random(in: 0...255)).\(UInt8.random(in: 1...254))"
        let capturing = try Child(tcpdump, ["-i", "lo", "-B", "32768", "-Z", "root", "--immediate-mode", "-U", "-w", file, "host", address])
        try #require(capturing.stderrLine(containing: "listening on") != nil, "tcpdump: \(capturing.stderrText)")
        let traffic = try run(Paths.python, [Paths.repository + "/Fixtures/captures/loopback_traffic.py", address], seconds: 30)
        #expect(traffic.status == 0, "\(traffic.stderrText)")
        usleep(300_000)
        capturing.signal(SIGINT)
        #expect(capturing.wait(seconds: 10) == 0, "tcpdump: \(capturing.stderrText)")
        guard let expected = try tsharkPayloads(file) else { return }
        let frames = try run(tshark, ["-r", file, "-T", "fields", "-e", "frame.number"], seconds: 60)
        let notUDP = frames.stdoutText.split(separator: "\n").count - expected.count
        #expect(!expected.isEmpty && notUDP > 0, "the capture holds \(expected.count) datagrams and \(notUDP) other frames")

        let receiver = try Receiver(count: expected.count)
        let replay = try run(Paths.letter, ["replay", "--fast", "--to", "127.0.0.1:\(receiver.port)", file])
        #expect(replay.status == 0, "\(replay.stderrText)")
        #expect(receiver.arrivals().map(\.hex) == expected)
        #expect(replay.stderrText.contains("letter: replayed \(expected.count) datagrams"), "\(replay.stderrText)")
        #expect(replay.stderrText.contains("skipped \(notUDP) records (\(notUDP) not UDP)"), "\(replay.stderrText)")
    }

    @Test func recordedGapsAreKeptScaledAndRated() throws {
        let directory = try TemporaryDirectory("replay-timing")
        let path = try capture(directory, gaps: "100,300,50,200")
        for (options, expected) in [([String](), [100.0, 300, 50, 200]), (["--speed", "2"], [50, 150, 25, 100]),
                                    (["--speed", "0.5"], [200, 600, 100, 400]), (["--rate", "20"], [50, 50, 50, 50])] {
            let receiver = try Receiver(count: 5)
            let replay = try run(Paths.letter, ["replay", "--to", "127.0.0.1:\(receiver.port)"] + options + [path], seconds: 30)
            #expect(replay.status == 0, "\(replay.stderrText)")
            let arrivals = receiver.arrivals()
            #expect(arrivals.map(\.hex) == (0..<5).map { hex(Array("letter \($0)".utf8)) })
            #expect(keeps(expected, arrivals), "\(options): \(gaps(arrivals))")
            #expect(replay.stderrText.contains("late by p50 "))
        }
    }

    @Test func loopPlaysThreePassesOneMedianGapApart() throws {
        let directory = try TemporaryDirectory("replay-loop")
        let path = try capture(directory, gaps: "100,300,50,200")
        let receiver = try Receiver(count: 15)
        let replay = try run(Paths.letter, ["replay", "--loop", "3", "--to", "127.0.0.1:\(receiver.port)", path], seconds: 30)
        #expect(replay.status == 0, "\(replay.stderrText)")
        let arrivals = receiver.arrivals()
        #expect(arrivals.count == 15)
        // The median of 100, 300, 50 and 200 (nearest rank) is 100 ms.
        let expected: [Double] = [100, 300, 50, 200, 100, 100, 300, 50, 200, 100, 100, 300, 50, 200]
        #expect(keeps(expected, arrivals), "\(gaps(arrivals))")
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func recordedDestinationsWithoutTo(host: String) throws {
        let directory = try TemporaryDirectory("replay-destination")
        let receiver = try Receiver(count: 3, host: host)
        let other = try Receiver(count: 3, host: host, timeout: 1)
        let path = try capture(directory, gaps: "1,1,1,1,1", destination: host, ports: "\(receiver.port),\(other.port)")
        let replay = try run(Paths.letter, ["replay", "--port", receiver.port, path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        #expect(receiver.arrivals().map(\.hex) == [0, 2, 4].map { hex(Array("letter \($0)".utf8)) })
        #expect(other.arrivals().isEmpty)
        #expect(replay.stderrText.contains("replayed 3 datagrams") && replay.stderrText.contains("(3 not to port \(receiver.port))"))
    }

    /// With --to the socket is connected, so a port nothing listens on comes back as the
    /// next send's ECONNREFUSED (ICMP): that datagram still goes, and nothing is counted
    /// as failed that the kernel sent — as before, when the socket was not connected.
    @Test func aConnectedReplayToAClosedPortSendsEveryDatagram() throws {
        let fixtures = try TemporaryDirectory("replay-refused")
        _ = try run(Paths.python, [Paths.repository + "/Fixtures/captures/make_captures.py", fixtures.path], seconds: 60)
        let path = fixtures.path + "/raw-ipv4.pcap"
        let receiver = try Receiver(count: 100, timeout: 1)
        let heard = try run(Paths.letter, ["replay", "--fast", "--to", "127.0.0.1:\(receiver.port)", path])
        let count = receiver.arrivals().count
        #expect(heard.status == 0 && count > 1, "\(heard.stderrText)")
        let closed = try freePort()
        // 5 ms apart: each ICMP error is back before the next send.
        let refused = try run(Paths.letter, ["replay", "--rate", "200", "--to", "127.0.0.1:" + closed, path])
        #expect(refused.status == 0, "\(refused.stderrText)")
        #expect(refused.stderrText.contains("letter: replayed \(count) datagrams") && refused.stderrText.contains("; 0 send failures"),
                "\(refused.stderrText)")
    }

    /// A capture cut inside a record: exit 1, the offset the manifest names, and exactly
    /// the datagrams of the records before it, as tshark reads them in the whole file the
    /// cut one was taken from (the good capture it is the start of).
    @Test func aCaptureCutInsideARecordSendsWhatCameBefore() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let fixtures = try CaptureFixtures()
        let name = "damaged/cut-inside-record.pcap"
        let expectation = try #require(fixtures.manifest.first { $0.name == name }?.expectation)
        #expect(expectation.prefix(2) == ["error", "endsInsideRecord"])
        let offset = try #require(Int(expectation[2]))
        let cut = try readFile(fixtures.path(name))
        let whole = try #require(try fixtures.manifest.filter { $0.expectation == ["good"] }.first {
            try readFile(fixtures.path($0.name)).starts(with: cut)
        }?.name)
        // The records before the offset: a pcap's 24-byte header, then 16 bytes and the frame each.
        let view = try TsharkView(tshark: tshark, path: fixtures.path(whole))
        var start = 24, before = 0
        while start < offset, before < view.recordLengths.count {
            start += 16 + view.recordLengths[before]
            before += 1
        }
        try #require(start == offset && before > 0, "\(whole): no record of it starts at byte \(offset)")
        let expected = zip(view.datagrams, view.datagramRecords).filter { $1 < before }.map(\.0.payload)
        try #require(!expected.isEmpty)

        let receiver = try Receiver(count: expected.count + 1)
        let replay = try run(Paths.letter, ["replay", "--fast", "--to", "127.0.0.1:\(receiver.port)", fixtures.path(name)])
        #expect(replay.status == 1)
        #expect(replay.stderrText.contains("the file ends inside a record") && replay.stderrText.contains("at byte \(offset)"),
                "\(replay.stderrText)")
        expectSame(receiver.arrivals().map(\.hex), expected, name)
        let bytes = expected.reduce(0) { $0 + $1.count / 2 }
        #expect(replay.stderrText.contains("letter: replayed \(expected.count) datagram\(expected.count == 1 ? "" : "s") (\(bytes) bytes)"),
                "\(replay.stderrText)")
    }

    @Test func aTextFileAndAMissingFileAreRuntimeErrors() throws {
        let directory = try TemporaryDirectory("replay-bad")
        try writeFile(directory.path + "/notes.txt", "hello\n")
        let text = try run(Paths.letter, ["replay", "--to", "127.0.0.1:9", directory.path + "/notes.txt"])
        #expect(text.status == 1 && text.stderrText.contains("not a capture"))
        let missing = try run(Paths.letter, ["replay", "--to", "127.0.0.1:9", directory.path + "/missing.pcap"])
        #expect(missing.status == 1 && missing.stderrText.contains("No such file or directory"))
    }

    @Test(arguments: [["--speed", "0"], ["--rate", "5", "--fast"], ["--speed", "2", "--fast"], ["--loop", "2", "-"], ["y.pcap"], ["-4"]])
    func usageErrors(arguments: [String]) throws {
        let file = arguments.last == "-" ? [] : ["x.pcap"]
        let result = try run(Paths.letter, ["replay"] + arguments + file)
        #expect(result.status == 2, "\(arguments): \(result.stderrText)")
        #expect(result.stderrText.split(separator: "\n").count == 1)
    }

    @Test func listensJSONRecordingPlaysBackWithItsGaps() throws {
        let listener = try startListener(["-f", "json", "--bytes", "--time", "epoch", "-c", "4", "127.0.0.1", "0"])
        for (index, pause) in [0.0, 0.1, 0.3, 0.05].enumerated() {
            usleep(UInt32(pause * 1e6))
            _ = try run(Paths.letter, ["send", "127.0.0.1", String(listener.port), "json \(index)"])
        }
        #expect(listener.child.wait() == 0)
        let directory = try TemporaryDirectory("replay-json")
        try writeFile(directory.path + "/rec.jsonl", listener.child.stdoutText)
        let receiver = try Receiver(count: 4)
        let replay = try run(Paths.letter, ["replay", "--to", "127.0.0.1:\(receiver.port)", directory.path + "/rec.jsonl"])
        #expect(replay.status == 0, "\(replay.stderrText)")
        let arrivals = receiver.arrivals()
        #expect(arrivals.map(\.hex) == (0..<4).map { hex(Array("json \($0)".utf8)) })
        // The gaps as recorded (json.loads of each line's time), not as the sends were meant.
        let times = try run(Paths.python, ["-c", "import json, sys\nfor line in open(sys.argv[1]): print(json.loads(line)['time'])",
                                           directory.path + "/rec.jsonl"]).stdoutText.split(separator: "\n").compactMap { Double($0) }
        let recorded = zip(times, times.dropFirst()).map { ($1 - $0) * 1000 }
        #expect(recorded.count == 3 && keeps(recorded, arrivals), "\(recorded) \(gaps(arrivals))")
        // Without times: a usage error only the content reveals.
        let untimed = try startListener(["-f", "json", "-c", "1", "127.0.0.1", "0"])
        _ = try run(Paths.letter, ["send", "127.0.0.1", String(untimed.port), "x"])
        _ = untimed.child.wait()
        try writeFile(directory.path + "/untimed.jsonl", untimed.child.stdoutText)
        let refused = try run(Paths.letter, ["replay", "--to", "127.0.0.1:9", directory.path + "/untimed.jsonl"])
        #expect(refused.status == 2 && refused.stderrText.contains("--rate N or --fast"))
    }

    /// One of make_captures.py's files, tshark's reading of it, and the fixtures it lives
    /// in (removed with them: keep the value while the file is used).
    struct BuiltCapture {
        let fixtures: CaptureFixtures
        let path: String
        let view: TsharkView

        init?(_ name: String) throws {
            guard let tshark = requirePeer("tshark") else { return nil }
            fixtures = try CaptureFixtures()
            path = fixtures.path(name)
            view = try TsharkView(tshark: tshark, path: path)
        }
    }

    /// Records an issue unless the payloads (hex) that arrived are exactly those expected,
    /// in order: the counts and the first difference, not every payload (one is 64 KiB).
    func expectSame(_ arrived: [String], _ expected: [String], _ context: String = "",
                    sourceLocation: SourceLocation = #_sourceLocation) {
        guard arrived != expected else { return }
        let first = (0..<min(arrived.count, expected.count)).first { arrived[$0] != expected[$0] } ?? min(arrived.count, expected.count)
        let got = first < arrived.count ? String(arrived[first].prefix(40)) : "none"
        let wanted = first < expected.count ? String(expected[first].prefix(40)) : "none"
        Issue.record("\(context): \(arrived.count) datagrams arrived, \(expected.count) expected; at \(first): \(got) for \(wanted)",
                     sourceLocation: sourceLocation)
    }

    /// `replay -`: a capture on stdin (pcap with fragments to reassemble, and pcapng with
    /// two sections) is read as the file is.
    @Test(arguments: ["ethernet-nsec-le.pcap", "sections.pcapng"])
    func aCaptureOnStdinReplaysAsTheFileDoes(name: String) throws {
        guard let built = try BuiltCapture(name) else { return }
        let receiver = try Receiver(count: built.view.datagrams.count + 1)
        let replay = try run(Paths.letter, ["replay", "--rate", "2000", "--to", "127.0.0.1:\(receiver.port)", "-"],
                             input: try readFile(built.path))
        #expect(replay.status == 0, "\(replay.stderrText)")
        expectSame(receiver.arrivals().map(\.hex), built.view.datagrams.map(\.payload), name)
        let (replayed, skipped) = summary(of: built.view)
        #expect(replay.stderrText.hasPrefix(replayed) && replay.stderrText.contains(skipped), "\(replay.stderrText)")
    }

    /// `--to` a unix socket, by path and by abstract name: a Python AF_UNIX receiver gets
    /// every datagram tshark reads, the 3,000 and 4,000-byte reassembled ones included.
    @Test(arguments: [false, true])
    func toAUnixSocket(abstract: Bool) throws {
        guard let built = try BuiltCapture("ethernet-usec-le.pcap") else { return }
        let name = abstract ? "@letter-replay-\(getpid())-\(UInt32.random(in: 0...UInt32.max))" : built.fixtures.directory + "/peer.sock"
        let receiver = try Receiver(count: built.view.datagrams.count + 1, unix: name)
        let replay = try run(Paths.letter, ["replay", "--rate", "2000", "--to", name, built.path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        expectSame(receiver.arrivals().map(\.hex), built.view.datagrams.map(\.payload), name)
        #expect(replay.stderrText.hasPrefix(summary(of: built.view).replayed), "\(replay.stderrText)")
    }

    /// `-6` and `-4` choose how --to's HOST resolves: the datagrams arrive from ::1 or
    /// 127.0.0.1 at a receiver of that family; a HOST of the other family is an error.
    @Test(arguments: [("-6", "::1", "[::1]"), ("-4", "127.0.0.1", "localhost")])
    func familyOptions(option: String, host: String, written: String) throws {
        guard let built = try BuiltCapture("raw.pcap") else { return }
        let receiver = try Receiver(count: built.view.datagrams.count + 1, host: host, options: ["--sender"])
        let replay = try run(Paths.letter, ["replay", option, "--rate", "2000", "--to", "\(written):\(receiver.port)", built.path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        let arrivals = receiver.arrivals()
        expectSame(arrivals.map(\.hex), built.view.datagrams.map(\.payload), option)
        #expect(arrivals.allSatisfy { $0.extra.first?.hasPrefix(host + ",") == true }, "\(arrivals.map(\.extra))")
        let other = option == "-6" ? "127.0.0.1" : "[::1]"
        let refused = try run(Paths.letter, ["replay", option, "--to", "\(other):\(receiver.port)", built.path])
        #expect(refused.status == 1 && refused.stderrText.contains("cannot resolve"), "\(refused.stderrText)")
    }

    /// `-b PORT`: every datagram leaves from that port.
    @Test func bindChoosesTheSourcePort() throws {
        let directory = try TemporaryDirectory("replay-bind")
        let path = try capture(directory, gaps: "1,1,1")
        let source = try freePort()
        let receiver = try Receiver(count: 5, options: ["--sender"])
        let replay = try run(Paths.letter, ["replay", "-b", source, "--fast", "--to", "127.0.0.1:\(receiver.port)", path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        let arrivals = receiver.arrivals()
        #expect(arrivals.map(\.hex) == (0..<4).map { hex(Array("letter \($0)".utf8)) })
        #expect(arrivals.map { $0.extra.first ?? "" } == Array(repeating: "127.0.0.1,\(source)", count: 4))
    }

    /// `--broadcast` to the loopback broadcast address, with --to and as recorded: a
    /// receiver bound to every address gets each datagram. Without the flag the kernel
    /// refuses, and letter says so with the hint (exit 1).
    @Test(arguments: [true, false])
    func broadcastNeedsTheFlag(recorded: Bool) throws {
        let directory = try TemporaryDirectory("replay-broadcast")
        let receiver = try Receiver(count: 5, host: "0.0.0.0")
        let path = try capture(directory, gaps: "1,1,1", destination: "127.255.255.255", ports: receiver.port)
        let to = recorded ? [] : ["--to", "127.255.255.255:\(receiver.port)"]
        let refused = try run(Paths.letter, ["replay", "--fast"] + to + [path])
        #expect(refused.status == 1)
        #expect(refused.stderrText.contains("Permission denied (to send to a broadcast address, add --broadcast)"), "\(refused.stderrText)")
        let replay = try run(Paths.letter, ["replay", "--broadcast", "--fast"] + to + [path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        #expect(receiver.arrivals().map(\.hex) == (0..<4).map { hex(Array("letter \($0)".utf8)) })
        #expect(replay.stderrText.hasPrefix("letter: replayed 4 datagrams"), "\(replay.stderrText)")
    }

    /// `--ttl N` sets the multicast TTL (SPEC: "as for send"): in a network namespace of
    /// its own (only its loopback, so nothing leaves the machine), a receiver that joined
    /// 239.77.0.1 on lo reads each datagram's TTL (IP_RECVTTL): N with --ttl, the
    /// multicast default 1 without. To a unicast address --ttl is a usage error.
    @Test func ttlSetsTheMulticastTTL() throws {
        guard let unshare = requirePeer("unshare", package: "util-linux"), let nsenter = requirePeer("nsenter", package: "util-linux"),
              requirePeer("ip", package: "iproute2") != nil else { return }
        guard getuid() == 0 else {
            reportSkip("a network namespace of its own needs root")
            return
        }
        let directory = try TemporaryDirectory("replay-ttl")
        let path = try capture(directory, gaps: "1,1")
        let group = "239.77.0.1"
        let setup = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo && exec \"$@\""
        let receiver = try Receiver(count: 6, host: "0.0.0.0", timeout: 5, options: ["--join", group, "--ttl"], ends: false,
                                    launcher: [unshare, "-n", "sh", "-c", setup, "sh"])
        for options in [["--ttl", "7"], []] {
            let replay = try run(nsenter, ["-t", String(receiver.child.pid), "-n", Paths.letter, "replay", "--fast"] + options
                                 + ["--to", "\(group):\(receiver.port)", path])
            #expect(replay.status == 0, "\(options): \(replay.stderrText)")
        }
        let arrivals = receiver.arrivals()
        #expect(arrivals.map(\.hex) == (0..<6).map { hex(Array("letter \($0 % 3)".utf8)) })
        #expect(arrivals.map { $0.extra.first ?? "" } == ["7", "7", "7", "1", "1", "1"], "\(receiver.child.stderrText)")
        let unicast = try run(Paths.letter, ["replay", "--ttl", "7", "--to", "127.0.0.1:9", path])
        #expect(unicast.status == 2 && unicast.stderrText.contains("--ttl applies to multicast"), "\(unicast.stderrText)")
    }

    /// A replay of over a second on a terminal (stderr a Python pty): the progress line
    /// shows the percentage of the file and the time left, rising, in place, cleared
    /// before the summary.
    @Test func progressShowsAPercentageOnATerminal() throws {
        let directory = try TemporaryDirectory("replay-progress")
        let path = try capture(directory, gaps: Array(repeating: "1", count: 59).joined(separator: ","))
        let receiver = try Receiver(count: 61)
        let result = try run(Paths.python, ["-c", SendProgressTests.underTerminal, Paths.letter, "replay", "--rate", "40",
                                            "--to", "127.0.0.1:\(receiver.port)", path], seconds: 30)
        #expect(receiver.arrivals().count == 60)
        let output = result.stdoutText.split(separator: "\n")
        try #require(output.count == 2, "\(result.stdoutText) \(result.stderrText)")
        #expect(output[0] == "0")
        let statuses = output[1].split(separator: "\\r").map(String.init).filter { $0.hasPrefix("letter: replayed") && !$0.contains("; skipped") }
        try #require(statuses.count >= 3, "\(output[1])")
        SendProgressTests.expectRisingPercentages(statuses)
        // Cleared, then the summary on a line of its own.
        #expect(output[1].contains("\\r\\x1b[Kletter: replayed 60 datagrams ("), "\(output[1].suffix(200))")
    }

    /// SIGINT during a slow replay: exit 0, and the summary line says how many were sent —
    /// exactly as many as arrived.
    @Test func interruptedReplayEndsWithItsSummary() throws {
        let directory = try TemporaryDirectory("replay-interrupt")
        let path = try capture(directory, gaps: Array(repeating: "1", count: 49).joined(separator: ","))
        let receiver = try Receiver(count: 51)
        let replay = try Child(Paths.letter, ["replay", "--rate", "20", "--to", "127.0.0.1:\(receiver.port)", path])
        usleep(400_000)
        replay.signal(SIGINT)
        #expect(replay.wait(seconds: 10) == 0, "\(replay.stderrText)")
        let arrivals = receiver.arrivals()
        #expect(arrivals.count > 1 && arrivals.count < 50, "\(arrivals.count)")
        #expect(arrivals.map(\.hex) == (0..<arrivals.count).map { hex(Array("letter \($0)".utf8)) })
        #expect(replay.stderrText.split(separator: "\n").count == 1, "\(replay.stderrText)")
        #expect(replay.stderrText.hasPrefix("letter: replayed \(arrivals.count) datagrams ("), "\(replay.stderrText)")
        #expect(replay.stderrText.contains("; 0 send failures; late by p50 "), "\(replay.stderrText)")
    }

    /// A send the kernel refuses is counted and the replay goes on, then exit 1: here the
    /// unix receiver closes after three datagrams, so the later sends find no one
    /// (ECONNREFUSED, then not connected). Every datagram is either sent or failed.
    @Test func sendFailuresAreCountedAndExitOne() throws {
        let directory = try TemporaryDirectory("replay-failure")
        let path = try capture(directory, gaps: "1,1,1,1,1,1,1,1,1")
        let socket = directory.path + "/peer.sock"
        let receiver = try Receiver(count: 3, unix: socket, ends: false)
        let replay = try run(Paths.letter, ["replay", "--rate", "50", "--to", socket, path])
        #expect(replay.status == 1, "\(replay.stderrText)")
        #expect(receiver.arrivals().map(\.hex) == (0..<3).map { hex(Array("letter \($0)".utf8)) })
        #expect(replay.stderrText.hasPrefix("letter replay: cannot send to '\(socket)': Connection refused\n"), "\(replay.stderrText)")
        let summary = try #require(replay.stderrText.split(separator: "\n").last)
        let words = summary.split(separator: " ")
        let sent = try #require(Int(words[2])), failed = try #require(summary.split(separator: ";").compactMap { part in
            part.hasSuffix("send failures") || part.hasSuffix("send failure") ? Int(part.split(separator: " ")[0]) : nil
        }.first)
        #expect(sent >= 3 && failed >= 1 && sent + failed == 10, "\(summary)")
    }
}
