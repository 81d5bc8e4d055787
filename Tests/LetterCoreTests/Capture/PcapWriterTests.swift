import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// Captures made by `PcapWriter`, read back by Wireshark's dissectors (tshark, checksums
/// verified), capinfos and tcpdump: each field as it was given to the writer.
@Suite struct PcapWriterTests {
    /// One record to write: the two ends as text (what tshark must print back), the
    /// payload, its real length, the time.
    struct Record {
        let source: String, sourcePort: UInt16
        let destination: String, destinationPort: UInt16
        /// Both ends given to the writer as IPv4-mapped IPv6, as a dual-stack socket sees them.
        var mapped = false
        let payload: [UInt8]
        var fullLength: Int?
        let time: Timestamp

        var isIPv6: Bool { source.contains(":") }
        var length: Int { fullLength ?? payload.count }
        var isCut: Bool { length > payload.count }

        func peer(_ text: String, _ port: UInt16) -> Peer {
            if let bytes = parseIPv6(text[...]) { return .v6(bytes: bytes, port: port, flowInfo: 0, scopeID: 0) }
            // The tests' addresses are literals: a v4 one when not v6.
            let octets = parseIPv4(text[...])!
            guard mapped else { return .v4(octets: octets, port: port) }
            let value = UInt64(octets.0) << 24 | UInt64(octets.1) << 16 | UInt64(octets.2) << 8 | UInt64(octets.3)
            return .v6(bytes: IPv6Bytes(high: 0, low: 0xffff << 32 | value), port: port, flowInfo: 0, scopeID: 0)
        }
    }

    static let records: [Record] = [
        Record(source: "127.0.0.1", sourcePort: 54321, destination: "127.0.0.7", destinationPort: 9000,
               payload: Array("hello, 你好".utf8), time: Timestamp(seconds: 1_764_426_735, nanoseconds: 123_456_789)),
        Record(source: "2001:db8::1", sourcePort: 40001, destination: "2001:db8::2", destinationPort: 9000,
               payload: Array("over IPv6".utf8), time: Timestamp(seconds: 1_764_426_736, nanoseconds: 5)),
        Record(source: "192.0.2.9", sourcePort: 40002, destination: "192.0.2.10", destinationPort: 9000, mapped: true,
               payload: Array("dual-stack, odd".utf8), time: Timestamp(seconds: 1_764_426_737, nanoseconds: 999_999_999)),
        Record(source: "127.0.0.1", sourcePort: 40003, destination: "127.0.0.1", destinationPort: 9000,
               payload: [], time: Timestamp(seconds: 1_764_426_738, nanoseconds: 0)),
        Record(source: "127.0.0.1", sourcePort: 40004, destination: "127.0.0.7", destinationPort: 9000,
               payload: (0..<100).map { UInt8($0) }, fullLength: 1000, time: Timestamp(seconds: 1_764_426_739, nanoseconds: 1)),
        Record(source: "::1", sourcePort: 40005, destination: "::1", destinationPort: 9000,
               payload: [UInt8](repeating: 0xab, count: 10), fullLength: 3000, time: Timestamp(seconds: 1_764_426_740, nanoseconds: 2)),
    ]

    /// The records written one after another behind a file header.
    static func capture(_ records: [Record]) -> [UInt8] {
        var out: [UInt8] = []
        PcapWriter.appendFileHeader(to: &out)
        var writer = PcapWriter()
        for record in records {
            let written = writer.append(payload: record.payload[...], fullLength: record.length, time: record.time,
                                        source: record.peer(record.source, record.sourcePort),
                                        destination: record.peer(record.destination, record.destinationPort), to: &out)
            #expect(written)
        }
        return out
    }

