import Testing
@testable import LetterCore
import TestSupport

/// Arguments keep their bytes: every byte sequence comes back from the string it was
/// made into, and the valid UTF-8 in it reads as Python's surrogateescape decodes it.
struct ArgumentTextTests {
    /// Each undecodable byte stands alone, as Python's `b.decode('utf-8',
    /// 'surrogateescape')` escapes it (Fixtures/oracle/argument_text.tsv), with Python's
    /// U+DCxx at U+10FFxx.
    @Test func bytesReadAsPythonsSurrogateEscapeReadsThem() {
        for row in OracleFixtures.rows("argument_text.tsv") {
            let bytes = fromHex(row[0])
            let python = row.count > 1 && !row[1].isEmpty ? row[1].split(separator: " ").map { UInt32($0, radix: 16)! } : []  // hex from the fixture
            let expected = python.map { (0xDC80...0xDCFF).contains($0) ? $0 - 0xDC00 + 0x10FF00 : $0 }
            let text = String(argumentBytes: bytes)
            #expect(text.unicodeScalars.map(\.value) == expected, "\(row[0])")
            #expect(text.argumentBytes == bytes, "\(row[0])")
        }
    }

    /// Every byte sequence survives the round trip (seeded, bounded).
    @Test func everySequenceComesBack() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<5000 {
            let bytes = (0..<Int(generator.next() % 12)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            #expect(String(argumentBytes: bytes).argumentBytes == bytes)
        }
    }
}

