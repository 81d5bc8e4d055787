/// `-f hex`: for each datagram a header line — the sender as `text` prints it (relay:
/// `SRC -> DST`) and the
/// size (`('127.0.0.1', 54321) 5 bytes`, `... 2000 bytes, cut to 1024` when the kernel
/// cut it) — then the payload exactly as `hexdump -Cv` prints it, less hexdump's final
/// offset line; an empty datagram has the header alone. Datagram boundaries always show.
final class HexPrinter: Printer {
    static let summary = "A header line with the sender and size, then the payload as hexdump -Cv prints it."
    private var addresses = AddressColumns(printForm: true, separator: " -> ")

    init(_ context: PrinterContext) {}

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        addresses.append(datagram, to: &out)
        out.append(UInt8(ascii: " "))
        appendDecimal(UInt64(datagram.fullLength), to: &out)
        out.append(contentsOf: (datagram.fullLength == 1 ? " byte" : " bytes").utf8)
        if datagram.isTruncated {
            out.append(contentsOf: ", cut to ".utf8)
            appendDecimal(UInt64(datagram.payload.count), to: &out)
        }
        out.append(UInt8(ascii: "\n"))
        appendHexdumpLines(datagram.payload, to: &out)
        return nil
    }
}

/// `hexdump -Cv`'s lines for `bytes`, without its final offset line: the offset in 8
/// hex digits, two spaces, 16 bytes in hex with one more space after the eighth (short
/// lines padded to the same width), then the bytes as ASCII between bars, `.` for any
/// byte outside 0x20...0x7E.
func appendHexdumpLines(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
    var offset = 0
    while offset < bytes.count {
        let line = bytes.dropFirst(offset).prefix(16)
        appendHexDigits(UInt64(offset), count: 8, to: &out)
        out.append(contentsOf: "  ".utf8)
        for column in 0..<16 {
            if column < line.count {
                appendHexByte(line[line.startIndex + column], to: &out)
                out.append(UInt8(ascii: " "))
            } else {
                out.append(contentsOf: "   ".utf8)
            }
            if column == 7 { out.append(UInt8(ascii: " ")) }
        }
        out.append(contentsOf: " |".utf8)
        for byte in line { out.append((0x20...0x7E).contains(byte) ? byte : UInt8(ascii: ".")) }
        out.append(contentsOf: "|\n".utf8)
        offset += 16
    }
}

/// `value` as exactly `count` lower-case hex digits.
private func appendHexDigits(_ value: UInt64, count: Int, to out: inout [UInt8]) {
    for position in stride(from: count - 1, through: 0, by: -1) {
        let digit = UInt8(truncatingIfNeeded: value >> (4 * UInt64(position))) & 0xF
        out.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
    }
}
