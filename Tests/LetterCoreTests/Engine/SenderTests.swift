import Glibc
import Testing
@testable import LetterCore

/// send's datagrams from a descriptor to a unix datagram socket: what arrives is what
/// the input says, encoded as Python encodes it.
@Suite struct SenderTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func encoder(wire: String = "utf-8", input: String = "utf-8", untouched: Bool = false) throws -> OutgoingEncoder {
        try OutgoingEncoder(PayloadEncoding(wire: try #require(lookupEncoding(wire)), input: try #require(lookupEncoding(input)),
                                            untouched: untouched, replaceErrors: false))
    }

    /// Sends `input` read from a file through `send`, and returns what arrived.
    func sent(_ input: SendInput, _ stdin: [UInt8] = [], encoder: OutgoingEncoder, name: String) throws -> [[UInt8]] {
        let receiver = try boundSocket("send-\(name)"), sender = try boundSocket("send-\(name)-from")
        let descriptor = try inputDescriptor(stdin)
        defer { close(descriptor) }
        _ = try send(input, from: SendSource(descriptor: descriptor, name: "stdin", size: nil), encoder: encoder, pace: nil,
                     on: sender, to: try receiver.localAddress())
        return try receiveAll(receiver).map(\.payload)
    }

    @Test func eachLineIsADatagramEncodedAsPythonEncodesIt() throws {
        // Python's gbk encodings of texts without a newline (Fixtures/oracle/encode.tsv);
        // ten at most, as many as queue on a unix socket (net.unix.max_dgram_qlen).
        let rows = OracleFixtures.rows("encode.tsv").filter {
            $0[0] == "gbk" && $0[1] == "strict" && !$0[3].hasPrefix("error") && !fromHex($0[2]).contains(0x0A)
        }.prefix(10)
        #expect(rows.count == 10)
        let input = Array(rows.map { fromHex($0[2]) + [0x0A] }.joined())
        #expect(try sent(.lines, input, encoder: encoder(wire: "gbk"), name: "gbk") == rows.map { fromHex($0[3]) })
    }

    @Test func bytesModeKeepsCarriageReturnsAndChunksCutTheInput() throws {
        #expect(try sent(.lines, bytes("a\r\n\r\nb"), encoder: encoder(untouched: true), name: "raw") == ["a\r", "\r", "b"].map(bytes))
        #expect(try sent(.chunks(3), bytes("abcdefg"), encoder: encoder(untouched: true), name: "chunks")
                == ["abc", "def", "g"].map(bytes))
        #expect(try sent(.repeated(bytes("tick")[...], place: "message", count: 3), encoder: encoder(), name: "repeat")
                == Array(repeating: bytes("tick"), count: 3))
    }

    /// UTF-16 stdin (the newline two bytes) is decoded whole and split as text.
    @Test func sixteenBitInputIsSplitOnItsDecodedNewlines() throws {
        let input: [UInt8] = [0xFF, 0xFE, 0x61, 0x00, 0x0A, 0x00, 0x60, 0x4F, 0x7D, 0x59]  // BOM, "a\n你好" in UTF-16LE
        #expect(try sent(.lines, input, encoder: encoder(input: "utf-16"), name: "utf16") == [bytes("a"), bytes("你好")])
    }

    /// A line longer than the unix socket's send buffer allows is refused by number; the
    /// lines before it have gone.
    @Test func aDatagramTooLongForTheTransportIsRefusedAndNothingOfItSent() throws {
        let receiver = try boundSocket("send-long"), sender = try boundSocket("send-long-from")
        try sender.setOption(SOL_SOCKET, SO_SNDBUF, 4096, "SO_SNDBUF")
        let limit = try sender.maximumDatagramSize(to: try receiver.localAddress())
        let descriptor = try inputDescriptor(bytes("first\n") + Array(repeating: 0x78, count: limit + 1) + [0x0A])
        defer { close(descriptor) }
        let message = "line 2: \(limit + 1)-byte datagram is longer than the unix socket's send buffer allows (\(limit) bytes); "
            + "nothing sent for it"
        #expect(throws: RuntimeError(message)) {
            _ = try send(.lines, from: SendSource(descriptor: descriptor, name: "stdin", size: nil), encoder: encoder(), pace: nil,
                         on: sender, to: try receiver.localAddress())
        }
        #expect(try receiveAll(receiver).map(\.payload) == [bytes("first")])
    }

    /// Input that is not valid in its encoding is named by line and byte; the datagram
    /// builder keeps nothing of it.
    @Test func invalidInputIsNamedAndLeavesNothingInTheBatch() throws {
        let receiver = try boundSocket("send-invalid"), sender = try boundSocket("send-invalid-from")
        let datagrams = try DatagramSender(on: sender, to: try receiver.localAddress(), encoder: encoder(), pace: nil)
        try datagrams.add(bytes("ok")[...], place: "line 1")
        // Not binary, and Windows' Western page reads it: the hint names that encoding.
        #expect(throws: RuntimeError("line 2: invalid utf-8 input at byte 2 (0xff); nothing sent for it "
                                     + "(it reads as cp1252: --input-encoding cp1252)")) {
            try datagrams.add([0x61, 0xFF][...], place: "line 2")
        }
        try datagrams.flush(on: sender)
        #expect(try receiveAll(receiver).map(\.payload) == [bytes("ok")])
    }
}
