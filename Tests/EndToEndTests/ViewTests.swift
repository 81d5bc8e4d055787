import Glibc
import TestSupport
import Testing

/// `-f hex` against `hexdump -Cv` itself, and `--time` against the clocks on both sides
/// of the datagram and against Python's own datetime formatting.
@Suite struct ViewTests {
    /// Payloads of the sizes where hexdump's lines turn (0, 1, 15, 16, 17, 31, 32, 33,
    /// the largest UDP datagram), all 256 byte values, and seeded random ones.
    static let hexPayloads: [[UInt8]] = {
        var random = SplitMix64(seed: 9)
        let sizes = [0, 1, 15, 16, 17, 31, 32, 33, 65507]
        return sizes.map { size in (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }
            + [(0...255).map { UInt8($0) }]
            + (0..<12).map { _ in (0..<Int(random.next() % 300)).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
    }()

    func compareHex(family: String, host: String, extra: [String] = [], payloads: [[UInt8]] = hexPayloads) throws {
        guard requirePeer("hexdump") != nil else { return }
        let listener = try startListener(["-f", "hex", "-c", String(payloads.count), "-t", "10"] + extra + [host, "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: payloads, format: "hex", family: family)
        #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
        #expect(oracle.stdout.count > 65507 * 3, "the oracle's dump is missing")
        let same = listener.child.stdout == oracle.stdout
        #expect(same, "letter's hex view differs from hexdump -Cv (\(listener.child.stdout.count) vs \(oracle.stdout.count) bytes)")
    }

    @Test func hexMatchesHexdumpOverIPv4() throws {
        try compareHex(family: "4", host: "127.0.0.1")
    }

    @Test(arguments: ["6", "dual"])
    func hexHeadersMatchPythonOverIPv6AndDualStack(family: String) throws {
        try compareHex(family: family, host: family == "6" ? "::1" : "::", extra: family == "dual" ? ["-6"] : [])
    }

    @Test func hexOverUnixSocketsShowsEachKindOfSender() throws {
        guard requirePeer("hexdump") != nil else { return }
        for sender in ["unnamed", "path", "abstract"] {
            var template = Array("/tmp/letter-hex-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp failed") }
            let directory = String(cString: made)
            defer { rmdir(directory) }
            let path = directory + "/letter.sock"
            let payloads = Array(Self.hexPayloads.prefix(8))
            let child = try Child(Paths.letter, ["listen", "-f", "hex", "-c", String(payloads.count), "-t", "10", path])
            try #require(child.stderrLine(containing: "listening on") != nil, "\(child.stderrText)")
            let oracle = try run(Paths.python, [Paths.oracle, "unix-send-expect", "--to", path, "--dir", directory,
                                                "--sender", sender, "--format", "hex"],
                                 input: Array(payloads.map { hex($0) + "\n" }.joined().utf8))
            #expect(oracle.status == 0, "\(oracle.stderrText)")
            #expect(child.wait() == 0)
            #expect(child.stdoutText == oracle.stdoutText, "\(sender)")
        }
    }

    /// A datagram cut by --bufsize: the header gives both sizes, the dump what arrived.
    @Test func hexHeaderSaysWhenTheKernelCutTheDatagram() throws {
        guard requirePeer("hexdump") != nil else { return }
        let payload = (0..<2000).map { UInt8(truncatingIfNeeded: $0) }
        let listener = try startListener(["-f", "hex", "--bufsize", "1024", "-c", "1", "-t", "10", "127.0.0.1", "0"])
        let sender = try run(Paths.python, ["-c", """
            import socket, subprocess, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', 0))
            data = bytes(i % 256 for i in range(2000))
            s.sendto(data, ('127.0.0.1', int(sys.argv[1])))
            dump = subprocess.run(['hexdump', '-Cv'], input=data[:1024], capture_output=True).stdout.decode()
            sys.stdout.write(repr(s.getsockname()) + ' 2000 bytes, cut to 1024\\n' + ''.join(dump.splitlines(True)[:-1]))
            """, String(listener.port)])
        #expect(payload.count == 2000)
        #expect(listener.child.wait() == 0)
        #expect(listener.child.stdoutText == sender.stdoutText)
    }

    // MARK: --time

    /// One datagram from Python, with Python's clock read just before the send.
    struct Stamped {
        let line: String
        let sentAfter: Double
        let readBefore: Double
    }

    func stampedLine(_ options: [String], environment: [String: String] = [:]) throws -> Stamped {
        let child = try Child(Paths.letter, ["listen", "-c", "1", "-t", "10"] + options + ["127.0.0.1", "0"],
                              environment: environment)
        guard let banner = child.stderrLine(containing: "listening on") else { throw SpawnError(message: child.stderrText) }
        let sender = try run(Paths.python, ["-c", """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            print(repr(time.time()))
            s.sendto(b'stamp me', ('127.0.0.1', int(sys.argv[1])))
            """, String(try portFromTuple(banner))])
        #expect(child.wait() == 0)
        return Stamped(line: String(child.stdoutText.dropLast()), sentAfter: Double(sender.stdoutText.dropLast()) ?? 0,
                       readBefore: wallClock())
    }

    @Test func epochStampsLieBetweenTheSendAndTheRead() throws {
        let stamped = try stampedLine(["--time", "epoch"])
        let parts = stamped.line.split(separator: " ", maxSplits: 1)
        #expect(parts.count == 2 && parts[1].hasPrefix("stamp me ('127.0.0.1', "))
        #expect(parts[0].wholeMatch(of: /[0-9]{10}\.[0-9]{6}/) != nil, "\(stamped.line)")
        let stamp = Double(parts[0]) ?? 0
        #expect(stamp >= stamped.sentAfter - 0.000001 && stamp <= stamped.readBefore, "\(stamped)")
    }

    /// Python's own datetime writes the same instant the same way, in each zone: UTC,
    /// +08:00, a half-hour offset, and a POSIX zone whose offset has seconds.
    @Test(arguments: ["UTC", "Asia/Shanghai", "Asia/Kolkata", "XYZ+0:44:30"])
    func isoAndUTCStampsAreWhatPythonWritesForTheSameInstant(zone: String) throws {
        for mode in ["iso", "utc"] {
            let stamped = try stampedLine(["--time", mode, "-f", "json"], environment: ["TZ": zone])
            let check = try run(Paths.python, ["-c", """
                import datetime, json, sys
                record = json.loads(sys.argv[1])
                stamp = record['time']
                if sys.argv[2] == 'utc':
                    instant = datetime.datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%S.%fZ').replace(tzinfo=datetime.timezone.utc)
                    again = instant.strftime('%Y-%m-%dT%H:%M:%S.%fZ')
                else:
                    instant = datetime.datetime.fromisoformat(stamp)
                    again = datetime.datetime.fromtimestamp(instant.timestamp()).astimezone().isoformat(timespec='microseconds')
                print(again == stamp, instant.timestamp(), stamp)
                """, stamped.line, mode], environment: ["TZ": zone])
            let words = check.stdoutText.split(separator: " ")
            #expect(words.first == "True", "\(zone) \(mode): \(check.stdoutText) \(check.stderrText)")
            let instant = words.count > 1 ? Double(words[1]) ?? 0 : 0
            #expect(instant >= stamped.sentAfter - 0.000001 && instant <= stamped.readBefore, "\(stamped)")
        }
    }

    /// The stamp is the kernel's receive time: a datagram that waits in the socket while
    /// letter is stopped still shows when it arrived, not when it was printed.
    @Test func theStampIsTheKernelsReceiveTimeNotThePrintingTime() throws {
        let listener = try startListener(["--time", "epoch", "-c", "1", "-t", "10", "127.0.0.1", "0"])
        listener.child.signal(SIGSTOP)
        let sender = try run(Paths.python, ["-c", """
            import socket, sys, time
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            before = time.time()
            s.sendto(b'waited', ('127.0.0.1', int(sys.argv[1])))
            print(repr(before), repr(time.time()))
            """, String(listener.port)])
        usleep(1_000_000)
        let resumed = wallClock()
        listener.child.signal(SIGCONT)
        #expect(listener.child.wait() == 0)
        let times = sender.stdoutText.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: "\n")) }
        let stamp = Double(listener.child.stdoutText.prefix { $0 != " " }) ?? 0
        try #require(times.count == 2)
        #expect(stamp >= times[0] - 0.000001 && stamp <= times[1] + 0.2, "stamp \(stamp), sent \(times)")
        #expect(stamp < resumed - 0.5, "the stamp is the printing time: \(stamp) vs resumed \(resumed)")
    }

