import Glibc
import Testing
@testable import LetterCore
import TestSupport

/// The SPEC's promise that nothing from the network moves the cursor or reorders what the
/// terminal shows: whatever the bytes, encoding and error handler, a `text`, `tuple` or
/// `json` record is well-formed UTF-8 with no control character (C0, DEL, C1) but its
/// final newline, no bidirectional control and no line or paragraph separator. The
/// `lines` and `raw` formats are the payload itself by design and are not checked.
@Suite struct TerminalSafetyTests {
    static let safeFormats: [RecordFormat] = [.text, .tuple, .json]
    static let senders: [Peer] = [
        .v4(octets: (127, 0, 0, 1), port: 54321),
        .v6(bytes: IPv6Bytes(high: 0, low: 0xFFFF_7F00_0001), port: 9, flowInfo: 0, scopeID: 0),
        .v6(bytes: IPv6Bytes(high: 0xFE80 << 48, low: 1), port: 65535, flowInfo: 0xFFFFF, scopeID: 3),
    ]

    /// The writers of the checked formats, with and without `--bytes`, for one encoding
    /// and handler. Made once per decoder: a writer reserves a datagram-sized buffer.
    struct Writers {
        let decoder: TextDecoder
        let writers: [TestPrinter]

        init(_ decoder: TextDecoder) {
            self.decoder = decoder
            writers = TerminalSafetyTests.safeFormats.flatMap { format in
                [false, true].map { TestPrinter(format: format, showBytes: $0, decoder: decoder) }
            }
        }

        /// Describes the first record of `payload` that breaks the promise, if one does.
        func unsafeRecord(_ payload: [UInt8], from sender: Peer) -> String? {
            for writer in writers {
                var record: [UInt8] = []
                _ = writer.append(payload: payload[...], fullLength: payload.count, sender: sender, to: &record)
                if !record.isEmpty && !isTerminalSafeLine(record) {
                    return "\(writer.format)\(writer.showBytes ? " --bytes" : "") \(decoder.encoding.name)/\(decoder.errors) "
                        + "of \(hex(payload)) wrote \(hex(record))"
                }
            }
            return nil
        }
    }

    /// Writers for every encoding and handler.
    static func allWriters() -> [Writers] {
        encodingTable.flatMap { encoding in
            // Every table encoding is one glibc ships (EncodingTableTests checks it).
            DecodeErrorHandler.allCases.map { Writers(TextDecoder(encoding: encoding, errors: $0)!) }
        }
    }

