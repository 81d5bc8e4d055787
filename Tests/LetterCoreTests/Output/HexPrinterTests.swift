import Testing
@testable import LetterCore

/// `-f hex` against `hexdump -Cv` (Fixtures/oracle/hexdump.tsv): a header line with the
/// sender and the size, then exactly hexdump's lines, less its final offset line.
@Suite struct HexPrinterTests {
    let sender = Peer.v6(bytes: .loopback, port: 9000, flowInfo: 0, scopeID: 0)

    /// The header as text prints the sender, and the size.
    func header(_ fullLength: Int, cutTo kept: Int? = nil) -> [UInt8] {
        var out: [UInt8] = []
        sender.appendPythonPrint(to: &out)
        out += Array(" \(fullLength) byte\(fullLength == 1 ? "" : "s")".utf8)
        if let kept { out += Array(", cut to \(kept)".utf8) }
        return out + [0x0A]
    }

    @Test func recordsAreTheHeaderThenHexdumpsLines() throws {
        let rows = OracleFixtures.rows("hexdump.tsv")
        #expect(rows.count == 34)
        let printer = HexPrinter(PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: false))
        for row in rows {
            let payload = fromHex(row[0])
            var out: [UInt8] = []
            #expect(printer.append(Record(Datagram(payload: payload[...], fullLength: payload.count, peer: sender)), to: &out) == nil)
            #expect(utf8String(out) == utf8String(header(payload.count) + fromHex(row[1])), "\(payload.count) bytes")
        }
    }

    /// A datagram the kernel cut says so; its dump is of the bytes kept.
    @Test func aCutDatagramShowsBothSizes() throws {
        let row = try #require(OracleFixtures.rows("hexdump.tsv").first { fromHex($0[0]).count == 17 })
        let payload = fromHex(row[0])
        var out: [UInt8] = []
        let printer = HexPrinter(PrinterContext(decoder: try makeDecoder("utf-8", .replace), showBytes: false))
        _ = printer.append(Record(Datagram(payload: payload[...], fullLength: 2000, peer: sender)), to: &out)
        #expect(utf8String(out) == utf8String(header(2000, cutTo: 17) + fromHex(row[1])))
    }
}
