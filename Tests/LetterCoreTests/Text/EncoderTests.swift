import Testing
@testable import LetterCore

@Suite struct EncoderTests {
    @Test(arguments: DecoderTests.codecs)
    func encodingMatchesPython(codec: String) throws {
        let rows = OracleFixtures.rows("encode.tsv").filter { $0[0] == codec }
        #expect(rows.count == 300)
        let strict = try makeEncoder(codec, replacing: false)
        let replacing = try makeEncoder(codec, replacing: true)
        var mismatches = 0
        for row in rows {
            var out: [UInt8] = []
            var actual: String
            do {
                try (row[1] == "strict" ? strict : replacing).encode(fromHex(row[2])[...], appendingTo: &out)
                actual = hex(out)
            } catch {
                actual = "error \(error.column - 1)"
            }
            if actual != row[3] {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(codec) \(row[1]) text \(utf8String(fromHex(row[2]))): got \(actual), Python \(row[3])") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func failureNamesColumnAndCharacter() throws {
        let encoder = try makeEncoder("ascii", replacing: false)
        var out: [UInt8] = []
        #expect(throws: EncodeFailure(column: 3, scalar: 0xE9)) { try encoder.encode(Array("abé".utf8)[...], appendingTo: &out) }
    }
}
