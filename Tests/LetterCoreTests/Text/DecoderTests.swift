import Testing
@testable import LetterCore

@Suite struct DecoderTests {
    static let codecs = ["utf-8", "gbk", "gb18030", "big5", "shift_jis", "latin-1", "ascii", "gb2312", "euc_jp", "cp1252",
                         "big5hkscs", "cp932", "cp949", "cp1251", "koi8-r", "iso8859-15"]

    /// Every row Python wrote for `codec`: same text, same U+FFFD and `\xNN` places, same strict error offset.
    @Test(arguments: codecs)
    func decodingMatchesPython(codec: String) throws {
        let rows = OracleFixtures.rows("decode.tsv").filter { $0[0] == codec }
        #expect(rows.count > 1000)
        #expect(try mismatches(rows, codec: codec) == 0)
    }

    /// iconv's UCS-4 writes 0x110000 as F4 90 80 80 and 0x7FFFFFFF as six bytes: never
    /// text, but an error span each, as Python's utf-32-be has them.
    @Test func iconvOutputThatIsNotUTF8IsUndecodable() throws {
        let rows = OracleFixtures.rows("decode_ucs4.tsv")
        #expect(rows.count == 800)
        #expect(try mismatches(rows, codec: "UCS-4") == 0)
    }

    /// How many of `rows` (codec, handler, input, Python's output) `codec` decodes otherwise.
    private func mismatches(_ rows: [[String]], codec: String) throws -> Int {
        var decoders: [String: TextDecoder] = [:]
        for handler in DecodeErrorHandler.allCases {
            decoders[handler.rawValue] = try makeDecoder(codec, handler)
        }
        var mismatches = 0
        for row in rows {
            var out: [UInt8] = []
            let failure = decoders[row[1]]!.decode(fromHex(row[2])[...], appendingTo: &out)
            let actual = failure.map { "error \($0.offset) \($0.offset + $0.length)" } ?? hex(out)
            if actual != row[3] {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(codec) \(row[1]) input \(row[2]): got \(actual), Python \(row[3])") }
            }
        }
        return mismatches
    }

    @Test func oneDecoderServesManyDatagrams() throws {
        let decoder = try makeDecoder("gbk", .replace)
        for _ in 0..<3 {
            var out: [UInt8] = []
            #expect(decoder.decode([0xC4, 0xE3, 0xBA, 0xC3][...], appendingTo: &out) == nil)
            #expect(utf8String(out) == "你好")
        }
    }
}

func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] })
}
