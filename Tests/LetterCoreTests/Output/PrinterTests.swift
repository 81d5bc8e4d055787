import Testing
@testable import LetterCore

@Suite struct PrinterTests {
    let sender = Peer.v4(octets: (127, 0, 0, 1), port: 54321)

    func record(_ format: RecordFormat, _ payload: [UInt8], bytes: Bool = false, encoding: String = "utf-8",
                errors: DecodeErrorHandler = .replace, fullLength: Int? = nil) throws -> String {
        let decoder = try makeDecoder(encoding, errors)
        let writer = TestPrinter(format: format, showBytes: bytes, decoder: decoder)
        var out: [UInt8] = []
        _ = writer.append(payload: payload[...], fullLength: fullLength ?? payload.count, sender: sender, to: &out)
        return utf8String(out)
    }

    /// Each format is assembled from pieces the oracle-driven tests pin down.
    @Test func formatsCombineTextAndTuple() throws {
        let gbk: [UInt8] = [0xC4, 0xE3, 0xBA, 0xC3]
        #expect(try record(.text, gbk, encoding: "gbk") == "你好 ('127.0.0.1', 54321)\n")
        #expect(try record(.text, gbk, bytes: true) == "b'\\xc4\\xe3\\xba\\xc3' ('127.0.0.1', 54321)\n")
        #expect(try record(.tuple, gbk) == "(b'\\xc4\\xe3\\xba\\xc3', ('127.0.0.1', 54321))\n")
        #expect(try record(.lines, Array("a\tb".utf8)) == "a\tb\n")
        #expect(try record(.raw, [0, 0xFF]) == utf8String([0, 0xFF]))
        #expect(try record(.json, gbk, encoding: "gbk")
                == "{\"host\": \"127.0.0.1\", \"port\": 54321, \"size\": 4, \"text\": \"你好\"}\n")
        #expect(try record(.json, Array("ab".utf8), bytes: true, fullLength: 9)
                == "{\"host\": \"127.0.0.1\", \"port\": 54321, \"size\": 2, \"truncated_from\": 9, \"text\": \"ab\", \"hex\": \"6162\"}\n")
    }

    @Test func strictFailureWritesNothing() throws {
        let decoder = try makeDecoder("utf-8", .strict)
        let writer = TestPrinter(format: .text, showBytes: false, decoder: decoder)
        var out: [UInt8] = []
        #expect(writer.append(payload: [0x61, 0xFF][...], fullLength: 2, sender: sender, to: &out) == DecodeFailure(offset: 1, length: 1))
        #expect(out.isEmpty)
    }

    @Test func summaryCountsEverything() {
        var statistics = ReceiveStatistics()
        statistics.datagrams = 3
        statistics.bytes = 10
        statistics.noteSender(sender)
        statistics.noteSender(sender)
        statistics.kernelDrops = 2
        statistics.refused = 1
        statistics.receiveBufferBytes = 4096
        statistics.receiveBufferRequested = 2048
        #expect(statistics.summary == "letter: received 3 datagrams (10 bytes) from 1 sender; 0 truncated; "
                + "2 dropped by the kernel; 1 refused by --allow; receive buffer 4096 bytes (2048 asked)")
    }
}
