/// `-f text`: what Python's `print(data.decode(ENC, errors), addr)` writes, with the
/// characters that could move the cursor or reorder the line escaped as repr escapes them
/// (relay: `TEXT SRC -> DST`).
final class TextPrinter: Printer {
    static let summary = "print(data.decode(ENC, errors), addr) with control characters escaped as repr escapes them, "
        + "so one datagram is one line (the default)."
    private let text: DecodedText
    private let columns: Columns
    private var addresses = AddressColumns(printForm: true, separator: " -> ")

    init(_ context: PrinterContext) {
        text = DecodedText(context)
        columns = context.columns
    }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let payload = record.datagram.payload
        if let failure = text.decodeForDisplay(payload) { return failure }
        columns.appendLead(record, to: &out)
        text.appendPayload(payload, escaped: true, to: &out)
        out.append(UInt8(ascii: " "))
        addresses.append(record, to: &out)
        columns.appendTrail(record, to: &out)
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
