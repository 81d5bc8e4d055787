/// `-f raw`: the payload bytes as received, nothing added (like `nc -ul`).
final class RawPrinter: Printer {
    static let summary = "The payload bytes as received, nothing added (like nc -ul)."
    static let columnPlacement = ColumnPlacement.none

    init(_ context: PrinterContext) {}

    func append(_ datagram: Datagram, to out: inout [UInt8]) -> DecodeFailure? {
        out.append(contentsOf: datagram.payload)
        return nil
    }
}
