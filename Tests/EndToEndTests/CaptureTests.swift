import Glibc
import Testing

/// `--pcap FILE` and `-f pcap` against the oracles: tshark's dissectors (checksums
/// verified) read what letter wrote, and a real `tcpdump -i lo` of the same traffic, taken
/// at the same time, reads the same field by field with times within 5 ms.
@Suite struct CaptureTests {
    /// Python sends each payload from a socket of its own, connected so that it can say
    /// the source address the kernel gave it; one line per datagram on stdout:
    /// `source-host source-port destination-host`.
    static let sender = """
        import socket, sys
        for line in sys.stdin:
            host, port, *data = line.split()
            family = socket.AF_INET6 if ':' in host else socket.AF_INET
            with socket.socket(family, socket.SOCK_DGRAM) as s:
                s.connect((host, int(port)))
                s.send(bytes.fromhex(data[0] if data else ''))
                print(*s.getsockname()[:2], host, flush=True)
        """

    struct Send {
        let host: String
        let payload: [UInt8]
    }

    /// What Python said of one datagram it sent.
    struct Sent {
        let source: String
        let sourcePort: String
        let destination: String
        let payload: [UInt8]
    }

    /// Sends `sends` to `port` from Python; returns what each was, as Python saw it.
    func sendFromPython(_ sends: [Send], port: UInt16) throws -> [Sent] {
        let lines = sends.map { "\($0.host) \(port) \(hex($0.payload))\n" }.joined()
        let python = try run(Paths.python, ["-c", Self.sender], input: Array(lines.utf8))
        #expect(python.status == 0, "python: \(python.stderrText)")
        return zip(python.stdoutText.split(separator: "\n"), sends).map { line, send in
            let words = line.split(separator: " ").map(String.init)
            return Sent(source: words[0], sourcePort: words[1], destination: words[2], payload: send.payload)
        }
    }

    /// `tcpdump -i lo` of the UDP datagrams to or from `ports`, writing to `file`, running.
    /// Debian's tcpdump drops privileges (then it could not write into our folder) and
    /// hands packets over in blocks unless told otherwise.
    func startTcpdump(_ tcpdump: String, file: String, ports: [UInt16]) throws -> Child? {
        let filter = "udp and (" + ports.map { "port \($0)" }.joined(separator: " or ") + ")"
        let capture = try Child(tcpdump, ["-i", "lo", "-Z", "root", "--immediate-mode", "-U", "-w", file, filter])
        guard capture.stderrLine(containing: "listening on") != nil else {
            Issue.record("tcpdump did not start: \(capture.stderrText)")
            return nil
        }
        return capture
    }

    func stopTcpdump(_ capture: Child) {
        // tcpdump writes each packet as it gets it; a moment for the last ones, then stop it.
        usleep(200_000)
        capture.signal(SIGINT)
        #expect(capture.wait(seconds: 10) == 0, "tcpdump: \(capture.stderrText)")
    }

    /// The field tshark shows an address in: `ip.src` for IPv4 (an IPv4-mapped address
    /// is IPv4 on the wire), `ipv6.src` for IPv6.
    func addressField(_ host: String, _ end: String) -> String { host.contains(":") && !host.hasPrefix("::ffff:") ? "ipv6.\(end)" : "ip.\(end)" }

    func unmapped(_ host: String) -> String { host.hasPrefix("::ffff:") ? String(host.dropFirst(7)) : host }

