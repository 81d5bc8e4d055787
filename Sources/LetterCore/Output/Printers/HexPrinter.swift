/// `-f hex`: for each datagram a header line — the sender as `text` prints it (relay:
/// `SRC -> DST`) and the size (`('127.0.0.1', 54321) 5 bytes`, `... 2000 bytes, cut to
/// 1024` when the kernel cut it) — then the payload exactly as `hexdump -Cv` prints it, less hexdump's final
/// offset line; an empty datagram has the header alone. Datagram boundaries always show.
final class HexPrinter: Printer {
    static let summary = "A header line with the sender and size, then the payload as hexdump -Cv prints it."
    private let columns: Columns
    private var addresses = AddressColumns(printForm: true, separator: " -> ")
    private var dump = HexdumpLines()

    init(_ context: PrinterContext) { columns = context.columns }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let datagram = record.datagram
        columns.appendLead(record, to: &out)
        addresses.append(record, to: &out)
        out.append(UInt8(ascii: " "))
        appendDecimal(UInt64(datagram.fullLength), to: &out)
        out.append(contentsOf: (datagram.fullLength == 1 ? " byte" : " bytes").utf8)
        if datagram.isTruncated {
            out.append(contentsOf: ", cut to ".utf8)
            appendDecimal(UInt64(datagram.payload.count), to: &out)
        }
        columns.appendTrail(record, to: &out)
        out.append(UInt8(ascii: "\n"))
        dump.append(datagram.payload, to: &out)
        return nil
    }
}

/// `hexdump -Cv`'s lines, without its final offset line: the offset in 8 hex digits,
/// two spaces, 16 bytes in hex with one more space after the eighth (a short last line
/// padded to the same width), then the bytes as ASCII between bars, `.` for any byte
/// outside 0x20...0x7E. Each line is filled in one reused buffer and appended whole:
/// a byte-by-byte append costs several times more.
struct HexdumpLines {
    /// `00000000  xx xx xx xx xx xx xx xx  xx xx xx xx xx xx xx xx  |................|\n`
    private var line = [UInt8](repeating: UInt8(ascii: " "), count: 79)
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)
    /// Where byte `column`'s two hex digits go.
    private static func hexPosition(_ column: Int) -> Int { 10 + column * 3 + (column >= 8 ? 1 : 0) }

    mutating func append(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        var offset = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let count = min(16, bytes.endIndex - index)
            for position in 0..<8 {
                line[7 - position] = Self.digits[(offset >> (4 * position)) & 0xF]
            }
            for column in 0..<16 {
                let at = Self.hexPosition(column)
                if column < count {
                    let byte = bytes[index + column]
                    line[at] = Self.digits[Int(byte >> 4)]
                    line[at + 1] = Self.digits[Int(byte & 0xF)]
                    line[61 + column] = byte >= 0x20 && byte <= 0x7E ? byte : UInt8(ascii: ".")
                } else {
                    line[at] = UInt8(ascii: " ")
                    line[at + 1] = UInt8(ascii: " ")
                }
            }
            line[60] = UInt8(ascii: "|")
            line[61 + count] = UInt8(ascii: "|")
            line[62 + count] = UInt8(ascii: "\n")
            out.append(contentsOf: line[0..<63 + count])
            offset += 16
            index += count
        }
    }
}
