import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// The pcap printer's records of relayed datagrams, read back by tshark: a request sent
/// to two targets was received once (one record) and went on twice (one record each);
/// a reply went back once. Times are the receive time and each send time.
@Suite struct PcapPrinterTests {
    @Test func aFanOutRequestIsReceivedOnceAndSentOncePerTarget() throws {
        guard let tshark = requirePeer("tshark") else { return }
        let client = Peer.v4(octets: (127, 0, 0, 2), port: 50000), listening = Peer.v4(octets: (127, 0, 0, 1), port: 5353)
        let via1 = Peer.v4(octets: (127, 0, 0, 1), port: 40001), target1 = Peer.v4(octets: (127, 0, 0, 9), port: 53)
        let via2 = Peer.v6(bytes: IPv6Bytes(high: 0, low: 1), port: 40002, flowInfo: 0, scopeID: 0)
        let target2 = Peer.v6(bytes: IPv6Bytes(high: 0, low: 1), port: 5300, flowInfo: 0, scopeID: 0)
        let payload = Array("query".utf8)[...]
        var request = Record(Datagram(payload: payload, fullLength: payload.count, peer: client,
                                      receivedAt: Timestamp(seconds: 100, nanoseconds: 1), local: listening))
        let printer = PcapPrinter()
        var out: [UInt8] = []
        printer.begin(to: &out)
        for (copy, (via, target)) in [(via1, target1), (via2, target2)].enumerated() {
            request.passage = Passage(to: target, direction: .request, from: via,
                                      sentAt: Timestamp(seconds: 100, nanoseconds: 2 + copy), copy: copy)
            _ = printer.append(request, to: &out)
        }
        var reply = Record(Datagram(payload: Array("answer".utf8)[...], fullLength: 6, peer: target1,
                                    receivedAt: Timestamp(seconds: 100, nanoseconds: 10), local: via1))
        reply.passage = Passage(to: client, direction: .reply, from: listening, sentAt: Timestamp(seconds: 100, nanoseconds: 11))
        _ = printer.append(reply, to: &out)

        let directory = try TemporaryDirectory("pcap-printer")
        let file = directory.path + "/relay.pcap"
        try writeFile(file, bytes: out)
        guard let records = DissectedRecord.read(file, tshark: tshark) else { return }
        let legs = records.map { [$0["ip.src"] + $0["ipv6.src"], $0["udp.srcport"], $0["ip.dst"] + $0["ipv6.dst"],
                                  $0["udp.dstport"], String($0.nanoseconds ?? -1), $0["udp.checksum.status"]] }
        #expect(legs == [
            ["127.0.0.2", "50000", "127.0.0.1", "5353", "100000000001", "1"],
            ["127.0.0.1", "40001", "127.0.0.9", "53", "100000000002", "1"],
            ["::1", "40002", "::1", "5300", "100000000003", "1"],
            ["127.0.0.9", "53", "127.0.0.1", "40001", "100000000010", "1"],
            ["127.0.0.1", "5353", "127.0.0.2", "50000", "100000000011", "1"],
        ])
    }
}
