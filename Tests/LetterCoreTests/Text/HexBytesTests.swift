import Testing
@testable import LetterCore

/// `--hex` against Fixtures/send/: Python's bytes.fromhex of every accepted form, and the
/// place each mistake must be named at.
struct HexBytesTests {
    /// Every form the SPEC lists gives de ad be ef, and random pastes give their bytes.
    @Test func acceptedFormsGiveWhatPythonReads() throws {
        let rows = OracleFixtures.rows("hex_accepted.tsv", in: "send")
        #expect(rows.filter { $0[1] == "deadbeef" }.count >= 20, "the SPEC's forms")
        for row in rows {
            var bytes: [UInt8] = [0x41]  // appended to, not replaced
            try appendHexBytes(fromHex(row[0])[...], to: &bytes)
            #expect(bytes == [0x41] + fromHex(row[1]), "\(utf8String(fromHex(row[0])).debugDescription)")
        }
    }

    @Test func mistakesNameTheirLineAndColumn() {
        for row in OracleFixtures.rows("hex_errors.tsv", in: "send") {
            let input = fromHex(row[0])
            var bytes: [UInt8] = [0x41]
            do throws(HexSyntaxError) {
                try appendHexBytes(input[...], to: &bytes)
                Issue.record("\(utf8String(input).debugDescription) was accepted as \(bytes)")
            } catch {
                let place = "\(utf8String(input).debugDescription)"
                #expect(error.line == Int(row[1]) && error.column == Int(row[2]), "\(place): \(error)")
                #expect(Self.name(error.problem) == row[3], "\(place)")
                #expect(bytes == [0x41], "\(place): the buffer is left as it was")
            }
        }
    }

    /// The fixture's name for a problem.
    static func name(_ problem: HexSyntaxError.Problem) -> String {
        switch problem {
        case .unexpected(let scalar):
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "unexpected:U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        case .notUTF8(let byte): return "notUTF8:" + String(byte, radix: 16)
        case .oddDigits(let count): return "odd:\(count)"
        case .emptyPrefix: return "emptyPrefix"
        case .backslashX(let count): return "backslashX:\(count)"
        }
    }

    /// The explanation quotes what it names, with controls shown as code points only.
    @Test func explanationsNameTheCharacter() {
        for (input, expected) in [("de ad g0", "'g' (U+0067) is not a hex digit or a separator"),
                                  ("de\u{1B}", "(U+001B) is not a hex digit or a separator"),
                                  ("de a", "an odd number of hex digits (1): each byte is two")] {
            var bytes: [UInt8] = []
            do throws(HexSyntaxError) {
                try appendHexBytes(input.utf8, to: &bytes)
                Issue.record("\(input.debugDescription) was accepted")
            } catch {
                #expect(error.explanation == expected)
            }
        }
    }
}
