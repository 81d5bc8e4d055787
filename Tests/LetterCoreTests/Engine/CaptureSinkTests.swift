import Glibc
import Testing
@testable import LetterCore

/// `--pcap FILE`: the capture sink writes to its file what the pcap writer makes of each
/// datagram, and a file it cannot open is one error naming it.
@Suite struct CaptureSinkTests {
    @Test func theFileHoldsTheHeaderAndEachDatagramAsThePcapWriterWritesIt() throws {
        let path = "/tmp/letter-test-\(getpid())-capture.pcap"
        defer { unlink(path) }
        let peer = Peer.v4(octets: (127, 0, 0, 1), port: 40000), local = Peer.v4(octets: (127, 0, 0, 1), port: 9000)
        let time = Timestamp(seconds: 1_764_426_735, nanoseconds: 123_456_789)
        let payload = Array("captured".utf8)
        let sink = try PrintSink.capture(toFile: path)
        try sink.begin()
        let socket = try loopbackSocket()
        sink.take(Record(Datagram(payload: payload[...], fullLength: payload.count, peer: peer, receivedAt: time, local: local)),
                  on: socket)
        try sink.finish(ReceiveStatistics())
        var expected: [UInt8] = []
        PcapWriter.appendFileHeader(to: &expected)
        var writer = PcapWriter()
        #expect(writer.append(payload: payload[...], fullLength: payload.count, time: time, source: peer, destination: local,
                              to: &expected))
        let descriptor = open(path, O_RDONLY)
        defer { close(descriptor) }
        #expect(readAll(descriptor) == expected)
    }

    @Test func aFileThatCannotBeOpenedIsNamed() {
        let path = "/tmp/letter-test-\(getpid())-no-such-directory/capture.pcap"
        #expect(throws: RuntimeError("cannot open the capture file '\(path)': \(Errno(rawValue: ENOENT))")) {
            try PrintSink.capture(toFile: path)
        }
    }
}