    /// Over a series 100 ms apart, elapsed grows by the gaps and delta is each gap,
    /// the first 0.000000; json carries numbers for these modes and strings for iso/utc.
    @Test func elapsedAndDeltaFollowTheGapsAndJSONTypesHold() throws {
        var columns: [String: [Double]] = [:]
        for mode in ["elapsed", "delta"] {
            let listener = try startListener(["--time", mode, "-f", "json", "-c", "3", "-t", "10", "127.0.0.1", "0"])
            _ = try run(Paths.python, ["-c", """
                import socket, sys, time
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                for i in range(3):
                    s.sendto(b'%d' % i, ('127.0.0.1', int(sys.argv[1])))
                    time.sleep(0.1)
                """, String(listener.port)])
            #expect(listener.child.wait() == 0)
            let types = try run(Paths.python, ["-c", """
                import json, sys
                for line in sys.stdin:
                    value = json.loads(line)['time']
                    print(type(value).__name__, repr(value))
                """], input: listener.child.stdout).stdoutText
            let rows = types.split(separator: "\n").map { $0.split(separator: " ") }
            #expect(rows.count == 3 && rows.allSatisfy { $0.first == "float" }, "\(mode): \(types)")
            columns[mode] = rows.compactMap { $0.last.flatMap { Double($0) } }
        }
        let elapsed = columns["elapsed"] ?? [], delta = columns["delta"] ?? []
        try #require(elapsed.count == 3 && delta.count == 3)
        #expect(delta[0] == 0)
        for index in 1..<3 {
            #expect((0.08...0.5).contains(elapsed[index] - elapsed[index - 1]), "\(elapsed)")
            #expect((0.08...0.5).contains(delta[index]), "\(delta)")
        }
        let iso = try stampedLine(["--time", "iso", "-f", "json"])
        #expect(iso.line.contains("\"time\": \"2"), "\(iso.line)")
    }

