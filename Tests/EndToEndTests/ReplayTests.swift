import Glibc
import Testing

/// `letter replay` against a Python receiver (kernel receive times), with captures made by
/// Fixtures/peers/replay_capture.py and Fixtures/captures/make_captures.py and read by
/// tshark first.
@Suite(.serialized) struct ReplayTests {
    static let receiver = Paths.repository + "/Fixtures/peers/replay_receiver.py"
    static let maker = Paths.repository + "/Fixtures/peers/replay_capture.py"

    /// A started receiver and its port.
    struct Receiver {
        let child: Child
        let port: String

        init(count: Int, host: String = "127.0.0.1", port: Int = 0, timeout: Double = 3) throws {
            child = try Child(Paths.python, [ReplayTests.receiver, "--host", host, "--port", String(port), "--count", String(count),
                                             "--timeout", String(timeout)])
            guard let line = child.stdoutLine(containing: "", seconds: 10) else {
                throw SpawnError(message: "the receiver said nothing: \(child.stderrText)")
            }
            self.port = line
        }

        /// (kernel receive time in ns, payload hex) of every datagram, once it is done.
        func arrivals() -> [(time: Int, hex: String)] {
            _ = child.wait(seconds: 30)
            return child.stdoutText.split(separator: "\n").dropFirst().map { line in
                let fields = line.split(separator: " ", omittingEmptySubsequences: false)
                return (Int(fields[0]) ?? 0, fields.count > 1 ? String(fields[1]) : "")
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
    func gaps(_ arrivals: [(time: Int, hex: String)]) -> [Double] {
        zip(arrivals, arrivals.dropFirst()).map { Double($1.time - $0.time) / 1e6 }
    }

    /// Whether the arrivals keep `expected` gaps within 20 ms, each arrival measured from the
    /// first (the deadlines are absolute: one late send must not count against the next gap).
    func keeps(_ expected: [Double], _ arrivals: [(time: Int, hex: String)]) -> Bool {
        guard arrivals.count == expected.count + 1, let first = arrivals.first?.time else { return false }
        var offset = 0.0
        return zip(expected, arrivals.dropFirst()).allSatisfy { gap, arrival in
            offset += gap
            return abs(Double(arrival.time - first) / 1e6 - offset) <= 20
        }
    }

    @Test(arguments: ["raw-ipv4.pcap", "raw-ipv6.pcap", "ethernet-nsec-be.pcap", "sll2.pcap", "sections.pcapng", "null.pcap"])
    func payloadsArriveAsTsharkReadsThem(name: String) throws {
        let fixtures = try TemporaryDirectory("replay-fixtures")
        _ = try run(Paths.python, [Paths.repository + "/Fixtures/captures/make_captures.py", fixtures.path], seconds: 60)
        let path = fixtures.path + "/" + name
        guard let expected = try tsharkPayloads(path) else { return }
        let receiver = try Receiver(count: expected.count)
        let replay = try run(Paths.letter, ["replay", "--fast", "--to", "127.0.0.1:\(receiver.port)", path])
        #expect(replay.status == 0, "\(replay.stderrText)")
        let arrived = receiver.arrivals().map(\.hex)
        // Cut-short records tshark still shows as UDP: letter skips them, so compare what came.
        #expect(arrived.count > 0)
        #expect(expected.filter { arrived.contains($0) } == arrived)
        #expect(replay.stderrText.contains("letter: replayed \(arrived.count) datagram"))
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

    @Test func aCaptureCutInsideARecordSendsWhatCameBefore() throws {
        let fixtures = try TemporaryDirectory("replay-damaged")
        _ = try run(Paths.python, [Paths.repository + "/Fixtures/captures/make_captures.py", fixtures.path], seconds: 60)
        let receiver = try Receiver(count: 100, timeout: 1)
        let replay = try run(Paths.letter, ["replay", "--fast", "--to", "127.0.0.1:\(receiver.port)",
                                            fixtures.path + "/damaged/cut-inside-record.pcap"])
        #expect(replay.status == 1)
        #expect(replay.stderrText.contains("the file ends inside a record") && replay.stderrText.contains("at byte 297"))
        let arrived = receiver.arrivals().count
        #expect(arrived > 0 && replay.stderrText.contains("letter: replayed \(arrived) datagram"))
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
}
