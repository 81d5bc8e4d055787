import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// One datagram as text that both tshark and letter's reader can be brought to: the
/// time as `seconds.nanoseconds` (empty when there is none), addresses, ports and the
/// payload in hex.
struct SeenDatagram: Equatable, CustomStringConvertible {
    var time: String
    var source: String
    var destination: String
    var sourcePort: String
    var destinationPort: String
    var payload: String

    var description: String { "\(time) \(source):\(sourcePort) -> \(destination):\(destinationPort) \(payload.prefix(40))" }
}

/// What a whole read of a capture gives: the datagrams, the skip counts, the error.
struct CaptureReading {
    var datagrams: [SeenDatagram] = []
    var skipped = CaptureSkips()
    var error: CaptureError?
    /// How far the reader says it read.
    var bytesRead = 0
}

/// A temporary directory with the captures `Fixtures/captures/make_captures.py` builds;
/// removed with the value.
final class CaptureFixtures {
    private let temporary: TemporaryDirectory
    var directory: String { temporary.path }
    /// manifest.tsv: each file's name and what reading it must give.
    let manifest: [(name: String, expectation: [Substring])]

    init() throws {
        temporary = try TemporaryDirectory("captures")
        let directory = temporary.path
        let maker = try run(Paths.python, [Paths.repository + "/Fixtures/captures/make_captures.py", directory], seconds: 60)
        guard maker.status == 0 else { throw SpawnError(message: "make_captures.py failed: \(maker.stderrText)") }
        manifest = try readText(directory + "/manifest.tsv").split(separator: "\n").map { line in
            let fields = line.split(separator: "\t")
            return (String(fields[0]), fields[1].split(separator: " "))
        }
    }

    func path(_ name: String) -> String { directory + "/" + name }
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
        time = datagram.time.map { time in
            let fraction = String(time.nanoseconds)
            return "\(time.seconds)." + String(repeating: "0", count: 9 - fraction.count) + fraction
        } ?? ""
        source = datagram.source.host
        destination = datagram.destination?.host ?? ""
        sourcePort = String(datagram.source.port)
        destinationPort = String(datagram.destination?.port ?? 0)
        payload = hex(Array(datagram.payload))
    }
}

/// What tshark shows in a capture, brought to letter's terms: the complete UDP datagrams
/// in order, and the records that are not, counted by letter's kinds — the oracle the
/// reader is held to.
struct TsharkView {
    var datagrams: [SeenDatagram] = []
    var skipped = CaptureSkips()
    /// Records tshark read (pcapng custom blocks, which it shows and letter skips, left out).
    var records = 0

    private static let fields = ["frame.time_epoch", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
                                 "udp.srcport", "udp.dstport", "udp.payload", "frame.cap_len", "frame.len",
                                 "ip.flags.mf", "ip.frag_offset", "ipv6.fraghdr.offset", "ipv6.fraghdr.more",
                                 "ip.reassembled_in", "ipv6.reassembled.in", "frame.cb_pen"]

    /// Runs `tshark -2` (two passes, so that each fragment knows where it was reassembled)
    /// over `path`; the first occurrence of each field is the outermost header's.
    init(tshark: String, path: String) throws {
        let arguments = ["-2", "-r", path, "-T", "fields", "-E", "occurrence=f"] + Self.fields.flatMap { ["-e", $0] }
        let child = try run(tshark, arguments, seconds: 60)
        for line in child.stdoutText.split(separator: "\n") {
            let row = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard row.count == Self.fields.count else {
                Issue.record("tshark row of \(row.count) fields, not \(Self.fields.count): \(line)")
                continue
            }
            let value = Dictionary(uniqueKeysWithValues: zip(Self.fields, row))
            if value["frame.cb_pen"] != "" { continue }
            records += 1
            let protocols = value["frame.protocols"]!.split(separator: ":")
            let isUDP = protocols.contains("udp") && !protocols.contains("icmp") && !protocols.contains("icmpv6")
                && value["udp.srcport"] != ""
            let ipv4Fragment = value["ip.flags.mf"] == "1" || !["", "0"].contains(value["ip.frag_offset"])
            // An IPv6 fragment header with offset 0 and no more fragments is an atomic fragment.
            let ipv6Fragment = value["ipv6.fraghdr.offset"] != ""
                && !(value["ipv6.fraghdr.offset"] == "0" && value["ipv6.fraghdr.more"] == "0")
            if isUDP {
                if Int(value["frame.cap_len"]!)! < Int(value["frame.len"]!)! {
                    skipped.cutShort += 1
                    continue
                }
                let isIPv4 = value["ip.src"] != ""
                datagrams.append(SeenDatagram(time: value["frame.time_epoch"]!,
                                              source: value[isIPv4 ? "ip.src" : "ipv6.src"]!,
                                              destination: value[isIPv4 ? "ip.dst" : "ipv6.dst"]!,
                                              sourcePort: value["udp.srcport"]!, destinationPort: value["udp.dstport"]!,
                                              payload: value["udp.payload"]!))
            } else if ipv4Fragment || ipv6Fragment {
                if value["ip.reassembled_in"] == "" && value["ipv6.reassembled.in"] == "" { skipped.incompleteFragments += 1 }
            } else {
                skipped.notUDP += 1
            }
        }
    }
}
