import Glibc
import TestSupport
import Testing

/// "Output that cannot be written is never lost quietly", and standard descriptors that
/// are closed at start never let a socket take their place. The shell sets up the
/// redirections (`> /dev/full`, `>&-`, `<&-`) and then execs the real binary.
@Suite struct WriteFailureTests {
    /// `letter ARGS` run by `sh -c` with `redirection` applied.
    func spawn(_ arguments: [String], redirection: String) throws -> Child {
        try Child("/bin/sh", ["-c", "exec \"$@\" \(redirection)", "sh", Paths.letter] + arguments)
    }

    func listenerPort(_ child: Child) throws -> UInt16 {
        guard let banner = child.stderrLine(containing: "listening on") else {
            throw SpawnError(message: "no banner: \(child.stderrText)")
        }
        return try portFromTuple(banner)
    }

    func sendFromPython(_ payloads: [[UInt8]], to port: UInt16) throws {
        for payload in payloads {
            let sender = try run(Paths.python, [Paths.oracle, "send", "127.0.0.1", String(port), hex(payload)])
            #expect(sender.status == 0, "\(sender.stderrText)")
        }
    }

    /// The number that ends just before `marker` in the line of `text` that holds it.
    func figure(_ text: String, before marker: String) -> Int? {
        guard let end = text.firstRange(of: marker)?.lowerBound else { return nil }
        return Int(String(text[..<end].reversed().prefix { $0.isNumber }.reversed()))
    }

    @Test func listenIntoAFullDiskSaysSoAndCountsWhatWasLost() throws {
        let child = try spawn(["listen", "--stats", "-c", "3", "-t", "5", "127.0.0.1", "0"], redirection: ">/dev/full")
        try sendFromPython([bytes("one"), bytes("two"), bytes("three")], to: try listenerPort(child))
        #expect(child.wait() == 1)
        let stderr = child.stderrText
        #expect(stderr.contains("letter listen: cannot write to standard output: No space left on device\n"), "\(stderr)")
        let received = figure(stderr, before: " datagram")
        #expect(received != nil && received! >= 1)
        #expect(figure(stderr, before: " received but not written") == received, "\(stderr)")
    }

    /// A 64 KiB tmpfs takes part of the output: the records wholly written plus those
    /// counted as not written are exactly the datagrams received.
    @Test func rawOutputIntoAFileSystemThatFillsUpCountsEveryRecord() throws {
        var template = Array("/tmp/letter-full-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp failed") }
        let directory = String(cString: made)
        defer { rmdir(directory) }
        let mount = try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", directory])
        guard mount.status == 0 else {
            reportSkip("cannot mount a 64 KiB tmpfs (needs root): \(mount.stderrText)")
            return
        }
        defer { _ = try? run("/bin/umount", [directory]) }
        let file = directory + "/out"
        let child = try spawn(["listen", "-f", "raw", "--stats", "-c", "100", "-t", "3", "127.0.0.1", "0"],
                              redirection: ">'\(file)'")
        let port = try listenerPort(child)
        let payloads = (0..<100).map { index in [UInt8](repeating: UInt8(65 + index % 26), count: 1000) }
        let sender = try run(Paths.python, ["-c", """
            import socket, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            for i in range(100):
                s.sendto(bytes([65 + i % 26]) * 1000, ('127.0.0.1', int(sys.argv[1])))
            """, String(port)])
        #expect(sender.status == 0, "\(sender.stderrText)")
        #expect(child.wait() == 1)
        let stderr = child.stderrText
        #expect(stderr.contains("cannot write to standard output: No space left on device"), "\(stderr)")
        var info = stat()
        #expect(stat(file, &info) == 0)
        let written = Int(info.st_size)
        #expect(written > 0 && written < 100_000)
        let whole = written / 1000
        guard let received = figure(stderr, before: " datagram"),
              let lost = figure(stderr, before: " received but not written") else {
            Issue.record("no summary: \(stderr)")
            return
        }
        #expect(whole + lost == received, "written \(written) bytes (\(whole) records), \(lost) not written, \(received) received")
        // What was written is what was sent, in order.
        let contents = try run("/bin/cat", [file]).stdout
        // Compared as a Bool: on failure Swift Testing would diff two 64 KiB arrays.
        let sameAsSent = contents.prefix(whole * 1000).elementsEqual(payloads.joined().prefix(whole * 1000))
        #expect(sameAsSent, "the file does not hold the letters sent, in order")
    }

    @Test(arguments: [["--help"], ["encodings"], ["send", "--help"], ["--version"]])
    func anythingWrittenToAFullDiskFailsWithStatusOne(arguments: [String]) throws {
        let child = try spawn(arguments, redirection: ">/dev/full")
        #expect(child.wait() == 1)
        #expect(child.stderrText.hasSuffix(": cannot write to standard output: No space left on device\n"), "\(child.stderrText)")
    }

    @Test func aReplyThatCannotBeWrittenFailsWithStatusOne() throws {
        let server = try startListener(["--echo", "-c", "1", "-t", "5", "127.0.0.1", "0"])
        let child = try spawn(["send", "-w", "-t", "5", "127.0.0.1", String(server.port), "hi"], redirection: ">/dev/full")
        #expect(child.wait() == 1)
        #expect(child.stderrText == "letter send: cannot write to standard output: No space left on device\n")
        #expect(server.child.wait() == 0)
    }

    /// `| head -1`: the reader leaves; letter ends quietly with status 0, and --stats
    /// still gets its summary.
    @Test func aClosedPipeEndsQuietlyWithTheSummary() throws {
        let listener = try startListener(["--stats", "-t", "5", "127.0.0.1", "0"])
        listener.child.closeStdout()
        try sendFromPython([bytes("one"), bytes("two")], to: listener.port)
        #expect(listener.child.wait() == 0)
        let stderr = listener.child.stderrText
        #expect(!stderr.contains("cannot write"), "\(stderr)")
        #expect(stderr.contains("letter: received "), "\(stderr)")
    }

    /// With stdin closed, `send -b` must not read its own socket as stdin (which would
    /// hang, relaying strangers' datagrams); stdin is /dev/null: nothing to send.
    @Test func aClosedStdinIsEmptyNotTheSocket() throws {
        let receiver = try startListener(["--stats", "-t", "1", "127.0.0.1", "0"])
        let child = try spawn(["send", "-b", "127.0.0.1:0", "127.0.0.1", String(receiver.port)], redirection: "<&-")
        #expect(child.wait(seconds: 5) == 0, "send with a closed stdin did not end: \(child.stderrText)")
        #expect(receiver.child.wait() == 0)
        #expect(receiver.child.stderrText.contains("received 0 datagrams"), "\(receiver.child.stderrText)")
    }

    /// With stdout closed, listen writes to /dev/null: it goes on to -c 3 and counts all.
    @Test func aClosedStdoutIsDevNull() throws {
        let child = try spawn(["listen", "--stats", "-c", "3", "-t", "5", "127.0.0.1", "0"], redirection: ">&-")
        try sendFromPython([bytes("a"), bytes("b"), bytes("c")], to: try listenerPort(child))
        #expect(child.wait() == 0)
        #expect(child.stderrText.contains("received 3 datagrams (3 bytes) from 3 senders"), "\(child.stderrText)")
        #expect(!child.stderrText.contains("not written"))
    }
}
