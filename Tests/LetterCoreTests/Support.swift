import Glibc
@testable import LetterCore

/// Real sockets and pipes for the engine's tests: no child process, nothing on the network.

/// The abstract unix name of this test run that `boundSocket(name)` binds.
func abstractName(_ name: String) -> [UInt8] { Array("letter-test-\(getpid())-\(name)".utf8) }

/// A unix datagram socket bound to a name of this test run in the abstract namespace.
func boundSocket(_ name: String) throws -> DatagramSocket {
    var socket = try DatagramSocket(family: .unix)
    try socket.bind(to: .abstract(abstractName(name)))
    return socket
}

/// A UDP socket bound to 127.0.0.1, on a port the kernel picks.
func loopbackSocket() throws -> DatagramSocket {
    var socket = try DatagramSocket(family: .v4)
    try socket.bind(to: .v4(octets: (127, 0, 0, 1), port: 0))
    return socket
}

/// A pipe: (read end, write end).
func pipeDescriptors() throws -> (Int32, Int32) {
    var ends: [Int32] = [0, 0]
    guard pipe(&ends) == 0 else { throw SystemCallError(call: "pipe", errno: Errno(rawValue: errno)) }
    return (ends[0], ends[1])
}

/// Everything readable from `descriptor` until its end (its write end closed).
func readAll(_ descriptor: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(descriptor, &chunk, chunk.count)
        if count <= 0 { return bytes }
        bytes.append(contentsOf: chunk[0..<count])
    }
}

/// Writes all of `bytes` to `descriptor` (a pipe whose reader reads later: small writes).
func writeBytes(_ descriptor: Int32, _ bytes: [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written <= 0 { return }
        offset += written
    }
}

/// The datagrams waiting on `socket` (at most 64), after waiting up to two seconds for
/// the first; none when none came. (A unix socket queues ten: net.unix.max_dgram_qlen.)
func receiveAll(_ socket: borrowing DatagramSocket) throws -> [(payload: [UInt8], peer: Peer)] {
    let batch = ReceiveBatch(capacity: 64, bufferSize: 65536)
    guard try waitReadable([socket.descriptor], timeoutMilliseconds: 2000)[0] else { return [] }
    let count = try socket.receive(into: batch, limit: 64)
    return (0..<count).map { (Array(batch.datagram($0).payload), batch.datagram($0).peer) }
}

/// A print sink of `format` (utf-8, errors replaced) that writes to `descriptor`.
func printSink(_ format: RecordFormat, to descriptor: Int32, time: TimeColumn? = nil) throws -> PrintSink {
    let context = PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: false, columns: Columns(time: time))
    return PrintSink(printer: format.printer.init(context), encodingName: "utf-8", output: OutputBuffer(descriptor: descriptor))
}

/// A descriptor reading `bytes` from their start: an unlinked temporary file, so that any
/// amount can be written before anything is read.
func inputDescriptor(_ bytes: [UInt8]) throws -> Int32 {
    var template = Array("/tmp/letter-input-XXXXXX".utf8CString)
    let descriptor = mkstemp(&template)
    guard descriptor >= 0 else { throw SystemCallError(call: "mkstemp", errno: Errno(rawValue: errno)) }
    unlink(template)
    writeBytes(descriptor, bytes)
    lseek(descriptor, 0, SEEK_SET)
    return descriptor
}
