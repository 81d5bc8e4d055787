import Glibc

/// A file letter writes to (`--pcap FILE`), created or emptied when opened, and closed
/// when dropped.
public final class OutputFile {
    /// The file as the user named it (a diagnostic names it so).
    public let path: String
    public let descriptor: Int32

    /// Opens `path` (its bytes as given) for writing: created with mode 0644 (less the
    /// umask) when missing, emptied when it is a regular file, as `tcpdump -w` does; a
    /// pipe or a device (`/dev/full`) is written as it is. The corresponding C function
    /// is `open`.
    public init(_ path: String) throws(SystemCallError) {
        self.path = path
        descriptor = try retryingInterrupts("open") {
            withPathString(path.argumentBytes) { open($0, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
        }
    }

    deinit { close(descriptor) }
}
