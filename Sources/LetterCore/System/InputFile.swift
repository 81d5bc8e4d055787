import Glibc

/// Opens the file at `path` for reading (`send --file`), closed on exec. The path is
/// bytes as given. The corresponding C function is `open`.
public func openForReading(path: [UInt8]) throws(SystemCallError) -> Int32 {
    try retryingInterrupts("open") { withPathString(path) { open($0, O_RDONLY | O_CLOEXEC) } }
}

/// The size of the regular file open at `descriptor`; nil for anything else (a pipe, a
/// terminal, a socket), whose size is not known before its end. The corresponding C
/// function is `fstat`.
public func regularFileSize(_ descriptor: Int32) -> Int? {
    var info = stat()
    guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(info.st_size)
}

/// A file read from start to end (a capture to replay), or stdin for `-`: its descriptor,
/// its size when it is a regular file (for a progress line's percentage), and a way back
/// to its start for another pass. A file it opened is closed when it goes away; stdin is
/// left open.
public struct InputFile: ~Copyable {
    public let descriptor: Int32
    /// The size in bytes of a regular file; nil for a pipe, a terminal or a device.
    public let size: Int?
    private let owned: Bool

    /// Opens `path` (bytes as given) for reading, or takes stdin for `-`.
    public init(path: String) throws(SystemCallError) {
        if path == "-" {
            descriptor = standardInput
            owned = false
        } else {
            descriptor = try openForReading(path: path.argumentBytes)
            owned = true
        }
        size = regularFileSize(descriptor)
    }

    deinit {
        if owned { close(descriptor) }
    }

    /// Goes back to the first byte, for another pass. The corresponding C function is `lseek`.
    public func rewind() throws(SystemCallError) {
        _ = try retryingInterrupts("lseek") { lseek(descriptor, 0, SEEK_SET) }
    }
}
