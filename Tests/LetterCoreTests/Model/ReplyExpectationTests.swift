import Testing
@testable import LetterCore

/// `--expect` and `--expect-hex` against Python's `in` (Fixtures/send/expect.tsv).
struct ReplyExpectationTests {
    @Test func containmentIsPythons() throws {
        let rows = OracleFixtures.rows("expect.tsv", in: "send")
        #expect(rows.contains { $0[3] == "True" } && rows.contains { $0[3] == "False" })
        for row in rows {
            let haystack = fromHex(row[1])
            let expected = row[3] == "True"
            if row[0] == "text" {
                let expectation = ReplyExpectation(text: utf8String(fromHex(row[2])))
                // The text is what is searched, never the payload.
                #expect(expectation.matches(payload: [0xFF][...], decodedText: haystack[...]) == expected, "\(row)")
            } else {
                let expectation = try ReplyExpectation(hex: row[2])
                var decoded = false
                let matched = expectation.matches(payload: haystack[...], decodedText: { decoded = true; return [][...] }())
                #expect(matched == expected, "\(row)")
                #expect(!decoded, "--expect-hex never decodes the reply")
            }
        }
    }

    @Test func expectHexTakesHexAsHexDoes() throws {
        #expect(try ReplyExpectation(hex: "0x70:6f 6e\\x67").pattern == Array("pong".utf8))
        #expect(throws: HexSyntaxError(line: 1, column: 4, problem: .oddDigits(1))) { try ReplyExpectation(hex: "70 6") }
    }
}
