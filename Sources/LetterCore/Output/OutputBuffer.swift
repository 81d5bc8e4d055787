/// Standard output through one large buffer: records pile up while datagrams keep
/// arriving and are written with one `write` when the socket has nothing waiting (or
/// the buffer is full), so a pipe reader never waits on a letter that has come.
///
/// The buffer remembers where each record ends, so that when a write fails part-way
/// it knows exactly how many datagrams never reached the reader.
public final class OutputBuffer {
    public var bytes: [UInt8] = []
    private var recordEnds: [Int] = []
    private let descriptor: Int32
    private let threshold: Int
    /// Records that a failed write left unwritten (or only partly written).
    public private(set) var unwrittenRecords = 0

    public init(descriptor: Int32 = standardOutput, threshold: Int = 1 << 18) {
        self.descriptor = descriptor
        self.threshold = threshold
        bytes.reserveCapacity(threshold + 70_000 * 4)
        recordEnds.reserveCapacity(1 << 14)
    }

    /// Marks the end of one datagram's record (everything appended since the last mark).
    @inline(__always)
    public func endRecord() {
        recordEnds.append(bytes.count)
    }

    /// Writes everything buffered. On failure the records not wholly written are counted
    /// in `unwrittenRecords` and dropped, and the error says why (EPIPE: the reader left).
    public func flush() throws(SystemCallError) {
        guard !bytes.isEmpty else { return }
        defer {
            bytes.removeAll(keepingCapacity: true)
            recordEnds.removeAll(keepingCapacity: true)
        }
        do {
            try writeAll(descriptor, bytes[...])
        } catch {
            unwrittenRecords += recordEnds.count - recordEnds.prefix { $0 <= error.written }.count
            throw error.error
        }
    }

    /// Flushes only when the buffer has grown past its threshold.
    @inline(__always)
    public func flushIfFull() throws(SystemCallError) {
        if bytes.count >= threshold { try flush() }
    }
}
