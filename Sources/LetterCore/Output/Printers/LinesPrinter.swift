/// `-f lines`: the decoded text and a newline, the inverse of `send`'s line mode.
final class LinesPrinter: Printer {
    static let summary = "The decoded text alone: the inverse of send's line mode."
    private let text: DecodedText
    private let showBytes: Bool

    init(_ context: PrinterContext) {
        text = DecodedText(context.decoder)
        showBytes = context.showBytes
    }

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        if showBytes {
            appendPythonBytesRepr(datagram.payload, to: &out)
        } else {
            if let failure = text.decode(datagram.payload) { return failure }
            out.append(contentsOf: text.bytes)
        }
        out.append(UInt8(ascii: "\n"))
        return nil
    }
}
