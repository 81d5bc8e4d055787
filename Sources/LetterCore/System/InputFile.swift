import Glibc

/// A file read from start to end (a capture to replay), or stdin for `-`: its descriptor,
/// its size when it is a regular file (for a progress line's percentage), and a way back
/// to its start for another pass. A file it opened is closed when it goes away; stdin is
/// left open.
public struct InputFile: ~Copyable {
    public let descriptor: Int32
    /// The size in bytes of a regular file; nil for a pipe, a terminal or a device.
    public let size: Int?
    private let owned: Bool

    /// Opens `path` for reading, or takes stdin for `-`. The corresponding C functions
    /// are `open` and `fstat`.
    public init(path: String) throws(SystemCallError) {
        if path == "-" {
            descriptor = standardInput
            owned = false
        } else {
            descriptor = try retryingInterrupts("open") { open(path, O_RDONLY | O_CLOEXEC) }
            owned = true
        }
        var info = stat()
        size = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : nil
    }

    deinit {
        if owned { close(descriptor) }
    }

    /// Goes back to the first byte, for another pass. The corresponding C function is `lseek`.
    public func rewind() throws(SystemCallError) {
        _ = try retryingInterrupts("lseek") { lseek(descriptor, 0, SEEK_SET) }
    }
}
