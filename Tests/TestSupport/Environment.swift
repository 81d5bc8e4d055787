import Glibc
import Testing

/// Where things are, for every test target: the repository (from this file's path) and
/// the programs on PATH.
public enum Paths {
    public static let repository: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/TestSupport/Paths.swift
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
    let message = "SKIPPED: '\(name)' is not installed, so this test cannot run (apt-get install \(install))"
    if getenv("CI") != nil {
        Issue.record("\(message); CI must not skip")
    } else {
        print("\n*** \(message) ***\n")
    }
    return nil
}
