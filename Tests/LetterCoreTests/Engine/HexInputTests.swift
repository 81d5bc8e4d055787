import Testing
@testable import LetterCore

/// `--hex`: a record's hex turned into bytes, and a mistake said with its place, reported
/// where the hex grammar (HexBytes.swift) found it.
@Suite struct HexInputTests {
    @Test func hexIsAppendedAfterWhatIsThere() throws {
        var out: [UInt8] = [0xaa]
        try InputNotation.hex.append(Array("68 69\n0a".utf8)[...], { "message" }, &out)
        #expect(out == [0xaa, 0x68, 0x69, 0x0a])
    }

    /// One line says where in the record; several lines say which line too.
    @Test(arguments: [("12 3", "line 3", false), ("12\nzz", "stdin", true)])
    func aMistakeNamesItsPlaceAndLeavesTheOutputAsItWas(hex: String, place: String, multiline: Bool) throws {
        var out: [UInt8] = [0xaa]
        // What the grammar itself says of the same text.
        var scratch: [UInt8] = []
        let syntax = try #require(#expect(throws: HexSyntaxError.self) { try appendHexBytes(Array(hex.utf8)[...], to: &scratch) })
        let line = multiline ? ", line \(syntax.line)" : ""
        let expected = RuntimeError("\(place)\(line), column \(syntax.column): \(syntax.explanation); nothing sent for it")
        #expect(throws: expected) { try InputNotation.hex.append(Array(hex.utf8)[...], { place }, &out) }
        #expect(out == [0xaa])
    }
}
