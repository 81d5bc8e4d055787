import Glibc
import Testing

/// A child process with its stdin, stdout and stderr connected to us, spawned with posix_spawn.
/// Every wait is bounded; a child still running at its deadline is killed by its PID.
public final class Child {
    public let pid: pid_t
    public private(set) var stdinDescriptor: Int32
    private let stdoutDescriptor: Int32
    private let stderrDescriptor: Int32
    public private(set) var stdout: [UInt8] = []
    public private(set) var stderr: [UInt8] = []
    private var stdoutOpen = true
    private var stderrOpen = true
    public private(set) var status: Int32?

    /// Spawns `path` with `arguments`. `environment` entries are added to this process's.
    public init(_ path: String, _ arguments: [String], closeStdin: Bool = false, environment: [String: String] = [:]) throws {
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0], errors: [Int32] = [0, 0]
        // Socket pairs made close-on-exec atomically (tests spawn from many threads at once, and
        // a pipe end leaked into another child would keep its peer from ever seeing EOF).
        let kind = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &input) == 0, socketpair(AF_UNIX, kind, 0, &output) == 0,
              socketpair(AF_UNIX, kind, 0, &errors) == 0 else {
            throw SpawnError(message: "socketpair: \(String(cString: strerror(errno)))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errors[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Start with no signals blocked and default handlers, whatever the test runner uses.
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        var environmentLines = environmentStrings()
        for (key, value) in environment {
            environmentLines.removeAll { $0.hasPrefix(key + "=") }
            environmentLines.append("\(key)=\(value)")
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, path, &actions, &attributes, argv, envp)
        close(input[0]); close(output[1]); close(errors[1])
        guard result == 0 else {
            close(input[1]); close(output[0]); close(errors[0])
            throw SpawnError(message: "cannot spawn \(path): \(String(cString: strerror(result)))")
        }
        pid = child
        stdinDescriptor = input[1]
        stdoutDescriptor = output[0]
        stderrDescriptor = errors[0]
        if closeStdin { self.closeStdin() }
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        closeStdin()
        if stdoutOpen { close(stdoutDescriptor) }
        close(stderrDescriptor)
    }

    public func write(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            // send with MSG_NOSIGNAL: a child that already exited must not kill the test runner with SIGPIPE.
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(stdinDescriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written < 0 { if errno == EINTR { continue }; return }
            offset += written
        }
    }

    public func write(_ text: String) { write(Array(text.utf8)) }

    public func closeStdin() {
        if stdinDescriptor >= 0 { close(stdinDescriptor) }
        stdinDescriptor = -1
    }

    public func signal(_ number: Int32) { kill(pid, number) }

    /// Closes the read end of the child's stdout, as `| head` does when it has had enough.
    public func closeStdout() {
        if stdoutOpen { close(stdoutDescriptor) }
        stdoutOpen = false
    }

    /// Reads whatever the child writes until `done` says so or `seconds` pass.
    @discardableResult
    public func pump(seconds: Double, until done: (Child) -> Bool) -> Bool {
        let deadline = now() + seconds
        while !done(self) {
            let left = deadline - now()
            if left <= 0 { return false }
            if !stdoutOpen && !stderrOpen {
                usleep(10_000)
                reap()
                continue
            }
            var slots = [pollfd(fd: stdoutOpen ? stdoutDescriptor : -1, events: Int16(POLLIN), revents: 0),
                         pollfd(fd: stderrOpen ? stderrDescriptor : -1, events: Int16(POLLIN), revents: 0)]
            _ = poll(&slots, 2, Int32(min(left, 0.1) * 1000) + 1)
            if slots[0].revents != 0 { stdoutOpen = drain(stdoutDescriptor, into: &stdout) }
            if slots[1].revents != 0 { stderrOpen = drain(stderrDescriptor, into: &stderr) }
        }
        return true
    }

    /// Waits for the child to exit (reading both pipes meanwhile), at most `seconds`;
    /// kills it if it has not. Returns the exit status (128+signal if killed by one).
    @discardableResult
    public func wait(seconds: Double = 10) -> Int32 {
        if !pump(seconds: seconds, until: { $0.status != nil && !$0.stdoutOpen && !$0.stderrOpen }) {
            kill(pid, SIGKILL)
            pump(seconds: 5) { $0.status != nil }
            Issue.record("child \(pid) did not finish within \(seconds) s and was killed; stderr: \(stderrText)")
        }
        return status ?? -1
    }

    /// Reads stderr until it holds a line containing `marker`; returns that line.
    public func stderrLine(containing marker: String, seconds: Double = 10) -> String? {
        func completeLine(_ child: Child) -> String? {
            child.stderrText.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
                .first { $0.contains(marker) }.map(String.init)
        }
        pump(seconds: seconds) { completeLine($0) != nil || $0.status != nil }
        return completeLine(self)
    }

    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    private func reap() {
        guard status == nil else { return }
        var raw: Int32 = 0
        if waitpid(pid, &raw, WNOHANG) == pid {
            let signalled = raw & 0x7f
            status = signalled == 0 ? (raw >> 8) & 0xff : 128 + signalled
        }
    }

    /// Reads what is available; returns false at end of file.
    private func drain(_ descriptor: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count < 0 && (errno == EINTR || errno == EAGAIN) { return true }
        reap()
        return false
    }
}

public struct SpawnError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}

public func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

private func environmentStrings() -> [String] {
    var lines: [String] = []
    var pointer = environ
    while let entry = pointer.pointee {
        lines.append(String(cString: entry))
        pointer += 1
    }
    return lines
}

/// Runs a command to completion with `input` on its stdin; returns status, stdout, stderr.
public func run(_ path: String, _ arguments: [String], input: [UInt8] = [], seconds: Double = 20,
         environment: [String: String] = [:]) throws -> Child {
    let child = try Child(path, arguments, environment: environment)
    if !input.isEmpty { child.write(input) }
    child.closeStdin()
    child.wait(seconds: seconds)
    return child
}
