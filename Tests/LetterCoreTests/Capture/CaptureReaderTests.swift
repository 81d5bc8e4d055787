import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// The readers' limits: what no capture tshark reads shows — memory bounds, lengths that
/// lie, times out of range, reading from a pipe — with captures built here byte by byte.
@Suite struct CaptureReaderTests {
    @Test func aPipeReadsAsTheFileDoes() throws {
        let fixtures = try CaptureFixtures()
        for name in ["raw-ipv4.pcap", "sections.pcapng", "json/recording.jsonl"] {
            let path = fixtures.path(name)
            guard let pipe = popen("exec cat '\(path)'", "r") else { throw SpawnError(message: "popen") }
            let fromPipe = readAll(CaptureReader(descriptor: fileno(pipe)))
            pclose(pipe)
            let fromFile = try readCapture(path: path)
            #expect(fromPipe.datagrams == fromFile.datagrams && fromPipe.skipped == fromFile.skipped && fromPipe.error == nil, "\(name)")
            #expect(!fromFile.datagrams.isEmpty)
        }
    }

    /// A block letter skips is read past in chunks, however long: 10 MiB of custom block
    /// go by although no record may be longer than the 2 MiB window.
    @Test func skippedBlocksAreNeverHeldWhole() throws {
        var file = sectionHeader() + interface(link: 101)
        let custom = 10 << 20
        file += uint32(0x0000_0BAD) + uint32(UInt32(12 + custom)) + [UInt8](repeating: 0x55, count: custom) + uint32(UInt32(12 + custom))
        file += enhancedPacket(ipv4UDP(payload: Array("after".utf8)))
        let reading = readCapture(bytes: file, readSize: 1 << 16)
        #expect(reading.error == nil)
        #expect(reading.datagrams.map(\.payload) == ["6166746572"])
    }

    @Test func lengthsThatLieAreErrorsNotAllocations() {
        // A pcap record that claims 4 GiB.
        var pcap = pcapHeader(link: 101) + uint32(1) + uint32(0) + uint32(0xFFFF_FFF0) + uint32(0xFFFF_FFF0)
        pcap += [UInt8](repeating: 0, count: 100)
        var reading = readCapture(bytes: pcap, readSize: 4096)
        #expect(reading.error?.kind == .damaged && reading.error?.offset == 24, "\(String(describing: reading.error))")
        // A pcapng Enhanced Packet Block whose captured length passes its block.
        let block = enhancedPacket(ipv4UDP(payload: [1, 2, 3]))
        var lying = block
        lying.replaceSubrange(20..<24, with: uint32(UInt32(block.count)))
        let start = sectionHeader().count + interface(link: 101).count
        reading = readCapture(bytes: sectionHeader() + interface(link: 101) + lying, readSize: 4096)
        #expect(reading.error?.kind == .damaged && reading.error?.offset == start, "\(String(describing: reading.error))")
        // A block length that is not a multiple of 4, and one of 4 GiB.
        for length: UInt32 in [30, 0xFFFF_FFFC] {
            var odd = block
            odd.replaceSubrange(4..<8, with: uint32(length))
            reading = readCapture(bytes: sectionHeader() + interface(link: 101) + odd, readSize: 4096)
            #expect(reading.error?.offset == start && reading.error?.kind != nil, "\(length): \(String(describing: reading.error))")
        }
        // An IPv4 header that says 60 bytes in a 28-byte packet: not UDP, nothing read past it.
        var header = ipv4UDP(payload: [])
        header[0] = 0x4F
        reading = readCapture(bytes: pcapHeader(link: 101) + pcapRecord(header), readSize: 4096)
        #expect(reading.datagrams.isEmpty && reading.skipped.notUDP == 1)
    }

    @Test func anUnknownLinkTypeIsNamedWithItsInterface() throws {
        let file = sectionHeader() + interface(link: 101) + interface(link: 147) + enhancedPacket(ipv4UDP(payload: [1]))
            + enhancedPacket(ipv4UDP(payload: [2]), interface: 1)
        let reader = CaptureReader(bytes: file)
        #expect(try reader.next() != nil)
        do {
            _ = try reader.next()
            Issue.record("link type 147 read")
        } catch {
            #expect(error.kind == .unknownLinkType(147))
            #expect(error.offset == file.count - enhancedPacket(ipv4UDP(payload: [2])).count)
            #expect(error.description.contains("USER0") && error.description.contains("interface 1"), "\(error)")
        }
    }