    /// Every record of `theirs` (tcpdump's) has one in `mine` with the same ports and
    /// payload, the same addresses and UDP length, and a time within 5 ms.
    func expectSameAsTcpdump(_ mine: [DissectedRecord], _ theirs: [DissectedRecord], count: Int) {
        #expect(theirs.count == count, "tcpdump captured \(theirs.count) of \(count)")
        for reference in theirs {
            let key = reference["udp.srcport"] + " " + reference["udp.dstport"]
            let candidates = mine.filter {
                $0["udp.srcport"] + " " + $0["udp.dstport"] == key && reference["data"].hasPrefix($0["data"])
            }
            guard let record = candidates.first else {
                Issue.record("letter's capture has no datagram \(key) \(reference["data"])")
                continue
            }
            for field in ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.length"] {
                #expect(record[field] == reference[field], "\(key) \(field)")
            }
            record.expectHopLimitOfTcpdumps(reference, key)
            if let ours = record.nanoseconds, let theirs = reference.nanoseconds {
                // 5 ms; a sanitized letter stamps its sends many times slower.
                #expect(abs(ours - theirs) <= (Paths.letterIsSanitized ? 50_000_000 : 5_000_000), "\(key): times \(ours) and \(theirs)")
            } else {
                Issue.record("\(key): no time")
            }
        }
    }

    /// A listener on every interface (IPv4, and IPv6 dual-stack) writes the capture to FILE
    /// and to stdout at once; `--bufsize 100` cuts the 1,000-byte datagram.
    @Test(arguments: [
        (["0"], [
            Send(host: "127.0.0.1", payload: Array("hello".utf8)),
            Send(host: "127.0.0.7", payload: Array("你好, seven".utf8)),
            Send(host: "127.0.0.7", payload: []),
            Send(host: "127.0.0.1", payload: (0..<1000).map { UInt8($0 % 251) }),
        ]),
        (["-6", "0"], [
            Send(host: "::1", payload: Array("six".utf8)),
            Send(host: "127.0.0.3", payload: Array("an IPv4 sender on a dual-stack socket".utf8)),
            Send(host: "127.0.0.1", payload: (0..<1000).map { UInt8($0 % 249) }),
        ]),
    ])
    func aListenerOnEveryInterfaceRecordsWhatTcpdumpSees(binding: [String], sends: [Send]) throws {
        guard let tshark = requirePeer("tshark"), let tcpdump = requirePeer("tcpdump") else { return }
        let directory = try TemporaryDirectory("capture")
        let file = directory.path + "/letter.pcap", reference = directory.path + "/tcpdump.pcap"
        let listener = try startListener(["--pcap", file, "-f", "pcap", "--bufsize", "100", "-c", String(sends.count),
                                          "-t", "10"] + binding)
        guard let capture = try startTcpdump(tcpdump, file: reference, ports: [listener.port]) else { return }
        let sent = try sendFromPython(sends, port: listener.port)
        #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
        stopTcpdump(capture)

        // The same capture on stdout and in FILE.
        let inFile = try run("/bin/cat", [file]).stdout
        #expect(listener.child.stdout == inFile, "stdout and --pcap FILE differ")
        guard let mine = DissectedRecord.read(file, tshark: tshark),
              let theirs = DissectedRecord.read(reference, tshark: tshark) else { return }
        #expect(mine.count == sends.count)
        for (record, datagram) in zip(mine, sent) {
            let what = "\(datagram.source) -> \(datagram.destination)"
            let isIPv4 = !datagram.destination.contains(":")
            #expect(record[addressField(datagram.source, "src")] == unmapped(datagram.source), "\(what)")
            #expect(record[addressField(datagram.destination, "dst")] == datagram.destination, "\(what)")
            #expect(record["udp.srcport"] == datagram.sourcePort && record["udp.dstport"] == String(listener.port), "\(what)")
            #expect(record["udp.length"] == String(8 + datagram.payload.count), "\(what)")
            #expect(record["data"] == hex(Array(datagram.payload.prefix(100))), "\(what)")
            let headers = (isIPv4 ? 20 : 40) + 8
            #expect(record["frame.len"] == String(headers + datagram.payload.count), "\(what)")
            #expect(record["frame.cap_len"] == String(headers + min(100, datagram.payload.count)), "\(what)")
            #expect(record["ip.checksum.status"] == (isIPv4 ? "1" : ""), "\(what): IPv4 header checksum good")
            // Wireshark's checksum status: 1 good; 3 not present (a cut record's 0 on IPv4).
            #expect(record["udp.checksum.status"] == (datagram.payload.count > 100 ? "3" : "1"), "\(what): UDP checksum")
        }
        expectSameAsTcpdump(mine, theirs, count: sends.count)
    }

    /// The cut record as tshark words it: 128 bytes kept of 1,028, UDP length 1,008,
    /// the zero checksum "not present".
    @Test func aCutDatagramIsRecordedAsASnapLengthCut() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("capture-cut")
        let file = directory.path + "/cut.pcap"
        let listener = try startListener(["--pcap", file, "--bufsize", "100", "-c", "1", "-t", "10", "127.0.0.1", "0"])
        _ = try sendFromPython([Send(host: "127.0.0.1", payload: [UInt8](repeating: 0x61, count: 1000))], port: listener.port)
        #expect(listener.child.wait() == 0)
        let verbose = try run(tshark, ["-r", file, "-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-V"])
        let text = verbose.stdoutText
        #expect(text.contains("1028 bytes on wire (8224 bits), 128 bytes captured (1024 bits)"), "\(text)")
        #expect(text.contains("Length: 1008"), "\(text)")
        #expect(text.contains("[Checksum Status: Not present]"), "\(text)")
        #expect(text.contains("[Header checksum status: Good]"), "\(text)")
    }

    /// `letter listen -f pcap | tshark -i -`: each record reaches the reader within a
    /// second while the listener runs.
    @Test func aPipeReaderGetsEachRecordAtOnce() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let pipeline = "exec \"$0\" listen -f pcap -c 4 -t 20 127.0.0.1 0 | exec \"$1\" -l -i - -T fields -e udp.srcport -e data"
        let child = try Child("/bin/sh", ["-c", pipeline, Paths.letter, tshark])
        guard let banner = child.stderrLine(containing: "listening on") else {
            Issue.record("no banner: \(child.stderrText)")
            return
        }
        let port = try portFromTuple(banner)
        for index in 0..<3 {
            let payload = Array("record \(index)".utf8)
            let sent = try sendFromPython([Send(host: "127.0.0.1", payload: payload)], port: port)
            // From the send (Python has exited, its datagram long gone): a busy machine may
            // take a while to start Python, which is not the pipe's delay.
            let started = now()
            // tshark takes a while to start: the first record may wait for it, the others may not.
            let line = child.stdoutLine(containing: "\(sent[0].sourcePort)\t\(hex(payload))", seconds: index == 0 ? 10 : 1)
            #expect(line != nil, "record \(index) did not reach tshark: \(child.stdoutText)")
            if index > 0 { #expect(now() - started < 1, "record \(index) took \(now() - started) s") }
        }
        #expect(child.status == nil, "the listener ended early")
        _ = try sendFromPython([Send(host: "127.0.0.1", payload: Array("last".utf8))], port: port)
        #expect(child.wait(seconds: 20) == 0, "\(child.stderrText)")
    }

    /// A relay records both legs of each exchange, four records, as tcpdump sees them:
    /// request client -> listening address, via -> target; reply target -> via,
    /// listening address -> client; `via` is the address the server saw.
    @Test func aRelayRecordsBothLegsAsTcpdumpSeesThem() throws {
        guard let tshark = requirePeer("tshark"), let tcpdump = requirePeer("tcpdump") else { return }
        let directory = try TemporaryDirectory("capture-relay")
        let file = directory.path + "/relay.pcap", reference = directory.path + "/tcpdump.pcap"
        // An IPv6 echo server that says whom it saw: the relay's upstream socket.
        let server = try Child(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
            s.bind(('::1', 0))
            s.settimeout(15)
            print(s.getsockname()[1], flush=True)
            for _ in range(2):
                data, peer = s.recvfrom(2000)
                print(peer[0], peer[1], flush=True)
                s.sendto(data.upper(), peer)
            """])
        guard let portLine = server.stdoutLine(containing: "") , let serverPort = UInt16(portLine) else {
            Issue.record("no server port: \(server.stderrText)")
            return
        }
        let relay = try Child(Paths.letter, ["relay", "--pcap", file, "-f", "pcap", "-c", "4", "-t", "10", "127.0.0.1", "0",
                                             "--to", "[::1]:\(serverPort)"])
        guard let banner = relay.stderrLine(containing: "listening on") else {
            Issue.record("no banner: \(relay.stderrText)")
            return
        }
        let port = try portFromTuple(banner)
        guard let capture = try startTcpdump(tcpdump, file: reference, ports: [port, serverPort]) else { return }
        let client = try run(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.connect(('127.0.0.1', int(sys.argv[1])))
            s.settimeout(5)
            for message in (b'one', b'two!'):
                s.send(message)
                s.recv(100)
            print(*s.getsockname())
            """, String(port)])
        #expect(client.status == 0, "client: \(client.stderrText)")
        #expect(relay.wait() == 0, "\(relay.stderrText)")
        #expect(server.wait() == 0)
        stopTcpdump(capture)
        let clientEnd = client.stdoutText.split(separator: "\n")[0].split(separator: " ").map(String.init)
        let via = server.stdoutText.split(separator: "\n").dropFirst().map { $0.split(separator: " ").map(String.init) }
        #expect(via.count == 2 && via[0] == via[1], "one session: \(via)")

        let inFile = try run("/bin/cat", [file]).stdout
        #expect(relay.stdout == inFile, "stdout and --pcap FILE differ")
        guard let mine = DissectedRecord.read(file, tshark: tshark),
              let theirs = DissectedRecord.read(reference, tshark: tshark), via.count == 2 else { return }
        // (source, source port, destination, destination port, payload) of each record, in order.
        func leg(_ record: DissectedRecord) -> [String] {
            [record["ip.src"] + record["ipv6.src"], record["udp.srcport"], record["ip.dst"] + record["ipv6.dst"],
             record["udp.dstport"], record["data"]]
        }
        let listening = ["127.0.0.1", String(port)], client4 = clientEnd, upstream = via[0]
        let target = ["::1", String(serverPort)]
        var expected: [[String]] = []
        for message in ["one", "two!"] {
            let request = hex(Array(message.utf8)), reply = hex(Array(message.uppercased().utf8))
            expected += [client4 + listening + [request], upstream + target + [request],
                         target + upstream + [reply], listening + client4 + [reply]]
        }
        #expect(mine.map(leg) == expected)
        for record in mine {
            #expect(record["udp.checksum.status"] == "1", "\(leg(record))")
            #expect(record["ip.checksum.status"] == (record["ip.src"].isEmpty ? "" : "1"), "\(leg(record))")
        }
        expectSameAsTcpdump(mine, theirs, count: 8)
    }

    /// `chat --pcap FILE` records what arrives at the chat's own address, while stdout
    /// shows it as the text view does: what Python's `print(reply.decode(), addr)` writes,
    /// `addr` being the Python peer's own address.
    @Test func chatRecordsWhatArrives() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("capture-chat")
        let file = directory.path + "/chat.pcap"
        let peer = try Child(Paths.python, ["-c", """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(('127.0.0.1', 0))
            s.settimeout(10)
            print(s.getsockname()[1], flush=True)
            data, peer = s.recvfrom(100)
            reply = b'answer to ' + data
            s.sendto(reply, peer)
            print(*peer, *s.getsockname(), flush=True)
            print(reply.decode(), s.getsockname(), flush=True)
            """])
        guard let portLine = peer.stdoutLine(containing: ""), let peerPort = UInt16(portLine) else {
            Issue.record("no peer port: \(peer.stderrText)")
            return
        }
        let chat = try Child(Paths.letter, ["chat", "--pcap", file, "-t", "2", "127.0.0.1", String(peerPort)])
        chat.write("hello\n")
        chat.closeStdin()
        #expect(chat.wait() == 0, "\(chat.stderrText)")
        #expect(peer.wait() == 0)
        let said = peer.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        let ends = said[1].split(separator: " ").map(String.init)
        #expect(chat.stdoutText == String(said[2]) + "\n", "chat printed \(chat.stdoutText)")
        guard let records = DissectedRecord.read(file, tshark: tshark) else { return }
        #expect(records.count == 1)
        if let record = records.first {
            #expect([record["ip.src"], record["udp.srcport"], record["ip.dst"], record["udp.dstport"]]
                    == [ends[2], ends[3], ends[0], ends[1]])
            #expect(record["data"] == hex(Array("answer to hello".utf8)))
            #expect(record["udp.checksum.status"] == "1" && record["ip.checksum.status"] == "1")
        }
    }

    /// `--pcap FILE` beside the text view (the default -f): stdout is, byte for byte, what
    /// Python's `print(data.decode('utf-8', 'replace'), addr)` makes of each datagram (the
    /// oracle receives each from the same socket first), and tshark reads in FILE one record
    /// of each, in order: the sender's address and port as that `addr` says, the listening
    /// address and port, the UDP length and the payload, checksums good, TTL 64.
    @Test func theFileBesideTheTextViewRecordsWhatItPrints() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("capture-text")
        let file = directory.path + "/beside.pcap"
        let listener = try startListener(["--pcap", file, "-c", String(samplePayloads.count), "-t", "10", "127.0.0.1", "0"])
        let oracle = try pythonExpectation(port: listener.port, payloads: samplePayloads, format: "text")
        #expect(listener.child.wait() == 0, "\(listener.child.stderrText)")
        #expect(listener.child.stdoutText == oracle.stdoutText)
        #expect(listener.child.stdout == oracle.stdout)

        // Python's `addr` of each datagram: the tuple that ends its line.
        let senders = try oracle.stdoutText.split(separator: "\n").map { line in
            let tuple = line[line.index(after: line.lastIndex(of: "(") ?? line.startIndex)...]
            return (host: tuple.split(separator: ",")[0].trimmingCharacters(in: "'"), port: String(try portFromTuple(String(line))))
        }
        #expect(senders.count == samplePayloads.count, "\(oracle.stdoutText)")
        guard let records = DissectedRecord.read(file, tshark: tshark) else { return }
        #expect(records.count == samplePayloads.count)
        for (record, (payload, sender)) in zip(records, zip(samplePayloads, senders)) {
            let what = "\(sender) \(hex(payload))"
            #expect([record["ip.src"], record["udp.srcport"], record["ip.dst"], record["udp.dstport"]]
                    == [sender.host, sender.port, "127.0.0.1", String(listener.port)], "\(what)")
            #expect(record["udp.length"] == String(8 + payload.count), "\(what)")
            #expect(record["data"] == hex(payload), "\(what)")
            #expect(record["ip.checksum.status"] == "1" && record["udp.checksum.status"] == "1", "\(what)")
            #expect(record["ip.ttl"] == "64", "\(what)")
        }
    }

    /// Usage errors (status 2, one line): a unix socket has no addresses to record (the
    /// line points to -f json --bytes); -f pcap keeps the bytes and times itself; only
    /// listeners capture.
    @Test(arguments: [
        (["listen", "--pcap", "/nonexistent/x.pcap", "/tmp/letter-capture.sock"], "-f json --bytes"),
        (["listen", "-f", "pcap", "@letter-capture"], "-f json --bytes"),
        (["chat", "--pcap", "/nonexistent/x.pcap", "/tmp/letter-capture.sock"], "-f json --bytes"),
        (["relay", "--pcap", "/nonexistent/x.pcap", "127.0.0.1", "0", "--to", "/tmp/letter-capture.sock"], "-f json --bytes"),
        (["relay", "-f", "pcap", "@letter-capture", "--to", "127.0.0.1:9"], "-f json --bytes"),
        (["listen", "-f", "pcap", "--time", "iso", "0"], "--time"),
        (["listen", "-f", "pcap", "--errors", "strict", "0"], "--errors"),
        (["listen", "-f", "pcap", "--bytes", "0"], "--bytes"),
        (["listen", "-f", "pcap", "-e", "gbk", "0"], "--encoding"),
        (["relay", "-f", "pcap", "-e", "gbk", "0", "--to", "127.0.0.1:9"], "--encoding"),
        (["send", "-w", "-f", "pcap", "127.0.0.1", "9", "hi"], "-f pcap"),
        (["ping", "-f", "pcap", "127.0.0.1", "9"], "-f pcap"),
        (["listen", "--pcap", "-", "0"], "-f pcap"),
    ])
    func whatACaptureCannotBeIsAUsageError(arguments: [String], named: String) throws {
        let child = try run(Paths.letter, arguments, seconds: 5)
        #expect(child.status == 2)
        let lines = child.stderrText.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(named), "\(child.stderrText)")
        #expect(child.stdout.isEmpty)
    }

    /// `-e` goes with -f pcap where it still encodes: listen's --reply.
    @Test func anEncodingForTheReplyGoesWithPcap() throws {
        let listener = try startListener(["-f", "pcap", "-e", "gbk", "--reply", "你好", "-c", "1", "-t", "5", "127.0.0.1", "0"])
        let answer = try run(Paths.letter, ["send", "-w", "-f", "tuple", "-t", "5", "127.0.0.1", String(listener.port), "hi"])
        let python = try run(Paths.python, ["-c", "import sys; print(repr(('你好'.encode('gbk'), ('127.0.0.1', int(sys.argv[1])))))",
                                            String(listener.port)])
        #expect(answer.stdoutText == python.stdoutText)
        #expect(listener.child.wait() == 0)
    }

    /// -f pcap on a terminal (a pty from Python) is refused before anything is bound.
    @Test(arguments: [["listen", "-f", "pcap", "0"], ["chat", "-f", "pcap", "127.0.0.1", "9"],
                      ["relay", "-f", "pcap", "0", "--to", "127.0.0.1:9"]])
    func pcapOnATerminalIsRefused(arguments: [String]) throws {
        let script = """
            import os, pty, subprocess, sys
            leader, follower = pty.openpty()
            done = subprocess.run(sys.argv[1:], stdout=follower, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, timeout=5)
            print(done.returncode)
            sys.stdout.write(done.stderr.decode())
            """
        let python = try run(Paths.python, ["-c", script, Paths.letter] + arguments)
        let lines = python.stdoutText.split(separator: "\n")
        #expect(lines.first == "2", "\(python.stdoutText) \(python.stderrText)")
        #expect(lines.count == 2 && lines[1].contains("terminal") && !python.stdoutText.contains("listening on"),
                "\(python.stdoutText)")
    }

    /// A write error on FILE is one on stdout: one line naming FILE, status 1.
    @Test func aCaptureFileThatCannotBeWrittenSaysSo() throws {
        let listener = try startListener(["--pcap", "/dev/full", "-t", "5", "127.0.0.1", "0"])
        #expect(listener.child.wait() == 1)
        #expect(listener.child.stderrText.hasSuffix("\nletter listen: cannot write to '/dev/full': No space left on device\n"),
                "\(listener.child.stderrText)")
    }

    /// A file that takes the header and no whole record (RLIMIT_FSIZE, SIGXFSZ ignored, as
    /// Python sets them before exec): the summary counts the datagrams received but not
    /// written, and the text view on stdout still had them.
    @Test func theSummaryCountsRecordsTheFileDidNotTake() throws {
        let directory = try TemporaryDirectory("capture-full")
        let file = directory.path + "/capped.pcap"
        let script = """
            import os, resource, signal, sys
            resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            os.execv(sys.argv[1], sys.argv[1:])
            """
        let child = try Child(Paths.python, ["-c", script, Paths.letter, "listen", "--pcap", file, "--stats", "-c", "3",
                                             "-t", "5", "127.0.0.1", "0"])
        guard let banner = child.stderrLine(containing: "listening on") else {
            Issue.record("no banner: \(child.stderrText)")
            return
        }
        let payload = [UInt8](repeating: 0x62, count: 200)
        _ = try sendFromPython([Send(host: "127.0.0.1", payload: payload)], port: try portFromTuple(banner))
        #expect(child.wait() == 1)
        let stderr = child.stderrText
        #expect(stderr.contains("letter listen: cannot write to '\(file)': File too large"), "\(stderr)")
        #expect(stderr.contains("received 1 datagram (200 bytes)") && stderr.contains("1 received but not written"), "\(stderr)")
        var info = stat()
        // The header, then as much of the record as the limit let through.
        #expect(stat(file, &info) == 0 && info.st_size == 100, "\(info.st_size) bytes")
    }
}
