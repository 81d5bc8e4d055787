import Testing
@testable import LetterCore

@Suite struct EscapingTests {
    @Test func bytesReprMatchesPython() {
        let rows = OracleFixtures.rows("bytes_repr.tsv")
        #expect(rows.count > 400)
        for row in rows {
            var out: [UInt8] = []
            appendPythonBytesRepr(fromHex(row[0])[...], to: &out)
            #expect(hex(out) == row[1], "input \(row[0])")
        }
    }

    @Test func controlEscapingMatchesPythonRepr() {
        let rows = OracleFixtures.rows("escape.tsv")
        #expect(rows.count == 300)
        for row in rows {
            var out: [UInt8] = []
            appendEscapingControls(fromHex(row[0])[...], to: &out)
            #expect(hex(out) == row[1], "input \(row[0])")
        }
    }

    @Test func jsonStringsEscapeEveryControlCharacter() {
        var out: [UInt8] = []
        appendJSONString(Array("a\"b\\c\n\t\u{1}\u{7F}\u{85}\u{2028}你".utf8)[...], to: &out)
        #expect(utf8String(out) == #""a\"b\\c\n\t\u0001\u007f\u0085\u2028你""#)
        #expect(!out.contains { $0 < 0x20 || $0 == 0x7F })
    }
}
