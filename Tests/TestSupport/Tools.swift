import Glibc
import Testing

/// The first executable called `name` on PATH, or nil.
public func executablePath(_ name: String) -> String? {
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
        let candidate = "\(directory)/\(name)"
        if access(candidate, X_OK) == 0 { return candidate }
    }
    return nil
}

/// A peer program or tool a test needs (from the Debian `package`, when its name is not
/// the program's). Missing: a loud SKIPPED line, or a failure under CI (which must not skip).
public func requirePeer(_ name: String, package: String? = nil) -> String? {
    if let path = executablePath(name) { return path }
    let install = package ?? (name == "nc" ? "netcat-openbsd" : name)
    reportSkip("'\(name)' is not installed, so this test cannot run (apt-get install \(install))")
    return nil
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

/// Writes `text` to a new file at `path`.
public func writeFile(_ path: String, _ text: String) throws {
    try writeFile(path, bytes: Array(text.utf8))
}

/// Writes `bytes` to a new file at `path`.
public func writeFile(_ path: String, bytes: [UInt8]) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw SpawnError(message: "cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { throw SpawnError(message: "cannot write \(path): \(String(cString: strerror(errno)))") }
        offset += written
    }
}

/// `bytes` in lower-case hex, two digits a byte, as Python's `bytes.hex()` writes them.
public func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
}
