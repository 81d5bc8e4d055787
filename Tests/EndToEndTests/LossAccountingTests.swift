import Glibc
import Testing

/// "Loss is reported, never hidden": whatever a full-speed burst does to a small receive
/// buffer, every datagram sent is either printed or counted in the exit summary as
/// dropped by the kernel — the printed lines plus the drops equal the datagrams sent,
/// exactly. The load comes from Benchmarks/blast.c (sendmmsg, as fast as the kernel
/// takes them), compiled for the test.
@Suite(.serialized) struct LossAccountingTests {
    static let blastSource = Paths.repository + "/Benchmarks/blast.c"

    /// What one run produced: the lines letter printed and its exit summary.
    struct Tally: CustomStringConvertible {
        let sent: Int
        let printed: Int
        let received: Int
        let dropped: Int
        let summary: String

        var description: String { "sent \(sent), printed \(printed), dropped \(dropped) (\(summary))" }
    }

    @Test func aFullSpeedBurstIsPrintedOrCountedAsDropped() throws {
        guard let blast = try compileBlast() else { return }
        defer { removeBlast(blast) }
        let listener = try startListener(["--rcvbuf", "65536", "--stats", "-f", "lines", "-t", "2", "127.0.0.1", "0"])
        try send(100_000, with: blast, to: listener)
        let tally = try finish(listener, sent: 100_000)
        print("loss accounting, full speed: \(tally)")
        #expect(tally.printed + tally.dropped == tally.sent, "\(tally)")
        #expect(tally.received == tally.printed, "\(tally)")
    }

    /// A listener stopped (SIGSTOP) while 100,000 datagrams arrive loses nearly all of
    /// them and must say so; SIGTERM comes while it is still stopped, so it wakes to the
    /// signal with its receive buffer full, as after a Ctrl-C in a flood.
    @Test func aBurstWhileStoppedIsCountedAfterSIGTERM() throws {
        guard let blast = try compileBlast() else { return }
        defer { removeBlast(blast) }
        let listener = try startListener(["--rcvbuf", "65536", "-f", "lines", "127.0.0.1", "0"])
        try send(20_000, with: blast, to: listener)
        // Let letter finish the first burst and wait in poll again.
        listener.child.pump(seconds: 0.3) { _ in false }
        listener.child.signal(SIGSTOP)
        try #require(waitUntilStopped(listener.child.pid), "letter did not stop")
        try send(100_000, with: blast, to: listener)
        listener.child.signal(SIGTERM)
        listener.child.signal(SIGCONT)
        let tally = try finish(listener, sent: 120_000)
        print("loss accounting, stopped listener: \(tally)")
        // The datagrams still queued when the signal came count too: letter takes them before it exits.
        #expect(tally.printed + tally.dropped == tally.sent, "\(tally)")
        #expect(tally.received == tally.printed, "\(tally)")
        #expect(tally.dropped >= 90_000, "a stopped listener with a 64 KiB buffer kept most of a burst: \(tally)")
    }

    /// A reader that takes nothing for two seconds holds letter's writes up while a burst
    /// fills the socket; the -t 1 idle exit must not count that time as idle and must
    /// not leave queued datagrams behind uncounted.
    @Test func anIdleExitAfterASlowReaderLosesNothingUncounted() throws {
        guard let blast = try compileBlast() else { return }
        defer { removeBlast(blast) }
        let listener = try startListener(["--rcvbuf", "65536", "--stats", "-f", "lines", "-t", "1", "127.0.0.1", "0"])
        // Long lines, so that letter's writes soon fill the pipe nobody reads.
        let letter = String(repeating: "x", count: 1000)
        let sender = try Child(blast, [String(listener.port), "200000", letter], closeStdin: true)
        #expect(sender.wait(seconds: 20) == 0, "blast: \(sender.stderrText)")
        // letter is blocked writing by now; keep it so a while longer.
        usleep(2_000_000)
        let tally = try finish(listener, sent: 200_000, letter: letter)
        print("loss accounting, slow reader then -t: \(tally)")
        #expect(tally.printed + tally.dropped == tally.sent, "\(tally)")
        #expect(tally.received == tally.printed, "\(tally)")
    }

