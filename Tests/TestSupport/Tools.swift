import Glibc
import Testing

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
