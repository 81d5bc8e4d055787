import Glibc
import Testing

/// A socket file letter made is removed on every exit but SIGKILL, and only while the
/// path still holds that very socket; a signal ignored at start stays ignored (nohup).
/// Python binds and sends as the peer; the file system is the oracle.
@Suite struct SocketFileOwnershipTests {
    typealias SocketDirectory = UnixSocketTests.SocketDirectory

    func startListener(at path: String, _ arguments: [String] = []) throws -> Child {
        let child = try Child(Paths.letter, ["listen", "-t", "10"] + arguments + [path])
        try #require(child.stderrLine(containing: "listening on") != nil, "\(child.stderrText)")
        return child
    }

    func sendWithPython(_ text: String, to path: String) throws {
        let sender = try run(Paths.python, ["-c", "import socket, sys; socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(sys.argv[2].encode(), sys.argv[1])",
                                            path, text])
        #expect(sender.status == 0, "\(sender.stderrText)")
    }

    /// Listener A's file removed, listener B bound at the same path: A's exit leaves B's
    /// live socket file alone, and B still hears.
    @Test func anotherListenersSocketAtThePathIsLeftAlone() throws {
        let directory = try SocketDirectory()
        let path = directory.file("x.sock")
        let first = try startListener(at: path)
        #expect(unlink(path) == 0)
        let second = try startListener(at: path, ["-c", "1"])
        first.signal(SIGTERM)
        #expect(first.wait() == 0, "\(first.stderrText)")
        #expect(access(path, F_OK) == 0, "letter removed a socket file it did not make")
        try sendWithPython("still here", to: path)
        #expect(second.wait() == 0, "\(second.stderrText)")
        #expect(second.stdoutText == "still here None\n")
    }

    /// A regular file written at the path after the listener started is not deleted.
    @Test func aFilePutAtThePathSinceIsLeftAlone() throws {
        let directory = try SocketDirectory()
        let path = directory.file("x.sock")
        let listener = try startListener(at: path)
        #expect(unlink(path) == 0)
        try writeFile(path, "keep me")
        listener.signal(SIGTERM)
        #expect(listener.wait() == 0, "\(listener.stderrText)")
        #expect(try run("/bin/cat", [path]).stdoutText == "keep me")
    }

    /// Signals that end letter without a summary still remove its file first, and letter
    /// ends as the signal would have (the shell's status 128 + N).
    @Test(arguments: [SIGQUIT, SIGUSR1, SIGUSR2, SIGALRM])
    func everyEndingSignalRemovesTheFile(signal: Int32) throws {
        let directory = try SocketDirectory()
        let path = directory.file("x.sock")
        let listener = try startListener(at: path)
        listener.signal(signal)
        #expect(listener.wait() == 128 + signal, "\(listener.stderrText)")
        #expect(access(path, F_OK) != 0, "\(path) is still there after signal \(signal)")
    }

    /// `send -b PATH` reading stdin: its file is gone after SIGINT, SIGTERM and SIGHUP.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func sendBoundToAPathRemovesItsFileOnSignals(signal: Int32) throws {
        let directory = try SocketDirectory()
        let target = directory.file("target.sock"), bound = directory.file("sender.sock")
        let listener = try startListener(at: target)
        let sender = try Child(Paths.letter, ["send", "-b", bound, target])
        sender.write("first\n")
        try #require(listener.stdoutLine(containing: "first") != nil, "\(sender.stderrText)")
        #expect(access(bound, F_OK) == 0)
        sender.signal(signal)
        _ = sender.wait()
        #expect(access(bound, F_OK) != 0, "\(bound) is still there after signal \(signal)")
        listener.signal(SIGTERM)
        #expect(listener.wait() == 0)
    }

    /// Started with SIGHUP ignored (as nohup starts it), listen survives SIGHUP; SIGTERM
    /// still ends it with its file removed.
    @Test func aSignalIgnoredAtStartStaysIgnored() throws {
        let directory = try SocketDirectory()
        let path = directory.file("x.sock")
        let listener = try Child("/bin/sh", ["-c", "trap '' HUP; exec \"$@\"", "sh", Paths.letter, "listen", "-t", "10", path])
        try #require(listener.stderrLine(containing: "listening on") != nil, "\(listener.stderrText)")
        listener.signal(SIGHUP)
        try sendWithPython("after the hangup", to: path)
        #expect(listener.stdoutLine(containing: "after the hangup") != nil, "letter ended on an ignored SIGHUP: \(listener.stderrText)")
        listener.signal(SIGTERM)
        #expect(listener.wait() == 0, "\(listener.stderrText)")
        #expect(access(path, F_OK) != 0)
    }
}