    /// A flood that keeps the socket busy (echoing every datagram with a `sendto` each
    /// makes letter slower than the blast) must not keep SIGTERM out: letter stops within
    /// a moment, with its summary.
    @Test func aSignalIsHeardDuringAFlood() throws {
        guard let blast = try compileBlast() else { return }
        defer { removeBlast(blast) }
        let listener = try startListener(["-f", "hex", "--echo", "--reply-rate", "1000000", "--rcvbuf", "1048576",
                                          "127.0.0.1", "0"])
        let sender = try Child(blast, [String(listener.port), "20000000", String(repeating: "z", count: 200)], closeStdin: true)
        listener.child.pump(seconds: 1) { _ in false }
        listener.child.signal(SIGTERM)
        let signalled = now()
        listener.child.pump(seconds: 5) { $0.status != nil }
        let took = now() - signalled
        sender.signal(SIGKILL)
        sender.wait(seconds: 5)
        #expect(listener.child.status == 0, "\(listener.child.stderrText.suffix(300))")
        #expect(took < 3, "letter took \(took) s to heed SIGTERM during the flood")
        #expect(listener.child.stderrText.contains("letter: received "), "no summary")
    }

    /// Compiles blast.c into a fresh temporary directory; nil (skipped, or failed under CI)
    /// when there is no C compiler.
    func compileBlast() throws -> String? {
        guard let compiler = executablePath("cc") ?? requirePeer("clang") else { return nil }
        var template = Array("/tmp/letter-blast-XXXXXX".utf8CString)
        guard let directory = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp: \(String(cString: strerror(errno)))") }
        let path = String(cString: directory) + "/blast"
        let build = try run(compiler, ["-O2", "-o", path, Self.blastSource])
        guard build.status == 0 else { throw SpawnError(message: "cannot compile \(Self.blastSource): \(build.stderrText)") }
        return path
    }

    func removeBlast(_ path: String) {
        unlink(path)
        rmdir(String(path.dropLast("/blast".count)))
    }

    /// Runs blast to completion while reading the listener's output, so that letter's
    /// stdout never blocks and the only loss is the kernel's.
    func send(_ count: Int, with blast: String, to listener: Listener) throws {
        let sender = try Child(blast, [String(listener.port), String(count), "x"], closeStdin: true)
        listener.child.pump(seconds: 30) { _ in sender.pump(seconds: 0.001) { $0.status != nil } }
        #expect(sender.wait(seconds: 5) == 0, "blast: \(sender.stderrText)")
    }

    /// Waits for the listener to exit and reads its output and summary.
    func finish(_ listener: Listener, sent: Int, letter: String = "x") throws -> Tally {
        #expect(listener.child.wait(seconds: 20) == 0, "\(listener.child.stderrText)")
        let lines = listener.child.stdout.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        #expect(lines.allSatisfy { $0.elementsEqual(letter.utf8) }, "letter printed something other than the letters sent")
        guard let summary = listener.child.stderrText.split(separator: "\n").last(where: { $0.contains("received") }),
              let received = number(in: summary, before: " datagram"),
              let dropped = number(in: summary, before: " dropped by the kernel") else {
            throw SpawnError(message: "no summary from letter: \(listener.child.stderrText)")
        }
        return Tally(sent: sent, printed: lines.count, received: received, dropped: dropped, summary: String(summary))
    }
}

/// Whether process `pid` reaches the stopped state ('T' in /proc/PID/stat) within 5 s.
private func waitUntilStopped(_ pid: pid_t) -> Bool {
    let deadline = now() + 5
    while now() < deadline {
        if processState(pid) == UInt8(ascii: "T") { return true }
        usleep(1_000)
    }
    return false
}

/// The state letter of a process: the field after the ")" that ends its name in /proc/PID/stat.
private func processState(_ pid: pid_t) -> UInt8? {
    let descriptor = open("/proc/\(pid)/stat", O_RDONLY)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var buffer = [UInt8](repeating: 0, count: 1024)
    let count = read(descriptor, &buffer, buffer.count)
    guard count > 0, let close = buffer[0..<count].lastIndex(of: UInt8(ascii: ")")), close + 2 < count else { return nil }
    return buffer[close + 2]
}

/// The whole number that ends just before `marker` in `text` (in a summary line).
func number(in text: Substring, before marker: String) -> Int? {
    guard let end = text.firstRange(of: marker)?.lowerBound else { return nil }
    return Int(String(text[..<end].reversed().prefix { $0.isNumber }.reversed()))
}
