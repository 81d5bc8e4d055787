import Glibc
import Testing
@testable import LetterCore

/// Lines and chunks out of a descriptor, as send reads stdin.
@Suite struct LineReaderTests {
    /// Every record `reader` gives, reading to the end.
    func records(_ reader: LineReader) throws -> [[UInt8]] {
        var records: [[UInt8]] = []
        repeat {
            while let record = reader.nextBufferedLine() { records.append(Array(record)) }
        } while try reader.fill()
        return records
    }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func linesLoseTheirNewlineAndCarriageReturnAndTheLastNeedsNone() throws {
        let input = bytes("one\r\ntwo\n\n\rthree\r\r\nlast")
        let descriptor = try inputDescriptor(input)
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor)
        #expect(try records(reader) == ["one", "two", "", "\rthree\r", "last"].map(bytes))
        #expect(reader.lineNumber == 5 && reader.atEnd)
    }

    @Test func bytesModeRemovesTheNewlineAlone() throws {
        let descriptor = try inputDescriptor(bytes("a\r\nb\r\r\n\r"))
        defer { close(descriptor) }
        #expect(try records(LineReader(descriptor: descriptor, split: .lines(keepCarriageReturn: true)))
                == ["a\r", "b\r\r", "\r"].map(bytes))
    }

    /// A long input crosses the first buffer (64 KiB), which grows for a long line.
    @Test func chunksAreFixedBlocksAndAnExactMultipleEndsWithoutAnEmptyOne() throws {
        let input = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let descriptor = try inputDescriptor(input)
        defer { close(descriptor) }
        let chunks = try records(LineReader(descriptor: descriptor, split: .chunks(1000)))
        #expect(chunks.count == 200 && chunks.allSatisfy { $0.count == 1000 } && Array(chunks.joined()) == input)
        let short = try inputDescriptor(bytes("abcdefghij"))
        defer { close(short) }
        #expect(try records(LineReader(descriptor: short, split: .chunks(4))) == ["abcd", "efgh", "ij"].map(bytes))
    }

    @Test func aLineLongerThanTheLimitIsRefusedWithItsNumber() throws {
        let descriptor = try inputDescriptor(bytes("short\n") + Array(repeating: UInt8(ascii: "x"), count: 100_000))
        defer { close(descriptor) }
        let reader = LineReader(descriptor: descriptor, limit: 70_000)
        #expect(throws: RuntimeError("line 2 is longer than any datagram can carry (over 70000 bytes)")) {
            _ = try records(reader)
        }
    }

    @Test func readAllTakesEverythingUpToTheLimit() throws {
        let text = bytes("a\nb\r\n")
        let descriptor = try inputDescriptor(text)
        defer { close(descriptor) }
        #expect(try Array(LineReader(descriptor: descriptor).readAll(tooLong: "unused")) == text)
        let long = try inputDescriptor(Array(repeating: 0x41, count: 70_000))
        defer { close(long) }
        #expect(throws: RuntimeError("stdin is over 65536 bytes: too long here")) {
            _ = try LineReader(descriptor: long, limit: 65536).readAll(tooLong: "too long here")
        }
    }

    @Test func contentsInMemorySplitAsLines() throws {
        #expect(try records(LineReader(contents: bytes("x\r\ny"))) == ["x", "y"].map(bytes))
    }
}
