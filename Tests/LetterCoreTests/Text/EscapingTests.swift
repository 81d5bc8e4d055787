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
        #expect(rows.count == 681)
        for row in rows {
            var out: [UInt8] = []
            appendEscapingControls(fromHex(row[0])[...], to: &out)
            #expect(hex(out) == row[1], "input \(row[0])")
        }
    }

    /// Every character the text format escapes, `"` and `\\` written as Python's
    /// `json.dumps` writes each of them; all else as it is.
    @Test func jsonStringsMatchPythonsEscapes() {
        let rows = OracleFixtures.rows("json_string.tsv")
        #expect(rows.count == 681)
        for row in rows {
            var out: [UInt8] = []
            appendJSONString(fromHex(row[0])[...], to: &out)
            #expect(hex(out) == row[1], "input \(row[0])")
        }
    }
}
