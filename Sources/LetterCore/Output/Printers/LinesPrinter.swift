/// `-f lines`: the decoded text and a newline, the inverse of `send`'s line mode.
final class LinesPrinter: Printer {
    static let summary = "The decoded text alone: the inverse of send's line mode."
    private let text: DecodedText

    init(_ context: PrinterContext) { text = DecodedText(context) }

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        if let failure = text.appendPayload(datagram.payload, escaped: false, to: &out) { return failure }
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
