import Glibc
import Testing

/// The progress line of a long send (stderr a terminal: a Python `pty`) and `--stats`.
@Suite struct SendProgressTests {
    /// Runs letter with stderr on a pseudo-terminal (stdin and stdout not; stdin the file
    /// STDIN_FILE names, if any) and prints what the terminal got, as Python's repr of the bytes.
    static let underTerminal = """
        import os, pty, subprocess, sys
        master, slave = pty.openpty()
        stdin = open(os.environ['STDIN_FILE'], 'rb') if 'STDIN_FILE' in os.environ else subprocess.DEVNULL
        child = subprocess.Popen(sys.argv[1:], stdin=stdin, stdout=subprocess.DEVNULL, stderr=slave)
        os.close(slave)
        out = b''
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        print(child.wait())
        print(repr(out))
        """

    /// A file sent over about two seconds, named by --file or as stdin (a regular file,
    /// whose size is known too): the progress line shows the percentage of the file and
    /// the time left, rising, in place (`\\r`, erase to the end of line), and is cleared
    /// at the end.
    @Test(arguments: [true, false])
    func progressShowsAPercentageForAFile(named: Bool) throws {
        let directory = try TemporaryDirectory("progress")
        let path = directory.path + "/lines.txt"
        let lines = (1...500).map { "line \($0) " + String(repeating: "x", count: 100) + "\n" }
        try writeFile(path, lines.joined())
        let listener = try startListener(["-c", "500", "-t", "10", "-f", "raw", "127.0.0.1", "0"])
        let result = try run(Paths.python, ["-c", Self.underTerminal, Paths.letter, "send", "--rate", "250"]
                                 + (named ? ["--file", path] : []) + ["127.0.0.1", String(listener.port)],
                             seconds: 30, environment: named ? [:] : ["STDIN_FILE": path])
        #expect(listener.child.wait() == 0)
        let output = result.stdoutText.split(separator: "\n")
        try #require(output.count == 2, "\(result.stdoutText) \(result.stderrText)")
        #expect(output[0] == "0")
        // Python's repr of the terminal's bytes: each status is '\r' + line + ESC [K.
        let statuses = output[1].split(separator: "\\r").map(String.init).filter { $0.hasPrefix("letter: sent") }
        try #require(statuses.count >= 5, "\(output[1])")
        for status in statuses { #expect(status.contains(" KiB), "), "sizes in KiB: \(status)") }
        Self.expectRisingPercentages(statuses)
        // Cleared at the end: the last thing written is an empty status.
        #expect(output[1].hasSuffix("\\r\\x1b[K'"), "\(output[1].suffix(40))")
    }

    /// Each progress status (Python's repr of it) ends in erase-to-the-end-of-line and
    /// shows the time left and a percentage, and the percentages rise, from above 0 to at
    /// most 100 (send's and replay's progress lines alike).
    static func expectRisingPercentages(_ statuses: [String]) {
        let percentages = statuses.compactMap { status -> Int? in
            #expect(status.hasSuffix("\\x1b[K") && status.contains(" s left"), "\(status)")
            guard let sign = status.firstIndex(of: "%") else { return nil }
            return Int(status[..<sign].split(separator: " ").last!)
        }
        #expect(percentages.count == statuses.count, "a percentage on every line")
        #expect(!percentages.isEmpty && percentages == percentages.sorted() && percentages.first! > 0 && percentages.last! <= 100,
                "\(percentages)")
    }

    /// --stats, terminal or not: `letter: sent N datagrams (B bytes) in S s, R/s`, with
    /// the bytes Python counts and a rate that is N over S.
    @Test func statsSaysWhatWasSent() throws {
        let listener = try startListener(["-c", "40", "-t", "10", "127.0.0.1", "0"])
        let send = try run(Paths.letter, ["send", "--stats", "--rate", "100", "-c", "40", "127.0.0.1", String(listener.port), "你好"])
        #expect(listener.child.wait() == 0)
        #expect(send.status == 0)
        let size = try run(Paths.python, ["-c", "print(40 * len('你好'.encode()))"]).stdoutText.dropLast()
        let prefix = "letter: sent 40 datagrams (\(size) bytes) in "
        try #require(send.stderrText.hasPrefix(prefix), "\(send.stderrText)")
        let rest = send.stderrText.dropFirst(prefix.count).split(separator: " ")
        let seconds = try #require(Double(rest[0])), rate = try #require(Double(rest[2].dropLast(3)))
        #expect(rest.count == 3 && rest[1] == "s," && rest[2].hasSuffix("/s\n"), "\(send.stderrText)")
        // 40 datagrams at 100/s: 39 intervals.
        #expect(seconds >= 0.39 && seconds < 1, "\(seconds)")
        #expect(abs(rate - 40 / seconds) <= 40 / seconds * 0.01 + 1, "\(rate)/s over \(seconds) s")
    }
}
