import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// Captures built by Fixtures/captures/make_captures.py, and a real tcpdump capture, read
/// by tshark first (so each test knows its file is right) and then by letter's reader,
/// which must yield exactly the datagrams tshark shows — times, addresses, ports,
/// payloads, in order — and skip what tshark shows is not one, counted by kind.
@Suite struct CaptureOracleTests {
    @Test func everyBuiltCaptureReadsAsTsharkShowsIt() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let fixtures = try CaptureFixtures()
        let good = fixtures.manifest.filter { $0.expectation == ["good"] }
        #expect(good.count == 12)
        for (name, _) in good {
            let view = try TsharkView(tshark: tshark, path: fixtures.path(name))
            #expect(!view.datagrams.isEmpty && view.skipped.notUDP > 0, "\(name): tshark sees no datagram, or nothing else")
            let reading = try readCapture(path: fixtures.path(name))
            #expect(reading.error == nil, "\(name): \(String(describing: reading.error))")
            #expect(reading.datagrams == view.datagrams, "\(name)")
            #expect(reading.skipped == view.skipped, "\(name)")
            // The same from memory in reads of every size: records cut at every boundary.
            let bytes = try readBytes(fixtures.path(name))
            #expect(reading.bytesRead == bytes.count, "\(name): read \(reading.bytesRead) bytes of \(bytes.count)")
            for readSize in [1, 3, 4096] {
                let again = readCapture(bytes: bytes, readSize: readSize)
                #expect(again.datagrams == view.datagrams && again.skipped == view.skipped && again.error == nil,
                        "\(name) read \(readSize) bytes at a time")
            }
        }
    }

    /// The Ethernet captures hold every case the readers must handle, as tshark sees them:
    /// 3,000 and 4,000-byte datagrams from fragments, a datagram with a fragment missing
    /// (its two fragments incomplete), three records cut short (one inside its datagram,
    /// two after it), and TCP, ICMP, ICMPv6 and ARP.
    @Test func theEthernetCapturesHoldEveryCase() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let fixtures = try CaptureFixtures()
        for name in ["ethernet-usec-le.pcap", "ethernet-usec-be.pcap", "ethernet-nsec-le.pcap", "ethernet-nsec-be.pcap"] {
            let view = try TsharkView(tshark: tshark, path: fixtures.path(name))
            #expect(view.datagrams.map { $0.payload.count / 2 }.filter { $0 >= 3000 }.sorted() == [3000, 4000], "\(name)")
            #expect(view.skipped.incompleteFragments == 2 && view.skipped.cutShort == 3 && view.skipped.notUDP == 4, "\(name)")
            #expect(view.datagrams.contains { $0.payload.isEmpty }, "\(name): the empty datagram")
        }
    }

    @Test func damagedFilesAreErrorsNamingTheirOffsetAfterWhatCameBefore() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let fixtures = try CaptureFixtures()
        let damaged = fixtures.manifest.filter { $0.expectation.first == "error" }
        #expect(damaged.count == 8)
        for (name, expectation) in damaged {
            let reading = try readCapture(path: fixtures.path(name))
            #expect(reading.error.map(kindName) == String(expectation[1]), "\(name): \(String(describing: reading.error))")
            #expect(reading.error?.offset == Int(expectation[2]), "\(name): \(String(describing: reading.error))")
            // What came before the damage is what tshark read before it stopped.
            let view = try TsharkView(tshark: tshark, path: fixtures.path(name))
            #expect(reading.datagrams == view.datagrams, "\(name)")
            // Reading stops at the error for good.
            let reader = CaptureReader(bytes: try readBytes(fixtures.path(name)))
            while (try? reader.next()) != nil {}
            #expect(try reader.next() == nil, "\(name)")
        }
    }

    /// Python's UDP traffic and a TCP connection on a loopback address of their own,
    /// captured by tcpdump on `lo` (Ethernet) and on `any` (Linux cooked v2) at once.
    @Test func realTcpdumpCapturesReadAsTsharkShowsThem() throws {
        guard let tshark = requirePeer("tshark"), let tcpdump = requirePeer("tcpdump"), let python = requirePeer("python3") else { return }
        guard getuid() == 0 else {
            reportSkip("tcpdump needs root to capture on lo")
            return
        }
        let directory = try TemporaryDirectory("tcpdump")
        let address = "127.\(UInt8.random(in: 100...199)).\(UInt8.random(in: 0...255)).\(UInt8.random(in: 1...254))"
        var captures: [(file: String, child: Child)] = []
        for interface in ["lo", "any"] {
            let file = directory.path + "/\(interface).pcap"
            // A 32 MiB buffer: with the default, `any` drops packets under load.
            let child = try Child(tcpdump, ["-i", interface, "-B", "32768", "-Z", "root", "--immediate-mode", "-U", "-w", file,
                                            "host", address])
            guard child.stderrLine(containing: "listening on") != nil else {
                Issue.record("tcpdump -i \(interface) did not start: \(child.stderrText)")
                return
            }
            captures.append((file, child))
        }
        let traffic = try run(python, [Paths.repository + "/Fixtures/captures/loopback_traffic.py", address], seconds: 30)
        #expect(traffic.status == 0, "the traffic: \(traffic.stdoutText) \(traffic.stderrText)")
        // Time for the last packets to reach tcpdump before it stops.
        usleep(300_000)
        for (file, child) in captures {
            child.signal(SIGINT)
            #expect(child.wait(seconds: 10) == 0, "tcpdump: \(child.stderrText)")
            let view = try TsharkView(tshark: tshark, path: file)
            // What tcpdump kept, not what was sent, is the reference; it must hold both kinds.
            #expect(!view.datagrams.isEmpty && view.skipped.notUDP > 0, "\(file): \(view.datagrams.count) datagrams, \(view.skipped)")
            let reading = try readCapture(path: file)
            #expect(reading.error == nil, "\(file): \(String(describing: reading.error))")
            #expect(reading.datagrams == view.datagrams, "\(file)")
            #expect(reading.skipped == view.skipped, "\(file)")
        }
    }
}

func kindName(_ error: CaptureError) -> String {
    switch error.kind {
    case .notACapture: return "notACapture"
    case .endsInsideRecord: return "endsInsideRecord"
    case .unknownLinkType: return "unknownLinkType"
    case .damaged: return "damaged"
    case .readFailed: return "readFailed"
    }
}
