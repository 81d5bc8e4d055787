/// `-f text`: what Python's `print(data.decode(ENC, errors), addr)` writes, with the
/// characters that could move the cursor or reorder the line escaped as repr escapes them
/// (relay: `TEXT SRC -> DST`).
final class TextPrinter: Printer {
    static let summary = "print(data.decode(ENC, errors), addr) with control characters escaped as repr escapes them, "
        + "so one datagram is one line (the default)."
    private let text: DecodedText
    private var addresses = AddressColumns(printForm: true, separator: " -> ")

    init(_ context: PrinterContext) { text = DecodedText(context) }

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        if let failure = text.appendPayload(datagram.payload, escaped: true, to: &out) { return failure }
        out.append(UInt8(ascii: " "))
        addresses.append(datagram, to: &out)
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
