import Glibc
import Testing
@testable import LetterCore
import TestSupport

/// Reads the tab-separated expectations Python wrote into Fixtures/oracle/ (and the
/// other folders of Fixtures/ that hold a generate.py).
enum OracleFixtures {
    static let fixtures: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Tests/LetterCoreTests/OracleFixtures.swift
        return parts.joined(separator: "/") + "/Fixtures/"
    }()

    /// The rows of `name` in Fixtures/`folder`, each split on tabs. A missing or empty
    /// fixture is a test failure, so that no loop over its rows can pass by running zero times.
    static func rows(_ name: String, in folder: String = "oracle") -> [[String]] {
        let path = fixtures + folder + "/" + name
        guard let contents = try? readFile(path) else {
            Issue.record("missing fixture \(path): run python3 Fixtures/\(folder)/generate.py")
            return []
        }
        // Lines and fields are split on bytes: "\r\n" would be one Character.
        let rows = contents.split(separator: 0x0A).map {
            $0.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
        if rows.isEmpty { Issue.record("fixture \(path) has no rows") }
        return rows
    }
}

func fromHex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let next = text.index(index, offsetBy: 2)
        bytes.append(UInt8(text[index..<next], radix: 16)!)  // the fixtures hold only hex pairs here
        index = next
    }
    return bytes
}

func utf8String(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

struct MissingEncoding: Error {
    let name: String
}

/// A decoder for a named encoding, or a test failure when it cannot be made.
func makeDecoder(_ name: String, _ errors: DecodeErrorHandler) throws -> TextDecoder {
    guard let encoding = lookupEncoding(name), let decoder = TextDecoder(encoding: encoding, errors: errors) else {
        throw MissingEncoding(name: name)
    }
    return decoder
}

func makeEncoder(_ name: String, replacing: Bool) throws -> TextEncoder {
    guard let encoding = lookupEncoding(name), let encoder = TextEncoder(encoding: encoding, replaceUnencodable: replacing) else {
        throw MissingEncoding(name: name)
    }
    return encoder
}

/// A printer of one format with the options it was made with, fed loose parts the way
/// the receive path feeds it a `Record`.
struct TestPrinter {
    let format: RecordFormat
    let showBytes: Bool
    let printer: any Printer

    init(format: RecordFormat, showBytes: Bool, decoder: TextDecoder) {
        self.format = format
        self.showBytes = showBytes
        printer = format.printer.init(PrinterContext(decoder: decoder, showBytes: showBytes))
    }

    func append(payload: ArraySlice<UInt8>, fullLength: Int, sender: Peer, to out: inout [UInt8]) -> DecodeFailure? {
        printer.append(Record(Datagram(payload: payload, fullLength: fullLength, peer: sender)), to: &out)
    }
}
