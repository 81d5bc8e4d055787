/// Standard output through one large buffer: records pile up while datagrams keep
/// arriving and are written with one `write` when the socket has nothing waiting (or
/// the buffer is full), so a pipe reader never waits on a letter that has come.
public final class OutputBuffer {
    public var bytes: [UInt8] = []
    private let descriptor: Int32
    private let threshold: Int

    public init(descriptor: Int32 = standardOutput, threshold: Int = 1 << 18) {
        self.descriptor = descriptor
        self.threshold = threshold
        bytes.reserveCapacity(threshold + 70_000 * 4)
    }

    /// Writes everything buffered. Throws when stdout is gone (EPIPE): the caller ends quietly.
    public func flush() throws(SystemCallError) {
        guard !bytes.isEmpty else { return }
        defer { bytes.removeAll(keepingCapacity: true) }
        try writeAll(descriptor, bytes[...])
    }

    /// Flushes only when the buffer has grown past its threshold.
    @inline(__always)
    public func flushIfFull() throws(SystemCallError) {
        if bytes.count >= threshold { try flush() }
    }
}