    /// 10,000 random datagrams, shared out among every encoding and handler.
    @Test func randomBytesNeverReachTheTerminal() {
        var random = SplitMix64(seed: 20261121)
        var failures: [String] = []
        let allWriters = Self.allWriters()
        for (index, writers) in allWriters.enumerated() {
            for _ in 0..<10_000 / allWriters.count where failures.count < 5 {
                let sender = Self.senders[index % Self.senders.count]
                if let failure = writers.unsafeRecord(randomPayload(&random), from: sender) { failures.append(failure) }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func theFuzzCorpusNeverReachesTheTerminal() throws {
        let corpus = try fuzzCorpus(["Decode", "Escaping", "Records"])
        #expect(corpus.count >= 100, "the fuzz seeds are missing: run python3 Fixtures/fuzz/make_seeds.py")
        var failures: [String] = []
        for writers in Self.allWriters() {
            for (index, payload) in corpus.enumerated() where failures.count < 5 {
                if let failure = writers.unsafeRecord(payload, from: Self.senders[index % Self.senders.count]) {
                    failures.append(failure)
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// Each bidirectional control, separator and control character, in every table
    /// encoding that can hold it, between letters: the record must escape it.
    @Test func reorderingAndControlCharactersAreEscapedInEveryEncoding() throws {
        let scalars = reorderingScalars() + (UInt32(0)...0x9F).compactMap(Unicode.Scalar.init).filter {
            $0.properties.generalCategory == .control
        }
        var checked = 0
        var failures: [String] = []
        for writers in Self.allWriters() where writers.decoder.errors == .strict {
            let encoder = try makeEncoder(writers.decoder.encoding.name, replacing: false)
            for scalar in scalars {
                var payload: [UInt8] = []
                // A character the encoding cannot hold cannot arrive in it: nothing to check.
                guard (try? encoder.encode(Array("A\(scalar)B".utf8)[...], appendingTo: &payload)) != nil else { continue }
                checked += 1
                if let failure = writers.unsafeRecord(payload, from: Self.senders[0]) { failures.append(failure) }
            }
        }
        // utf-8 alone holds all 79 (C0, DEL, C1 and the 14).
        #expect(checked >= scalars.count && scalars.count == 79)
        #expect(failures.isEmpty, "\(failures.prefix(5).joined(separator: "\n"))")
    }

    /// The checker itself must see what it is meant to catch.
    @Test func theCheckCatchesEveryKindOfControl() {
        #expect(isTerminalSafeLine(Array("plain 你好 \\x1b \\u202e ('::1', 9, 0, 0)\n".utf8)))
        for unsafe: [UInt8] in [[0x1B, 0x0A], [0x41, 0x7F, 0x0A], [0xC2, 0x9B, 0x0A], [0x0A, 0x0A], [0x41],
                                [0x9B, 0x0A], [0xC2, 0x0A]] {
            #expect(!isTerminalSafeLine(unsafe), "\(hex(unsafe))")
        }
        // Unicode's own Bidi_Control and separator properties name the SPEC's fourteen.
        let reordering = reorderingScalars()
        #expect(reordering.count == 14)
        for scalar in reordering {
            let line = Array("A\(scalar)B\n".utf8)
            #expect(!isTerminalSafeLine(line), "\(hex(line))")
        }
    }
}

/// Every scalar that is a bidirectional control (Unicode's Bidi_Control property) or a
/// line or paragraph separator.
func reorderingScalars() -> [Unicode.Scalar] {
    (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter { scalar in
        let properties = scalar.properties
        return properties.isBidiControl || properties.generalCategory == .lineSeparator
            || properties.generalCategory == .paragraphSeparator
    }
}

/// One line that is well-formed UTF-8, ends with its only newline, and holds no control
/// character (Unicode's Cc: C0, DEL, C1), bidirectional control or separator.
func isTerminalSafeLine(_ record: [UInt8]) -> Bool {
    guard record.last == 0x0A, let line = String(validating: record.dropLast(), as: UTF8.self) else { return false }
    return line.unicodeScalars.allSatisfy { scalar in
        let properties = scalar.properties
        switch properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return false
        default: return !properties.isBidiControl
        }
    }
}

/// A datagram of up to 80 bytes: uniformly random, or drawn from the bytes that make
/// control characters and escapes (C0, DEL, lone 0x80...0x9F, `C2`, `E2 80 A8`, the
/// bytes of the bidirectional controls, quotes, backslash), or well-formed UTF-8 of
/// control, bidirectional and other characters.
func randomPayload(_ random: inout SplitMix64) -> [UInt8] {
    let length = Int.random(in: 0...80, using: &random)
    switch Int.random(in: 0..<3, using: &random) {
    case 0:
        return (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
    case 1:
        let alphabet: [UInt8] = [0x00, 0x07, 0x09, 0x0A, 0x0D, 0x1B, 0x5B, 0x7F, 0x80, 0x85, 0x9B, 0x9F, 0xC2, 0xE2,
                                 0xA8, 0xA9, 0x22, 0x27, 0x5C, 0x41, 0xA1, 0x8E, 0x8F, 0x81, 0x30,
                                 0xD8, 0x9C, 0xAA, 0xAE, 0xA6]
        return (0..<length).map { _ in alphabet.randomElement(using: &random)! }  // not empty
    default:
        let ranges: [ClosedRange<UInt32>] = [0...0x20, 0x7F...0xA0, 0x2028...0x2029, 0x4E00...0x4E10, 0x1F600...0x1F601,
                                             0x061B...0x061D, 0x200B...0x2030, 0x2064...0x206A]
        var text = ""
        for _ in 0..<length / 2 {
            // Every range above holds only scalar values (no surrogates).
            text.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: ranges.randomElement(using: &random)!, using: &random))!)
        }
        return Array(text.utf8)
    }
}

/// The files of the fuzz targets' seed directories (Fixtures/fuzz/TARGET/), as payloads.
func fuzzCorpus(_ targets: [String]) throws -> [[UInt8]] {
    var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)  // Tests/LetterCoreTests/Output/TerminalSafetyTests.swift
    let root = parts.joined(separator: "/") + "/Fixtures/fuzz/"
    var files: [[UInt8]] = []
    for target in targets {
        guard let directory = opendir(root + target) else { continue }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if !name.hasPrefix(".") { names.append(name) }
        }
        for name in names.sorted() {
            files.append(try readFile(root + target + "/" + name))
        }
    }
    return files
}