    @Test(arguments: ["iso", "utc", "epoch", "elapsed", "delta"])
    func eachModeHasItsShapeInTextTupleLinesAndHex(mode: String) throws {
        let shapes = [
            "iso": /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}[+-][0-9]{2}:[0-9]{2}/,
            "utc": /[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z/,
            "epoch": /[0-9]{10}\.[0-9]{6}/, "elapsed": /[0-9]+\.[0-9]{6}/, "delta": /0\.000000/,
        ]
        for format in ["text", "tuple", "lines", "hex"] {
            let stamped = try stampedLine(["--time", mode, "-f", format])
            let first = stamped.line.split(separator: "\n").first ?? ""
            let parts = first.split(separator: " ", maxSplits: 1)
            #expect(parts.count == 2 && parts[0].wholeMatch(of: shapes[mode]!) != nil, "\(mode) \(format): \(first)")
            #expect(parts.count == 2 && (format != "hex" || parts[1].hasSuffix(" 8 bytes")), "\(first)")
        }
    }

    @Test func timeHasNoPlaceInRawAndGoesWithWaitInSend() throws {
        let raw = try run(Paths.letter, ["listen", "--time", "iso", "-f", "raw", "0"])
        #expect(raw.status == 2)
        #expect(raw.stderrText.hasPrefix("letter listen: --time has no place in -f raw"))
        let send = try run(Paths.letter, ["send", "--time", "iso", "127.0.0.1", "9", "x"])
        #expect(send.status == 2)
        #expect(send.stderrText.hasPrefix("letter send: --time shows the reply; it goes with -w"))
    }
}

/// CLOCK_REALTIME in seconds, as Python's time.time().
func wallClock() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}

