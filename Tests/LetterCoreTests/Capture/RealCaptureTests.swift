import Glibc
import Testing
import TestSupport
@testable import LetterCore

/// The writer against the reference: the same traffic captured by `tcpdump -i lo -w` and
/// written by `PcapWriter` from what the sockets received (sender, local address from
/// packet info, kernel receive time) must read the same in tshark, field by field.
@Suite struct RealCaptureTests {
    /// What Python sends: to each address and socket, a payload (a new socket each, so
    /// every datagram has its own source port).
    struct Send {
        let host: String
        let toDualStack: Bool
        let payload: [UInt8]
    }

    static let sends: [Send] = [
        Send(host: "127.0.0.1", toDualStack: false, payload: Array("hello".utf8)),
        Send(host: "127.0.0.7", toDualStack: false, payload: Array("你好, seven".utf8)),
        Send(host: "127.0.0.7", toDualStack: false, payload: []),
        // Longer than the receive buffer below: cut to 100 bytes.
        Send(host: "127.0.0.1", toDualStack: false, payload: (0..<1000).map { UInt8($0 % 251) }),
        Send(host: "::1", toDualStack: true, payload: Array("six".utf8)),
        Send(host: "127.0.0.3", toDualStack: true, payload: Array("mapped on a dual-stack socket".utf8)),
    ]

    /// A socket on every interface asking for what a capture needs.
    func capturingSocket(_ address: Peer) throws -> DatagramSocket {
        var socket = try DatagramSocket(family: address.addressFamily)
        if address.isIPv6 { try socket.setIPv6Only(false) }
        try socket.bind(to: address)
        try socket.enableLocalAddresses()
        try socket.enableReceiveTimestamps()
        return socket
    }

    @Test func tsharkReadsLettersCaptureAsTcpdumpsOfTheSameTraffic() throws {
        guard let tshark = requirePeer("tshark"), let tcpdump = requirePeer("tcpdump"),
              let python = requirePeer("python3") else { return }
        let directory = try TemporaryDirectory("pcapw-real")
        let reference = directory.path + "/tcpdump.pcap", ours = directory.path + "/letter.pcap"
        let v4 = try capturingSocket(.v4(octets: (0, 0, 0, 0), port: 0))
        let v6 = try capturingSocket(.v6(bytes: .any, port: 0, flowInfo: 0, scopeID: 0))
        let port4 = try v4.localAddress().port, port6 = try v6.localAddress().port
        // The kernel switches its receive timestamps on a moment after a socket first asks
        // (deferred work); until then it stamps a datagram when it is read, not when it came.
        usleep(50_000)

        // Debian's tcpdump drops privileges (then it could not write into our folder) and
        // hands packets over in blocks unless told otherwise.
        let capture = try Child(tcpdump, ["-i", "lo", "-Z", "root", "--immediate-mode", "-U", "-w", reference,
                                          "udp and (dst port \(port4) or dst port \(port6))"])
        guard capture.stderrLine(containing: "listening on") != nil else {
            Issue.record("tcpdump did not start: \(capture.stderrText)")
            return
        }
        let script = """
            import socket, sys
            for line in sys.stdin:
                host, port, *data = line.split()
                family = socket.AF_INET6 if ':' in host else socket.AF_INET
                with socket.socket(family, socket.SOCK_DGRAM) as s:
                    s.sendto(bytes.fromhex(data[0] if data else ''), (host, int(port)))
            """
        let lines = Self.sends.map { "\($0.host) \($0.toDualStack ? port6 : port4) \(hex($0.payload))\n" }.joined()
        let sender = try run(python, ["-c", script], input: Array(lines.utf8))
        #expect(sender.status == 0, "python: \(sender.stderrText)")

        var out: [UInt8] = []
        PcapWriter.appendFileHeader(to: &out)
        var writer = PcapWriter()
        var received = 0
        func take(from socket: borrowing DatagramSocket, into batch: ReceiveBatch) throws {
            for index in 0..<(try socket.receive(into: batch, limit: batch.capacity)) {
                let datagram = batch.datagram(index)
                guard let local = datagram.local else { Issue.record("no local address"); continue }
                #expect(writer.append(payload: datagram.payload, fullLength: datagram.fullLength, time: datagram.receivedAt,
                                      source: datagram.peer, destination: local, to: &out))
                received += 1
            }
        }
        let batch4 = ReceiveBatch(capacity: 8, bufferSize: 100, localPort: port4)
        let batch6 = ReceiveBatch(capacity: 8, bufferSize: 100, localPort: port6)
        for _ in 0..<20 where received < Self.sends.count {
            _ = try waitReadable([v4.descriptor, v6.descriptor], timeoutMilliseconds: 100)
            try take(from: v4, into: batch4)
            try take(from: v6, into: batch6)
        }
        #expect(received == Self.sends.count)
        try writeFile(ours, bytes: out)
        // tcpdump writes each packet as it gets it; a moment for the last ones, then stop it.
        usleep(200_000)
        capture.signal(SIGINT)
        #expect(capture.wait(seconds: 10) == 0, "tcpdump: \(capture.stderrText)")

        guard let theirs = DissectedRecord.read(reference, tshark: tshark),
              let mine = DissectedRecord.read(ours, tshark: tshark) else { return }
        #expect(mine.count == Self.sends.count)
        #expect(!theirs.isEmpty, "tcpdump captured nothing")
        // Each datagram came from a socket of its own: its ports name it in both captures.
        for reference in theirs {
            let key = reference["udp.srcport"] + " " + reference["udp.dstport"]
            guard let record = mine.first(where: { $0["udp.srcport"] + " " + $0["udp.dstport"] == key }) else {
                Issue.record("letter's capture has no datagram \(key)")
                continue
            }
            for field in ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.length"] {
                #expect(record[field] == reference[field], "\(key) \(field)")
            }
            record.expectHopLimitOfTcpdumps(reference, key)
            // What letter kept of a cut datagram is the start of what tcpdump saw whole.
            #expect(reference["data"].hasPrefix(record["data"]), "\(key) data")
            if record["frame.len"] == record["frame.cap_len"] { #expect(record["data"] == reference["data"], "\(key) data") }
            if let ourTime = record.nanoseconds, let theirTime = reference.nanoseconds {
                #expect(abs(ourTime - theirTime) <= 5_000_000, "\(key): times \(ourTime) and \(theirTime)")
            } else {
                Issue.record("\(key): no time")
            }
        }
    }
}
