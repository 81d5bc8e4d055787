import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// What a whole read of a capture gives: the datagrams, the skip counts, the error.
struct CaptureReading {
    var datagrams: [SeenDatagram] = []
    var skipped = CaptureSkips()
    var error: CaptureError?
    /// How far the reader says it read.
    var bytesRead = 0
}

/// A file's bytes (the fixtures are small).
func readText(_ path: String) throws -> String { String(decoding: try readBytes(path), as: UTF8.self) }

func readBytes(_ path: String) throws -> [UInt8] {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw SpawnError(message: "cannot open \(path): \(String(cString: strerror(errno)))") }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &chunk, chunk.count)
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { break }
        bytes += chunk[0..<count]
    }
    return bytes
}

/// Reads a whole capture with letter's reader, from the file's descriptor.
func readCapture(path: String) throws -> CaptureReading {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw SpawnError(message: "cannot open \(path)") }
    defer { close(descriptor) }
    return readAll(CaptureReader(descriptor: descriptor))
}

/// Reads a whole capture from memory, `readSize` bytes at a time.
func readCapture(bytes: [UInt8], readSize: Int) -> CaptureReading {
    readAll(CaptureReader(bytes: bytes, readSize: readSize))
}

/// Every datagram until the end or an error. Bounded: each call consumes input.
func readAll(_ reader: CaptureReader) -> CaptureReading {
    var reading = CaptureReading()
    do {
        while let datagram = try reader.next() {
            reading.datagrams.append(SeenDatagram(datagram))
        }
    } catch {
        reading.error = error
    }
    reading.skipped = reader.skipped
    reading.bytesRead = reader.bytesRead
    return reading
}

extension SeenDatagram {
    init(_ datagram: CapturedDatagram) {
        let time = datagram.time.map { time in
            let fraction = String(time.nanoseconds)
            return "\(time.seconds)." + String(repeating: "0", count: 9 - fraction.count) + fraction
        } ?? ""
        self.init(time: time, source: datagram.source.host, destination: datagram.destination?.host ?? "",
                  sourcePort: String(datagram.source.port), destinationPort: String(datagram.destination?.port ?? 0),
                  payload: hex(Array(datagram.payload)))
    }
}

/// tshark's counts and the reader's are the same when every kind is (tshark shows no
/// relay replies: a capture holds none).
func == (reader: CaptureSkips, tshark: TsharkSkips) -> Bool {
    reader.notUDP == tshark.notUDP && reader.incompleteFragments == tshark.incompleteFragments
        && reader.cutShort == tshark.cutShort && reader.replies == 0
}
