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

    public static let python = executablePath("python3") ?? "/usr/bin/python3"
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
