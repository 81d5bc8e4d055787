/// `-f lines`: the decoded text and a newline, the inverse of `send`'s line mode.
final class LinesPrinter: Printer {
    static let summary = "The decoded text alone: the inverse of send's line mode."
    private let text: DecodedText
    private let columns: Columns

    init(_ context: PrinterContext) {
        text = DecodedText(context)
        columns = context.columns
    }

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        let payload = record.datagram.payload
        if let failure = text.decodeForDisplay(payload) { return failure }
        columns.appendLead(record, to: &out)
        text.appendPayload(payload, escaped: false, to: &out)
        columns.appendTrail(record, to: &out)
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