    /// pcapng times in any resolution, even absurd ones, come out as instants in range or
    /// as nil, never as a trap.
    @Test func everyResolutionGivesATimeInRangeOrNone() {
        for resolution in 0...255 {
            for units: UInt64 in [0, 1, 999_999_999, 1 << 40, UInt64.max / 3, UInt64.max] {
                for offset: Int64 in [0, -1, Int64.max, Int64.min] {
                    guard let time = timestamp(units, resolution: UInt8(resolution), offsetSeconds: offset) else { continue }
                    #expect((0..<latestCaptureSecond).contains(time.seconds) && (0..<1_000_000_000).contains(time.nanoseconds),
                            "\(units) units at \(resolution), offset \(offset): \(time)")
                }
            }
        }
        // Exact cases: 2^-20 s and 10^-12 s.
        #expect(timestamp(1 << 19, resolution: 0x80 | 20, offsetSeconds: 5) == Timestamp(seconds: 5, nanoseconds: 500_000_000))
        #expect(timestamp(1_500_000_000_001, resolution: 12, offsetSeconds: 0) == Timestamp(seconds: 1, nanoseconds: 500_000_000))
    }

    /// Reassembly keeps at most so many datagrams and bytes in flight: the oldest is given
    /// up (its fragments counted as incomplete) and a later one still completes.
    @Test func reassemblyIsBoundedAndGivesUpTheOldest() {
        let reassembler = FragmentReassembler(maximumInFlight: 2, maximumBytes: 65535)
        func key(_ identification: UInt32) -> FragmentReassembler.Key {
            .init(isIPv6: false, source: .loopback, destination: .loopback, identification: identification, protocolNumber: 17)
        }
        let block = [UInt8](repeating: 7, count: 16_000)
        #expect(reassembler.add(key(1), offset: 0, more: true, data: block[...], nextHeader: 17) == nil)
        #expect(reassembler.add(key(2), offset: 0, more: true, data: block[...], nextHeader: 17) == nil)
        // A third datagram: the first is given up for the count.
        #expect(reassembler.add(key(3), offset: 0, more: true, data: block[...], nextHeader: 17) == nil)
        #expect(reassembler.abandoned == 1)
        // 40,000 more bytes for the third: past the byte limit, the second is given up.
        #expect(reassembler.add(key(3), offset: 16_000, more: true, data: (block + block + block)[0..<40_000], nextHeader: 17) == nil)
        #expect(reassembler.abandoned == 2)
        let whole = reassembler.add(key(3), offset: 56_000, more: false, data: [1, 2, 3], nextHeader: 17)
        #expect(whole?.bytes.count == 56_003 && whole?.records == 3 && whole?.bytes.last == 3)
        // Fragments that cannot be right: past 65,535 bytes; not a whole number of blocks
        // though more follow; a last fragment that ends before what came already.
        #expect(reassembler.add(key(4), offset: 65_528, more: false, data: block[0..<8], nextHeader: 17) == nil)
        #expect(reassembler.add(key(5), offset: 0, more: true, data: block[0..<12], nextHeader: 17) == nil)
        #expect(reassembler.add(key(6), offset: 64, more: true, data: block[0..<16], nextHeader: 17) == nil)
        #expect(reassembler.add(key(6), offset: 8, more: false, data: block[0..<8], nextHeader: 17) == nil)
        #expect(reassembler.abandoned == 5)
        reassembler.finish()
        #expect(reassembler.abandoned == 6)
    }
}

// Captures built byte by byte (little-endian files, network-order packets).

private func uint32(_ value: UInt32) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }
private func uint16(_ value: UInt16) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

private func pcapHeader(link: UInt32) -> [UInt8] {
    uint32(0xA1B2_C3D4) + uint16(2) + uint16(4) + uint32(0) + uint32(0) + uint32(262_144) + uint32(link)
}

private func pcapRecord(_ frame: [UInt8]) -> [UInt8] {
    uint32(1) + uint32(0) + uint32(UInt32(frame.count)) + uint32(UInt32(frame.count)) + frame
}

private func block(_ type: UInt32, _ body: [UInt8]) -> [UInt8] {
    let padded = body + [UInt8](repeating: 0, count: (4 - body.count % 4) % 4)
    let length = uint32(UInt32(12 + padded.count))
    return uint32(type) + length + padded + length
}

private func sectionHeader() -> [UInt8] {
    block(0x0A0D_0D0A, uint32(0x1A2B_3C4D) + uint16(1) + uint16(0) + [UInt8](repeating: 0xFF, count: 8))
}

private func interface(link: UInt16) -> [UInt8] { block(1, uint16(link) + uint16(0) + uint32(0)) }

private func enhancedPacket(_ frame: [UInt8], interface: UInt32 = 0) -> [UInt8] {
    block(6, uint32(interface) + uint32(0) + uint32(1) + uint32(UInt32(frame.count)) + uint32(UInt32(frame.count)) + frame)
}

/// IPv4 and UDP headers from 10.0.0.1:1000 to 10.0.0.2:2000 (checksums 0: not checked).
private func ipv4UDP(payload: [UInt8]) -> [UInt8] {
    let total = 28 + payload.count
    return [0x45, 0, UInt8(total >> 8), UInt8(total & 0xFF), 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        + [0x03, 0xE8, 0x07, 0xD0, UInt8((8 + payload.count) >> 8), UInt8((8 + payload.count) & 0xFF), 0, 0] + payload
}
