import Glibc
import Testing

/// Where things are, for every test target: the repository (from this file's path) and
/// the programs on PATH.
public enum Paths {
    public static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/TestSupport/Environment.swift
        return parts.joined(separator: "/")
    }()

    public static func executable(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    public static let python = executable("python3") ?? "/usr/bin/python3"
}

/// A peer program or tool a test needs (from the Debian `package`, when its name is not
/// the program's). Missing: a loud SKIPPED line, or a failure under CI (which must not skip).
public func requirePeer(_ name: String, package: String? = nil) -> String? {
    if let path = Paths.executable(name) { return path }
    let install = package ?? (name == "nc" ? "netcat-openbsd" : name)
    reportSkip("'\(name)' is not installed, so this test cannot run (apt-get install \(install))")
    return nil
}

/// Says loudly that a test cannot run, and why; under CI (which must not skip) that is a failure.
public func reportSkip(_ reason: String) {
    let message = "SKIPPED: \(reason)"
    if getenv("CI") != nil {
        Issue.record("\(message); CI must not skip")
    } else {
        print("\n*** \(message) ***\n")
    }
}

/// A fresh directory under /tmp, removed with everything in it when dropped.
public final class TemporaryDirectory {
    public let path: String

    public init(_ name: String) throws {
        var template = Array("/tmp/letter-\(name)-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SpawnError(message: "mkdtemp: \(String(cString: strerror(errno)))") }
        path = String(cString: made)
    }

    deinit { _ = try? run("/bin/rm", ["-rf", path]) }
}
