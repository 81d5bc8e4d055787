/// `-f raw`: the payload bytes as received, nothing added (like `nc -ul`).
final class RawPrinter: Printer {
    static let summary = "The payload bytes as received, nothing added (like nc -ul)."
    static let showsColumns = false

    init(_ context: PrinterContext) {}

    func append(_ record: Record, to out: inout [UInt8]) -> DecodeFailure? {
        out.append(contentsOf: record.datagram.payload)
        return nil
    }
}