    @Test func tsharkReadsEveryFieldAsGivenWithGoodChecksums() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("pcapw")
        let file = directory.path + "/letter.pcap"
        try writeFile(file, bytes: Self.capture(Self.records))
        guard let dissected = DissectedRecord.read(file, tshark: tshark) else { return }
        #expect(dissected.count == Self.records.count)
        for (record, seen) in zip(Self.records, dissected) {
            let family = record.isIPv6 ? "ipv6" : "ip"
            #expect(seen["\(family).src"] == record.source)
            #expect(seen["\(family).dst"] == record.destination)
            #expect(seen[record.isIPv6 ? "ip.src" : "ipv6.src"] == "")
            #expect(seen["udp.srcport"] == String(record.sourcePort))
            #expect(seen["udp.dstport"] == String(record.destinationPort))
            #expect(seen["udp.length"] == String(8 + record.length))
            #expect(seen["data"] == hex(record.payload))
            #expect(seen.nanoseconds == record.time.seconds * 1_000_000_000 + record.time.nanoseconds)
            let headers = (record.isIPv6 ? 40 : 20) + 8
            #expect(seen["frame.len"] == String(headers + record.length))
            #expect(seen["frame.cap_len"] == String(headers + record.payload.count))
            // TTL or hop limit 64, as SPEC.md fixes it; the other family's field absent.
            #expect(seen[record.isIPv6 ? "ipv6.hlim" : "ip.ttl"] == "64")
            #expect(seen[record.isIPv6 ? "ip.ttl" : "ipv6.hlim"] == "")
            // Wireshark's checksum verdicts (proto.h): 1 good, 3 not present.
            #expect(seen["ip.checksum.status"] == (record.isIPv6 ? "" : "1"))
            if record.isCut {
                // The missing bytes count in the sum: it cannot be known, and is 0.
                #expect(seen["udp.checksum"] == "0x0000")
                if !record.isIPv6 { #expect(seen["udp.checksum.status"] == "3") }
            } else {
                #expect(seen["udp.checksum.status"] == "1")
            }
        }
    }

    /// A cut record as the brief gives it: 1,000 bytes cut to 100, so 128 bytes kept of 1,028.
    @Test func aCutDatagramKeepsItsRealLengths() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("pcapw")
        let file = directory.path + "/cut.pcap"
        let cut = Self.records[4]
        #expect(cut.payload.count == 100 && cut.length == 1000)
        try writeFile(file, bytes: Self.capture([cut]))
        guard let seen = DissectedRecord.read(file, tshark: tshark)?.first else { Issue.record("no record"); return }
        #expect(seen["frame.cap_len"] == "128" && seen["frame.len"] == "1028" && seen["udp.length"] == "1008")
    }

    /// A UDP sum of 0 is written 0xffff (0 would mean "no checksum"), which still verifies.
    @Test func aZeroSumIsWrittenAsAllOnes() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let directory = try TemporaryDirectory("pcapw")
        let file = directory.path + "/ones.pcap"
        // Two payload bytes that bring the sum to 0: the sum of the pseudo-header and the
        // UDP header (127.0.0.1:54321 -> 127.0.0.7:9000, protocol 17, length 10 twice)
        // complemented. tshark shows what the field holds, so a wrong choice fails.
        var sum = [0x7f00, 0x0001, 0x7f00, 0x0007, 17, 10, 54321, 9000, 10].reduce(0, +)
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        let word = 0xffff - sum
        let ones = Record(source: "127.0.0.1", sourcePort: 54321, destination: "127.0.0.7", destinationPort: 9000,
                          payload: [UInt8(word >> 8), UInt8(word & 0xff)], time: Timestamp(seconds: 1, nanoseconds: 0))
        try writeFile(file, bytes: Self.capture([ones]))
        guard let seen = DissectedRecord.read(file, tshark: tshark)?.first else { Issue.record("no record"); return }
        #expect(seen["udp.checksum"] == "0xffff")
        #expect(seen["udp.checksum.status"] == "1")
    }

    @Test func capinfosReadsTheFileHeader() throws {
        guard let capinfos = requirePeer("capinfos", package: "tshark") else { return }
        let directory = try TemporaryDirectory("pcapw")
        let file = directory.path + "/letter.pcap"
        try writeFile(file, bytes: Self.capture(Self.records))
        let info = try run(capinfos, ["-t", "-E", "-l", "-c", file])
        #expect(info.status == 0)
        var fields: [String: String] = [:]
        for line in info.stdoutText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            // "Packet size limit" comes twice: the file header's first, then what capinfos inferred.
            if fields[String(line[..<colon])] == nil { fields[String(line[..<colon])] = String(value) }
        }
        #expect(fields["File type"] == "Wireshark/tcpdump/... - nanosecond pcap")
        #expect(fields["File encapsulation"] == "Raw IP")
        #expect(fields["Packet size limit"] == "file hdr: 262144 bytes")
        #expect(fields["Number of packets"] == String(Self.records.count))
    }

    @Test func tcpdumpReadsIt() throws {
        guard let tcpdump = requirePeer("tcpdump") else { return }
        let directory = try TemporaryDirectory("pcapw")
        let file = directory.path + "/letter.pcap"
        try writeFile(file, bytes: Self.capture(Self.records))
        let read = try run(tcpdump, ["-nn", "-r", file])
        #expect(read.status == 0, "tcpdump: \(read.stderrText)")
        #expect(read.stdoutText.split(separator: "\n").count == Self.records.count)
        #expect(read.stderrText.contains("link-type RAW"))
    }

    /// The file header's magic is in this host's byte order, as Python's native struct packs it.
    @Test func theMagicIsInHostOrder() throws {
        guard let python = requirePeer("python3") else { return }
        let packed = try run(python, ["-c", "import struct, sys; sys.stdout.write(struct.pack('=I', 0xa1b23c4d).hex())"])
        var out: [UInt8] = []
        PcapWriter.appendFileHeader(to: &out)
        #expect(hex(Array(out.prefix(4))) == packed.stdoutText)
        #expect(out.count == 24)
    }

    @Test func whatNoUDPDatagramCanBeIsRefused() {
        var writer = PcapWriter()
        var out: [UInt8] = [1, 2, 3]
        let v4 = Peer.v4(octets: (127, 0, 0, 1), port: 9)
        let v6 = Peer.v6(bytes: .loopback, port: 9, flowInfo: 0, scopeID: 0)
        let time = Timestamp(seconds: 0, nanoseconds: 0)
        func append(_ payload: [UInt8], _ length: Int, _ source: Peer, _ destination: Peer) -> Bool {
            writer.append(payload: payload[...], fullLength: length, time: time, source: source, destination: destination, to: &out)
        }
        #expect(!append([], 0, v4, v6))
        #expect(!append([], 0, v6, v4))
        #expect(!append([], 0, .unixPath(Array("/tmp/x".utf8)), .unnamed))
        #expect(!append([], 0, v4, .abstract([])))
        #expect(!append([1, 2], 1, v4, v4))
        #expect(!append([], 65_508, v4, v4))
        #expect(!append([], 65_528, v6, v6))
        #expect(out == [1, 2, 3])
        // The largest of each family fits.
        #expect(append([], 65_507, v4, v4))
        #expect(append([], 65_527, v6, v6))
    }

    /// Records go into the room `out` already has: the buffer is never moved.
    @Test func recordsAppendInPlaceOnceTheBufferHasGrown() {
        var writer = PcapWriter()
        var out: [UInt8] = []
        out.reserveCapacity(1 << 16)
        let payload = [UInt8](repeating: 0x61, count: 60)[...]
        let source = Peer.v4(octets: (127, 0, 0, 1), port: 40000), destination = Peer.v4(octets: (127, 0, 0, 7), port: 9000)
        let start = out.withUnsafeBufferPointer { $0.baseAddress }
        for _ in 0..<100 {
            _ = writer.append(payload: payload, fullLength: 60, time: Timestamp(seconds: 1, nanoseconds: 2),
                              source: source, destination: destination, to: &out)
        }
        #expect(out.count == 100 * (16 + 28 + 60))
        #expect(out.withUnsafeBufferPointer { $0.baseAddress } == start)
    }
}
